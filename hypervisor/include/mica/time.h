/*
 * System time: nanoseconds since boot, derived from the TSC.
 *
 * The hypervisor keeps one clock, "system time", a signed 64-bit count of
 * nanoseconds since the TSC was calibrated at boot.  It is computed from
 * the TSC with a fixed-point scale (a 32-bit fraction and a power-of-two
 * shift), the very same formula every guest applies to the vcpu_time_info
 * record we publish (public/xen.h), so the hypervisor and its guests agree
 * on "now" to the nanosecond:
 *
 *     ns = ((tsc_delta << shift) * mul_frac) >> 32      (shift < 0: >> -shift)
 *
 * Wall-clock time is the RTC read at boot, expressed as the UTC time at
 * system time 0 (shared_info.wc_sec/wc_nsec).
 *
 * The arithmetic (scales, publication with the version protocol, calendar
 * conversion) is generic and host-tested (common/time.c); reading the TSC,
 * the PIT and the RTC is arch code (arch/x86/time.c).
 */
#ifndef MICA_TIME_H
#define MICA_TIME_H

#include <mica/types.h>

typedef int64_t s_time_t;

#define NANOSECS(x)  ((s_time_t)(x))
#define MICROSECS(x) ((s_time_t)(x) * 1000LL)
#define MILLISECS(x) ((s_time_t)(x) * 1000000LL)
#define SECONDS(x)   ((s_time_t)(x) * 1000000000LL)
#define STIME_MAX    INT64_MAX

/* Converts ticks of one clock into units of another. */
struct time_scale {
    uint32_t mul_frac;      /* 0.32 fixed point, >= 2^31 once initialised */
    int8_t shift;
};

/*
 * Scale from a clock of from_hz ticks per second to to_hz units per second
 * (to_hz = 10^9 for nanoseconds).  Returns -1 (and leaves *ts alone) if
 * either rate is 0 or the ratio is outside what the format can express
 * (shift beyond +-31).
 */
int time_scale_init(struct time_scale *ts, uint64_t from_hz, uint64_t to_hz);
/* delta ticks -> units, with the guest-visible formula (64x32->96 bits). */
uint64_t scale_delta(uint64_t delta, const struct time_scale *ts);

/* Seconds since 1970-01-01 00:00:00 UTC; -1 for an impossible date. */
int64_t mktime_utc(unsigned int year, unsigned int mon, unsigned int day,
                   unsigned int hour, unsigned int min, unsigned int sec);

struct vcpu_time_info;
struct shared_info;

/*
 * A consistent reading of the clock: the TSC and the system time that
 * corresponds to it, and the TSC->ns scale.
 */
struct time_snapshot {
    uint64_t tsc;
    s_time_t stime;
    struct time_scale scale;
    uint8_t flags;          /* XEN_PVCLOCK_* */
};

/* Write a snapshot into a guest-visible record (odd/even version protocol). */
void time_publish(struct vcpu_time_info *ti, const struct time_snapshot *s);
/* Write the wall clock at system time 0 (wc_version protocol). */
void wallclock_publish(struct shared_info *sh, uint64_t sec, uint32_t nsec);

/* ---- provided by arch code (arch/x86/time.c) ------------------------- */

s_time_t NOW(void);
void arch_time_snapshot(struct time_snapshot *s);
/* UTC at system time 0, from the RTC read at boot. */
void arch_wallclock(uint64_t *sec, uint32_t *nsec);
/* Calibrate the TSC and read the RTC; before any NOW(). */
void time_init(void);
extern uint64_t tsc_khz;

/* ---- guest-facing (common/time.c) -------------------------------------- */

struct vcpu;
struct domain;
/* Refresh v's vcpu_time_info (on schedule-in). */
void update_vcpu_system_time(struct vcpu *v);
/* Publish the wall clock into d's shared_info. */
void update_domain_wallclock_time(struct domain *d);

#endif
