/*
 * A domain's PIRQs: mapping them to machine IRQs, binding them to event
 * channels, EOI, the EOI bitmap page, and the physdev_op answers Xen
 * gives (mica/pirq.h has the model; physdev.c the hypercall front end).
 *
 * Error codes are Xen 4.2's (arch/x86/physdev.c, irq.c, event_channel.c):
 *
 *   map_pirq    target: DOMID_SELF or a domain the caller controls, else
 *               -ESRCH (none) / -EPERM; the caller must hold the hardware
 *               capability (-EPERM: a domain without devices asking even
 *               for itself); GSI index outside [0, nr_irqs_gsi) -EINVAL;
 *               type other than GSI/MSI -EINVAL; pirq < 0 allocates (no
 *               free one: -ENOSPC), a pirq >= 0 already naming another
 *               IRQ's mapping in reverse -EEXIST, an IRQ whose mapping was
 *               cut while bound -EBUSY; pirq out of range -EINVAL; an IRQ
 *               the hypervisor keeps for itself -EPERM.  Xen's quirk is
 *               kept: a pirq already mapped to a different IRQ returns 0
 *               and maps nothing.
 *   unmap_pirq  target as above; pirq out of range or not mapped -EINVAL
 *   eoi         pirq >= nr_pirqs, or a PIRQ the domain never used, -EINVAL
 *   irq_status_query  pirq >= nr_pirqs -EINVAL; otherwise needs_eoi is
 *               always set (Xen does so for every PV guest) and shared
 *               when more than one domain listens
 *   pirq_eoi_gmfn  a frame the domain cannot map writable -EINVAL, a
 *               second registration -EBUSY
 *   bind_pirq   pirq >= nr_pirqs -EINVAL; not granted -EPERM; already
 *               bound -EEXIST; no free port -ENOSPC; not mapped -EINVAL;
 *               the line taken by a domain that does not share -EBUSY
 *
 * The privileged checks go through xsm_check(XSM_PHYSDEV), so a driver
 * domain can later be given exactly this.  Generic code, host-tested
 * (test-pirq).
 */
#include <mica/pirq.h>
#include <mica/irq.h>
#include <mica/iocaps.h>
#include <mica/xsm.h>
#include <mica/event.h>
#include <mica/domain.h>
#include <mica/guest_frame.h>
#include <mica/errno.h>
#include <mica/lib.h>

#define EXTRA_DOM0_PIRQS 256                /* Xen's extra_guest_irqs defaults */
#define EXTRA_DOMU_PIRQS 32

unsigned int pirq_nr(const struct domain *d)
{
    unsigned int n = nr_irqs_gsi + (d->is_privileged ? EXTRA_DOM0_PIRQS : EXTRA_DOMU_PIRQS);
    return n < nr_irqs ? n : nr_irqs;
}

static size_t table_bytes(unsigned int n)
{
    return sizeof(struct domain_pirqs) + n * sizeof(struct pirq);
}

struct pirq *pirq_info(struct domain *d, unsigned int n)
{
    return d->pirqs && n < d->pirqs->nr ? &d->pirqs->p[n] : NULL;
}

/* The table, allocated on first use (NULL: out of memory). */
static struct domain_pirqs *pirqs_of(struct domain *d)
{
    if (!d->pirqs) {
        unsigned int n = pirq_nr(d);
        d->pirqs = domain_xzalloc(d, table_bytes(n));
        if (d->pirqs)
            d->pirqs->nr = n;
    }
    return d->pirqs;
}

/* Xen's "struct pirq exists": anything about it differs from the default. */
static bool pirq_in_use(const struct pirq *p)
{
    return p && (p->irq || p->evtchn || p->allocated);
}

static int pirq_to_irq(struct domain *d, unsigned int n)
{
    const struct pirq *p = pirq_info(d, n);
    return p ? p->irq : 0;
}

/* The PIRQ of d mapped to irq: > 0 mapped, < 0 cut while bound, 0 none. */
static long irq_to_pirq(struct domain *d, int irq)
{
    for (unsigned int n = 0; d->pirqs && n < d->pirqs->nr; n++) {
        if (d->pirqs->p[n].irq == irq)
            return n;
        if (d->pirqs->p[n].irq == -irq)
            return -(long)n;
    }
    return 0;
}

