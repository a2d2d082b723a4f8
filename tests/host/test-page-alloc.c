/*
 * test-page-alloc: hypervisor/common/page_alloc.c against a reference model.
 *
 * The test owns the frame table.  A model records, per frame, whether it is
 * outside the heap, free or allocated; after every operation the allocator's
 * free blocks (heap_walk_free) must cover exactly the model's free frames,
 * each block aligned to its order, no frame twice, heap_check() must pass,
 * and the frame-table state of every frame must match the model.  Random
 * sequences of allocations and frees of mixed orders run over unaligned
 * ranges with holes; freeing everything must restore the initial block
 * structure.  Invariant violations by the caller (double free, freeing what
 * was never allocated, misaligned frees, overlapping ranges) must hit
 * BUG_ON: our bug_fail() longjmps back into the test, which then checks that
 * the heap was left untouched.
 */
#include <setjmp.h>
#include <stdint.h>
#include <mica/mm.h>
#include <mica/bug.h>
#include "htest.h"

struct page_info *frame_table;
unsigned long max_mfn;

/* ---- BUG_ON capture --------------------------------------------------- */

static jmp_buf bug_jmp;
static bool bug_armed;
static const char *bug_cond;

void bug_fail(const char *file, int line, const char *cond)
{
    if (bug_armed) {
        bug_armed = false;
        bug_cond = cond;
        longjmp(bug_jmp, 1);
    }
    fprintf(stderr, "unexpected BUG at %s:%d: %s\n", file, line, cond);
    abort();
}

/* Run stmt; it must trip a BUG_ON whose condition mentions `what`. */
#define EXPECT_BUG(stmt, what) do {                                          \
        bug_cond = NULL;                                                     \
        if (setjmp(bug_jmp) == 0) {                                          \
            bug_armed = true;                                                \
            stmt;                                                            \
            bug_armed = false;                                               \
            htest_fail(__FILE__, __LINE__, "no BUG from %s", #stmt);         \
        } else if (!strstr(bug_cond, what)) {                                \
            htest_fail(__FILE__, __LINE__, "BUG \"%s\" is not about %s",     \
                       bug_cond, what);                                      \
        }                                                                    \
    } while (0)

/* ---- the model -------------------------------------------------------- */

enum { OUT, FREE, USED };
static unsigned char *model;
static unsigned char *covered;
static unsigned long model_free;

static void setup(unsigned long frames)
{
    free(frame_table);
    free(model);
    free(covered);
    frame_table = calloc(frames, sizeof(*frame_table));
    model = calloc(frames, 1);
    covered = calloc(frames, 1);
    max_mfn = frames;
    model_free = 0;
    heap_init();
}

static void add(unsigned long first, unsigned long nr)
{
    heap_add_range(first, nr);
    for (unsigned long i = first; i < first + nr; i++)
        model[i] = FREE;
    model_free += nr;
}

static struct page_info *alloc(unsigned int order)
{
    struct page_info *pg = alloc_heap_pages(order);

    if (pg) {
        unsigned long mfn = page_to_mfn(pg);

        CHECK_EQ(mfn & ((1UL << order) - 1), 0);
        for (unsigned long i = mfn; i < mfn + (1UL << order); i++) {
            CHECK_EQ(model[i], FREE);
            model[i] = USED;
            CHECK_EQ(frame_table[i].count_info, 0);
            CHECK(frame_table[i].owner == NULL);
            CHECK_EQ(frame_table[i].type_info, 0);
        }
        model_free -= 1UL << order;
    }
    return pg;
}

static void release(struct page_info *pg, unsigned int order)
{
    free_heap_pages(pg, order);
    for (unsigned long i = page_to_mfn(pg); i < page_to_mfn(pg) + (1UL << order); i++)
        model[i] = FREE;
    model_free += 1UL << order;
}

static bool block_ok;
static void cover(unsigned long mfn, unsigned int order, void *arg)
{
    unsigned long *nblocks = arg;

    (*nblocks)++;
    if (mfn & ((1UL << order) - 1) || mfn + (1UL << order) > max_mfn) {
        block_ok = false;
        return;
    }
    for (unsigned long i = mfn; i < mfn + (1UL << order); i++) {
        if (covered[i] || model[i] != FREE)
            block_ok = false;
        covered[i] = 1;
    }
}

/* Everything the allocator says must agree with the model. */
static bool verify(void)
{
    unsigned long nblocks = 0;
    bool ok = true;

    if (setjmp(bug_jmp) == 0) {
        bug_armed = true;
        heap_check();
        bug_armed = false;
    } else {
        htest_fail(__FILE__, __LINE__, "heap_check: BUG_ON(%s)", bug_cond);
        return false;
    }
    memset(covered, 0, max_mfn);
    block_ok = true;
    heap_walk_free(cover, &nblocks);
    ok &= CHECK(block_ok);
    ok &= CHECK_EQ(heap_free_pages(), model_free);
    for (unsigned long i = 0; i < max_mfn && ok; i++) {
        const struct page_info *pg = &frame_table[i];

        ok &= CHECK_EQ(covered[i], model[i] == FREE);
        ok &= CHECK_EQ(!!(pg->count_info & PGC_free), model[i] == FREE);
        if (model[i] == USED)
            ok &= CHECK_EQ(pg->buddy_order, PAGE_ALLOC_TAG);
    }
    return ok;
}

