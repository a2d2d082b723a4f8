/*
 * domctl ops on a domain's vCPUs: how many, their contexts, what they are
 * doing, where they may run, how the scheduler weighs them.
 *
 *   max_vcpus        allocates vCPUs 0..max-1 (down, uninitialised); only
 *                    once: the same count again is a no-op, fewer -EINVAL,
 *                    more once some exist -EBUSY, more than MAX_VIRT_CPUS
 *                    -EINVAL.  What they cost is counted against the
 *                    domain so teardown's books balance.
 *   setvcpucontext   the 32-bit vcpu_guest_context (2800 bytes) of a vCPU,
 *                    through the one validate-then-commit path every
 *                    context takes (arch/x86/vcpu_context.c): selectors,
 *                    trap gates, callbacks and the kernel stack checked
 *                    exactly as the hypercalls that set them; CR3 must be
 *                    an L3 of the domain that is already validated (pinned);
 *                    GDT frames must hold acceptable descriptors.  A null
 *                    handle resets the vCPU.  vCPU 0 rewrites the domain's
 *                    wallclock (settimeoffset becomes visible).
 *   getvcpucontext   the inverse; -ENODATA for a vCPU never initialised.
 *   getvcpuinfo      online, blocked, running, CPU time, CPU.
 *   set/getvcpuaffinity  one CPU: a mask must include CPU 0 (-EINVAL
 *                    otherwise); get writes CPU 0's bit and zeroes the rest
 *                    of the caller's bitmap.
 *   scheduler_op     credit only (sched_id 5, -EINVAL otherwise): weight
 *                    (0 = unchanged) and cap (0xFFFF = unchanged, 0 = none).
 *
 * vCPU numbers: >= max_vcpus -EINVAL, not allocated -ESRCH (Xen's pair).
 */
#include <mica/domain.h>
#include <mica/sched.h>
#include <mica/guest_access.h>
#include <mica/lib.h>
#include <mica/mm.h>
#include <mica/time.h>
#include <asm/vcpu_context.h>
#include "ctl.h"

/* The vCPU an op names: -EINVAL past max_vcpus, -ESRCH if not allocated. */
static int op_vcpu(struct domain *d, uint32_t id, struct vcpu **out)
{
    if (id >= d->max_vcpus || id >= MAX_VIRT_CPUS)
        return -EINVAL;
    if (!(*out = d->vcpu[id]))
        return -ESRCH;
    return 0;
}

long domctl_max_vcpus(struct domain *d, struct xen_domctl *op)
{
    unsigned int max = op->u.max_vcpus.max;
    long before = (long)heap_free_pages();

    if (max > MAX_VIRT_CPUS)
        return -EINVAL;
    if (max == d->max_vcpus)
        return 0;
    if (max < d->max_vcpus)
        return -EINVAL;
    if (d->max_vcpus)
        return -EBUSY;
    for (unsigned int i = 0; i < max; i++) {
        if (!vcpu_create(d, i)) {
            /* Those made stay, down and uninitialised, as in Xen;
             * teardown frees them with the domain. */
            d->mm_heap_extra += before - (long)heap_free_pages();
            return -ENOMEM;
        }
    }
    /* Structures and top-level tables: the domain's, for teardown's books. */
    d->mm_heap_extra += before - (long)heap_free_pages();
    return 0;
}

long domctl_setvcpucontext(struct domain *d, struct xen_domctl *op)
{
    static vcpu_guest_context_t ctxt;   /* 2800 bytes: not on the stack */
    static struct vcpu_context ck;
    struct vcpu *v;
    guest_va_t va;
    int rc;

    if ((rc = op_vcpu(d, op->u.vcpucontext.vcpu, &v)) ||
        (rc = ctl_handle(op->u.vcpucontext.ctxt, &va)))
        return rc;
    if (!va) {
        arch_vcpu_reset(v);
        return 0;
    }
    if (copy_from_guest(&ctxt, va, sizeof(ctxt)))
        return -EFAULT;
    if ((rc = arch_vcpu_context_validate(v, &ctxt, &ck)) ||
        (rc = arch_vcpu_context_commit(v, &ck)))
        return rc;
    if (v->vcpu_id == 0)
        update_domain_wallclock_time(d);
    return 0;
}

