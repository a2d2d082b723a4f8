/*
 * The frame table: one struct page_info per machine frame.
 *
 * Every machine frame the hypervisor knows about has an entry here, indexed by
 * MFN.  An entry says who owns the frame, how many references to it exist and
 * what the frame is currently being used as (its "type").  The page-type rules
 * that keep guests from ever holding a writable mapping of their own page
 * tables live in common/page_type.c; this header only fixes
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
#include <mica/errno.h>

struct domain;

struct page_info {
    struct list_head list;   /* buddy free list, or the owner's page list */
    struct domain *owner;    /* owning domain; NULL when free or hypervisor's */
    uint32_t count_info;
    uint32_t type_info;
    uint32_t buddy_order;    /* order of a free block (valid on its head) */
    /* common/page_type.c: the state of a table's validation. */
    uint16_t nr_validated;   /* partial table: entries [0, n) hold references */
    uint16_t mm_flags;       /* PGF_* below */
    int16_t linear_count;    /* >0: linear-L2 target of n entries; <0: holds -n */
    uint16_t mm_pad;
    uint32_t tlbflush_timestamp; /* tlbflush_clock when a count last reached 0 */
    struct list_head pending; /* on owner->mm_pending while PGF_pending */
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

/* ---- Page types and references ---- */

/*
 * The page-type and reference-count core (common/page_type.c; its essay
 * explains the rules).  gdt_ldt.c codes GDT/LDT frames against the
 * first six; the memory hypercalls use the preemptible forms.
 *
 *   get_page(pg, d)        general reference; -EINVAL unless pg is an
 *                          allocated frame owned by d (0 on success)
 *   get_page_type(pg, t)   type reference of type t (PGT_l1_page_table ..
 *                          PGT_writable_page, optionally | PGT_pae_xen_l2);
 *                          0 or -EINVAL (conflicting type, invalid table).
 *                          Never -ERESTART: finishes any work itself.
 *   get_page_and_type      both, or neither
 *   put_*                  drop what the matching get took
 */
int get_page_type(struct page_info *pg, uint32_t type);
int get_page_and_type(struct page_info *pg, struct domain *d, uint32_t type);


/* As above, but long work (validating a big table, finishing a deferred
 * devalidation) may stop with -ERESTART: the caller makes a continuation. */
int get_page_type_preemptible(struct page_info *pg, uint32_t type);

/*
 * I/O memory: a machine frame that is not RAM (the firmware's map says
 * so: PCI BARs, the VGA window, ROMs, ACPI tables).
 * Such a frame has no owner and takes no references when a page table
 * maps it; who may map it is iomem.c's decision (mica/iomem.h).  Below
 * max_mfn the frame table says (PGF_io, set at boot); above, the arch
 * asks the firmware's map (RAM there is RAM the hypervisor does not use).
 */
bool arch_mfn_is_ram_high(unsigned long mfn);
static inline bool mfn_is_io(unsigned long mfn);

/* mm_flags */
#define PGF_partial      (1u << 0)   /* table half (in)validated, count 0 */
#define PGF_pending      (1u << 1)   /* ... and being devalidated (listed) */
#define PGF_io           (1u << 2)   /* not RAM: I/O memory (set at boot, never cleared) */
#define PGF_last_shift   8           /* type when the count last hit 0 */
#define PGF_last_mask    (0xfu << PGF_last_shift)

static inline bool mfn_is_io(unsigned long mfn)
{
    return mfn < max_mfn ? (frame_table[mfn].mm_flags & PGF_io) : !arch_mfn_is_ram_high(mfn);
}

/*
 * get_page(), and the common cases of put_page() and put_page_type() --
 * another reference remains, so nothing but a count changes -- are
 * inline: every page-table update takes and drops several.  Anything else
 * (the last reference, and every invariant check on the way there) is the
 * out-of-line *_slow function in page_type.c, which does exactly what the
 * whole function did before.
 */
static inline int get_page(struct page_info *pg, struct domain *d)
{
    uint32_t x = pg->count_info, c = x & PGC_count_mask;

    if (!d || pg->owner != d || (x & (PGC_free | PGC_broken)))
        return -EINVAL;
    if (c == 0 || c == PGC_count_mask)      /* dying, or would overflow */
        return -EINVAL;
    pg->count_info = x + 1;
    return 0;
}

void put_page_slow(struct page_info *pg);
static inline void put_page(struct page_info *pg)
{
    uint32_t x = pg->count_info;

    if ((x & PGC_count_mask) > 1) {
        pg->count_info = x - 1;
        return;
    }
    put_page_slow(pg);
}