/* The free blocks as a sorted list of (mfn << 8 | order). */
struct blocks {
    unsigned long v[4096];
    size_t n;
};
static void collect(unsigned long mfn, unsigned int order, void *arg)
{
    struct blocks *b = arg;

    if (b->n < 4096)
        b->v[b->n++] = mfn << 8 | order;
}
static int cmp_ul(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return (x > y) - (x < y);
}
static void snapshot(struct blocks *b)
{
    b->n = 0;
    heap_walk_free(collect, b);
    qsort(b->v, b->n, sizeof(b->v[0]), cmp_ul);
}

/* The unique maximal decomposition of a range into aligned blocks. */
static void expected_blocks(struct blocks *b, unsigned long first, unsigned long nr)
{
    for (unsigned long m = first; m < first + nr; ) {
        unsigned int o = MAX_ORDER;
        while (o && ((m & ((1UL << o) - 1)) || m + (1UL << o) > first + nr))
            o--;
        b->v[b->n++] = m << 8 | o;
        m += 1UL << o;
    }
    qsort(b->v, b->n, sizeof(b->v[0]), cmp_ul);
}

static bool same_blocks(const struct blocks *a, const struct blocks *b)
{
    return a->n == b->n && memcmp(a->v, b->v, a->n * sizeof(a->v[0])) == 0;
}

/* ---- cases ------------------------------------------------------------ */

HTEST(single_aligned_range)
{
    struct blocks b;
    struct page_info *pg;

    setup(2048);
    add(1024, 1024);
    verify();
    snapshot(&b);
    CHECK_EQ(b.n, 1);
    CHECK_EQ(b.v[0], 1024UL << 8 | 10);
    CHECK_EQ(heap_total_pages(), 1024);

    pg = alloc(0);
    CHECK_EQ(page_to_mfn(pg), 1024);
    verify();
    snapshot(&b);
    CHECK_EQ(b.n, 10);                  /* split into orders 0..9 */
    release(pg, 0);
    verify();
    snapshot(&b);
    CHECK_EQ(b.n, 1);                   /* merged all the way back */
    CHECK_EQ(b.v[0], 1024UL << 8 | 10);
}

HTEST(unaligned_ranges_and_holes)
{
    struct blocks want = { .n = 0 }, got;

    setup(4096);
    add(3, 1000);
    verify();
    snapshot(&got);
    expected_blocks(&want, 3, 1000);
    CHECK(same_blocks(&got, &want));

    /* Added in two pieces, the result is the same as in one. */
    setup(4096);
    add(500, 503);
    add(3, 497);
    verify();
    snapshot(&got);
    CHECK(same_blocks(&got, &want));

    /* Nothing merges into frames that were never added, even when their
     * frame-table entries held garbage before heap_init(). */
    setup(64);
    for (unsigned long i = 0; i < 64; i++) {
        frame_table[i].count_info = PGC_free | 5;
        frame_table[i].buddy_order = 0;
    }
    heap_init();
    add(0, 1);
    add(2, 1);
    add(5, 3);
    verify();
    snapshot(&got);
    CHECK_EQ(got.n, 4);         /* 0/0, 2/0, 5/0, 6/1 */
    CHECK_EQ(heap_free_pages(), 5);
}

HTEST(exhaustion)
{
    unsigned long n = 0;

    setup(1024);
    add(1, 1000);               /* largest block: [256, 512) or [512, 768) */
    CHECK(alloc_heap_pages(MAX_ORDER + 1) == NULL);
    CHECK(alloc_heap_pages(9) == NULL);
    verify();
    CHECK(alloc(8) != NULL);
    CHECK(alloc(8) != NULL);
    CHECK(alloc_heap_pages(8) == NULL);
    while (alloc(0) != NULL)
        n++;
    CHECK_EQ(n, 1000 - 512);
    CHECK_EQ(heap_free_pages(), 0);
    CHECK(alloc_heap_pages(0) == NULL);
    verify();
}

HTEST(max_order_blocks)
{
    const unsigned long frames = (1UL << (MAX_ORDER + 1)) + 77;
    struct page_info *a, *b;

    setup(frames);
    add(0, frames);
    verify();
    a = alloc(MAX_ORDER);
    b = alloc(MAX_ORDER);
    CHECK(a && b && a != b);
    CHECK(alloc_heap_pages(MAX_ORDER) == NULL);
    CHECK_EQ(heap_free_pages(), 77);
    release(a, MAX_ORDER);
    release(b, MAX_ORDER);
    verify();
    /* Two buddies of MAX_ORDER never merge beyond it. */
    struct blocks got;
    snapshot(&got);
    CHECK_EQ(got.v[0], 0UL << 8 | MAX_ORDER);
    CHECK_EQ(got.v[1], (1UL << MAX_ORDER) << 8 | MAX_ORDER);
}

