/*
 * A heap for test guests that run the portable Dom0 code (xenstored and
 * its clients): malloc, calloc, realloc and free over one arena the guest
 * hands to heap_init().
 *
 * Boundary tags with binned free lists: every block starts with a header
 * {size of this block | USED, size of the block before it}, so a freed
 * block merges with free neighbours on both sides in O(1); free blocks sit
 * in one of 32 lists by the power of two of their size, and malloc takes
 * the first block big enough, searching from the request's own list up,
 * splitting off what it does not need.  Payloads are 16-byte aligned.
 * Exhaustion returns NULL (the store turns that into ENOMEM).  Host-tested
 * in tests/host/xs/test-xs-heap.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "heap.h"

#define ALIGN   16u
#define USED    1u
#define HDR     ((size_t)sizeof(struct blk))
#define MIN_BLK (HDR + 2 * sizeof(void *) > 32 ? HDR + 2 * sizeof(void *) : 32)
#define NBINS   32

struct blk {
    size_t size;            /* this block, header included; | USED */
    size_t prev;            /* the block before (0: the first) */
} __attribute__((aligned(ALIGN)));

struct fnode {
    struct fnode *next, *prev;
};

static struct fnode *bins[NBINS];
static uint8_t *arena_lo, *arena_hi;        /* [lo, hi): blocks, then the end mark */
static struct heap_stats stats;

static inline size_t bsize(const struct blk *b) { return b->size & ~(size_t)USED; }
static inline struct blk *next_blk(struct blk *b) { return (struct blk *)((uint8_t *)b + bsize(b)); }
static inline struct blk *prev_blk(struct blk *b) { return (struct blk *)((uint8_t *)b - b->prev); }
static inline struct fnode *fn(struct blk *b) { return (struct fnode *)(b + 1); }
static inline struct blk *of_fn(struct fnode *f) { return (struct blk *)f - 1; }

static unsigned int bin_of(size_t size)
{
    unsigned int i = 0;

    while (i < NBINS - 1 && ((size_t)2 << i) <= size)
        i++;
    return i;
}

static void bin_add(struct blk *b)
{
    unsigned int i = bin_of(bsize(b));
    struct fnode *f = fn(b);

    f->prev = NULL;
    f->next = bins[i];
    if (bins[i])
        bins[i]->prev = f;
    bins[i] = f;
}

static void bin_del(struct blk *b)
{
    struct fnode *f = fn(b);

    if (f->prev)
        f->prev->next = f->next;
    else
        bins[bin_of(bsize(b))] = f->next;
    if (f->next)
        f->next->prev = f->prev;
}

void heap_init(void *base, size_t size)
{
    uintptr_t lo = ((uintptr_t)base + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
    uintptr_t hi = ((uintptr_t)base + size) & ~(uintptr_t)(ALIGN - 1);
    struct blk *b = (struct blk *)lo, *end;

    memset(bins, 0, sizeof(bins));
    memset(&stats, 0, sizeof(stats));
    arena_lo = (uint8_t *)lo;
    arena_hi = (uint8_t *)hi - HDR;
    b->size = (size_t)(arena_hi - arena_lo);
    b->prev = 0;
    end = (struct blk *)arena_hi;           /* a used block of no size: the end */
    end->size = USED;
    end->prev = b->size;
    bin_add(b);
    stats.free = b->size;
}

void *malloc(size_t n)
{
    size_t need;

    if (!arena_lo || n > (size_t)(arena_hi - arena_lo)) {
        stats.failures++;
        return NULL;
    }
    need = (n + HDR + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (need < MIN_BLK)
        need = MIN_BLK;
    for (unsigned int i = bin_of(need); i < NBINS; i++) {
        for (struct fnode *f = bins[i]; f; f = f->next) {
            struct blk *b = of_fn(f);
            size_t have = bsize(b);
            if (have < need)
                continue;
            bin_del(b);
            if (have - need >= MIN_BLK) {   /* split: the tail stays free */
                struct blk *rest = (struct blk *)((uint8_t *)b + need);
                rest->size = have - need;
                rest->prev = need;
                next_blk(rest)->prev = rest->size;
                bin_add(rest);
                have = need;
            }
            b->size = have | USED;
            stats.used += have;
            stats.free -= have;
            stats.allocs++;
            return b + 1;
        }
    }
    stats.failures++;
    return NULL;
}

void free(void *p)
{
    struct blk *b, *n;
    size_t size;

    if (!p)
        return;
    b = (struct blk *)p - 1;
    size = bsize(b);
    stats.used -= size;
    stats.free += size;
    stats.frees++;
    b->size = size;
    n = next_blk(b);
    if (!(n->size & USED)) {                /* merge with the next */
        bin_del(n);
        b->size += bsize(n);
    }
    if (b->prev && !(prev_blk(b)->size & USED)) {  /* and the previous */
        struct blk *pb = prev_blk(b);
        bin_del(pb);
        pb->size += b->size;
        b = pb;
    }
    next_blk(b)->prev = b->size;
    bin_add(b);
}

void *calloc(size_t nmemb, size_t size)
{
    void *p;

    if (size && nmemb > (size_t)-1 / size)
        return NULL;
    if ((p = malloc(nmemb * size)))
        memset(p, 0, nmemb * size);
    return p;
}

void *realloc(void *p, size_t n)
{
    void *q;
    size_t have;

    if (!p)
        return malloc(n);
    have = bsize((struct blk *)p - 1) - HDR;
    if (n <= have)
        return p;
    if ((q = malloc(n))) {
        memcpy(q, p, have);
        free(p);
    }
    return q;
}

void heap_get_stats(struct heap_stats *s)
{
    *s = stats;
}

int heap_check(void)
{
    size_t used = 0, freed = 0;
    struct blk *b = (struct blk *)arena_lo, *prev = NULL;

    while ((uint8_t *)b < arena_hi) {
        size_t sz = bsize(b);
        if (sz < MIN_BLK || sz % ALIGN || (uint8_t *)b + sz > arena_hi)
            return -1;
        if (b->prev != (prev ? bsize(prev) : 0))
            return -2;
        if (!(b->size & USED) && prev && !(prev->size & USED))
            return -3;                      /* two free neighbours: not merged */
        if (b->size & USED)
            used += sz;
        else
            freed += sz;
        prev = b;
        b = next_blk(b);
    }
    if ((uint8_t *)b != arena_hi || used != stats.used || freed != stats.free)
        return -4;
    return 0;
}
