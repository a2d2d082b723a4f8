/*
 * The consistency auditor: recount every reference from scratch and
 * compare with the frame table.
 *
 * page_type.c keeps counts incrementally; a single missed put or an extra
 * get is invisible until, much later, a frame is freed while mapped or
 * never freed at all.  The auditor (boot option mm_audit, run by teardown
 * before and after each domain goes, and so after every QEMU test) derives
 * what every count must be from the only things that hold references --
 * page-table entries, pins, vCPU base pointers, allocations, partial
 * tables -- and reports every frame where they disagree:
 *
 *   general count = allocated + pinned + partial (the mm reference)
 *                   + entries mapping or linking it (+ one per
 *                   descriptor-page type reference, held with
 *                   get_page_and_type by the GDT/LDT code)
 *   type count    = pins + vCPU CR3s + L2/L3 entries linking it (tables)
 *                   or RW L1 entries mapping it + hypervisor registrations
 *                   (writable), + 1 for a frame the hypervisor shares
 *                   with its owner (its permanent writable reference)
 *   linear_count  = linear entries pointing at it - those it contains
 *
 * and checks what every entry points at: RAM owned by the table's owner
 * (a privileged domain may map others' frames), of the type the entry
 * needs, validated; no entry reaching a free or hypervisor frame; no
 * hypervisor-heap frame ever typed as a page table (the hypervisor writes
 * those frames itself, unchecked), and every shared one writable; slot 3
 * of every L3 a pae_xen_l2 used once, whose hypervisor slots are intact;
 * L3 entries 4..511 clear; each domain's page list matching its tot_pages
 * and the frames that name it as owner; free frames clean; the pending
 * queue exactly the frames flagged pending.
 *
 * It is linear in memory and allocates its scratch arrays from the heap
 * (freed before it returns, so it leaves the free count alone), or, in a
 * hypervisor booted with mm_audit, uses arrays reserved at boot, before
 * the first domain is built (mm_audit_reserve(): ~13 bytes a frame), so
 * that it can audit when no memory is left.  Output:
 * one line "mm audit (<when>): pass ..." or "mm audit (<when>): FAIL ...",
 * preceded by up to ten problem lines.  The QEMU harness fails a test
 * whose log has a FAIL.
 */
#include <mica/fail_inject.h>
#include <mica/mm.h>
#include <mica/errno.h>
#include <mica/domain.h>
#include <mica/printk.h>
#include <mica/lib.h>
#include <asm/page.h>
#include <asm/mm_arch.h>
#include <mica/grant_table.h>
#include <mica/guest_frame.h>
#include <asm/m2p.h>

bool opt_mm_audit;

#define MAX_REPORTED 10
#define L3_ADDED (_PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)

struct audit {
    uint32_t *gen, *type;
    int32_t *lin;
    uint8_t *listed;                     /* on its owner's page list */
    unsigned int problems;
    unsigned long tables, refs;
    uint64_t xen_l2[PT_ENTRIES];         /* what the hypervisor slots must hold */
};

__printf(3, 4)
static void problem(struct audit *a, unsigned long mfn, const char *fmt, ...)
{
    char msg[160];
    va_list ap;

    if (a->problems++ >= MAX_REPORTED)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pr_err("mm audit: mfn %#lx: %s\n", mfn, msg);
}

static uint32_t kind(const struct page_info *pg)
{
    return pg->type_info & (PGT_type_mask | PGT_pae_xen_l2);
}

static bool is_table(uint32_t t)
{
    t &= PGT_type_mask;
    return t == PGT_l1_page_table || t == PGT_l2_page_table || t == PGT_l3_page_table;
}

/* Entry of table `from` (owned by d) references `to`; want = type it needs (0: none). */
static void expect_ref(struct audit *a, unsigned long from, struct domain *d,
                       unsigned long to, uint32_t want)
{
    struct page_info *pg;

    a->refs++;
    if (!mfn_valid(to)) {
        problem(a, from, "entry points at mfn %#lx outside the frame table", to);
        return;
    }
    pg = mfn_to_page(to);
    a->gen[to]++;
    if (!pg->owner)
        problem(a, from, "entry reaches mfn %#lx, which no domain owns", to);
    else if (pg->owner != d && !d->is_privileged)
        problem(a, from, "entry reaches mfn %#lx of d%u", to, pg->owner->domain_id);
    if (!want)
        return;
    a->type[to]++;
    if (kind(pg) != want || !(pg->type_info & PGT_validated) ||
        (pg->mm_flags & PGF_partial))
        problem(a, from, "entry needs mfn %#lx as type %#x, it is %#x", to, want,
                pg->type_info);
}

