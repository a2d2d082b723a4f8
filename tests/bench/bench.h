/*
 * Benchmark guests: measure an operation with the TSC.
 *
 * Each case runs `op` n times in a loop, and the same loop around an empty
 * operation, and reports (t_op - t_empty) / n: the cost of one operation
 * without the loop and call around it.  A case is measured `reps` times and
 * the median reported: under QEMU -icount shift=0 (a TSC tick = one
 * executed instruction) every repetition gives the same number and the
 * median changes nothing; on the host TSC it discards noise.
 *
 * Output, one line per case, parsed by scripts/bench.py:
 *     BENCH <case> <value>
 * with value in ticks per operation, two decimals.
 */
#ifndef BENCH_H
#define BENCH_H

#include <test.h>

#define BENCH_REPS 7

static inline uint64_t bench_rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

typedef void (*bench_op_t)(void);

/* Ticks for n calls of op (with the loop). */
static inline uint64_t bench_time(bench_op_t op, unsigned int n)
{
    uint64_t t0 = bench_rdtsc();
    for (unsigned int i = 0; i < n; i++)
        op();
    return bench_rdtsc() - t0;
}

void bench_empty_op(void);
uint64_t bench_div(uint64_t a, uint32_t b);
/* Measure op, print "BENCH name value"; returns value x100. */
uint64_t bench_run(const char *name, bench_op_t op, unsigned int n);
/* Measure op without printing; returns ticks x100 per op (median). */
uint64_t bench_measure(bench_op_t op, unsigned int n);
/* Print an already computed figure (ticks x100 per op). */
void bench_print(const char *name, uint64_t x100);

#endif
