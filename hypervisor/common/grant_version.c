/*
 * Grant tables: growth, the version switch, status frames, swapping
 * entries.
 *
 * Growth.  A table is born with GNTTAB_INITIAL_FRAMES frames; setup_table
 * may ask for up to max_frames (gnttab_max_frames=, Xen's option and
 * default, 64).  Each new frame is a hypervisor page shared with the
 * domain the way shared_info is (share_xen_frame: a permanent writable
 * type reference, so it can never become a page table), and comes with a
 * chunk of active entries.  In version 2 the status frames grow with it:
 * one per 8 table frames.  Whatever the table takes after the domain
 * started is counted in d->mm_heap_extra, so teardown's accounting stays
 * exact.
 *
 * The version switch (GNTTABOP_set_version), with current Xen's rules:
 *
 *   - 1 and 2 only (-EINVAL); the same version again is a no-op;
 *   - refused with -EBUSY while any entry from 8 up is pinned (mapped, or
 *     in a copy): a mapping would otherwise outlive the format it was
 *     made under.  Entries 0-7 are the toolstack's (console, xenstore)
 *     and may stay mapped: they are carried across, converted --
 *     including the GTF_reading / GTF_writing bits, which move between
 *     flags and the status word;
 *   - 2 -> 1 is refused with -ERANGE if a reserved entry cannot be said in
 *     version 1 (transitive, or a frame above 2^32: the XSA-226 class),
 *     and with -EBUSY while a status frame is still mapped by anyone (the
 *     XSA-255 class: freeing it would leave the guest a mapping of freed
 *     hypervisor memory).  Everything is checked before anything changes;
 *   - 1 -> 2 allocates the status frames (-ENOMEM changes nothing);
 *   - every other entry is zeroed.  The version in force is written back
 *     to the caller in every case.
 *
 * swap_grant_ref exchanges two entries (and in v2 their status words):
 * refs past the table are GNTST_bad_gntref, a pinned one GNTST_eagain.
 *
 * dump_table prints a table on the hypervisor console (a debugging aid,
 * as Xen's): its version and size, then every entry in use -- pinned --
 * with its grantee, pin counts and frame.
 *
 * No preemption: the work is bounded by the table's size (max_frames).
 */
#include <mica/grant_table.h>
#include <mica/domain.h>
#include <mica/mm.h>
#include <mica/errno.h>
#include <mica/lib.h>
#include <mica/printk.h>
#include <asm/page.h>
#include <asm/mm_arch.h>

#define ACTIVE_CHUNK_BYTES (GNTTAB_V1_ENTRIES_PER_FRAME * sizeof(struct active_grant))

static unsigned int status_frames_for(unsigned int frames)
{
    return (frames * GNTTAB_V2_ENTRIES_PER_FRAME + GNTTAB_STATUS_PER_FRAME - 1) /
           GNTTAB_STATUS_PER_FRAME;
}

/* A zeroed hypervisor page shared with d; 0 when out of memory. */
static unsigned long alloc_shared_frame(struct domain *d)
{
    struct page_info *pg = mm_alloc_xen_frames(0);

    if (!pg)
        return 0;
    share_xen_frame(pg, d);
    d->mm_heap_extra++;
    return page_to_mfn(pg);
}

void gnttab_free_shared_frame(struct domain *d, unsigned long mfn, const char *what)
{
    struct page_info *pg = mfn_to_page(mfn);

    d->mm_heap_extra--;
    if (unshare_xen_frame(pg, &dom_grant_orphans)) {
        mm_free_xen_frames(pg, 0);
        return;
    }
    pr_info("grant: d%u: %s frame %#lx is still mapped by another domain: "
            "freed when that mapping goes\n", d->domain_id, what, mfn);
    d->gnt_orphaned++;
}

