/*
 * Page-table helpers for the memory tests (see include/pt.h).
 */
#include <pt.h>
#include <public/memory.h>

static uint32_t next_spare_pfn;

/*
 * Entry idx of the table in frame mfn: read through the bootstrap mapping
 * if the frame is in the region, else through a read-only scratch mapping
 * (a page table may always be mapped read-only), undone at once.
 */
static uint64_t table_entry(uint32_t mfn, unsigned int idx)
{
    const volatile uint64_t *t = mfn_to_virt(mfn);
    uint64_t e;

    if (t)
        return t[idx];
    t = scratch_map(SCRATCH_WALK, mfn, _PAGE_PRESENT);
    e = t[idx];
    scratch_restore(SCRATCH_WALK);
    return e;
}

int walk_any(uint32_t va, uint64_t e[3])
{
    e[0] = table_entry(current_l3_mfn(), L3_INDEX(va));
    e[1] = e[2] = 0;
    if (!(e[0] & _PAGE_PRESENT))
        return 3;
    e[1] = table_entry(PTE_MFN(e[0]), L2_INDEX(va));
    if (!(e[1] & _PAGE_PRESENT))
        return 2;
    if (e[1] & _PAGE_PSE)
        return 4;
    e[2] = table_entry(PTE_MFN(e[1]), L1_INDEX(va));
    return (e[2] & _PAGE_PRESENT) ? 0 : 1;
}

uint32_t va_to_mfn(const volatile void *va)
{
    uint64_t e[3];
    return walk_any((uint32_t)va, e) == 0 ? PTE_MFN(e[2]) : ~0u;
}

bool mapped_any(uint32_t va)
{
    uint64_t e[3];
    return walk_any(va, e) == 0;
}

uint32_t current_l3_mfn(void)
{
    return p2m()[(start_info->pt_base - VIRT_BASE) >> 12];
}

uint32_t l1_mfn_of(uint32_t va)
{
    uint64_t e[3];
    int rc = walk_any(va, e);
    return (rc == 0 || rc == 1) ? PTE_MFN(e[1]) : ~0u;
}

uint64_t l1e_maddr(uint32_t va)
{
    return MADDR(l1_mfn_of(va), L1_INDEX(va));
}

uint32_t spare_frames_left(void)
{
    if (!next_spare_pfn) {
        next_spare_pfn = (mapped_end() - VIRT_BASE) >> 12;
        /* An initrd given by PFN (SIF_MOD_START_PFN) sits right there. */
        if ((start_info->flags & SIF_MOD_START_PFN) && start_info->mod_start >= next_spare_pfn)
            next_spare_pfn = start_info->mod_start + ((start_info->mod_len + 4095) >> 12);
    }
    return next_spare_pfn < start_info->nr_pages ? start_info->nr_pages - next_spare_pfn : 0;
}

uint32_t spare_frame(void)
{
    if (!spare_frames_left()) {
        test_error("out of spare frames");
        test_exit();
    }
    return p2m()[next_spare_pfn++];
}

uint32_t scratch_slot_va(unsigned int slot)
{
    return mapped_end() - (slot + 1) * PAGE_SIZE;
}

void *scratch_map(unsigned int slot, uint32_t mfn, uint64_t flags)
{
    uint32_t va = scratch_slot_va(slot);
    long rc = HYPERVISOR_update_va_mapping(va, PTE(mfn, flags), UVMF_INVLPG);

    if (rc) {
        test_error("scratch_map(%u, %#x): update_va_mapping returned %ld", slot, mfn, rc);
        test_exit();
    }
    return (void *)va;
}

void scratch_restore(unsigned int slot)
{
    uint32_t va = scratch_slot_va(slot);
    uint32_t mfn = p2m()[(va - VIRT_BASE) >> 12];
    long rc = HYPERVISOR_update_va_mapping(va, PTE(mfn, _PAGE_PRESENT | _PAGE_RW |
                                                   _PAGE_ACCESSED), UVMF_INVLPG);
    if (rc) {
        test_error("scratch_restore(%u): %ld", slot, rc);
        test_exit();
    }
}

long mmu1(uint64_t ptr, uint64_t val)
{
    mmu_update_t req = { .ptr = ptr, .val = val };
    return HYPERVISOR_mmu_update(&req, 1, NULL, DOMID_SELF);
}

long mmuext1(unsigned int cmd, uint32_t arg1, uint32_t arg2)
{
    mmuext_op_t op = { .cmd = cmd };
    op.arg1.mfn = arg1;
    op.arg2.src_mfn = arg2;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

long pin(unsigned int level, uint32_t mfn)
{
    return mmuext1(MMUEXT_PIN_L1_TABLE + level - 1, mfn, 0);
}

long unpin(uint32_t mfn)
{
    return mmuext1(MMUEXT_UNPIN_TABLE, mfn, 0);
}

long new_baseptr(uint32_t mfn)
{
    return mmuext1(MMUEXT_NEW_BASEPTR, mfn, 0);
}

long invlpg(uint32_t va)
{
    return mmuext1(MMUEXT_INVLPG_LOCAL, va, 0);
}

uint32_t make_table(const uint64_t *entries, unsigned int first, unsigned int n)
{
    uint32_t mfn = spare_frame();
    uint64_t *t = scratch_map(SCRATCH_SLOTS - 1, mfn, _PAGE_PRESENT | _PAGE_RW);
    unsigned int i;

    for (i = 0; i < n; i++)
        t[first + i] = entries[i];
    scratch_restore(SCRATCH_SLOTS - 1);
    return mfn;
}

long current_pages(void)
{
    domid_t self = DOMID_SELF;
    return HYPERVISOR_memory_op(XENMEM_current_reservation, &self);
}
