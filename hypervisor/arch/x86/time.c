/*
 * The clock hardware: TSC calibration against the PIT, and the RTC.
 *
 * System time is the TSC scaled to nanoseconds (mica/time.h).  Its rate is
 * measured once at boot against the one clock of known frequency every PC
 * has, the 8254 PIT (1193182 Hz): channel 2, whose gate and output are
 * wired to port 0x61 and which drives nothing else once the speaker is off,
 * counts a fixed interval in mode 0 ("interrupt on terminal count") while
 * we watch its output bit and read the TSC on either side.  The local APIC
 * timer is calibrated in the same window (apic.c).  A 10 ms window is
 * accurate to a part in 10^4 -- the PIT's own granularity -- which is what
 * Xen settles for too (it later refines against the platform timer; we do
 * not need to: one CPU, one TSC, and all time is derived from it).
 *
 * The TSC must keep a constant rate for this to hold.  Every CPU of the
 * last fifteen years has an invariant TSC; when CPUID says so we set
 * XEN_PVCLOCK_TSC_STABLE in what guests see, otherwise we still use it and
 * say nothing.
 *
 * The RTC gives the wall clock once, at boot, to the second (waiting for
 * the next second edge would cost up to a second of boot time); it is
 * published as the UTC time at system time 0.
 */
#include <mica/types.h>
#include <mica/time.h>
#include <mica/printk.h>
#include <mica/lib.h>
#include <asm/x86.h>
#include <asm/apic.h>

#define PIT_HZ          1193182ULL
#define CALIBRATE_MS    10
#define CALIBRATE_COUNT ((PIT_HZ * CALIBRATE_MS + 500) / 1000)

uint64_t tsc_khz;
static uint64_t tsc_hz;
static uint64_t tsc_at_boot;            /* TSC at system time 0 */
static struct time_scale tsc_to_ns;
static uint8_t pvclock_flags;
static uint64_t wc_sec;                 /* UTC at system time 0 */
static uint32_t wc_nsec;

s_time_t NOW(void)
{
    return (s_time_t)scale_delta(rdtsc() - tsc_at_boot, &tsc_to_ns);
}

void arch_time_snapshot(struct time_snapshot *s)
{
    s->tsc = rdtsc();
    s->stime = (s_time_t)scale_delta(s->tsc - tsc_at_boot, &tsc_to_ns);
    s->scale = tsc_to_ns;
    s->flags = pvclock_flags;
}

void arch_wallclock(uint64_t *sec, uint32_t *nsec)
{
    *sec = wc_sec;
    *nsec = wc_nsec;
}

/* TSC -> absolute TSC value at system time `t` (for the deadline timer). */
uint64_t stime_to_tsc(s_time_t t, const struct time_scale *ns_to_tsc)
{
    return tsc_at_boot + scale_delta((uint64_t)t, ns_to_tsc);
}

/*
 * Count CALIBRATE_COUNT PIT ticks on channel 2 and return the TSC cycles
 * (and, through apic_calibrate_*, the APIC timer ticks) that elapsed.
 */
static uint64_t pit_calibrate(void)
{
    uint8_t ctl = inb(0x61);

    outb(0x61, (uint8_t)((ctl & ~0x02) | 0x01));  /* gate 2 on, speaker off */
    outb(0x43, 0xb0);                             /* ch 2, lo/hi, mode 0 */
    outb(0x42, CALIBRATE_COUNT & 0xff);
    apic_calibrate_start();
    uint64_t t0 = rdtsc();
    outb(0x42, CALIBRATE_COUNT >> 8);             /* counting starts */
    unsigned long spins = 0;
    while (!(inb(0x61) & 0x20) && ++spins < 100000000UL)
        ;
    uint64_t t1 = rdtsc();
    apic_calibrate_end(CALIBRATE_COUNT, PIT_HZ);
    outb(0x61, ctl);
    return t1 - t0;
}

