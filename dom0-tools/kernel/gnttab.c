/*
 * Dom0's grant table.
 *
 * Granting: the table is set up with one frame (512 entries; the
 * hypervisor allows four) mapped writable in the window; refs 0-7 are
 * reserved by convention (0 console, 1 xenstore, both meaningful only in
 * a guest's own table), so Dom0 hands out 8 and up from a free bitmap.
 * A grant is written frame and domid first, flags last; it is revoked the
 * way the ABI asks (one compare-and-exchange of the flags to 0, refused
 * while the hypervisor's GTF_reading/GTF_writing show a use).
 *
 * Mapping: each mapping of another domain's grant takes a window slot;
 * the hypervisor writes the grant PTE itself (GNTMAP_host_map at the
 * slot's VA), and its handle is kept per slot for the unmap.  A grant PTE
 * cannot be changed with mmu_update, so these slots are never touched by
 * window_unmap(); gnttab_unmap() gives them back.
 */
#include "gnttab.h"
#include "mm.h"
#include "hypercall.h"
#include <errno.h>

#define NR_REFS GNTTAB_V1_ENTRIES_PER_FRAME

static volatile grant_entry_v1_t *table;
static uint32_t ref_used[NR_REFS / 32];
static grant_handle_t slot_handle[WINDOW_PAGES];
static uint32_t slot_is_grant[WINDOW_PAGES / 32];
static unsigned int nr_grants, nr_maps;

void gnttab_init(void)
{
    uint32_t frame;
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .nr_frames = 1 };
    void *va = window_alloc(1);
    long rc;

    set_xen_guest_handle(st.frame_list, &frame);
    rc = HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1);
    if (rc || st.status || !va) {
        kprintf("grant table setup failed (%ld, status %d): no grants\n", rc, st.status);
        return;
    }
    rc = window_map(va, &frame, 1, DOMID_SELF, true);
    if (rc) {
        kprintf("cannot map the grant table: %ld\n", rc);
        return;
    }
    table = va;
    ref_used[0] = 0xff;                 /* refs 0-7 are reserved */
}

int gnttab_errno(int16_t status)
{
    switch (status) {
    case GNTST_okay:              return 0;
    case GNTST_bad_domain:        return -ESRCH;
    case GNTST_permission_denied: return -EPERM;
    case GNTST_no_device_space:
    case GNTST_no_space:          return -ENOSPC;
    case GNTST_eagain:            return -EAGAIN;
    case GNTST_bad_handle:        return -EBADF;
    case GNTST_bad_page:          return -EFAULT;
    default:                      return -EINVAL;
    }
}

int gnttab_grant(domid_t to, const void *page, bool readonly)
{
    if (!table)
        return -ENOSYS;
    if (((uintptr_t)page & ~PAGE_MASK) || (uint32_t)(uintptr_t)page < VIRT_BASE ||
        virt_to_pfn(page) >= mm_nr_direct)
        return -EINVAL;
    for (uint32_t ref = 8; ref < NR_REFS; ref++) {
        if (ref_used[ref / 32] & (1u << (ref % 32)))
            continue;
        ref_used[ref / 32] |= 1u << (ref % 32);
        table[ref].frame = virt_to_mfn(page);
        table[ref].domid = to;
        __atomic_thread_fence(__ATOMIC_RELEASE);
        table[ref].flags = GTF_permit_access | (readonly ? GTF_readonly : 0);
        nr_grants++;
        return (int)ref;
    }
    return -ENOSPC;
}

int gnttab_revoke(grant_ref_t ref)
{
    uint16_t flags;

    if (!table || ref < 8 || ref >= NR_REFS || !(ref_used[ref / 32] & (1u << (ref % 32))))
        return -EINVAL;
    flags = table[ref].flags;
    if (flags & (GTF_reading | GTF_writing))
        return -EBUSY;
    if (!__atomic_compare_exchange_n(&table[ref].flags, &flags, 0, false,
                                     __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        return -EBUSY;
    ref_used[ref / 32] &= ~(1u << (ref % 32));
    nr_grants--;
    return 0;
}

static uint32_t slot_of(const void *va)
{
    return ((uint32_t)(uintptr_t)va - WINDOW_START) >> PAGE_SHIFT;
}

int gnttab_map(domid_t dom, grant_ref_t ref, bool writable, void **out)
{
    void *va = window_alloc(1);
    struct gnttab_map_grant_ref op = {
        .host_addr = (uint32_t)(uintptr_t)va, .ref = ref, .dom = dom,
        .flags = GNTMAP_host_map | (writable ? 0 : GNTMAP_readonly),
    };
    long rc;

    if (!va)
        return -ENOSPC;
    rc = HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);
    if (rc || op.status != GNTST_okay) {
        window_free(va, 1);
        return rc ? (int)rc : gnttab_errno(op.status);
    }
    uint32_t s = slot_of(va);
    slot_handle[s] = op.handle;
    slot_is_grant[s / 32] |= 1u << (s % 32);
    nr_maps++;
    *out = va;
    return 0;
}

int gnttab_unmap(void *va)
{
    uint32_t v = (uint32_t)(uintptr_t)va, s;
    struct gnttab_unmap_grant_ref op = { .host_addr = v };
    long rc;

    if (v < WINDOW_START || v >= WINDOW_END || (v & ~PAGE_MASK))
        return -EINVAL;
    s = slot_of(va);
    if (!(slot_is_grant[s / 32] & (1u << (s % 32))))
        return -EINVAL;
    op.handle = slot_handle[s];
    rc = HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, &op, 1);
    if (rc || op.status != GNTST_okay)
        return rc ? (int)rc : gnttab_errno(op.status);
    slot_is_grant[s / 32] &= ~(1u << (s % 32));
    window_free(va, 1);
    nr_maps--;
    return 0;
}

long gnttab_copy(gnttab_copy_t *ops, unsigned int n)
{
    return n ? HYPERVISOR_grant_table_op(GNTTABOP_copy, ops, n) : 0;
}

void gnttab_stats(unsigned int *grants, unsigned int *maps)
{
    *grants = nr_grants;
    *maps = nr_maps;
}
