/*
 * What a guest page-table entry may say, and the references it holds.
 *
 * page_type.c decides *when* a table is validated; this file decides
 * *whether* each entry is acceptable, takes the references an accepted
 * entry holds, and drops them again.  It is also where single entries of a
 * live table are replaced (mod_l{1,2,3}_entry: mmu_update, update_va_mapping
 * and the writable-page-table emulation all end here).
 *
 * The rules for a 32-bit PAE guest on a 64-bit hypervisor ("32-on-64"):
 *
 *  L1 entry  maps a frame.  The frame must be RAM owned by the data owner
 *            (the table's owner, or the foreign domain a privileged caller
 *            named), or I/O memory the domain may map (iomem.h: no
 *            reference held, never the hypervisor's, maybe forced
 *            read-only); RW needs the frame to take the writable type, so a
 *            page table or descriptor page can only ever be mapped
 *            read-only.  GLOBAL is refused (guest mappings must die with
 *            every CR3 switch); cache attributes (PWT, PCD, PAT) only for
 *            domains with I/O privilege; NX only if the CPU has it.
 *  L2 entry  links an L1 table (a type reference: the L1 is validated if it
 *            was not).  Never PSE (no guest superpages: XSA-148).  A
 *            read-only entry may instead point at an already validated L2
 *            -- a linear page table -- under the rule that ends chains and
 *            loops (XSA-240): a table either *has* linear entries or *is*
 *            the target of some, never both (page_info.linear_count).  An
 *            entry pointing at its own table (the classic read-only
 *            self-map) takes no reference at all.  The L2 under L3 slot 3
 *            ("pae_xen_l2") holds the hypervisor's entries 428..511 (the
 *            read-only M2P): they are written on validation, never checked
 *            or changed as guest entries, and that L2 has no linear entries.
 *  L3 entry  links an L2 (never an L3: no linear L3s, so no L3 loops,
 *            XSA-185).  The guest's PDPT has 4 entries; slot 3 must link a
 *            pae_xen_l2 used by no other L3 (its type count is exactly 1),
 *            and entries 4..511 of the page are cleared on validation since
 *            the hardware (long mode) walks all 512.  Present entries get
 *            RW|USER|A|D added, as long mode needs and the domain builder
 *            writes; the guest may set P, RW, US, A, D and AVAIL only.
 *  all       bits 52..62 are reserved; non-present entries are never
 *            checked and hold nothing.
 *  grants    an L1 entry with _PAGE_GNTTAB (bit 52) was written by
 *            grant_table.c: its references belong to a maptrack entry,
 *            so it holds none here, and only grant unmap may change it.
 *
 * Replacing an entry takes the new references first, then writes, then
 * drops the old ones, so a failed update changes nothing.  The one shortcut
 * (same frame, same P and RW: nothing to recount) deliberately does not
 * cover a change of RW (XSA-182).
 */
#include <mica/mm.h>
#include <mica/domain.h>
#include <mica/errno.h>
#include <mica/bug.h>
#include <mica/lib.h>
#include <asm/page.h>
#include <asm/mm_arch.h>
#include <asm/m2p.h>
#include <mica/pt_rules.h>
#include <mica/printk.h>
#include <mica/grant_table.h>
#include <mica/iomem.h>

/* Every refusal of an entry is traceable (loglvl=debug): the rule's line. */
#define REFUSE(e, why) refuse(e, why, __LINE__)
static int refuse(pte_t e, const char *why, int line)
{
    pr_debug("mm: entry %#llx refused: %s (pt_validate.c:%d)\n", (unsigned long long)e,
             why, line);
    return -EINVAL;
}

#define CACHE_ATTRS     L1E_CACHE_ATTRS
_Static_assert(L1E_CACHE_ATTRS == (_PAGE_PWT | _PAGE_PCD | _PAGE_PAT) &&
               L1E_GLOBAL == _PAGE_GLOBAL && L1E_NX == _PAGE_NX, "pt_rules.h bits");
