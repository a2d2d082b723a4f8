/*
 * sched-latency: a domain spinning forever cannot starve a domain that
 * blocks and wakes.
 *
 * d1 (spin role=spin) burns the CPU.  We sleep on our one-shot timer 200
 * times, for periods from 0.3 ms to 5 ms, and measure how late we run
 * after each deadline.  A woken vCPU with credit is BOOSTed and preempts
 * the spinner as soon as the spinner has had its minimum slice (1 ms), so
 * no wake-up may be later than about 1 ms, and most are immediate.  Under
 * -icount the figures are deterministic; they are printed as
 *
 *     wake-up latency with a spinning neighbour: worst W us, mean M us
 */
#include <test.h>
#include <events.h>

#define US(ns) ((unsigned int)udiv64((ns), 1000))

void test_main(void)
{
    static const unsigned int sleep_us[] = { 300, 700, 1500, 5000 };
    uint64_t worst = 0, sum = 0;
    unsigned int n = 0;

    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    long tp = evtchn_bind_virq(VIRQ_TIMER, 0);
    if (tp <= 0) {
        test_fail("bind VIRQ_TIMER: %ld", tp);
        return;
    }
    evtchn_port_t p = (evtchn_port_t)tp;
    evtchn_set_mask(p);
    HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
    spin_ns(50 * NS_PER_MS);                /* let d1 get going */

    struct vcpu_runstate_info a, b;
    get_runstate(&a);
    uint64_t t0 = now_ns();
    for (unsigned int i = 0; i < 200; i++) {
        uint64_t deadline = now_ns() + sleep_us[i % ARRAY_SIZE(sleep_us)] * NS_PER_US;
        evtchn_clear_pending(p);
        HYPERVISOR_set_timer_op(deadline);
        while (!evtchn_is_pending(p))
            sched_poll(&p, 1, 0);
        uint64_t late = now_ns() - deadline;
        worst = late > worst ? late : worst;
        sum += late;
        n++;
    }
    uint64_t span = now_ns() - t0;
    get_runstate(&b);
    uint64_t other = b.time[RUNSTATE_blocked] - a.time[RUNSTATE_blocked] +
                     b.time[RUNSTATE_runnable] - a.time[RUNSTATE_runnable];
    printf("wake-up latency with a spinning neighbour: worst %u us, mean %u us over %u "
           "wake-ups; d1 had the CPU %u of %u ms\n", US(worst), US(udiv64(sum, n)), n,
           (unsigned int)udiv64(other, NS_PER_MS), (unsigned int)udiv64(span, NS_PER_MS));
    CHECK(worst < 1100 * NS_PER_US, "worst wake-up latency %u us", US(worst));
    CHECK(udiv64(sum, n) < 500 * NS_PER_US, "mean wake-up latency %u us", US(udiv64(sum, n)));
    CHECK(other > span * 8 / 10, "the spinner had the CPU only %u of %u ms",
          (unsigned int)udiv64(other, NS_PER_MS), (unsigned int)udiv64(span, NS_PER_MS));
    test_success();
}
