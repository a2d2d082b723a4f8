/*
 * Event channels: the port state machine.
 *
 * A domain has the ports its event-channel ABI can name: 1024 with the
 * 2-level ABI of a 32-bit guest, up to 2^17 once it switched to FIFO
 * (event_fifo.c), never more than its max_evtchn_port allows.  Their
 * structures come in buckets of 1024, the first allocated at creation,
 * the others when a free port is first needed there (counted against the
 * domain); a port is *valid* if it has a structure and its ABI can name
 * it.  Port 0 is reserved and never handed out.  A port is in one state:
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
 * VIRQs are raised by the hypervisor only.  Raising a port is the ABI's
 * algorithm (d->evtchn_ops: event_2l.c or event_fifo.c) plus two
 * wake-ups: the notified vCPU if its upcall became pending (vcpu_kick),
 * and any vCPU polling that port.
 *
 * Rules that keep a hostile guest in its box:
 *   - every port number is checked valid before it indexes anything, and
 *     a port the domain's ABI cannot name does not exist for it (the
 *     XSA-342 class: a 2-level guest cannot reach ports past its bitmap,
 *     not even ports a FIFO phase left allocated);
 *   - a domain only operates on its own ports, except a privileged one,
 *     which may allocate, query and reset other domains' ports;
 *   - binding to another domain's port requires that port to be UNBOUND
 *     and offered to exactly this domain;
 *   - each operation validates everything, then commits; nothing fails
 *     half-way (a free port is found before anything changes -- finding
 *     one may allocate a bucket of free ports, which changes nothing the
 *     guest can see);
 *   - when a domain dies, evtchn_destroy closes its ports first, so no
 *     peer keeps a pointer to a domain that no longer exists.
 *
 * Generic code, host-tested (tests/host/test-evtchn.c).  One CPU and
 * interrupts off while it runs: no locks.  With SMP, a per-domain lock
 * (two, in domain-id order, for interdomain operations) goes here.
 */
#include <mica/xsm.h>
#include <mica/event.h>
#include <mica/pirq.h>
#include <mica/domain.h>
#include <mica/errno.h>
#include <mica/lib.h>
#include <mica/phase.h>


#define BUCKET_BYTES (EVTCHNS_PER_BUCKET * sizeof(struct evtchn))

bool virq_is_per_vcpu(unsigned int virq)
{
    return virq == VIRQ_TIMER || virq == VIRQ_DEBUG || virq == VIRQ_XENOPROF ||
           virq == VIRQ_XENPMU;
}

unsigned int evtchn_max_ports(const struct domain *d)
{
    return d->evtchn_fifo ? EVTCHN_FIFO_NR_CHANNELS : EVTCHN_2L_NR_PORTS;
}

int evtchn_init(struct domain *d)
{
    d->evtchn_bucket[0] = xzalloc_bytes(BUCKET_BYTES);
    if (!d->evtchn_bucket[0])
        return -ENOMEM;
    d->valid_evtchns = EVTCHNS_PER_BUCKET;
    d->max_evtchn_port = EVTCHN_FIFO_NR_CHANNELS - 1;
    d->evtchn_free_hint = 1;
    d->evtchn_ops = &evtchn_ops_2l;
    evtchn_update_nameable(d);
    d->evtchn_bucket[0][0].state = ECS_RESERVED;
    return 0;
}

/* Ports with a structure that the ABI can name: [0, d->evtchn_nameable). */
void evtchn_update_nameable(struct domain *d)
{
    unsigned int abi = evtchn_max_ports(d);
    d->evtchn_nameable = d->valid_evtchns < abi ? d->valid_evtchns : abi;
}

static bool port_valid(const struct domain *d, evtchn_port_t p)
{
    return p < d->evtchn_nameable;
}

static struct evtchn *port_chn(struct domain *d, evtchn_port_t p)
{
    return &d->evtchn_bucket[p / EVTCHNS_PER_BUCKET][p % EVTCHNS_PER_BUCKET];
}

