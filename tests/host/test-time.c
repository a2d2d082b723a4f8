/*
 * test-time: the time arithmetic of hypervisor/common/time.c.
 *
 * The TSC->ns scale must reproduce the exact ratio to well under a part per
 * million for every plausible clock rate, behave as the guest formula does
 * (the hypervisor and guests share it), never run backwards, and refuse
 * rates it cannot express.  mktime_utc() is checked against known dates and
 * impossible ones.  Publication must follow the version protocol: odd while
 * writing, even (and advanced) after, whatever the guest left in it.
 */
#include "htest.h"
#include <mica/time.h>
#include <mica/vcpu_area.h>
#include <mica/domain.h>
#include <public/xen.h>

/* time.c's guest-facing helpers need these arch hooks; unused here. */
void arch_time_snapshot(struct time_snapshot *s) { memset(s, 0, sizeof(*s)); }
void arch_wallclock(uint64_t *sec, uint32_t *nsec) { *sec = 0; *nsec = 0; }
/* vcpu_area.c's part: only the shared_info record here. */
void vcpu_time_publish(struct vcpu *v, const struct time_snapshot *s)
{
    time_publish(&v->vcpu_info->time, s);
}

/* delta * to / from, exactly. */
static uint64_t exact(uint64_t delta, uint64_t from, uint64_t to)
{
    return (uint64_t)((unsigned __int128)delta * to / from);
}

static void check_rate(uint64_t hz)
{
    struct time_scale ts;

    if (!CHECK_EQ(time_scale_init(&ts, hz, 1000000000ULL), 0))
        return;
    CHECK(ts.mul_frac >= 0x80000000u);
    /* One second, one hour and one year of ticks: error < 1 ppm + 2 ns. */
    uint64_t deltas[] = { hz, hz * 3600, hz * 3600 * 24 * 365, 1, 12345 };
    for (unsigned i = 0; i < sizeof(deltas) / sizeof(deltas[0]); i++) {
        uint64_t want = exact(deltas[i], hz, 1000000000ULL);
        uint64_t got = scale_delta(deltas[i], &ts);
        uint64_t err = got > want ? got - want : want - got;
        if (!CHECK(err <= want / 1000000 + 2))
            fprintf(stderr, "hz %llu delta %llu: got %llu want %llu\n",
                    (unsigned long long)hz, (unsigned long long)deltas[i],
                    (unsigned long long)got, (unsigned long long)want);
    }
}

HTEST(scale_is_accurate_for_common_rates)
{
    static const uint64_t rates[] = {
        1000000000ULL, 2612474000ULL, 3333333333ULL, 1193182ULL, 100000000ULL,
        32768ULL, 25000000ULL, 4999999999ULL, 12000000000ULL, 999999999ULL,
        1000000001ULL, 2000000000ULL, 500000000ULL,
    };
    for (unsigned i = 0; i < sizeof(rates) / sizeof(rates[0]); i++)
        check_rate(rates[i]);
}

HTEST(scale_of_one_ghz_is_identity)
{
    struct time_scale ts;
    CHECK_EQ(time_scale_init(&ts, 1000000000ULL, 1000000000ULL), 0);
    for (uint64_t d = 0; d < 100000; d += 7)
        CHECK_EQ(scale_delta(d, &ts), d);
    CHECK_EQ(scale_delta(1ULL << 40, &ts), 1ULL << 40);
}

HTEST(inverse_scale_ns_to_ticks)
{
    struct time_scale ts;
    CHECK_EQ(time_scale_init(&ts, 1000000000ULL, 2612474000ULL), 0);
    uint64_t got = scale_delta(1000000000ULL, &ts);
    CHECK(got >= 2612474000ULL - 3 && got <= 2612474000ULL + 3);
}

HTEST(scale_rejects_impossible_rates)
{
    struct time_scale ts = { 0x12345678, 3 };
    CHECK_EQ(time_scale_init(&ts, 0, 1000000000ULL), -1);
    CHECK_EQ(time_scale_init(&ts, 1000, 0), -1);
    CHECK_EQ(time_scale_init(&ts, 1, 1ULL << 40), -1);      /* 2^40 x: shift > 31 */
    CHECK_EQ(ts.mul_frac, 0x12345678);                      /* untouched */
    CHECK_EQ(ts.shift, 3);
}