/* ---- RTC -------------------------------------------------------------- */

static uint8_t cmos_read(uint8_t reg)
{
    outb(0x70, reg);
    return inb(0x71);
}

static unsigned int bcd(uint8_t v, bool binary)
{
    return binary ? v : (unsigned int)((v >> 4) * 10 + (v & 0xf));
}

struct rtc_time { uint8_t sec, min, hour, day, mon, year, century; };

static void rtc_raw(struct rtc_time *t)
{
    for (unsigned int i = 0; i < 1000000 && (cmos_read(0x0a) & 0x80); i++)
        cpu_relax();                              /* update in progress */
    t->sec = cmos_read(0x00);
    t->min = cmos_read(0x02);
    t->hour = cmos_read(0x04);
    t->day = cmos_read(0x07);
    t->mon = cmos_read(0x08);
    t->year = cmos_read(0x09);
    t->century = cmos_read(0x32);
}

static int64_t rtc_read_epoch(void)
{
    struct rtc_time a, b;

    /* Read until two readings agree, so no update tore the values. */
    rtc_raw(&a);
    for (int tries = 0; tries < 5; tries++) {
        rtc_raw(&b);
        if (!memcmp(&a, &b, sizeof(a)))
            break;
        a = b;
    }
    uint8_t status_b = cmos_read(0x0b);
    bool binary = status_b & 0x04, h24 = status_b & 0x02;
    bool pm = !h24 && (a.hour & 0x80);
    unsigned int hour = bcd(a.hour & 0x7f, binary);
    if (!h24)
        hour = (hour % 12) + (pm ? 12 : 0);
    unsigned int year = bcd(a.year, binary);
    unsigned int century = bcd(a.century, binary);
    year += (century >= 19 && century <= 30) ? century * 100 : (year < 70 ? 2000 : 1900);
    return mktime_utc(year, bcd(a.mon, binary), bcd(a.day, binary), hour,
                      bcd(a.min, binary), bcd(a.sec, binary));
}

void time_init(void)
{
    uint32_t a, b, c, d;
    uint64_t cycles = pit_calibrate();

    tsc_at_boot = rdtsc();
    tsc_hz = cycles * PIT_HZ / CALIBRATE_COUNT;
    tsc_khz = tsc_hz / 1000;
    if (time_scale_init(&tsc_to_ns, tsc_hz, 1000000000ULL))
        panic("TSC calibration failed (%llu cycles in %u ms)",
              (unsigned long long)cycles, CALIBRATE_MS);
    cpuid_count(0x80000000, 0, &a, &b, &c, &d);
    if (a >= 0x80000007) {
        cpuid_count(0x80000007, 0, &a, &b, &c, &d);
        if (d & (1u << 8))
            pvclock_flags |= 1u << 0;             /* XEN_PVCLOCK_TSC_STABLE_BIT */
    }

    int64_t epoch = rtc_read_epoch();
    s_time_t now = NOW();
    if (epoch < 0) {
        pr_warn("RTC: unreadable date; wall clock starts at the epoch\n");
        epoch = 0;
    }
    /* Wall clock at system time 0 = RTC reading - time since then. */
    uint64_t wc_ns = (uint64_t)epoch * 1000000000ULL;
    wc_ns = wc_ns > (uint64_t)now ? wc_ns - (uint64_t)now : 0;
    wc_sec = wc_ns / 1000000000ULL;
    wc_nsec = (uint32_t)(wc_ns % 1000000000ULL);

    pr_info("TSC: %llu.%03llu MHz (%s), ns = ((delta << %d) * %#x) >> 32; "
            "RTC: %lld s since the epoch\n",
            (unsigned long long)(tsc_khz / 1000), (unsigned long long)(tsc_khz % 1000),
            pvclock_flags ? "invariant" : "not known to be invariant",
            tsc_to_ns.shift, tsc_to_ns.mul_frac, (long long)epoch);
}