#define L3_ADDED_FLAGS  (_PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)

/* ---- the rules on a single entry's bits (pure) -------------------------- */

int l1e_check(pte_t e, bool io_priv, bool nx)
{
    return (e & l1e_bad_bits(io_priv, nx)) ? -EINVAL : 0;
}

int l2e_check(pte_t e, bool nx)
{
    pte_t bad = _PAGE_PSE | _PAGE_GLOBAL | _PAGE_PWT | _PAGE_PCD | PTE_RSVD_HIGH |
                (nx ? 0 : _PAGE_NX);
    return (e & bad) ? -EINVAL : 0;
}

int l3e_check(pte_t e)
{
    pte_t bad = _PAGE_PWT | _PAGE_PCD | _PAGE_PSE | _PAGE_GLOBAL | PTE_RSVD_HIGH |
                _PAGE_NX;
    return (e & bad) ? -EINVAL : 0;
}

unsigned int pt_guest_entries(uint32_t type_info)
{
    switch (type_info & PGT_type_mask) {
    case PGT_l1_page_table:
        return PT_ENTRIES;
    case PGT_l2_page_table:
        return (type_info & PGT_pae_xen_l2) ? XEN_L2_FIRST_SLOT : PT_ENTRIES;
    case PGT_l3_page_table:
        return L3_GUEST_ENTRIES;
    }
    BUG();
}

static struct page_info *entry_page(pte_t e)
{
    unsigned long mfn = pte_mfn(e);
    return mfn_valid(mfn) ? mfn_to_page(mfn) : NULL;
}

/* ---- references held by entries ----------------------------------------- */

/*
 * An I/O frame (not RAM): no reference, only a permission (iomem.c):
 * the frame owner's, or the caller's when the owner named is DOMID_IO.
 * A read-only I/O range turns a writable request into a read-only entry.
 */
static int get_io_l1e(pte_t *e, struct domain *pg_owner)
{
    const struct domain *who = pg_owner == &dom_io ? current_domain() : pg_owner;
    int rc = iomem_map_check(who, pte_mfn(*e), *e & _PAGE_RW);

    if (rc < 0) {
        pr_debug("mm: entry %#llx refused: I/O memory d%u may not map (pt_validate.c)\n",
                 (unsigned long long)*e, who->domain_id);
        return rc;
    }
    if (rc > 0)
        *e &= ~(pte_t)_PAGE_RW;
    return 0;
}

/* l1_owner: whose table (decides cache attributes); pg_owner: whose frame.
 * *e may lose RW (a read-only I/O range). */
static int get_page_from_l1e(pte_t *ep, struct domain *l1_owner,
                             struct domain *pg_owner, bool preemptible)
{
    struct page_info *pg;
    pte_t e = *ep;
    int rc;

    if (!(e & _PAGE_PRESENT))
        return 0;
    if (l1e_check(e, mm_io_privileged(l1_owner), cpu_has_nx()))
        return REFUSE(e, "L1 flags");
    if (mfn_is_io(pte_mfn(e)))
        return get_io_l1e(ep, pg_owner);
    if (!(pg = entry_page(e)) || get_page(pg, pg_owner))
        return REFUSE(e, "L1: frame not RAM of the data owner");
    if (e & _PAGE_RW) {
        rc = preemptible ? get_page_type_preemptible(pg, PGT_writable_page)
                         : get_page_type(pg, PGT_writable_page);
        if (rc) {
            put_page(pg);
            return rc == -EINVAL ? REFUSE(e, "L1: frame cannot be writable") : rc;
        }
    }
    return 0;
}