struct evtchn *evtchn_port_struct(struct domain *d, evtchn_port_t p)
{
    return p < d->valid_evtchns ? port_chn(d, p) : NULL;
}

static struct vcpu *domain_vcpu(struct domain *d, uint32_t id)
{
    return id < d->max_vcpus && id < MAX_VIRT_CPUS ? d->vcpu[id] : NULL;
}

/*
 * The lowest free port, or -ENOSPC (none the ABI and the domain's limit
 * allow) / -ENOMEM.  Ports below evtchn_free_hint are known to be in use,
 * so filling 2^17 ports one allocation at a time stays linear.
 */
static long get_free_port(struct domain *d)
{
    unsigned int limit = evtchn_max_ports(d);
    evtchn_port_t p;

    if (d->max_evtchn_port + 1u < limit)
        limit = d->max_evtchn_port + 1u;
    for (p = d->evtchn_free_hint; p < d->valid_evtchns && p < limit; p++) {
        if (port_chn(d, p)->state == ECS_FREE) {
            d->evtchn_free_hint = p;
            return p;
        }
    }
    d->evtchn_free_hint = p;
    if (p >= limit || p < d->valid_evtchns)
        return -ENOSPC;
    struct evtchn *bucket = domain_xzalloc(d, BUCKET_BYTES);
    if (!bucket)
        return -ENOMEM;
    d->evtchn_bucket[p / EVTCHNS_PER_BUCKET] = bucket;
    d->valid_evtchns += EVTCHNS_PER_BUCKET;
    evtchn_update_nameable(d);
    return p;
}

/* A port just bound: default priority, nothing remembered as pending. */
static void port_init(struct evtchn *chn, uint8_t state, uint16_t vcpu)
{
    chn->state = state;
    chn->notify_vcpu_id = vcpu;
    chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
    chn->pending = false;
}

/* DOMID_SELF -> caller; another domain only for the privileged. */
static long target_domain(struct domain *caller, domid_t dom, struct domain **out)
{
    if (dom == DOMID_SELF || dom == caller->domain_id) {
        *out = caller;
        return 0;
    }
    if (xsm_check(XSM_EVTCHN_FOREIGN, caller, NULL))
        return -EPERM;
    *out = domain_lookup(dom);
    return *out ? 0 : -ESRCH;
}

/* Raise port p (chn) of d: the ABI's algorithm, then the wake-ups. */
static void raise_chn(struct domain *d, evtchn_port_t p, struct evtchn *chn)
{
    struct vcpu *v = domain_vcpu(d, chn->notify_vcpu_id);

    if (!v || d->is_dying)
        return;
    PHASE(PH_EVT_SET);
    /* The 2-level case called directly: it is every send's path. */
    unsigned int r = d->evtchn_fifo ? d->evtchn_ops->set_pending(d, v, p, chn)
                                    : evtchn_2l_set_pending(d->shared_info, v->vcpu_info, p);
    if (r & EVT_KICK)
        vcpu_kick(v);
    if (r & EVT_NEWLY_PENDING)
        for (unsigned int i = 0; i < d->max_vcpus && i < MAX_VIRT_CPUS; i++)
            if (d->vcpu[i])
                vcpu_poll_check(d->vcpu[i], p);
}

static void set_pending(struct domain *d, evtchn_port_t p)
{
    raise_chn(d, p, port_chn(d, p));
}

void evtchn_raise(struct domain *d, evtchn_port_t p)
{
    if (port_valid(d, p))
        set_pending(d, p);
}

bool evtchn_port_is_pending(struct domain *d, evtchn_port_t port)
{
    return port_valid(d, port) && d->evtchn_ops->is_pending(d, port);
}

bool evtchn_port_is_masked(struct domain *d, evtchn_port_t port)
{
    return !port_valid(d, port) || d->evtchn_ops->is_masked(d, port);
}

