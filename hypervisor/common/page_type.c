/*
 * Page types and reference counts: the rules that let guests own their
 * page tables without ever being able to write one.
 *
 * A PV guest builds its PAE page tables itself, out of its own frames, and
 * they hold machine frame numbers.  The hypervisor cannot read every table
 * on every switch, so it keeps, per frame, just enough state to know that
 * every table the CPU might walk has been checked and cannot change behind
 * its back.  That state lives in struct page_info (mica/mm.h):
 *
 *   count_info  general references: "someone may access this frame".  The
 *               owner's allocation (PGC_allocated), every present PTE that
 *               maps it, every table entry that links it, a pin, a CR3.
 *               The frame goes back to the heap when the count reaches 0.
 *   type_info   ONE type and a type count: what the frame is being used as.
 *
 *      type               taken by                        the frame is ...
 *      L1/L2/L3 table     each entry linking it one level  a validated table
 *                         up, a pin, a vCPU's CR3 (L3)
 *      segment descriptor each GDT/LDT use (gdt_ldt.c)     checked descriptors
 *      writable           each present PTE with RW set;    plain memory
 *                         for life, a frame the hypervisor
 *                         shares (share_xen_frame)
 *
 * The whole security argument is three sentences.  A frame has at most
 * one type at a time, and the type can only change when its type count is
 * 0; so no frame is ever both writably mapped and a page table (or a
 * descriptor page).  A frame gets a table type only after every one of
 * its entries has been validated (pt_validate.c), each entry itself taking
 * references on what it points to; so every frame the CPU can reach
 * through a guest's tables belongs to that guest and has the type the
 * walk needs.  And the only writes to a table that are not checked entry
 * by entry are the hypervisor's own to the frames it shares with a guest
 * (shared_info, grant-table frames): those hold a writable type reference
 * from the moment they are shared until the domain dies, so they are never
 * tables -- a hypervisor write can never make an unchecked entry present.
 * Every reference taken is a reference someone will drop (teardown drops
 * the shared frames' too); a frame whose general count reaches zero is
 * scrubbed and freed, never earlier.
 *
 * Frame states (T = an L1/L2/L3 type, P = the table's PTE count):
 *
 *                 get_type(T)                   last put_type
 *    untyped ---------------------> validating -----------+   (queued)
 *    (count 0)   n = 0, count 0     n = 0..P      done    v
 *        ^                             | error    +--> validated ---> devalidating
 *        |                             +--------------->  count >= 1   n = P..0
 *        +-------------------------------------------------------------- n = 0
 *    get_type(writable|seg_desc) on an untyped frame: typed at once, no checks.
 *
 * "Validating" and "devalidating" are the same partial state (PGF_partial:
 * entries [0, n) hold references, the rest none, type count 0), seen from
 * two directions.  A partial table holds one general reference on itself
 * (the "mm reference") so it cannot be freed while half its entries still
 * hold references.  Why partial states exist at all: validating an L3 may
 * validate four L2s of 512 L1s of 512 entries each -- a million references
 * -- and one guest must not stall the CPU for that long.  So:
 *
 *  - Validation checks for preemption after every entry; it stops with
 *    -ERESTART, leaving the table partial, and the hypercall turns that
 *    into a continuation.  The re-issued call asks for the same type, finds
 *    the table partial and goes on from n.  Nothing is rolled back, so
 *    every attempt makes progress.  While validating, a table is nobody
 *    else's business: asking for a different type is a conflict (-EINVAL),
 *    which is also what makes a table that links itself fail cleanly.
 *  - Devalidation is deferred.  When the last type reference of a table is
 *    dropped, the table turns partial (n = P), is queued on its owner's
 *    queue (domain.mm_pending, PGF_pending), and mm_finish_pending() works
 *    the caller's queue off, dropping entries from the top.  Every memory
 *    hypercall runs it first and after each operation, preemptibly, so a
 *    guest that unpins a big tree pays for it in its own continuations, and
 *    no put_page_type() call ever recurses more than one level.  A queued
 *    table that is wanted again as the same type is simply re-validated
 *    from where devalidation got to; wanted as another type, it is
 *    devalidated first.
 *  - A type conflict (a frame still typed by references that sit only in
 *    queued tables) is retried after finishing the caller's own queue:
 *    stale references must never make a correct guest fail.  Only its own:
 *    the queues are per domain so that no domain ever does another's
 *    deferred work (a queue another domain left by a preempted
 *    continuation is that domain's unfinished operation -- a conflict with
 *    it is a conflict, as it would be on Xen while the other domain's call
 *    is still running).  Teardown, in hypervisor context, works off all.
 *
 * The TLB.  Dropping a mapping does not flush it: the guest flushes (that
 * is the PV contract, and flushing on every update would be ruinous).  But
 * a stale translation must never outlive a change of a frame's type or
 * owner: writable -> page table would let the guest write a live table.
 * So when a count falls to zero the frame records tlbflush_clock, and a
 * frame that takes a different type, or is handed to a domain, before the
 * clock has moved is flushed for first.
 *
 * Trust: owners are trusted (set by the allocator); guest-written entries
 * are not (pt_validate.c checks them).  No locking: one pCPU runs the
 * hypervisor.  BUG_ON() marks hypervisor invariants only; every guest
 * mistake ends in an error code.
 */
