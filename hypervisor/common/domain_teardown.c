/*
 * Domain teardown: a domain that will never run again gives back every
 * frame it owns, and every frame it gives back is scrubbed.
 *
 * What a dead domain still holds is exactly what page_type.c counts, so
 * teardown is the reference rules run backwards, in stages that make the
 * last general reference of each frame go last:
 *
 *   kill        the vCPUs leave the scheduler, ports close, timers stop
 *               (domain_kill, domain.c); the domain's own grant mappings
 *               of others' frames go; every vCPU lets go of its GDT/LDT
 *               frames and of its L3 (its CR3 reference);
 *   UNPIN       every pin is dropped;
 *   PENDING     every devalidation queue is worked off (another domain's
 *               queued table may hold references to our frames);
 *   ABANDON     a table the guest left half validated is queued;
 *   DEVALIDATE  our own queue: every table is untyped now, and every
 *               reference held by a table entry is gone;
 *   DESCRIPTORS descriptor-page references die with the domain;
 *   FREE        the allocation reference of each frame is dropped: its
 *               count reaches zero and free_domheap_page() scrubs it,
 *               marks its M2P entry invalid and returns it to the heap;
 *   structures  the grant table, the vCPUs and their top-level tables,
 *               shared_info and the rest.  The frames the hypervisor
 *               shared with the domain (shared_info, grant-table frames)
 *               lose their allocation and their permanent writable
 *               reference here (unshare_xen_frame); one a privileged
 *               domain still maps passes to dom_grant_orphans.
 *
 * A frame that someone else still references after FREE is not freed --
 * that would hand out memory somebody can still reach.  If the only other
 * references are grant mappings, it passes to dom_grant_orphans (freed
 * when its last mapping goes, docs/grants.md).  Otherwise it is held by a
 * privileged domain's foreign mapping (mmu_update with a foreign domain):
 * it stays the domain's, on its page list, and the domain stays too, as a
 * "zombie": listed, dying (getdomaininfo says so), its id not reusable,
 * holding nothing but those frames.  When the last of them is unmapped it
 * is scrubbed and freed like any other, and at the next safe point
 * (domain_reap_zombies: the scheduler, domctl, sysctl) the zombie itself
 * is freed.  This is Xen's rule -- a domain lives until its last
 * reference goes -- and it is what makes "destroy while foreign-mapped"
 * neither a use-after-free nor a leak.
 *
 * Every stage walks the page list by moving each frame it has dealt with
 * to relmem_list (and back at the end of the stage), so a frame freed
 * mid-walk never leaves a dangling cursor, and a stage can stop after any
 * frame and resume later: destroydomain runs preemptibly and returns to
 * the toolstack to be called again (XSA-45: destroying a large domain
 * never stalls the machine).  In hypervisor context (boot domains that
 * died, the end of the machine) the same stages run to the end at once.
 *
 * The books: what the domain took from the heap (td_taken, fixed when
 * teardown starts) must equal what teardown returns plus what it left to
 * the grant orphans; the closing line says "all memory returned" or
 * "MEMORY LEAK".  What is returned is measured per stretch of teardown
 * work as the heap's growth, less frames of other domains freed meanwhile
 * (grant orphans, zombies), plus this domain's own frames freed since
 * teardown began -- so frames a zombie gives back later count too.  With
 * the consistency auditor enabled (mm_audit), the frame table is audited
 * before and after.
 */
#include <mica/domain.h>
#include <mica/mm.h>
#include <mica/printk.h>
#include <mica/lib.h>
#include <mica/bug.h>
#include <asm/mm_arch.h>
#include <mica/grant_table.h>
#include <mica/errno.h>
#include <mica/iocaps.h>

/* ---- the books ------------------------------------------------------------ */

struct stretch {
    unsigned long heap, orphans, zombies, mine;
};

static void stretch_begin(const struct domain *d, struct stretch *s)
{
    s->heap = heap_free_pages();
    s->orphans = gnttab_orphans_freed();
    s->zombies = zombie_frames_freed;
    s->mine = d->mm_freed_pages;
}

static void stretch_end(struct domain *d, const struct stretch *s)
{
    d->td_others += gnttab_orphans_freed() - s->orphans;
    d->td_returned += (long)(heap_free_pages() - s->heap) -
                      (long)(gnttab_orphans_freed() - s->orphans) -
                      (long)(zombie_frames_freed - s->zombies) -
                      (long)(d->mm_freed_pages - s->mine);
}

