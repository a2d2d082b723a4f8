/*
 * Grant tables: who may map or copy which frame of whom, and the
 * references that make it safe.
 *
 * Each domain gets, at creation, GNTTAB_INITIAL_FRAMES hypervisor pages
 * for its grant entries with their chunks of active entries (our copy of
 * every entry in use, grant_entry.c), and a maptrack table (the mappings
 * it holds as a mapper).  setup_table hands out the frames' MFNs and
 * grows the table up to the domain's max_frames (grant_version.c, which
 * also owns the version switch and v2's status frames).  Every operation
 * reads the granter's entries in the granter's version: a v1 domain maps
 * a v2 domain's grants and the other way round.
 *
 * Mapping (GNTTABOP_map_grant_ref) validates everything before it writes:
 * the granter exists and is alive, the ref is inside the set-up table, a
 * maptrack slot is free, the PTE location (a VA of the caller's current
 * tables, or with GNTMAP_contains_pte the 8-byte-aligned machine address
 * of an entry in one of the caller's validated L1 tables) holds no
 * mapping; then it pins the entry (flags), takes a general reference on
 * the frame *against the granter* -- which also proves the granter owns
 * it -- and, for a read-write map, a writable type reference, so a frame
 * that is a page table or descriptor page can never be granted writable
 * (page_type.c's one-type rule).  Only then is the PTE written, marked
 * _PAGE_GNTTAB.  The maptrack entry holds those references; the PTE holds
 * none, and the ordinary PTE paths (mmu_update, update_va_mapping, the
 * writable-page-table assist) refuse to change it: only unmap can.
 *
 * Unmap checks the handle, that the address given is the one mapped, that
 * the table is still a validated L1 of the caller and that the PTE still
 * maps the granted frame; then clears it and drops the references.  The
 * caller (grant_table_op.c) flushes the TLB once per batch before
 * returning to any guest, so no stale translation survives the call.
 *
 * unmap_and_replace (PV, as Xen): instead of clearing the grant PTE it
 * moves there the PTE that maps new_addr in the caller's current tables,
 * and clears that one; the references the moved entry holds move with
 * it.  new_addr 0 is a plain unmap; the GNTMAP_contains_pte form and a
 * new_addr that is itself a grant mapping are refused.
 *
 * Copy pins each grant side for the duration of the copy, takes a
 * reference (writable type for the destination), checks the offsets and
 * length stay inside one page -- and, for a v2 sub-page grant, inside the
 * window granted -- copies, and lets go.  A v2 transitive grant (copy
 * only, never mapped) is followed once: the granter's entry names another
 * domain's grant made out to the granter, which is pinned in turn and
 * supplies the frame and window; a transitive grant naming a transitive
 * grant is refused (Xen's rule since XSA-226's time: one level).
 *
 * Teardown: a dying *mapper* unmaps everything it holds
 * (gnttab_release_mappings, before its memory goes).  A dying *granter*
 * cannot take back frames others still map: each such frame passes to the
 * pseudo-domain dom_grant_orphans (it stays counted, off the granter's
 * books) and is freed like any frame when the last mapping's reference
 * goes; mappers' maptrack entries forget the granter (gnttab_destroy).
 */
#include <mica/grant_table.h>
#include <mica/domain.h>
#include <mica/mm.h>
#include <mica/mm_ops.h>
#include <mica/pt_rules.h>
#include <mica/errno.h>
#include <mica/lib.h>
#include <mica/printk.h>
#include <mica/cmdline.h>
#include <asm/page.h>
#include <asm/mm_arch.h>

unsigned int opt_gnttab_max_frames = GNTTAB_DEFAULT_MAX_FRAMES;
unsigned int opt_gnttab_max_maptrack_frames = GNTTAB_DEFAULT_MAPTRACK_FRAMES;
unsigned int opt_gnttab_max_version = 2;
bool opt_gnttab_transitive = true, opt_gnttab_transfer = true;