#include <mica/mm.h>
#include <mica/domain.h>
#include <mica/errno.h>
#include <mica/bug.h>
#include <mica/lib.h>
#include <mica/hypercall.h>
#include <asm/mm_arch.h>
#include <asm/m2p.h>

bool opt_mm_preempt_stress;
unsigned long zombie_frames_freed;

bool mm_preempt_check(void)
{
    return opt_mm_preempt_stress || hypercall_preempt_check();
}

static uint32_t type_kind(uint32_t type_info)
{
    return type_info & (PGT_type_mask | PGT_pae_xen_l2);
}

static bool is_table_type(uint32_t type_info)
{
    uint32_t t = type_info & PGT_type_mask;
    return t == PGT_l1_page_table || t == PGT_l2_page_table || t == PGT_l3_page_table;
}

/* ---- general references ------------------------------------------------ */

/* get_page() and the common case of put_page() are inline (mica/mm.h). */
void put_page_slow(struct page_info *pg)
{
    uint32_t x = pg->count_info;

    BUG_ON((x & PGC_count_mask) == 0);
    pg->count_info = x - 1;
    if ((x & PGC_count_mask) == 1)
        free_domheap_page(pg);
}

/*
 * The last reference is gone.  Hypervisor-heap frames shared with a guest
 * (shared_info) keep their allocation reference for the domain's life and
 * are released by teardown, never here.
 */
void free_domheap_page(struct page_info *pg)
{
    struct domain *d = pg->owner;
    unsigned long mfn = page_to_mfn(pg);

    BUG_ON(!d || (pg->count_info & (PGC_count_mask | PGC_allocated | PGC_xen_heap)));
    BUG_ON(pg->type_info || (pg->mm_flags & (PGF_partial | PGF_pending)) ||
           pg->linear_count || pg->nr_validated);
    list_del(&pg->list);
    d->tot_pages--;
    d->mm_freed_pages++;
    if (d->teardown == TD_ZOMBIE)           /* the domain goes when its last frame does */
        zombie_frames_freed++;
    m2p_set(mfn, INVALID_M2P_ENTRY);
    clear_page(map_frame(mfn));                     /* scrub */
    pg->tlbflush_timestamp = tlbflush_clock;
    pg->owner = NULL;
    pg->count_info = 0;
    pg->mm_flags = 0;
    free_heap_pages(pg, 0);
}

/*
 * 2^order contiguous frames for d, within its max_pages: zeroed, each with
 * its allocation reference, listed and counted.  A frame freed while some
 * TLB could still reach it is only handed out after a flush.
 */