static void walk_table(struct audit *a, struct page_info *pg)
{
    unsigned long mfn = page_to_mfn(pg);
    uint32_t t = pg->type_info;
    bool partial = pg->mm_flags & PGF_partial;
    unsigned int n = partial ? pg->nr_validated : pt_guest_entries(t);
    const uint64_t *tab = map_frame(mfn);
    struct domain *d = pg->owner;

    a->tables++;
    for (unsigned int i = 0; i < n; i++) {
        uint64_t e = tab[i];
        unsigned long to = pte_mfn(e);

        if (!(e & _PAGE_PRESENT))
            continue;
        switch (t & PGT_type_mask) {
        case PGT_l1_page_table:
            if (e & _PAGE_GNTTAB)
                break;          /* held by a maptrack entry: counted below */
            if (mfn_is_io(to))
                break;          /* I/O memory: no reference (iomem.h) */
            expect_ref(a, mfn, d, to, (e & _PAGE_RW) ? PGT_writable_page : 0);
            break;
        case PGT_l2_page_table:
            if (to == mfn) {
                if (e & _PAGE_RW)
                    problem(a, mfn, "writable self-map in entry %u", i);
                break;
            }
            if (mfn_valid(to) && (mfn_to_page(to)->type_info & PGT_type_mask) ==
                                 PGT_l2_page_table) {
                if (e & _PAGE_RW)
                    problem(a, mfn, "writable linear entry %u", i);
                a->lin[to]++;
                a->lin[mfn]--;
                expect_ref(a, mfn, d, to, PGT_l2_page_table);
            } else {
                expect_ref(a, mfn, d, to, PGT_l1_page_table);
            }
            break;
        default:
            expect_ref(a, mfn, d, to, PGT_l2_page_table | (i == 3 ? PGT_pae_xen_l2 : 0));
            if ((e & L3_ADDED) != L3_ADDED)
                problem(a, mfn, "L3 entry %u lacks RW|US|A|D", i);
        }
    }
    if (partial)
        return;
    if ((t & PGT_type_mask) == PGT_l3_page_table) {
        if (!(tab[3] & _PAGE_PRESENT))
            problem(a, mfn, "L3 without slot 3");
        for (unsigned int i = L3_GUEST_ENTRIES; i < PT_ENTRIES; i++)
            if (tab[i]) {
                problem(a, mfn, "L3 entry %u is not clear", i);
                break;
            }
    }
    if (t & PGT_pae_xen_l2) {
        if (memcmp(&tab[XEN_L2_FIRST_SLOT], &a->xen_l2[XEN_L2_FIRST_SLOT],
                   (PT_ENTRIES - XEN_L2_FIRST_SLOT) * sizeof(uint64_t)))
            problem(a, mfn, "hypervisor slots of a pae_xen_l2 changed");
        if ((t & PGT_count_mask) != 1)
            problem(a, mfn, "pae_xen_l2 with %u users", t & PGT_count_mask);
    }
}

/*
 * Grant mappings (grant_table.c): each maptrack entry holds a general
 * reference on a frame of its granter (or, after the granter died, of
 * dom_grant_orphans) and a writable type reference if read-write.
 */
static void collect_grants(struct audit *a)
{
    struct domain *d;
    struct list_head *l;
    unsigned long listed = 0;

    for_each_domain(d) {
        if (!d->grant)
            continue;
        for (unsigned int h = 0; h < gnttab_maptrack_limit(d->grant); h++) {
            const struct maptrack *m = gnttab_maptrack(d->grant, h);
            struct domain *owner = m->granter ? m->granter : &dom_grant_orphans;

            if (!m->in_use)
                continue;
            if (!mfn_valid(m->frame) || mfn_to_page(m->frame)->owner != owner) {
                problem(a, m->frame, "grant mapping %u of d%u: frame not the granter's", h,
                        d->domain_id);
                continue;
            }
            expect_ref(a, m->frame, owner, m->frame, m->rw ? PGT_writable_page : 0);
        }
    }
    list_for_each(l, &dom_grant_orphans.page_list) {
        a->listed[page_to_mfn(list_entry(l, struct page_info, list))] = 1;
        listed++;
    }
    if (listed != dom_grant_orphans.tot_pages)
        problem(a, 0, "grant orphans: %lu listed, %lu counted", listed,
                dom_grant_orphans.tot_pages);
}

