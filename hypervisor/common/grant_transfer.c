/*
 * GNTTABOP_transfer: giving a page to another domain.
 *
 * The oldest way PV domains moved data: the receiver (a netfront of the
 * page-flipping era) writes an entry {GTF_accept_transfer, donor's domid,
 * a PFN of its own that has no frame behind it} and the donor hands over
 * a whole frame, which becomes the receiver's -- no copy, no mapping.
 * Xen still offers it to PV guests, so Mica does, with Xen's order of
 * events and its results, which are not all kind to the donor:
 *
 *   1. the frame must be the caller's, a real guest frame (not hypervisor
 *      memory such as shared_info or a grant-table frame), and used by
 *      nothing but its allocation: no mapping anywhere (its own, foreign
 *      or grant), no type, no pin -- else GNTST_bad_page and nothing
 *      happened;
 *   2. then it is taken from the donor (it leaves the donor's page count
 *      and M2P), and from here on a failure frees it: the donor loses the
 *      page, as on Xen -- receiver unknown (GNTST_bad_domain), dying, out
 *      of headroom (tot_pages at max_pages), or an entry that is not an
 *      offer from this donor (GNTST_general_error);
 *   3. the receiver's entry is committed (GTF_transfer_committed, by a
 *      compare-and-exchange that checks the flags are exactly
 *      GTF_accept_transfer and the domid the donor's), the frame becomes
 *      the receiver's, its M2P entry is set to the PFN the receiver wrote
 *      in the entry, the entry's frame field is overwritten with the MFN,
 *      and only then GTF_transfer_completed is set.
 *
 * The donor may still have a stale translation of the frame (it unmapped
 * it without a flush, as the PV contract allows): the TLB is flushed as
 * soon as the frame is stolen, so nothing of the donor's reaches the page
 * once it is the receiver's.  A CR3 reload per page: transfer is nobody's
 * hot path, and one flush per batch would have to survive every early
 * exit of the batch.  The frame keeps
 * its contents (that is the point); a frame that fails is scrubbed.
 *
 * Limits: a 32-bit guest's entry holds a 32-bit frame number, and every
 * frame Mica gives a guest has one, so Xen's GNTST_address_too_big (a
 * frame above what the receiver can address, copied to a lower one)
 * cannot arise.  The privilege hook has no say: Xen's default policy
 * allows any domain to offer a page to any other that asked for it.
 */
#include <mica/grant_table.h>
#include <mica/domain.h>
#include <mica/mm.h>
#include <mica/printk.h>
#include <asm/mm_arch.h>
#include <asm/m2p.h>

static grant_entry_header_t *entry_header(struct grant_table *gt, grant_ref_t ref)
{
    return gt->version == 2 ? &gnttab_entry_v2(gt, ref)->hdr
                            : (grant_entry_header_t *)gnttab_entry_v1(gt, ref);
}

/* Write the frame number into the receiver's entry, return the PFN the
 * receiver had put there (its P2M slot for the page). */
static uint32_t entry_swap_frame(struct grant_table *gt, grant_ref_t ref, unsigned long mfn)
{
    uint32_t pfn;

    if (gt->version == 2) {
        grant_entry_v2_t *e = gnttab_entry_v2(gt, ref);
        pfn = (uint32_t)__atomic_load_n(&e->full_page.frame, __ATOMIC_ACQUIRE);
        __atomic_store_n(&e->full_page.frame, (uint64_t)mfn, __ATOMIC_RELEASE);
    } else {
        grant_entry_v1_t *e = gnttab_entry_v1(gt, ref);
        pfn = __atomic_load_n(&e->frame, __ATOMIC_ACQUIRE);
        __atomic_store_n(&e->frame, (uint32_t)mfn, __ATOMIC_RELEASE);
    }
    return pfn;
}

/* After the steal: the receiver's checks; GNTST_okay once it owns pg. */
static int give(struct domain *d, struct domain *e, struct page_info *pg, grant_ref_t ref)
{
    if (e->is_dying || e->teardown != TD_ALIVE || !e->grant) {
        pr_debug("gnttab: transfer from d%u: d%u is dying\n", d->domain_id, e->domain_id);
        return GNTST_general_error;
    }
    if (e->tot_pages >= e->max_pages) {
        pr_debug("gnttab: transfer from d%u: d%u has no headroom (%lu of %lu)\n",
                 d->domain_id, e->domain_id, e->tot_pages, e->max_pages);
        return GNTST_general_error;
    }
    if (ref >= gnttab_nr_entries(e->grant) ||
        gnttab_commit_transfer(entry_header(e->grant, ref), d->domain_id) != GNTST_okay) {
        pr_debug("gnttab: transfer from d%u: d%u ref %u offers no transfer to it\n",
                 d->domain_id, e->domain_id, ref);
        return GNTST_general_error;
    }
    mm_give_stolen_frame(e, pg);
    m2p_set(page_to_mfn(pg), entry_swap_frame(e->grant, ref, page_to_mfn(pg)));
    gnttab_complete_transfer(entry_header(e->grant, ref));
    return GNTST_okay;
}

void gnttab_transfer(struct gnttab_transfer *op)
{
    struct domain *d = current_domain(), *e;
    unsigned long mfn = op->mfn;
    struct page_info *pg;

    if (!mfn_valid(mfn) || (mfn_to_page(mfn)->count_info & PGC_xen_heap) ||
        !mm_frame_stealable(d, mfn)) {
        op->status = GNTST_bad_page;
        return;
    }
    pg = mfn_to_page(mfn);
    mm_steal_frame(d, pg);
    flush_guest_tlb();
    e = domain_lookup(op->domid);
    if (!e) {
        op->status = GNTST_bad_domain;
    } else {
        op->status = (int16_t)give(d, e, pg, op->ref);
        if (op->status == GNTST_okay)
            return;
    }
    mm_free_stolen_frame(pg, d);                /* the donor lost it, as on Xen */
}
