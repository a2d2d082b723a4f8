/*
 * shutdown-reboot: SCHEDOP_shutdown with SHUTDOWN_reboot.
 *
 * The shutdown reason of the initial domain decides what the machine does;
 * with debug_exit the hypervisor reports it as the QEMU exit code
 * (MICA_EXIT_REBOOT, status 3).  The call must not return.
 */
#include <test.h>

void test_main(void)
{
    struct sched_shutdown sd = { .reason = SHUTDOWN_reboot };
    long rc;

    printf("Requesting reboot\n");
    rc = HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
    test_fail("SCHEDOP_shutdown(reboot) returned %ld", rc);
}