HTEST(free_in_smaller_pieces)
{
    struct page_info *pg;

    setup(64);
    add(0, 64);
    pg = alloc(3);
    for (int i = 7; i >= 0; i--) {          /* give the 8 frames back singly */
        release(pg + i, 0);
        if (!verify())
            return;
    }
    pg = alloc(4);
    release(pg + 8, 3);
    release(pg, 3);
    verify();
    struct blocks got;
    snapshot(&got);
    CHECK_EQ(got.n, 1);
}

/* xorshift64*: deterministic pseudo-random numbers */
static uint64_t rng = 0x2545F4914F6CDD1DULL;
static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1DULL;
}

HTEST(random_against_model)
{
    static struct { struct page_info *pg; unsigned int order; } live[4096];
    size_t nlive = 0;
    struct blocks initial, got;
    unsigned long allocs = 0, failures = 0;

    setup(8192);
    add(5, 1200);           /* unaligned ranges with holes between them */
    add(1300, 77);
    add(2048, 2048);
    add(4100, 3000);
    add(7500, 1);
    verify();
    snapshot(&initial);

    for (int step = 0; step < 20000; step++) {
        bool do_alloc = nlive == 0 || (nlive < 4096 && rnd() % 100 < 55);

        if (do_alloc) {
            unsigned int order = rnd() % 4 ? (unsigned int)(rnd() % 3)
                                           : (unsigned int)(rnd() % 9);
            struct page_info *pg = alloc(order);
            if (pg) {
                live[nlive].pg = pg;
                live[nlive++].order = order;
                allocs++;
            } else {
                failures++;
            }
        } else {
            size_t i = rnd() % nlive;
            unsigned int order = live[i].order;
            struct page_info *pg = live[i].pg;

            live[i] = live[--nlive];
            if (order > 0 && rnd() % 4 == 0) {
                /* free as two halves, the upper one first */
                release(pg + (1UL << (order - 1)), order - 1);
                release(pg, order - 1);
            } else {
                release(pg, order);
            }
        }
        if (step % 7 == 0 && !verify())
            return;
    }
    CHECK(allocs > 5000);
    CHECK(failures > 0);        /* it did run into exhaustion */

    while (nlive) {
        nlive--;
        release(live[nlive].pg, live[nlive].order);
    }
    verify();
    snapshot(&got);
    CHECK(same_blocks(&got, &initial));
    CHECK_EQ(heap_free_pages(), heap_total_pages());
}

HTEST(caller_bugs_are_caught)
{
    struct page_info *pg, *two;
    struct blocks before, after;

    setup(256);
    add(0, 200);
    pg = alloc(0);
    two = alloc(1);
    release(pg, 0);
    snapshot(&before);

    EXPECT_BUG(free_heap_pages(pg, 0), "PGC_free");              /* double free */
    EXPECT_BUG(free_heap_pages(&frame_table[150], 0), "PGC_free");  /* never allocated */
    EXPECT_BUG(free_heap_pages(&frame_table[230], 0), "PAGE_ALLOC_TAG"); /* not heap */
    EXPECT_BUG(free_heap_pages(two + 1, 1), "nr - 1");           /* misaligned */
    EXPECT_BUG(free_heap_pages(two, 2), "nr - 1");               /* misaligned */
    EXPECT_BUG(free_heap_pages(&frame_table[0], 2), "PGC_free");  /* too large */
    EXPECT_BUG(free_heap_pages(two, MAX_ORDER + 1), "MAX_ORDER");
    EXPECT_BUG(free_heap_pages(&frame_table[255], 1), "max_mfn");
    EXPECT_BUG(heap_add_range(100, 10), "PGC_free");             /* overlap */
    EXPECT_BUG(heap_add_range(page_to_mfn(two), 1), "PAGE_ALLOC_TAG");
    EXPECT_BUG(heap_add_range(250, 10), "max_mfn");
    EXPECT_BUG(heap_add_range(~0UL - 2, 10), "max_mfn");

    /* None of that changed anything. */
    snapshot(&after);
    CHECK(same_blocks(&before, &after));
    verify();
    release(two, 1);
    verify();
}

HTEST(corruption_is_detected)
{
    struct page_info *pg;

    setup(64);
    add(0, 64);
    pg = alloc(0);
    verify();
    /* Someone scribbles on a free frame: heap_check notices. */
    frame_table[40].count_info = 0;
    EXPECT_BUG(heap_check(), "count_info");
    frame_table[40].count_info = PGC_free;
    /* ...or the order recorded at a block head. */
    frame_table[32].buddy_order = 3;
    EXPECT_BUG(heap_check(), "buddy_order");
    frame_table[32].buddy_order = 5;
    verify();
    release(pg, 0);
    verify();
}
