/*
 * public/event_channel.h - event_channel_op(cmd, arg): the guest's
 * interrupts.
 *
 * A port is a numbered endpoint in a domain.  It is bound to a VIRQ, an
 * IPI, a physical IRQ, or a port of another domain; "sending" on one end
 * makes the other end pending.  With the 2-level ABI a port p is bit p of
 * shared_info.evtchn_pending / evtchn_mask (1024 ports for 32-bit guests,
 * port 0 never allocated), and delivery is:
 *
 *   set pending[p] (stop if it was set)
 *     -> if !mask[p] and selector bit p/32 of the notified vCPU was clear:
 *        set it, set vcpu_info.evtchn_upcall_pending, kick the vCPU
 *     -> at the next return to that vCPU, if upcall_pending and
 *        !upcall_mask, enter the event callback.
 *
 * Unmask (EVTCHNOP_unmask) clears mask[p] and repeats the second step if
 * p is pending.  New ports notify vCPU 0.
 *
 * The FIFO ABI (EVTCHNOP_init_control, expand_array, set_priority) is the
 * alternative a guest may switch to: up to 2^17 ports, one 32-bit event
 * word per port in guest pages the guest hands over one at a time, and 16
 * priority queues per vCPU linked through the words themselves:
 *
 *   event word:  31 PENDING | 30 MASKED | 29 LINKED | 28 BUSY | 16..0 LINK
 *   control block (per vCPU, 72 bytes in a guest page):
 *       ready (bit q: queue q has events) | _rsvd | head[16]
 *
 * Raising port p on vCPU v: set PENDING; if not MASKED and not yet LINKED,
 * set LINKED and append p to v's queue for p's priority (the old tail's
 * LINK := p, or head[q] := p if the queue was empty); if the queue was
 * empty, set ready bit q and raise evtchn_upcall_pending as above.  The
 * guest consumes from head[q] along the LINKs, clearing LINKED.
 *
 * The legacy hypercall event_channel_op_compat (16) takes a struct
 * evtchn_op: the command followed by the argument union (only the ten
 * commands the union holds; the others are -ENOSYS there).
 */
#ifndef MICA_PUBLIC_EVENT_CHANNEL_H
#define MICA_PUBLIC_EVENT_CHANNEL_H

#include "xen.h"

#define EVTCHNOP_bind_interdomain   0
#define EVTCHNOP_bind_virq          1
#define EVTCHNOP_bind_pirq          2
#define EVTCHNOP_close              3
#define EVTCHNOP_send               4
#define EVTCHNOP_status             5
#define EVTCHNOP_alloc_unbound      6
#define EVTCHNOP_bind_ipi           7
#define EVTCHNOP_bind_vcpu          8
#define EVTCHNOP_unmask             9
#define EVTCHNOP_reset              10
#define EVTCHNOP_init_control       11  /* FIFO ABI */
#define EVTCHNOP_expand_array       12  /* FIFO ABI */
#define EVTCHNOP_set_priority       13  /* FIFO ABI */

/* Ports of the 2-level ABI for a 32-bit guest: 32 words x 32 bits. */
#define EVTCHN_2L_NR_CHANNELS       1024

/* evtchn_bind_pirq.flags. */
#define BIND_PIRQ__WILL_SHARE       1

/* evtchn_status.status. */
#define EVTCHNSTAT_closed           0   /* not in use */
#define EVTCHNSTAT_unbound          1   /* waiting for a remote bind */
#define EVTCHNSTAT_interdomain      2   /* connected to a remote port */
#define EVTCHNSTAT_pirq             3   /* bound to a physical IRQ */
#define EVTCHNSTAT_virq             4   /* bound to a VIRQ */
#define EVTCHNSTAT_ipi              5   /* bound to an IPI */

/* FIFO ABI priorities (0 is highest). */
#define EVTCHN_FIFO_PRIORITY_MAX     0
#define EVTCHN_FIFO_PRIORITY_DEFAULT 7
#define EVTCHN_FIFO_PRIORITY_MIN     15
#define EVTCHN_FIFO_MAX_QUEUES       (EVTCHN_FIFO_PRIORITY_MIN + 1)

/* FIFO event word bits, and the LINK field. */
#define EVTCHN_FIFO_PENDING          31
#define EVTCHN_FIFO_MASKED           30
#define EVTCHN_FIFO_LINKED           29
#define EVTCHN_FIFO_BUSY             28
#define EVTCHN_FIFO_LINK_BITS        17
#define EVTCHN_FIFO_LINK_MASK        ((1u << EVTCHN_FIFO_LINK_BITS) - 1)
#define EVTCHN_FIFO_NR_CHANNELS      (1u << EVTCHN_FIFO_LINK_BITS)

#ifndef __ASSEMBLY__

typedef uint32_t evtchn_port_t;

/*
 * New port that `remote_dom` may later bind to.  dom must be DOMID_SELF
 * unless the caller is privileged.  8 bytes.
 */
struct evtchn_alloc_unbound {
    domid_t       dom, remote_dom;      /* IN */
    evtchn_port_t port;                 /* OUT */
};
typedef struct evtchn_alloc_unbound evtchn_alloc_unbound_t;

/*
 * Connect to an unbound port of another domain that accepts us.  The new
 * local port is set pending.  12 bytes.
 */
