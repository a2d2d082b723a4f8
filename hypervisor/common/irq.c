/*
 * Machine interrupts given to guests: the descriptors, binding, delivery,
 * EOI and the storm limit (mica/irq.h explains the model).
 *
 * Invariants, for every IRQ:
 *   - IRQF_GUEST  <=>  nr_guests > 0, and the line is unmasked at the
 *     controller only if IRQF_GUEST, in_flight == 0 and not IRQF_THROTTLED;
 *   - in_flight == the number of listeners whose PIRQ is `masked` (owes an
 *     EOI); only level lines ever set it;
 *   - a domain appears at most once among the listeners of an IRQ (it maps
 *     an IRQ to one PIRQ: pirq.c).
 * Each operation keeps them, whatever order guests bind, EOI, unbind and
 * unmap in, so no guest can leave a line masked for the others except by
 * not serving an interrupt it was sent -- and then only a line it shares.
 *
 * One CPU, interrupts off in the hypervisor: no locks.  Generic code:
 * the controller is reached through arch_irq_*() (arch/x86/ioapic.c).
 */
#include <mica/irq.h>
#include <mica/pirq.h>
#include <mica/domain.h>
#include <mica/errno.h>
#include <mica/lib.h>
#include <mica/printk.h>
#include <mica/bug.h>
#include <mica/keyhandler.h>

#define STORM_WINDOW MILLISECS(10)

unsigned int nr_irqs_gsi, nr_irqs;
unsigned int irq_ratelimit = 10000;     /* Xen's default: per 10 ms */
struct irq_desc *irq_descs;

static void throttle_end(void *data);
static void eoi_timeout(void *data);

void irq_table_init(unsigned int ngsi, unsigned int nirqs)
{
    irq_descs = xzalloc_bytes(nirqs * sizeof(*irq_descs));
    if (!irq_descs)
        panic("no memory for %u IRQ descriptors", nirqs);
    nr_irqs_gsi = ngsi;
    nr_irqs = nirqs;
    for (unsigned int i = 0; i < nirqs; i++) {
        init_timer(&irq_descs[i].throttle_timer, throttle_end, &irq_descs[i]);
        init_timer(&irq_descs[i].eoi_timer, eoi_timeout, &irq_descs[i]);
    }
}

static unsigned int desc_irq(const struct irq_desc *desc)
{
    return (unsigned int)(desc - irq_descs);
}

/* Unmask the line if nothing holds it masked. */
static void maybe_unmask(struct irq_desc *desc)
{
    if ((desc->flags & IRQF_GUEST) && desc->in_flight == 0 &&
        !(desc->flags & IRQF_THROTTLED))
        arch_irq_unmask(desc_irq(desc));
}

bool irq_needs_eoi(unsigned int irq)
{
    const struct irq_desc *desc = irq_to_desc(irq);
    return desc && desc->kind == IRQ_KIND_LEVEL;
}

bool irq_is_shared(unsigned int irq)
{
    const struct irq_desc *desc = irq_to_desc(irq);
    return desc && (desc->flags & IRQF_GUEST) && desc->nr_guests > 1;
}

bool irq_guest_bound(unsigned int irq, const struct domain *d)
{
    const struct irq_desc *desc = irq_to_desc(irq);

    for (unsigned int i = 0; desc && i < desc->nr_guests; i++)
        if (desc->guest[i].d == d)
            return true;
    return false;
}

int irq_guest_bind_check(unsigned int irq, bool will_share)
{
    const struct irq_desc *desc = irq_to_desc(irq);

    if (!desc || desc->kind == IRQ_KIND_NONE || (desc->flags & IRQF_HYPERVISOR))
        return -EINVAL;
    if (!(desc->flags & IRQF_GUEST))
        return 0;
    if (!will_share || !desc->shareable)
        return -EBUSY;                  /* "others do not share" / "will not share" */
    if (desc->nr_guests == IRQ_MAX_GUESTS)
        return -EBUSY;
    return 0;
}