/*
 * What the domain took from the heap: everything since its creation if
 * it never started, else what it had at the start plus what it gained
 * since.  Other domains may have come and gone meanwhile, so this, not
 * the heap's level, is what teardown must give back.
 */
static long heap_taken(const struct domain *d)
{
    return d->mm_started
         ? d->mm_taken_at_start + (long)d->tot_pages - (long)d->mm_tot_at_start +
           d->mm_heap_extra - d->mm_extra_at_start
         : d->mm_heap_baseline - ((long)heap_free_pages() - (long)heap_total_pages());
}

/* ---- the stages ------------------------------------------------------------ */

static void audit(const char *fmt, domid_t id)
{
    char when[48];

    if (opt_mm_audit) {
        snprintf(when, sizeof(when), fmt, id);
        mm_audit(when);
    }
}

static void kill(struct domain *d)
{
    d->td_taken = heap_taken(d);
    d->td_freed_at_start = d->mm_freed_pages;
    domain_kill(d);                     /* scheduler, timers, ports (domain.c) */
    audit("d%u before teardown", d->domain_id);
    d->state = DOMSTATE_DYING;
    gnttab_release_mappings(d);         /* what d maps of others (grants) */
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        unsigned long l3;
        if (!v)
            continue;
        arch_vcpu_destroy(v);           /* GDT/LDT frames, FPU (arch) */
        if ((l3 = arch_vcpu_drop_guest_l3(v)))
            put_page_and_type(mfn_to_page(l3));
    }
}

/*
 * Apply fn to every frame on the page list, moving each to relmem_list
 * first (fn may free it: list_del takes it off whichever list it is on).
 * -ERESTART if preemptible and time is up; the frames not yet seen are
 * still on page_list, so the next call goes on from there.
 */
static int walk_frames(struct domain *d, void (*fn)(struct domain *, struct page_info *),
                       bool preemptible)
{
    while (!list_empty(&d->page_list)) {
        struct page_info *pg = list_first_entry(&d->page_list, struct page_info, list);

        list_del(&pg->list);
        list_add_tail(&pg->list, &d->relmem_list);
        fn(d, pg);
        if (preemptible && !list_empty(&d->page_list) && mm_preempt_check())
            return -ERESTART;
    }
    /* Everything walked: back onto the page list, in order. */
    while (!list_empty(&d->relmem_list)) {
        struct list_head *l = d->relmem_list.next;
        list_del(l);
        list_add_tail(l, &d->page_list);
    }
    return 0;
}

static void unpin(struct domain *d, struct page_info *pg)
{
    if (pg->type_info & PGT_pinned) {
        pg->type_info &= ~PGT_pinned;
        put_page_and_type(pg);          /* a table goes onto d's queue */
    }
}

static void abandon(struct domain *d, struct page_info *pg)
{
    mm_abandon_partial(pg);
}

static void drop_descriptor_refs(struct domain *d, struct page_info *pg)
{
    while ((pg->type_info & PGT_type_mask) == PGT_seg_desc_page &&
           (pg->type_info & PGT_count_mask))
        put_page_and_type(pg);
}

static void release_frame(struct domain *d, struct page_info *pg)
{
    bool allocated = pg->count_info & PGC_allocated;

    pg->count_info++;                   /* ours, while we look at it */
    if ((pg->count_info & PGC_count_mask) > 1u + allocated && gnttab_orphan_frame(d, pg)) {
        d->gnt_orphaned++;              /* freed when its last grant mapping goes */
        return;
    }
    if ((pg->count_info & PGC_count_mask) > 1u + allocated) {
        pr_debug("teardown: d%u: mfn %#lx still mapped by another domain (count %#x, "
                 "type %#x): kept until it is unmapped\n", d->domain_id, page_to_mfn(pg),
                 pg->count_info, pg->type_info);
        d->td_kept++;
    }
    if (allocated) {
        pg->count_info &= ~PGC_allocated;
        put_page(pg);
    }
    put_page(pg);                       /* ours: frees the frame if it was the last */
}

static int finish_all_queues(bool preemptible)
{
    struct domain *x;
    int rc;

    for_each_domain(x)
        if ((rc = mm_finish_pending_of(x, preemptible)))
            return rc;
    return 0;
}

