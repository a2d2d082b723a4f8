/*
 * Event channels: the port state machine.
 *
 * Each domain has EVTCHN_NR_PORTS (1024) ports, the most a 32-bit guest
 * can address with the 2-level ABI; port 0 is reserved and never handed
 * out.  A port is in one state:
 *
 *                alloc_unbound           bind_interdomain (by the remote)
 *      FREE ----------------------> UNBOUND ------------------> INTERDOMAIN
 *       ^  \ bind_virq / bind_ipi     ^  |                          |
 *       |   `--> VIRQ / IPI           |  | close                    | close
 *       |            | close          |  v                          v
 *       `------------+----------------+-FREE    the peer -> UNBOUND (remote
 *                                                = the closer), and a spurious
 *                                                event tells it so
 *
 * Sending raises the other end: the peer's port (INTERDOMAIN), this port
 * (IPI); on an UNBOUND port the notification is dropped, as Xen does.
 * VIRQs are raised by the hypervisor only.  Raising a port is the 2-level
 * algorithm (event_2l.c) plus two wake-ups: the notified vCPU if its
 * upcall became pending (vcpu_kick), and any vCPU polling that port.
 *
 * Rules that keep a hostile guest in its box:
 *   - every port number is range-checked before it indexes anything, and
 *     ports >= 1024 do not exist for anyone (the XSA-342 class: a 32-bit
 *     guest cannot reach ports past its bitmap);
 *   - a domain only operates on its own ports, except a privileged one,
 *     which may allocate, query and reset other domains' ports;
 *   - binding to another domain's port requires that port to be UNBOUND
 *     and offered to exactly this domain;
 *   - each operation validates everything, then commits; nothing fails
 *     half-way (a free port is found before anything changes);
 *   - when a domain dies, evtchn_destroy closes its ports first, so no
 *     peer keeps a pointer to a domain that no longer exists.
 *
 * Generic code, host-tested (tests/host/test-evtchn.c).  One CPU and
 * interrupts off while it runs: no locks.  With SMP, a per-domain lock
 * (two, in domain-id order, for interdomain operations) goes here.
 */
#include <mica/event.h>
#include <mica/domain.h>
#include <mica/errno.h>
#include <mica/lib.h>

bool virq_is_per_vcpu(unsigned int virq)
{
    return virq == VIRQ_TIMER || virq == VIRQ_DEBUG || virq == VIRQ_XENOPROF ||
           virq == VIRQ_XENPMU;
}

int evtchn_init(struct domain *d)
{
    d->evtchn = xzalloc_bytes(EVTCHN_NR_PORTS * sizeof(struct evtchn));
    if (!d->evtchn)
        return -ENOMEM;
    d->evtchn[0].state = ECS_RESERVED;
    return 0;
}

static bool port_valid(evtchn_port_t p)
{
    return p < EVTCHN_NR_PORTS;
}

static struct evtchn *port_chn(struct domain *d, evtchn_port_t p)
{
    return &d->evtchn[p];
}

static struct vcpu *domain_vcpu(struct domain *d, uint32_t id)
{
    return id < d->max_vcpus && id < MAX_VIRT_CPUS ? d->vcpu[id] : NULL;
}

/* Lowest free port, or 0 if there is none (port 0 is never free). */
static evtchn_port_t find_free_port(struct domain *d)
{
    for (evtchn_port_t p = 1; p < EVTCHN_NR_PORTS; p++)
        if (d->evtchn[p].state == ECS_FREE)
            return p;
    return 0;
}

/* DOMID_SELF -> caller; another domain only for the privileged. */
static long target_domain(struct domain *caller, domid_t dom, struct domain **out)
{
    if (dom == DOMID_SELF || dom == caller->domain_id) {
        *out = caller;
        return 0;
    }
    if (!caller->is_privileged)
        return -EPERM;
    *out = domain_lookup(dom);
    return *out ? 0 : -ESRCH;
}

/* Raise port p of d: the 2-level algorithm, then the wake-ups. */
static void set_pending(struct domain *d, evtchn_port_t p)
{
    struct vcpu *v = domain_vcpu(d, port_chn(d, p)->notify_vcpu_id);

    if (!v || d->is_dying)
        return;
    unsigned int r = evtchn_2l_set_pending(d->shared_info, v->vcpu_info, p);
    if (r & EVT_KICK)
        vcpu_kick(v);
    if (r & EVT_NEWLY_PENDING)
        for (unsigned int i = 0; i < d->max_vcpus && i < MAX_VIRT_CPUS; i++)
            if (d->vcpu[i])
                vcpu_poll_check(d->vcpu[i], p);
}

bool evtchn_port_is_pending(struct domain *d, evtchn_port_t port)
{
    return port_valid(port) && evtchn_2l_is_pending(d->shared_info, port);
}