struct evtchn_bind_interdomain {
    domid_t       remote_dom;           /* IN */
    evtchn_port_t remote_port;          /* IN */
    evtchn_port_t local_port;           /* OUT */
};
typedef struct evtchn_bind_interdomain evtchn_bind_interdomain_t;

/*
 * Bind a VIRQ.  Per-vCPU VIRQs once per vCPU; global ones on vCPU 0.
 * 12 bytes.
 */
struct evtchn_bind_virq {
    uint32_t      virq;                 /* IN: VIRQ_* */
    uint32_t      vcpu;                 /* IN */
    evtchn_port_t port;                 /* OUT */
};
typedef struct evtchn_bind_virq evtchn_bind_virq_t;

/* Bind a physical IRQ (privileged).  12 bytes. */
struct evtchn_bind_pirq {
    uint32_t      pirq;                 /* IN */
    uint32_t      flags;                /* IN: BIND_PIRQ__* */
    evtchn_port_t port;                 /* OUT */
};
typedef struct evtchn_bind_pirq evtchn_bind_pirq_t;

/* A port that notifies `vcpu` of this domain.  8 bytes. */
struct evtchn_bind_ipi {
    uint32_t      vcpu;                 /* IN */
    evtchn_port_t port;                 /* OUT */
};
typedef struct evtchn_bind_ipi evtchn_bind_ipi_t;

/* Close a port; an interdomain peer goes back to unbound.  4 bytes. */
struct evtchn_close {
    evtchn_port_t port;
};
typedef struct evtchn_close evtchn_close_t;

/* Make the other end (peer, IPI target or self) pending.  4 bytes. */
struct evtchn_send {
    evtchn_port_t port;
};
typedef struct evtchn_send evtchn_send_t;

/* What a port is bound to.  24 bytes. */
struct evtchn_status {
    domid_t       dom;                  /* IN: DOMID_SELF unless privileged */
    evtchn_port_t port;                 /* IN */
    uint32_t      status;               /* OUT: EVTCHNSTAT_* */
    uint32_t      vcpu;                 /* OUT: vCPU notified */
    union {
        struct {
            domid_t dom;
        } unbound;                      /* EVTCHNSTAT_unbound */
        struct {
            domid_t       dom;
            evtchn_port_t port;
        } interdomain;                  /* EVTCHNSTAT_interdomain */
        uint32_t pirq;                  /* EVTCHNSTAT_pirq */
        uint32_t virq;                  /* EVTCHNSTAT_virq */
    } u;                                /* OUT */
};
typedef struct evtchn_status evtchn_status_t;

/*
 * Change the vCPU a port notifies (not for IPI or per-vCPU VIRQ ports).
 * 8 bytes.
 */
struct evtchn_bind_vcpu {
    evtchn_port_t port;
    uint32_t      vcpu;
};
typedef struct evtchn_bind_vcpu evtchn_bind_vcpu_t;

/* Clear the mask bit and deliver if pending.  4 bytes. */
struct evtchn_unmask {
    evtchn_port_t port;
};
typedef struct evtchn_unmask evtchn_unmask_t;

/* Close every port of a domain.  2 bytes. */
struct evtchn_reset {
    domid_t dom;                        /* DOMID_SELF unless privileged */
};
typedef struct evtchn_reset evtchn_reset_t;

/*
 * FIFO ABI (optional: guests fall back to 2-level when init_control
 * fails).  24, 8 and 8 bytes.
 */
struct evtchn_init_control {
    uint64_aligned_t control_gfn;       /* IN: per-vCPU control block */
    uint32_t         offset;            /* IN: within that page */
    uint32_t         vcpu;              /* IN */
    uint8_t          link_bits;         /* OUT */
    uint8_t          _pad[7];
};
typedef struct evtchn_init_control evtchn_init_control_t;

struct evtchn_expand_array {
    uint64_aligned_t array_gfn;         /* IN: next event-array page */
};
typedef struct evtchn_expand_array evtchn_expand_array_t;

struct evtchn_set_priority {
    evtchn_port_t port;
    uint32_t      priority;             /* EVTCHN_FIFO_PRIORITY_* */
};
typedef struct evtchn_set_priority evtchn_set_priority_t;

/* One port's FIFO event word (in an event-array page: 1024 per page). */
typedef uint32_t event_word_t;

/* A vCPU's FIFO control block, 72 bytes, 8-byte aligned in a guest page. */
struct evtchn_fifo_control_block {
    uint32_t ready;                     /* bit q: queue q has events */
    uint32_t _rsvd;
    uint32_t head[EVTCHN_FIFO_MAX_QUEUES];  /* first port of each queue */
};
typedef struct evtchn_fifo_control_block evtchn_fifo_control_block_t;

/* Argument of the legacy event_channel_op_compat.  28 bytes. */
struct evtchn_op {
    uint32_t cmd;                       /* EVTCHNOP_* */
    union {
        struct evtchn_alloc_unbound     alloc_unbound;
        struct evtchn_bind_interdomain  bind_interdomain;
        struct evtchn_bind_virq         bind_virq;
        struct evtchn_bind_pirq         bind_pirq;
        struct evtchn_bind_ipi          bind_ipi;
        struct evtchn_close             close;
        struct evtchn_send              send;
        struct evtchn_status            status;
        struct evtchn_bind_vcpu         bind_vcpu;
        struct evtchn_unmask            unmask;
    } u;
};
typedef struct evtchn_op evtchn_op_t;

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_EVENT_CHANNEL_H */
