/*
 * Grant-table helpers of the test runtime (include/grant.h).
 */
#include <grant.h>
#include <hypercall.h>

grant_entry_v1_t *gnt_table;

uint32_t gnt_slot_va(unsigned int slot)
{
    return mapped_end() - (slot + 1) * PAGE_SIZE;   /* as scratch_map */
}

uint32_t gnt_blank(unsigned int slot)
{
    uint32_t va = gnt_slot_va(slot);
    long rc = HYPERVISOR_update_va_mapping(va, 0, UVMF_INVLPG);

    if (rc) {
        test_error("gnt_blank(%u): %ld", slot, rc);
        test_exit();
    }
    return va;
}

grant_entry_v1_t *gnt_init(unsigned int nr_frames)
{
    uint32_t frames[GNTTAB_MAX_FRAMES_GUEST];
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = nr_frames,
                                     .frame_list = (uint32_t)frames };
    long rc;

    (void)mapped_end();                  /* cache it before any slot is blanked */
    if (nr_frames > GNTTAB_MAX_FRAMES_GUEST ||
        (rc = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1)) || st.status) {
        test_error("setup_table(%u) failed", nr_frames);
        return NULL;
    }
    gnt_table = scratch_map(0, frames[0], _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    return gnt_table;
}

void gnt_grant(grant_ref_t ref, domid_t to, uint32_t mfn, bool readonly)
{
    volatile grant_entry_v1_t *e = &gnt_table[ref];

    e->frame = mfn;
    e->domid = to;
    asm volatile ("" ::: "memory");      /* x86: stores are not reordered */
    e->flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
}

bool gnt_end(grant_ref_t ref)
{
    uint16_t f = gnt_table[ref].flags;

    if (f & (GTF_reading | GTF_writing))
        return false;
    return __atomic_compare_exchange_n(&gnt_table[ref].flags, &f, 0, false,
                                       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

long gnt_map(domid_t dom, grant_ref_t ref, uint64_t addr, uint32_t flags,
             grant_handle_t *handle)
{
    struct gnttab_map_grant_ref op = { .host_addr = addr, .flags = flags, .ref = ref,
                                       .dom = dom, .status = 1 };
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);

    if (rc)
        return rc;
    if (handle && op.status == GNTST_okay)
        *handle = op.handle;
    return op.status;
}

long gnt_unmap(uint64_t addr, grant_handle_t handle)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = addr, .handle = handle, .status = 1 };
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1);

    return rc ? rc : op.status;
}

long gnt_copy(struct gnttab_copy_ptr src, struct gnttab_copy_ptr dst, uint16_t len,
              uint16_t flags)
{
    struct gnttab_copy op = { .source = src, .dest = dst, .len = len, .flags = flags,
                              .status = 1 };
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_copy, &op, 1);

    return rc ? rc : op.status;
}
