/*
 * A small world for the event-channel host tests (test-evtchn,
 * test-evtchn-fifo): NDOM fake domains (domain 0 privileged) with real
 * shared_info pages and up to MAX_VIRT_CPUS vCPUs each, counters for the
 * wake-ups the event code asks for, and a handful of fake guest frames
 * standing in for guest_frame.c: each belongs to one domain, may be marked
 * "cannot be writable" (a page table), and counts the registrations the
 * FIFO code holds on it.
 */
#ifndef EVTCHN_WORLD_H
#define EVTCHN_WORLD_H

#include <mica/domain.h>
#include <mica/event.h>
#include <mica/errno.h>
#include <mica/irq.h>
#include <mica/pirq.h>

#define NDOM 3
#define W_NFRAMES 160                 /* fake guest frames, MFN = index */

extern struct domain *doms[NDOM];
extern int kicks[NDOM], poll_checks[NDOM];
extern evtchn_port_t last_poll_port;
extern long heap_extra_pages;          /* domain_xzalloc pages outstanding */

/* Fresh domains (nvcpus vCPUs each, events masked) and counters. */
void world_setup(unsigned int nvcpus);

/* Fake guest frames. */
void frame_give(unsigned long mfn, struct domain *d);   /* owned by d, writable */
void frame_make_table(unsigned long mfn);               /* refuses writable */
unsigned int frame_regs(unsigned long mfn);             /* registrations held */
void *frame_va(unsigned long mfn);

/* A fake interrupt controller (irq.c's arch hooks) and clock. */
#define W_NIRQS 64
extern uint8_t w_line_masked[W_NIRQS];            /* 1: masked at the "IO-APIC" */
extern unsigned int w_unmasks[W_NIRQS], w_masks[W_NIRQS];
extern int w_msi_rc, w_msi_bdf[W_NIRQS];      /* fake MSI programming */
extern bool w_msi_on[W_NIRQS];
extern s_time_t w_now;                            /* NOW() */
/* Fresh IRQ descriptors: ngsi GSIs (kind NONE: the test sets them), nirqs in all. */
void world_irqs(unsigned int ngsi, unsigned int nirqs);

#endif
