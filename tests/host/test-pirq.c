/*
 * test-pirq: physical IRQs given to guests (hypervisor/common/pirq.c and
 * irq.c) on a fake interrupt controller.
 *
 * A domain without devices gets Xen's answers for every command (-EPERM
 * for map/unmap even on itself, -EINVAL for an EOI of a PIRQ it never
 * used, needs_eoi from irq_status_query, -EPERM from bind_pirq).  The
 * privileged domain maps GSIs with Xen's checks and quirks (-EEXIST, the
 * "already mapped" 0, -EBUSY after an unmap that cut a bound port, the
 * hypervisor's own lines refused).  Delivery: a level line is masked until
 * every listener's EOI, an edge line never; a line shared by two domains
 * waits for both; a listener that unbinds or dies is forgiven what it
 * owed.  The storm limit masks a line for the rest of its window and tells
 * the listeners when it comes back.  The EOI page takes one writable
 * registration, refuses a second and a frame that cannot be writable, and
 * is released with the domain; v1 unmasks the port at EOI.
 */
#include "htest.h"
#include "evtchn-world.h"
#include <mica/iocaps.h>
#include <string.h>

#define NGSI 24
#define LEVEL_GSI 10
#define EDGE_GSI 5
#define HV_GSI 2

static void setup(void)
{
    world_setup(1);
    world_irqs(NGSI, W_NIRQS);
    for (unsigned int g = 0; g < NGSI; g++)
        irq_descs[g].kind = IRQ_KIND_EDGE;
    irq_descs[LEVEL_GSI].kind = IRQ_KIND_LEVEL;
    irq_descs[HV_GSI].flags |= IRQF_HYPERVISOR;
    irq_ratelimit = 10000;
}

static long map(struct domain *caller, domid_t dom, int type, int index, int pirq,
                int *out)
{
    struct physdev_map_pirq m = { .domid = dom, .type = type, .index = index, .pirq = pirq };
    long rc = pirq_map(caller, &m);
    if (out)
        *out = m.pirq;
    return rc;
}

static long bind(struct domain *d, uint32_t pirq, bool share, evtchn_port_t *port)
{
    evtchn_bind_pirq_t b = { .pirq = pirq, .flags = share ? BIND_PIRQ__WILL_SHARE : 0 };
    long rc = evtchn_bind_pirq(d, &b);
    if (rc == 0 && port)
        *port = b.port;
    return rc;
}

HTEST(domain_without_devices_gets_xens_answers)
{
    setup();
    struct domain *u = doms[1];
    unsigned int nr = pirq_nr(u);
    struct physdev_irq_status_query q = { .irq = 5 };
    struct physdev_get_free_pirq g = { .type = MAP_PIRQ_TYPE_GSI };

    CHECK_EQ(nr, NGSI + 32);
    CHECK_EQ(map(u, DOMID_SELF, MAP_PIRQ_TYPE_GSI, 5, 5, NULL), -EPERM);
    CHECK_EQ(map(u, 1, MAP_PIRQ_TYPE_GSI, 5, 5, NULL), -EPERM);
    CHECK_EQ(map(u, 0, MAP_PIRQ_TYPE_GSI, 5, 5, NULL), -EPERM);
    CHECK_EQ(map(u, 77, MAP_PIRQ_TYPE_GSI, 5, 5, NULL), -ESRCH);
    CHECK_EQ(pirq_unmap(u, DOMID_SELF, 5), -EPERM);
    CHECK_EQ(pirq_unmap(u, 0, 5), -EPERM);
    CHECK_EQ(pirq_eoi(u, 5), -EINVAL);
    CHECK_EQ(pirq_eoi(u, nr), -EINVAL);
    CHECK_EQ(pirq_status_query(u, &q), 0);
    CHECK_EQ(q.flags, XENIRQSTAT_needs_eoi);
    q.irq = nr;
    CHECK_EQ(pirq_status_query(u, &q), -EINVAL);
    CHECK_EQ(bind(u, 5, false, NULL), -EPERM);
    CHECK_EQ(bind(u, nr, false, NULL), -EINVAL);
    CHECK_EQ(bind(u, 0xffffffffu, false, NULL), -EINVAL);
    CHECK_EQ(pirq_unmask_notify(u), 0);
    /* get_free_pirq: the GSI range from 16 first; then EOI is allowed. */
    CHECK_EQ(pirq_get_free(u, &g), 0);
    CHECK_EQ(g.pirq, 16);
    CHECK_EQ(pirq_eoi(u, 16), 0);
    g.type = MAP_PIRQ_TYPE_MSI;
    CHECK_EQ(pirq_get_free(u, &g), 0);
    CHECK_EQ(g.pirq, nr - 1);
    /* Granted but not mapped: -EINVAL (nothing to bind to). */
    CHECK_EQ(iocaps_irq(u, 7, true), 0);
    CHECK_EQ(bind(u, 7, false, NULL), -EINVAL);
    CHECK_EQ(evtchn_port_is_pending(u, 1), false);
    pirq_domain_destroy(u);
    domain_free_iocaps(u);
    CHECK_EQ(u->mm_heap_extra, 0);
}

