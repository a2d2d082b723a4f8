/*
 * timer-periodic: the periodic timer -- the ABI's default 100 Hz tick and
 * VCPUOP_set/stop_periodic_timer -- raising VIRQ_TIMER.
 *
 * Run under -icount so intervals can be checked to the microsecond.  We
 * watch the (masked) timer port while spinning, timestamping each tick:
 *   - the default period is 10 ms, ticks spaced 10 ms apart (+-20 us),
 *     not drifting (the 10th tick 100 ms after the 1st, within 20 us);
 *   - set_periodic_timer(1 ms) and (5 ms) retune it, first tick one period
 *     after the call; stop_periodic_timer stops it;
 *   - periods below 1 ms, or beyond 2^50 ns, are refused (-EINVAL), as is
 *     a missing vCPU (-ENOENT) or an unreadable argument (-EFAULT);
 *   - the tick follows the vCPU (as in Xen): a vCPU blocked for 35 ms in
 *     poll is not woken by it, and gets one catch-up tick when it runs.
 */
#include <test.h>
#include <events.h>

static evtchn_port_t tp;

#define US(ns) ((unsigned int)udiv64((ns), 1000))

/* Spin for `span`, recording up to max tick times; returns the count. */
static unsigned int watch(uint64_t span, uint64_t *ticks, unsigned int max)
{
    uint64_t end = now_ns() + span;
    unsigned int n = 0;

    evtchn_clear_pending(tp);
    for (uint64_t t = now_ns(); t < end; t = now_ns()) {
        if (evtchn_is_pending(tp)) {
            evtchn_clear_pending(tp);
            if (n < max)
                ticks[n] = t;
            n++;
        }
    }
    return n;
}

static void check_period(const char *what, uint64_t period, uint64_t set_at,
                         const uint64_t *ticks, unsigned int n)
{
    uint64_t worst = 0;

    for (unsigned int i = 1; i < n; i++) {
        uint64_t gap = ticks[i] - ticks[i - 1];
        uint64_t err = gap > period ? gap - period : period - gap;
        worst = err > worst ? err : worst;
    }
    printf("%s: %u ticks, worst interval error %u ns\n", what, n, (unsigned int)worst);
    CHECK(worst < 20000, "%s: interval error %u ns", what, (unsigned int)worst);
    if (n >= 2) {
        uint64_t total = ticks[n - 1] - ticks[0], want = period * (n - 1);
        uint64_t drift = total > want ? total - want : want - total;
        CHECK(drift < 20000, "%s: drift %u ns over %u ticks", what, (unsigned int)drift, n);
    }
    if (set_at && n) {
        uint64_t first = ticks[0] - set_at;
        CHECK(first >= period && first < period + 20000,
              "%s: first tick %u us after setting", what, US(first));
    }
}

void test_main(void)
{
    uint64_t ticks[64];
    unsigned int n;

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

    /* The default: 100 Hz. */
    n = watch(105 * NS_PER_MS, ticks, 64);
    CHECK(n >= 10 && n <= 11, "default tick: %u ticks in 105 ms", n);
    check_period("default 10 ms", 10 * NS_PER_MS, 0, ticks, n < 64 ? n : 64);

    static const unsigned int periods_us[] = { 1000, 5000, 2500 };
    for (unsigned int i = 0; i < ARRAY_SIZE(periods_us); i++) {
        vcpu_set_periodic_timer_t set = { .period_ns = periods_us[i] * NS_PER_US };
        uint64_t at = now_ns();
        CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &set), 0, "set period");
        n = watch(set.period_ns * 20 + set.period_ns / 2, ticks, 64);
        CHECK(n == 20, "period %u us: %u ticks in 20.5 periods", periods_us[i], n);
        char what[32];
        snprintf(what, sizeof(what), "period %u us", periods_us[i]);
        check_period(what, set.period_ns, at, ticks, n < 64 ? n : 64);
    }

    /* Refused settings. */
    vcpu_set_periodic_timer_t bad = { .period_ns = 999999 };
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &bad), -XEN_EINVAL, "999999 ns");
    bad.period_ns = 0;
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &bad), -XEN_EINVAL, "0 ns");
    bad.period_ns = (1ull << 50) + 1;
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &bad), -XEN_EINVAL, "2^50+1 ns");
    bad.period_ns = ~0ull;
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, &bad), -XEN_EINVAL, "2^64-1 ns");
    bad.period_ns = NS_PER_MS;
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 1, &bad), -XEN_ENOENT, "vCPU 1");
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0xffffffffu, &bad), -XEN_ENOENT,
             "vCPU 2^32-1");
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_set_periodic_timer, 0, NULL), -XEN_EFAULT, "NULL");
    n = watch(6 * NS_PER_MS, ticks, 64);
    CHECK(n >= 2 && n <= 3, "a refused setting changed the 2.5 ms period (%u ticks)", n);

    /* Blocked: no ticks; one catch-up tick on the way back. */
    evtchn_clear_pending(tp);
    uint64_t t0 = now_ns();
    CHECK_RC(sched_poll(&tp, 1, t0 + 35 * NS_PER_MS), 0, "poll");
    uint64_t slept = now_ns() - t0;
    CHECK(slept >= 35 * NS_PER_MS, "a periodic tick woke a polling vCPU after %u us", US(slept));
    CHECK(evtchn_is_pending(tp), "no catch-up tick after the block");

    /* Stop. */
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL), 0, "stop");
    n = watch(30 * NS_PER_MS, ticks, 64);
    CHECK(n == 0, "%u ticks after stop_periodic_timer", n);
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 2, NULL), -XEN_ENOENT, "stop vCPU 2");

    /* vcpu_op's other commands. */
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_is_up, 0, NULL), 1, "is_up");
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_is_up, 1, NULL), -XEN_ENOENT, "is_up vCPU 1");
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_up, 0, NULL), 0, "up (already up)");
    /* The context is read before anything else is looked at (as Xen). */
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_initialise, 0, NULL), -XEN_EFAULT, "initialise(NULL)");
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_get_physid, 0, ticks), -XEN_EINVAL, "get_physid");
    CHECK_RC(HYPERVISOR_vcpu_op(99, 0, NULL), -XEN_ENOSYS, "vcpu_op 99");
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, NULL), -XEN_EFAULT, "runstate NULL");
    struct vcpu_runstate_info rs;
    CHECK_RC(HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, &rs), 0, "runstate");
    CHECK(rs.state == RUNSTATE_running, "runstate %d", rs.state);
    CHECK(rs.time[RUNSTATE_running] > 200 * NS_PER_MS && rs.time[RUNSTATE_blocked] >= 34 * NS_PER_MS,
          "runstate times: running %u us, blocked %u us", US(rs.time[RUNSTATE_running]),
          US(rs.time[RUNSTATE_blocked]));
    test_success();
}
