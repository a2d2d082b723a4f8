/*
 * mmu_update (1), update_va_mapping (14), update_va_mapping_otherdomain (22):
 * a guest writing entries of its own page tables, through the hypervisor.
 *
 * These are front ends.  They copy each request in, find the table the
 * request names and check that it is a validated table of the right
 * owner, and hand the entry to mod_l{1,2,3}_entry (pt_validate.c), which
 * applies the page-type rules.  What they add is the batch discipline:
 *
 *  - requests are read one at a time (16 bytes, range-checked in 64-bit
 *    arithmetic), so no count, however large, makes an address wrap, and
 *    a request array that runs into unmapped memory ends in -EFAULT with
 *    *done saying how far the batch got (XSA-29/212 class);
 *  - a batch stops at the first failing request: the return value is its
 *    error, *done the number of requests applied before it;
 *  - between requests the call may be preempted: the continuation carries
 *    the rest of the array, the remaining count with MMU_UPDATE_PREEMPTED
 *    set, and the progress so far in the otherwise unused fifth argument
 *    (Xen keeps it in *done; a register cannot fault), and *done receives
 *    the total when the call finally returns;
 *  - a request that needs long work (validating or devalidating a big
 *    table) is re-issued by the continuation, not counted, until it is done;
 *  - the deferred devalidation queue is worked off before the first
 *    request and after every request that produced work, so when the call
 *    returns, every table the guest let go of is untyped again.
 *
 * A request naming a frame that is not a live table is a plain 8-byte
 * store, allowed where the frame could be mapped writable (Xen's rule).
 *
 * The PTE address of a request is a machine address, 8-byte aligned: the
 * low 3 bits are the command (0 normal, 1 machphys, 2 preserve A/D, 3 no
 * translate = normal for PV guests; 4..7 are -ENOSYS).
 *
 * update_va_mapping finds the L1 entry for a virtual address by walking the
 * vCPU's current tables in software (mica/guest_walk.h), through the direct
 * map, never through the guest's own mappings or the TLB: a multicall that
 * changes an L2 entry
 * and then calls update_va_mapping on an address below it updates the L1
 * that the tables *now* name (XSA-286).  It flushes only what its flags
 * ask: invlpg for UVMF_INVLPG, a CR3 reload only for UVMF_TLB_FLUSH.
 */
#include <mica/hypercall.h>
#include <mica/mm.h>
#include <mica/mm_ops.h>
#include <mica/foreign.h>
#include <mica/pt_rules.h>
#include <mica/domain.h>
#include <mica/errno.h>
#include <mica/guest_access.h>
#include <mica/printk.h>
#include <mica/guest_walk.h>
#include <mica/phase.h>
#include <mica/grant_table.h>
#include <public/xen.h>
#include <asm/page.h>
#include <asm/mm_arch.h>
#include <asm/m2p.h>

/*
 * Take a general and a type reference on the validated table at mfn, owned
 * by pt_owner, so it stays what it is while one entry changes.
 */
static inline struct page_info *get_live_table(unsigned long mfn, struct domain *pt_owner)
{
    struct page_info *pg;
    uint32_t x;

    if (!mfn_valid(mfn) || get_page(pg = mfn_to_page(mfn), pt_owner))
        return NULL;
    x = pg->type_info;
    if (!(x & PGT_validated) || (x & PGT_count_mask) == 0 ||
        (x & PGT_count_mask) == PGT_count_mask ||
        ((x & PGT_type_mask) != PGT_l1_page_table &&
         (x & PGT_type_mask) != PGT_l2_page_table &&
         (x & PGT_type_mask) != PGT_l3_page_table)) {
        put_page(pg);
        return NULL;
    }
    pg->type_info = x + 1;
    return pg;
}

/*
 * Is the frame at mfn a validated L1 table of pt_owner that get_live_table()
 * would reference -- every test it makes (general: allocated, owned by
 * pt_owner, count neither 0 nor saturated; type: validated, count neither
 * 0 nor saturated), and the type L1 -- without taking anything?  The page,
 * or NULL.  For a caller that then takes the references itself
 * (get_live_l1) or, on this one CPU with interrupts off, does nothing
 * between the test and a single store that a reference could protect
 * (update_va_mapping's shortcut).
 */