static void eoi_bit(struct domain *d, unsigned int n, bool set)
{
    uint32_t *map = d->pirqs ? d->pirqs->eoi_map : NULL;

    if (!map || n >= PAGE_SIZE * 8)
        return;
    if (set)
        map[n / 32] |= 1u << (n % 32);
    else
        map[n / 32] &= ~(1u << (n % 32));
}

/* DOMID_SELF, or a domain the caller controls (rcu_lock_target_domain_by_id). */
static long target_domain(struct domain *caller, domid_t id, struct domain **out)
{
    if (id == DOMID_SELF) {
        *out = caller;
        return 0;
    }
    struct domain *d = domain_lookup(id);
    if (!d)
        return -ESRCH;
    if (d != caller && xsm_check(XSM_PHYSDEV, caller, d))
        return -EPERM;
    if (d == caller && !caller->is_privileged)
        return -EPERM;                  /* IS_PRIV_FOR(d, d) of a plain domain */
    *out = d;
    return 0;
}

/* Xen's is_free_pirq: not mapped, not reserved by get_free_pirq. */
static bool pirq_free(const struct pirq *p)
{
    return !p->irq && !p->allocated;
}

/* The lowest free GSI-range PIRQ from 16 for a GSI, else the highest free. */
static long get_free_pirq(struct domain *d, int type)
{
    if (!pirqs_of(d))
        return -ENOMEM;
    if (type == MAP_PIRQ_TYPE_GSI)
        for (unsigned int n = 16; n < nr_irqs_gsi && n < d->pirqs->nr; n++)
            if (pirq_free(&d->pirqs->p[n]))
                return n;
    for (unsigned int n = d->pirqs->nr; n-- > nr_irqs_gsi;)
        if (pirq_free(&d->pirqs->p[n]))
            return n;
    return -ENOSPC;
}

static long map_domain_pirq(struct domain *d, long n, int irq)
{
    if (n < 0 || n >= pirq_nr(d) || irq < 0 || (unsigned int)irq >= nr_irqs)
        return -EINVAL;
    if (irq_descs[irq].flags & IRQF_HYPERVISOR)
        return -EPERM;                  /* the hypervisor's own line */
    int old_irq = pirq_to_irq(d, (unsigned int)n);
    long old_pirq = irq_to_pirq(d, irq);
    if ((old_irq > 0 && old_irq != irq) || (old_pirq && old_pirq != n))
        return 0;                       /* Xen: "already mapped", nothing done */
    if (!pirqs_of(d))
        return -ENOMEM;
    if (!d->is_privileged) {
        long rc = iocaps_irq(d, (unsigned int)n, true);
        if (rc)
            return rc;
    }
    d->pirqs->p[n].irq = irq;
    d->pirqs->p[n].allocated = false;
    return 0;
}

long pirq_map_gsi(struct domain *d, unsigned int pirq, unsigned int gsi)
{
    if (pirq >= pirq_nr(d) || gsi >= nr_irqs_gsi)
        return -EINVAL;
    return map_domain_pirq(d, pirq, (int)gsi);
}

static bool is_msi_irq(int irq)
{
    return irq > 0 && (unsigned int)irq >= nr_irqs_gsi;
}

/* The device's message off and the IRQ (with its vector) freed. */
static void msi_release(unsigned int irq)
{
    arch_msi_teardown(irq);
    irq_destroy_msi(irq);
}

/*
 * MSI and MSI-X (type MSI or MSI_SEG): the device is bus/devfn (segment
 * 0 only: another is -ENODEV); table_base != 0 asks for MSI-X entry
 * entry_nr (the hypervisor reads the table's BAR itself, the value is
 * only a flag, as in Xen).  index must be -1 (a new IRQ).  Everything is
 * checked before the IRQ is made, which the hypervisor then programs
 * (arch_msi_setup); the PIRQ is pirq if >= 0 (free, else -EEXIST), else
 * the highest free one.
 */
