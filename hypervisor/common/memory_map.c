/*
 * memory_op (12), the commands about a domain's physical address map:
 * its E820 map, the machine's, its highest PFN, and the physmap
 * operations of translated guests, each answered as Xen answers a 32-bit
 * PV guest (memory_op.c dispatches here).
 *
 *   set_memory_map (13)      a domain's E820 map, set by itself or by a
 *                            privileged domain (Xen's XSM_TARGET rule): at
 *                            most XEN_E820_MAX_ENTRIES entries, copied in
 *                            whole before the old map is replaced
 *   memory_map (9)           that map, as many entries as fit; -ENOSYS
 *                            while nobody set one (boot domains have none,
 *                            as a PV domain xl builds without e820_host:
 *                            the guest sizes itself from start_info)
 *   machine_memory_map (10)  the privileged domain only: the machine's map
 *                            as the boot loader gave it
 *   maximum_gpfn (14)        highest PFN: for a PV guest Xen derives it
 *                            from shared_info.arch.max_pfn, which the guest
 *                            writes itself (max(max_pfn, 1) - 1)
 *   add_to_physmap (7), add_to_physmap_batch (23)
 *                            only for translated guests: after the argument
 *                            and domain checks a PV domain gets -EACCES, as
 *                            from Xen (4.15 and later; 4.2 said -EINVAL)
 *   remove_from_physmap (15) a PV domain has no physmap to change: a frame
 *                            of the domain succeeds and changes nothing,
 *                            any other is -ENOENT (Xen's behaviour)
 *
 * Domain arguments follow Xen's order: an unknown domain is -ESRCH (even
 * for an unprivileged caller), then a domain other than the caller needs
 * privilege (-EPERM).
 */
#include <mica/xsm.h>
#include <mica/hypercall.h>
#include <mica/mm.h>
#include <mica/domain.h>
#include <mica/errno.h>
#include <mica/guest_access.h>
#include <mica/lib.h>
#include <public/memory.h>
#include <asm/mm_arch.h>
#include "memory_op.h"

/* Xen's rcu_lock_domain_by_any_id() followed by an XSM_TARGET check. */
long memop_target_domain(domid_t id, struct domain **out)
{
    struct domain *cur = current_domain();
    struct domain *d = id == DOMID_SELF ? cur : domain_lookup(id);

    if (!d || d->is_dying)
        return -ESRCH;
    if (d != cur && xsm_check(XSM_MEMORY_FOREIGN, cur, d))
        return -EPERM;
    *out = d;
    return 0;
}

long memop_domid_arg(guest_va_t arg, struct domain **out)
{
    domid_t id;

    if (copy_from_guest(&id, arg, sizeof(id)))
        return -EFAULT;
    return memop_target_domain(id, out);
}

#define E820_BYTES(n) ((size_t)(n) * sizeof(struct xen_e820_entry))

static long set_memory_map(guest_va_t arg)
{
    struct xen_foreign_memory_map fmap;
    struct domain *d;
    long rc;

    if (copy_from_guest(&fmap, arg, sizeof(fmap)))
        return -EFAULT;
    if (fmap.map.nr_entries > XEN_E820_MAX_ENTRIES)
        return -EINVAL;
    if ((rc = memop_target_domain(fmap.domid, &d)))
        return rc;
    struct xen_e820_entry *e820 = NULL;
    if (fmap.map.nr_entries) {
        e820 = domain_xzalloc(d, E820_BYTES(fmap.map.nr_entries));
        if (!e820)
            return -ENOMEM;
        if (copy_from_guest(e820, fmap.map.buffer, E820_BYTES(fmap.map.nr_entries))) {
            domain_xfree(d, e820, E820_BYTES(fmap.map.nr_entries));
            return -EFAULT;
        }
    }
    domain_free_e820(d);
    d->e820 = e820;
    d->nr_e820 = fmap.map.nr_entries;
    return 0;
}

void domain_free_e820(struct domain *d)
{
    domain_xfree(d, d->e820, E820_BYTES(d->nr_e820));
    d->e820 = NULL;
    d->nr_e820 = 0;
}

static long memory_map(guest_va_t arg)
{
    struct domain *d = current_domain();
    struct xen_memory_map map;

    if (copy_from_guest(&map, arg, sizeof(map)))
        return -EFAULT;
    if (!d->nr_e820)
        return -ENOSYS;                 /* no map: the guest uses nr_pages */
    map.nr_entries = MIN(map.nr_entries, d->nr_e820);
    if (copy_to_guest(map.buffer, d->e820, E820_BYTES(map.nr_entries)) ||
        copy_to_guest(arg, &map, sizeof(map)))
        return -EFAULT;
    return 0;
}

