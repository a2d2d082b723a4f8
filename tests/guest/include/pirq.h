/*
 * Physical IRQs for test guests (runtime/pirq.c): the physdev_op and
 * event_channel_op steps that turn an interrupt line or an MSI into an
 * event, as the PIRQ tests (physdev-pirq, physdev-msi) take them one by
 * one to check each step's answer.
 *
 *     map_pirq (GSI or MSI)  ->  bind_pirq  ->  event on the port
 *          ^                                        |
 *          |                                   (serve the device)
 *     unmap_pirq  <-  evtchn_close          <-  EOI (PHYSDEVOP_eoi)
 *
 * Each returns what the hypercall did (0, or -XEN_E*); pirq_bind the port
 * on success.  Nothing is cached: a test asking for the impossible gets the
 * hypervisor's error unfiltered.
 */
#ifndef GUEST_PIRQ_H
#define GUEST_PIRQ_H

#include <stdint.h>
#include <stdbool.h>
#include <public/xen.h>
#include <public/physdev.h>
#include <public/event_channel.h>

/* HYPERVISOR_physdev_op(cmd, arg). */
long physdev(int cmd, void *arg);
/* Map GSI `gsi` for `dom` at PIRQ `pirq` (-1: any); *out gets the PIRQ
 * (out may be NULL). */
long pirq_map_gsi(domid_t dom, int gsi, int pirq, int *out);
long pirq_unmap(domid_t dom, int pirq);
/* EVTCHNOP_bind_pirq: the port (> 0), or the error. */
long pirq_bind(uint32_t pirq, uint32_t flags);
long pirq_eoi(uint32_t pirq);
/* Spin until port p is pending, clearing it: true, or false after ms
 * milliseconds.  It yields between looks instead of sleeping in
 * SCHEDOP_poll as wait_port() does: the PIRQ tests raise the interrupts
 * themselves and check both that one arrives and that none does. */
bool pirq_wait_event(evtchn_port_t p, uint64_t ms);

#endif /* GUEST_PIRQ_H */