static long map_msi(struct domain *d, struct physdev_map_pirq *m)
{
    uint32_t seg = m->type == MAP_PIRQ_TYPE_MSI_SEG ? (uint32_t)m->bus >> 16 : 0;
    uint32_t bus = m->type == MAP_PIRQ_TYPE_MSI_SEG ? (uint32_t)m->bus & 0xffff
                                                    : (uint32_t)m->bus;
    bool msix = m->table_base != 0;
    long n;
    int irq, rc;

    if (m->index != -1 || bus > 0xff || m->devfn < 0 || m->devfn > 0xff ||
        (msix && m->entry_nr < 0))
        return -EINVAL;
    if (seg != 0)
        return -ENODEV;
    if (m->pirq >= 0) {
        if ((unsigned int)m->pirq >= pirq_nr(d))
            return -EINVAL;
        const struct pirq *p = pirq_info(d, (unsigned int)m->pirq);
        if (p && (p->irq || p->evtchn))
            return -EEXIST;
        n = m->pirq;
    } else if ((n = get_free_pirq(d, MAP_PIRQ_TYPE_MSI)) < 0) {
        return n;
    }
    if (!pirqs_of(d))
        return -ENOMEM;
    if ((irq = irq_create_msi()) < 0)
        return irq;
    rc = arch_msi_setup((unsigned int)irq, (uint16_t)((bus << 8) | (uint32_t)m->devfn), msix,
                        msix ? (unsigned int)m->entry_nr : 0);
    if (rc == 0 && !d->is_privileged)
        rc = iocaps_irq(d, (unsigned int)n, true);
    if (rc) {
        msi_release((unsigned int)irq);
        return rc;
    }
    d->pirqs->p[n].irq = irq;
    d->pirqs->p[n].allocated = false;
    m->pirq = (int32_t)n;
    return 0;
}

long pirq_map(struct domain *caller, struct physdev_map_pirq *m)
{
    struct domain *d;
    long rc = target_domain(caller, m->domid, &d);
    int irq;

    if (rc)
        return rc;
    if (xsm_check(XSM_PHYSDEV, caller, d))
        return -EPERM;
    switch (m->type) {
    case MAP_PIRQ_TYPE_GSI:
        if (m->index < 0 || (unsigned int)m->index >= nr_irqs_gsi)
            return -EINVAL;
        irq = pirq_to_irq(caller, (unsigned int)m->index);
        if (irq <= 0)
            irq = m->index;
        if (irq_descs[irq].kind == IRQ_KIND_NONE)
            return -EINVAL;             /* a GSI no controller pin serves */
        break;
    case MAP_PIRQ_TYPE_MSI:
    case MAP_PIRQ_TYPE_MSI_SEG:
        return map_msi(d, m);
    default:
        return -EINVAL;
    }

    long n, existing = irq_to_pirq(d, irq);
    if (m->pirq < 0) {
        if (existing < 0)
            return -EBUSY;
        n = existing ? existing : get_free_pirq(d, m->type);
        if (n < 0)
            return n;
    } else {
        if (existing && existing != m->pirq)
            return -EEXIST;
        n = m->pirq;
    }
    rc = map_domain_pirq(d, n, irq);
    if (rc == 0)
        m->pirq = (int32_t)n;
    return rc;
}

long pirq_unmap(struct domain *caller, domid_t domid, int32_t n)
{
    struct domain *d;
    long rc = target_domain(caller, domid, &d);

    if (rc)
        return rc;
    if (xsm_check(XSM_PHYSDEV, caller, d))
        return -EPERM;
    if (n < 0 || (unsigned int)n >= pirq_nr(d))
        return -EINVAL;
    struct pirq *p = pirq_info(d, (unsigned int)n);
    if (!p || p->irq <= 0)
        return -EINVAL;
    int irq = p->irq;
    if (irq_guest_bound((unsigned int)irq, d)) {
        irq_guest_unbind((unsigned int)irq, d, (unsigned int)n);
        p->irq = -irq;                  /* the port stays, cut off */
        eoi_bit(d, (unsigned int)n, false);
        if (is_msi_irq(irq))
            arch_msi_teardown((unsigned int)irq);   /* the IRQ goes with the port */
    } else {
        p->irq = 0;
        if (is_msi_irq(irq))
            msi_release((unsigned int)irq);
    }
    if (!d->is_privileged)
        iocaps_irq(d, (unsigned int)n, false);
    return 0;
}

long pirq_eoi(struct domain *d, uint32_t n)
{
    if (n >= pirq_nr(d))
        return -EINVAL;
    struct pirq *p = pirq_info(d, n);
    if (!pirq_in_use(p))
        return -EINVAL;
    if (d->pirqs->auto_unmask && p->evtchn)
        evtchn_unmask(d, p->evtchn);
    if (p->irq > 0)
        irq_guest_eoi((unsigned int)p->irq, d, n);
    return 0;
}

