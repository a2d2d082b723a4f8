/*
 * mm-adv-map: adversarial mappings.  Every attempt must fail cleanly
 * (-EINVAL, or -ENOSYS for an unknown mmu_update command), change nothing,
 * and leave the hypervisor -- and, at teardown, the auditor -- content.
 *
 *  1. Frames the guest does not own: frame 0, the local APIC and the IO-APIC
 *     (-EPERM: device memory of the hypervisor's), frames of the M2P
 *     (XENMEM_machphys_mfn_list), frames that are free (M2P says so),
 *     the last RAM frame, and MFNs with reserved high bits -- through update_va_mapping, mmu_update, and inside a table
 *     being pinned.  (Another domain's frames would fail the same owner
 *     check; there is no second domain yet -- the host tests cover it.)
 *     Its own shared_info page, which it does own, may be mapped.
 *  2. A writable mapping of a pinned page table, of the live L3 (pinned
 *     and in use as CR3) and of the live slot-3 L2: refused; read-only is
 *     fine.  (GDT frames: set_gdt's checks; host-tested.)
 *  3. A frame mapped writable cannot be pinned as L1, L2 or L3; once
 *     unmapped it can.
 *  4. A table that maps itself writable cannot be pinned.
 *  5. XSA-182: an entry mapping a table read-only cannot be made writable
 *     by flipping RW alone (normal update, PRESERVE_AD, update_va_mapping).
 *  6. XSA-148: PSE in an L2 entry (update or inside a table) is refused.
 *  7. XSA-227 class: PTE addresses that are not 8-byte aligned (low bits
 *     4..7: -ENOSYS), that lie in a frame the guest does not own (free,
 *     past RAM, high bits), past the four guest L3 entries or in the
 *     hypervisor's part of the slot-3 L2.  A request naming one of its own
 *     frames that is not a page table is, as in Xen, a plain store (a data
 *     frame mapped writable, an untyped frame); a descriptor page refuses
 *     it (mm-adv-gdt).
 *  8. Reserved bits and GLOBAL in a new entry.
 */
#include <pt.h>
#include <public/memory.h>

static uint32_t scratch_va;
static uint64_t scratch_entry;

static void refuse_frame_rc(uint32_t mfn, long rc, const char *what)
{
    uint64_t e = PTE(mfn, _PAGE_PRESENT);
    uint32_t t;

    CHECK_RC(HYPERVISOR_update_va_mapping(scratch_va, e, UVMF_INVLPG), rc, what);
    CHECK_RC(HYPERVISOR_update_va_mapping(scratch_va, e | _PAGE_RW, UVMF_INVLPG), rc, what);
    CHECK_RC(mmu1(l1e_maddr(scratch_va), e), rc, what);
    t = make_table(&e, 3, 1);
    CHECK_RC(pin(1, t), rc, what);
}

static void refuse_frame(uint32_t mfn, const char *what)
{
    refuse_frame_rc(mfn, -XEN_EINVAL, what);
}