void irq_guest_bind(unsigned int irq, struct domain *d, uint32_t pirq, bool will_share)
{
    struct irq_desc *desc = irq_to_desc(irq);

    BUG_ON(irq_guest_bind_check(irq, will_share) || irq_guest_bound(irq, d));
    if (!(desc->flags & IRQF_GUEST)) {
        desc->shareable = will_share;
        desc->in_flight = 0;
        desc->flags |= IRQF_GUEST;
    }
    desc->guest[desc->nr_guests].d = d;
    desc->guest[desc->nr_guests].pirq = pirq;
    desc->nr_guests++;
    maybe_unmask(desc);
}

void irq_guest_unbind(unsigned int irq, struct domain *d, uint32_t pirq)
{
    struct irq_desc *desc = irq_to_desc(irq);
    struct pirq *p = pirq_info(d, pirq);
    unsigned int i;

    for (i = 0; desc && i < desc->nr_guests && desc->guest[i].d != d; i++)
        ;
    if (!desc || i == desc->nr_guests)
        return;
    memmove(&desc->guest[i], &desc->guest[i + 1],
            (desc->nr_guests - i - 1) * sizeof(desc->guest[0]));
    desc->nr_guests--;
    if (p && p->masked) {               /* what it owed is forgiven */
        p->masked = false;
        desc->in_flight--;
    }
    if (desc->nr_guests == 0) {
        arch_irq_mask(irq);
        stop_timer(&desc->throttle_timer);
        stop_timer(&desc->eoi_timer);
        desc->flags &= (uint8_t)~(IRQF_GUEST | IRQF_THROTTLED);
        desc->in_flight = 0;
        desc->shareable = false;
        return;
    }
    maybe_unmask(desc);
}

void irq_guest_eoi(unsigned int irq, struct domain *d, uint32_t pirq)
{
    struct irq_desc *desc = irq_to_desc(irq);
    struct pirq *p = pirq_info(d, pirq);

    if (!desc || !p || !p->masked || !irq_guest_bound(irq, d))
        return;
    p->masked = false;
    desc->in_flight--;
    maybe_unmask(desc);
}

/* The end of a throttled window: the line comes back. */
static void throttle_end(void *data)
{
    struct irq_desc *desc = data;

    if (!(desc->flags & IRQF_THROTTLED))
        return;
    desc->flags &= (uint8_t)~IRQF_THROTTLED;
    desc->window_count = 0;
    /* An edge that came while the line was masked is gone: tell the
     * listeners once (an event may always be spurious), so a driver that
     * waits for one does not wait for ever. */
    if (desc->kind != IRQ_KIND_LEVEL)
        for (unsigned int i = 0; i < desc->nr_guests; i++)
            pirq_raise(desc->guest[i].d, desc->guest[i].pirq);
    maybe_unmask(desc);
}

/* A shared level line still waiting 1 ms after it fired: the listeners
 * that have not EOIed are forgiven (Xen's irq_guest_eoi_timer_fn). */
static void eoi_timeout(void *data)
{
    struct irq_desc *desc = data;

    if (desc->kind != IRQ_KIND_LEVEL || !desc->in_flight)
        return;
    for (unsigned int i = 0; i < desc->nr_guests; i++) {
        struct pirq *p = pirq_info(desc->guest[i].d, desc->guest[i].pirq);
        if (p && p->masked) {
            p->masked = false;
            desc->in_flight--;
        }
    }
    maybe_unmask(desc);
}

/* Count the interrupt; true if it is over the limit (then the line is
 * masked until the window ends). */