/* One item of gnttab=: "name", "no-name" or "name=bool" into *b. */
static bool bool_item(const char *item, size_t n, const char *name, bool *b)
{
    size_t l = strlen(name);
    char val[8];

    if (n == l && !memcmp(item, name, l)) {
        *b = true;
        return true;
    }
    if (n == l + 3 && !memcmp(item, "no-", 3) && !memcmp(item + 3, name, l)) {
        *b = false;
        return true;
    }
    if (n > l + 1 && n - l - 1 < sizeof(val) && !memcmp(item, name, l) && item[l] == '=') {
        memcpy(val, item + l + 1, n - l - 1);
        val[n - l - 1] = '\0';
        int v = cmdline_bool(val);
        if (v < 0)
            return false;
        *b = v;
        return true;
    }
    return false;
}

int gnttab_parse_opt(const char *s)
{
    unsigned int ver = opt_gnttab_max_version;
    bool trans = opt_gnttab_transitive, xfer = opt_gnttab_transfer;

    if (!*s)
        return -1;
    while (*s) {
        const char *end = strchr(s, ',');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        if (n == 9 && !memcmp(s, "max-ver:", 8) && (s[8] == '1' || s[8] == '2'))
            ver = (unsigned int)(s[8] - '0');
        else if (!bool_item(s, n, "transitive", &trans) && !bool_item(s, n, "transfer", &xfer))
            return -1;
        s += n;
        if (*s == ',' && !*++s)
            return -1;                  /* a trailing comma */
    }
    opt_gnttab_max_version = ver;
    opt_gnttab_transitive = trans;
    opt_gnttab_transfer = xfer;
    return 0;
}

static int maptrack_grow(struct domain *d);

int gnttab_init(struct domain *d)
{
    struct grant_table *gt = xzalloc_bytes(sizeof(*gt));

    if (!gt)
        return -ENOMEM;
    d->grant = gt;
    gt->version = 1;
    gt->max_frames = opt_gnttab_max_frames;
    if (gt->max_frames < GNTTAB_INITIAL_FRAMES || gt->max_frames > GNTTAB_MAX_FRAMES_LIMIT)
        gt->max_frames = GNTTAB_DEFAULT_MAX_FRAMES;
    gt->max_maptrack_frames = opt_gnttab_max_maptrack_frames;
    gt->maptrack_free = GNTTAB_MAPTRACK_NONE;
    gt->maptrack = xzalloc_bytes(gt->max_maptrack_frames * sizeof(*gt->maptrack));
    if (!gt->maptrack || maptrack_grow(d))      /* the first page comes with the table */
        return -ENOMEM;
    return gnttab_grow(d, GNTTAB_INITIAL_FRAMES);
}

/* One more page of maptrack entries, counted as the domain's
 * (domain_xzalloc), on the free list.  -ENOSPC at the limit, -ENOMEM. */
static int maptrack_grow(struct domain *d)
{
    struct grant_table *gt = d->grant;
    unsigned int f = gt->maptrack_frames, per = (unsigned int)GNTTAB_MAPTRACK_PER_FRAME;
    struct maptrack *page;

    if (f == gt->max_maptrack_frames)
        return -ENOSPC;
    if (!(page = domain_xzalloc(d, per * sizeof(struct maptrack))))
        return -ENOMEM;
    for (unsigned int i = 0; i < per; i++)
        page[i].next_free = i + 1 < per ? f * per + i + 1 : gt->maptrack_free;
    gt->maptrack[f] = page;
    gt->maptrack_frames = f + 1;
    gt->maptrack_free = f * per;
    return 0;
}

/* A free maptrack entry and its handle: the free list's head, or one of
 * a new page (Xen's get_maptrack_handle).  NULL when the domain is at
 * its limit or memory runs out. */
static struct maptrack *maptrack_get(struct domain *d, unsigned int *handle)
{
    struct grant_table *gt = d->grant;

    if (gt->maptrack_free == GNTTAB_MAPTRACK_NONE && maptrack_grow(d))
        return NULL;
    *handle = gt->maptrack_free;
    struct maptrack *m = gnttab_maptrack(gt, *handle);
    gt->maptrack_free = m->next_free;
    return m;
}

/* Handle h of gt if it names a mapping in use, else NULL. */
static struct maptrack *maptrack_lookup(struct grant_table *gt, uint32_t h)
{
    if (h >= gnttab_maptrack_limit(gt))
        return NULL;
    struct maptrack *m = gnttab_maptrack(gt, h);
    return m->in_use ? m : NULL;
}

