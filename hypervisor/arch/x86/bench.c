/*
 * Boot-time micro-benchmarks of bare hardware operations ("bench" option).
 *
 * The guest-side benchmarks (tests/bench/) measure what a PV guest pays for
 * an operation; a ratio needs the cost of the bare mechanism it wraps.  With
 * "bench" on the command line the hypervisor measures, once at boot and in
 * ring 0, an int/iret round trip through an IDT gate whose handler is a bare
 * IRETQ (vector 0xff, which is also the local APIC's spurious-interrupt
 * vector: a spurious interrupt needs no EOI, so a bare IRETQ is the correct
 * handler for it anyway), and a write of CR3 (the cost that TCG makes so
 * large and that the hypercall path avoids).  Results are printed as
 * "(mica) BENCH <case> <ticks per op>"; under QEMU -icount shift=0 a TSC
 * tick is one instruction, so the figures are exact instruction counts.
 *
 * boot_tsc is read at the first instruction of C; the time to the guest's
 * first instruction is reported by bench_report_boot() just before the
 * first IRETQ into a guest.
 */
#include <mica/types.h>
#include <mica/printk.h>
#include <asm/x86.h>
#include <asm/bench.h>

uint64_t boot_tsc;
bool opt_bench;

#define ITER 10000

static void report(const char *name, uint64_t ticks, unsigned long n)
{
    /* Two decimals, computed in integers. */
    uint64_t x100 = ticks * 100 / n;
    pr_info("BENCH %s %lu.%02lu\n", name, (unsigned long)(x100 / 100),
            (unsigned long)(x100 % 100));
}

static uint64_t loop_empty(void)
{
    uint64_t t0 = rdtsc();
    for (unsigned long i = 0; i < ITER; i++)
        __asm__ volatile("" ::: "memory");
    return rdtsc() - t0;
}

static uint64_t loop_int(void)
{
    uint64_t t0 = rdtsc();
    for (unsigned long i = 0; i < ITER; i++)
        __asm__ volatile("int $0xff" ::: "memory");
    return rdtsc() - t0;
}

static uint64_t loop_cr3(void)
{
    unsigned long cr3 = read_cr3();
    uint64_t t0 = rdtsc();
    for (unsigned long i = 0; i < ITER; i++)
        write_cr3(cr3);
    return rdtsc() - t0;
}

void bench_boot(void)
{
    if (!opt_bench)
        return;
    uint64_t empty = loop_empty();
    uint64_t in = loop_int();
    uint64_t cr3 = loop_cr3();
    report("bare.int_iret_ring0", in > empty ? in - empty : 0, ITER);
    report("bare.cr3_write", cr3 > empty ? cr3 - empty : 0, ITER);
}

void bench_report_boot(void)
{
    if (opt_bench)
        report("boot.entry_to_guest", rdtsc() - boot_tsc, 1);
}
