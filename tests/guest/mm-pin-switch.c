/*
 * mm-pin-switch: build a second address space, pin it, run on it, leave
 * it, unpin it and take it apart.
 *
 * The new L3 shares the bootstrap L1 tables (so the test's own code, data
 * and stack stay mapped) through a fresh slot-3 L2, and adds an address
 * space of its own at 1 GiB: a new L2 and L1 mapping a spare frame.  It is
 * assembled the way a PV kernel does it: contents written through a
 * temporary writable mapping, then the frames pinned (validation), then
 * entries added with mmu_update, then MMUEXT_NEW_BASEPTR.  On the new
 * tables the shared region, the new mapping and the read-only M2P (the
 * hypervisor's slots, filled in by validation) must all work; back on the
 * old ones, the new mapping must be gone.  Unpinning the L3 while it is in
 * use as CR3 is legal and must change nothing until it is left.  At the
 * end every frame is untyped again (it can be mapped writable), the
 * reservation is unchanged, and the auditor runs at teardown.
 */
#include <pt.h>

#define NEW_VA 0x40000000u

void test_main(void)
{
    uint32_t old_l3 = current_l3_mfn(), boot_l2, l2s3, l2s1, l1x, l3, data;
    uint64_t e[3], boot_l2_copy[XEN_L2_GUEST_SLOTS];
    const uint64_t *old_l2;
    volatile uint32_t *p;
    long pages = current_pages();
    unsigned int i;

    if (pt_walk(VIRT_BASE, e) != 0) {
        test_error("cannot walk the bootstrap tables");
        return;
    }
    boot_l2 = PTE_MFN(e[0]);
    old_l2 = mfn_to_virt(boot_l2);
    for (i = 0; i < XEN_L2_GUEST_SLOTS; i++)
        boot_l2_copy[i] = old_l2[i];

    /* Slot-3 L2: the guest part of the bootstrap one (shares its L1s). */
    l2s3 = make_table(boot_l2_copy, 0, XEN_L2_GUEST_SLOTS);
    l2s1 = spare_frame();
    l1x = spare_frame();
    data = spare_frame();
    uint64_t l3e[4] = { 0, PTE(l2s1, _PAGE_PRESENT), 0, PTE(l2s3, _PAGE_PRESENT) };
    l3 = make_table(l3e, 0, 4);

    CHECK_RC(pin(1, l1x), 0, "pin the new L1");
    CHECK_RC(pin(3, l3), 0, "pin the new L3 (validates both L2s)");
    CHECK_RC(pin(3, l3), -XEN_EINVAL, "pin it twice");
    CHECK_RC(mmu1(MADDR(l2s1, L2_INDEX(NEW_VA)), PTE(l1x, _PAGE_PRESENT | _PAGE_RW)), 0,
             "link the L1 under slot 1");
    CHECK_RC(mmu1(MADDR(l1x, L1_INDEX(NEW_VA)),
                  PTE(data, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED)), 0,
             "map the data frame");

    CHECK_RC(new_baseptr(l3), 0, "switch to the new L3");
    p = (volatile uint32_t *)NEW_VA;
    p[0] = 0xfeedf00d;
    CHECK(p[0] == 0xfeedf00d, "new mapping does not hold data");
    CHECK(m2p(data) < start_info->nr_pages && p2m()[m2p(data)] == data,
          "M2P unreadable or wrong on the new tables");

    /* In use as CR3: unpinning is allowed and changes nothing yet. */
    CHECK_RC(unpin(l3), 0, "unpin the L3 in use as CR3");
    CHECK(p[0] == 0xfeedf00d, "lost the mapping after unpin");
    CHECK_RC(unpin(l3), -XEN_EINVAL, "unpin it twice");
    CHECK_RC(pin(3, l3), 0, "re-pin the L3 in use");

    CHECK_RC(new_baseptr(old_l3), 0, "switch back");
    CHECK(!mapped_any(NEW_VA), "1 GiB mapping visible on the old tables");

    /* Tear down: unpin everything; the tables are plain frames again. */
    CHECK_RC(unpin(l3), 0, "unpin the L3");
    CHECK_RC(unpin(l1x), 0, "unpin the L1");
    p = scratch_map(0, l3, _PAGE_PRESENT | _PAGE_RW);
    p[0] = 0;           /* writable: the L3 is untyped */
    scratch_map(0, l2s3, _PAGE_PRESENT | _PAGE_RW);
    scratch_map(0, l2s1, _PAGE_PRESENT | _PAGE_RW);
    p = scratch_map(0, l1x, _PAGE_PRESENT | _PAGE_RW);
    CHECK(((volatile uint64_t *)p)[L1_INDEX(NEW_VA)] ==
          PTE(data, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY),
          "the L1 entry is not what was written (and then dirtied)");
    p = scratch_map(0, data, _PAGE_PRESENT | _PAGE_RW);
    CHECK(p[0] == 0xfeedf00d, "data frame lost its contents");
    scratch_restore(0);
    CHECK(current_pages() == pages, "reservation changed: %ld -> %ld", pages,
          current_pages());
    test_success();
}
