/*
 * Time arithmetic and its publication to guests.
 *
 * One formula converts TSC ticks to nanoseconds everywhere -- in NOW(), in
 * the TSC-deadline timer, and in every guest reading its vcpu_time_info:
 *
 *     ns = ((delta << shift) * mul_frac) >> 32    (a 64x32 -> 96-bit product)
 *
 * time_scale_init() chooses mul_frac in [2^31, 2^32) and the smallest shift
 * that makes the ratio fit, which keeps 31-32 significant bits in the
 * factor (an error below one part in 2^31, i.e. < 0.5 ns per second).
 * Because the hypervisor computes its own NOW() with the very scale it
 * publishes, a guest's reading never disagrees with the hypervisor's by
 * more than the one nanosecond of rounding between two truncated terms.
 *
 * Publication follows the ABI's seqlock-like protocol (fact sheet 5.2):
 * the version is made odd, the fields are written, the version is made
 * even; a guest that sees an odd or changed version retries.  The guest
 * owns the page and may scribble on version; we force odd from whatever
 * it holds, so a guest can only confuse itself.  Writer and readers share
 * one CPU (a guest reads while it runs, we write while it does not), so a
 * compiler barrier orders the stores; the release fences say so without
 * inline assembly (x86 keeps stores in order).
 *
 * mktime_utc() turns the RTC's calendar date into seconds since the epoch.
 *
 * Generic code: no inline assembly, host-tested (tests/host/test-time.c).
 */
#include <mica/time.h>
#include <mica/domain.h>
#include <mica/vcpu_area.h>
#include <public/xen.h>

int time_scale_init(struct time_scale *ts, uint64_t from_hz, uint64_t to_hz)
{
    int shift = 0;

    if (from_hz == 0 || to_hz == 0)
        return -1;
    /* Keep both below 2^31 so the shifts below cannot overflow. */
    while (from_hz >= (1ULL << 31) || to_hz >= (1ULL << 31)) {
        from_hz >>= 1;
        to_hz >>= 1;
        if (from_hz == 0 || to_hz == 0)
            return -1;
    }
    /* Bring the ratio to/from into [1/2, 1) by powers of two. */
    while (to_hz >= from_hz) {
        from_hz <<= 1;
        shift++;
    }
    while ((to_hz << 1) < from_hz) {
        to_hz <<= 1;
        shift--;
    }
    if (shift > 31 || shift < -31)
        return -1;
    ts->mul_frac = (uint32_t)((to_hz << 32) / from_hz);
    ts->shift = (int8_t)shift;
    return 0;
}

uint64_t scale_delta(uint64_t delta, const struct time_scale *ts)
{
    if (ts->shift >= 0)
        delta <<= ts->shift;
    else
        delta >>= -ts->shift;
    return (uint64_t)(((unsigned __int128)delta * ts->mul_frac) >> 32);
}

static bool is_leap(unsigned int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Leap years in [1, y). */
static int64_t leaps_before(unsigned int y)
{
    int64_t p = (int64_t)y - 1;
    return p / 4 - p / 100 + p / 400;
}

int64_t mktime_utc(unsigned int year, unsigned int mon, unsigned int day,
                   unsigned int hour, unsigned int min, unsigned int sec)
{
    static const unsigned short days_before_month[12] = {
        0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334,
    };
    static const unsigned char month_days[12] = {
        31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    };

    if (year < 1970 || year > 9999 || mon < 1 || mon > 12 || day < 1 ||
        day > month_days[mon - 1] || (mon == 2 && day == 29 && !is_leap(year)) ||
        hour > 23 || min > 59 || sec > 60)
        return -1;
    int64_t days = 365 * ((int64_t)year - 1970) + leaps_before(year) - leaps_before(1970) +
                   days_before_month[mon - 1] + (mon > 2 && is_leap(year)) + (day - 1);
    return ((days * 24 + hour) * 60 + min) * 60 + sec;
}

#define WRITE_FENCE() __atomic_thread_fence(__ATOMIC_RELEASE)

void time_publish(struct vcpu_time_info *ti, const struct time_snapshot *s)
{
    volatile struct vcpu_time_info *t = ti;
    uint32_t v = t->version | 1;

    t->version = v;                    /* odd: being updated */
    WRITE_FENCE();
    t->tsc_timestamp = s->tsc;
    t->system_time = (uint64_t)s->stime;
    t->tsc_to_system_mul = s->scale.mul_frac;
    t->tsc_shift = s->scale.shift;
    t->flags = s->flags;
    WRITE_FENCE();
    t->version = v + 1;                /* even: consistent */
}

void wallclock_publish(struct shared_info *sh, uint64_t sec, uint32_t nsec)
{
    volatile struct shared_info *p = sh;
    uint32_t v = p->wc_version | 1;

    p->wc_version = v;
    WRITE_FENCE();
    p->wc_sec = (uint32_t)sec;
    p->wc_nsec = nsec;
    p->arch.wc_sec_hi = (uint32_t)(sec >> 32);
    WRITE_FENCE();
    p->wc_version = v + 1;
}

void update_vcpu_system_time(struct vcpu *v)
{
    struct time_snapshot s;

    arch_time_snapshot(&s);
    vcpu_time_publish(v, &s);           /* every place v's record lives */
}

void update_domain_wallclock_time(struct domain *d)
{
    uint64_t sec;
    uint32_t nsec;

    arch_wallclock(&sec, &nsec);
    /* The toolstack's settimeoffset (domctl): seconds added for this domain. */
    sec += (uint64_t)(int64_t)d->time_offset_seconds;
    wallclock_publish(d->shared_info, sec, nsec);
}
