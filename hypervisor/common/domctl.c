/*
 * domctl (36): the toolstack's hand on other domains -- the dispatcher,
 * and the domain life cycle as the toolstack sees it.
 *
 * The interface is Xen 4.2's (public/domctl.h, interface version 0x08).
 * One call carries one 144-byte struct xen_domctl; the dispatcher does
 * everything that is the same for every op, in Xen's order, before any
 * op runs:
 *
 *   1. copy the struct in (-EFAULT);
 *   2. interface_version must be 0x08 (-EACCES);
 *   3. the privilege hook (xsm.c) must allow the caller domctl (-EPERM);
 *   4. the op must exist in the table below (-ENOSYS);
 *   5. an op on a domain: the domain must exist (-ESRCH; DOMID_SELF and
 *      the other reserved ids name no domain here), must not be the
 *      caller where that makes no sense (-EINVAL: destroying, pausing,
 *      building oneself), and must not be dying unless the op is one the
 *      toolstack needs for a dying domain -- destroydomain (to finish it)
 *      and getdomaininfo (to see it) -- (-EINVAL).
 *
 * The table is data: op number -> handler and those flags.  Each handler
 * validates its own arguments completely before it changes anything, and
 * the struct goes back to the caller (whole, as Xen does) only for ops
 * with results, only on success.
 *
 * Life cycle here (vCPU ops in domctl_vcpu.c, memory in domctl_mm.c):
 *
 *   createdomain   a domain with no vCPU and no memory, paused once by its
 *                  controller; id as asked (1..0x7FEF, taken: -EINVAL) or
 *                  the next free one after the last given (-ENOMEM if
 *                  none: Xen's answer when its id rover finds no free
 *                  id).  The boot option max_domid=N (1..32751) limits
 *                  the ids createdomain gives or accepts to 1..N (an id
 *                  asked for above N: -EINVAL), so running out of ids can
 *                  be tested without the ~4.5 GiB that 32751 empty
 *                  domains would take.  Only the PV flags are accepted (HVM, HAP,
 *                  s3_integrity: -EINVAL; oos_off is a shadow-paging hint
 *                  with no meaning for PV and is ignored).  A creation that
 *                  fails half-way has freed all it took (XSA-149).
 *   destroydomain  preemptible: -EAGAIN while work remains, the toolstack
 *                  calls again (Xen 4.2's contract; libxc loops), 0 when
 *                  the domain is dead.  Its id is reused only once it is
 *                  freed -- after the last foreign mapping of its frames
 *                  goes (domain_teardown.c).  Again on a dead domain still
 *                  listed: 0; on one gone: -ESRCH.
 *   pause/unpause  a count, at most 255 (-EOVERFLOW), unpause at 0 -EINVAL
 *                  (the current Xen rule; 4.2 had a single flag, which the
 *                  count reduces to for a toolstack that pairs its calls).
 *   getdomaininfo  the first domain whose id is >= the one asked (4.2),
 *                  with its state, shutdown reason and dying flag.
 *   setdomainhandle, settimeoffset, set_max_evtchn: stored.
 *
 * VIRQ_DOM_EXC goes to the initial domain on every state change: shutdown
 * and crash (domain.c), the start and the end of a destruction, and the
 * moment a destroyed domain is freed (domain_teardown.c).
 */
#include <mica/hypercall.h>
#include <mica/domain.h>
#include <mica/sched.h>
#include <mica/guest_access.h>
#include <mica/lib.h>
#include <mica/xsm.h>
#include <mica/time.h>
#include "ctl.h"

#define DC_TARGET   (1u << 0)   /* op->domain names an existing domain */
#define DC_NOT_SELF (1u << 1)   /* ... other than the caller (else -EINVAL) */
#define DC_DYING    (1u << 2)   /* ... possibly dying */
#define DC_OUT      (1u << 3)   /* the struct goes back on success */

struct domctl_desc {
    domctl_fn fn;
    uint8_t flags;
};

/* ---- ids ------------------------------------------------------------------- */

struct domain *ctl_domain_from(unsigned int id)
{
    struct domain *d, *best = NULL;

    for_each_domain(d)
        if (d->domain_id >= id && (!best || d->domain_id < best->domain_id))
            best = d;
    return best;
}

/* max_domid=N: the highest id createdomain gives or accepts. */
static unsigned int max_domid = DOMID_FIRST_RESERVED - 1;