long evtchn_alloc_unbound_port(struct domain *d, domid_t remote)
{
    long p = get_free_port(d);

    if (p < 0)
        return p;
    struct evtchn *chn = port_chn(d, (evtchn_port_t)p);
    port_init(chn, ECS_UNBOUND, 0);
    chn->u.unbound.remote_domid = remote;
    return p;
}

long evtchn_alloc_pirq_port(struct domain *d, uint32_t pirq)
{
    long p = get_free_port(d);

    if (p < 0)
        return p;
    struct evtchn *chn = port_chn(d, (evtchn_port_t)p);
    port_init(chn, ECS_PIRQ, 0);        /* PIRQs are delivered to vCPU 0 */
    chn->u.pirq = pirq;
    return p;
}

void evtchn_free_pirq_port(struct domain *d, evtchn_port_t p)
{
    struct evtchn *chn = port_chn(d, p);

    chn->state = ECS_FREE;
    memset(&chn->u, 0, sizeof(chn->u));
    if (p < d->evtchn_free_hint)
        d->evtchn_free_hint = p;
}

long evtchn_alloc_unbound(struct domain *caller, evtchn_alloc_unbound_t *a)
{
    struct domain *d;
    domid_t remote = a->remote_dom == DOMID_SELF ? caller->domain_id : a->remote_dom;
    long rc = target_domain(caller, a->dom, &d);

    if (rc)
        return rc;
    if (remote >= DOMID_FIRST_RESERVED || d->is_dying)
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
    if (!port_valid(rd, rport))
        return -EINVAL;
    struct evtchn *rchn = port_chn(rd, rport);
    if (rchn->state != ECS_UNBOUND || rchn->u.unbound.remote_domid != caller->domain_id)
        return -EINVAL;
    long lport = get_free_port(caller);
    if (lport < 0)
        return lport;

    struct evtchn *lchn = port_chn(caller, (evtchn_port_t)lport);
    port_init(lchn, ECS_INTERDOMAIN, 0);
    lchn->u.interdomain.remote_dom = rd;
    lchn->u.interdomain.remote_port = rport;
    rchn->state = ECS_INTERDOMAIN;
    rchn->u.interdomain.remote_dom = caller;
    rchn->u.interdomain.remote_port = (evtchn_port_t)lport;
    /* The ABI: the new local port starts pending (the remote may have sent). */
    set_pending(caller, (evtchn_port_t)lport);
    b->local_port = (evtchn_port_t)lport;
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
    long p = get_free_port(caller);
    if (p < 0)
        return p;

    struct evtchn *chn = port_chn(caller, (evtchn_port_t)p);
    port_init(chn, ECS_VIRQ, (uint16_t)b->vcpu);
    chn->u.virq = virq;
    v->virq_to_evtchn[virq] = (evtchn_port_t)p;
    b->port = (evtchn_port_t)p;
    return 0;
}

long evtchn_bind_ipi(struct domain *caller, evtchn_bind_ipi_t *b)
{
    if (!domain_vcpu(caller, b->vcpu))
        return -ENOENT;
    long p = get_free_port(caller);
    if (p < 0)
        return p;
    port_init(port_chn(caller, (evtchn_port_t)p), ECS_IPI, (uint16_t)b->vcpu);
    b->port = (evtchn_port_t)p;
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
    case ECS_PIRQ:
        pirq_evtchn_closed(d, chn->u.pirq);
        break;
    default:
        break;
    }
    d->evtchn_ops->clear_pending(d, p);
    /* The FIFO queue it was last on (last_vcpu_id/last_priority) is kept:
     * the guest may not have unlinked it yet (event_fifo.c). */
    chn->state = ECS_FREE;
    chn->notify_vcpu_id = 0;
    chn->pending = false;
    memset(&chn->u, 0, sizeof(chn->u));
    if (p < d->evtchn_free_hint)
        d->evtchn_free_hint = p;
}