static bool storm(struct irq_desc *desc)
{
    s_time_t now = NOW();

    if (!irq_ratelimit)
        return false;
    if (desc->window_count == 0 || now - desc->window >= STORM_WINDOW) {
        desc->window = now;
        desc->window_count = 0;
    }
    if (++desc->window_count <= irq_ratelimit)
        return false;
    arch_irq_mask(desc_irq(desc));
    desc->flags |= IRQF_THROTTLED;
    if (desc->throttled++ == 0)
        pr_warn("irq %u: storm (over %u interrupts in 10 ms): masked for the rest of each "
                "such window (reported once)\n", desc_irq(desc), irq_ratelimit);
    set_timer(&desc->throttle_timer, desc->window + STORM_WINDOW);
    return true;
}

void irq_guest_interrupt(unsigned int irq)
{
    struct irq_desc *desc = irq_to_desc(irq);

    if (!desc)
        return;
    desc->count++;
    if (!(desc->flags & IRQF_GUEST) || (desc->flags & IRQF_HYPERVISOR)) {
        /* Nobody listens (a stray, or one that raced an unbind): keep it
         * from coming back. */
        desc->spurious++;
        arch_irq_mask(irq);
        return;
    }
    if (storm(desc))
        return;
    bool level = desc->kind == IRQ_KIND_LEVEL;
    if (level)
        arch_irq_mask(irq);
    for (unsigned int i = 0; i < desc->nr_guests; i++) {
        struct domain *d = desc->guest[i].d;
        struct pirq *p = pirq_info(d, desc->guest[i].pirq);
        if (level && p && !p->masked) {
            p->masked = true;
            desc->in_flight++;
        }
        pirq_raise(d, desc->guest[i].pirq);
    }
    if (level) {
        maybe_unmask(desc);             /* every listener gone meanwhile */
        if (desc->nr_guests > 1 && desc->in_flight)
            set_timer(&desc->eoi_timer, NOW() + IRQ_SHARED_EOI_TIMEOUT);
    }
}

int irq_create_msi(void)
{
    for (unsigned int irq = nr_irqs_gsi; irq < nr_irqs; irq++) {
        struct irq_desc *desc = &irq_descs[irq];
        if (desc->flags & (IRQF_ALLOCATED | IRQF_HYPERVISOR))
            continue;
        if (arch_irq_setup_msi(irq))
            return -ENOSPC;
        desc->flags = IRQF_ALLOCATED;
        desc->kind = IRQ_KIND_MSI;
        return (int)irq;
    }
    return -ENOSPC;
}

void irq_destroy_msi(unsigned int irq)
{
    struct irq_desc *desc = irq_to_desc(irq);

    if (!desc || irq < nr_irqs_gsi || !(desc->flags & IRQF_ALLOCATED))
        return;
    BUG_ON(desc->nr_guests);
    arch_irq_teardown_msi(irq);
    stop_timer(&desc->throttle_timer);
    stop_timer(&desc->eoi_timer);
    desc->flags = 0;
    desc->kind = IRQ_KIND_NONE;
}

void irq_dump(void)
{
    static const char *const kinds[] = { "none", "edge", "level", "msi" };

    keyprintk("IRQs (storm limit %u per 10 ms):\n", irq_ratelimit);
    for (unsigned int irq = 0; irq < nr_irqs; irq++) {
        const struct irq_desc *desc = &irq_descs[irq];
        if (desc->kind == IRQ_KIND_NONE || (!desc->count && !(desc->flags & IRQF_GUEST)))
            continue;
        keyprintk("  irq %3u %-5s%s count %llu spurious %llu throttled %llu in-flight %u:",
               irq, kinds[desc->kind], (desc->flags & IRQF_HYPERVISOR) ? " (hypervisor)" : "",
               (unsigned long long)desc->count, (unsigned long long)desc->spurious,
               (unsigned long long)desc->throttled, desc->in_flight);
        for (unsigned int i = 0; i < desc->nr_guests; i++)
            keyprintk(" d%u:pirq%u", desc->guest[i].d->domain_id, desc->guest[i].pirq);
        keyprintk("\n");
    }
}
