/*
 * shutdown-compat: the old sched_op_compat (6) form of shutdown.
 *
 * Kernels built against interface < 0x00030101 call hypercall 6 and pass
 * the reason by value in ECX instead of a pointer to struct sched_shutdown
 * (fact sheet §2).  SHUTDOWN_poweroff this way must power off (QEMU
 * status 1) without printing any verdict: the harness expects no
 * "Test result:" line at all.
 */
#include <test.h>

void test_main(void)
{
    long rc;

    printf("Requesting poweroff via sched_op_compat\n");
    rc = HYPERVISOR_sched_op_compat(SCHEDOP_shutdown, SHUTDOWN_poweroff);
    test_fail("sched_op_compat(SCHEDOP_shutdown, poweroff) returned %ld", rc);
}
