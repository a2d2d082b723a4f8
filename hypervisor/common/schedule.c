/*
 * The scheduler -- first form: one CPU, one domain.
 *
 * schedule() is called when the current vCPU can no longer run.  With a
 * single domain there is nothing to switch to, so the machine's fate goes
 * to hypervisor_shutdown_all().  The credit scheduler with run queues,
 * block and wake-up replaces this body (scheduling issue); the contract --
 * "never returns: switches to another vCPU or shuts down" -- stays.
 */
#include <mica/sched.h>
#include <mica/domain.h>

void schedule(void)
{
    hypervisor_shutdown_all();
}