int gnttab_setup(struct domain *d, uint32_t nr_frames, unsigned long *mfns)
{
    struct grant_table *gt = d->grant;

    if (!gt || nr_frames > gt->max_frames || gnttab_grow(d, nr_frames))
        return GNTST_general_error;
    for (uint32_t i = 0; i < nr_frames; i++)
        mfns[i] = gt->frame_mfn[i];
    if (nr_frames > gt->nr_frames)
        gt->nr_frames = nr_frames;
    return GNTST_okay;
}

static grant_entry_v1_t *shared_entry(struct grant_table *gt, grant_ref_t ref)
{
    return gnttab_entry_v1(gt, ref);
}

/*
 * What Xen's domain builder does after building a domain (xc_dom_boot's
 * grant seeding): table frame 0 set up, and the reserved entries
 * GNTTAB_RESERVED_CONSOLE and GNTTAB_RESERVED_XENSTORE granting the
 * backend domain access to the console and xenstore ring pages, so the
 * console daemon and xenstored can map them by grant (and learn their
 * frames).  Only at build time, before the domain runs (version 1): frame
 * and domid first, the flags last, as a granter writes an entry.
 */
void gnttab_seed_reserved(struct domain *d, domid_t backend, unsigned long console_mfn,
                          unsigned long store_mfn)
{
    struct grant_table *gt = d->grant;
    grant_entry_v1_t *e;

    if (!gt->nr_frames)
        gt->nr_frames = 1;
    e = shared_entry(gt, GNTTAB_RESERVED_CONSOLE);
    e->domid = backend;
    e->frame = (uint32_t)console_mfn;
    e->flags = GTF_permit_access;
    e = shared_entry(gt, GNTTAB_RESERVED_XENSTORE);
    e->domid = backend;
    e->frame = (uint32_t)store_mfn;
    e->flags = GTF_permit_access;
}

/* The live granter rd names (GNTST_bad_domain / bad_gntref otherwise). */
static int lookup_grant(struct domain *ld, domid_t id, grant_ref_t ref, bool self_ok,
                        struct domain **rd)
{
    struct domain *d = (id == DOMID_SELF && self_ok) ? ld : domain_lookup(id);

    if (!d || d->is_dying || domain_is_dead(d) || !d->grant)
        return GNTST_bad_domain;
    if (ref >= gnttab_nr_entries(d->grant))
        return GNTST_bad_gntref;
    *rd = d;
    return GNTST_okay;
}

/* Pin ref of rd for ld in rd's version (kinds: GNTPIN_*, v2 only). */
static int pin(struct domain *ld, struct domain *rd, grant_ref_t ref, bool write,
               unsigned int kinds)
{
    struct grant_table *gt = rd->grant;
    struct active_grant *act = gnttab_active(gt, ref);

    if (gt->version == 1)
        return gnttab_pin(act, shared_entry(gt, ref), ld->domain_id, write);
    return gnttab_pin_v2(act, gnttab_entry_v2(gt, ref), gnttab_status(gt, ref),
                         ld->domain_id, write, kinds);
}

static void unpin(struct domain *rd, grant_ref_t ref, bool write)
{
    struct grant_table *gt = rd->grant;
    struct active_grant *act = gnttab_active(gt, ref);

    if (gt->version == 1)
        gnttab_unpin(act, shared_entry(gt, ref), write);
    else
        gnttab_unpin_v2(act, gnttab_status(gt, ref), write);
}

/* The frame references a map or copy of act's frame (owned by owner) needs. */
static int take_frame(struct domain *owner, const struct active_grant *act, bool write,
                      struct page_info **out)
{
    struct page_info *pg;

    if (!mfn_valid(act->frame) || (mfn_to_page(act->frame)->count_info & PGC_xen_heap) ||
        get_page(pg = mfn_to_page(act->frame), owner))
        return GNTST_general_error;      /* not a frame the granter owns */
    if (write && get_page_type(pg, PGT_writable_page)) {
        put_page(pg);
        return GNTST_general_error;      /* a page table or descriptor page */
    }
    *out = pg;
    return GNTST_okay;
}

/*
 * Pin ref of rd for ld and take the frame references a map needs (full
 * pages only: a sub-page or transitive grant cannot be mapped).  Nothing
 * is held on failure.
 */
static int acquire(struct domain *ld, struct domain *rd, grant_ref_t ref, bool write,
                   struct page_info **out)
{
    int rc = pin(ld, rd, ref, write, 0);