void put_page_type_slow(struct page_info *pg);
static inline void put_page_type(struct page_info *pg)
{
    uint32_t x = pg->type_info;

    if ((x & PGT_count_mask) > 1 && (x & PGT_validated) && !(pg->mm_flags & PGF_partial)) {
        pg->type_info = x - 1;
        return;
    }
    put_page_type_slow(pg);
}

static inline void put_page_and_type(struct page_info *pg)
{
    put_page_type(pg);
    put_page(pg);
}

/* PTEs per table as the guest sees them (PAE: L3 has 4). */
#define PT_ENTRIES       512
#define L3_GUEST_ENTRIES 4
/* First hypervisor-owned entry of the L2 under guest L3 slot 3. */
#define XEN_L2_FIRST_SLOT 428

/*
 * Deferred devalidation.  A table whose last type reference goes is not
 * devalidated on the spot (that may be a million entries): it is queued
 * on its owner's queue, and the queue is worked off by
 * mm_finish_pending(), which every memory hypercall runs first and after
 * each operation, preemptibly.  Each works off the queue of the calling
 * domain (current) only: no domain pays for another's deferred work.
 * Returns 0 when the queue is empty, -ERESTART if it stopped early.
 * mm_finish_all_pending(): every domain's queue (teardown only).
 */
int mm_finish_pending(bool preemptible);
int mm_finish_pending_of(struct domain *d, bool preemptible);
void mm_finish_all_pending(void);
bool mm_pending_work(void);                /* the caller's queue is not empty */
unsigned long mm_pending_count(void);      /* all queues */
/* Teardown: a table left half-validated is queued for devalidation. */
void mm_abandon_partial(struct page_info *pg);

/* The consistency auditor (common/mm_audit.c; boot option mm_audit):
 * walks every frame and every table; prints one pass/FAIL line and
 * returns the number of problems found. */
extern bool opt_mm_audit;
unsigned int mm_audit(const char *when);
/* Keep the auditor's arrays from now on (boot, with mm_audit): 0, -ENOMEM. */
int mm_audit_reserve(void);

/* Whether a long memory operation should stop now (continuation). */
bool mm_preempt_check(void);
extern bool opt_mm_preempt_stress;   /* debug: preempt at every check */

/*
 * Hypervisor-heap frames (page_type.c).  mm_alloc_xen_frames: 2^order
 * zeroed frames (PGC_xen_heap, no owner), flushed for first if a stale
 * guest translation may reach one; NULL when out of memory.
 * share_xen_frame: make such a frame d's, with the permanent writable
 * type reference every frame the hypervisor writes behind a guest's back
 * holds (so it is never a page table or descriptor page).
 * unshare_xen_frame: d is dying; true if the frame is the hypervisor's
 * alone again (then mm_free_xen_frames it), false if a foreign mapping
 * still holds it (it became an ordinary frame of `orphans`).
 */
struct page_info *mm_alloc_xen_frames(unsigned int order);
void mm_free_xen_frames(struct page_info *pg, unsigned int order);
void share_xen_frame(struct page_info *pg, struct domain *d);
bool unshare_xen_frame(struct page_info *pg, struct domain *orphans);

/* Last reference of a domain frame gone: scrub it and give it back. */
void free_domheap_page(struct page_info *pg);
/* Allocate and zero 2^order frames for d (within max_pages), flushing
 * stale TLB entries first; NULL if over the limit or out of memory. */
struct page_info *mm_alloc_domain_frames(struct domain *d, unsigned int order);
struct page_info *mm_alloc_domain_frame(struct domain *d);
/* Give 2^order heap frames (alloc_heap_pages) to d, as mm_alloc_domain_frames
 * does after its limit check (XENMEM_exchange: the limit holds overall). */
void mm_assign_domain_frames(struct domain *d, struct page_info *pg, unsigned int order);
/* Is mfn d's, referenced by nothing but its allocation, untyped?  (Only
 * such a frame can be given back and reused at once.) */
bool mm_frame_stealable(const struct domain *d, unsigned long mfn);
/* Move such a frame between domains (GNTTABOP_transfer; page_type.c says
 * how): steal it from d, then give it to another domain or free it. */
void mm_steal_frame(struct domain *d, struct page_info *pg);
void mm_give_stolen_frame(struct domain *d, struct page_info *pg);
void mm_free_stolen_frame(struct page_info *pg, struct domain *from);

/* Validation engine (common/pt_validate.c). */
unsigned int pt_guest_entries(uint32_t type_info);
int pt_validate(struct page_info *pg, bool preemptible);
int pt_devalidate(struct page_info *pg, bool preemptible);

#endif
