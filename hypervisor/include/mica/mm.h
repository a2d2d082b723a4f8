/*
 * The frame table: one struct page_info per machine frame.
 *
 * Every machine frame the hypervisor knows about has an entry here, indexed by
 * MFN.  An entry says who owns the frame, how many references to it exist and
 * what the frame is currently being used as (its "type").  The page-type rules
 * that keep guests from ever holding a writable mapping of their own page
 * tables live in common/page_type.c (the memory issue); this header only fixes
 * the shape of the data so every subsystem agrees on it.
 *
 *   count_info:  [31..28] PGC_* flags      [27..0] general reference count
 *   type_info:   [31..28] PGT type  [27] pae_xen_l2  [26] validated
 *                [25] pinned        [24..0] type reference count
 *
 * A free frame (in the buddy allocator) has PGC_free set, owner NULL and both
 * counts zero; the head frame of a free block records the block's order.
 */
#ifndef MICA_MM_H
#define MICA_MM_H

#include <mica/types.h>
#include <mica/list.h>

struct domain;

struct page_info {
    struct list_head list;   /* buddy free list, or the owner's page list */
    struct domain *owner;    /* owning domain; NULL when free or hypervisor's */
    uint32_t count_info;
    uint32_t type_info;
    uint32_t buddy_order;    /* order of a free block (valid on its head) */
    uint32_t pad;
};

/* count_info */
#define PGC_count_mask   0x0fffffffu
#define PGC_free         (1u << 31)   /* in the buddy allocator */
#define PGC_allocated    (1u << 30)   /* owner holds its allocation reference */
#define PGC_xen_heap     (1u << 29)   /* hypervisor memory (maybe shared, e.g. shared_info) */
#define PGC_broken       (1u << 28)   /* never allocate (reserved / bad RAM) */

/* type_info */
#define PGT_type_shift   28
#define PGT_type_mask    (0xfu << PGT_type_shift)
#define PGT_none         (0u << PGT_type_shift)
#define PGT_l1_page_table (1u << PGT_type_shift)
#define PGT_l2_page_table (2u << PGT_type_shift)
#define PGT_l3_page_table (3u << PGT_type_shift)
#define PGT_seg_desc_page (5u << PGT_type_shift)
#define PGT_writable_page (7u << PGT_type_shift)
#define PGT_pae_xen_l2   (1u << 27)   /* the L2 under guest L3 slot 3 */
#define PGT_validated    (1u << 26)
#define PGT_pinned       (1u << 25)
#define PGT_count_mask   0x01ffffffu

/* Zero / copy one 4 KiB page (arch: arch/x86/page_ops.S). */
void clear_page(void *va);
void copy_page(void *dst, const void *src);

/* Set up by arch code at boot; frame_table[mfn] for mfn < max_mfn. */
extern struct page_info *frame_table;
extern unsigned long max_mfn;

static inline unsigned long page_to_mfn(const struct page_info *pg)
{
    return (unsigned long)(pg - frame_table);
}

static inline struct page_info *mfn_to_page(unsigned long mfn)
{
    return &frame_table[mfn];
}

static inline bool mfn_valid(unsigned long mfn)
{
    return mfn < max_mfn;
}

/*
 * Buddy page allocator (common/page_alloc.c).  Manages every free frame of
 * machine memory in power-of-two blocks up to MAX_ORDER.  Frames are handed
 * out with PGC_free cleared, owner NULL, counts zero; the caller assigns them.
 */
#define MAX_ORDER 18                  /* 1 GiB blocks */

void heap_init(void);                 /* empty heap; frame_table/max_mfn set */
void heap_add_range(unsigned long first_mfn, unsigned long nr);  /* give free RAM */
struct page_info *alloc_heap_pages(unsigned int order);
void free_heap_pages(struct page_info *pg, unsigned int order);
unsigned long heap_free_pages(void);  /* total free frames */
unsigned long heap_total_pages(void); /* frames ever added */

/* ---- Added with common/page_alloc.c (nothing above this line changed) ---- */

/*
 * While a frame is allocated from the heap, its buddy_order holds
 * PAGE_ALLOC_TAG.  free_heap_pages() insists on it, which is how freeing a
 * frame that never came from the heap is caught; other code must leave
 * buddy_order alone.
 */
#define PAGE_ALLOC_TAG   0xa110c8edu

/* Verify every allocator invariant, BUG_ON() on the first broken one
 * (debug aid; linear in the amount of free memory). */
void heap_check(void);
/* Call fn for each free block (for tests and memory dumps). */
void heap_walk_free(void (*fn)(unsigned long mfn, unsigned int order, void *arg),
                    void *arg);

#endif
