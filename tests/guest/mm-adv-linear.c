/*
 * mm-adv-linear: linear and recursive page tables through every level,
 * chains and loops of them (XSA-240/309 class), and L3 loops (XSA-185).
 *
 *   L1: an L1 mapping itself writable never validates; read-only it may.
 *   L2: the read-only self-map is allowed -- and works: through it the
 *       guest reads its own L1 tables -- but never writable, and never in
 *       the slot-3 L2 (whose hypervisor entries it would expose).  One L2
 *       may link another, already validated L2 read-only (a linear table),
 *       but linear tables do not chain: a target may not have linear
 *       entries and a table with linear entries may not be a target, so
 *       A->B then B->C, C->A or B->A are all refused; undone, they are
 *       allowed again.  The slot-3 L2 and L3s are never linear targets.
 *   L3: an L3 entry never links an L3 -- itself, or another one, in either
 *       order (so two L3s cannot form a loop) -- nor the slot-3 L2 of
 *       another L3, nor its own slot-3 L2 a second time.
 */
#include <pt.h>

#define SELF_SLOT 100                   /* L2 index of the self-map, in L3 slot 1 */
#define LINEAR_VA(i) (0x40000000u + (SELF_SLOT << 21) + ((i) << 12))

void test_main(void)
{
    uint32_t l3 = current_l3_mfn(), a, b, c, l1, x3, s3;
    uint64_t e[3], self;

    pt_walk(VIRT_BASE, e);
    s3 = PTE_MFN(e[0]);

    /* L1 */
    l1 = spare_frame();
    uint64_t *w = scratch_map(0, l1, _PAGE_PRESENT | _PAGE_RW);
    self = PTE(l1, _PAGE_PRESENT | _PAGE_RW);
    w[0] = self;
    scratch_restore(0);
    CHECK_RC(pin(1, l1), -XEN_EINVAL, "L1 mapping itself writable");
    uint32_t ro1 = spare_frame();
    w = scratch_map(0, ro1, _PAGE_PRESENT | _PAGE_RW);
    w[0] = PTE(ro1, _PAGE_PRESENT);
    scratch_restore(0);
    CHECK_RC(pin(1, ro1), 0, "L1 mapping itself read-only");

    /* L2: a self-mapped L2 in slot 1, used to read an L1 through it */
    a = spare_frame();
    w = scratch_map(0, a, _PAGE_PRESENT | _PAGE_RW);
    w[SELF_SLOT] = PTE(a, _PAGE_PRESENT | _PAGE_RW);
    w[0] = PTE(ro1, _PAGE_PRESENT | _PAGE_RW);
    scratch_restore(0);
    CHECK_RC(pin(2, a), -XEN_EINVAL, "L2 linking itself writable");
    w = scratch_map(0, a, _PAGE_PRESENT | _PAGE_RW);
    w[SELF_SLOT] = PTE(a, _PAGE_PRESENT);
    scratch_restore(0);
    CHECK_RC(pin(2, a), 0, "L2 linking itself read-only");
    CHECK_RC(mmu1(MADDR(l3, 1), PTE(a, _PAGE_PRESENT)), 0, "link it at 1 GiB");
    invlpg(LINEAR_VA(0));
    CHECK(va_to_mfn((void *)LINEAR_VA(0)) == ro1 &&
          *(volatile uint64_t *)LINEAR_VA(0) == PTE(ro1, _PAGE_PRESENT),
          "reading the L1 through the self-map");
    CHECK_RC(mmu1(MADDR(a, SELF_SLOT), PTE(a, _PAGE_PRESENT | _PAGE_RW)), -XEN_EINVAL,
             "make the self-map writable");
    CHECK_RC(mmu1(MADDR(s3, 200), PTE(s3, _PAGE_PRESENT)), -XEN_EINVAL,
             "self-map in the slot-3 L2");

    /* Linear L2s: a -> b allowed; no chains, no loops */
    b = spare_frame();
    c = spare_frame();
    CHECK_RC(pin(2, b), 0, "pin b");
    CHECK_RC(pin(2, c), 0, "pin c");
    CHECK_RC(mmu1(MADDR(a, 5), PTE(b, _PAGE_PRESENT | _PAGE_RW)), -XEN_EINVAL,
             "writable linear a -> b");
    CHECK_RC(mmu1(MADDR(a, 5), PTE(b, _PAGE_PRESENT)), 0, "linear a -> b");
    CHECK_RC(mmu1(MADDR(b, 5), PTE(c, _PAGE_PRESENT)), -XEN_EINVAL, "chain a -> b -> c");
    CHECK_RC(mmu1(MADDR(c, 5), PTE(a, _PAGE_PRESENT)), -XEN_EINVAL, "chain c -> a -> b");
    CHECK_RC(mmu1(MADDR(b, 5), PTE(a, _PAGE_PRESENT)), -XEN_EINVAL, "loop a -> b -> a");
    CHECK_RC(mmu1(MADDR(a, 6), PTE(c, _PAGE_PRESENT)), 0, "a second target a -> c");
    CHECK_RC(mmu1(MADDR(a, 7), PTE(s3, _PAGE_PRESENT)), -XEN_EINVAL, "linear to the slot-3 L2");
    CHECK_RC(mmu1(MADDR(a, 7), PTE(l3, _PAGE_PRESENT)), -XEN_EINVAL, "L2 entry to the L3");
    CHECK_RC(mmu1(MADDR(s3, 201), PTE(b, _PAGE_PRESENT)), -XEN_EINVAL,
             "linear entry in the slot-3 L2");
    CHECK_RC(mmu1(MADDR(a, 5), 0), 0, "undo a -> b");
    CHECK_RC(mmu1(MADDR(a, 6), 0), 0, "undo a -> c");
    CHECK_RC(mmu1(MADDR(b, 5), PTE(c, _PAGE_PRESENT)), 0, "now b -> c is fine");
    CHECK_RC(mmu1(MADDR(c, 5), PTE(b, _PAGE_PRESENT)), -XEN_EINVAL, "but not c -> b back");
    CHECK_RC(mmu1(MADDR(b, 5), 0), 0, "undo b -> c");

    /* L3 */
    CHECK_RC(mmu1(MADDR(l3, 2), PTE(l3, _PAGE_PRESENT)), -XEN_EINVAL, "L3 linking itself");
    uint64_t x3e[4] = { 0, 0, 0, PTE(spare_frame(), _PAGE_PRESENT) };
    x3 = make_table(x3e, 0, 4);
    CHECK_RC(pin(3, x3), 0, "pin a second L3");
    CHECK_RC(mmu1(MADDR(l3, 2), PTE(x3, _PAGE_PRESENT)), -XEN_EINVAL, "L3 -> another L3");
    CHECK_RC(mmu1(MADDR(x3, 0), PTE(l3, _PAGE_PRESENT)), -XEN_EINVAL, "... and back");
    CHECK_RC(mmu1(MADDR(x3, 1), PTE(s3, _PAGE_PRESENT)), -XEN_EINVAL,
             "another L3 -> our slot-3 L2");
    CHECK_RC(mmu1(MADDR(l3, 2), PTE(s3, _PAGE_PRESENT)), -XEN_EINVAL,
             "our slot-3 L2 a second time");
    uint64_t loop[4] = { PTE(l3, _PAGE_PRESENT), 0, 0, PTE(spare_frame(), _PAGE_PRESENT) };
    CHECK_RC(pin(3, make_table(loop, 0, 4)), -XEN_EINVAL, "pin an L3 linking the live L3");
    loop[0] = 0;
    loop[3] = PTE(s3, _PAGE_PRESENT);
    CHECK_RC(pin(3, make_table(loop, 0, 4)), -XEN_EINVAL, "pin an L3 sharing our slot-3 L2");
    CHECK_RC(mmu1(MADDR(l3, 2), PTE(b, _PAGE_PRESENT)), 0, "an ordinary L2 in slot 2");
    CHECK_RC(mmu1(MADDR(l3, 2), 0), 0, "and out again");

    CHECK_RC(mmu1(MADDR(l3, 1), 0), 0, "unlink slot 1");
    CHECK_RC(unpin(x3), 0, "unpin the second L3");
    test_success();
}