static void put_page_from_l1e(pte_t e)
{
    struct page_info *pg;

    if ((e & (_PAGE_PRESENT | _PAGE_GNTTAB)) != _PAGE_PRESENT || mfn_is_io(pte_mfn(e)))
        return;                 /* not present, a grant mapping (its maptrack's), I/O */
    pg = mfn_to_page(pte_mfn(e));
    if (e & _PAGE_RW)
        put_page_type(pg);
    put_page(pg);
}

/* A read-only L2 entry pointing at another, validated L2 (see the top). */
static int get_linear_l2(struct page_info *target, struct page_info *table)
{
    uint32_t x = target->type_info;

    if ((target->mm_flags & PGF_partial) || !(x & PGT_validated) ||
        (x & (PGT_type_mask | PGT_pae_xen_l2)) != PGT_l2_page_table ||
        (x & PGT_count_mask) == PGT_count_mask)
        return -EINVAL;
    if (table->linear_count > 0 || target->linear_count < 0 ||
        table->linear_count == INT16_MIN || target->linear_count == INT16_MAX)
        return -EINVAL;
    target->type_info = x + 1;
    target->linear_count++;
    table->linear_count--;
    return 0;
}

static int get_page_from_l2e(pte_t e, struct page_info *table, bool preemptible)
{
    struct domain *d = table->owner;
    struct page_info *pg;
    int rc;

    if (!(e & _PAGE_PRESENT))
        return 0;
    if (l2e_check(e, cpu_has_nx()) || !(pg = entry_page(e)))
        return REFUSE(e, "L2 flags (PSE, GLOBAL, cache) or not RAM");
    if (pg == table) {                   /* read-only self-map: no reference */
        if ((e & _PAGE_RW) || (table->type_info & PGT_pae_xen_l2))
            return REFUSE(e, "L2 self-map writable or in the slot-3 L2");
        return 0;
    }
    if (get_page(pg, d))
        return REFUSE(e, "L2: table not owned by the table's owner");
    rc = preemptible ? get_page_type_preemptible(pg, PGT_l1_page_table)
                     : get_page_type(pg, PGT_l1_page_table);
    if (rc == -EINVAL && !(e & _PAGE_RW) && !(table->type_info & PGT_pae_xen_l2))
        rc = get_linear_l2(pg, table);
    if (rc)
        put_page(pg);
    return rc == -EINVAL ? REFUSE(e, "L2: not an L1, nor an allowed linear L2") : rc;
}

static void put_page_from_l2e(pte_t e, struct page_info *table)
{
    struct page_info *pg;

    if (!(e & _PAGE_PRESENT) || (pg = mfn_to_page(pte_mfn(e))) == table)
        return;
    if ((pg->type_info & PGT_type_mask) == PGT_l2_page_table) {
        pg->linear_count--;
        table->linear_count++;
    }
    put_page_and_type(pg);
}

static int get_page_from_l3e(pte_t e, unsigned int slot, struct domain *d,
                             bool preemptible)
{
    uint32_t type = PGT_l2_page_table | (slot == 3 ? PGT_pae_xen_l2 : 0);
    struct page_info *pg;
    int rc;

    if (!(e & _PAGE_PRESENT))
        return slot == 3 ? REFUSE(e, "L3 slot 3 not present") : 0;
    if (l3e_check(e) || !(pg = entry_page(e)) || get_page(pg, d))
        return REFUSE(e, "L3 flags, or not RAM of the table's owner");
    rc = preemptible ? get_page_type_preemptible(pg, type) : get_page_type(pg, type);
    if (rc == 0 && slot == 3 && (pg->type_info & PGT_count_mask) != 1) {
        put_page_and_type(pg);           /* slot-3 L2s are never shared */
        return REFUSE(e, "L3 slot 3: L2 shared with another L3");
    }
    if (rc)
        put_page(pg);
    return rc == -EINVAL ? REFUSE(e, "L3: not an L2 of the right kind") : rc;
}

static void put_page_from_l3e(pte_t e)
{
    if (e & _PAGE_PRESENT)
        put_page_and_type(mfn_to_page(pte_mfn(e)));
}

