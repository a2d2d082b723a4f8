/*
 * test-sched-credit: the credit scheduler's policy
 * (hypervisor/common/sched_credit.c) in a simulated CPU.
 *
 * CPU-bound vCPUs must share the CPU in proportion to their weights (1:1,
 * 2:1, 1:1:1, 1:2:3) within 2% over a few simulated seconds; a vCPU that
 * blocks and wakes must preempt a spinner within the minimum slice, never
 * sooner than the spinner's minimum slice allows; a yield must let the
 * others run first; the idle CPU must pick nothing; credits stay bounded.
 * With 128 vCPUs (weights 256 and 512 alternating) every one progresses
 * and the shares still follow the weights; a yielded vCPU stays behind
 * every other queued one, and the order within a priority is first in,
 * first out.
 */
#include "htest.h"
#include <mica/sched_credit.h>

#define MAXV 128
static struct csched_cpu cpu;
static struct csched_vcpu sv[MAXV];

static int idx(const struct csched_vcpu *v)
{
    return v ? (int)(v - sv) : -1;
}

static void setup(int n, const unsigned int *weights)
{
    memset(sv, 0, sizeof(sv));
    csched_cpu_init(&cpu, 0);
    for (int i = 0; i < n; i++) {
        csched_vcpu_insert(&cpu, &sv[i], weights[i]);
        CHECK_EQ(csched_wake(&cpu, &sv[i], 0), 0);   /* idle CPU: at once */
    }
}

/* n CPU-bound vCPUs for `total` ns; fills ran[]. */
static void spin_all(int n, s_time_t total, s_time_t ran[])
{
    s_time_t now = 0, slice;
    struct csched_vcpu *cur = csched_schedule(&cpu, now, false, false, &slice);

    for (int i = 0; i < n; i++)
        ran[i] = 0;
    while (now < total) {
        if (!CHECK(cur != NULL))
            return;
        ran[idx(cur)] += slice;
        now += slice;
        cur = csched_schedule(&cpu, now, true, false, &slice);
    }
}

static void check_shares(int n, const unsigned int *w, s_time_t total)
{
    s_time_t ran[MAXV];
    unsigned int wsum = 0;

    setup(n, w);
    spin_all(n, total, ran);
    for (int i = 0; i < n; i++)
        wsum += w[i];
    for (int i = 0; i < n; i++) {
        double want = (double)total * w[i] / wsum, got = (double)ran[i];
        if (!CHECK(got > want * 0.97 && got < want * 1.03))
            fprintf(stderr, "vcpu %d weight %u: ran %.1f ms, want %.1f ms\n",
                    i, w[i], got / 1e6, want / 1e6);
    }
}

HTEST(equal_weights_share_equally)
{
    static const unsigned int w[] = { 256, 256 };
    check_shares(2, w, SECONDS(3));
}

HTEST(weights_two_to_one)
{
    static const unsigned int w[] = { 512, 256 };
    check_shares(2, w, SECONDS(3));
}

HTEST(three_equal)
{
    static const unsigned int w[] = { 256, 256, 256 };
    check_shares(3, w, SECONDS(3));
}

HTEST(one_two_three)
{
    static const unsigned int w[] = { 100, 200, 300 };
    check_shares(3, w, SECONDS(6));
}

HTEST(idle_cpu_picks_nothing)
{
    s_time_t slice;
    csched_cpu_init(&cpu, 0);
    CHECK(csched_schedule(&cpu, 0, false, false, &slice) == NULL);
    csched_vcpu_insert(&cpu, &sv[0], 256);
    CHECK(csched_schedule(&cpu, 10, false, false, &slice) == NULL);   /* not woken */
}

HTEST(sleep_takes_off_the_queue)
{
    static const unsigned int w[] = { 256, 256 };
    s_time_t slice;
    setup(2, w);
    csched_sleep(&cpu, &sv[1]);
    CHECK(idx(csched_schedule(&cpu, 0, false, false, &slice)) == 0);
    CHECK(idx(csched_schedule(&cpu, MILLISECS(10), true, false, &slice)) == 0);
    csched_vcpu_remove(&cpu, &sv[1]);
    CHECK(idx(csched_schedule(&cpu, MILLISECS(20), true, false, &slice)) == 0);
}

