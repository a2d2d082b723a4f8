/*
 * Between the control-plane files: domctl.c (the dispatcher and the
 * domain life cycle), domctl_vcpu.c (vCPUs: contexts, info, affinity,
 * scheduling), domctl_mm.c (memory: limits, frame types, the hypercall
 * page, I/O grants) and sysctl.c.
 */
#ifndef COMMON_CTL_H
#define COMMON_CTL_H

#include <mica/types.h>
#include <mica/errno.h>
#include <public/domctl.h>
#include <public/sysctl.h>

struct domain;

/*
 * A 64-bit handle of the control interfaces: the caller's pointer is the
 * low half; a 32-bit caller cannot have a non-zero high half, so one is
 * a bad address (-EFAULT).
 */
static inline int ctl_handle(uint64_t h, guest_va_t *va)
{
    if (h >> 32)
        return -EFAULT;
    *va = (guest_va_t)h;
    return 0;
}

/* One getdomaininfo record (domctl getdomaininfo, sysctl getdomaininfolist). */
void ctl_dominfo(const struct domain *d, struct xen_domctl_getdomaininfo *i);
/* The domain with the lowest id >= id, dying ones included; NULL if none. */
struct domain *ctl_domain_from(unsigned int id);

/* Op handlers: d is the target (checked by the dispatcher), op the copy. */
typedef long (*domctl_fn)(struct domain *d, struct xen_domctl *op);
long domctl_setvcpucontext(struct domain *d, struct xen_domctl *op);
long domctl_getvcpucontext(struct domain *d, struct xen_domctl *op);
long domctl_getvcpuinfo(struct domain *d, struct xen_domctl *op);
long domctl_max_vcpus(struct domain *d, struct xen_domctl *op);
long domctl_scheduler_op(struct domain *d, struct xen_domctl *op);
long domctl_setvcpuaffinity(struct domain *d, struct xen_domctl *op);
long domctl_getvcpuaffinity(struct domain *d, struct xen_domctl *op);
long domctl_max_mem(struct domain *d, struct xen_domctl *op);
long domctl_getpageframeinfo3(struct domain *d, struct xen_domctl *op);
long domctl_hypercall_init(struct domain *d, struct xen_domctl *op);
long domctl_set_address_size(struct domain *d, struct xen_domctl *op);
long domctl_get_address_size(struct domain *d, struct xen_domctl *op);
long domctl_ioport_permission(struct domain *d, struct xen_domctl *op);
long domctl_iomem_permission(struct domain *d, struct xen_domctl *op);
long domctl_irq_permission(struct domain *d, struct xen_domctl *op);

#endif