    if (rc)
        return rc;
    if ((rc = take_frame(rd, gnttab_active(rd->grant, ref), write, out)))
        unpin(rd, ref, write);
    return rc;
}

static void release(struct domain *rd, grant_ref_t ref, struct page_info *pg, bool write)
{
    if (write)
        put_page_type(pg);
    put_page(pg);
    if (rd)
        unpin(rd, ref, write);
}

#define MAP_FLAGS (GNTMAP_device_map | GNTMAP_host_map | GNTMAP_readonly | \
                   GNTMAP_application_map | GNTMAP_contains_pte)

static int map_one(struct domain *ld, struct gnttab_map_grant_ref *op)
{
    struct grant_table *lt = ld->grant;
    bool write = !(op->flags & GNTMAP_readonly), pte_form = op->flags & GNTMAP_contains_pte;
    struct domain *rd;
    struct page_info *l1, *pg;
    struct maptrack *m = NULL;
    unsigned int h, idx;
    pte_t *tab;
    int rc;

    if (!(op->flags & GNTMAP_host_map) || (op->flags & ~MAP_FLAGS))
        return GNTST_general_error;     /* device-only maps: no IOMMU here */
    if ((rc = lookup_grant(ld, op->dom, op->ref, false, &rd)))
        return rc;
    if (pte_form) {
        if ((op->host_addr & 7) || !(l1 = mm_get_live_table(op->host_addr >> PAGE_SHIFT, ld)))
            return GNTST_general_error;
        idx = (unsigned int)((op->host_addr & (PAGE_SIZE - 1)) >> 3);
    } else {
        if ((op->host_addr & (PAGE_SIZE - 1)) || op->host_addr >= HYPERVISOR_VIRT_START ||
            !(l1 = mm_current_l1_for(current, (uint32_t)op->host_addr)))
            return GNTST_bad_virt_addr;
        idx = l1_index((uint32_t)op->host_addr);
    }
    tab = map_frame(page_to_mfn(l1));
    if ((l1->type_info & PGT_type_mask) != PGT_l1_page_table || (tab[idx] & _PAGE_PRESENT)) {
        put_page_and_type(l1);
        return pte_form ? GNTST_general_error : GNTST_bad_virt_addr;
    }
    if (!(m = maptrack_get(ld, &h))) {
        put_page_and_type(l1);
        return GNTST_no_space;
    }
    if ((rc = acquire(ld, rd, op->ref, write, &pg))) {
        m->next_free = lt->maptrack_free;   /* back on the free list */
        lt->maptrack_free = h;
        put_page_and_type(l1);
        return rc;
    }
    /* Committed: nothing below can fail. */
    tab[idx] = ((pte_t)page_to_mfn(pg) << PAGE_SHIFT) | _PAGE_PRESENT | _PAGE_ACCESSED |
               _PAGE_GNTTAB | (write ? _PAGE_RW | _PAGE_DIRTY : 0) |
               ((op->flags & GNTMAP_application_map) ? _PAGE_USER : 0);
    *m = (struct maptrack){ .in_use = true, .rw = write, .pte_form = pte_form, .handle = h,
                            .granter_id = rd->domain_id, .granter = rd, .ref = op->ref,
                            .frame = (uint32_t)page_to_mfn(pg),
                            .pte_maddr = ((uint64_t)page_to_mfn(l1) << PAGE_SHIFT) | idx * 8u,
                            .va = pte_form ? 0 : (uint32_t)op->host_addr };
    put_page_and_type(l1);
    lt->maptrack_used++;
    lt->maps++;
    op->handle = h;
    op->dev_bus_addr = (op->flags & GNTMAP_device_map)
                     ? (uint64_t)page_to_mfn(pg) << PAGE_SHIFT : 0;
    return GNTST_okay;
}

void gnttab_map(struct gnttab_map_grant_ref *op)
{
    op->status = (int16_t)map_one(current_domain(), op);
}

/* Drop mapping m of ld (its PTE already dealt with). */
static void drop_mapping(struct grant_table *lt, struct maptrack *m)
{
    release(m->granter, m->ref, mfn_to_page(m->frame), m->rw);
    if (!m->granter && !mfn_to_page(m->frame)->owner)
        pr_info("grant: orphaned frame %#x of dead d%u released\n", m->frame, m->granter_id);
    m->in_use = false;
    m->next_free = lt->maptrack_free;
    lt->maptrack_free = m->handle;
    lt->maptrack_used--;
    lt->unmaps++;
}