HTEST(privileged_map_checks_and_quirks)
{
    setup();
    struct domain *d = doms[0];
    int out;

    CHECK_EQ(map(d, DOMID_SELF, MAP_PIRQ_TYPE_GSI, NGSI, -1, NULL), -EINVAL);
    CHECK_EQ(map(d, DOMID_SELF, MAP_PIRQ_TYPE_GSI, -1, -1, NULL), -EINVAL);
    CHECK_EQ(map(d, DOMID_SELF, 7, 5, -1, NULL), -EINVAL);
    CHECK_EQ(map(d, DOMID_SELF, MAP_PIRQ_TYPE_GSI, HV_GSI, HV_GSI, NULL), -EPERM);
    CHECK_EQ(map(d, DOMID_SELF, MAP_PIRQ_TYPE_GSI, 5, (int)pirq_nr(d), NULL), -EINVAL);
    CHECK_EQ(map(d, DOMID_SELF, MAP_PIRQ_TYPE_GSI, LEVEL_GSI, LEVEL_GSI, &out), 0);
    CHECK_EQ(out, LEVEL_GSI);
    /* Mapping it again: the same answer; asking for allocation finds it. */
    CHECK_EQ(map(d, DOMID_SELF, MAP_PIRQ_TYPE_GSI, LEVEL_GSI, LEVEL_GSI, &out), 0);
    CHECK_EQ(map(d, DOMID_SELF, MAP_PIRQ_TYPE_GSI, LEVEL_GSI, -1, &out), 0);
    CHECK_EQ(out, LEVEL_GSI);
    /* Another PIRQ for the same IRQ: -EEXIST. */
    CHECK_EQ(map(d, DOMID_SELF, MAP_PIRQ_TYPE_GSI, LEVEL_GSI, 30, NULL), -EEXIST);
    /* A PIRQ already naming another IRQ: Xen's 0, nothing mapped. */
    CHECK_EQ(map(d, DOMID_SELF, MAP_PIRQ_TYPE_GSI, 12, LEVEL_GSI, &out), 0);
    CHECK_EQ(pirq_info(d, LEVEL_GSI)->irq, LEVEL_GSI);
    /* Allocation for a GSI: from 16 up. */
    CHECK_EQ(map(d, DOMID_SELF, MAP_PIRQ_TYPE_GSI, 12, -1, &out), 0);
    CHECK_EQ(out, 16);
    /* For another domain: it gains the permission, loses it at unmap. */
    CHECK_EQ(map(d, 1, MAP_PIRQ_TYPE_GSI, EDGE_GSI, 20, &out), 0);
    CHECK(iocaps_irq_allowed(doms[1], 20));
    CHECK_EQ(pirq_unmap(d, 1, 20), 0);
    CHECK(!iocaps_irq_allowed(doms[1], 20));
    CHECK_EQ(pirq_unmap(d, 1, 20), -EINVAL);
    CHECK_EQ(pirq_unmap(d, 1, -1), -EINVAL);
    CHECK_EQ(pirq_unmap(d, 77, 1), -ESRCH);
    /* MSI for another domain: its PIRQ, granted to it, gone with it. */
    struct physdev_map_pirq m = { .domid = 1, .type = MAP_PIRQ_TYPE_MSI, .index = -1,
                                  .pirq = -1, .devfn = 0x28 };
    w_msi_rc = 0;
    CHECK_EQ(pirq_map(d, &m), 0);
    CHECK(iocaps_irq_allowed(doms[1], (unsigned int)m.pirq));
    CHECK(w_msi_on[pirq_info(doms[1], (unsigned int)m.pirq)->irq]);
    pirq_domain_destroy(doms[1]);
    domain_free_iocaps(doms[1]);
    pirq_domain_destroy(d);
    CHECK_EQ(d->mm_heap_extra, 0);
}

