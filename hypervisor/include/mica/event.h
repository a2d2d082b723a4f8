/*
 * Event channels: the hypervisor side of the guest's interrupts.
 *
 * Generic and host-tested; the state machine and the hypercall-level
 * operations are in common/event_channel.c, the 2-level pending/mask
 * bitmaps in common/event_2l.c, the hypercall front end (copy in, call,
 * copy out) in common/event_channel_op.c.
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
    ECS_PIRQ,           /* physical IRQ (none yet) */
    ECS_VIRQ,           /* a virtual IRQ */
    ECS_IPI,            /* a vCPU of this domain */
};

struct evtchn {
    uint8_t state;                      /* ECS_* */
    uint16_t notify_vcpu_id;            /* vCPU told when it becomes pending */
    union {
        struct { domid_t remote_domid; } unbound;
        struct { struct domain *remote_dom; evtchn_port_t remote_port; } interdomain;
        uint32_t virq;
    } u;
};

#define EVTCHN_NR_PORTS  EVTCHN_2L_NR_CHANNELS   /* 1024 for 32-bit guests */

/* Is virq one bound per vCPU (rather than on vCPU 0 for the domain)? */
bool virq_is_per_vcpu(unsigned int virq);

/* Domain life cycle. */
int evtchn_init(struct domain *d);          /* 0 or -ENOMEM */
void evtchn_destroy(struct domain *d);      /* close every port, free */

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

/* A new unbound port of d for remote (the builder's console/xenstore). */
long evtchn_alloc_unbound_port(struct domain *d, domid_t remote);

/* Raise a VIRQ (no-op if the guest has not bound it). */
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq);
void send_guest_global_virq(struct domain *d, unsigned int virq);

bool evtchn_port_is_pending(struct domain *d, evtchn_port_t port);

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