static inline struct page_info *live_l1_peek(unsigned long mfn, const struct domain *pt_owner)
{
    struct page_info *pg;
    uint32_t x, c, t;

    if (!mfn_valid(mfn))
        return NULL;
    pg = mfn_to_page(mfn);
    t = pg->type_info;
    /* The type first: an L2, an L3 or a data frame leaves at once. */
    if ((t & (PGT_type_mask | PGT_validated)) != (PGT_l1_page_table | PGT_validated) ||
        (t & PGT_count_mask) == 0 || (t & PGT_count_mask) == PGT_count_mask)
        return NULL;
    x = pg->count_info;
    c = x & PGC_count_mask;
    if (!pt_owner || pg->owner != pt_owner || (x & (PGC_free | PGC_broken)) ||
        c == 0 || c == PGC_count_mask)
        return NULL;
    return pg;
}

/* get_live_table() of an L1: its references taken, or NULL if it is not one. */
static inline struct page_info *get_live_l1(unsigned long mfn, struct domain *pt_owner)
{
    struct page_info *pg = live_l1_peek(mfn, pt_owner);

    if (pg) {
        pg->count_info++;
        pg->type_info++;
    }
    return pg;
}

/*
 * A "PTE" in a frame that is not a live page table: Xen writes it as plain
 * memory, if the frame is the table owner's and could be mapped writable
 * (not a table of any state, not a descriptor page).  Linux fills a page
 * this way before it makes the page a table (the P2M's middle levels).
 */
static int plain_update(uint64_t ptr, uint64_t val, struct domain *pt_owner)
{
    unsigned long mfn = (unsigned long)(ptr >> PAGE_SHIFT);
    unsigned int idx = (unsigned int)((ptr & (PAGE_SIZE - 1)) >> 3);
    struct page_info *pg;

    if (!mfn_valid(mfn) || get_page(pg = mfn_to_page(mfn), pt_owner))
        return -EINVAL;
    if (get_page_type(pg, PGT_writable_page)) {
        put_page(pg);
        return -EINVAL;
    }
    ((volatile uint64_t *)map_frame(mfn))[idx] = val;
    put_page_and_type(pg);
    return 0;
}

/*
 * A run: consecutive requests of one mmu_update that write entries of the
 * same L1 table.  The table is looked up, referenced and mapped once for
 * the whole run instead of once per request, and its owner's L1 rules
 * (l1e_bad_bits) computed once.  Keeping the references between requests
 * changes nothing a request can see: an L1 entry holds references on data
 * frames only (a writable type, or a general reference on a frame mapped
 * read-only), so writing entries of the table can neither drop its type
 * nor free it, nor queue any table for devalidation -- and the run ends
 * before the batch loop works off a non-empty queue anyway.  The run ends
 * (references dropped) at the first request that is not a plain update of
 * this same table, and before any return or continuation.
 */
struct l1_run {
    struct page_info *tpg;      /* general + type referenced */
    pte_t *tab;
    pte_t bad;                  /* l1e_bad_bits() for the table's owner */
};

static inline __attribute__((always_inline)) pte_t l1_rules_of(const struct page_info *tpg)
{
    return l1e_bad_bits(mm_io_privileged(tpg->owner), cpu_has_nx());
}

/*
 * The same-frame shortcut of mod_l1_entry() (pt_validate.c, same_refs),
 * tested inline: the new entry is present, maps the same frame with the
 * same P and RW as the old one, stays within the owner's L1 rules (bad),
 * names a frame of pg_owner, and the old entry is not a grant mapping.
 * Then the references the old entry holds are exactly the ones the new
 * one needs, and the store is all there is to do.  A change of RW always
 * takes the long way (XSA-182), and so does everything else: mod_l1_entry()
 * gives each refusal its own error.
 */
static inline __attribute__((always_inline)) bool l1_same_refs(pte_t ol, pte_t nl, pte_t bad,
                                                               const struct domain *pg_owner)
{
    return (nl & _PAGE_PRESENT) && !((ol ^ nl) & (PADDR_MASK | _PAGE_PRESENT | _PAGE_RW)) &&
           !(ol & _PAGE_GNTTAB) && !(nl & bad) && pte_mfn(nl) < max_mfn &&
           mfn_to_page(pte_mfn(nl))->owner == pg_owner;
}

