/*
 * test-evtchn: event channels (hypervisor/common/event_channel.c and
 * event_2l.c) over real shared_info pages of fake domains.
 *
 * The port state machine, the 2-level delivery rules (pending, mask,
 * selector, upcall_pending, kicks and poll wake-ups), permissions between
 * domains, and the adversarial cases: ports out of range or never bound,
 * binding without an offer or to a domain that does not exist or is dead,
 * the same VIRQ twice, exhausting all 1023 ports and closing them, a peer
 * closing or dying mid-conversation.
 */
#include "htest.h"

#include "evtchn-world.h"

static void setup(void) { world_setup(1); }

static bool pending(struct domain *d, evtchn_port_t p) { return evtchn_2l_is_pending(d->shared_info, p); }
static vcpu_info_t *vi(struct domain *d) { return &d->shared_info->vcpu_info[0]; }

/* d1 offers a port to d2, d2 binds: returns d2's local port. */
static evtchn_port_t connect(struct domain *a, struct domain *b, evtchn_port_t *aport)
{
    evtchn_alloc_unbound_t au = { .dom = DOMID_SELF, .remote_dom = b->domain_id };
    CHECK_EQ(evtchn_alloc_unbound(a, &au), 0);
    evtchn_bind_interdomain_t bi = { .remote_dom = a->domain_id, .remote_port = au.port };
    CHECK_EQ(evtchn_bind_interdomain(b, &bi), 0);
    *aport = au.port;
    return bi.local_port;
}

