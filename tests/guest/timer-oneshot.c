/*
 * timer-oneshot: the one-shot timer -- set_timer_op and
 * VCPUOP_set/stop_singleshot_timer -- raising VIRQ_TIMER.
 *
 * Run under -icount (the harness's icount option): virtual time advances
 * one nanosecond per instruction, so the expectations can be exact.  The
 * periodic tick is stopped first so VIRQ_TIMER means "the one-shot
 * fired".  We sleep in SCHEDOP_poll on the (masked) timer port:
 *   - deadlines 1, 3, 10 and 25 ms ahead fire no earlier than asked and
 *     less than 20 us late;
 *   - a deadline in the past fires at once (before the hypercall returns);
 *   - set_timer_op(0) cancels; so does VCPUOP_stop_singleshot_timer;
 *   - absurd deadlines (negative, or more than 2^50 ns ahead) fire in
 *     100 ms, as the ABI says;
 *   - VCPUOP_set_singleshot_timer with VCPU_SSHOTTMR_future refuses a
 *     past deadline (-ETIME), accepts a future one; another vCPU
 *     (-ENOENT), bad pointers (-EFAULT).
 */
#include <test.h>
#include <events.h>

static evtchn_port_t tp;

#define US(ns) ((unsigned int)udiv64((ns), 1000))

/* Sleep until the timer port fires or `limit` passes; the wake-up time. */
static uint64_t wait_timer(uint64_t limit)
{
    evtchn_port_t p = tp;

    while (!evtchn_is_pending(tp) && now_ns() < limit)
        sched_poll(&p, 1, limit);
    return now_ns();
}

static bool fired(void)
{
    bool f = evtchn_is_pending(tp);
    evtchn_clear_pending(tp);
    return f;
}

static void accuracy(void)
{
    static const unsigned int ms[] = { 1, 3, 10, 25 };
    for (unsigned int i = 0; i < ARRAY_SIZE(ms); i++) {
        uint64_t deadline = now_ns() + ms[i] * NS_PER_MS;
        CHECK_RC(HYPERVISOR_set_timer_op(deadline), 0, "set_timer_op");
        uint64_t woke = wait_timer(deadline + 100 * NS_PER_MS);
        bool f = fired();
        long long late = (long long)(woke - deadline);
        printf("one-shot %2u ms: woke %lld ns after the deadline\n", ms[i], late);
        CHECK(f, "%u ms one-shot did not fire", ms[i]);
        CHECK(late >= 0 && late < 20000, "%u ms one-shot: %lld ns late", ms[i], late);
    }
    /* VCPUOP form. */
    vcpu_set_singleshot_timer_t s = { .timeout_abs_ns = now_ns() + 2 * NS_PER_MS,
                                      .flags = VCPU_SSHOTTMR_future };
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &s), 0, "singleshot future");
    uint64_t woke = wait_timer(s.timeout_abs_ns + 100 * NS_PER_MS);
    CHECK(fired() && woke >= s.timeout_abs_ns && woke - s.timeout_abs_ns < 20000,
          "VCPUOP one-shot late by %lld ns", (long long)(woke - s.timeout_abs_ns));
}

static void past_and_cancel(void)
{
    CHECK_RC(HYPERVISOR_set_timer_op(now_ns() - NS_PER_MS), 0, "past deadline");
    CHECK(fired(), "a past deadline did not fire at once");
    CHECK_RC(HYPERVISOR_set_timer_op(1), 0, "deadline 1 ns");
    CHECK(fired(), "deadline 1 ns did not fire at once");

    uint64_t t0 = now_ns();
    CHECK_RC(HYPERVISOR_set_timer_op(t0 + 2 * NS_PER_MS), 0, "set");
    CHECK_RC(HYPERVISOR_set_timer_op(0), 0, "cancel");
    wait_timer(t0 + 10 * NS_PER_MS);
    CHECK(!fired(), "set_timer_op(0) did not cancel");

    vcpu_set_singleshot_timer_t s = { .timeout_abs_ns = now_ns() + 2 * NS_PER_MS };
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &s), 0, "singleshot");
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 0, NULL), 0, "stop");
    wait_timer(s.timeout_abs_ns + 8 * NS_PER_MS);
    CHECK(!fired(), "stop_singleshot_timer did not cancel");

    s = (vcpu_set_singleshot_timer_t){ .timeout_abs_ns = now_ns() - 1000,
                                        .flags = VCPU_SSHOTTMR_future };
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &s), -XEN_ETIME, "future flag, past");
    CHECK(!fired(), "a refused deadline fired");
    s.flags = 0;
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &s), 0, "past, no flag");
    CHECK(fired(), "a past VCPUOP deadline did not fire at once");
    s.timeout_abs_ns = 0x8000000000000000ull;               /* negative: past */
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, &s), 0, "bit 63 set");
    CHECK(fired(), "a negative VCPUOP deadline did not fire at once");
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 1, &s), -XEN_ENOENT, "vCPU 1");
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_set_singleshot_timer, 0, NULL), -XEN_EFAULT, "NULL");
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_stop_singleshot_timer, 7, NULL), -XEN_ENOENT, "stop vCPU 7");
}

static void absurd(void)
{
    static const struct { const char *what; uint64_t ahead; bool negative; } cases[] = {
        { "2^51 ns ahead", 1ull << 51, false },
        { "negative", 0, true },
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        uint64_t t0 = now_ns();
        uint64_t d = cases[i].negative ? 0xfffffffffff00000ull : t0 + cases[i].ahead;
        CHECK_RC(HYPERVISOR_set_timer_op(d), 0, cases[i].what);
        uint64_t woke = wait_timer(t0 + 300 * NS_PER_MS);
        CHECK(fired(), "%s: did not fire", cases[i].what);
        uint64_t after = woke - t0;
        printf("absurd deadline (%s): fired after %u us\n", cases[i].what, US(after));
        CHECK(after >= 100 * NS_PER_MS && after < 101 * NS_PER_MS,
              "%s: fired after %u us, expected 100 ms", cases[i].what, US(after));
    }
    /* Just under the limit is taken as it is: it does not fire soon. */
    CHECK_RC(HYPERVISOR_set_timer_op(now_ns() + (1ull << 49)), 0, "2^49 ns ahead");
    wait_timer(now_ns() + 150 * NS_PER_MS);
    CHECK(!fired(), "a 2^49 ns deadline fired early");
    HYPERVISOR_set_timer_op(0);
}

void test_main(void)
{
    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    long p = evtchn_bind_virq(VIRQ_TIMER, 0);
    if (p <= 0) {
        test_fail("bind VIRQ_TIMER: %ld", p);
        return;
    }
    tp = (evtchn_port_t)p;
    evtchn_set_mask(tp);
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0, "stop periodic");
    fired();
    accuracy();
    past_and_cancel();
    absurd();
    test_success();
}