long evtchn_alloc_unbound_port(struct domain *d, domid_t remote)
{
    evtchn_port_t p = find_free_port(d);

    if (!p)
        return -ENOSPC;
    struct evtchn *chn = port_chn(d, p);
    chn->state = ECS_UNBOUND;
    chn->notify_vcpu_id = 0;
    chn->u.unbound.remote_domid = remote;
    return p;
}

long evtchn_alloc_unbound(struct domain *caller, evtchn_alloc_unbound_t *a)
{
    struct domain *d;
    domid_t remote = a->remote_dom == DOMID_SELF ? caller->domain_id : a->remote_dom;
    long rc = target_domain(caller, a->dom, &d);

    if (rc)
        return rc;
    if (remote >= DOMID_FIRST_RESERVED)
        return -EINVAL;
    rc = evtchn_alloc_unbound_port(d, remote);
    if (rc < 0)
        return rc;
    a->port = (evtchn_port_t)rc;
    return 0;
}

long evtchn_bind_interdomain(struct domain *caller, evtchn_bind_interdomain_t *b)
{
    struct domain *rd = b->remote_dom == DOMID_SELF ? caller : domain_lookup(b->remote_dom);
    evtchn_port_t rport = b->remote_port;

    if (!rd || domain_is_dead(rd) || rd->is_dying)
        return -ESRCH;
    if (!port_valid(rport))
        return -EINVAL;
    struct evtchn *rchn = port_chn(rd, rport);
    if (rchn->state != ECS_UNBOUND || rchn->u.unbound.remote_domid != caller->domain_id)
        return -EINVAL;
    evtchn_port_t lport = find_free_port(caller);
    if (!lport)
        return -ENOSPC;

    struct evtchn *lchn = port_chn(caller, lport);
    lchn->state = ECS_INTERDOMAIN;
    lchn->notify_vcpu_id = 0;
    lchn->u.interdomain.remote_dom = rd;
    lchn->u.interdomain.remote_port = rport;
    rchn->state = ECS_INTERDOMAIN;
    rchn->u.interdomain.remote_dom = caller;
    rchn->u.interdomain.remote_port = lport;
    /* The ABI: the new local port starts pending (the remote may have sent). */
    set_pending(caller, lport);
    b->local_port = lport;
    return 0;
}

long evtchn_bind_virq(struct domain *caller, evtchn_bind_virq_t *b)
{
    uint32_t virq = b->virq;

    if (virq >= NR_VIRQS)
        return -EINVAL;
    if (!virq_is_per_vcpu(virq) && b->vcpu != 0)
        return -EINVAL;
    struct vcpu *v = domain_vcpu(caller, b->vcpu);
    if (!v)
        return -ENOENT;
    if (v->virq_to_evtchn[virq])
        return -EEXIST;
    evtchn_port_t p = find_free_port(caller);
    if (!p)
        return -ENOSPC;

    struct evtchn *chn = port_chn(caller, p);
    chn->state = ECS_VIRQ;
    chn->notify_vcpu_id = (uint16_t)b->vcpu;
    chn->u.virq = virq;
    v->virq_to_evtchn[virq] = p;
    b->port = p;
    return 0;
}

long evtchn_bind_ipi(struct domain *caller, evtchn_bind_ipi_t *b)
{
    if (!domain_vcpu(caller, b->vcpu))
        return -ENOENT;
    evtchn_port_t p = find_free_port(caller);
    if (!p)
        return -ENOSPC;
    struct evtchn *chn = port_chn(caller, p);
    chn->state = ECS_IPI;
    chn->notify_vcpu_id = (uint16_t)b->vcpu;
    b->port = p;
    return 0;
}

/* Close port p of d (valid and in use); never fails. */
static void close_port(struct domain *d, evtchn_port_t p)
{
    struct evtchn *chn = port_chn(d, p);

    switch (chn->state) {
    case ECS_VIRQ: {
        /* Per-vCPU VIRQs live on the vCPU bound; global ones on vCPU 0. */
        uint32_t on = virq_is_per_vcpu(chn->u.virq) ? chn->notify_vcpu_id : 0;
        struct vcpu *v = domain_vcpu(d, on);
        if (v && v->virq_to_evtchn[chn->u.virq] == p)
            v->virq_to_evtchn[chn->u.virq] = 0;
        break;
    }
    case ECS_INTERDOMAIN: {
        struct domain *rd = chn->u.interdomain.remote_dom;
        evtchn_port_t rp = chn->u.interdomain.remote_port;
        struct evtchn *rchn = port_chn(rd, rp);
        rchn->state = ECS_UNBOUND;
        rchn->u.unbound.remote_domid = d->domain_id;
        /* Not in Xen's ABI, allowed by it (events may be spurious): a peer
         * blocked waiting on this channel wakes up and finds it unbound. */
        if (rd != d)
            set_pending(rd, rp);
        break;
    }
    default:
        break;
    }
    evtchn_2l_clear_pending(d->shared_info, p);
    memset(chn, 0, sizeof(*chn));
    chn->state = ECS_FREE;
}