HTEST(scale_is_monotonic_and_splits_like_the_guest_formula)
{
    struct time_scale ts;
    CHECK_EQ(time_scale_init(&ts, 2612474000ULL, 1000000000ULL), 0);
    uint64_t prev = 0;
    for (uint64_t d = 0; d < 2000000; d += 13) {
        uint64_t v = scale_delta(d, &ts);
        CHECK(v >= prev);
        prev = v;
    }
    /* A guest reading through a later timestamp differs by at most 1 ns. */
    uint64_t a = 987654321987ULL, b = 123456789ULL;
    uint64_t whole = scale_delta(a + b, &ts), parts = scale_delta(a, &ts) + scale_delta(b, &ts);
    CHECK(parts <= whole && whole - parts <= 1);
}

HTEST(mktime_known_dates)
{
    CHECK_EQ(mktime_utc(1970, 1, 1, 0, 0, 0), 0);
    CHECK_EQ(mktime_utc(1970, 1, 2, 0, 0, 1), 86401);
    CHECK_EQ(mktime_utc(2000, 3, 1, 0, 0, 0), 951868800);
    CHECK_EQ(mktime_utc(2024, 2, 29, 12, 0, 0), 1709208000);
    CHECK_EQ(mktime_utc(2038, 1, 19, 3, 14, 8), 2147483648LL);
    CHECK_EQ(mktime_utc(2100, 3, 1, 0, 0, 0), 4107542400LL);
    CHECK_EQ(mktime_utc(1999, 12, 31, 23, 59, 59), 946684799);
}

HTEST(mktime_rejects_impossible_dates)
{
    CHECK_EQ(mktime_utc(2100, 2, 29, 0, 0, 0), -1);     /* not a leap year */
    CHECK_EQ(mktime_utc(2023, 2, 29, 0, 0, 0), -1);
    CHECK_EQ(mktime_utc(2023, 4, 31, 0, 0, 0), -1);
    CHECK_EQ(mktime_utc(2023, 13, 1, 0, 0, 0), -1);
    CHECK_EQ(mktime_utc(2023, 0, 1, 0, 0, 0), -1);
    CHECK_EQ(mktime_utc(2023, 1, 0, 0, 0, 0), -1);
    CHECK_EQ(mktime_utc(2023, 1, 1, 24, 0, 0), -1);
    CHECK_EQ(mktime_utc(1969, 12, 31, 0, 0, 0), -1);
    CHECK(mktime_utc(2000, 2, 29, 0, 0, 0) > 0);         /* 2000 is leap */
}

HTEST(publish_follows_the_version_protocol)
{
    struct vcpu_time_info ti;
    struct time_snapshot s = { .tsc = 0x123456789aULL, .stime = 777,
                               .scale = { 0x9abcdef0u, -2 }, .flags = 1 };
    memset(&ti, 0, sizeof(ti));
    time_publish(&ti, &s);
    CHECK_EQ(ti.version, 2);
    CHECK_EQ(ti.tsc_timestamp, 0x123456789aULL);
    CHECK_EQ(ti.system_time, 777);
    CHECK_EQ(ti.tsc_to_system_mul, 0x9abcdef0u);
    CHECK_EQ(ti.tsc_shift, -2);
    CHECK_EQ(ti.flags, 1);
    time_publish(&ti, &s);
    CHECK_EQ(ti.version, 4);
    ti.version = 7;                 /* a guest scribbled an odd value */
    time_publish(&ti, &s);
    CHECK_EQ(ti.version, 8);
    ti.version = 0xffffffffu;
    time_publish(&ti, &s);
    CHECK_EQ(ti.version, 0);        /* wraps to even */
}

HTEST(wallclock_publish)
{
    static struct shared_info sh;
    sh.wc_version = 5;
    wallclock_publish(&sh, 0x123456789ULL, 999999999u);
    CHECK_EQ(sh.wc_version, 6);
    CHECK_EQ(sh.wc_sec, 0x23456789u);
    CHECK_EQ(sh.arch.wc_sec_hi, 1);
    CHECK_EQ(sh.wc_nsec, 999999999u);
}
