/*
 * What a PV guest may put in a descriptor table, and which selectors it
 * may register.  Pure rules: no inline assembly, no global state; the
 * host tests (tests/host/test-desc-check.c) compile this very file and
 * exercise every rule.
 *
 * Why the rules exist.  The guest kernel runs in ring 1, which paging
 * treats as supervisor: page-level U/S bits do not separate it from the
 * hypervisor.  What does is that a 32-bit guest runs in compatibility
 * mode and can only form 32-bit linear addresses, while the hypervisor
 * lives above 4 GiB.  So the one thing a guest descriptor must never
 * give it is a way out of compatibility mode or into ring 0:
 *
 *  - code or data with DPL 0 would let the guest load ring-0 segments:
 *    DPL 0 is silently raised to 1 (as Xen does);
 *  - a code segment with L=1 is 64-bit code: the guest could run 64-bit
 *    instructions and reach every address, including ours: refused;
 *  - system descriptors (TSS, LDT, interrupt/trap/task gates) are the
 *    hypervisor's business: refused, except
 *  - call gates, which the 32-bit PV ABI allows.  In long mode every call
 *    gate is a 64-bit gate that may only target 64-bit code, so a guest's
 *    gate could only ever lead to the hypervisor's own code segment.  An
 *    accepted gate therefore gets DPL 0 -- every use then faults with
 *    #GP(gate selector), to be emulated or bounced -- and its real DPL
 *    (0 raised to 1) is kept in the RPL bits of the target selector,
 *    which must be a guest GDT/LDT selector or FLAT_RING1_CS.  A gate
 *    that already has DPL 0 keeps the DPL recorded there, so checking a
 *    table twice changes nothing (set_gdt re-checks pages it maps);
 *  - a present system descriptor of type 0 is harmless (the CPU reads
 *    one as the upper half of a 64-bit gate): accepted.
 *
 * Limits and bases are not checked: in the 32-on-64 flavour segments may
 * be flat 4 GiB, because every linear address a compatibility-mode guest
 * can form is below 4 GiB and the guest's part of that space is its own
 * (the M2P in the hole is mapped read-only and supervisor-only).
 *
 * Code and data descriptors get their accessed bit preset, so the CPU
 * never needs to write to a GDT or LDT page: the hypervisor maps those
 * read-only.  Not-present descriptors are accepted unchanged; they are
 * checked again when made present (update_descriptor).
 */
#include <mica/types.h>
#include <public/xen.h>
#include <asm/desc_check.h>

bool gate_target_ok(uint16_t sel)
{
    if (sel & SEL_TI)
        return true;                                /* the guest's LDT */
    if (SEL_INDEX(sel) == 0)
        return false;                               /* null */
    if (SEL_INDEX(sel) < FIRST_RESERVED_GDT_ENTRY)
        return true;                                /* the guest's GDT */
    return (sel & ~3u) == (FLAT_RING1_CS & ~3u);
}

bool check_descriptor(uint64_t *pd)
{
    uint64_t d = *pd;
    unsigned int dpl;

    if (!(d & DESC_P))
        return true;

    dpl = desc_dpl(d);
    if (dpl == 0)
        dpl = 1;

    if (d & DESC_S) {
        if ((d & DESC_CODE) && (d & DESC_L))
            return false;
        d = (d & ~DESC_DPL_MASK) | ((uint64_t)dpl << DESC_DPL_SHIFT) | DESC_ACCESSED;
        *pd = d;
        return true;
    }

    switch (desc_type(d)) {
    case 0:
        return true;
    case SYS_TYPE_CALL_GATE: {
        uint16_t target = gate_selector(d);
        if (!gate_target_ok(target))
            return false;
        if (d & (7ULL << 37))                       /* reserved bits */
            return false;
        if (desc_dpl(d) == 0)                       /* already in our form */
            dpl = SEL_RPL(target) ? SEL_RPL(target) : 1;
        target = (uint16_t)((target & ~3u) | dpl);
        d &= ~(DESC_DPL_MASK | (0xffffULL << 16));
        d |= (uint64_t)target << 16;
        *pd = d;
        return true;
    }
    default:
        return false;
    }
}

bool descriptor_page_ok(const uint64_t *page)
{
    for (unsigned int i = 0; i < 512; i++) {
        uint64_t copy = page[i];
        if (!check_descriptor(&copy))
            return false;
    }
    return true;
}

void fixup_descriptor_page(uint64_t *page)
{
    for (unsigned int i = 0; i < 512; i++) {
        uint64_t d = page[i];
        if (check_descriptor(&d) && d != page[i])
            page[i] = d;
    }
}

static bool fixup_ring1_selector(uint16_t *sel, uint16_t flat)
{
    uint16_t s = *sel;

    if (SEL_RPL(s) == 0)
        s |= 1;
    if (SEL_RPL(s) != 1)
        return false;
    if (!(s & SEL_TI)) {
        if (SEL_INDEX(s) == 0)
            return false;
        if (SEL_INDEX(s) >= FIRST_RESERVED_GDT_ENTRY && s != flat)
            return false;
    }
    *sel = s;
    return true;
}

bool fixup_guest_code_selector(uint16_t *sel)
{
    return fixup_ring1_selector(sel, FLAT_RING1_CS);
}

bool fixup_guest_stack_selector(uint16_t *sel)
{
    return fixup_ring1_selector(sel, FLAT_RING1_SS);
}