struct page_info *mm_alloc_domain_frames(struct domain *d, unsigned int order)
{
    unsigned long nr = 1UL << order;
    struct page_info *pg;

    if (d->tot_pages + nr > d->max_pages || d->tot_pages + nr < d->tot_pages)
        return NULL;
    if (!(pg = alloc_heap_pages(order)))
        return NULL;
    mm_assign_domain_frames(d, pg, order);
    return pg;
}

void mm_assign_domain_frames(struct domain *d, struct page_info *pg, unsigned int order)
{
    unsigned long nr = 1UL << order;
    bool flush = false;

    for (unsigned long i = 0; i < nr; i++) {
        BUG_ON(pg[i].mm_flags || pg[i].linear_count || pg[i].nr_validated);
        flush |= pg[i].tlbflush_timestamp == tlbflush_clock;
        pg[i].owner = d;
        pg[i].count_info = PGC_allocated | 1;
        pg[i].type_info = 0;
        list_add_tail(&pg[i].list, &d->page_list);
        clear_page(map_frame(page_to_mfn(&pg[i])));
    }
    d->tot_pages += nr;
    if (flush)
        flush_guest_tlb();
}

bool mm_frame_stealable(const struct domain *d, unsigned long mfn)
{
    const struct page_info *pg;

    if (!mfn_valid(mfn))
        return false;
    pg = mfn_to_page(mfn);
    /* PGF_last_* is history (the type it last had), not a use. */
    return pg->owner == d && pg->count_info == (PGC_allocated | 1) && !pg->type_info &&
           !(pg->mm_flags & (PGF_partial | PGF_pending)) && !pg->linear_count &&
           !pg->nr_validated;
}

/*
 * Taking a frame away from a domain without freeing it (GNTTABOP_transfer,
 * as Xen's steal_page): it must be stealable; it leaves d's list, count
 * and M2P but keeps its allocation reference, owned by nobody, until it is
 * given to another domain or freed.  Every vCPU of d may still hold a
 * stale translation of it: the caller flushes before d runs again.
 */
void mm_steal_frame(struct domain *d, struct page_info *pg)
{
    BUG_ON(!mm_frame_stealable(d, page_to_mfn(pg)));
    list_del(&pg->list);
    d->tot_pages--;
    m2p_set(page_to_mfn(pg), INVALID_M2P_ENTRY);
    pg->owner = NULL;
}

/* A stolen frame nobody takes: scrubbed and freed, as free_domheap_page
 * does for an owned one (`from` is charged with the scrub). */
void mm_free_stolen_frame(struct page_info *pg, struct domain *from)
{
    BUG_ON(pg->owner || pg->count_info != (PGC_allocated | 1));
    from->mm_freed_pages++;
    clear_page(map_frame(page_to_mfn(pg)));
    pg->tlbflush_timestamp = tlbflush_clock;
    pg->count_info = 0;
    pg->mm_flags = 0;
    free_heap_pages(pg, 0);
}

/* A stolen frame becomes d's (the caller checked d's max_pages). */
void mm_give_stolen_frame(struct domain *d, struct page_info *pg)
{
    BUG_ON(pg->owner || pg->count_info != (PGC_allocated | 1));
    pg->owner = d;
    list_add_tail(&pg->list, &d->page_list);
    d->tot_pages++;
    /* A domain not yet started counts what it took from the heap level
     * (domain_teardown.c); this frame did not come from there. */
    if (!d->mm_started)
        d->mm_heap_baseline++;
}

struct page_info *mm_alloc_domain_frame(struct domain *d)
{
    return mm_alloc_domain_frames(d, 0);
}

/* ---- hypervisor-heap frames ---------------------------------------------- */