HTEST(level_line_masked_until_eoi_edge_never)
{
    setup();
    struct domain *d = doms[0];
    evtchn_port_t lp, ep;
    struct physdev_irq_status_query q = { .irq = LEVEL_GSI };

    CHECK_EQ(map(d, DOMID_SELF, MAP_PIRQ_TYPE_GSI, LEVEL_GSI, LEVEL_GSI, NULL), 0);
    CHECK_EQ(map(d, DOMID_SELF, MAP_PIRQ_TYPE_GSI, EDGE_GSI, EDGE_GSI, NULL), 0);
    CHECK_EQ(bind(d, LEVEL_GSI, false, &lp), 0);
    CHECK_EQ(bind(d, LEVEL_GSI, false, NULL), -EEXIST);
    CHECK_EQ(bind(d, EDGE_GSI, false, &ep), 0);
    CHECK_EQ(w_line_masked[LEVEL_GSI], 0);
    CHECK_EQ(w_line_masked[EDGE_GSI], 0);

    irq_guest_interrupt(LEVEL_GSI);
    CHECK(evtchn_port_is_pending(d, lp));
    CHECK_EQ(w_line_masked[LEVEL_GSI], 1);
    CHECK_EQ(irq_descs[LEVEL_GSI].in_flight, 1);
    CHECK_EQ(pirq_status_query(d, &q), 0);
    CHECK_EQ(q.flags, XENIRQSTAT_needs_eoi);
    CHECK_EQ(pirq_eoi(d, LEVEL_GSI), 0);
    CHECK_EQ(w_line_masked[LEVEL_GSI], 0);
    CHECK_EQ(pirq_eoi(d, LEVEL_GSI), 0);       /* nothing owed: no-op */
    CHECK_EQ(irq_descs[LEVEL_GSI].in_flight, 0);

    irq_guest_interrupt(EDGE_GSI);
    CHECK(evtchn_port_is_pending(d, ep));
    CHECK_EQ(w_line_masked[EDGE_GSI], 0);
    CHECK_EQ(irq_descs[EDGE_GSI].in_flight, 0);

    /* Unbinding while it owes an EOI: forgiven, the line comes back masked
     * (nobody listens). */
    irq_guest_interrupt(LEVEL_GSI);
    CHECK_EQ(evtchn_close(d, lp), 0);
    CHECK_EQ(irq_descs[LEVEL_GSI].in_flight, 0);
    CHECK_EQ(w_line_masked[LEVEL_GSI], 1);
    CHECK(!(irq_descs[LEVEL_GSI].flags & IRQF_GUEST));
    /* A stray interrupt on it is counted and masked. */
    irq_guest_interrupt(LEVEL_GSI);
    CHECK_EQ(irq_descs[LEVEL_GSI].spurious, 1);
    pirq_domain_destroy(d);
    CHECK_EQ(w_line_masked[EDGE_GSI], 1);
}

