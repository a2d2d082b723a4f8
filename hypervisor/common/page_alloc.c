/*
 * The buddy allocator for machine frames (the "heap"; prototypes in
 * mica/mm.h).
 *
 * Free memory is kept as blocks of 2^order frames, order 0..MAX_ORDER, each
 * aligned to its own size (a block of order k starts at an MFN that is a
 * multiple of 2^k).  The blocks of each order sit on free_lists[order],
 * linked through the head frame's page_info.  A block's "buddy" is the other
 * half of the aligned block of twice its size: buddy(mfn, k) = mfn ^ 2^k.
 *
 *        order 2:  [ 8  9 10 11 ]      buddies at order 1: [8 9] and [10 11]
 *        order 1:  [ 8  9 ][10 11]     buddies at order 0: 8 and 9, 10 and 11
 *
 * Allocating order k takes the first block of the smallest order j >= k that
 * is free and splits it, returning the upper halves to the lists of orders
 * j-1 ... k.  Freeing a block merges it with its buddy as long as the buddy
 * is a free block of the same order, then inserts the result.
 *
 * Invariants (checked by tests/host/test-page-alloc.c after every step):
 *  - Every frame of a free block has PGC_free set, owner NULL, counts zero;
 *    the head's buddy_order is the block's order.  Other frames' buddy_order
 *    is meaningless while free (see below why that is safe).
 *  - Merging is eager: never are a block and its buddy both free with the
 *    same order.  Hence the free lists are a function of the set of free
 *    frames alone, and freeing everything restores the initial structure.
 *  - A frame handed out by alloc_heap_pages() has PGC_free clear and
 *    buddy_order == PAGE_ALLOC_TAG until it is freed again.
 *  - Frames never given to the heap have PGC_free clear (heap_init() clears
 *    it everywhere), so a merge can never reach outside the memory that was
 *    added, whatever the alignment of the ranges: the buddy test requires
 *    PGC_free.
 *
 * Why tails may hold stale orders: a merge only looks at a buddy B of a
 * block A being freed.  If B were a non-head frame of a larger free block,
 * that block would contain A's whole aligned pair, i.e. A itself would be
 * free -- which free_heap_pages() has just checked it is not.
 *
 * Cost: finding a block is O(MAX_ORDER), splitting and merging are
 * O(MAX_ORDER) list operations, and marking frames is linear in the block
 * size (every frame's state changes, so that is unavoidable).  No recursion,
 * no allocation.  Freed frames are not scrubbed here; callers scrub.
 *
 * Locking: none.  The hypervisor allocates from one pCPU at a time (boot,
 * then hypercalls on the single pCPU); add a lock here if that changes.
 */
#include <mica/fail_inject.h>
#include <mica/mm.h>
#include <mica/bug.h>

static struct list_head free_lists[MAX_ORDER + 1];
static unsigned long nr_free, nr_total;

static void insert_block(unsigned long mfn, unsigned int order)
{
    struct page_info *pg = mfn_to_page(mfn);

    pg->buddy_order = order;
    list_add(&pg->list, &free_lists[order]);
}

/*
 * Put a block, whose frames are already marked free, into the lists,
 * merging with free buddies first.
 */
static void merge_and_insert(unsigned long mfn, unsigned int order)
{
    while (order < MAX_ORDER) {
        unsigned long buddy = mfn ^ (1UL << order);
        struct page_info *b;

        if (!mfn_valid(buddy))
            break;
        b = mfn_to_page(buddy);
        if (!(b->count_info & PGC_free) || b->buddy_order != order)
            break;
        list_del(&b->list);
        mfn &= ~(1UL << order);
        order++;
    }
    insert_block(mfn, order);
}

static void mark_free(struct page_info *pg, unsigned long nr)
{
    for (unsigned long i = 0; i < nr; i++) {
        pg[i].count_info = PGC_free;
        pg[i].type_info = 0;
        pg[i].owner = NULL;
        pg[i].buddy_order = 0;
    }
}

void heap_init(void)
{
    for (unsigned int i = 0; i <= MAX_ORDER; i++)
        list_init(&free_lists[i]);
    nr_free = nr_total = 0;
    /* Whatever the frame table held, nothing is free or heap-allocated yet. */
    for (unsigned long mfn = 0; mfn < max_mfn; mfn++) {
        frame_table[mfn].count_info &= ~PGC_free;
        frame_table[mfn].buddy_order = 0;
    }
}

/*
 * Any range will do: it is cut into the largest aligned blocks that fit,
 * each inserted (and merged with free neighbours, including ones added
 * earlier) as if freed.
 */