/* A frame the hypervisor keeps to write: a general and a writable type
 * reference per registration (guest_frame.c). */
static void count_guest_frame(const struct domain *d, unsigned long mfn,
                              unsigned int count, void *arg)
{
    for (unsigned int i = 0; i < count; i++)
        expect_ref(arg, mfn, (struct domain *)d, mfn, PGT_writable_page);
}

/* Pass 1: expected counts from every holder of references. */
static void collect(struct audit *a)
{
    struct domain *d;

    collect_grants(a);
    for_each_domain(d) {
        unsigned long listed = 0;
        struct list_head *l;

        guest_frame_for_each(d, count_guest_frame, a);
        for (unsigned int i = 0; i < d->max_vcpus; i++) {
            struct vcpu *v = d->vcpu[i];
            if (v && v->guest_l3_mfn)
                expect_ref(a, v->guest_l3_mfn, d, v->guest_l3_mfn, PGT_l3_page_table);
        }
        list_for_each(l, &d->page_list) {
            struct page_info *pg = list_entry(l, struct page_info, list);
            if (pg->owner != d)
                problem(a, page_to_mfn(pg), "on d%u's page list but not its own",
                        d->domain_id);
            a->listed[page_to_mfn(pg)] = 1;
            listed++;
        }
        if (listed != d->tot_pages)
            problem(a, 0, "d%u lists %lu frames, tot_pages says %lu", d->domain_id,
                    listed, d->tot_pages);
    }
    for (unsigned long mfn = 0; mfn < max_mfn; mfn++) {
        struct page_info *pg = mfn_to_page(mfn);
        uint32_t t = pg->type_info;

        if (!pg->owner)
            continue;
        if (pg->count_info & PGC_allocated)
            a->gen[mfn]++;
        if (pg->count_info & PGC_xen_heap)
            a->type[mfn]++;             /* a shared frame's permanent writable reference */
        if (t & PGT_pinned) {
            a->gen[mfn]++;
            a->type[mfn]++;
        }
        if (pg->mm_flags & PGF_partial)
            a->gen[mfn]++;
        if (is_table(t) && ((t & PGT_validated) || (pg->mm_flags & PGF_partial)))
            walk_table(a, pg);
    }
}

/* Pass 2: compare. */
static void compare(struct audit *a)
{
    unsigned long pending = 0;

    for (unsigned long mfn = 0; mfn < max_mfn; mfn++) {
        struct page_info *pg = mfn_to_page(mfn);
        uint32_t c = pg->count_info, t = pg->type_info, tc = t & PGT_count_mask;
        uint32_t seg = (t & PGT_type_mask) == PGT_seg_desc_page ? tc : 0;

        if ((c & PGC_xen_heap) && (is_table(t) || (pg->mm_flags & PGF_partial) ||
                                   (t & PGT_type_mask) == PGT_seg_desc_page))
            problem(a, mfn, "hypervisor-heap frame with type %#x: the hypervisor writes it "
                    "unchecked, it must never be a page table", t);
        else if ((c & PGC_xen_heap) && pg->owner && (t & PGT_type_mask) != PGT_writable_page)
            problem(a, mfn, "frame shared with d%u without its writable reference (type %#x)",
                    pg->owner->domain_id, t);
        if (c & PGC_free) {
            if (c != PGC_free || t || pg->owner || pg->mm_flags & (PGF_partial | PGF_pending))
                problem(a, mfn, "free frame in use (count %#x type %#x)", c, t);
        } else if (!pg->owner) {
            if (!(c & PGC_xen_heap) && (c & PGC_count_mask))
                problem(a, mfn, "ownerless frame with %u references", c & PGC_count_mask);
        } else if (!(c & PGC_xen_heap) && !a->listed[mfn]) {
            problem(a, mfn, "owned by d%u but not on its page list", pg->owner->domain_id);
        }
        if (!pg->owner && !(c & PGC_free)) {
            if (a->gen[mfn])
                problem(a, mfn, "%u guest entries reach this hypervisor frame", a->gen[mfn]);
            continue;
        }
        if (c & PGC_free) {
            if (a->gen[mfn])
                problem(a, mfn, "%u guest entries reach this free frame", a->gen[mfn]);
            continue;
        }
        if ((c & PGC_count_mask) != a->gen[mfn] + seg)
            problem(a, mfn, "general count %u, expected %u", c & PGC_count_mask,
                    a->gen[mfn] + seg);
        if (!seg && tc != a->type[mfn])
            problem(a, mfn, "type %#x has count %u, expected %u", t, tc, a->type[mfn]);
        if (pg->linear_count != a->lin[mfn])
            problem(a, mfn, "linear count %d, expected %d", pg->linear_count, a->lin[mfn]);
        if (pg->mm_flags & PGF_pending)
            pending++;
        if ((pg->mm_flags & PGF_pending) && !(pg->mm_flags & PGF_partial))
            problem(a, mfn, "pending but not partial");
        if ((pg->mm_flags & PGF_partial) && (tc || (t & PGT_validated) || !is_table(t)))
            problem(a, mfn, "partial table with type %#x", t);
        if (tc && !(t & PGT_validated))
            problem(a, mfn, "type %#x held but not validated", t);
    }
    if (pending != mm_pending_count())
        problem(a, 0, "%lu frames flagged pending, %lu queued", pending, mm_pending_count());
}