HTEST(shared_line_waits_for_every_listener)
{
    setup();
    struct domain *d0 = doms[0], *d1 = doms[1], *d2 = doms[2];
    evtchn_port_t p0, p1;
    struct physdev_irq_status_query q = { .irq = LEVEL_GSI };

    CHECK_EQ(map(d0, DOMID_SELF, MAP_PIRQ_TYPE_GSI, LEVEL_GSI, LEVEL_GSI, NULL), 0);
    CHECK_EQ(map(d0, 1, MAP_PIRQ_TYPE_GSI, LEVEL_GSI, 20, NULL), 0);
    CHECK_EQ(map(d0, 2, MAP_PIRQ_TYPE_GSI, LEVEL_GSI, 21, NULL), 0);
    CHECK_EQ(bind(d0, LEVEL_GSI, true, &p0), 0);
    CHECK_EQ(bind(d1, 20, false, NULL), -EBUSY);       /* will not share */
    CHECK(!evtchn_port_is_pending(d1, 1));
    CHECK_EQ(bind(d1, 20, true, &p1), 0);
    CHECK_EQ(pirq_status_query(d1, &q), 0);            /* d1's PIRQ 10: not mapped */
    CHECK_EQ(q.flags, XENIRQSTAT_needs_eoi);
    q.irq = 20;
    CHECK_EQ(pirq_status_query(d1, &q), 0);
    CHECK_EQ(q.flags, XENIRQSTAT_needs_eoi | XENIRQSTAT_shared);

    irq_guest_interrupt(LEVEL_GSI);
    CHECK(evtchn_port_is_pending(d0, p0));
    CHECK(evtchn_port_is_pending(d1, p1));
    CHECK_EQ(irq_descs[LEVEL_GSI].in_flight, 2);
    CHECK_EQ(pirq_eoi(d0, LEVEL_GSI), 0);
    CHECK_EQ(w_line_masked[LEVEL_GSI], 1);
    CHECK_EQ(pirq_eoi(d1, 20), 0);
    CHECK_EQ(w_line_masked[LEVEL_GSI], 0);

    /* One that never EOIs holds a shared line 1 ms at most. */
    irq_guest_interrupt(LEVEL_GSI);
    CHECK_EQ(pirq_eoi(d0, LEVEL_GSI), 0);
    CHECK_EQ(w_line_masked[LEVEL_GSI], 1);
    struct timer *t = &irq_descs[LEVEL_GSI].eoi_timer;
    CHECK(t->active && t->expires == w_now + MILLISECS(1));
    t->fn(t->data);                                     /* 1 ms later */
    CHECK_EQ(w_line_masked[LEVEL_GSI], 0);
    CHECK_EQ(irq_descs[LEVEL_GSI].in_flight, 0);
    CHECK(!pirq_info(d1, 20)->masked);
    CHECK_EQ(pirq_eoi(d1, 20), 0);                      /* a late EOI: nothing owed */
    CHECK_EQ(irq_descs[LEVEL_GSI].in_flight, 0);
    t->fn(t->data);                                     /* nothing in flight: no-op */
    CHECK_EQ(w_line_masked[LEVEL_GSI], 0);

    /* A listener that dies owing an EOI does not hold the line. */
    irq_guest_interrupt(LEVEL_GSI);
    CHECK_EQ(pirq_eoi(d0, LEVEL_GSI), 0);
    CHECK_EQ(w_line_masked[LEVEL_GSI], 1);
    evtchn_destroy(d1);
    pirq_domain_destroy(d1);
    domain_free_iocaps(d1);
    CHECK_EQ(w_line_masked[LEVEL_GSI], 0);
    CHECK_EQ(irq_descs[LEVEL_GSI].nr_guests, 1);
    CHECK_EQ(d1->mm_heap_extra, 0);
    (void)d2;
    pirq_domain_destroy(d2);
    domain_free_iocaps(d2);
    pirq_domain_destroy(d0);
}