static long machine_memory_map(guest_va_t arg)
{
    struct xen_e820_entry e[XEN_MACHINE_E820_MAX];
    struct xen_memory_map map;
    unsigned int n;

    if (xsm_check(XSM_HOST_INFO, current_domain(), NULL))
        return -EPERM;
    if (copy_from_guest(&map, arg, sizeof(map)))
        return -EFAULT;
    n = arch_machine_memory_map(e, XEN_MACHINE_E820_MAX);
    if (map.buffer) {
        /* Xen asks for one spare entry beyond the map. */
        if (map.nr_entries < n + 1)
            return -EINVAL;
        if (copy_to_guest(map.buffer, e, E820_BYTES(n)))
            return -EFAULT;
    }
    map.nr_entries = n;
    return copy_to_guest(arg, &map, sizeof(map)) ? -EFAULT : 0;
}

static long maximum_gpfn(guest_va_t arg)
{
    struct domain *d;
    long rc;

    if ((rc = memop_domid_arg(arg, &d)))
        return rc;
    uint32_t max_pfn = __atomic_load_n(&d->shared_info->arch.max_pfn, __ATOMIC_RELAXED);
    return (long)(max_pfn ? max_pfn : 1) - 1;
}

static long add_to_physmap(unsigned long start, guest_va_t arg)
{
    struct xen_add_to_physmap xatp;
    struct domain *d;
    long rc;

    if (start != (uint16_t)start)
        return -EDOM;
    if (copy_from_guest(&xatp, arg, sizeof(xatp)))
        return -EFAULT;
    if (xatp.space == XENMAPSPACE_gmfn_foreign)
        return -ENOSYS;                 /* only through the batch form */
    if ((rc = memop_target_domain(xatp.domid, &d)))
        return rc;
    return -EACCES;                     /* a PV domain has no physmap */
}

static long add_to_physmap_batch(unsigned long start, guest_va_t arg)
{
    struct xen_add_to_physmap_batch b;
    struct domain *d;
    long rc;

    if (start != (uint16_t)start)
        return -EDOM;
    if (copy_from_guest(&b, arg, sizeof(b)) ||
        !guest_range_ok(b.idxs, (uint64_t)b.size * 4) ||
        !guest_range_ok(b.gpfns, (uint64_t)b.size * 4) ||
        !guest_range_ok(b.errs, (uint64_t)b.size * 4))
        return -EFAULT;
    if (b.space == XENMAPSPACE_gmfn_range)
        return -EOPNOTSUPP;
    if ((rc = memop_target_domain(b.domid, &d)))
        return rc;
    return -EACCES;
}

static long remove_from_physmap(guest_va_t arg)
{
    struct xen_remove_from_physmap r;
    struct domain *d;
    long rc;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return -EFAULT;
    if ((rc = memop_target_domain(r.domid, &d)))
        return rc;
    /* A PV guest's gpfn is an MFN; if it is d's, unhooking it from a
     * physmap d does not have changes nothing. */
    if (!mfn_valid(r.gpfn) || mfn_to_page(r.gpfn)->owner != d ||
        !(mfn_to_page(r.gpfn)->count_info & PGC_allocated))
        return -ENOENT;
    return 0;
}

long memop_physmap(unsigned int cmd, unsigned long start, guest_va_t arg)
{
    switch (cmd) {
    case XENMEM_add_to_physmap:
        return add_to_physmap(start, arg);
    case XENMEM_add_to_physmap_batch:
        return add_to_physmap_batch(start, arg);
    }
    if (start)                          /* Xen's arch commands: unknown */
        return cmd == XENMEM_maximum_gpfn || cmd == XENMEM_remove_from_physmap
               ? -EINVAL : -ENOSYS;
    switch (cmd) {
    case XENMEM_set_memory_map:
        return set_memory_map(arg);
    case XENMEM_memory_map:
        return memory_map(arg);
    case XENMEM_machine_memory_map:
        return machine_memory_map(arg);
    case XENMEM_maximum_gpfn:
        return maximum_gpfn(arg);
    case XENMEM_remove_from_physmap:
        return remove_from_physmap(arg);
    default:
        return -ENOSYS;
    }
}