/* ---- whole tables (driven by page_type.c) ------------------------------- */

static int get_entry(struct page_info *pg, pte_t *tab, unsigned int i, bool preemptible)
{
    switch (pg->type_info & PGT_type_mask) {
    case PGT_l1_page_table:
        return get_page_from_l1e(&tab[i], pg->owner, pg->owner, preemptible);
    case PGT_l2_page_table:
        return get_page_from_l2e(tab[i], pg, preemptible);
    default: {
        int rc = get_page_from_l3e(tab[i], i, pg->owner, preemptible);
        if (rc == 0 && (tab[i] & _PAGE_PRESENT))
            tab[i] |= L3_ADDED_FLAGS;
        return rc;
    }
    }
}

static void put_entry(struct page_info *pg, pte_t *tab, unsigned int i)
{
    switch (pg->type_info & PGT_type_mask) {
    case PGT_l1_page_table:
        put_page_from_l1e(tab[i]);
        break;
    case PGT_l2_page_table:
        put_page_from_l2e(tab[i], pg);
        break;
    default:
        put_page_from_l3e(tab[i]);
    }
}

/*
 * Validate entries [nr_validated, P) of a partial table.  0 when all hold
 * their references (pae_xen_l2: hypervisor slots filled); -ERESTART when
 * preempted; else the error of the first bad entry, nr_validated = its
 * index (entries below it hold references).
 */
/*
 * Empty entries hold nothing and are never checked, and most of a guest's
 * tables are empty (a Linux process's pin walks ~3000 entries of which ~50
 * are present), so both loops below pass over them in a tight scan rather
 * than through get_entry()/put_entry() one by one: a fork's pin and its
 * exit's unpin were ~30 instructions per empty entry, ~90 K each.  Only
 * an L3's entries all go through get_entry() (slot 3 must be present).
 * nr_validated keeps its meaning: every entry below it holds its
 * references (an empty one holds none), so it is written before each
 * present entry and once at the end, not per entry.
 */
int pt_validate(struct page_info *pg, bool preemptible)
{
    unsigned int n = pg->nr_validated, nr = pt_guest_entries(pg->type_info);
    pte_t *tab = map_frame(page_to_mfn(pg));
    bool l3 = (pg->type_info & PGT_type_mask) == PGT_l3_page_table;

    BUG_ON(!(pg->mm_flags & PGF_partial) || n > nr);
    if (l3 && n == 0) {
        if (!(tab[3] & _PAGE_PRESENT))
            return -EINVAL;
        memset(&tab[L3_GUEST_ENTRIES], 0, (PT_ENTRIES - L3_GUEST_ENTRIES) * sizeof(pte_t));
    }
    for (unsigned int i = n; i < nr; i++) {
        if (!(tab[i] & _PAGE_PRESENT) && !l3)
            continue;
        pg->nr_validated = (uint16_t)i;
        int rc = get_entry(pg, tab, i, preemptible);
        if (rc)
            return rc;
        pg->nr_validated = (uint16_t)(i + 1);
        /* Empty entries are cheap: only check after real work. */
        if (preemptible && (tab[i] & _PAGE_PRESENT) && i + 1 < nr && mm_preempt_check())
            return -ERESTART;
    }
    pg->nr_validated = (uint16_t)nr;
    if (pg->type_info & PGT_pae_xen_l2)
        m2p_fill_guest_l2(tab);
    return 0;
}

/* Drop the references of entries [0, nr_validated), from the top. */
int pt_devalidate(struct page_info *pg, bool preemptible)
{
    pte_t *tab = map_frame(page_to_mfn(pg));
    unsigned int i = pg->nr_validated;

    BUG_ON(!(pg->mm_flags & PGF_partial));
    while (i) {
        i--;
        if (!(tab[i] & _PAGE_PRESENT))
            continue;                   /* holds nothing, whatever the level */
        put_entry(pg, tab, i);
        pg->nr_validated = (uint16_t)i;
        if (preemptible && i && mm_preempt_check())
            return -ERESTART;
    }
    pg->nr_validated = 0;
    return 0;
}