/*
 * 2^order frames for the hypervisor itself (PGC_xen_heap, no owner),
 * zeroed.  The TLB rule holds here too: a frame a domain gave back while
 * some guest TLB may still reach it is flushed for before it becomes
 * hypervisor memory -- a stale writable translation of a frame that now
 * holds another domain's structures would be an escape.
 */
struct page_info *mm_alloc_xen_frames(unsigned int order)
{
    unsigned long nr = 1UL << order;
    struct page_info *pg = alloc_heap_pages(order);
    bool flush = false;

    if (!pg)
        return NULL;
    for (unsigned long i = 0; i < nr; i++) {
        flush |= pg[i].tlbflush_timestamp == tlbflush_clock;
        pg[i].count_info = PGC_xen_heap;
        pg[i].type_info = 0;
        pg[i].owner = NULL;
        clear_page(map_frame(page_to_mfn(&pg[i])));
    }
    if (flush)
        flush_guest_tlb();
    return pg;
}

void mm_free_xen_frames(struct page_info *pg, unsigned int order)
{
    for (unsigned long i = 0; i < (1UL << order); i++) {
        BUG_ON(pg[i].owner || (pg[i].count_info & ~PGC_xen_heap) || pg[i].type_info);
        clear_page(map_frame(page_to_mfn(&pg[i])));
        pg[i].count_info = 0;
        pg[i].mm_flags = 0;             /* a shared frame's type history goes too */
    }
    free_heap_pages(pg, order);
}

/*
 * Share a hypervisor frame with d: a frame the hypervisor writes itself,
 * behind the guest's back, without looking at what the guest made of it
 * (shared_info: event bits, time; grant-table frames: the GTF flags).  d
 * owns it, so it may map it, and it holds, for as long as it is shared, a
 * writable type reference nobody else drops.  So its type can never
 * change: it is never a page table or a descriptor page, whose entries
 * the hypervisor would then be writing unchecked (Xen's rule for every
 * page it shares).  Every future frame of this kind -- a registered
 * vcpu_info, grant status frames, an event-channel control block -- must
 * be shared this way, or held with get_page_and_type(PGT_writable_page)
 * for as long as the hypervisor writes it.
 */
void share_xen_frame(struct page_info *pg, struct domain *d)
{
    BUG_ON(pg->owner || pg->count_info != PGC_xen_heap || pg->type_info);
    pg->owner = d;
    pg->count_info = PGC_xen_heap | PGC_allocated | 1;
    pg->type_info = PGT_writable_page | PGT_validated | 1;
}

/*
 * Teardown of the domain a frame was shared with: drop its allocation and
 * the permanent writable reference.  True if the frame is the hypervisor's
 * alone again (the caller frees it).  False if someone else -- a
 * privileged domain's foreign mapping -- still holds it: it then becomes
 * an ordinary frame of `orphans` (dom_grant_orphans), freed like any other
 * when the last of those references goes, and never has a dangling owner.
 */
bool unshare_xen_frame(struct page_info *pg, struct domain *orphans)
{
    uint32_t c = pg->count_info;

    BUG_ON(!pg->owner || (c & (PGC_xen_heap | PGC_allocated)) != (PGC_xen_heap | PGC_allocated) ||
           (pg->type_info & (PGT_type_mask | PGT_validated)) !=
               (PGT_writable_page | PGT_validated) || !(pg->type_info & PGT_count_mask));
    put_page_type(pg);                      /* the permanent reference */
    pg->tlbflush_timestamp = tlbflush_clock; /* guests mapped it until now */
    if ((c & PGC_count_mask) == 1) {
        BUG_ON(pg->type_info);
        pg->owner = NULL;
        pg->count_info = PGC_xen_heap;
        return true;
    }
    pg->count_info = (c & PGC_count_mask) - 1;  /* allocation gone; plain frame now */
    pg->owner = orphans;
    list_add_tail(&pg->list, &orphans->page_list);
    orphans->tot_pages++;
    return false;
}

/* ---- the pending (devalidation) queue ---------------------------------- */