void heap_add_range(unsigned long first_mfn, unsigned long nr)
{
    unsigned long mfn, end = first_mfn + nr;

    BUG_ON(end < first_mfn || end > max_mfn);
    for (mfn = first_mfn; mfn < end; mfn++) {
        const struct page_info *pg = mfn_to_page(mfn);

        BUG_ON(pg->count_info & PGC_free);            /* added twice */
        BUG_ON(pg->buddy_order == PAGE_ALLOC_TAG);    /* allocated from us */
    }

    for (mfn = first_mfn; mfn < end; ) {
        unsigned int order = mfn ? (unsigned int)__builtin_ctzl(mfn) : MAX_ORDER;

        if (order > MAX_ORDER)
            order = MAX_ORDER;
        while ((1UL << order) > end - mfn)
            order--;
        mark_free(mfn_to_page(mfn), 1UL << order);
        merge_and_insert(mfn, order);
        mfn += 1UL << order;
    }
    nr_free += nr;
    nr_total += nr;
}

struct page_info *alloc_heap_pages(unsigned int order)
{
    struct page_info *pg;
    unsigned int j;

    if (order > MAX_ORDER || alloc_fail_now())
        return NULL;
    for (j = order; j <= MAX_ORDER && list_empty(&free_lists[j]); j++)
        ;
    if (j > MAX_ORDER)
        return NULL;

    pg = list_first_entry(&free_lists[j], struct page_info, list);
    BUG_ON(!(pg->count_info & PGC_free) || pg->buddy_order != j);
    list_del(&pg->list);
    while (j > order) {     /* give back the upper halves */
        j--;
        insert_block(page_to_mfn(pg) + (1UL << j), j);
    }

    for (unsigned long i = 0; i < (1UL << order); i++) {
        BUG_ON(!(pg[i].count_info & PGC_free));     /* corrupted free block */
        pg[i].count_info = 0;
        pg[i].type_info = 0;
        pg[i].owner = NULL;
        pg[i].buddy_order = PAGE_ALLOC_TAG;
        list_init(&pg[i].list);
    }
    nr_free -= 1UL << order;
    return pg;
}

/*
 * Everything is checked before anything changes, so a caught bug leaves the
 * heap intact (the host tests rely on this).  A block may be freed in
 * smaller aligned pieces than it was allocated in.
 */
void free_heap_pages(struct page_info *pg, unsigned int order)
{
    unsigned long mfn, nr;

    BUG_ON(order > MAX_ORDER);
    BUG_ON(pg < frame_table);
    mfn = page_to_mfn(pg);
    nr = 1UL << order;
    BUG_ON(mfn >= max_mfn || nr > max_mfn - mfn);
    BUG_ON(mfn & (nr - 1));                           /* misaligned block */
    for (unsigned long i = 0; i < nr; i++) {
        BUG_ON(pg[i].count_info & PGC_free);          /* double free */
        BUG_ON(pg[i].buddy_order != PAGE_ALLOC_TAG);  /* not from the heap */
    }

    mark_free(pg, nr);
    merge_and_insert(mfn, order);
    nr_free += nr;
}

void heap_walk_free(void (*fn)(unsigned long mfn, unsigned int order, void *arg),
                    void *arg)
{
    struct list_head *l;

    for (unsigned int order = 0; order <= MAX_ORDER; order++) {
        list_for_each(l, &free_lists[order])
            fn(page_to_mfn(list_entry(l, struct page_info, list)), order, arg);
    }
}

/* The invariants from the top of this file, as far as they can be seen
 * from the lists themselves. */
void heap_check(void)
{
    unsigned long seen = 0;
    struct list_head *l;

    for (unsigned int order = 0; order <= MAX_ORDER; order++) {
        list_for_each(l, &free_lists[order]) {
            struct page_info *pg = list_entry(l, struct page_info, list);
            unsigned long mfn = page_to_mfn(pg), nr = 1UL << order;

            BUG_ON(l->next->prev != l || l->prev->next != l);
            BUG_ON(!mfn_valid(mfn) || nr > max_mfn - mfn);
            BUG_ON(mfn & (nr - 1));
            BUG_ON(pg->buddy_order != order);
            for (unsigned long i = 0; i < nr; i++) {
                BUG_ON(pg[i].count_info != PGC_free);
                BUG_ON(pg[i].owner != NULL || pg[i].type_info != 0);
            }
            /* eager merging: the buddy is not a free block of this order */
            if (order < MAX_ORDER && mfn_valid(mfn ^ nr)) {
                const struct page_info *b = mfn_to_page(mfn ^ nr);
                BUG_ON((b->count_info & PGC_free) && b->buddy_order == order);
            }
            seen += nr;
        }
    }
    BUG_ON(seen != nr_free);
    BUG_ON(nr_free > nr_total);
}

unsigned long heap_free_pages(void)
{
    return nr_free;
}

unsigned long heap_total_pages(void)
{
    return nr_total;
}
