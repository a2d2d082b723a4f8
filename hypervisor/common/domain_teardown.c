/*
 * Domain teardown: a domain that will never run again gives back every
 * frame it owns, and every frame it gives back is scrubbed.
 *
 * What a dead domain still holds is exactly what page_type.c counts, so
 * teardown is the reference rules run backwards, in an order that makes
 * the last general reference of each frame go last:
 *
 *   1. a temporary reference on every frame the domain owns, so nothing is
 *      freed while we walk its page list (dropping a table reference can
 *      release a whole tree);
 *   2. every vCPU lets go of its L3 (its CR3 reference) -- after moving the
 *      CPU onto the idle tables if that vCPU's are loaded;
 *   3. every pin is dropped;
 *   4. the devalidation queue is worked off, then any validation the guest
 *      left half done is undone the same way: every table is untyped now,
 *      and every reference held by a table entry is gone;
 *   5. descriptor-page references (the domain's own GDT/LDT frames, taken
 *      by gdt_ldt.c with get_page_and_type) die with it;
 *   6. the allocation reference and the temporary one are dropped: each
 *      frame's count reaches zero, and free_domheap_page() scrubs it, marks
 *      its M2P entry invalid and returns it to the heap;
 *   7. shared_info, the vCPUs' top-level tables and the structures go.
 *      The frames the hypervisor shared with the domain (shared_info, the
 *      grant-table frames) are on no page list: they lose their allocation
 *      and their permanent writable reference here (unshare_xen_frame),
 *      and one a privileged domain still maps passes to dom_grant_orphans
 *      like a granted frame -- never "kept" with an owner that is gone.
 *
 * Grants (docs/grants.md): before step 1 the domain's own
 * grant mappings of other domains' frames are released; in step 6 a frame
 * whose only other references are grant mappings by others passes to
 * dom_grant_orphans (freed when its last mapping goes, counted as "kept
 * alive" in the closing line); after step 6 the grant table goes.
 *
 * Any other frame that still has references after step 6 is held by someone
 * else: it is not freed -- that would hand out memory
 * somebody can still reach -- but reported, and the heap check below shows
 * it.  Then the heap must be back exactly where it was before the domain
 * was created (free minus total, so memory added later, like freed boot
 * modules, does not count), which is what the closing line reports.
 *
 * Teardown runs in hypervisor context, not preemptibly: a domain's tables
 * hold at most about a million references, and the domain is gone.  With
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

#define for_each_page(pg, pos, d) \
    for ((pos) = (d)->page_list.next; \
         (pos) != &(d)->page_list && ((pg) = list_entry((pos), struct page_info, list)); \
         (pos) = (pos)->next)

/* Returns the number of frames that could not be freed. */
static unsigned long relinquish_memory(struct domain *d)
{
    struct list_head *pos, *tmp;
    struct page_info *pg;
    unsigned long stuck = 0;

    for_each_page(pg, pos, d)
        pg->count_info++;

    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        unsigned long l3 = v ? arch_vcpu_drop_guest_l3(v) : 0;
        if (l3)
            put_page_and_type(mfn_to_page(l3));
    }
    for_each_page(pg, pos, d) {
        if (pg->type_info & PGT_pinned) {
            pg->type_info &= ~PGT_pinned;
            put_page_and_type(pg);
        }
    }
    mm_finish_all_pending();            /* others' queued tables may hold our frames */
    for_each_page(pg, pos, d)
        mm_abandon_partial(pg);
    mm_finish_pending_of(d, false);

    for_each_page(pg, pos, d) {
        while ((pg->type_info & PGT_type_mask) == PGT_seg_desc_page &&
               (pg->type_info & PGT_count_mask))
            put_page_and_type(pg);
    }

    list_for_each_safe(pos, tmp, &d->page_list) {
        pg = list_entry(pos, struct page_info, list);
        if ((pg->count_info & PGC_count_mask) > 1u + !!(pg->count_info & PGC_allocated) &&
            gnttab_orphan_frame(d, pg)) {
            d->gnt_orphaned++;          /* freed when its last mapping goes */
            continue;
        }
        if ((pg->count_info & PGC_count_mask) > 1u + !!(pg->count_info & PGC_allocated)) {
            pr_err("teardown: d%u: mfn %#lx still referenced (count %#x, type %#x): kept\n",
                   d->domain_id, page_to_mfn(pg), pg->count_info, pg->type_info);
            list_del(&pg->list);        /* leaked, but never handed out again */
            pg->owner = NULL;
            d->tot_pages--;
            stuck++;
            continue;
        }
        if (pg->count_info & PGC_allocated) {
            pg->count_info &= ~PGC_allocated;
            put_page(pg);
        }
        put_page(pg);                   /* the temporary one: frees the frame */
    }
    BUG_ON(d->tot_pages != 0 || !list_empty(&d->page_list));
    return stuck;
}

