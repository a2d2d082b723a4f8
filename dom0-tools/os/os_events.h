/*
 * The OS interface: event channels (see os_loop.h for the whole).
 *
 * A port is bound to a handler, which the main loop calls when the port
 * was raised (its pending bit is cleared first).  Calls may be spurious:
 * a handler looks at its ring or state and does nothing if there is
 * nothing to do.  Errors are -errno values (the hypervisor's -XEN_E*,
 * which equal Linux's).
 */
#ifndef DOM0_OS_EVENTS_H
#define DOM0_OS_EVENTS_H

#include <stdint.h>

typedef void os_event_fn(void *arg, unsigned int port);

/* Bind a VIRQ (global ones are bound on vCPU 0): the port or -errno. */
int os_evtchn_bind_virq(unsigned int virq, os_event_fn *fn, void *arg);
/* Connect to a port that domain `dom` offers us: our port or -errno. */
int os_evtchn_bind_interdomain(uint16_t dom, unsigned int remote_port,
                               os_event_fn *fn, void *arg);
/* A new port of ours, offered to domain `remote`: the port or -errno. */
int os_evtchn_alloc_unbound(uint16_t remote, os_event_fn *fn, void *arg);
/* Raise the other end: 0 or -errno. */
int os_evtchn_notify(unsigned int port);
/* Close the port; its handler is never called again. */
void os_evtchn_close(unsigned int port);

#endif
