/*
 * A domain's physical IRQs (common/pirq.c): the PIRQ numbers it names
 * machine interrupts by, and the physdev_op commands that manage them.
 *
 * A PIRQ is a per-domain number (0 .. nr_pirqs-1; Xen's sizes: the GSIs
 * plus 256 for the initial domain, plus 32 for any other, never more than
 * the machine's IRQs).  It is *mapped* to a machine IRQ by
 * PHYSDEVOP_map_pirq (a privileged domain, for itself or for another),
 * then *bound* to an event channel by the domain (EVTCHNOP_bind_pirq).
 * Unmapping a PIRQ that is still bound leaves the event channel in place
 * but cut off (Xen's "forced unbind": irq < 0 until the port is closed).
 *
 * The table is allocated on the domain's first use (domain_xzalloc), so a
 * domain that never touches a PIRQ costs nothing.  The optional EOI bitmap
 * (PHYSDEVOP_pirq_eoi_gmfn_v1/v2) is a page of the guest's own that the
 * hypervisor writes -- bit n set: "PIRQ n needs PHYSDEVOP_eoi" -- held as
 * a guest_frame registration (a writable type reference) until the
 * domain dies.
 */
#ifndef MICA_PIRQ_H
#define MICA_PIRQ_H

#include <mica/types.h>
#include <public/physdev.h>
#include <public/event_channel.h>

struct domain;

struct pirq {
    int32_t irq;                        /* > 0 mapped; < 0 unmapped while bound */
    evtchn_port_t evtchn;               /* 0: not bound */
    bool masked;                        /* owes an EOI (level line) */
    bool allocated;                     /* reserved by PHYSDEVOP_get_free_pirq */
};

struct domain_pirqs {
    unsigned int nr;                    /* = pirq_nr(d) */
    unsigned long eoi_mfn;              /* 0: no EOI bitmap registered */
    uint32_t *eoi_map;
    bool auto_unmask;                   /* registered with _v1 */
    struct pirq p[];
};

/* How many PIRQs d may name. */
unsigned int pirq_nr(const struct domain *d);
/* d's PIRQ n, NULL if d never used any or n is out of range. */
struct pirq *pirq_info(struct domain *d, unsigned int n);

/* physdev_op commands (arguments copied in; OUT fields filled). */
long pirq_map(struct domain *caller, struct physdev_map_pirq *m);
long pirq_unmap(struct domain *caller, domid_t domid, int32_t pirq);
/* apic_write's mapping: d's PIRQ pirq to GSI gsi (map_pirq's rules). */
long pirq_map_gsi(struct domain *d, unsigned int pirq, unsigned int gsi);
long pirq_eoi(struct domain *d, uint32_t pirq);
long pirq_status_query(struct domain *d, struct physdev_irq_status_query *q);
long pirq_eoi_gmfn(struct domain *d, uint32_t gmfn, bool v1);
long pirq_get_free(struct domain *d, struct physdev_get_free_pirq *g);
long pirq_unmask_notify(struct domain *d);

/* EVTCHNOP_bind_pirq, and the close of a PIRQ port (event_channel.c). */
long evtchn_bind_pirq(struct domain *d, evtchn_bind_pirq_t *b);
void pirq_evtchn_closed(struct domain *d, uint32_t pirq);

/* An interrupt for d's PIRQ n: raise its port (irq.c). */
void pirq_raise(struct domain *d, uint32_t n);

/* domain_kill: unmap everything, release the EOI page, free the table. */
void pirq_domain_destroy(struct domain *d);

#endif