/* ---- replacing one entry of a live table -------------------------------- */

static bool same_refs(pte_t o, pte_t n)
{
    return (o & _PAGE_PRESENT) && (n & _PAGE_PRESENT) &&
           pte_mfn(o) == pte_mfn(n) && !((o ^ n) & _PAGE_RW);
}

int mod_l1_entry(struct page_info *tpg, unsigned int idx, pte_t nl,
                 struct domain *pg_owner, bool preserve_ad, bool preemptible)
{
    pte_t *tab = map_frame(page_to_mfn(tpg)), ol = tab[idx];
    int rc;

    BUG_ON(idx >= PT_ENTRIES);
    if ((ol & (_PAGE_PRESENT | _PAGE_GNTTAB)) == (_PAGE_PRESENT | _PAGE_GNTTAB))
        return REFUSE(ol, "L1: a grant mapping (only grant unmap removes it)");
    if (preserve_ad)
        nl |= ol & (_PAGE_ACCESSED | _PAGE_DIRTY);
    if (nl & _PAGE_PRESENT) {
        if (l1e_check(nl, mm_io_privileged(tpg->owner), cpu_has_nx()))
            return -EINVAL;
        if (same_refs(ol, nl) && pte_mfn(nl) < max_mfn &&
            mfn_to_page(pte_mfn(nl))->owner == pg_owner) {
            tab[idx] = nl;
            return 0;
        }
        rc = get_page_from_l1e(&nl, tpg->owner, pg_owner, preemptible);
        if (rc)
            return rc;
    }
    tab[idx] = nl;
    put_page_from_l1e(ol);
    return 0;
}

int mod_l2_entry(struct page_info *tpg, unsigned int idx, pte_t nl,
                 bool preserve_ad, bool preemptible)
{
    pte_t *tab = map_frame(page_to_mfn(tpg)), ol;
    int rc;

    if (idx >= pt_guest_entries(tpg->type_info))
        return -EINVAL;                  /* the hypervisor's slots */
    ol = tab[idx];
    if (preserve_ad)
        nl |= ol & (_PAGE_ACCESSED | _PAGE_DIRTY);
    if (nl & _PAGE_PRESENT) {
        if (l2e_check(nl, cpu_has_nx()))
            return -EINVAL;
        if (!same_refs(ol, nl)) {
            rc = get_page_from_l2e(nl, tpg, preemptible);
            if (rc)
                return rc;
        } else {
            tab[idx] = nl;
            return 0;
        }
    }
    tab[idx] = nl;
    put_page_from_l2e(ol, tpg);
    return 0;
}

int mod_l3_entry(struct page_info *tpg, unsigned int idx, pte_t nl,
                 bool preserve_ad, bool preemptible)
{
    pte_t *tab = map_frame(page_to_mfn(tpg)), ol;
    int rc;

    /* Slot 3 holds the hypervisor's L2: replace the whole L3 instead. */
    if (idx >= L3_GUEST_ENTRIES - 1)
        return -EINVAL;
    ol = tab[idx];
    if (preserve_ad)
        nl |= ol & (_PAGE_ACCESSED | _PAGE_DIRTY);
    if (nl & _PAGE_PRESENT) {
        if (l3e_check(nl))
            return -EINVAL;
        nl |= L3_ADDED_FLAGS;
        if (!same_refs(ol, nl)) {
            rc = get_page_from_l3e(nl, idx, tpg->owner, preemptible);
            if (rc)
                return rc;
        } else {
            tab[idx] = nl;
            return 0;
        }
    }
    tab[idx] = nl;
    put_page_from_l3e(ol);
    return 0;
}