int domid_parse_max(const char *v)
{
    const char *end;
    unsigned long long n;

    if (!isdigit((unsigned char)v[0]))
        return -1;
    n = simple_strtoull(v, &end, 10);
    if (*end || n < 1 || n >= DOMID_FIRST_RESERVED)
        return -1;
    max_domid = (unsigned int)n;
    return 0;
}

/* The next free id after the last one handed out, wrapping at max_domid;
 * DOMID_INVALID when every id is taken. */
static domid_t next_free_domid(void)
{
    static domid_t last;

    for (unsigned int i = 1; i <= max_domid; i++) {
        domid_t id = (domid_t)((last + i - 1) % max_domid + 1);
        if (!domain_lookup(id)) {
            last = id;
            return id;
        }
    }
    return DOMID_INVALID;
}

/* ---- the life cycle ------------------------------------------------------- */

static long createdomain(struct domain *unused, struct xen_domctl *op)
{
    const struct xen_domctl_createdomain *c = &op->u.createdomain;
    domid_t id = op->domain;
    struct domain *d;

    if (c->flags & ~XEN_DOMCTL_CDF_oos_off)
        return -EINVAL;                 /* HVM, HAP, s3_integrity: no HVM here */
    if (id >= 1 && id < DOMID_FIRST_RESERVED) {
        if (id > max_domid || domain_lookup(id))
            return -EINVAL;
    } else if ((id = next_free_domid()) == DOMID_INVALID) {
        return -ENOMEM;
    }
    if (!(d = domain_create_ctl(id)))
        return -ENOMEM;
    memcpy(d->handle, c->handle, sizeof(d->handle));
    op->domain = id;
    return 0;
}

static long destroydomain(struct domain *d, struct xen_domctl *op)
{
    int rc = domain_teardown(d, true);

    return rc == -ERESTART ? -EAGAIN : rc;
}

static long pausedomain(struct domain *d, struct xen_domctl *op)
{
    if (d->ctl_pause_count == UINT8_MAX)
        return -EOVERFLOW;
    d->ctl_pause_count++;
    domain_pause(d);
    return 0;
}

static long unpausedomain(struct domain *d, struct xen_domctl *op)
{
    if (d->ctl_pause_count == 0)
        return -EINVAL;
    d->ctl_pause_count--;
    domain_unpause(d);
    return 0;
}

void ctl_dominfo(const struct domain *d, struct xen_domctl_getdomaininfo *i)
{
    bool any_online = false, all_blocked = true, running = false;
    uint32_t flags = 0;

    memset(i, 0, sizeof(*i));
    for (unsigned int n = 0; n < d->max_vcpus; n++) {
        const struct vcpu *v = d->vcpu[n];
        struct vcpu_runstate_info rs;
        if (!v)
            continue;
        vcpu_runstate_get(v, &rs);
        i->cpu_time += rs.time[RUNSTATE_running];
        i->max_vcpu_id = n;
        if (v->pause_flags & VPF_down)
            continue;
        i->nr_online_vcpus++;
        any_online = true;
        running |= v->is_running;
        all_blocked &= (v->pause_flags & VPF_blocked) != 0;
    }
    if (d->is_dying)
        flags |= XEN_DOMINF_dying;
    if (d->shutdown_latched)
        flags |= XEN_DOMINF_shutdown |
                 (d->shutdown_code & XEN_DOMINF_shutdownmask) << XEN_DOMINF_shutdownshift;
    else
        flags |= 0xffffu << XEN_DOMINF_shutdownshift;   /* no code latched: -1 */
    if (d->ctl_pause_count)
        flags |= XEN_DOMINF_paused;
    if (any_online && all_blocked)
        flags |= XEN_DOMINF_blocked;
    if (running)
        flags |= XEN_DOMINF_running;
    i->domain = d->domain_id;
    i->flags = flags;
    i->tot_pages = d->tot_pages;
    i->max_pages = d->max_pages;
    i->shared_info_frame = d->shared_info ? d->shared_info_mfn : 0;
    memcpy(i->handle, d->handle, sizeof(i->handle));
    i->cpupool = 0;                     /* every domain is in Pool-0 */
}

static long getdomaininfo(struct domain *unused, struct xen_domctl *op)
{
    struct domain *d = ctl_domain_from(op->domain);

    if (!d)
        return -ESRCH;
    ctl_dominfo(d, &op->u.getdomaininfo);
    op->domain = d->domain_id;
    return 0;
}

