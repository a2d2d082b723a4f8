/*
 * Machine interrupts given to guests (common/irq.c) and what the generic
 * code needs from the interrupt controllers (arch/x86/ioapic.c).
 *
 * The hypervisor numbers the machine's interrupt sources as Xen does: IRQ
 * n < nr_irqs_gsi is GSI n of the IO-APICs, IRQs from nr_irqs_gsi up to
 * nr_irqs are made on demand for MSI.  Each IRQ has a descriptor saying
 * how it is acknowledged and which domains listen to it: up to
 * IRQ_MAX_GUESTS (domain, PIRQ) pairs, each of which owns a PIRQ mapped to
 * this IRQ (mica/pirq.h) and bound to an event channel.
 *
 * How an interrupt reaches guests (irq_guest_interrupt, called by the
 * arch code with interrupts off, before it acknowledges the local APIC):
 *
 *   edge (and MSI)   the event is raised in every listener; nothing waits
 *                    for the guests (their EOI is a no-op)
 *   level            the line is masked at the IO-APIC first, the event
 *                    raised in every listener, each listener marked
 *                    "owes an EOI"; the line is unmasked only when the
 *                    last of them has sent PHYSDEVOP_eoi (or unbound) --
 *                    a level line cannot fire again until its device
 *                    has been served
 *   nobody listens   the line is masked (a spurious or stray interrupt
 *                    cannot repeat)
 *
 * A level line shared by several domains waits for every listener's EOI
 * at most IRQ_SHARED_EOI_TIMEOUT (1 ms, Xen's irq_guest_eoi_timer): then
 * the late ones are forgiven and the line unmasked, so a domain that never
 * EOIs cannot silence a line others depend on (it only gets events it may
 * see as spurious).
 *
 * Storm protection: an IRQ that fires more than irq_ratelimit times in a
 * 10 ms window is masked until the window ends (then unmasked, and its
 * listeners told once, in case an edge was lost while it was masked), so
 * a device that never stops interrupting costs the other domains a
 * bounded share of the CPU.  Interrupts the hypervisor uses itself (its
 * timer, its serial line, the PIT and RTC lines, IPI and spurious vectors)
 * are marked IRQF_HYPERVISOR and can never be mapped.
 *
 * Generic code, host-tested (test-pirq) against a fake controller.
 */
#ifndef MICA_IRQ_H
#define MICA_IRQ_H

#include <mica/types.h>
#include <mica/timer.h>

struct domain;

#define IRQ_MAX_GUESTS      7           /* listeners of one shared line (Xen's) */
#define IRQ_SHARED_EOI_TIMEOUT MILLISECS(1)

enum irq_kind {
    IRQ_KIND_NONE,                      /* not set up */
    IRQ_KIND_EDGE,
    IRQ_KIND_LEVEL,
    IRQ_KIND_MSI,                       /* edge-like: never masked for guests */
};

#define IRQF_HYPERVISOR     0x01        /* the hypervisor's own: never mapped */
#define IRQF_GUEST          0x02        /* bound to at least one guest */
#define IRQF_THROTTLED      0x04        /* masked by the storm limit */
#define IRQF_ALLOCATED      0x08        /* an MSI IRQ in use */

struct irq_desc {
    uint8_t kind;                       /* IRQ_KIND_* */
    uint8_t flags;                      /* IRQF_* */
    uint8_t nr_guests;
    uint8_t in_flight;                  /* listeners that owe an EOI (level) */
    bool shareable;                     /* the first binder allowed sharing */
    struct { struct domain *d; uint32_t pirq; } guest[IRQ_MAX_GUESTS];
    s_time_t window;                    /* start of the storm-limit window */
    unsigned int window_count;          /* interrupts in it */
    struct timer throttle_timer;        /* unmasks after a throttled window */
    struct timer eoi_timer;             /* shared level line: forgive late EOIs */
    uint64_t count, spurious, throttled;  /* statistics (debug key 'i') */
};

extern unsigned int nr_irqs_gsi;        /* GSIs: IRQs [0, nr_irqs_gsi) */
extern unsigned int nr_irqs;            /* all IRQs, MSI ones included */
extern unsigned int irq_ratelimit;      /* per 10 ms; 0: no limit */
extern struct irq_desc *irq_descs;

/* Boot: nr descriptors, the first ngsi GSIs (kind set by the arch). */
void irq_table_init(unsigned int ngsi, unsigned int nirqs);
static inline struct irq_desc *irq_to_desc(unsigned int irq)
{
    return irq < nr_irqs ? &irq_descs[irq] : (struct irq_desc *)0;
}

/* Guests binding an IRQ (EVTCHNOP_bind_pirq, close, unmap_pirq). */
int irq_guest_bind_check(unsigned int irq, bool will_share);  /* 0, -EINVAL, -EBUSY */
void irq_guest_bind(unsigned int irq, struct domain *d, uint32_t pirq, bool will_share);
void irq_guest_unbind(unsigned int irq, struct domain *d, uint32_t pirq);
bool irq_guest_bound(unsigned int irq, const struct domain *d);
/* d's EOI for its PIRQ on irq (no-op unless it owed one). */
void irq_guest_eoi(unsigned int irq, struct domain *d, uint32_t pirq);
/* Does the listener have to EOI (level line)? */
bool irq_needs_eoi(unsigned int irq);
/* More than one listener? */
bool irq_is_shared(unsigned int irq);

/* The interrupt itself (arch, interrupts off, before the local APIC EOI). */
void irq_guest_interrupt(unsigned int irq);

/* MSI IRQs: a free one (-ENOSPC) and giving it back. */
int irq_create_msi(void);
void irq_destroy_msi(unsigned int irq);

/* Debug key: every IRQ set up, its listeners and counters. */
void irq_dump(void);

/* ---- the interrupt controllers (arch/x86/ioapic.c) ----------------------- */

void arch_irq_mask(unsigned int irq);
void arch_irq_unmask(unsigned int irq);
/* Program MSI IRQ irq (vector given) into device bdf: its MSI, or MSI-X
 * entry `entry` (arch/x86/msi.c); 0, -EPERM (a pci_ro= device),
 * -ENODEV (unlisted function, no such capability),
 * -EEXIST (already mapped), -EBUSY (the other kind in use), -EINVAL
 * (entry past the table), -ENXIO (table BAR not decoded), -ENOSPC. */
int arch_msi_setup(unsigned int irq, uint16_t bdf, bool msix, unsigned int entry);
/* Mask it, clear its message, turn the capability off with its last user. */
void arch_msi_teardown(unsigned int irq);
/* Give irq a vector (MSI IRQs); 0 or -ENOSPC. */
int arch_irq_setup_msi(unsigned int irq);
void arch_irq_teardown_msi(unsigned int irq);

#endif