HTEST(unmap_while_bound_cuts_the_port)
{
    setup();
    struct domain *d = doms[0];
    evtchn_port_t p;
    evtchn_status_t st = { .dom = DOMID_SELF };

    CHECK_EQ(map(d, DOMID_SELF, MAP_PIRQ_TYPE_GSI, EDGE_GSI, EDGE_GSI, NULL), 0);
    CHECK_EQ(bind(d, EDGE_GSI, false, &p), 0);
    st.port = p;
    CHECK_EQ(evtchn_status(d, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_pirq);
    CHECK_EQ(st.u.pirq, EDGE_GSI);
    CHECK_EQ(pirq_unmap(d, DOMID_SELF, EDGE_GSI), 0);
    CHECK_EQ(pirq_info(d, EDGE_GSI)->irq, -EDGE_GSI);
    CHECK_EQ(w_line_masked[EDGE_GSI], 1);
    CHECK_EQ(map(d, DOMID_SELF, MAP_PIRQ_TYPE_GSI, EDGE_GSI, -1, NULL), -EBUSY);
    CHECK_EQ(pirq_unmap(d, DOMID_SELF, EDGE_GSI), -EINVAL);
    CHECK_EQ(pirq_eoi(d, EDGE_GSI), 0);
    irq_guest_interrupt(EDGE_GSI);                     /* nobody listens now */
    CHECK_EQ(irq_descs[EDGE_GSI].spurious, 1);
    CHECK_EQ(evtchn_status(d, &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_pirq);
    CHECK_EQ(evtchn_close(d, p), 0);
    CHECK_EQ(pirq_info(d, EDGE_GSI)->irq, 0);
    CHECK_EQ(map(d, DOMID_SELF, MAP_PIRQ_TYPE_GSI, EDGE_GSI, -1, NULL), 0);
    pirq_domain_destroy(d);
}

static long map_msi(struct domain *d, int type, int bus, int devfn, int entry, uint64_t table,
                    int pirq, int *out)
{
    struct physdev_map_pirq m = { .domid = DOMID_SELF, .type = type, .index = -1,
                                  .pirq = pirq, .bus = bus, .devfn = devfn,
                                  .entry_nr = entry, .table_base = table };
    long rc = pirq_map(d, &m);
    if (out)
        *out = m.pirq;
    return rc;
}

HTEST(msi_irqs_live_and_die_with_their_pirq)
{
    setup();
    struct domain *d = doms[0];
    struct physdev_map_pirq bad = { .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MSI,
                                    .index = 30, .pirq = -1 };
    evtchn_port_t p;
    int pirq, pirq2, irq;

    w_msi_rc = 0;
    CHECK_EQ(pirq_map(d, &bad), -EINVAL);                       /* index must be -1 */
    CHECK_EQ(map_msi(d, MAP_PIRQ_TYPE_MSI, 256, 0, 0, 0, -1, NULL), -EINVAL);
    CHECK_EQ(map_msi(d, MAP_PIRQ_TYPE_MSI, 0, 256, 0, 0, -1, NULL), -EINVAL);
    CHECK_EQ(map_msi(d, MAP_PIRQ_TYPE_MSI_SEG, 1 << 16, 0x28, 0, 0, -1, NULL), -ENODEV);
    CHECK_EQ(map_msi(d, MAP_PIRQ_TYPE_MSI, 0, 0x28, 0, 0, (int)pirq_nr(d), NULL), -EINVAL);
    /* The device refuses: the IRQ made for it is given back. */
    w_msi_rc = -ENODEV;
    CHECK_EQ(map_msi(d, MAP_PIRQ_TYPE_MSI, 0, 0x28, 0, 0, -1, NULL), -ENODEV);
    w_msi_rc = 0;
    for (unsigned int i = NGSI; i < W_NIRQS; i++)
        CHECK(!(irq_descs[i].flags & IRQF_ALLOCATED));

    CHECK_EQ(map_msi(d, MAP_PIRQ_TYPE_MSI, 0, 0x28, 0, 0, -1, &pirq), 0);
    CHECK(pirq >= NGSI);
    irq = pirq_info(d, (unsigned int)pirq)->irq;
    CHECK(irq >= NGSI && w_msi_on[irq]);
    CHECK_EQ(w_msi_bdf[irq], 0x28);
    CHECK_EQ(irq_descs[irq].kind, IRQ_KIND_MSI);
    CHECK_EQ(map_msi(d, MAP_PIRQ_TYPE_MSI, 0, 0x30, 0, 0, pirq, NULL), -EEXIST);
    CHECK_EQ(map_msi(d, MAP_PIRQ_TYPE_MSI_SEG, 0, 0x30, 3, 0xfe000000, 40, &pirq2), 0);
    CHECK_EQ(pirq2, 40);
    CHECK_EQ(w_msi_bdf[pirq_info(d, 40)->irq], 0x30 | 0x10000 | (3 << 17));

    /* Edge-like: bound, unmasked, every interrupt an event, no EOI owed. */
    CHECK_EQ(bind(d, (uint32_t)pirq, false, &p), 0);
    CHECK_EQ(w_line_masked[irq], 0);
    irq_guest_interrupt((unsigned int)irq);
    irq_guest_interrupt((unsigned int)irq);
    CHECK(evtchn_port_is_pending(d, p));
    CHECK_EQ(irq_descs[irq].in_flight, 0);
    CHECK_EQ(w_line_masked[irq], 0);

    /* Unmapped while bound: the device is off at once, the IRQ number
     * stays taken until the port closes. */
    CHECK_EQ(pirq_unmap(d, DOMID_SELF, pirq), 0);
    CHECK(!w_msi_on[irq]);
    CHECK(irq_descs[irq].flags & IRQF_ALLOCATED);
    CHECK_EQ(evtchn_close(d, p), 0);
    CHECK(!(irq_descs[irq].flags & IRQF_ALLOCATED));
    CHECK_EQ(pirq_info(d, (unsigned int)pirq)->irq, 0);

    /* Unbound unmap frees at once; the domain's death frees the rest. */
    int irq2 = pirq_info(d, 40)->irq;
    CHECK_EQ(map_msi(d, MAP_PIRQ_TYPE_MSI, 0, 0x28, 0, 0, -1, &pirq), 0);
    CHECK_EQ(pirq_unmap(d, DOMID_SELF, 40), 0);
    CHECK(!w_msi_on[irq2] && !(irq_descs[irq2].flags & IRQF_ALLOCATED));
    irq = pirq_info(d, (unsigned int)pirq)->irq;
    CHECK_EQ(bind(d, (uint32_t)pirq, false, NULL), 0);
    pirq_domain_destroy(d);
    CHECK(!w_msi_on[irq]);
    for (unsigned int i = NGSI; i < W_NIRQS; i++)
        CHECK(!(irq_descs[i].flags & IRQF_ALLOCATED));
}

HTEST(storm_limit_masks_for_the_window)
{
    setup();
    struct domain *d = doms[0];
    evtchn_port_t p;
    struct irq_desc *desc = &irq_descs[EDGE_GSI];

    irq_ratelimit = 3;
    w_now = 1000;
    CHECK_EQ(map(d, DOMID_SELF, MAP_PIRQ_TYPE_GSI, EDGE_GSI, EDGE_GSI, NULL), 0);
    CHECK_EQ(bind(d, EDGE_GSI, false, &p), 0);
    for (int i = 0; i < 3; i++)
        irq_guest_interrupt(EDGE_GSI);
    CHECK_EQ(w_line_masked[EDGE_GSI], 0);
    evtchn_2l_clear_pending(d->shared_info, p);
    irq_guest_interrupt(EDGE_GSI);
    CHECK_EQ(w_line_masked[EDGE_GSI], 1);
    CHECK(desc->flags & IRQF_THROTTLED);
    CHECK(!evtchn_port_is_pending(d, p));              /* dropped */
    CHECK(timer_is_active(&desc->throttle_timer));
    CHECK_EQ(desc->throttle_timer.expires, 1000 + MILLISECS(10));
    /* An EOI meanwhile does not unmask it. */
    CHECK_EQ(pirq_eoi(d, EDGE_GSI), 0);
    CHECK_EQ(w_line_masked[EDGE_GSI], 1);
    w_now = 1000 + MILLISECS(10);
    desc->throttle_timer.fn(desc->throttle_timer.data);
    CHECK_EQ(w_line_masked[EDGE_GSI], 0);
    CHECK(evtchn_port_is_pending(d, p));               /* told once */
    /* A new window counts from zero. */
    irq_guest_interrupt(EDGE_GSI);
    CHECK_EQ(w_line_masked[EDGE_GSI], 0);
    CHECK_EQ(desc->throttled, 1);
    pirq_domain_destroy(d);
    CHECK(!timer_is_active(&desc->throttle_timer));
}

HTEST(eoi_page_registration)
{
    setup();
    struct domain *d = doms[0];
    evtchn_port_t lp, ep;

    frame_give(3, doms[1]);
    frame_give(4, d);
    frame_give(5, d);
    frame_make_table(5);
    CHECK_EQ(pirq_eoi_gmfn(d, 3, false), -EINVAL);     /* not its frame */
    CHECK_EQ(pirq_eoi_gmfn(d, 5, false), -EINVAL);     /* a page table */
    CHECK_EQ(pirq_eoi_gmfn(d, 4, true), 0);
    CHECK_EQ(frame_regs(4), 1);
    CHECK_EQ(pirq_eoi_gmfn(d, 4, false), -EBUSY);
    CHECK_EQ(frame_regs(4), 1);
    frame_give(6, d);
    CHECK_EQ(pirq_eoi_gmfn(d, 6, false), -EBUSY);
    CHECK_EQ(frame_regs(6), 0);

    uint32_t *map_bits = frame_va(4);
    CHECK_EQ(map(d, DOMID_SELF, MAP_PIRQ_TYPE_GSI, LEVEL_GSI, LEVEL_GSI, NULL), 0);
    CHECK_EQ(map(d, DOMID_SELF, MAP_PIRQ_TYPE_GSI, EDGE_GSI, EDGE_GSI, NULL), 0);
    CHECK_EQ(bind(d, LEVEL_GSI, false, &lp), 0);
    CHECK_EQ(bind(d, EDGE_GSI, false, &ep), 0);
    CHECK_EQ(map_bits[0], 1u << LEVEL_GSI);            /* only the level one */

    /* v1: EOI unmasks the port too. */
    irq_guest_interrupt(LEVEL_GSI);
    d->shared_info->evtchn_mask[0] |= 1u << lp;
    CHECK_EQ(pirq_eoi(d, LEVEL_GSI), 0);
    CHECK_EQ(d->shared_info->evtchn_mask[0] & (1u << lp), 0);

    /* Legacy IRQ_UNMASK_NOTIFY: EOIs what is owed on unmasked ports. */
    irq_guest_interrupt(LEVEL_GSI);
    CHECK_EQ(w_line_masked[LEVEL_GSI], 1);
    CHECK_EQ(pirq_unmask_notify(d), 0);
    CHECK_EQ(w_line_masked[LEVEL_GSI], 0);

    evtchn_destroy(d);
    pirq_domain_destroy(d);
    CHECK_EQ(frame_regs(4), 0);
    CHECK_EQ(d->mm_heap_extra, 0);
}