long domctl_getvcpucontext(struct domain *d, struct xen_domctl *op)
{
    static vcpu_guest_context_t ctxt;
    struct vcpu *v;
    guest_va_t va;
    int rc;

    if ((rc = op_vcpu(d, op->u.vcpucontext.vcpu, &v)) ||
        (rc = ctl_handle(op->u.vcpucontext.ctxt, &va)))
        return rc;
    if (!v->is_initialised)
        return -ENODATA;
    arch_vcpu_context_read(v, &ctxt);
    return copy_to_guest(va, &ctxt, sizeof(ctxt)) ? -EFAULT : 0;
}

long domctl_getvcpuinfo(struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_getvcpuinfo *i = &op->u.getvcpuinfo;
    struct vcpu_runstate_info rs;
    struct vcpu *v;
    int rc;

    if ((rc = op_vcpu(d, i->vcpu, &v)))
        return rc;
    vcpu_runstate_get(v, &rs);
    i->online = !(v->pause_flags & VPF_down);
    i->blocked = (v->pause_flags & VPF_blocked) != 0;
    i->running = v->is_running;
    i->cpu_time = rs.time[RUNSTATE_running];
    i->cpu = 0;
    return 0;
}

/* Bitmaps longer than this many bits are refused: the zero-fill of a
 * getvcpuaffinity reply stays bounded (Xen's NR_CPUS is at most 4096). */
#define AFFINITY_MAX_BITS 32768

long domctl_setvcpuaffinity(struct domain *d, struct xen_domctl *op)
{
    const struct xenctl_cpumap *m = &op->u.vcpuaffinity.cpumap;
    struct vcpu *v;
    guest_va_t va;
    uint8_t first;
    int rc;

    if ((rc = op_vcpu(d, op->u.vcpuaffinity.vcpu, &v)) || (rc = ctl_handle(m->bitmap, &va)))
        return rc;
    if (m->nr_cpus == 0 || m->nr_cpus > AFFINITY_MAX_BITS)
        return -EINVAL;
    if (copy_from_guest(&first, va, 1))
        return -EFAULT;
    return (first & 1) ? 0 : -EINVAL;   /* CPU 0, the only one, must be in it */
}

long domctl_getvcpuaffinity(struct domain *d, struct xen_domctl *op)
{
    const struct xenctl_cpumap *m = &op->u.vcpuaffinity.cpumap;
    uint8_t chunk[64];
    struct vcpu *v;
    guest_va_t va;
    uint32_t bytes;
    int rc;

    if ((rc = op_vcpu(d, op->u.vcpuaffinity.vcpu, &v)) || (rc = ctl_handle(m->bitmap, &va)))
        return rc;
    if (m->nr_cpus > AFFINITY_MAX_BITS)
        return -EINVAL;
    bytes = (m->nr_cpus + 7) / 8;
    if (!guest_range_ok(va, bytes))
        return -EFAULT;
    for (uint32_t off = 0; off < bytes; off += sizeof(chunk)) {
        uint32_t n = MIN(bytes - off, (uint32_t)sizeof(chunk));
        memset(chunk, 0, sizeof(chunk));
        if (off == 0)
            chunk[0] = 1;               /* CPU 0 */
        if (copy_to_guest(va + off, chunk, n))
            return -EFAULT;
    }
    return 0;
}

long domctl_scheduler_op(struct domain *d, struct xen_domctl *op)
{
    struct xen_domctl_scheduler_op *s = &op->u.scheduler_op;

    if (s->sched_id != XEN_SCHEDULER_CREDIT)
        return -EINVAL;
    switch (s->cmd) {
    case XEN_DOMCTL_SCHEDOP_getinfo:
        s->u.credit.weight = (uint16_t)d->weight;
        s->u.credit.cap = d->sched_cap;
        return 0;
    case XEN_DOMCTL_SCHEDOP_putinfo:
        if (s->u.credit.weight)
            domain_set_weight(d, s->u.credit.weight);
        if (s->u.credit.cap != 0xffff)
            domain_set_cap(d, s->u.credit.cap);
        return 0;
    default:
        return -EINVAL;
    }
}
