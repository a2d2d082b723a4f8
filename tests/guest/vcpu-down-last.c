/*
 * vcpu-down-last: taking a domain's last vCPU down shuts the domain down
 * (poweroff), as Xen does, instead of leaving a domain nothing can ever
 * run again.
 *
 * Domain 0 with dom0_max_vcpus=2: vCPU 0 starts vCPU 1 and yields
 * forever; vCPU 1 takes vCPU 0 down (is_up then answers 0 for it) and
 * then itself.  The harness expects the poweroff and no result line: had
 * the second VCPUOP_down returned, vCPU 1 would report FAILURE.
 */
#include <test.h>
#include <events.h>
#include <traps.h>
#include <smp.h>

static void last(unsigned int id)
{
    long rc = HYPERVISOR_vcpu_op(VCPUOP_down, 0, NULL);

    if (rc || HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, NULL) != 0) {
        test_fail("down(0) from vCPU 1: %ld", rc);
        test_exit();
    }
    printf("vcpu-down-last: vCPU 0 is down, taking vCPU 1 down\n");
    rc = HYPERVISOR_vcpu_op(VCPUOP_down, id, NULL);
    test_fail("the last vCPU went down and came back (%ld)", rc);
    test_exit();
}

void test_main(void)
{
    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    traps_init();
    long rc = smp_start(1, last);
    if (rc) {
        test_fail("starting vCPU 1: %ld", rc);
        return;
    }
    for (;;)
        sched_yield();
}
