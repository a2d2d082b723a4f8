/*
 * hlt-block: HLT in ring 1 blocks the vCPU until an event is pending.
 *
 * HLT is privileged (CPL 0 only); in ring 1 it raises #GP(0) and the
 * hypervisor emulates it as "block until an event is pending" (emulate.c's
 * emulation, the scheduler's blocking).  A hypervisor that halted
 * the real CPU would hang the machine; one that returned at once would
 * burn the CPU.
 *
 * With VIRQ_TIMER bound and the one-shot timer armed through the
 * "absurd deadline" rule (a negative deadline means "in 100 ms", so this
 * test needs no clock), hlt must return, and the vCPU's runstate must show
 * it spent about 100 ms blocked.  A second hlt, with the upcall still
 * pending (no callback consumed it), must return at once.  Events stay
 * masked in vcpu_info throughout: hlt waits for upcall_pending, whatever
 * the mask.  The 10 ms periodic tick is stopped first: it raises the same
 * VIRQ, and on a loaded host a tick between the bind and the hlt made the
 * hlt return at once.
 */
#include <test.h>
#include <events.h>

static uint64_t blocked_ns(void)
{
    struct vcpu_runstate_info rs;

    if (get_runstate(&rs))
        test_fail("VCPUOP_get_runstate_info failed");
    return rs.time[RUNSTATE_blocked];
}

void test_main(void)
{
    HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    long port = evtchn_bind_virq(VIRQ_TIMER, 0);

    if (port <= 0) {
        test_fail("bind VIRQ_TIMER: %ld", port);
        return;
    }
    uint64_t before = blocked_ns();
    CHECK_RC(HYPERVISOR_set_timer_op((uint64_t)-1), 0, "set_timer_op(-1: 100 ms)");
    asm volatile ("hlt");
    uint64_t slept = blocked_ns() - before;
    printf("hlt returned after %u us blocked\n", (unsigned int)udiv64(slept, 1000));
    CHECK(slept >= 90 * NS_PER_MS && slept < 5000 * NS_PER_MS,
          "blocked %u us, expected about 100 ms", (unsigned int)udiv64(slept, 1000));

    before = blocked_ns();
    asm volatile ("hlt");               /* upcall still pending: no block */
    slept = blocked_ns() - before;
    CHECK(slept < 5 * NS_PER_MS, "second hlt blocked %u us", (unsigned int)udiv64(slept, 1000));
    test_success();
}