/* The PTE of m if it is still ours and still maps the grant, else NULL.
 * ld's table must be a validated L1 of ld. */
static pte_t *mapped_pte(struct domain *ld, const struct maptrack *m)
{
    unsigned long mfn = (unsigned long)(m->pte_maddr >> PAGE_SHIFT);
    struct page_info *l1 = mfn_valid(mfn) ? mfn_to_page(mfn) : NULL;
    pte_t *pte;

    if (!l1 || l1->owner != ld || (l1->type_info & PGT_type_mask) != PGT_l1_page_table ||
        !(l1->type_info & PGT_validated) || (l1->mm_flags & PGF_partial))
        return NULL;
    pte = (pte_t *)map_frame(mfn) + ((m->pte_maddr & (PAGE_SIZE - 1)) >> 3);
    if (!(*pte & _PAGE_PRESENT) || !(*pte & _PAGE_GNTTAB) || pte_mfn(*pte) != m->frame)
        return NULL;
    return pte;
}

static int unmap_one(struct domain *ld, const struct gnttab_unmap_grant_ref *op)
{
    struct grant_table *lt = ld->grant;
    struct maptrack *m;
    pte_t *pte;

    if (!(m = maptrack_lookup(lt, op->handle)))
        return GNTST_bad_handle;
    if (op->host_addr != (m->pte_form ? m->pte_maddr : m->va))
        return GNTST_general_error;
    if (!(pte = mapped_pte(ld, m)))
        return GNTST_general_error;
    *pte = 0;
    drop_mapping(lt, m);
    return GNTST_okay;
}

void gnttab_unmap(struct gnttab_unmap_grant_ref *op)
{
    op->status = (int16_t)unmap_one(current_domain(), op);
}

static int unmap_and_replace_one(struct domain *ld, const struct gnttab_unmap_and_replace *op)
{
    struct grant_table *lt = ld->grant;
    struct maptrack *m;
    struct page_info *l1;
    pte_t *pte, *npte, moved;

    if (!op->new_addr) {
        struct gnttab_unmap_grant_ref u = { .host_addr = op->host_addr, .handle = op->handle };
        return unmap_one(ld, &u);
    }
    if (!(m = maptrack_lookup(lt, op->handle)))
        return GNTST_bad_handle;
    if (m->pte_form || op->host_addr != m->va)
        return GNTST_general_error;     /* the PTE form only unmaps (Xen) */
    if (!(pte = mapped_pte(ld, m)))
        return GNTST_general_error;
    if (op->new_addr >= HYPERVISOR_VIRT_START ||
        !(l1 = mm_current_l1_for(current, (uint32_t)op->new_addr)))
        return GNTST_general_error;
    if ((l1->type_info & PGT_type_mask) != PGT_l1_page_table) {
        put_page_and_type(l1);
        return GNTST_general_error;
    }
    npte = (pte_t *)map_frame(page_to_mfn(l1)) + l1_index((uint32_t)op->new_addr);
    moved = *npte;
    if (npte == pte || (moved & _PAGE_GNTTAB)) {
        put_page_and_type(l1);
        return GNTST_general_error;     /* a grant mapping is not moved */
    }
    /* The entry and the references it holds move; both tables are ld's
     * validated L1s, so what it maps stays checked. */
    *npte = 0;
    *pte = moved;
    put_page_and_type(l1);
    drop_mapping(lt, m);
    return GNTST_okay;
}

void gnttab_unmap_and_replace(struct gnttab_unmap_and_replace *op)
{
    op->status = (int16_t)unmap_and_replace_one(current_domain(), op);
}

/* ---- copy ---------------------------------------------------------------- */

struct copy_side {
    struct domain *rd;      /* granter, or NULL for a local frame */
    grant_ref_t ref;
    struct domain *td;      /* transitive: the domain of the grant followed */
    grant_ref_t tref;
    struct page_info *pg;
    uint16_t start, length; /* the window that may be touched */
};

