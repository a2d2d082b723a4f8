/*
 * mm-adv-gdt: descriptor pages and page tables never become writable.
 *
 * A spare frame becomes the guest's GDT (set_gdt: it takes the
 * segment-descriptor type).  From then on it cannot be mapped writable --
 * not with update_va_mapping, not with mmu_update -- nor pinned as a page
 * table, nor written by an mmu_update naming it (which is a plain store
 * into a frame that is not a table); read-only it may be mapped.  The other way round, a frame that
 * is mapped writable, or that is a pinned page table, cannot become a GDT
 * frame.  update_descriptor (the checked way to change a descriptor)
 * still works on it.  After the guest moves to another GDT the frame is an
 * ordinary page again and may be mapped writable.
 */
#include <pt.h>

void test_main(void)
{
    uint32_t g = spare_frame(), g2 = spare_frame(), t = spare_frame(), w = spare_frame();
    uint32_t va = mapped_end() - PAGE_SIZE;
    uint64_t flat_data = 0x00cff2000000ffffull;      /* DPL 1 flat data */

    CHECK_RC(HYPERVISOR_set_gdt(&g, 512), 0, "set_gdt on a fresh frame");
    CHECK_RC(HYPERVISOR_update_va_mapping(va, PTE(g, _PAGE_PRESENT | _PAGE_RW), UVMF_INVLPG),
             -XEN_EINVAL, "map the GDT frame writable");
    CHECK_RC(mmu1(l1e_maddr(va), PTE(g, _PAGE_PRESENT | _PAGE_RW)), -XEN_EINVAL,
             "mmu_update: map the GDT frame writable");
    CHECK_RC(pin(1, g), -XEN_EINVAL, "pin the GDT frame as an L1");
    CHECK_RC(mmu1(MADDR(g, 1), flat_data | (3ull << 45)), -XEN_EINVAL,
             "mmu_update: a plain store into the GDT frame");
    CHECK_RC(HYPERVISOR_update_va_mapping(va, PTE(g, _PAGE_PRESENT), UVMF_INVLPG), 0,
             "map the GDT frame read-only");
    CHECK_RC(HYPERVISOR_update_descriptor(((uint64_t)g << 12) + 8, flat_data), 0,
             "update_descriptor in the GDT frame");
    CHECK((((volatile uint64_t *)va)[1] | (1ULL << 40)) == (flat_data | (1ULL << 40)),
          "descriptor not written: %#llx", (unsigned long long)((volatile uint64_t *)va)[1]);
    CHECK_RC(mmu1(l1e_maddr(va), PTE(g, _PAGE_PRESENT | _PAGE_RW)), -XEN_EINVAL,
             "flip RW on the read-only GDT mapping");
    scratch_restore(0);

    scratch_map(0, w, _PAGE_PRESENT | _PAGE_RW);
    CHECK(HYPERVISOR_set_gdt(&w, 512) < 0, "set_gdt on a frame mapped writable");
    scratch_restore(0);
    CHECK_RC(pin(1, t), 0, "pin an L1");
    CHECK(HYPERVISOR_set_gdt(&t, 512) < 0, "set_gdt on a pinned L1");
    CHECK_RC(unpin(t), 0, "unpin");

    CHECK_RC(HYPERVISOR_set_gdt(&g2, 512), 0, "move to another GDT");
    CHECK_RC(HYPERVISOR_update_va_mapping(va, PTE(g, _PAGE_PRESENT | _PAGE_RW), UVMF_INVLPG), 0,
             "the old GDT frame is an ordinary page again");
    scratch_restore(0);
    test_success();
}