/* mod_l1_entry() with its shortcut inline. */
static inline int l1_update(struct page_info *tpg, pte_t *tab, pte_t bad, unsigned int idx,
                            pte_t nl, struct domain *pg_owner)
{
    if (l1_same_refs(tab[idx], nl, bad, pg_owner)) {
        tab[idx] = nl;
        return 0;
    }
    return mod_l1_entry(tpg, idx, nl, pg_owner, false, true);
}

/*
 * The requests of a run, from request i, whose 16 bytes (ptr, val) the
 * batch loop has just read: applied in a loop of their own, with nothing
 * else in it.  Returns the index of the first request it did not apply:
 * count, one that is not part of the run (another frame, or a command
 * other than MMU_NORMAL_PT_UPDATE: the batch loop reads it again and takes
 * it), one that failed (*rc, -EFAULT included), one the CPU is to be given
 * up before (*preempt), or the one after a request that left deferred work
 * on the caller's queue.  The rules are the batch loop's: each request is
 * read right before it is applied (a request may change what a later one
 * says), and request i is read only if i < fit (the range up to it is
 * below the hole); the bound lim = min(count, fit) makes "the batch is
 * done" and "the next request is out of range" one test per request.
 * Only mod_l1_entry() can queue deferred work (the shortcut's store takes
 * and drops nothing), so the queue is looked at after it alone.
 * Preemption is checked before every request whose index is a multiple
 * of 16 (every request under mm_preempt_stress; the batch loop checked
 * before request i): a request of a run is a single L1 entry, which either
 * takes no reference at all (~50 instructions) or makes its own
 * continuation (-ERESTART) if it has long work, so 16 of them are far
 * below the budget hypercall_preempt_check() measures (2 M ticks).
 */
static inline __attribute__((always_inline)) unsigned int
run_requests(const struct l1_run *run, guest_va_t ureqs, uint64_t fit, unsigned int i,
             unsigned int count, uint64_t ptr, uint64_t val, struct domain *pg_owner,
             const struct list_head *queue, int *rc, bool *preempt)
{
    pte_t *tab = run->tab, bad = run->bad;
    uint64_t base = ptr & ~(uint64_t)(PAGE_SIZE - 1);   /* the frame; command 0 or 3 */
    unsigned int pmask = opt_mm_preempt_stress ? 0 : 15;
    unsigned int lim = fit < count ? (unsigned int)fit : count;
    int err = 0;

    for (;;) {
        unsigned int idx = (unsigned int)((ptr & (PAGE_SIZE - 8)) >> 3);
        pte_t ol = tab[idx];

        PHASE(PH_PT_ENTRY);
        if (l1_same_refs(ol, val, bad, pg_owner)) {
            tab[idx] = val;
        } else {
            if ((err = mod_l1_entry(run->tpg, idx, val, pg_owner, false, true))) {
                if (err != -ERESTART)
                    pr_debug("d%u mmu_update: request (ptr %#llx val %#llx) refused: %d\n",
                             current_domain()->domain_id, (unsigned long long)ptr,
                             (unsigned long long)val, err);
                break;
            }
            if (unlikely(!list_empty(queue))) {
                i++;
                break;
            }
        }
        PHASE(PH_MMU_BATCH);
        if (unlikely(++i >= lim)) {
            if (i < count)
                err = -EFAULT;                  /* request i is not below the hole */
            break;
        }
        if (!(i & pmask) && mm_preempt_check()) {
            *preempt = true;
            break;
        }
        PHASE(PH_MMU_COPY);
        if (get_guest_u64x2(&ptr, &val, ureqs + i * 16)) {
            err = -EFAULT;
            break;
        }
        PHASE(PH_MMU_BATCH);
        /* This table's frame and command 0 (MMU_NORMAL_PT_UPDATE) in one
         * test; any other request leaves the run (the caller takes it). */
        if ((ptr ^ base) & ~(uint64_t)(PAGE_SIZE - 8))
            break;
    }
    *rc = err;
    return i;
}

