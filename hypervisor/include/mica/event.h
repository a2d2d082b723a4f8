/*
 * Event channels: the hypervisor side of the guest's interrupts.
 *
 * Generic and host-tested; the state machine and the hypercall-level
 * operations are in common/event_channel.c, the two ABIs that say how a
 * port is raised, masked and seen pending -- the 2-level bitmaps in
 * shared_info (common/event_2l.c) and the FIFO queues in guest pages
 * (common/event_fifo.c) -- behind struct evtchn_port_ops, the hypercall
 * front end (copy in, call, copy out) in common/event_channel_op.c.
 */
#ifndef MICA_EVENT_H
#define MICA_EVENT_H

#include <mica/types.h>
#include <public/xen.h>
#include <public/event_channel.h>

struct domain;
struct vcpu;

/* Port states. */
enum {
    ECS_FREE,           /* available */
    ECS_RESERVED,       /* never handed out (port 0) */
    ECS_UNBOUND,        /* waiting for remote_domid to bind */
    ECS_INTERDOMAIN,    /* connected to a port of a domain */
    ECS_PIRQ,           /* a physical IRQ (common/pirq.c) */
    ECS_VIRQ,           /* a virtual IRQ */
    ECS_IPI,            /* a vCPU of this domain */
};

struct evtchn {
    uint8_t state;                      /* ECS_* */
    uint8_t priority;                   /* FIFO: queue 0 (first) .. 15 */
    uint8_t last_priority;              /* FIFO: the queue (vCPU, priority) */
    bool pending;                       /* FIFO: raised while it had no event word */
    uint16_t notify_vcpu_id;            /* vCPU told when it becomes pending */
    uint16_t last_vcpu_id;              /* FIFO:   it was last linked on */
    union {
        struct { domid_t remote_domid; } unbound;
        struct { struct domain *remote_dom; evtchn_port_t remote_port; } interdomain;
        uint32_t virq;
        uint32_t pirq;
    } u;
};

/*
 * Ports: 1024 with the 2-level ABI of a 32-bit guest, up to 2^17 with FIFO
 * (and never above the domain's max_evtchn_port).  Their structures are
 * allocated by buckets of 1024 as ports are first needed.
 */
#define EVTCHN_2L_NR_PORTS  EVTCHN_2L_NR_CHANNELS
#define EVTCHNS_PER_BUCKET  1024
#define EVTCHN_MAX_BUCKETS  (EVTCHN_FIFO_NR_CHANNELS / EVTCHNS_PER_BUCKET)

/* How one ABI raises, clears, masks and reads a port (the domain's
 * evtchn_ops).  The raise and unmask hooks return EVT_* bits below:
 * event_channel.c does the waking. */
struct evtchn_port_ops {
    unsigned int (*set_pending)(struct domain *d, struct vcpu *v, evtchn_port_t p,
                                struct evtchn *chn);
    void (*clear_pending)(struct domain *d, evtchn_port_t p);
    unsigned int (*unmask)(struct domain *d, struct vcpu *v, evtchn_port_t p,
                           struct evtchn *chn);
    bool (*is_pending)(const struct domain *d, evtchn_port_t p);
    bool (*is_masked)(const struct domain *d, evtchn_port_t p);
};
extern const struct evtchn_port_ops evtchn_ops_2l, evtchn_ops_fifo;

/* The ports the domain's ABI can name (1024, or 2^17 with FIFO). */
unsigned int evtchn_max_ports(const struct domain *d);
/* Recompute d->evtchn_nameable after its ABI or its buckets changed. */
void evtchn_update_nameable(struct domain *d);

/* Is virq one bound per vCPU (rather than on vCPU 0 for the domain)? */
bool virq_is_per_vcpu(unsigned int virq);