HTEST(yield_lets_the_other_run)
{
    static const unsigned int w[] = { 256, 256 };
    s_time_t slice;
    setup(2, w);
    struct csched_vcpu *first = csched_schedule(&cpu, 0, false, false, &slice);
    struct csched_vcpu *second = csched_schedule(&cpu, MICROSECS(10), true, true, &slice);
    CHECK(first != second && second != NULL);
    /* Alone, a yield gives the CPU straight back. */
    csched_sleep(&cpu, first);
    CHECK(csched_schedule(&cpu, MICROSECS(20), true, true, &slice) == second);
}

/*
 * vCPU 0 spins; vCPU 1 runs 100 us, blocks, and is woken 5 ms later, over
 * and over.  Its wake-up latency must never exceed the minimum slice, and
 * the spinner must still get the bulk of the CPU.
 */
HTEST(spinner_does_not_starve_a_waker)
{
    static const unsigned int w[] = { 256, 256 };
    s_time_t now = 0, slice, worst = 0, ran0 = 0;
    int wakes = 0;

    setup(2, w);
    struct csched_vcpu *cur = csched_schedule(&cpu, now, false, false, &slice);
    s_time_t slice_end = now + slice, wake_at = -1, woke = -1;

    while (now < SECONDS(2)) {
        if (cur == &sv[1]) {
            if (woke >= 0) {
                s_time_t lat = now - woke;
                if (getenv("DBG") && lat > worst)
                    fprintf(stderr, "t=%lld lat=%lld credit0=%lld credit1=%lld prio1=%d\n",
                            (long long)now, (long long)lat, (long long)sv[0].credit,
                            (long long)sv[1].credit, sv[1].prio);
                worst = lat > worst ? lat : worst;
                wakes++;
                woke = -1;
            }
            now += MICROSECS(100);                      /* work, then block */
            wake_at = now + MILLISECS(5);
            cur = csched_schedule(&cpu, now, false, false, &slice);
            slice_end = now + slice;
            continue;
        }
        /* vCPU 0 (or idle) runs until the slice ends or vCPU 1 wakes. */
        s_time_t next = slice_end, resched = STIME_MAX;
        if (wake_at >= 0 && wake_at < next)
            next = wake_at;
        if (cur == &sv[0])
            ran0 += next - now;
        now = next;
        if (now == wake_at) {
            woke = now;
            wake_at = -1;
            resched = csched_wake(&cpu, &sv[1], now);
            if (resched > now && resched < slice_end) {
                if (cur == &sv[0])
                    ran0 += resched - now;
                now = resched;
            } else if (resched > now) {
                continue;
            }
        }
        cur = csched_schedule(&cpu, now, cur != NULL, false, &slice);
        slice_end = now + slice;
    }
    CHECK(wakes > 300);
    if (!CHECK(worst <= CSCHED_MIN_SLICE))
        fprintf(stderr, "worst wake-up latency %lld ns\n", (long long)worst);
    CHECK(ran0 > SECONDS(2) * 9 / 10);
}

HTEST(no_preemption_before_the_minimum_slice)
{
    static const unsigned int w[] = { 256, 256 };
    s_time_t slice;

    setup(1, w);
    csched_vcpu_insert(&cpu, &sv[1], 256);
    /* vCPU 1 builds up credit while vCPU 0 spins. */
    struct csched_vcpu *cur = csched_schedule(&cpu, 0, false, false, &slice);
    CHECK(cur == &sv[0]);
    s_time_t now = 0;
    for (int i = 0; i < 10; i++) {
        now += MILLISECS(10);
        cur = csched_schedule(&cpu, now, true, false, &slice);
    }
    sv[1].credit = MILLISECS(5);                     /* as after a quiet spell */
    s_time_t when = csched_wake(&cpu, &sv[1], now + MICROSECS(200));
    CHECK_EQ(when, now + CSCHED_MIN_SLICE);          /* vCPU 0 started at now */
    CHECK_EQ(sv[1].prio, CSCHED_PRI_BOOST);
    CHECK_EQ(csched_wake(&cpu, &sv[1], now + MILLISECS(3)), STIME_MAX);  /* queued */
    cur = csched_schedule(&cpu, when, true, false, &slice);
    CHECK(cur == &sv[1]);
}

