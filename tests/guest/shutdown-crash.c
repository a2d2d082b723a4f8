/*
 * shutdown-crash: SCHEDOP_shutdown with SHUTDOWN_crash.
 *
 * A guest that detects its own fatal error (a Linux panic) reports it
 * this way; the hypervisor must end with the crash exit code
 * (MICA_EXIT_CRASH, QEMU status 7) without returning to the guest.
 */
#include <test.h>

void test_main(void)
{
    struct sched_shutdown sd = { .reason = SHUTDOWN_crash };
    long rc;

    printf("Requesting crash shutdown\n");
    rc = HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
    test_fail("SCHEDOP_shutdown(crash) returned %ld", rc);
}