static bool port_in_use(struct domain *d, evtchn_port_t p)
{
    uint8_t st = port_chn(d, p)->state;
    return st != ECS_FREE && st != ECS_RESERVED;
}

long evtchn_close(struct domain *caller, evtchn_port_t port)
{
    if (!port_valid(port) || !port_in_use(caller, port))
        return -EINVAL;
    close_port(caller, port);
    return 0;
}

long evtchn_send(struct domain *caller, evtchn_port_t port)
{
    if (!port_valid(port))
        return -EINVAL;
    struct evtchn *chn = port_chn(caller, port);
    switch (chn->state) {
    case ECS_INTERDOMAIN:
        set_pending(chn->u.interdomain.remote_dom, chn->u.interdomain.remote_port);
        return 0;
    case ECS_IPI:
        set_pending(caller, port);
        return 0;
    case ECS_UNBOUND:
        return 0;                           /* nobody listens: dropped */
    default:
        return -EINVAL;
    }
}

long evtchn_status(struct domain *caller, evtchn_status_t *s)
{
    struct domain *d;
    long rc = target_domain(caller, s->dom, &d);

    if (rc)
        return rc;
    if (!port_valid(s->port))
        return -EINVAL;
    const struct evtchn *chn = port_chn(d, s->port);
    memset(&s->u, 0, sizeof(s->u));
    s->vcpu = chn->notify_vcpu_id;
    switch (chn->state) {
    case ECS_UNBOUND:
        s->status = EVTCHNSTAT_unbound;
        s->u.unbound.dom = chn->u.unbound.remote_domid;
        break;
    case ECS_INTERDOMAIN:
        s->status = EVTCHNSTAT_interdomain;
        s->u.interdomain.dom = chn->u.interdomain.remote_dom->domain_id;
        s->u.interdomain.port = chn->u.interdomain.remote_port;
        break;
    case ECS_VIRQ:
        s->status = EVTCHNSTAT_virq;
        s->u.virq = chn->u.virq;
        break;
    case ECS_IPI:
        s->status = EVTCHNSTAT_ipi;
        break;
    default:
        s->status = EVTCHNSTAT_closed;
        s->vcpu = 0;
        break;
    }
    return 0;
}

long evtchn_bind_vcpu(struct domain *caller, evtchn_port_t port, uint32_t vcpu)
{
    if (!domain_vcpu(caller, vcpu))
        return -ENOENT;
    if (!port_valid(port))
        return -EINVAL;
    struct evtchn *chn = port_chn(caller, port);
    switch (chn->state) {
    case ECS_VIRQ:
        if (virq_is_per_vcpu(chn->u.virq))
            return -EINVAL;
        break;
    case ECS_UNBOUND:
    case ECS_INTERDOMAIN:
    case ECS_PIRQ:
        break;
    default:
        return -EINVAL;
    }
    chn->notify_vcpu_id = (uint16_t)vcpu;
    return 0;
}

long evtchn_unmask(struct domain *caller, evtchn_port_t port)
{
    if (!port_valid(port))
        return -EINVAL;
    struct vcpu *v = domain_vcpu(caller, port_chn(caller, port)->notify_vcpu_id);
    if (v && evtchn_2l_unmask(caller->shared_info, v->vcpu_info, port))
        vcpu_kick(v);
    return 0;
}

long evtchn_reset(struct domain *caller, domid_t dom)
{
    struct domain *d;
    long rc = target_domain(caller, dom, &d);

    if (rc)
        return rc;
    for (evtchn_port_t p = 1; p < EVTCHN_NR_PORTS; p++)
        if (port_in_use(d, p))
            close_port(d, p);
    return 0;
}

void evtchn_destroy(struct domain *d)
{
    if (!d->evtchn)
        return;
    d->is_dying = true;             /* nothing is raised in d from now on */
    for (evtchn_port_t p = 1; p < EVTCHN_NR_PORTS; p++)
        if (port_in_use(d, p))
            close_port(d, p);
    xfree_bytes(d->evtchn, EVTCHN_NR_PORTS * sizeof(struct evtchn));
    d->evtchn = NULL;
}

void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq)
{
    evtchn_port_t p = v->virq_to_evtchn[virq];

    if (p)
        set_pending(v->domain, p);
}

void send_guest_global_virq(struct domain *d, unsigned int virq)
{
    struct vcpu *v0 = domain_vcpu(d, 0);

    if (v0 && v0->virq_to_evtchn[virq])
        set_pending(d, v0->virq_to_evtchn[virq]);
}