static int normal_update(uint64_t ptr, uint64_t val, bool preserve_ad,
                         struct domain *pt_owner, struct domain *pg_owner)
{
    unsigned long mfn = (unsigned long)(ptr >> PAGE_SHIFT);
    struct page_info *tpg = get_live_table(mfn, pt_owner);
    unsigned int idx = (unsigned int)((ptr & (PAGE_SIZE - 1)) >> 3);
    int rc;

    if (!tpg)
        return plain_update(ptr, val, pt_owner);
    switch (tpg->type_info & PGT_type_mask) {
    case PGT_l1_page_table:
        rc = mod_l1_entry(tpg, idx, val, pg_owner, preserve_ad, true);
        break;
    case PGT_l2_page_table:
        rc = mod_l2_entry(tpg, idx, val, preserve_ad, true);
        break;
    default:
        rc = mod_l3_entry(tpg, idx, val, preserve_ad, true);
        /* The live PDPT changed: the guest sees it at once, as on a CR3 load. */
        if (rc == 0 && current->guest_l3_mfn == page_to_mfn(tpg))
            flush_guest_tlb();
    }
    put_page_and_type(tpg);
    return rc;
}

static int machphys_update(uint64_t ptr, uint64_t val, struct domain *pg_owner)
{
    unsigned long mfn = (unsigned long)(ptr >> PAGE_SHIFT);
    struct page_info *pg;

    if (!mfn_valid(mfn) || get_page(pg = mfn_to_page(mfn), pg_owner))
        return -EINVAL;
    m2p_set(mfn, (uint32_t)val);
    put_page(pg);
    return 0;
}

/* A request that does not start a run: every command, every kind of frame. */
static int __attribute__((noinline))
do_one_update(uint64_t rptr, uint64_t val, struct domain *pt_owner, struct domain *pg_owner)
{
    uint64_t ptr = rptr & ~7ULL;

    switch (rptr & 7) {
    case MMU_NORMAL_PT_UPDATE:
    case MMU_PT_UPDATE_NO_TRANSLATE:
        return normal_update(ptr, val, false, pt_owner, pg_owner);
    case MMU_PT_UPDATE_PRESERVE_AD:
        return normal_update(ptr, val, true, pt_owner, pg_owner);
    case MMU_MACHPHYS_UPDATE:
        return machphys_update(ptr, val, pg_owner);
    default:
        return -ENOSYS;
    }
}

/*
 * Stop here; the call is re-issued for [i, count), with the progress so
 * far in the fifth argument register (EDI), which the ABI leaves unused:
 * so a continuation never depends on *done being readable.
 */
void mm_note_continuation(void)
{
    struct domain *d = current_domain();

    if (d->mm_continuations++ == 0)
        pr_info("d%u: a long memory operation was preempted; it goes on as a "
                "continuation\n", d->domain_id);
}

long mm_batch_continuation(unsigned int nr, guest_va_t list, size_t size,
                           unsigned int i, unsigned int count,
                           guest_va_t pdone, uint32_t done, unsigned long fd)
{
    mm_note_continuation();
    return hypercall_create_continuation(nr, 5, (unsigned long)(list + i * size),
                                         (unsigned long)((count - i) | MMU_UPDATE_PREEMPTED),
                                         (unsigned long)pdone, fd, (unsigned long)done);
}

/*
 * The batch.  What the common case costs is counted (docs/performance.md):
 * foreigndom DOMID_SELF -- the whole 32-bit word, so neither owner is
 * foreign -- is the two owners without a call (foreign_pg_owner's own
 * first answer); an empty deferred queue is tested inline before
 * mm_finish_pending() (which would return 0 at once); the range of the
 * request array is reduced once to the bound `fit`, with
 * [ureqs, ureqs + 16 (i + 1)) below the hole iff i < fit, which is
 * guest_range_ok() up to request i in 64 bits, so no count makes an
 * address wrap; and a request is read as two 8-byte moves under one
 * STAC/CLAC.  A request of command 0 (or 3) on a live L1 of pt_owner starts
 * a run (run_requests); everything else goes through do_one_update().
 */