static long setdomainhandle(struct domain *d, struct xen_domctl *op)
{
    memcpy(d->handle, op->u.setdomainhandle.handle, sizeof(d->handle));
    return 0;
}

static long settimeoffset(struct domain *d, struct xen_domctl *op)
{
    d->time_offset_seconds = op->u.settimeoffset.time_offset_seconds;
    update_domain_wallclock_time(d);
    return 0;
}

static long set_max_evtchn(struct domain *d, struct xen_domctl *op)
{
    d->max_evtchn_port = op->u.set_max_evtchn.max_port;
    return 0;
}

/* ---- the table -------------------------------------------------------------- */

#define T DC_TARGET
static const struct domctl_desc domctl_table[] = {
    [XEN_DOMCTL_createdomain]      = { createdomain,               DC_OUT },
    [XEN_DOMCTL_destroydomain]     = { destroydomain,              T | DC_NOT_SELF | DC_DYING },
    [XEN_DOMCTL_pausedomain]       = { pausedomain,                T | DC_NOT_SELF },
    [XEN_DOMCTL_unpausedomain]     = { unpausedomain,              T | DC_NOT_SELF },
    [XEN_DOMCTL_getdomaininfo]     = { getdomaininfo,              DC_OUT },
    [XEN_DOMCTL_setvcpuaffinity]   = { domctl_setvcpuaffinity,     T },
    [XEN_DOMCTL_max_mem]           = { domctl_max_mem,             T },
    [XEN_DOMCTL_setvcpucontext]    = { domctl_setvcpucontext,      T | DC_NOT_SELF },
    [XEN_DOMCTL_getvcpucontext]    = { domctl_getvcpucontext,      T },
    [XEN_DOMCTL_getvcpuinfo]       = { domctl_getvcpuinfo,         T | DC_OUT },
    [XEN_DOMCTL_max_vcpus]         = { domctl_max_vcpus,           T | DC_NOT_SELF },
    [XEN_DOMCTL_scheduler_op]      = { domctl_scheduler_op,        T | DC_OUT },
    [XEN_DOMCTL_setdomainhandle]   = { setdomainhandle,            T },
    [XEN_DOMCTL_irq_permission]    = { domctl_irq_permission,      T },
    [XEN_DOMCTL_iomem_permission]  = { domctl_iomem_permission,    T },
    [XEN_DOMCTL_ioport_permission] = { domctl_ioport_permission,   T },
    [XEN_DOMCTL_hypercall_init]    = { domctl_hypercall_init,      T },
    [XEN_DOMCTL_settimeoffset]     = { settimeoffset,              T },
    [XEN_DOMCTL_getvcpuaffinity]   = { domctl_getvcpuaffinity,     T },
    [XEN_DOMCTL_set_address_size]  = { domctl_set_address_size,    T },
    [XEN_DOMCTL_get_address_size]  = { domctl_get_address_size,    T | DC_OUT },
    [XEN_DOMCTL_getpageframeinfo3] = { domctl_getpageframeinfo3,   T },
    [XEN_DOMCTL_set_max_evtchn]    = { set_max_evtchn,             T },
};
#undef T

HYPERCALL_PROTO(domctl)
{
    guest_va_t arg = (guest_va_t)a1;
    struct domain *cur = current_domain(), *d = NULL;
    const struct domctl_desc *desc;
    struct xen_domctl op;
    long rc;

    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -EACCES;
    if (xsm_check(XSM_DOMCTL, cur, NULL))
        return -EPERM;
    if (op.cmd >= ARRAY_SIZE(domctl_table) || !domctl_table[op.cmd].fn)
        return -ENOSYS;
    desc = &domctl_table[op.cmd];
    domain_reap_zombies();              /* a safe point: ids and memory come back */
    if (desc->flags & DC_TARGET) {
        if (!(d = domain_lookup(op.domain)))
            return -ESRCH;
        if ((desc->flags & DC_NOT_SELF) && d == cur)
            return -EINVAL;
        if (d->is_dying && !(desc->flags & DC_DYING))
            return -EINVAL;
    }
    /* Results must be deliverable before anything is done (createdomain
     * would otherwise leave a domain the caller never hears of). */
    if ((desc->flags & DC_OUT) && guest_probe_writable(arg, sizeof(op)))
        return -EFAULT;
    rc = desc->fn(d, &op);
    if (rc == 0 && (desc->flags & DC_OUT) && copy_to_guest(arg, &op, sizeof(op)))
        return -EFAULT;
    return rc;
}
