/*
 * Shared code of the benchmark guests (see bench.h).
 */
#include "bench.h"

/* 64/32-bit division without libgcc: two 32-bit divl steps. */
uint64_t bench_div(uint64_t a, uint32_t b)
{
    uint32_t hi = (uint32_t)(a >> 32), lo = (uint32_t)a;
    uint32_t qhi = hi / b, r = hi % b, qlo;
    __asm__("divl %3" : "=a"(qlo), "=d"(r) : "a"(lo), "rm"(b), "d"(r));
    return ((uint64_t)qhi << 32) | qlo;
}

void bench_empty_op(void)
{
    __asm__ volatile("" ::: "memory");
}

static void sort_u64(uint64_t *a, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++)
        for (unsigned int j = i; j > 0 && a[j - 1] > a[j]; j--) {
            uint64_t t = a[j];
            a[j] = a[j - 1];
            a[j - 1] = t;
        }
}

void bench_print(const char *name, uint64_t x100)
{
    uint64_t whole = bench_div(x100, 100);
    printf("BENCH %s %lu.%02lu\n", name, (unsigned long)whole,
           (unsigned long)(x100 - whole * 100));
}

uint64_t bench_run(const char *name, bench_op_t op, unsigned int n)
{
    uint64_t x = bench_measure(op, n);
    bench_print(name, x);
    return x;
}

uint64_t bench_measure(bench_op_t op, unsigned int n)
{
    uint64_t v[BENCH_REPS];

    bench_time(op, n / 10 + 1);                 /* warm up */
    for (unsigned int r = 0; r < BENCH_REPS; r++) {
        uint64_t t = bench_time(op, n);
        uint64_t e = bench_time(bench_empty_op, n);
        v[r] = t > e ? bench_div((t - e) * 100, n) : 0;
    }
    sort_u64(v, BENCH_REPS);
    return v[BENCH_REPS / 2];
}