/* The queue of the domain on whose behalf we run (none in hypervisor context). */
static inline struct list_head *caller_queue(void)
{
    return current && current->domain ? &current->domain->mm_pending : NULL;
}

bool mm_pending_work(void)
{
    struct list_head *q = caller_queue();

    return q && !list_empty(q);
}

static void enter_partial(struct page_info *pg)
{
    BUG_ON(pg->mm_flags & PGF_partial);
    pg->mm_flags |= PGF_partial;
    pg->count_info++;                       /* the mm reference */
}

static void queue_pending(struct page_info *pg)
{
    BUG_ON(!(pg->mm_flags & PGF_partial) || (pg->mm_flags & PGF_pending));
    pg->mm_flags |= PGF_pending;
    list_add(&pg->pending, &pg->owner->mm_pending);
}

static void dequeue_pending(struct page_info *pg)
{
    if (pg->mm_flags & PGF_pending) {
        list_del(&pg->pending);
        pg->mm_flags &= ~PGF_pending;
    }
}

/* Drop the remaining entries of a partial table; untyped when done. */
static int finish_devalidation(struct page_info *pg, bool preemptible)
{
    int rc = pt_devalidate(pg, preemptible);

    if (rc)
        return rc;
    BUG_ON(pg->linear_count != 0 || pg->nr_validated != 0);
    dequeue_pending(pg);
    pg->mm_flags &= ~PGF_partial;
    pg->type_info = 0;
    put_page(pg);                           /* the mm reference: may free */
    return 0;
}

unsigned long mm_pending_count(void)
{
    unsigned long n = 0;
    struct list_head *l;
    struct domain *d;

    for_each_domain(d)
        list_for_each(l, &d->mm_pending)
            n++;
    return n;
}

/* A validation nobody will resume (teardown): undo it through the queue. */
void mm_abandon_partial(struct page_info *pg)
{
    if ((pg->mm_flags & PGF_partial) && !(pg->mm_flags & PGF_pending))
        queue_pending(pg);
}

int mm_finish_pending_of(struct domain *d, bool preemptible)
{
    while (!list_empty(&d->mm_pending)) {
        struct page_info *pg = list_first_entry(&d->mm_pending, struct page_info, pending);
        int rc = finish_devalidation(pg, preemptible);

        if (rc)
            return rc;
        if (preemptible && !list_empty(&d->mm_pending) && mm_preempt_check())
            return -ERESTART;
    }
    return 0;
}

int mm_finish_pending(bool preemptible)
{
    struct list_head *q = caller_queue();

    /* Every memory hypercall calls this before and after each operation:
     * the empty queue is the case to make cheap. */
    if (!q || list_empty(q))
        return 0;
    return mm_finish_pending_of(current->domain, preemptible);
}

void mm_finish_all_pending(void)
{
    struct domain *d;

    for_each_domain(d)
        mm_finish_pending_of(d, false);
}

/* ---- types --------------------------------------------------------------- */

/* Before an untyped frame takes a new type: flush if a stale entry may hit it. */
static void type_change_flush(struct page_info *pg, uint32_t want)
{
    uint32_t last = (pg->mm_flags & PGF_last_mask) >> PGF_last_shift;

    if (last != (want & PGT_type_mask) >> PGT_type_shift &&
        pg->tlbflush_timestamp == tlbflush_clock)
        flush_guest_tlb();
}

static void check_type_arg(uint32_t type)
{
    uint32_t t = type & PGT_type_mask;

    BUG_ON(type & ~(PGT_type_mask | PGT_pae_xen_l2));
    BUG_ON(t != PGT_l1_page_table && t != PGT_l2_page_table &&
           t != PGT_l3_page_table && t != PGT_seg_desc_page && t != PGT_writable_page);
    BUG_ON((type & PGT_pae_xen_l2) && t != PGT_l2_page_table);
}