HYPERCALL_PROTO(mmu_update)
{
    guest_va_t ureqs = (guest_va_t)a1, pdone = (guest_va_t)a3;
    unsigned int count = (unsigned int)a2, fd = (unsigned int)a4;
    struct domain *d = current_domain(), *pt_owner = d, *pg_owner = d;
    uint32_t done;
    unsigned int i;
    int rc = 0;

    PHASE(PH_MMU_BATCH);
    done = mm_batch_resume(&count, a5);
    if (unlikely(fd != DOMID_SELF)) {
        /* foreigndom: bits 15..0 own the mapped frames, 31..16 = tables' owner + 1. */
        if ((rc = foreign_pg_owner((uint16_t)fd, XSM_MMU_FOREIGN, &pg_owner)))
            return rc;
        if ((fd >> 16) && (rc = foreign_pt_owner((uint16_t)((fd >> 16) - 1), &pt_owner)))
            return rc;
    }

    struct list_head *queue = &d->mm_pending;           /* mm_finish_pending's */
    if (unlikely(!list_empty(queue)) && mm_finish_pending(true) == -ERESTART)
        return mm_batch_continuation(__HYPERVISOR_mmu_update, ureqs, 16, 0, count, pdone, done, fd);
    uint64_t fit = ureqs < HYPERVISOR_VIRT_START ? (HYPERVISOR_VIRT_START - ureqs) / 16 : 0;
    for (i = 0; i < count; ) {
        uint64_t ptr, val;
        struct l1_run run;

        if (i && mm_preempt_check())
            return mm_batch_continuation(__HYPERVISOR_mmu_update, ureqs, 16, i, count,
                                         pdone, done + i, fd);
        PHASE(PH_MMU_COPY);
        if (i >= fit || get_guest_u64x2(&ptr, &val, ureqs + i * 16)) {
            rc = -EFAULT;
            break;
        }
        PHASE(PH_MMU_TABLE);
        if (((ptr & 7) == MMU_NORMAL_PT_UPDATE || (ptr & 7) == MMU_PT_UPDATE_NO_TRANSLATE) &&
            (run.tpg = get_live_l1((unsigned long)(ptr >> PAGE_SHIFT), pt_owner))) {
            bool preempt = false;

            run.tab = map_frame((unsigned long)(ptr >> PAGE_SHIFT));
            run.bad = l1_rules_of(run.tpg);
            i = run_requests(&run, ureqs, fit, i, count, ptr & ~7ULL, val, pg_owner, queue,
                             &rc, &preempt);
            PHASE(PH_MMU_TABLE);
            put_page_and_type(run.tpg);             /* the run ends */
            PHASE(PH_MMU_BATCH);
            if (rc == -ERESTART || preempt)
                return mm_batch_continuation(__HYPERVISOR_mmu_update, ureqs, 16, i, count,
                                             pdone, done + i, fd);
            if (rc)
                break;
        } else {
            PHASE(PH_PT_ENTRY);
            rc = do_one_update(ptr, val, pt_owner, pg_owner);
            PHASE(PH_MMU_BATCH);
            if (rc == -ERESTART)
                return mm_batch_continuation(__HYPERVISOR_mmu_update, ureqs, 16, i, count,
                                             pdone, done + i, fd);
            if (rc) {
                pr_debug("d%u mmu_update: request %u (ptr %#llx val %#llx) refused: %d\n",
                         d->domain_id, done + i, (unsigned long long)ptr,
                         (unsigned long long)val, rc);
                break;
            }
            i++;
        }
        if (unlikely(!list_empty(queue)) && mm_finish_pending(true) == -ERESTART)
            return mm_batch_continuation(__HYPERVISOR_mmu_update, ureqs, 16, i, count,
                                         pdone, done + i, fd);
    }
    PHASE(PH_MMU_COPY);
    if (pdone)
        (void)copy_to_guest(pdone, &(uint32_t){ done + i }, sizeof(uint32_t));
    return rc;
}

/* ---- update_va_mapping ---------------------------------------------------- */

/* The validated L1 that maps va in v's current tables (referenced), or NULL. */
static struct page_info *current_l1_for(const struct vcpu *v, uint32_t va)
{
    struct guest_walk w;

    return guest_walk_to_l1(v, va, GW_READ, &w) ? get_live_table(w.l1_mfn, v->domain) : NULL;
}

/* For the grant code (mm_ops.h); the static versions stay inlinable here. */
struct page_info *mm_get_live_table(unsigned long mfn, struct domain *pt_owner)
{
    return get_live_table(mfn, pt_owner);
}

