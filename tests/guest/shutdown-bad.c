/*
 * shutdown-bad: SCHEDOP_shutdown with arguments it must refuse.
 *
 * The struct sched_shutdown pointer is guest memory like any other: NULL,
 * hole, unmapped and straddling pointers must give -XEN_EFAULT and leave
 * the domain running.  An unknown reason (99, and 0xFFFFFFFF) must be
 * refused with -XEN_EINVAL - Mica's choice: Xen 4.2 accepted any reason and
 * treated unknown ones like a crash, which lets a typo kill the machine.
 * The same holds for the compat form (reason by value).  Afterwards the
 * test powers off normally with SUCCESS.
 */
#include <test.h>

void test_main(void)
{
    struct bad_buf bad[BAD_BUF_MAX];
    struct sched_shutdown sd;
    static const uint32_t reasons[] = { 99, SHUTDOWN_MAX + 1, 0xffffffff };
    unsigned int i, n = bad_buffers(sizeof(sd), bad);
    long rc;

    for (i = 0; i < n; i++)
        if ((rc = HYPERVISOR_sched_op(SCHEDOP_shutdown, (void *)bad[i].va)) != -XEN_EFAULT)
            test_fail("shutdown with %s pointer 0x%08x returned %ld",
                  bad[i].what, bad[i].va, rc);
    for (i = 0; i < ARRAY_SIZE(reasons); i++) {
        sd.reason = reasons[i];
        if ((rc = HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd)) != -XEN_EINVAL)
            test_fail("shutdown reason %u returned %ld", reasons[i], rc);
        if ((rc = HYPERVISOR_sched_op_compat(SCHEDOP_shutdown, reasons[i])) != -XEN_EINVAL)
            test_fail("compat shutdown reason %u returned %ld", reasons[i], rc);
    }
    printf("still running after refused shutdowns\n");
    test_success();
}
