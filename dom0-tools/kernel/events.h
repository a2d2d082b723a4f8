/*
 * Event channels of the Dom0 kernel (events.c).
 *
 * Events are never delivered as upcalls: the vCPU's upcall mask stays set
 * for Dom0's whole life, and the main loop (loop.c) asks events_dispatch()
 * to look at the 2-level bitmaps in shared_info.  A handler bound to a
 * port runs from the loop, one at a time, with the port's pending bit
 * already cleared (an event arriving while it runs is seen next turn).
 */
#ifndef DOM0_EVENTS_H
#define DOM0_EVENTS_H

#include "kernel.h"
#include <public/event_channel.h>

typedef void evtchn_handler_t(void *arg, evtchn_port_t port);

/* Map shared_info and stop the periodic tick (boot). */
void events_init(void);

/* Each returns the local port (> 0) or -errno; the handler is attached. */
int evtchn_bind_virq(uint32_t virq, evtchn_handler_t *h, void *arg);
int evtchn_bind_interdomain(domid_t dom, evtchn_port_t remote, evtchn_handler_t *h, void *arg);
int evtchn_alloc_unbound(domid_t remote, evtchn_handler_t *h, void *arg);
/* A physical interrupt (PIRQ, mapped by PHYSDEVOP_map_pirq; drivers/hw.c). */
int evtchn_bind_pirq(uint32_t pirq, uint32_t flags, evtchn_handler_t *h, void *arg);
/* Close a port of ours and forget its handler. */
void evtchn_close_port(evtchn_port_t port);
/* Send on a port (0 or -errno). */
int evtchn_notify(evtchn_port_t port);

/* Run the handlers of every pending port once: true if any ran. */
bool events_dispatch(void);
/* Is anything waiting (upcall_pending)?  Cleared by events_dispatch. */
bool events_pending(void);
/* Ports bound (statistics). */
unsigned int events_nr_bound(void);

#endif