static void side_release(struct copy_side *s, bool write)
{
    if (s->td) {
        release(s->td, s->tref, s->pg, write);
        unpin(s->rd, s->ref, write);
    } else {
        release(s->rd, s->ref, s->pg, write);
    }
}

/* A granted side of a copy: pin, follow one transitive level, take refs. */
static int copy_acquire_grant(struct domain *ld, struct copy_side *s, bool write)
{
    struct active_grant *act;
    int rc = pin(ld, s->rd, s->ref, write,
                 GNTPIN_SUB_PAGE | (opt_gnttab_transitive ? GNTPIN_TRANSITIVE : 0));

    if (rc)
        return rc;
    act = gnttab_active(s->rd->grant, s->ref);
    if (!act->transitive) {
        if ((rc = take_frame(s->rd, act, write, &s->pg))) {
            unpin(s->rd, s->ref, write);
            return rc;
        }
        s->start = act->start;
        s->length = act->length;
        return GNTST_okay;
    }
    /* Follow it: the named grant must be made out to the granter. */
    const grant_entry_v2_t *e = gnttab_entry_v2(s->rd->grant, s->ref);
    domid_t tdom = e->transitive.trans_domid;
    grant_ref_t tref = e->transitive.gref;
    struct domain *td = domain_lookup(tdom);
    struct active_grant *tact;

    rc = GNTST_general_error;
    if (!td || td->is_dying || domain_is_dead(td) || !td->grant ||
        tref >= gnttab_nr_entries(td->grant))
        goto out;
    if ((rc = pin(s->rd, td, tref, write, GNTPIN_SUB_PAGE)))     /* no second level */
        goto out;
    tact = gnttab_active(td->grant, tref);
    if ((rc = take_frame(td, tact, write, &s->pg))) {
        unpin(td, tref, write);
        goto out;
    }
    s->td = td;
    s->tref = tref;
    s->start = tact->start;
    s->length = tact->length;
    return GNTST_okay;
out:
    unpin(s->rd, s->ref, write);
    return rc;
}

static int copy_acquire(struct domain *ld, const struct gnttab_copy_ptr *p, bool gref,
                        bool dest, struct copy_side *s)
{
    int rc;

    s->rd = s->td = NULL;
    s->start = 0;
    s->length = PAGE_SIZE;
    if (gref) {
        if ((rc = lookup_grant(ld, p->domid, p->u.ref, true, &s->rd)))
            return rc;
        s->ref = p->u.ref;
        return copy_acquire_grant(ld, s, dest);
    }
    if (p->domid != DOMID_SELF && p->domid != ld->domain_id)
        return GNTST_permission_denied;   /* only grants reach other domains */
    if (!mfn_valid(p->u.gmfn) || (mfn_to_page(p->u.gmfn)->count_info & PGC_xen_heap) ||
        get_page(s->pg = mfn_to_page(p->u.gmfn), ld))
        return GNTST_bad_page;
    if (dest && get_page_type(s->pg, PGT_writable_page)) {
        put_page(s->pg);
        return GNTST_general_error;
    }
    return GNTST_okay;
}

/* [off, off + len) inside the side's window? */
static bool in_window(const struct copy_side *s, uint16_t off, uint16_t len)
{
    return off >= s->start && (uint32_t)off + len <= (uint32_t)s->start + s->length;
}

static int copy_one(struct domain *ld, const struct gnttab_copy *op)
{
    struct copy_side src, dst;
    int rc;

    if (op->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref))
        return GNTST_bad_copy_arg;
    if ((uint32_t)op->source.offset + op->len > PAGE_SIZE ||
        (uint32_t)op->dest.offset + op->len > PAGE_SIZE)
        return GNTST_bad_copy_arg;
    if ((rc = copy_acquire(ld, &op->source, op->flags & GNTCOPY_source_gref, false, &src)))
        return rc;
    if ((rc = copy_acquire(ld, &op->dest, op->flags & GNTCOPY_dest_gref, true, &dst))) {
        side_release(&src, false);
        return rc;
    }
    if (!in_window(&src, op->source.offset, op->len) ||
        !in_window(&dst, op->dest.offset, op->len)) {
        rc = GNTST_general_error;       /* outside a sub-page grant */
    } else {
        uint8_t *d = (uint8_t *)map_frame(page_to_mfn(dst.pg)) + op->dest.offset;
        const uint8_t *s = (const uint8_t *)map_frame(page_to_mfn(src.pg)) + op->source.offset;
        /* A whole page (block I/O's usual segment) in one REP MOVSQ; a
         * page copied onto itself is left as it is either way. */
        if (op->len == PAGE_SIZE)
            copy_page(d, s);
        else
            memmove(d, s, op->len);
        ld->grant->copies++;
    }
    side_release(&dst, true);
    side_release(&src, false);
    return rc;
}

