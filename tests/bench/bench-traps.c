/*
 * Benchmark: trap paths between ring 3, the guest kernel and the hypervisor.
 *
 *  trap.int80_user   int $0x80 from ring 3 to the guest kernel's handler
 *                    and back with the iret hypercall: the system-call path
 *                    of a PV guest (the hypervisor's dedicated 0x80 gate).
 *  trap.pf_user      a page fault from ring 3 (a read of the supervisor-only
 *                    M2P) bounced to the guest kernel, whose handler skips
 *                    the instruction and returns with the iret hypercall.
 * Both handlers are a few instructions of assembly, so the figures are the
 * hypervisor's cost plus the iret hypercall, not the test runtime's.
 */
#include "bench.h"
#include <traps.h>

void b_int80(void);
void b_pf(void);
__asm__(".text\n"
        ".globl b_int80\n"
        "b_int80: jmp hypercall_page + 23 * 32\n"
        ".globl b_pf\n"
        "b_pf:    addl $2, 4(%esp)\n"         /* skip the 2-byte mov */
        "         add $4, %esp\n"             /* drop the error code */
        "         jmp hypercall_page + 23 * 32\n");

#define N 2000
static volatile uint64_t r3_ticks[BENCH_REPS], r3_empty[BENCH_REPS];

static uint32_t user_int80(void)
{
    for (unsigned int r = 0; r < BENCH_REPS; r++) {
        uint64_t t0 = bench_rdtsc();
        for (unsigned int i = 0; i < N; i++)
            __asm__ volatile("int $0x80" ::: "memory");
        uint64_t t1 = bench_rdtsc();
        for (unsigned int i = 0; i < N; i++)
            __asm__ volatile("" ::: "memory");
        r3_ticks[r] = t1 - t0;
        r3_empty[r] = bench_rdtsc() - t1;
    }
    return 0;
}

static uint32_t user_pf(void)
{
    for (unsigned int r = 0; r < BENCH_REPS; r++) {
        uint64_t t0 = bench_rdtsc();
        for (unsigned int i = 0; i < N; i++)
            __asm__ volatile(".byte 0x8b, 0x08"          /* mov (%eax), %ecx */
                             :: "a"(MACH2PHYS_VIRT_START) : "ecx", "memory");
        uint64_t t1 = bench_rdtsc();
        for (unsigned int i = 0; i < N; i++)
            __asm__ volatile("" ::: "memory");
        r3_ticks[r] = t1 - t0;
        r3_empty[r] = bench_rdtsc() - t1;
    }
    return 0;
}

static void report(const char *name)
{
    uint64_t v[BENCH_REPS];
    for (unsigned int r = 0; r < BENCH_REPS; r++) {
        uint64_t t = r3_ticks[r], e = r3_empty[r];
        v[r] = t > e ? bench_div((t - e) * 100, N) : 0;
    }
    for (unsigned int i = 1; i < BENCH_REPS; i++)      /* median */
        for (unsigned int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t x = v[j]; v[j] = v[j - 1]; v[j - 1] = x;
        }
    bench_print(name, v[BENCH_REPS / 2]);
}

void test_main(void)
{
    traps_init();
    user_map_image();
    if (trap_set(0x80, 3, FLAT_RING1_CS, (uint32_t)b_int80)) {
        test_error("cannot register the int 0x80 handler");
        return;
    }
    exec_user(user_int80);
    report("trap.int80_user");

    if (trap_set(14, 0, FLAT_RING1_CS, (uint32_t)b_pf)) {
        test_error("cannot register the #PF handler");
        return;
    }
    exec_user(user_pf);
    report("trap.pf_user");
    traps_init();          /* the runtime's own handlers again */
    test_success();
}
