/*
 * domctl ops on a domain's memory and I/O: its limit, what its frames are
 * used as, its hypercall page, its address size, and the I/O resources it
 * is given.
 *
 *   max_mem            max_pages = max_memkb / 4.  Not checked against
 *                      what the domain holds: it simply cannot grow while
 *                      at or above the limit (Xen 4.2).
 *   getpageframeinfo3  for each frame number in the caller's array (4-byte
 *                      xen_pfn_t: a 32-bit caller's width; MFNs, the domain
 *                      is PV) its type as XEN_DOMCTL_PFINFO_*: L1..L3 table
 *                      or none, | LPINTAB if pinned; XTAB for a frame that
 *                      is not the domain's (or is the hypervisor's).  At
 *                      most 1024 per call (-E2BIG).  The builder uses it to
 *                      see which frames are page tables.
 *   hypercall_init     writes the hypercall page into one of the domain's
 *                      frames, which must be able to take the writable type
 *                      (never a page table): -EACCES otherwise.
 *   set_address_size   Mica runs 32-bit PV guests only ("32-on-64"): 32 is
 *                      accepted while the domain has no memory (-EACCES
 *                      after, as Xen's mode switch), anything else -EINVAL;
 *                      get_address_size says 32.
 *   ioport/iomem/irq_permission  grant or revoke (common/iocaps.c):
 *                      ports beyond 65535 or a wrapping frame range -EINVAL.
 */
#include <mica/domain.h>
#include <mica/mm.h>
#include <mica/guest_access.h>
#include <mica/iocaps.h>
#include <mica/pv_image.h>
#include <asm/mm_arch.h>
#include "ctl.h"

long domctl_max_mem(struct domain *d, struct xen_domctl *op)
{
    d->max_pages = (unsigned long)(op->u.max_mem.max_memkb >> (PAGE_SHIFT - 10));
    return 0;
}

/* One frame's PFINFO word, as getpageframeinfo3 reports it for d. */
static uint32_t pfinfo(const struct domain *d, uint32_t mfn)
{
    const struct page_info *pg;
    uint32_t t;

    if (!mfn_valid(mfn))
        return XEN_DOMCTL_PFINFO_XTAB;
    pg = mfn_to_page(mfn);
    if (pg->owner != d || (pg->count_info & (PGC_xen_heap | PGC_free)))
        return XEN_DOMCTL_PFINFO_XTAB;
    switch (pg->type_info & PGT_type_mask) {
    case PGT_l1_page_table: t = XEN_DOMCTL_PFINFO_L1TAB; break;
    case PGT_l2_page_table: t = XEN_DOMCTL_PFINFO_L2TAB; break;
    case PGT_l3_page_table: t = XEN_DOMCTL_PFINFO_L3TAB; break;
    default:                t = XEN_DOMCTL_PFINFO_NOTAB; break;
    }
    if (pg->type_info & PGT_pinned)
        t |= XEN_DOMCTL_PFINFO_LPINTAB;
    return t;
}

long domctl_getpageframeinfo3(struct domain *d, struct xen_domctl *op)
{
    const struct xen_domctl_getpageframeinfo3 *g = &op->u.getpageframeinfo3;
    guest_va_t va;
    int rc;

    if ((rc = ctl_handle(g->array, &va)))
        return rc;
    if (g->num > XEN_DOMCTL_PFINFO3_MAX)
        return -E2BIG;
    if (!guest_range_ok(va, g->num * sizeof(uint32_t)))
        return -EFAULT;
    for (uint32_t i = 0; i < (uint32_t)g->num; i++) {
        uint32_t w;
        if (copy_from_guest(&w, va + i * 4, sizeof(w)))
            return -EFAULT;
        w = pfinfo(d, w);
        if (copy_to_guest(va + i * 4, &w, sizeof(w)))
            return -EFAULT;
    }
    return 0;
}

long domctl_hypercall_init(struct domain *d, struct xen_domctl *op)
{
    uint64_t gmfn = op->u.hypercall_init.gmfn;
    struct page_info *pg;

    if (!mfn_valid(gmfn) || (mfn_to_page(gmfn)->count_info & PGC_xen_heap) ||
        get_page_and_type(pg = mfn_to_page(gmfn), d, PGT_writable_page))
        return -EACCES;
    pv_hypercall_page(map_frame((unsigned long)gmfn));
    put_page_and_type(pg);
    return 0;
}

long domctl_set_address_size(struct domain *d, struct xen_domctl *op)
{
    if (op->u.address_size.size != 32)
        return -EINVAL;
    return d->tot_pages ? -EACCES : 0;
}

long domctl_get_address_size(struct domain *d, struct xen_domctl *op)
{
    op->u.address_size.size = 32;
    return 0;
}

long domctl_ioport_permission(struct domain *d, struct xen_domctl *op)
{
    const struct xen_domctl_ioport_permission *p = &op->u.ioport_permission;

    return iocaps_ioport(d, p->first_port, p->nr_ports, p->allow_access);
}

long domctl_iomem_permission(struct domain *d, struct xen_domctl *op)
{
    const struct xen_domctl_iomem_permission *p = &op->u.iomem_permission;

    return iocaps_iomem(d, p->first_mfn, p->nr_mfns, p->allow_access);
}

long domctl_irq_permission(struct domain *d, struct xen_domctl *op)
{
    const struct xen_domctl_irq_permission *p = &op->u.irq_permission;

    return iocaps_irq(d, p->pirq, p->allow_access);
}
