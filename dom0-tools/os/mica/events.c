/*
 * The OS interface on Mica's Dom0 kernel: event channels (os_events.h)
 * over kernel/events.c, whose handlers already have the interface's shape.
 */
#include "os_events.h"
#include "../../kernel/events.h"

int os_evtchn_bind_virq(unsigned int virq, os_event_fn *fn, void *arg)
{
    return evtchn_bind_virq(virq, fn, arg);
}

int os_evtchn_bind_interdomain(uint16_t dom, unsigned int remote_port,
                               os_event_fn *fn, void *arg)
{
    return evtchn_bind_interdomain(dom, remote_port, fn, arg);
}

int os_evtchn_alloc_unbound(uint16_t remote, os_event_fn *fn, void *arg)
{
    return evtchn_alloc_unbound(remote, fn, arg);
}

int os_evtchn_notify(unsigned int port)
{
    return evtchn_notify(port);
}

void os_evtchn_close(unsigned int port)
{
    evtchn_close_port(port);
}