/* shared_info goes last: the hypervisor wrote it for the domain's life. */
static void free_shared_info(struct domain *d)
{
    struct page_info *pg = mfn_to_page(d->shared_info_mfn);

    if (unshare_xen_frame(pg, &dom_grant_orphans)) {
        mm_free_xen_frames(pg, 0);
        return;
    }
    pr_info("teardown: d%u: shared_info is still mapped by another domain: freed when "
            "that mapping goes\n", d->domain_id);
    d->gnt_orphaned++;
}

void domain_destroy(struct domain *d)
{
    unsigned long free_before = heap_free_pages(), stuck, scrubbed, orphaned;
    unsigned long orphans_freed_before = gnttab_orphans_freed();
    long baseline = d->mm_heap_baseline, expect;
    unsigned int id = d->domain_id;
    char when[48];

    /*
     * What the domain took from the heap: everything since its creation if
     * it never started, else what it had at the start plus what it gained
     * since (memory_op).  Other domains may have come and gone meanwhile,
     * so this, not the heap's level, is what teardown must give back.
     */
    long taken = d->mm_started
               ? d->mm_taken_at_start + (long)d->tot_pages - (long)d->mm_tot_at_start +
                 d->mm_heap_extra - d->mm_extra_at_start
               : baseline - ((long)heap_free_pages() - (long)heap_total_pages());

    domain_kill(d);                     /* scheduler, timers, ports (domain.c) */
    if (opt_mm_audit) {
        snprintf(when, sizeof(when), "d%u before teardown", id);
        mm_audit(when);
    }
    d->state = DOMSTATE_DYING;
    gnttab_release_mappings(d);         /* what d maps of others (grants) */
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            arch_vcpu_destroy(d->vcpu[i]);  /* GDT/LDT frames, FPU (arch) */
    stuck = relinquish_memory(d);
    gnttab_destroy(d);                  /* table frames; mappers forget d */
    scrubbed = d->mm_freed_pages;
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        if (!v)
            continue;
        if (current == v)
            current = NULL;
        arch_vcpu_free_pagetable(v);
        xfree_bytes(v, sizeof(*v));
    }
    free_shared_info(d);
    orphaned = d->gnt_orphaned;
    domain_free_e820(d);
    list_del(&d->domain_list);
    xfree_bytes(d, sizeof(*d));

    expect = baseline + (long)heap_total_pages();
    /* Orphaned grant frames of other (dead) granters that our mappings
     * kept alive were freed with us: they are not ours to count. */
    long others = (long)(gnttab_orphans_freed() - orphans_freed_before);
    long freed = (long)(heap_free_pages() - free_before) - others;
    pr_info("teardown: d%u freed %ld pages of the %ld it took (%lu of its frames scrubbed); "
            "free memory %lu pages (before build: %ld): %s\n", id, freed, taken,
            scrubbed, heap_free_pages(), expect,
            freed + (long)orphaned == taken && !stuck ? "all memory returned" : "MEMORY LEAK");
    if (orphaned || others)
        pr_info("teardown: d%u: %lu frames kept alive by other domains' grant mappings, "
                "%ld orphaned grant frames of dead granters released\n", id, orphaned, others);
    if (opt_mm_audit) {
        snprintf(when, sizeof(when), "after d%u teardown", id);
        mm_audit(when);
    }
}
