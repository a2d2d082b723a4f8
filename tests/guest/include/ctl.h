/*
 * The control plane for test guests: domctl and sysctl (public/domctl.h,
 * public/sysctl.h, Xen 4.2's interface) and the foreign-memory calls a
 * privileged guest uses to build and take apart another domain
 * (runtime/ctl.c).  Every helper returns the hypercall's result (0 or
 * -XEN_E*) and fills the struct it was given, so tests can check exact
 * error codes.
 */
#ifndef GUEST_CTL_H
#define GUEST_CTL_H

#include <test.h>
#include <public/domctl.h>
#include <public/sysctl.h>
#include <public/memory.h>

static inline long HYPERVISOR_domctl(struct xen_domctl *op)
{
    return hypercall1(__HYPERVISOR_domctl, (long)op);
}

static inline long HYPERVISOR_sysctl(struct xen_sysctl *op)
{
    return hypercall1(__HYPERVISOR_sysctl, (long)op);
}

/* A domctl of cmd on dom with the right version; *op's union as given. */
long domctl(uint32_t cmd, domid_t dom, struct xen_domctl *op);
/* A sysctl of cmd with the right version. */
long sysctl(uint32_t cmd, struct xen_sysctl *op);

/* createdomain asking for id `want` (0: any); *got = the id given. */
long ctl_create(domid_t want, domid_t *got);
/* destroydomain until it is not -EAGAIN; *calls = how many calls it took. */
long ctl_destroy(domid_t dom, unsigned int *calls);
/* getdomaininfo of exactly dom (-ESRCH if the first id >= dom is another). */
long ctl_info(domid_t dom, struct xen_domctl_getdomaininfo *info);
long ctl_pause(domid_t dom);
long ctl_unpause(domid_t dom);
long ctl_max_mem_kb(domid_t dom, uint64_t kb);
long ctl_max_vcpus(domid_t dom, uint32_t max);
/* physinfo's free_pages (~0 on error). */
uint64_t ctl_free_pages(void);

/* populate_physmap of n order-0 extents for dom, PFNs 0..n-1; MFNs out.
 * Returns the number of extents done (or -errno). */
long ctl_populate(domid_t dom, uint32_t *mfns, unsigned int n);

/* Map frame mfn of domain dom (FD) at scratch slot, read-only or
 * writable, through mmu_update on our own L1; 0 or -errno. */
long foreign_map(unsigned int slot, uint32_t mfn, domid_t dom, bool rw);
/* Put our own frame back in the slot. */
void foreign_unmap(unsigned int slot);
/* mmuext_op pin/unpin of dom's frame (FD = dom). */
long foreign_pin(domid_t dom, unsigned int level, uint32_t mfn);

#endif