/* Validate a partial table from where it stands; validated on success. */
static int continue_validation(struct page_info *pg, bool preemptible)
{
    int rc = pt_validate(pg, preemptible);

    if (rc == 0) {
        pg->mm_flags &= ~PGF_partial;
        pg->type_info |= PGT_validated | 1;
        put_page(pg);               /* the mm reference; caller still holds one */
        return 0;
    }
    if (rc == -ERESTART)
        return rc;
    /* An invalid entry: undo what was validated, deferred. */
    if (pg->nr_validated == 0)
        finish_devalidation(pg, false);
    else
        queue_pending(pg);
    return rc;
}

static int __get_page_type(struct page_info *pg, uint32_t type, bool preemptible)
{
    int rc;

    check_type_arg(type);
    /* A type is only ever taken by someone holding a general reference. */
    BUG_ON((pg->count_info & PGC_count_mask) == 0);
    for (;;) {
        uint32_t x = pg->type_info;

        if (pg->mm_flags & PGF_partial) {
            if (type_kind(x) == type) {
                dequeue_pending(pg);            /* wanted again: re-validate */
                return continue_validation(pg, preemptible);
            }
            if (!(pg->mm_flags & PGF_pending))
                return -EINVAL;                 /* being validated as another type */
            rc = finish_devalidation(pg, preemptible);
            if (rc)
                return rc;
            continue;
        }
        if ((x & PGT_count_mask) == 0) {
            /* Shared hypervisor frames keep their writable reference for
             * life; should one ever lose it, it still takes no other type. */
            if ((pg->count_info & PGC_xen_heap) && type != PGT_writable_page)
                return -EINVAL;
            type_change_flush(pg, type);
            if (!is_table_type(type)) {
                pg->type_info = type | PGT_validated | 1;
                return 0;
            }
            pg->type_info = type;
            pg->nr_validated = 0;
            enter_partial(pg);
            return continue_validation(pg, preemptible);
        }
        if (type_kind(x) != type) {
            /* Perhaps only queued tables still hold it: finish them first. */
            if (!mm_pending_work())
                return -EINVAL;
            rc = mm_finish_pending(preemptible);
            if (rc)
                return rc;
            continue;
        }
        if ((x & PGT_count_mask) == PGT_count_mask)
            return -EINVAL;
        pg->type_info = x + 1;
        return 0;
    }
}

int get_page_type(struct page_info *pg, uint32_t type)
{
    return __get_page_type(pg, type, false);
}

int get_page_type_preemptible(struct page_info *pg, uint32_t type)
{
    return __get_page_type(pg, type, true);
}

/* The common case of put_page_type() is inline (mica/mm.h). */
void put_page_type_slow(struct page_info *pg)
{
    uint32_t x = pg->type_info;

    BUG_ON((x & PGT_count_mask) == 0 || !(x & PGT_validated) ||
           (pg->mm_flags & PGF_partial));
    if ((x & PGT_count_mask) > 1) {
        pg->type_info = x - 1;
        return;
    }
    BUG_ON(x & PGT_pinned);                 /* a pin is a type reference */
    pg->tlbflush_timestamp = tlbflush_clock;
    pg->mm_flags = (uint16_t)((pg->mm_flags & ~PGF_last_mask) |
                              (((x & PGT_type_mask) >> PGT_type_shift) << PGF_last_shift));
    if (!is_table_type(x)) {
        pg->type_info = 0;
        return;
    }
    /* Last reference to a table: devalidate it later, from the top. */
    pg->type_info = type_kind(x);
    pg->nr_validated = (uint16_t)pt_guest_entries(x);
    enter_partial(pg);
    queue_pending(pg);
}

int get_page_and_type(struct page_info *pg, struct domain *d, uint32_t type)
{
    int rc = get_page(pg, d);

    if (rc)
        return rc;
    rc = get_page_type(pg, type);
    if (rc)
        put_page(pg);
    return rc;
}

/* put_page_and_type() is inline (mica/mm.h). */
