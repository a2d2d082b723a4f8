/*
 * Control-plane helpers for test guests (include/ctl.h): thin wrappers
 * that fill the header of a domctl or sysctl, and the few foreign-memory
 * calls a privileged test needs to give another domain memory, map it and
 * pin its tables.  They check nothing themselves: the tests do.
 */
#include <ctl.h>
#include <pt.h>

long domctl(uint32_t cmd, domid_t dom, struct xen_domctl *op)
{
    op->cmd = cmd;
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    op->domain = dom;
    return HYPERVISOR_domctl(op);
}

long sysctl(uint32_t cmd, struct xen_sysctl *op)
{
    op->cmd = cmd;
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return HYPERVISOR_sysctl(op);
}

long ctl_create(domid_t want, domid_t *got)
{
    struct xen_domctl op;
    long rc;

    memset(&op, 0, sizeof(op));
    rc = domctl(XEN_DOMCTL_createdomain, want, &op);
    if (got)
        *got = rc ? DOMID_INVALID : op.domain;
    return rc;
}

long ctl_destroy(domid_t dom, unsigned int *calls)
{
    struct xen_domctl op;
    unsigned int n = 0;
    long rc;

    do {
        memset(&op, 0, sizeof(op));
        rc = domctl(XEN_DOMCTL_destroydomain, dom, &op);
        n++;
    } while (rc == -XEN_EAGAIN);
    if (calls)
        *calls = n;
    return rc;
}

long ctl_info(domid_t dom, struct xen_domctl_getdomaininfo *info)
{
    struct xen_domctl op;
    long rc;

    memset(&op, 0, sizeof(op));
    rc = domctl(XEN_DOMCTL_getdomaininfo, dom, &op);
    if (rc)
        return rc;
    if (op.domain != dom)
        return -XEN_ESRCH;
    *info = op.u.getdomaininfo;
    return 0;
}

static long simple(uint32_t cmd, domid_t dom)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    return domctl(cmd, dom, &op);
}

long ctl_pause(domid_t dom)
{
    return simple(XEN_DOMCTL_pausedomain, dom);
}

long ctl_unpause(domid_t dom)
{
    return simple(XEN_DOMCTL_unpausedomain, dom);
}

long ctl_max_mem_kb(domid_t dom, uint64_t kb)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.u.max_mem.max_memkb = kb;
    return domctl(XEN_DOMCTL_max_mem, dom, &op);
}

long ctl_max_vcpus(domid_t dom, uint32_t max)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.u.max_vcpus.max = max;
    return domctl(XEN_DOMCTL_max_vcpus, dom, &op);
}

uint64_t ctl_free_pages(void)
{
    struct xen_sysctl op;

    memset(&op, 0, sizeof(op));
    return sysctl(XEN_SYSCTL_physinfo, &op) ? ~0ull : op.u.physinfo.free_pages;
}

long ctl_populate(domid_t dom, uint32_t *mfns, unsigned int n)
{
    xen_memory_reservation_t r = {
        .extent_start = (uint32_t)mfns, .nr_extents = n, .extent_order = 0, .domid = dom,
    };

    for (unsigned int i = 0; i < n; i++)
        mfns[i] = i;
    return HYPERVISOR_memory_op(XENMEM_populate_physmap, &r);
}

long foreign_map(unsigned int slot, uint32_t mfn, domid_t dom, bool rw)
{
    uint32_t va = scratch_slot_va(slot);
    mmu_update_t req = {
        .ptr = l1e_maddr(va) | MMU_NORMAL_PT_UPDATE,
        .val = PTE(mfn, _PAGE_PRESENT | _PAGE_ACCESSED | (rw ? _PAGE_RW | _PAGE_DIRTY : 0)),
    };
    long rc = HYPERVISOR_mmu_update(&req, 1, NULL, dom);

    invlpg(va);
    return rc;
}

void foreign_unmap(unsigned int slot)
{
    scratch_restore(slot);
}

long foreign_pin(domid_t dom, unsigned int level, uint32_t mfn)
{
    mmuext_op_t op = { .cmd = level == 0 ? MMUEXT_UNPIN_TABLE
                                         : MMUEXT_PIN_L1_TABLE + (level - 1) };
    op.arg1.mfn = mfn;
    return HYPERVISOR_mmuext_op(&op, 1, NULL, dom);
}