static int grow_status(struct domain *d, unsigned int nr_table_frames)
{
    struct grant_table *gt = d->grant;
    unsigned int want = status_frames_for(nr_table_frames);

    while (gt->nr_status < want) {
        unsigned long mfn = alloc_shared_frame(d);
        if (!mfn)
            return -ENOMEM;
        gt->status_mfn[gt->nr_status] = mfn;
        gt->status[gt->nr_status] = map_frame(mfn);
        gt->nr_status++;
    }
    return 0;
}

int gnttab_grow(struct domain *d, unsigned int nr)
{
    struct grant_table *gt = d->grant;

    if (nr > gt->max_frames)
        return -EINVAL;
    while (gt->nr_alloc < nr) {
        unsigned int i = gt->nr_alloc;
        struct active_grant *act = domain_xzalloc(d, ACTIVE_CHUNK_BYTES);
        unsigned long mfn;

        if (!act)
            return -ENOMEM;
        if (!(mfn = alloc_shared_frame(d))) {
            domain_xfree(d, act, ACTIVE_CHUNK_BYTES);
            return -ENOMEM;
        }
        gt->active[i] = act;
        gt->frame_mfn[i] = mfn;
        gt->shared[i] = map_frame(mfn);
        gt->nr_alloc++;
    }
    return gt->version == 2 ? grow_status(d, nr) : 0;
}

void gnttab_free_status(struct domain *d)
{
    struct grant_table *gt = d->grant;

    while (gt->nr_status) {
        gt->nr_status--;
        gnttab_free_shared_frame(d, gt->status_mfn[gt->nr_status], "status");
        gt->status[gt->nr_status] = NULL;
        gt->status_mfn[gt->nr_status] = 0;
    }
}

/* Is a status frame referenced beyond its sharing (mapped by someone)? */
static bool status_in_use(const struct grant_table *gt)
{
    for (unsigned int i = 0; i < gt->nr_status; i++)
        if ((mfn_to_page(gt->status_mfn[i])->count_info & PGC_count_mask) != 1)
            return true;
    return false;
}

/* One reserved entry in neutral form: flags with the status bits in. */
struct reserved { uint16_t flags; domid_t domid; uint64_t frame; };

long gnttab_set_version(struct domain *d, unsigned int version)
{
    struct grant_table *gt = d->grant;
    struct reserved keep[GNTTAB_NR_RESERVED_ENTRIES];
    unsigned int nres = gnttab_nr_entries(gt) < GNTTAB_NR_RESERVED_ENTRIES
                      ? gnttab_nr_entries(gt) : GNTTAB_NR_RESERVED_ENTRIES;

    if (version != 1 && version != 2)
        return -EINVAL;
    if (version > opt_gnttab_max_version)
        return -ENOSYS;                 /* gnttab=max-ver:1: "as before set_version" */
    if (version == gt->version)
        return 0;
    for (grant_ref_t r = GNTTAB_NR_RESERVED_ENTRIES; r < gnttab_nr_entries(gt); r++)
        if (gnttab_pinned(gnttab_active(gt, r)))
            return -EBUSY;

    memset(keep, 0, sizeof(keep));
    for (grant_ref_t r = 0; r < nres; r++) {
        if (gt->version == 1) {
            const grant_entry_v1_t *e = gnttab_entry_v1(gt, r);
            keep[r] = (struct reserved){ e->flags, e->domid, e->frame };
            continue;
        }
        const grant_entry_v2_t *e = gnttab_entry_v2(gt, r);
        switch (e->hdr.flags & GTF_type_mask) {
        case GTF_permit_access:
            if (e->full_page.frame >> 32)
                return -ERANGE;
            keep[r] = (struct reserved){ (uint16_t)(e->hdr.flags | *gnttab_status(gt, r)),
                                         e->hdr.domid, e->full_page.frame };
            break;
        case GTF_transitive:
            return -ERANGE;
        default:
            break;                          /* not carried over */
        }
    }
    if (gt->version == 2 && status_in_use(gt))
        return -EBUSY;
    if (version == 2 && grow_status(d, gt->nr_alloc))
        return -ENOMEM;                     /* the frames made so far stay, unused */

    /* Committed: nothing below fails. */
    if (version == 1)
        gnttab_free_status(d);
    for (unsigned int i = 0; i < gt->nr_alloc; i++)
        clear_page(gt->shared[i]);
    for (unsigned int i = 0; i < gt->nr_status; i++)
        clear_page(gt->status[i]);
    gt->version = version;
    for (grant_ref_t r = 0; r < nres; r++) {
        if (version == 1) {
            grant_entry_v1_t *e = gnttab_entry_v1(gt, r);
            e->frame = (uint32_t)keep[r].frame;
            e->domid = keep[r].domid;
            e->flags = keep[r].flags;
        } else {
            grant_entry_v2_t *e = gnttab_entry_v2(gt, r);
            *gnttab_status(gt, r) = keep[r].flags & (GTF_reading | GTF_writing);
            e->full_page.frame = keep[r].frame;
            e->hdr.domid = keep[r].domid;
            e->hdr.flags = keep[r].flags & ~(GTF_reading | GTF_writing);
        }
    }
    return 0;
}