static bool port_in_use(struct domain *d, evtchn_port_t p)
{
    uint8_t st = port_chn(d, p)->state;
    return st != ECS_FREE && st != ECS_RESERVED;
}

long evtchn_close(struct domain *caller, evtchn_port_t port)
{
    if (!port_valid(caller, port) || !port_in_use(caller, port))
        return -EINVAL;
    close_port(caller, port);
    return 0;
}

long evtchn_send(struct domain *caller, evtchn_port_t port)
{
    PHASE(PH_EVT_PORT);
    if (!port_valid(caller, port))
        return -EINVAL;
    struct evtchn *chn = port_chn(caller, port);
    switch (chn->state) {
    case ECS_INTERDOMAIN:
        set_pending(chn->u.interdomain.remote_dom, chn->u.interdomain.remote_port);
        return 0;
    case ECS_IPI:
        raise_chn(caller, port, chn);
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
    if (!port_valid(d, s->port))
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
    case ECS_PIRQ:
        s->status = EVTCHNSTAT_pirq;
        s->u.pirq = chn->u.pirq;
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
    if (!port_valid(caller, port))
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
    if (!port_valid(caller, port))
        return -EINVAL;
    struct evtchn *chn = port_chn(caller, port);
    struct vcpu *v = domain_vcpu(caller, chn->notify_vcpu_id);
    if (v && (caller->evtchn_ops->unmask(caller, v, port, chn) & EVT_KICK))
        vcpu_kick(v);
    return 0;
}

long evtchn_set_priority(struct domain *caller, evtchn_port_t port, uint32_t priority)
{
    if (!port_valid(caller, port))
        return -EINVAL;
    if (!caller->evtchn_fifo)
        return -ENOSYS;                     /* the 2-level ABI has no priorities */
    if (priority > EVTCHN_FIFO_PRIORITY_MIN)
        return -EINVAL;
    /* Takes effect the next time the port is linked (event_fifo.c). */
    port_chn(caller, port)->priority = (uint8_t)priority;
    return 0;
}

static void close_all(struct domain *d)
{
    for (evtchn_port_t p = 1; p < d->valid_evtchns; p++)
        if (port_in_use(d, p))
            close_port(d, p);
}

long evtchn_reset(struct domain *caller, domid_t dom)
{
    struct domain *d;
    long rc = target_domain(caller, dom, &d);

    if (rc)
        return rc;
    close_all(d);
    /* A guest resetting itself also leaves the FIFO ABI (Xen does the same,
     * and only for the literal DOMID_SELF): back to 2-level, the control
     * blocks and event array released. */
    if (dom == DOMID_SELF && d->evtchn_fifo)
        evtchn_fifo_destroy(d);
    return 0;
}

void evtchn_destroy(struct domain *d)
{
    if (!d->evtchn_bucket[0])
        return;
    d->is_dying = true;             /* nothing is raised in d from now on */
    close_all(d);
    evtchn_fifo_destroy(d);
    xfree_bytes(d->evtchn_bucket[0], BUCKET_BYTES);
    d->evtchn_bucket[0] = NULL;
    for (unsigned int b = 1; b < EVTCHN_MAX_BUCKETS; b++) {
        if (d->evtchn_bucket[b])
            domain_xfree(d, d->evtchn_bucket[b], BUCKET_BYTES);
        d->evtchn_bucket[b] = NULL;
    }
    d->valid_evtchns = 0;
    evtchn_update_nameable(d);
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

unsigned int evtchn_ports_in_use(struct domain *d)
{
    unsigned int n = 0;

    for (evtchn_port_t p = 0; p < d->valid_evtchns; p++)
        if (port_chn(d, p)->state != ECS_FREE)
            n++;
    return n;
}

unsigned int evtchn_nr_buckets(const struct domain *d)
{
    unsigned int n = 0;

    for (unsigned int b = 0; b < EVTCHN_MAX_BUCKETS; b++)
        n += d->evtchn_bucket[b] != NULL;
    return n;
}