/* shared_info goes last: the hypervisor wrote it for the domain's life. */
static void free_shared_info(struct domain *d)
{
    struct page_info *pg = mfn_to_page(d->shared_info_mfn);

    d->shared_info = NULL;
    if (unshare_xen_frame(pg, &dom_grant_orphans)) {
        mm_free_xen_frames(pg, 0);
        return;
    }
    pr_info("teardown: d%u: shared_info is still mapped by another domain: freed when "
            "that mapping goes\n", d->domain_id);
    d->gnt_orphaned++;
}

static void free_structures(struct domain *d)
{
    gnttab_destroy(d);                  /* table frames; mappers forget d */
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        if (!v)
            continue;
        if (current == v)
            current = NULL;
        arch_vcpu_free_pagetable(v);
        xfree_bytes(v, sizeof(*v));
        d->vcpu[i] = NULL;
    }
    d->max_vcpus = 0;
    free_shared_info(d);
    domain_free_e820(d);
    domain_free_iocaps(d);
}

/* The last step: d itself goes, its id can be given again. */
static void release(struct domain *d)
{
    unsigned long before = heap_free_pages();
    unsigned long scrubbed = d->mm_freed_pages - d->td_freed_at_start;
    long taken = d->td_taken, expect = d->mm_heap_baseline + (long)heap_total_pages();
    long returned = d->td_returned + (long)scrubbed, orphaned = (long)d->gnt_orphaned;
    unsigned long others = d->td_others;
    unsigned int id = d->domain_id;

    BUG_ON(d->tot_pages || !list_empty(&d->page_list) || !list_empty(&d->relmem_list));
    list_del(&d->domain_list);
    xfree_bytes(d, sizeof(*d));
    returned += (long)(heap_free_pages() - before);
    pr_info("teardown: d%u freed %ld pages of the %ld it took (%lu of its frames scrubbed); "
            "free memory %lu pages (before build: %ld): %s\n", id, returned, taken,
            scrubbed, heap_free_pages(), expect,
            returned + orphaned == taken ? "all memory returned" : "MEMORY LEAK");
    if (orphaned || others)
        pr_info("teardown: d%u: %ld frames kept alive by other domains' grant mappings, "
                "%lu orphaned grant frames of dead granters released\n", id, orphaned, others);
    audit("after d%u teardown", id);
    if (hardware_domain())
        send_guest_global_virq(hardware_domain(), VIRQ_DOM_EXC);
}

int domain_teardown(struct domain *d, bool preemptible)
{
    struct stretch s;
    int rc = 0;

    if (d->teardown >= TD_ZOMBIE)
        return 0;
    stretch_begin(d, &s);
    if (d->teardown == TD_ALIVE) {
        kill(d);
        d->teardown = TD_UNPIN;
    }
    for (;;) {
        switch (d->teardown) {
        case TD_UNPIN:       rc = walk_frames(d, unpin, preemptible); break;
        case TD_PENDING:     rc = finish_all_queues(preemptible); break;
        case TD_ABANDON:     rc = walk_frames(d, abandon, preemptible); break;
        case TD_DEVALIDATE:  rc = mm_finish_pending_of(d, preemptible); break;
        case TD_DESCRIPTORS: rc = walk_frames(d, drop_descriptor_refs, preemptible); break;
        case TD_FREE:        rc = walk_frames(d, release_frame, preemptible); break;
        default:             BUG();
        }
        if (rc)
            break;
        if (d->teardown == TD_FREE)
            break;
        d->teardown++;
        if (preemptible && mm_preempt_check()) {
            rc = -ERESTART;
            break;
        }
    }
    if (rc) {
        stretch_end(d, &s);
        return rc;
    }

    free_structures(d);
    d->teardown = TD_ZOMBIE;
    stretch_end(d, &s);
    domain_notify_exc(d);               /* dying -> dead */
    if (d->tot_pages == 0) {
        release(d);
        return 0;
    }
    pr_info("teardown: d%u: %lu frames are still mapped by other domains: it stays, "
            "dying, until they are unmapped\n", d->domain_id, d->tot_pages);
    audit("d%u dying, its frames mapped by others", d->domain_id);
    return 0;
}

void domain_destroy(struct domain *d)
{
    int rc = domain_teardown(d, false);

    BUG_ON(rc);
}

void domain_reap_zombies(void)
{
    struct list_head *pos, *tmp;

    list_for_each_safe(pos, tmp, &domain_list) {
        struct domain *d = list_entry(pos, struct domain, domain_list);
        if (d->teardown == TD_ZOMBIE && d->tot_pages == 0)
            release(d);
    }
}