HTEST(port_zero_is_never_handed_out)
{
    setup();
    evtchn_alloc_unbound_t au = { .dom = DOMID_SELF, .remote_dom = 1 };
    CHECK_EQ(evtchn_alloc_unbound(doms[1], &au), 0);
    CHECK_EQ(au.port, 1);
    CHECK_EQ(evtchn_close(doms[1], 0), -EINVAL);
    evtchn_status_t st = { .dom = DOMID_SELF, .port = 0 };
    CHECK_EQ(evtchn_status(doms[1], &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_closed);
}

HTEST(interdomain_connect_send_and_deliver)
{
    evtchn_port_t p1, p2;
    setup();
    p2 = connect(doms[1], doms[2], &p1);
    /* The binder's new port starts pending (masked vCPU: no kick yet? the
     * port is unmasked, the upcall mask does not matter for kicks). */
    CHECK(pending(doms[2], p2));
    CHECK_EQ(vi(doms[2])->evtchn_upcall_pending, 1);
    CHECK_EQ(kicks[2], 1);

    evtchn_status_t st = { .dom = DOMID_SELF, .port = p1 };
    CHECK_EQ(evtchn_status(doms[1], &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_interdomain);
    CHECK_EQ(st.u.interdomain.dom, 2);
    CHECK_EQ(st.u.interdomain.port, p2);

    CHECK_EQ(evtchn_send(doms[2], p2), 0);
    CHECK(pending(doms[1], p1));
    CHECK_EQ(vi(doms[1])->evtchn_pending_sel, 1u << (p1 / 32));
    CHECK_EQ(vi(doms[1])->evtchn_upcall_pending, 1);
    CHECK_EQ(kicks[1], 1);
    CHECK_EQ(poll_checks[1], 1);
    CHECK_EQ(last_poll_port, p1);
    /* Edges coalesce: a second send while pending changes nothing. */
    CHECK_EQ(evtchn_send(doms[2], p2), 0);
    CHECK_EQ(kicks[1], 1);
    CHECK_EQ(poll_checks[1], 1);
    /* The guest consumes it; the next send kicks again. */
    vi(doms[1])->evtchn_upcall_pending = 0;
    vi(doms[1])->evtchn_pending_sel = 0;
    doms[1]->shared_info->evtchn_pending[0] = 0;
    CHECK_EQ(evtchn_send(doms[2], p2), 0);
    CHECK_EQ(kicks[1], 2);
}

HTEST(mask_and_unmask)
{
    evtchn_port_t p1, p2;
    setup();
    p2 = connect(doms[1], doms[2], &p1);
    doms[1]->shared_info->evtchn_mask[p1 / 32] |= 1u << (p1 % 32);
    CHECK_EQ(evtchn_send(doms[2], p2), 0);
    CHECK(pending(doms[1], p1));
    CHECK_EQ(vi(doms[1])->evtchn_upcall_pending, 0);    /* masked: no upcall */
    CHECK_EQ(kicks[1], 0);
    CHECK_EQ(poll_checks[1], 1);                        /* but pollers see it */
    CHECK_EQ(evtchn_unmask(doms[1], p1), 0);
    CHECK_EQ(vi(doms[1])->evtchn_upcall_pending, 1);
    CHECK_EQ(kicks[1], 1);
    CHECK(!evtchn_2l_is_masked(doms[1]->shared_info, p1));
    /* Unmasking an unmasked port does nothing. */
    CHECK_EQ(evtchn_unmask(doms[1], p1), 0);
    CHECK_EQ(kicks[1], 1);
}

HTEST(selector_already_set_means_no_second_upcall)
{
    evtchn_port_t a1, a2, b1, b2;
    setup();
    a2 = connect(doms[1], doms[2], &a1);
    b2 = connect(doms[1], doms[2], &b1);
    CHECK_EQ(a1 / 32, b1 / 32);
    CHECK_EQ(evtchn_send(doms[2], a2), 0);
    vi(doms[1])->evtchn_upcall_pending = 0;            /* guest cleared only this */
    CHECK_EQ(evtchn_send(doms[2], b2), 0);
    CHECK(pending(doms[1], b1));
    CHECK_EQ(vi(doms[1])->evtchn_upcall_pending, 0);    /* selector bit was set */
    CHECK_EQ(kicks[1], 1);
}

HTEST(close_by_peer_unbinds_and_notifies)
{
    evtchn_port_t p1, p2;
    setup();
    p2 = connect(doms[1], doms[2], &p1);
    CHECK_EQ(evtchn_close(doms[1], p1), 0);
    evtchn_status_t st = { .dom = DOMID_SELF, .port = p2 };
    CHECK_EQ(evtchn_status(doms[2], &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, 1);
    /* doms[2]'s port stays usable: sends are dropped, no error. */
    CHECK_EQ(evtchn_send(doms[2], p2), 0);
    CHECK(!pending(doms[1], p1));
    /* d1 may bind to it again (it is now offered to d1). */
    evtchn_bind_interdomain_t bi = { .remote_dom = 2, .remote_port = p2 };
    CHECK_EQ(evtchn_bind_interdomain(doms[1], &bi), 0);
    CHECK_EQ(bi.local_port, p1);                  /* the lowest free port again */
    CHECK_EQ(evtchn_bind_interdomain(doms[1], &bi), -EINVAL);   /* no longer offered */
}

HTEST(peer_dies_mid_conversation)
{
    evtchn_port_t p1, p2;
    setup();
    p2 = connect(doms[1], doms[2], &p1);
    doms[2]->shared_info->evtchn_pending[0] = 0;
    kicks[2] = poll_checks[2] = 0;
    vi(doms[2])->evtchn_upcall_pending = 0;
    vi(doms[2])->evtchn_pending_sel = 0;
    evtchn_destroy(doms[1]);
    CHECK(doms[1]->evtchn_bucket[0] == NULL);
    evtchn_status_t st = { .dom = DOMID_SELF, .port = p2 };
    CHECK_EQ(evtchn_status(doms[2], &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK(pending(doms[2], p2));           /* the survivor is told */
    CHECK_EQ(kicks[2], 1);
    CHECK_EQ(evtchn_send(doms[2], p2), 0);
    doms[1]->state = DOMSTATE_DYING;
    evtchn_bind_interdomain_t bi = { .remote_dom = 1, .remote_port = p1 };
    CHECK_EQ(evtchn_bind_interdomain(doms[2], &bi), -ESRCH);
}

HTEST(binding_needs_an_offer)
{
    setup();
    evtchn_alloc_unbound_t au = { .dom = DOMID_SELF, .remote_dom = 2 };
    CHECK_EQ(evtchn_alloc_unbound(doms[0], &au), 0);
    /* Offered to d2, not to d1. */
    evtchn_bind_interdomain_t bi = { .remote_dom = 0, .remote_port = au.port };
    CHECK_EQ(evtchn_bind_interdomain(doms[1], &bi), -EINVAL);
    bi.remote_port = au.port + 1;                          /* free port */
    CHECK_EQ(evtchn_bind_interdomain(doms[1], &bi), -EINVAL);
    bi.remote_port = 1024;
    CHECK_EQ(evtchn_bind_interdomain(doms[1], &bi), -EINVAL);
    bi.remote_port = 0xffffffffu;
    CHECK_EQ(evtchn_bind_interdomain(doms[1], &bi), -EINVAL);
    bi.remote_dom = 77;
    CHECK_EQ(evtchn_bind_interdomain(doms[1], &bi), -ESRCH);
    /* Nothing changed in d1: its first port is still free. */
    evtchn_status_t st = { .dom = DOMID_SELF, .port = 1 };
    CHECK_EQ(evtchn_status(doms[1], &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_closed);
    /* Binding to an interdomain (already bound) port fails too. */
    bi = (evtchn_bind_interdomain_t){ .remote_dom = 0, .remote_port = au.port };
    CHECK_EQ(evtchn_bind_interdomain(doms[2], &bi), 0);
    CHECK_EQ(evtchn_bind_interdomain(doms[2], &bi), -EINVAL);
}

HTEST(unprivileged_stays_in_its_domain)
{
    setup();
    evtchn_alloc_unbound_t au = { .dom = 0, .remote_dom = 1 };
    CHECK_EQ(evtchn_alloc_unbound(doms[1], &au), -EPERM);
    au.dom = 2;
    CHECK_EQ(evtchn_alloc_unbound(doms[1], &au), -EPERM);
    evtchn_status_t st = { .dom = 0, .port = 1 };
    CHECK_EQ(evtchn_status(doms[1], &st), -EPERM);
    CHECK_EQ(evtchn_reset(doms[1], 0), -EPERM);
    CHECK_EQ(evtchn_reset(doms[1], 2), -EPERM);
    /* Own id is the same as DOMID_SELF. */
    au.dom = 1;
    CHECK_EQ(evtchn_alloc_unbound(doms[1], &au), 0);
    /* The privileged domain may act on others. */
    au = (evtchn_alloc_unbound_t){ .dom = 2, .remote_dom = DOMID_SELF };
    CHECK_EQ(evtchn_alloc_unbound(doms[0], &au), 0);
    st = (evtchn_status_t){ .dom = 2, .port = au.port };
    CHECK_EQ(evtchn_status(doms[0], &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    CHECK_EQ(st.u.unbound.dom, 0);
    st.dom = 99;
    CHECK_EQ(evtchn_status(doms[0], &st), -ESRCH);
    CHECK_EQ(evtchn_reset(doms[0], 2), 0);
    st.dom = 2;
    CHECK_EQ(evtchn_status(doms[0], &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_closed);
    au = (evtchn_alloc_unbound_t){ .dom = DOMID_SELF, .remote_dom = DOMID_IO };
    CHECK_EQ(evtchn_alloc_unbound(doms[1], &au), -EINVAL);
}

HTEST(virq_binding)
{
    setup();
    evtchn_bind_virq_t bv = { .virq = VIRQ_TIMER, .vcpu = 0 };
    CHECK_EQ(evtchn_bind_virq(doms[1], &bv), 0);
    evtchn_port_t tp = bv.port;
    CHECK_EQ(evtchn_bind_virq(doms[1], &bv), -EEXIST);   /* same VIRQ twice */
    bv.vcpu = 1;
    CHECK_EQ(evtchn_bind_virq(doms[1], &bv), -ENOENT);   /* no such vCPU */
    bv = (evtchn_bind_virq_t){ .virq = VIRQ_DOM_EXC, .vcpu = 1 };
    CHECK_EQ(evtchn_bind_virq(doms[1], &bv), -EINVAL);   /* global: vCPU 0 only */
    bv.virq = NR_VIRQS;
    bv.vcpu = 0;
    CHECK_EQ(evtchn_bind_virq(doms[1], &bv), -EINVAL);
    bv.virq = 0xffffffffu;
    CHECK_EQ(evtchn_bind_virq(doms[1], &bv), -EINVAL);

    send_guest_vcpu_virq(doms[1]->vcpu[0], VIRQ_TIMER);
    CHECK(pending(doms[1], tp));
    CHECK_EQ(evtchn_send(doms[1], tp), -EINVAL);         /* guests cannot raise VIRQs */
    evtchn_status_t st = { .dom = DOMID_SELF, .port = tp };
    CHECK_EQ(evtchn_status(doms[1], &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_virq);
    CHECK_EQ(st.u.virq, VIRQ_TIMER);
    CHECK_EQ(evtchn_bind_vcpu(doms[1], tp, 0), -EINVAL); /* per-vCPU VIRQ */
    CHECK_EQ(evtchn_close(doms[1], tp), 0);
    CHECK(!pending(doms[1], tp));
    bv = (evtchn_bind_virq_t){ .virq = VIRQ_TIMER, .vcpu = 0 };
    CHECK_EQ(evtchn_bind_virq(doms[1], &bv), 0);         /* bindable again */

    /* Global VIRQ: unbound means nothing happens. */
    send_guest_global_virq(doms[0], VIRQ_DOM_EXC);
    bv = (evtchn_bind_virq_t){ .virq = VIRQ_DOM_EXC, .vcpu = 0 };
    CHECK_EQ(evtchn_bind_virq(doms[0], &bv), 0);
    send_guest_global_virq(doms[0], VIRQ_DOM_EXC);
    CHECK(pending(doms[0], bv.port));
    CHECK_EQ(evtchn_bind_vcpu(doms[0], bv.port, 0), 0);  /* global VIRQ may move */
}

HTEST(ipi_and_loopback)
{
    setup();
    evtchn_bind_ipi_t bi = { .vcpu = 0 };
    CHECK_EQ(evtchn_bind_ipi(doms[1], &bi), 0);
    CHECK_EQ(evtchn_send(doms[1], bi.port), 0);
    CHECK(pending(doms[1], bi.port));
    CHECK_EQ(evtchn_bind_vcpu(doms[1], bi.port, 0), -EINVAL);
    bi.vcpu = 5;
    CHECK_EQ(evtchn_bind_ipi(doms[1], &bi), -ENOENT);

    /* A domain may connect to itself. */
    evtchn_alloc_unbound_t au = { .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
    CHECK_EQ(evtchn_alloc_unbound(doms[2], &au), 0);
    evtchn_bind_interdomain_t b = { .remote_dom = DOMID_SELF, .remote_port = au.port };
    CHECK_EQ(evtchn_bind_interdomain(doms[2], &b), 0);
    doms[2]->shared_info->evtchn_pending[0] = 0;
    CHECK_EQ(evtchn_send(doms[2], b.local_port), 0);
    CHECK(pending(doms[2], au.port));
    CHECK_EQ(evtchn_close(doms[2], au.port), 0);
    evtchn_status_t st = { .dom = DOMID_SELF, .port = b.local_port };
    CHECK_EQ(evtchn_status(doms[2], &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
}

HTEST(out_of_range_and_unbound_ports)
{
    static const evtchn_port_t bad[] = { 1024, 1025, 4096, 0x7fffffffu, 0xffffffffu };
    setup();
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_EQ(evtchn_close(doms[1], bad[i]), -EINVAL);
        CHECK_EQ(evtchn_send(doms[1], bad[i]), -EINVAL);
        CHECK_EQ(evtchn_unmask(doms[1], bad[i]), -EINVAL);
        CHECK_EQ(evtchn_bind_vcpu(doms[1], bad[i], 0), -EINVAL);
        evtchn_status_t st = { .dom = DOMID_SELF, .port = bad[i] };
        CHECK_EQ(evtchn_status(doms[1], &st), -EINVAL);
        CHECK(!evtchn_port_is_pending(doms[1], bad[i]));
    }
    /* Never bound: closing or sending fails, nothing becomes pending. */
    CHECK_EQ(evtchn_close(doms[1], 5), -EINVAL);
    CHECK_EQ(evtchn_send(doms[1], 5), -EINVAL);
    CHECK_EQ(evtchn_unmask(doms[1], 1023), 0);          /* valid port: fine */
    /* Unbound: a send is dropped. */
    evtchn_alloc_unbound_t au = { .dom = DOMID_SELF, .remote_dom = 2 };
    CHECK_EQ(evtchn_alloc_unbound(doms[1], &au), 0);
    CHECK_EQ(evtchn_send(doms[1], au.port), 0);
    for (int w = 0; w < 32; w++) {
        CHECK_EQ(doms[1]->shared_info->evtchn_pending[w], 0);
        CHECK_EQ(doms[2]->shared_info->evtchn_pending[w], 0);
    }
    CHECK_EQ(kicks[1] + kicks[2], 0);
}

HTEST(exhaust_all_ports_then_close_them)
{
    setup();
    evtchn_alloc_unbound_t au = { .dom = DOMID_SELF, .remote_dom = 0 };
    for (unsigned int i = 1; i < EVTCHN_2L_NR_PORTS; i++) {
        if (!CHECK_EQ(evtchn_alloc_unbound(doms[1], &au), 0))
            return;
        CHECK_EQ(au.port, i);
    }
    CHECK_EQ(evtchn_alloc_unbound(doms[1], &au), -ENOSPC);
    evtchn_bind_virq_t bv = { .virq = VIRQ_TIMER };
    CHECK_EQ(evtchn_bind_virq(doms[1], &bv), -ENOSPC);
    CHECK_EQ(doms[1]->vcpu[0]->virq_to_evtchn[VIRQ_TIMER], 0);   /* no half-bind */
    evtchn_bind_ipi_t bi = { .vcpu = 0 };
    CHECK_EQ(evtchn_bind_ipi(doms[1], &bi), -ENOSPC);
    evtchn_alloc_unbound_t offer = { .dom = DOMID_SELF, .remote_dom = 1 };
    CHECK_EQ(evtchn_alloc_unbound(doms[2], &offer), 0);
    evtchn_bind_interdomain_t b = { .remote_dom = 2, .remote_port = offer.port };
    CHECK_EQ(evtchn_bind_interdomain(doms[1], &b), -ENOSPC);
    evtchn_status_t st = { .dom = DOMID_SELF, .port = offer.port };
    CHECK_EQ(evtchn_status(doms[2], &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);            /* the offer is intact */
    for (unsigned int i = 1; i < EVTCHN_2L_NR_PORTS; i++)
        CHECK_EQ(evtchn_close(doms[1], i), 0);
    CHECK_EQ(evtchn_close(doms[1], 1), -EINVAL);
    CHECK_EQ(evtchn_alloc_unbound(doms[1], &au), 0);
    CHECK_EQ(au.port, 1);
}

HTEST(reset_closes_everything)
{
    evtchn_port_t p1, p2;
    setup();
    p2 = connect(doms[1], doms[2], &p1);
    evtchn_bind_virq_t bv = { .virq = VIRQ_TIMER };
    CHECK_EQ(evtchn_bind_virq(doms[2], &bv), 0);
    CHECK_EQ(evtchn_reset(doms[2], DOMID_SELF), 0);
    for (evtchn_port_t p = 1; p < 8; p++) {
        evtchn_status_t st = { .dom = DOMID_SELF, .port = p };
        CHECK_EQ(evtchn_status(doms[2], &st), 0);
        CHECK_EQ(st.status, EVTCHNSTAT_closed);
    }
    CHECK_EQ(doms[2]->vcpu[0]->virq_to_evtchn[VIRQ_TIMER], 0);
    evtchn_status_t st = { .dom = DOMID_SELF, .port = p1 };
    CHECK_EQ(evtchn_status(doms[1], &st), 0);
    CHECK_EQ(st.status, EVTCHNSTAT_unbound);
    (void)p2;
}

HTEST(builder_ports)
{
    setup();
    CHECK_EQ(evtchn_alloc_unbound_port(doms[2], 0), 1);
    CHECK_EQ(evtchn_alloc_unbound_port(doms[2], 0), 2);
    /* Domain 0 can bind them; domain 1 cannot. */
    evtchn_bind_interdomain_t b = { .remote_dom = 2, .remote_port = 1 };
    CHECK_EQ(evtchn_bind_interdomain(doms[1], &b), -EINVAL);
    CHECK_EQ(evtchn_bind_interdomain(doms[0], &b), 0);
}