HTEST(credit_is_bounded)
{
    static const unsigned int w[] = { 256, 256 };
    s_time_t slice;
    setup(1, w);
    csched_schedule(&cpu, 0, false, false, &slice);
    /* Alone for a minute: its debt stays within the cap. */
    for (s_time_t now = MILLISECS(10); now < SECONDS(60); now += MILLISECS(10))
        csched_schedule(&cpu, now, true, false, &slice);
    CHECK(sv[0].credit >= -CSCHED_CREDIT_CAP && sv[0].credit <= CSCHED_CREDIT_CAP);
    /* A long idle gap hands out no more than the cap either. */
    csched_schedule(&cpu, SECONDS(60), false, false, &slice);
    csched_wake(&cpu, &sv[0], SECONDS(3600));
    csched_schedule(&cpu, SECONDS(3600), false, false, &slice);
    CHECK(sv[0].credit <= CSCHED_CREDIT_CAP);
}

/* 128 CPU-bound vCPUs, weights 256 and 512: the shares by weight. */
HTEST(many_vcpus_share_by_weight)
{
    static unsigned int w[MAXV];
    static s_time_t ran[MAXV];
    s_time_t total = SECONDS(40);
    double sum[2] = { 0, 0 };

    for (int i = 0; i < MAXV; i++)
        w[i] = i & 1 ? 512 : 256;
    setup(MAXV, w);
    spin_all(MAXV, total, ran);
    /* Each within 25 % of its class's average: nobody starves. */
    for (int i = 0; i < MAXV; i++)
        sum[i & 1] += (double)ran[i];
    for (int i = 0; i < MAXV; i++) {
        double avg = sum[i & 1] / (MAXV / 2);
        if (!CHECK(ran[i] > avg * 0.75 && ran[i] < avg * 1.25))
            fprintf(stderr, "vcpu %d weight %u: ran %.1f ms, its class %.1f ms\n", i, w[i],
                    ran[i] / 1e6, avg / 1e6);
    }
    /* With 128 vCPUs each period hands out ~0.2 ms of credit a vCPU
     * against slices of 10 ms, so the shares are coarser than with two:
     * 1.84 measured (the same with the single sorted queue this replaced);
     * dom0-scale-128 measures 1.73 under QEMU. */
    double ratio = sum[1] / sum[0];
    if (!CHECK(ratio > 1.75 && ratio < 2.25))
        fprintf(stderr, "weight 512 : 256 = %.3f\n", ratio);
}

/* Three runnable: the one that yields runs after both others, the other
 * two in the order they were queued. */
HTEST(yield_goes_behind_everybody_fifo_within_a_priority)
{
    static const unsigned int w[] = { 256, 256, 256 };
    s_time_t slice;
    setup(3, w);
    CHECK(idx(csched_schedule(&cpu, 0, false, false, &slice)) == 0);
    /* 0 yields: 1 and 2 (woken first, boosted), then 0 */
    CHECK(idx(csched_schedule(&cpu, MICROSECS(10), true, true, &slice)) == 1);
    CHECK(idx(csched_schedule(&cpu, MICROSECS(20), true, false, &slice)) == 2);
    CHECK(idx(csched_schedule(&cpu, MICROSECS(30), true, false, &slice)) == 0);
    CHECK(idx(csched_schedule(&cpu, MICROSECS(40), true, false, &slice)) == 1);
}