void gnttab_copy(struct gnttab_copy *op)
{
    op->status = (int16_t)copy_one(current_domain(), op);
}

/* ---- teardown ------------------------------------------------------------ */

void gnttab_release_mappings(struct domain *d)
{
    struct grant_table *gt = d->grant;
    unsigned int n = 0;

    if (!gt)
        return;
    for (unsigned int h = 0; h < gnttab_maptrack_limit(gt) && gt->maptrack_used; h++) {
        struct maptrack *m = gnttab_maptrack(gt, h);
        pte_t *pte;

        if (!m->in_use)
            continue;
        if ((pte = mapped_pte(d, m)))
            *pte = 0;
        drop_mapping(gt, m);
        n++;
    }
    if (n)
        pr_info("grant: d%u: %u mappings released at teardown\n", d->domain_id, n);
}

/* Mappings (and read-write ones) of frame mfn granted by d, in all domains. */
static unsigned int count_mappings(struct domain *d, unsigned long mfn, unsigned int *rw)
{
    struct domain *x;
    unsigned int n = 0;

    *rw = 0;
    for_each_domain(x) {
        struct grant_table *gt = x->grant;
        if (!gt)
            continue;
        for (unsigned int h = 0; h < gnttab_maptrack_limit(gt); h++) {
            const struct maptrack *m = gnttab_maptrack(gt, h);
            if (m->in_use && m->granter == d && m->frame == mfn) {
                n++;
                *rw += m->rw;
            }
        }
    }
    return n;
}

bool gnttab_orphan_frame(struct domain *d, struct page_info *pg)
{
    unsigned int rw, n = count_mappings(d, page_to_mfn(pg), &rw);
    uint32_t c = pg->count_info;

    /* Exactly: the teardown's temporary reference, the allocation, n maps. */
    if (!n || (c & PGC_count_mask) != 1u + !!(c & PGC_allocated) + n ||
        (pg->type_info & PGT_count_mask) != rw ||
        (rw && (pg->type_info & PGT_type_mask) != PGT_writable_page))
        return false;
    list_del(&pg->list);
    d->tot_pages--;
    pg->owner = &dom_grant_orphans;
    list_add_tail(&pg->list, &dom_grant_orphans.page_list);
    dom_grant_orphans.tot_pages++;
    pg->count_info = (c & ~PGC_allocated) - 1u - !!(c & PGC_allocated);
    return true;
}

unsigned long gnttab_orphans_freed(void)
{
    return dom_grant_orphans.mm_freed_pages;
}

void gnttab_destroy(struct domain *d)
{
    struct grant_table *gt = d->grant;
    struct domain *x;

    if (!gt)
        return;
    for_each_domain(x) {                /* mappers forget d */
        struct grant_table *xt = x->grant;
        if (!xt || x == d)
            continue;
        for (unsigned int h = 0; h < gnttab_maptrack_limit(xt); h++)
            if (gnttab_maptrack(xt, h)->in_use && gnttab_maptrack(xt, h)->granter == d)
                gnttab_maptrack(xt, h)->granter = NULL;
    }
    gnttab_free_status(d);
    for (unsigned int i = 0; i < gt->nr_alloc; i++) {
        gnttab_free_shared_frame(d, gt->frame_mfn[i], "table");
        domain_xfree(d, gt->active[i],
                     GNTTAB_V1_ENTRIES_PER_FRAME * sizeof(struct active_grant));
    }
    for (unsigned int f = 0; f < gt->maptrack_frames; f++)
        domain_xfree(d, gt->maptrack[f], GNTTAB_MAPTRACK_PER_FRAME * sizeof(struct maptrack));
    if (gt->maptrack)
        xfree_bytes(gt->maptrack, gt->max_maptrack_frames * sizeof(*gt->maptrack));
    xfree_bytes(gt, sizeof(*gt));
    d->grant = NULL;
}