/*
 * The scratch arrays, kept from boot on when the hypervisor runs with
 * mm_audit (mm_audit_reserve()): an audit at the moment memory ran out --
 * the teardown of a domain that took the last free frame, which the scale
 * test makes happen -- must still be able to look.  Without a reservation
 * (the host tests) each audit allocates its arrays and frees them.
 */
static struct audit *reserved;

static struct audit *audit_alloc(size_t bytes)
{
    struct audit *a = xzalloc_bytes(sizeof(*a));
    bool got = a && (a->gen = xzalloc_bytes(bytes)) && (a->type = xzalloc_bytes(bytes)) &&
               (a->lin = xzalloc_bytes(bytes)) && (a->listed = xzalloc_bytes(max_mfn));
    if (!got && a) {
        xfree_bytes(a->gen, bytes);
        xfree_bytes(a->type, bytes);
        xfree_bytes(a->lin, bytes);
        xfree_bytes(a, sizeof(*a));
        a = NULL;
    }
    return a;
}

static void audit_free(struct audit *a, size_t bytes)
{
    xfree_bytes(a->gen, bytes);
    xfree_bytes(a->type, bytes);
    xfree_bytes(a->lin, bytes);
    xfree_bytes(a->listed, max_mfn);
    xfree_bytes(a, sizeof(*a));
}

int mm_audit_reserve(void)
{
    if (!reserved) {
        alloc_fail_exempt(true);
        reserved = audit_alloc(max_mfn * sizeof(uint32_t));
        alloc_fail_exempt(false);
    }
    return reserved ? 0 : -ENOMEM;
}

unsigned int mm_audit(const char *when)
{
    size_t bytes = max_mfn * sizeof(uint32_t);
    unsigned int problems;
    struct audit *a = reserved;

    if (a) {
        void *gen = a->gen, *type = a->type, *lin = a->lin, *listed = a->listed;
        memset(a, 0, sizeof(*a));
        memset(gen, 0, bytes);
        memset(type, 0, bytes);
        memset(lin, 0, bytes);
        memset(listed, 0, max_mfn);
        a->gen = gen;
        a->type = type;
        a->lin = lin;
        a->listed = listed;
    } else {
        /* the auditor's buffers are not part of what fail_alloc= tests */
        alloc_fail_exempt(true);
        a = audit_alloc(bytes);
        alloc_fail_exempt(false);
    }
    if (!a) {
        pr_err("mm audit (%s): FAIL: no memory to audit with\n", when);
        return 1;
    }
    m2p_fill_guest_l2(a->xen_l2);
    collect(a);
    compare(a);
    problems = a->problems;
    if (problems)
        pr_err("mm audit (%s): FAIL: %u problems\n", when, problems);
    else
        pr_info("mm audit (%s): pass: %lu frames, %lu tables, %lu references\n",
                when, max_mfn, a->tables, a->refs);
    if (a != reserved)
        audit_free(a, bytes);
    return problems;
}