long pirq_unmask_notify(struct domain *d)
{
    for (unsigned int n = 0; d->pirqs && n < d->pirqs->nr; n++) {
        struct pirq *p = &d->pirqs->p[n];
        if (p->masked && p->irq > 0 && !evtchn_port_is_masked(d, p->evtchn))
            irq_guest_eoi((unsigned int)p->irq, d, n);
    }
    return 0;
}

long pirq_status_query(struct domain *d, struct physdev_irq_status_query *q)
{
    if (q->irq >= pirq_nr(d))
        return -EINVAL;
    int irq = pirq_to_irq(d, q->irq);
    q->flags = XENIRQSTAT_needs_eoi;
    if (irq > 0 && irq_is_shared((unsigned int)irq))
        q->flags |= XENIRQSTAT_shared;
    return 0;
}

long pirq_eoi_gmfn(struct domain *d, uint32_t gmfn, bool v1)
{
    void *va;

    if (guest_frame_get(d, gmfn, &va))
        return -EINVAL;
    if (!pirqs_of(d)) {
        guest_frame_put(d, gmfn);
        return -ENOMEM;
    }
    if (d->pirqs->eoi_map) {
        guest_frame_put(d, gmfn);
        return -EBUSY;
    }
    d->pirqs->eoi_mfn = gmfn;
    d->pirqs->eoi_map = va;
    if (v1)
        d->pirqs->auto_unmask = true;
    return 0;
}

long pirq_get_free(struct domain *d, struct physdev_get_free_pirq *g)
{
    long n = get_free_pirq(d, g->type);

    if (n < 0)
        return n;
    d->pirqs->p[n].allocated = true;
    g->pirq = (uint32_t)n;
    return 0;
}

long evtchn_bind_pirq(struct domain *d, evtchn_bind_pirq_t *b)
{
    uint32_t n = b->pirq;
    bool share = b->flags & BIND_PIRQ__WILL_SHARE;

    if (n >= pirq_nr(d))
        return -EINVAL;
    if (!iocaps_irq_allowed(d, n))
        return -EPERM;
    struct pirq *p = pirq_info(d, n);
    if (p && p->evtchn)
        return -EEXIST;
    if (!pirqs_of(d))
        return -ENOMEM;
    p = &d->pirqs->p[n];
    long port = evtchn_alloc_pirq_port(d, n);
    if (port < 0)
        return port;
    long rc = p->irq > 0 ? irq_guest_bind_check((unsigned int)p->irq, share) : -EINVAL;
    if (rc) {
        evtchn_free_pirq_port(d, (evtchn_port_t)port);
        return rc;
    }
    p->evtchn = (evtchn_port_t)port;
    p->masked = false;
    irq_guest_bind((unsigned int)p->irq, d, n, share);
    eoi_bit(d, n, irq_needs_eoi((unsigned int)p->irq));
    b->port = (evtchn_port_t)port;
    return 0;
}

void pirq_evtchn_closed(struct domain *d, uint32_t n)
{
    struct pirq *p = pirq_info(d, n);

    if (!p)
        return;
    if (p->irq > 0) {
        irq_guest_unbind((unsigned int)p->irq, d, n);
    } else if (p->irq < 0) {
        if (is_msi_irq(-p->irq))
            msi_release((unsigned int)-p->irq);
        p->irq = 0;                     /* the cut mapping goes with the port */
    }
    p->evtchn = 0;
    p->masked = false;
}

void pirq_raise(struct domain *d, uint32_t n)
{
    struct pirq *p = pirq_info(d, n);

    if (p && p->evtchn)
        evtchn_raise(d, p->evtchn);
}

void pirq_domain_destroy(struct domain *d)
{
    struct domain_pirqs *t = d->pirqs;

    if (!t)
        return;
    for (unsigned int n = 0; n < t->nr; n++) {
        struct pirq *p = &t->p[n];
        if (p->irq > 0 && irq_guest_bound((unsigned int)p->irq, d))
            irq_guest_unbind((unsigned int)p->irq, d, n);
        if (is_msi_irq(p->irq) || is_msi_irq(-p->irq))
            msi_release((unsigned int)(p->irq > 0 ? p->irq : -p->irq));
        p->irq = 0;
        p->evtchn = 0;
    }
    if (t->eoi_map)
        guest_frame_put(d, t->eoi_mfn);
    d->pirqs = NULL;
    domain_xfree(d, t, table_bytes(t->nr));
}