void test_main(void)
{
    uint32_t l3 = current_l3_mfn(), l2;
    uint32_t m2pframes[2], f, t, top, found = 0;
    uint64_t e[3];
    long maxpage = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);

    scratch_va = mapped_end() - PAGE_SIZE;
    pt_walk(scratch_va, e);
    scratch_entry = e[2];
    pt_walk(VIRT_BASE, e);
    l2 = PTE_MFN(e[0]);

    /* 1. not ours (frames that are not RAM are device memory, which this
     * initial domain may map -- all but the hypervisor's: physdev-msi) */
    refuse_frame(0, "frame 0");
    refuse_frame_rc(0xfee00, -XEN_EPERM, "the local APIC");
    refuse_frame_rc(0xfec00, -XEN_EPERM, "the IO-APIC");
    xen_machphys_mfn_list_t ml = { .max_extents = 2 };
    set_xen_guest_handle(ml.extent_start, m2pframes);
    if (HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, &ml) == 0 && ml.nr_extents)
        refuse_frame(m2pframes[0], "an M2P frame");
    else
        test_error("no M2P frame list");
    for (f = 0x101; f < (uint32_t)maxpage && found < 4; f += 997)
        if (m2p(f) == 0xffffffffu) {
            refuse_frame(f, "a frame nobody owns (M2P invalid)");
            found++;
        }
    CHECK(found == 4, "found only %u unowned frames", found);
    top = (uint32_t)maxpage - 1;
    if (m2p(top) == 0xffffffffu)
        refuse_frame(top, "the last RAM frame");
    CHECK_RC(HYPERVISOR_update_va_mapping(scratch_va, (1ULL << 40) | _PAGE_PRESENT, UVMF_INVLPG),
             -XEN_EINVAL, "MFN bit 28 (address bit 40)");
    CHECK_RC(HYPERVISOR_update_va_mapping(scratch_va, (1ULL << 52) | scratch_entry, UVMF_INVLPG),
             -XEN_EINVAL, "reserved bit 52");
    CHECK_RC(HYPERVISOR_update_va_mapping(scratch_va, scratch_entry | _PAGE_GLOBAL, UVMF_INVLPG),
             -XEN_EINVAL, "GLOBAL");
    CHECK_RC(HYPERVISOR_update_va_mapping(scratch_va, PTE(start_info->shared_info >> 12,
             _PAGE_PRESENT | _PAGE_RW), UVMF_INVLPG), 0, "map our shared_info");
    CHECK(((volatile shared_info_t *)scratch_va)->vcpu_info[0].evtchn_upcall_mask == 1,
          "shared_info contents");
    scratch_restore(0);

    /* 2. writable mappings of tables */
    t = spare_frame();
    CHECK_RC(pin(1, t), 0, "pin an L1");
    CHECK_RC(HYPERVISOR_update_va_mapping(scratch_va, PTE(t, _PAGE_PRESENT | _PAGE_RW),
             UVMF_INVLPG), -XEN_EINVAL, "map a pinned L1 writable");
    CHECK_RC(mmu1(l1e_maddr(scratch_va), PTE(t, _PAGE_PRESENT | _PAGE_RW)), -XEN_EINVAL,
             "mmu_update: map a pinned L1 writable");
    CHECK_RC(HYPERVISOR_update_va_mapping(scratch_va, PTE(l3, _PAGE_PRESENT | _PAGE_RW),
             UVMF_INVLPG), -XEN_EINVAL, "map the live L3 writable");
    CHECK_RC(HYPERVISOR_update_va_mapping(scratch_va, PTE(l2, _PAGE_PRESENT | _PAGE_RW),
             UVMF_INVLPG), -XEN_EINVAL, "map the live slot-3 L2 writable");
    CHECK_RC(HYPERVISOR_update_va_mapping(scratch_va, PTE(t, _PAGE_PRESENT), UVMF_INVLPG), 0,
             "map a pinned L1 read-only");

    /* 5. XSA-182: only RW changes */
    CHECK_RC(mmu1(l1e_maddr(scratch_va), PTE(t, _PAGE_PRESENT | _PAGE_RW)), -XEN_EINVAL,
             "flip RW (normal update)");
    CHECK_RC(mmu1(l1e_maddr(scratch_va) | MMU_PT_UPDATE_PRESERVE_AD,
                  PTE(t, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED)), -XEN_EINVAL,
             "flip RW (preserve A/D)");
    CHECK_RC(HYPERVISOR_update_va_mapping(scratch_va, PTE(t, _PAGE_PRESENT | _PAGE_RW |
             _PAGE_ACCESSED), UVMF_NONE), -XEN_EINVAL, "flip RW (update_va_mapping)");
    CHECK_RC(mmu1(l1e_maddr(scratch_va), PTE(t, _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_USER)), 0,
             "other flags of a read-only table mapping");
    scratch_restore(0);
    CHECK_RC(unpin(t), 0, "unpin");

    /* 3. writable, then pinned */
    f = spare_frame();
    scratch_map(0, f, _PAGE_PRESENT | _PAGE_RW);
    CHECK_RC(pin(1, f), -XEN_EINVAL, "pin a writable frame as L1");
    CHECK_RC(pin(2, f), -XEN_EINVAL, "... as L2");
    CHECK_RC(pin(3, f), -XEN_EINVAL, "... as L3");
    CHECK_RC(new_baseptr(f), -XEN_EINVAL, "... as base pointer");
    scratch_restore(0);
    CHECK_RC(pin(1, f), 0, "pin it once unmapped");
    CHECK_RC(unpin(f), 0, "unpin");

    /* 4. a table mapping itself writable */
    f = spare_frame();
    uint64_t *w = scratch_map(0, f, _PAGE_PRESENT | _PAGE_RW);
    w[9] = PTE(f, _PAGE_PRESENT | _PAGE_RW);
    scratch_restore(0);
    CHECK_RC(pin(1, f), -XEN_EINVAL, "pin an L1 mapping itself writable");
    CHECK_RC(pin(2, f), -XEN_EINVAL, "pin an L2 linking itself writable");

    /* 6. XSA-148: superpages */
    t = spare_frame();
    CHECK_RC(pin(2, t), 0, "pin an empty L2");
    CHECK_RC(mmu1(MADDR(t, 7), PTE(spare_frame() & ~511u, _PAGE_PRESENT | _PAGE_PSE)),
             -XEN_EINVAL, "PSE L2 entry");
    CHECK_RC(mmu1(MADDR(l2, 300), PTE(0, _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE)), -XEN_EINVAL,
             "PSE entry in the live slot-3 L2");
    uint64_t pse = PTE(0x200, _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE);
    CHECK_RC(pin(2, make_table(&pse, 0, 1)), -XEN_EINVAL, "pin an L2 holding a PSE entry");
    CHECK_RC(unpin(t), 0, "unpin");

    /* 7. XSA-227 class: PTE addresses */
    uint64_t ok = scratch_entry;
    for (unsigned int c = 4; c < 8; c++)
        CHECK_RC(mmu1(l1e_maddr(scratch_va) | c, ok), -XEN_ENOSYS, "command 4..7");
    f = spare_frame();
    volatile uint64_t *data = scratch_map(0, f, _PAGE_PRESENT | _PAGE_RW);
    data[5] = 0;
    CHECK_RC(mmu1(MADDR(f, 5), 0x1122334455667788ull), 0, "plain store to a data frame");
    CHECK(data[5] == 0x1122334455667788ull, "the store did not land: %#llx",
          (unsigned long long)data[5]);
    scratch_restore(0);
    CHECK_RC(mmu1(MADDR(spare_frame(), 0), ok), 0, "plain store to an untyped frame");
    CHECK_RC(mmu1(MADDR(1, 0), ok), -XEN_EINVAL, "PTE in frame 1");
    CHECK_RC(mmu1(MADDR(0xfffff, 0), ok), -XEN_EINVAL, "PTE past RAM");
    CHECK_RC(mmu1((1ULL << 52) | l1e_maddr(scratch_va), ok), -XEN_EINVAL, "PTE address bit 52");
    CHECK_RC(mmu1(MADDR(l3, 3), 0), -XEN_EINVAL, "L3 slot 3");
    CHECK_RC(mmu1(MADDR(l3, 4), 0), -XEN_EINVAL, "L3 entry 4");
    CHECK_RC(mmu1(MADDR(l3, 511), PTE(l2, _PAGE_PRESENT)), -XEN_EINVAL, "L3 entry 511");
    CHECK_RC(mmu1(MADDR(l2, 428), 0), -XEN_EINVAL, "hypervisor slot 428");
    CHECK_RC(mmu1(MADDR(l2, 511), 0), -XEN_EINVAL, "hypervisor slot 511");
    CHECK(va_mapped(scratch_va) && *(volatile uint32_t *)VIRT_BASE != 0x12345678,
          "still running normally");
    test_success();
}