struct page_info *mm_current_l1_for(const struct vcpu *v, uint32_t va)
{
    return current_l1_for(v, va);
}

/* mod_l1_entry() on a table live_l1_peek() accepted, with get_live_table()'s
 * references held around it (out of line: not the common case). */
static int __attribute__((noinline))
l1_update_referenced(struct page_info *l1, unsigned int idx, pte_t val, struct domain *pg_owner)
{
    int rc;

    l1->count_info++;
    l1->type_info++;
    rc = mod_l1_entry(l1, idx, val, pg_owner, false, true);
    put_page_and_type(l1);
    return rc;
}

static long update_va_mapping(uint32_t va, uint64_t val, unsigned long flags,
                              uint16_t domid, unsigned int nr, unsigned int nargs)
{
    struct vcpu *v = current;
    struct domain *pg_owner;
    unsigned long flush = flags & UVMF_FLUSHTYPE_MASK, mask = flags & ~UVMF_FLUSHTYPE_MASK;
    struct page_info *l1;
    bool here = true;
    int rc;

    if (va >= HYPERVISOR_VIRT_START || flush == UVMF_FLUSHTYPE_MASK)
        return -EINVAL;
    if (domid == DOMID_SELF)                /* foreign_pg_owner's own answer */
        pg_owner = v->domain;
    else if ((rc = foreign_pg_owner(domid, XSM_MMU_FOREIGN, &pg_owner)))
        return rc;
    /* Read the vCPU mask before changing anything. */
    if (flush != UVMF_NONE && mask != UVMF_LOCAL && mask != UVMF_ALL &&
        (rc = mm_vcpumask_has_current((guest_va_t)mask, &here)))
        return rc;
    if (!list_empty(&v->domain->mm_pending) && mm_finish_pending(true) == -ERESTART)
        goto restart;
    PHASE(PH_UVM_WALK);
    /*
     * The L1 that maps va in the vCPU's current tables, walked in software
     * (mica/guest_walk.h), must be a live L1 of ours: live_l1_peek() makes
     * every test that get_live_table() and the type test made, so where
     * it says no, -EINVAL, as before.  The common case -- the entry keeps
     * its frame and rights (l1_same_refs) -- is then a store with no
     * reference taken on the L1: on this one CPU, with interrupts off,
     * nothing runs between those tests and the store, so a general and a
     * type reference taken before it and dropped after it could not
     * change anything (no other code would see the counts in between).
     * Anything else takes the two references and is mod_l1_entry().
     */
    struct guest_walk w;
    if (!guest_walk_to_l1(v, va, GW_READ, &w) || !(l1 = live_l1_peek(w.l1_mfn, v->domain)))
        return -EINVAL;
    pte_t *pe = (pte_t *)map_frame(w.l1_mfn) + l1_index(va);
    PHASE(PH_PT_ENTRY);
    if (l1_same_refs(*pe, val, l1_rules_of(l1), pg_owner)) {
        *pe = val;
        goto flush;
    }
    rc = l1_update_referenced(l1, l1_index(va), val, pg_owner);
    PHASE(PH_HANDLER);
    if (rc == -ERESTART)
        goto restart;
    if (rc)
        return rc;
flush:
    PHASE(PH_FLUSH);
    if (here && flush == UVMF_TLB_FLUSH)
        flush_guest_tlb();
    else if (here && flush == UVMF_INVLPG)
        flush_guest_tlb_one(va);
    return 0;

restart:
    mm_note_continuation();
    return hypercall_create_continuation(nr, nargs, (unsigned long)va,
                                         (unsigned long)(uint32_t)val,
                                         (unsigned long)(uint32_t)(val >> 32), flags,
                                         (unsigned long)domid);
}

HYPERCALL_PROTO(update_va_mapping)
{
    return update_va_mapping((uint32_t)a1, a2 | ((uint64_t)a3 << 32), a4, DOMID_SELF,
                             __HYPERVISOR_update_va_mapping, 4);
}

HYPERCALL_PROTO(update_va_mapping_otherdomain)
{
    return update_va_mapping((uint32_t)a1, a2 | ((uint64_t)a3 << 32), a4, (uint16_t)a5,
                             __HYPERVISOR_update_va_mapping_otherdomain, 5);
}
