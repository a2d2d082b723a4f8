/*
 * The local APIC and its timer: the one interrupt the hypervisor takes for
 * itself (device interrupts for guests come through the IO-APIC, ioapic.c,
 * and are acknowledged here with apic_eoi()).
 *
 * The software timer list (common/timer.c) asks for one thing only: "fire
 * at system time T" (arch_timer_program).  Two ways to do it:
 *
 *  - TSC-deadline mode, where the CPU has it (CPUID.1:ECX[24]): write the
 *    TSC value of T to IA32_TSC_DEADLINE.  Exact, no conversion drift, and
 *    writing 0 disarms it.
 *  - one-shot mode otherwise: load the initial-count register with the
 *    number of APIC timer ticks until T, measured against the PIT together
 *    with the TSC at boot (time.c).  A deadline beyond the 32-bit count is
 *    cut short; the timer softirq then finds nothing expired and simply
 *    programs the rest.
 *
 * The interrupt handler acknowledges the APIC and raises TIMER_SOFTIRQ,
 * nothing more: expired timers run on the way back to a guest or in the
 * idle loop (mica/softirq.h).  The hypervisor keeps interrupts disabled
 * everywhere else, so the timer interrupts either a guest (IF is always 1
 * in guest context) or the idle loop's `sti; hlt`.
 *
 * The legacy PIC stays masked; LINT0 (its ExtINT path), the error and
 * performance-counter LVTs are masked.  The APIC is reached through an
 * uncached fixmap page (x2APIC would avoid the mapping, but QEMU's TCG
 * does not model it in the versions we test with).
 */
#include <mica/types.h>
#include <mica/time.h>
#include <mica/timer.h>
#include <mica/softirq.h>
#include <mica/printk.h>
#include <asm/x86.h>
#include <asm/apic.h>
#include <asm/paging.h>
#include <asm/config.h>

#define MSR_APIC_BASE        0x1b
#define APIC_BASE_ENABLE     (1u << 11)
#define MSR_TSC_DEADLINE     0x6e0

#define APIC_ID              0x020
#define APIC_VERSION         0x030
#define APIC_TPR             0x080
#define APIC_EOI             0x0b0
#define APIC_SVR             0x0f0
#define APIC_LVT_TIMER       0x320
#define APIC_LVT_THERMAL     0x330
#define APIC_LVT_PERF        0x340
#define APIC_LVT_LINT0       0x350
#define APIC_LVT_ERROR       0x370
#define APIC_TIMER_INIT      0x380
#define APIC_TIMER_CURRENT   0x390
#define APIC_TIMER_DIVIDE    0x3e0

#define LVT_MASKED           (1u << 16)
#define LVT_ONESHOT          (0u << 17)
#define LVT_TSC_DEADLINE     (2u << 17)
#define SVR_ENABLE           (1u << 8)
#define DIVIDE_BY_1          0xb

static volatile uint32_t *apic_regs;
static bool tsc_deadline;
static struct time_scale ns_to_apic;     /* one-shot mode */
static struct time_scale ns_to_tsc;      /* TSC-deadline mode */
static uint64_t apic_hz;

static uint32_t apic_read(unsigned int reg) { return apic_regs[reg / 4]; }
static void apic_write(unsigned int reg, uint32_t v) { apic_regs[reg / 4] = v; }

void apic_init(void)
{
    uint32_t a, b, c, d;

    cpuid_count(1, 0, &a, &b, &c, &d);
    if (!(d & (1u << 9)))
        panic("this CPU has no local APIC: no timer interrupt to schedule with");
    tsc_deadline = c & (1u << 24);

    uint64_t base = rdmsr(MSR_APIC_BASE);
    if (!(base & APIC_BASE_ENABLE))
        wrmsr(MSR_APIC_BASE, base | APIC_BASE_ENABLE);
    apic_regs = fixmap_map(FIXMAP_LAPIC, base & 0xfffff000ULL);

    apic_write(APIC_TPR, 0);
    apic_write(APIC_SVR, SVR_ENABLE | SPURIOUS_VECTOR);
    apic_write(APIC_LVT_LINT0, LVT_MASKED);
    apic_write(APIC_LVT_ERROR, LVT_MASKED);
    apic_write(APIC_LVT_PERF, LVT_MASKED);
    if (((apic_read(APIC_VERSION) >> 16) & 0xff) >= 5)
        apic_write(APIC_LVT_THERMAL, LVT_MASKED);
    apic_write(APIC_TIMER_DIVIDE, DIVIDE_BY_1);
    apic_write(APIC_LVT_TIMER, LVT_MASKED | LVT_ONESHOT | TIMER_VECTOR);
    apic_write(APIC_TIMER_INIT, 0);
}

void apic_calibrate_start(void)
{
    apic_write(APIC_LVT_TIMER, LVT_MASKED | LVT_ONESHOT | TIMER_VECTOR);
    apic_write(APIC_TIMER_INIT, 0xffffffffu);
}

void apic_calibrate_end(uint64_t pit_ticks, uint64_t pit_hz)
{
    uint64_t elapsed = 0xffffffffu - apic_read(APIC_TIMER_CURRENT);

    apic_write(APIC_TIMER_INIT, 0);
    apic_hz = elapsed * pit_hz / pit_ticks;
}

void apic_timer_init(void)
{
    if (tsc_deadline) {
        if (time_scale_init(&ns_to_tsc, 1000000000ULL, tsc_khz * 1000))
            tsc_deadline = false;
    }
    if (!tsc_deadline && time_scale_init(&ns_to_apic, 1000000000ULL, apic_hz))
        panic("local APIC timer calibration failed (%llu Hz)", (unsigned long long)apic_hz);
    apic_write(APIC_LVT_TIMER, (tsc_deadline ? LVT_TSC_DEADLINE : LVT_ONESHOT) | TIMER_VECTOR);
    pr_info("APIC timer: %s mode%s, %llu.%03llu MHz\n",
            tsc_deadline ? "TSC-deadline" : "one-shot", tsc_deadline ? "" : " (no TSC-deadline)",
            (unsigned long long)(apic_hz / 1000000), (unsigned long long)(apic_hz / 1000 % 1000));
}

void arch_timer_program(s_time_t deadline)
{
    if (tsc_deadline) {
        wrmsr(MSR_TSC_DEADLINE, deadline == STIME_MAX ? 0 : stime_to_tsc(deadline, &ns_to_tsc));
        return;
    }
    if (deadline == STIME_MAX) {
        apic_write(APIC_TIMER_INIT, 0);
        return;
    }
    s_time_t delta = deadline - NOW();
    uint64_t ticks = delta > 0 ? scale_delta((uint64_t)delta, &ns_to_apic) : 1;
    if (ticks == 0)
        ticks = 1;
    if (ticks > 0xffffffffu)
        ticks = 0xffffffffu;
    apic_write(APIC_TIMER_INIT, (uint32_t)ticks);
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

uint32_t apic_id(void)
{
    return apic_read(APIC_ID) >> 24;
}

paddr_t apic_base_paddr(void)
{
    return rdmsr(MSR_APIC_BASE) & 0xfffff000ULL;
}

bool apic_handle_irq(unsigned int vector)
{
    switch (vector) {
    case TIMER_VECTOR:
        apic_write(APIC_EOI, 0);
        raise_softirq(TIMER_SOFTIRQ);
        return true;
    case SPURIOUS_VECTOR:
        return true;                      /* no EOI for spurious interrupts */
    default:
        return false;
    }
}