/* Domain life cycle. */
int evtchn_init(struct domain *d);          /* 0 or -ENOMEM */
void evtchn_destroy(struct domain *d);      /* close every port, free */
/* Ports of d not free (MICA_SYSCTL_resources), and its buckets. */
unsigned int evtchn_ports_in_use(struct domain *d);
unsigned int evtchn_nr_buckets(const struct domain *d);

/*
 * The operations of event_channel_op.  `caller` is the calling domain;
 * structures are already copied in, OUT fields are filled on success.
 * Each validates everything before changing anything.
 */
long evtchn_alloc_unbound(struct domain *caller, evtchn_alloc_unbound_t *a);
long evtchn_bind_interdomain(struct domain *caller, evtchn_bind_interdomain_t *b);
long evtchn_bind_virq(struct domain *caller, evtchn_bind_virq_t *b);
long evtchn_bind_ipi(struct domain *caller, evtchn_bind_ipi_t *b);
long evtchn_close(struct domain *caller, evtchn_port_t port);
long evtchn_send(struct domain *caller, evtchn_port_t port);
long evtchn_status(struct domain *caller, evtchn_status_t *s);
long evtchn_bind_vcpu(struct domain *caller, evtchn_port_t port, uint32_t vcpu);
long evtchn_unmask(struct domain *caller, evtchn_port_t port);
long evtchn_reset(struct domain *caller, domid_t dom);
long evtchn_set_priority(struct domain *caller, evtchn_port_t port, uint32_t priority);

/* FIFO (event_fifo.c): the three commands, and the domain's teardown. */
long evtchn_fifo_init_control(struct domain *d, evtchn_init_control_t *ic);
long evtchn_fifo_expand_array(struct domain *d, uint64_t array_gfn);
void evtchn_fifo_destroy(struct domain *d);
/* Raise port p of d as a send would (no-op for a port not valid). */
void evtchn_raise(struct domain *d, evtchn_port_t p);
/* Port p of d as the FIFO code needs it (NULL if it has no structure). */
struct evtchn *evtchn_port_struct(struct domain *d, evtchn_port_t p);

/* A free port of d bound to its PIRQ n (-ENOSPC/-ENOMEM), and giving one
 * back that was never seen by the guest (EVTCHNOP_bind_pirq: pirq.c). */
long evtchn_alloc_pirq_port(struct domain *d, uint32_t pirq);
void evtchn_free_pirq_port(struct domain *d, evtchn_port_t port);

/* A new unbound port of d for remote (the builder's console/xenstore). */
long evtchn_alloc_unbound_port(struct domain *d, domid_t remote);

/* Raise a VIRQ (no-op if the guest has not bound it). */
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);
void send_guest_global_virq(struct domain *d, unsigned int virq);

bool evtchn_port_is_pending(struct domain *d, evtchn_port_t port);
bool evtchn_port_is_masked(struct domain *d, evtchn_port_t port);

/* ---- 2-level bitmaps (common/event_2l.c), pure functions --------------- */

#define EVT_NEWLY_PENDING 1u    /* the pending bit went 0 -> 1 */
#define EVT_KICK          2u    /* upcall_pending went 0 -> 1: wake the vCPU */

unsigned int evtchn_2l_set_pending(shared_info_t *s, vcpu_info_t *vi, evtchn_port_t p);
void evtchn_2l_clear_pending(shared_info_t *s, evtchn_port_t p);
/* Clear the mask bit; true if that made an upcall pending (kick). */
bool evtchn_2l_unmask(shared_info_t *s, vcpu_info_t *vi, evtchn_port_t p);
bool evtchn_2l_is_pending(const shared_info_t *s, evtchn_port_t p);
bool evtchn_2l_is_masked(const shared_info_t *s, evtchn_port_t p);

/* ---- what event channels need from elsewhere ---------------------------- */

/* upcall_pending just went 0 -> 1 for v: wake it if it is blocked. */
void vcpu_kick(struct vcpu *v);
/* Port p of v's domain went pending: wake v if it polls p. */
void vcpu_poll_check(struct vcpu *v, evtchn_port_t p);

#endif