int gnttab_swap(struct domain *d, grant_ref_t a, grant_ref_t b)
{
    struct grant_table *gt = d->grant;

    if (a >= gnttab_nr_entries(gt) || b >= gnttab_nr_entries(gt))
        return GNTST_bad_gntref;
    if (a == b)
        return GNTST_okay;
    if (gnttab_pinned(gnttab_active(gt, a)) || gnttab_pinned(gnttab_active(gt, b)))
        return GNTST_eagain;
    if (gt->version == 1) {
        grant_entry_v1_t *x = gnttab_entry_v1(gt, a), *y = gnttab_entry_v1(gt, b), t = *x;
        *x = *y;
        *y = t;
    } else {
        grant_entry_v2_t *x = gnttab_entry_v2(gt, a), *y = gnttab_entry_v2(gt, b), t = *x;
        grant_status_t *sx = gnttab_status(gt, a), *sy = gnttab_status(gt, b), ts = *sx;
        *x = *y;
        *y = t;
        *sx = *sy;
        *sy = ts;
    }
    return GNTST_okay;
}

void gnttab_dump(struct domain *d)
{
    struct grant_table *gt = d->grant;
    unsigned int n = 0;

    pr_info("grant table of d%u: version %u, %u of %u frames set up, %u mappings held\n",
            d->domain_id, gt->version, gt->nr_frames, gt->max_frames, gt->maptrack_used);
    for (grant_ref_t r = 0; r < gnttab_nr_entries(gt); r++) {
        const struct active_grant *act = gnttab_active(gt, r);
        if (!gnttab_pinned(act))
            continue;
        pr_info("  ref %u: d%u, %u ro + %u rw pins, frame %#x%s\n", r, act->domid,
                act->pin_ro, act->pin_rw, act->frame, act->transitive ? " (transitive)" : "");
        n++;
    }
    pr_info("grant table of d%u: %u entries in use\n", d->domain_id, n);
}

void gnttab_count(struct domain *d, struct gnttab_counts *c)
{
    struct grant_table *gt = d->grant;

    if (!gt)
        return;
    for (grant_ref_t r = 0; r < gnttab_nr_entries(gt); r++) {
        uint16_t flags = gt->version == 2 ? gnttab_entry_v2(gt, r)->hdr.flags
                                          : gnttab_entry_v1(gt, r)->flags;
        if ((flags & GTF_type_mask) != GTF_invalid)
            c->entries++;
        if (gnttab_pinned(gnttab_active(gt, r)))
            c->pins++;
    }
    c->maptrack += gt->maptrack_used;
    c->maptrack_frames += gt->maptrack_frames;
    c->frames += gt->nr_alloc + gt->nr_status;
}
