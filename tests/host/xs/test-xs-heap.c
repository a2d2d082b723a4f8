/*
 * test-xs-heap: the test guests' heap (tests/guest/xs/heap.c), compiled
 * for the host with its functions renamed gh_*.
 *
 * Random allocations and frees with every byte of every live block
 * checked; alignment; neighbours merged so the whole arena comes back;
 * exhaustion answered with NULL; realloc keeps the contents; calloc
 * zeroes and refuses overflowing sizes; the tags stay consistent
 * (heap_check) after every step.
 */
#include "htest.h"
#include <stdint.h>
#include "heap.h"

void *gh_malloc(size_t n);
void gh_free(void *p);
void *gh_calloc(size_t a, size_t b);
void *gh_realloc(void *p, size_t n);

static _Alignas(16) uint8_t arena[1 << 20];
static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng % n);
}

HTEST(random_use_and_full_recovery)
{
    static uint8_t *p[500];
    static size_t len[500];
    struct heap_stats st0, st;

    heap_init(arena, sizeof(arena));
    heap_get_stats(&st0);
    for (int step = 0; step < 20000; step++) {
        int i = (int)rnd(500);
        if (p[i]) {
            for (size_t k = 0; k < len[i]; k++)
                if (!CHECK_EQ(p[i][k], (uint8_t)(i + k)))
                    return;
            gh_free(p[i]);
            p[i] = NULL;
        } else {
            len[i] = rnd(8) ? rnd(200) : rnd(20000);
            p[i] = gh_malloc(len[i]);
            if (p[i]) {
                CHECK_EQ((uintptr_t)p[i] % 16, 0);
                for (size_t k = 0; k < len[i]; k++)
                    p[i][k] = (uint8_t)(i + k);
            }
        }
        if (step % 97 == 0 && !CHECK_EQ(heap_check(), 0))
            return;
    }
    for (int i = 0; i < 500; i++)
        gh_free(p[i]);
    CHECK_EQ(heap_check(), 0);
    heap_get_stats(&st);
    CHECK_EQ(st.used, 0);
    CHECK_EQ(st.free, st0.free);
    /* All merged: one allocation of nearly everything fits again. */
    void *big = gh_malloc(st0.free - 64);
    CHECK(big != NULL);
    gh_free(big);
}

HTEST(exhaustion_is_null)
{
    struct heap_stats st;
    int n = 0;

    heap_init(arena, sizeof(arena));
    while (gh_malloc(4000))
        n++;
    CHECK(n > 200 && n < 300);
    CHECK(gh_malloc(sizeof(arena)) == NULL);
    CHECK(gh_malloc((size_t)-1) == NULL);
    heap_get_stats(&st);
    CHECK(st.failures >= 3);
    CHECK_EQ(heap_check(), 0);
}

HTEST(realloc_and_calloc)
{
    heap_init(arena, sizeof(arena));
    uint8_t *a = gh_malloc(10);
    memcpy(a, "0123456789", 10);
    uint8_t *b = gh_realloc(a, 5000);
    CHECK(b && !memcmp(b, "0123456789", 10));
    CHECK(gh_realloc(b, 3) == b);           /* shrinking keeps it */
    gh_free(b);
    uint8_t *z = gh_calloc(100, 10);
    CHECK(z != NULL);
    for (int i = 0; i < 1000; i++)
        CHECK_EQ(z[i], 0);
    CHECK(gh_calloc((size_t)1 << 40, (size_t)1 << 40) == NULL);
    gh_free(z);
    gh_free(NULL);
    CHECK(gh_realloc(NULL, 8) != NULL);
    CHECK_EQ(heap_check(), 0);
}
