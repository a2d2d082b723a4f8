/*
 * The one software walk of a guest's page tables.
 *
 * The hypervisor reads a guest's tables itself in a handful of places:
 * to find the L1 entry a hypercall or the writable-page-table assist is
 * about to change, to find the frame behind the guest's LDT, and to decide
 * whether an access made on behalf of a given ring would be allowed --
 * which is where per-ring rights checks live (a ring-3 caller may only
 * make the hypervisor read what ring 3 itself could read).  Those checks
 * used to be four private walkers with four sets of rules; there is one,
 * here, and the caller states the access: what it does (read, write,
 * execute) and whether ring 3 makes it.  The rules are the CPU's for a
 * 32-bit PAE guest under a 64-bit hypervisor:
 *
 *   - every level must be present; an L2 superpage (never validated for a
 *     guest) ends the walk like a missing entry;
 *   - a write needs RW at every level, for the guest kernel too: CR0.WP
 *     is set (L3 entries always carry RW|US, the hypervisor adds them);
 *   - a ring-3 access needs US at every level;
 *   - an instruction fetch is refused by NX at any level (if the CPU has
 *     it).
 *
 * The walk reads the tables through the direct map (map_frame), never
 * through the guest's own mappings or the TLB, so it sees the tables as
 * they are now (XSA-286: a multicall may just have changed an L2 entry).
 * It reads v's current tables (the L3 in v->guest_l3_mfn), which are
 * validated: every frame they link is RAM of the domain.  It takes no
 * references: callers that change what they found take their own
 * (mmu_update.c's get_live_table, mm_fault.c).  Inline, so that the hot
 * callers (update_va_mapping) get exactly the code their access needs.
 * Host-tested (tests/host/test-guest-walk.c).
 */
#ifndef MICA_GUEST_WALK_H
#define MICA_GUEST_WALK_H

#include <mica/types.h>
#include <mica/domain.h>
#include <mica/mm.h>
#include <asm/page.h>
#include <asm/mm_arch.h>

/* The access: what it does, and who makes it. */
#define GW_READ   0u
#define GW_WRITE  (1u << 0)     /* RW at every level */
#define GW_USER   (1u << 1)     /* made by ring 3: US at every level */
#define GW_EXEC   (1u << 2)     /* an instruction fetch: no NX at any level */

struct guest_walk {
    pte_t l3e, l2e, l1e;        /* the entries read (0 below where the walk stopped) */
    unsigned long l1_mfn;       /* the L1 table, once a present L2 entry links it */
    unsigned long mfn;          /* the frame mapped, once the L1 entry is present */
    unsigned int missing;       /* first level (3, 2, 1) whose entry is not present; 0: none */
    unsigned int refused;       /* first present level refusing the access; 0: none */
};

static inline bool guest_walk_refuses(pte_t e, unsigned int access)
{
    return ((access & GW_WRITE) && !(e & _PAGE_RW)) ||
           ((access & GW_USER) && !(e & _PAGE_USER)) ||
           ((access & GW_EXEC) && (e & _PAGE_NX) && cpu_has_nx());
}

/*
 * The walk down to the L1 table: the L3 and L2 entries for va, with their
 * rights.  True iff both are present (w->l1_mfn is then the L1 table);
 * what update_va_mapping and grant maps need, who change the L1 entry
 * whatever it holds.
 */
static inline bool guest_walk_to_l1(const struct vcpu *v, uint32_t va, unsigned int access,
                                    struct guest_walk *w)
{
    pte_t e;

    *w = (struct guest_walk){ .missing = 3 };
    if (!v->guest_l3_mfn)
        return false;
    e = w->l3e = ((const pte_t *)map_frame(v->guest_l3_mfn))[va >> L3_SHIFT];
    if (!(e & _PAGE_PRESENT))
        return false;
    if (guest_walk_refuses(e, access))
        w->refused = 3;
    w->missing = 2;
    e = w->l2e = ((const pte_t *)map_frame(pte_mfn(e)))[l2_index(va)];
    if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
        return false;
    if (!w->refused && guest_walk_refuses(e, access))
        w->refused = 2;
    w->missing = 1;
    w->l1_mfn = pte_mfn(e);
    return true;
}

/*
 * Walk va in v's current tables.  True iff va is mapped and `access` is
 * allowed at every level; *w says how far the walk got and, if it was
 * refused, where.
 */
static inline bool guest_walk(const struct vcpu *v, uint32_t va, unsigned int access,
                              struct guest_walk *w)
{
    pte_t e;

    if (!guest_walk_to_l1(v, va, access, w))
        return false;
    e = w->l1e = ((const pte_t *)map_frame(w->l1_mfn))[l1_index(va)];
    if (!(e & _PAGE_PRESENT))
        return false;
    w->missing = 0;
    if (!w->refused && guest_walk_refuses(e, access))
        w->refused = 1;
    w->mfn = pte_mfn(e);
    return !w->refused;
}

/* Every page of [va, va + len) allowed for `access` (len > 0, no wrap
 * past 4 GiB: the caller checked the range). */
static inline bool guest_range_allows(const struct vcpu *v, uint32_t va, uint32_t len,
                                      unsigned int access)
{
    struct guest_walk w;

    for (uint64_t p = va & ~(uint64_t)(PAGE_SIZE - 1); p < (uint64_t)va + len; p += PAGE_SIZE)
        if (!guest_walk(v, (uint32_t)p, access, &w))
            return false;
    return true;
}

#endif
