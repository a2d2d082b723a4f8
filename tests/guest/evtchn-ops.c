/*
 * evtchn-ops: every event_channel_op command within one domain, the
 * 2-level delivery bits as the guest sees them, and the adversarial cases.
 *
 * A loopback channel (alloc_unbound for ourselves, bind_interdomain to
 * it) exercises send/status/close; masking shows that a masked port goes
 * pending without an upcall and that unmask raises the upcall (selector
 * bit and evtchn_upcall_pending).  Then the abuse: ports past 1023 and
 * huge numbers for every command (the XSA-342 class: a 32-bit guest must
 * never reach a port beyond its bitmap), sending on closed and unbound
 * ports, the same VIRQ twice, global VIRQs on vCPU 1, missing vCPUs,
 * exhausting all 1023 ports and closing them (XSA-317 class), reset, the
 * legacy evtchn_op form (only its ten commands: reset and the FIFO ones
 * are -ENOSYS there, as in Xen), the FIFO commands on a 2-level domain
 * with junk arguments (evtchn-fifo tests them properly) and bad pointers.
 */
#include <test.h>
#include <events.h>

static void check_status(evtchn_port_t p, uint32_t status, const char *what)
{
    evtchn_status_t st;
    long rc = evtchn_status(DOMID_SELF, p, &st);
    CHECK(rc == 0 && st.status == status, "%s: status of port %u: rc %ld status %u, want %u",
          what, p, rc, st.status, status);
}

static bool nothing_pending(void)
{
    for (int w = 0; w < 32; w++)
        if (shared_info->evtchn_pending[w])
            return false;
    return true;
}

static void clear_all(void)
{
    for (int w = 0; w < 32; w++)
        shared_info->evtchn_pending[w] = 0;
    evtchn_ack_upcall();
}

static void loopback(void)
{
    long a = evtchn_alloc_unbound(DOMID_SELF);
    CHECK(a > 0, "alloc_unbound(self): %ld", a);
    check_status(a, EVTCHNSTAT_unbound, "offered");
    long b = evtchn_bind_interdomain(DOMID_SELF, a);
    CHECK(b > 0 && b != a, "bind_interdomain(self, %ld): %ld", a, b);
    CHECK(evtchn_is_pending(b), "a freshly bound port starts pending");
    CHECK(vcpu0_info()->evtchn_upcall_pending, "no upcall for the bind");

    evtchn_status_t st;
    CHECK_RC(evtchn_status(DOMID_SELF, a, &st), 0, "status");
    CHECK(st.status == EVTCHNSTAT_interdomain && st.u.interdomain.dom == 0 &&
          st.u.interdomain.port == (uint32_t)b && st.vcpu == 0, "status of the loopback end");

    clear_all();
    CHECK_RC(evtchn_send(b), 0, "send");
    CHECK(evtchn_is_pending(a) && !evtchn_is_pending(b), "send raises the other end only");
    CHECK(vcpu0_info()->evtchn_upcall_pending, "upcall_pending");
    CHECK(vcpu0_info()->evtchn_pending_sel & (1u << (a / 32)), "selector bit");

    /* Masked: pending, but no selector and no upcall; unmask delivers. */
    clear_all();
    evtchn_set_mask(a);
    CHECK_RC(evtchn_send(b), 0, "send to a masked port");
    CHECK(evtchn_is_pending(a), "masked port not pending");
    CHECK(!vcpu0_info()->evtchn_upcall_pending && !vcpu0_info()->evtchn_pending_sel,
          "masked port raised an upcall");
    CHECK_RC(evtchn_unmask(a), 0, "unmask");
    CHECK(!evtchn_is_masked(a), "still masked");
    CHECK(vcpu0_info()->evtchn_upcall_pending, "unmask did not raise the upcall");

    /* bind_vcpu: fine for interdomain ports, vCPU must exist. */
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu,
             &(evtchn_bind_vcpu_t){ .port = a, .vcpu = 0 }), 0, "bind_vcpu(a, 0)");
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu,
             &(evtchn_bind_vcpu_t){ .port = a, .vcpu = 1 }), -XEN_ENOENT, "bind_vcpu(a, 1)");

    /* Closing one end leaves the other unbound, offered back to us. */
    CHECK_RC(evtchn_close(a), 0, "close");
    CHECK_RC(evtchn_status(DOMID_SELF, b, &st), 0, "status");
    CHECK(st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == 0, "peer end after close");
    check_status(a, EVTCHNSTAT_closed, "closed end");
    CHECK_RC(evtchn_send(a), -XEN_EINVAL, "send on a closed port");
    CHECK_RC(evtchn_close(a), -XEN_EINVAL, "close a closed port");
    CHECK_RC(evtchn_close(b), 0, "close");
}

static void virqs_and_ipis(void)
{
    long t = evtchn_bind_virq(VIRQ_TIMER, 0);
    CHECK(t > 0, "bind VIRQ_TIMER: %ld", t);
    CHECK_RC(evtchn_bind_virq(VIRQ_TIMER, 0), -XEN_EEXIST, "bind VIRQ_TIMER twice");
    CHECK_RC(evtchn_bind_virq(VIRQ_DOM_EXC, 1), -XEN_EINVAL, "global VIRQ on vCPU 1");
    CHECK_RC(evtchn_bind_virq(VIRQ_DEBUG, 1), -XEN_ENOENT, "per-vCPU VIRQ on a missing vCPU");
    CHECK_RC(evtchn_bind_virq(NR_VIRQS, 0), -XEN_EINVAL, "VIRQ 24");
    CHECK_RC(evtchn_bind_virq(0xffffffffu, 0), -XEN_EINVAL, "VIRQ 0xffffffff");
    CHECK_RC(evtchn_send(t), -XEN_EINVAL, "send on a VIRQ port");
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu,
             &(evtchn_bind_vcpu_t){ .port = t, .vcpu = 0 }), -XEN_EINVAL, "bind_vcpu of VIRQ_TIMER");
    evtchn_status_t st;
    CHECK_RC(evtchn_status(DOMID_SELF, t, &st), 0, "status");
    CHECK(st.status == EVTCHNSTAT_virq && st.u.virq == VIRQ_TIMER, "VIRQ status");
    CHECK_RC(evtchn_close(t), 0, "close VIRQ port");
    t = evtchn_bind_virq(VIRQ_TIMER, 0);
    CHECK(t > 0, "rebind VIRQ_TIMER after close: %ld", t);
    evtchn_close(t);

    long i = evtchn_bind_ipi(0);
    CHECK(i > 0, "bind_ipi: %ld", i);
    CHECK_RC(evtchn_bind_ipi(3), -XEN_ENOENT, "bind_ipi to a missing vCPU");
    clear_all();
    CHECK_RC(evtchn_send(i), 0, "send on IPI");
    CHECK(evtchn_is_pending(i), "IPI port not pending");
    check_status(i, EVTCHNSTAT_ipi, "IPI");
    CHECK_RC(evtchn_close(i), 0, "close IPI");
    CHECK(!evtchn_is_pending(i), "a closed port stays pending");
}

static void out_of_range(void)
{
    static const uint32_t bad[] = { 1024, 1025, 4096, 0x10000, 0x7fffffffu, 0xffffffffu };
    for (unsigned int k = 0; k < ARRAY_SIZE(bad); k++) {
        evtchn_status_t st;
        CHECK_RC(evtchn_close(bad[k]), -XEN_EINVAL, "close(huge)");
        CHECK_RC(evtchn_send(bad[k]), -XEN_EINVAL, "send(huge)");
        CHECK_RC(evtchn_unmask(bad[k]), -XEN_EINVAL, "unmask(huge)");
        CHECK_RC(evtchn_status(DOMID_SELF, bad[k], &st), -XEN_EINVAL, "status(huge)");
        CHECK_RC(evtchn_bind_interdomain(DOMID_SELF, bad[k]), -XEN_EINVAL, "bind to huge");
        CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_vcpu,
                 &(evtchn_bind_vcpu_t){ .port = bad[k], .vcpu = 0 }), -XEN_EINVAL, "bind_vcpu(huge)");
    }
    CHECK_RC(evtchn_close(0), -XEN_EINVAL, "close port 0");
    CHECK_RC(evtchn_send(0), -XEN_EINVAL, "send port 0");
    CHECK_RC(evtchn_send(777), -XEN_EINVAL, "send on a never-bound port");
    CHECK_RC(evtchn_bind_interdomain(DOMID_SELF, 777), -XEN_EINVAL, "bind to a free port");
    CHECK_RC(evtchn_bind_interdomain(42, 1), -XEN_ESRCH, "bind to a missing domain");
    CHECK_RC(evtchn_unmask(1023), 0, "unmask the last port");

    /* Unbound (offered to a domain that does not exist): sends vanish. */
    long u = evtchn_alloc_unbound(7);
    CHECK(u > 0, "alloc_unbound(7): %ld", u);
    clear_all();
    CHECK_RC(evtchn_send(u), 0, "send on an unbound port");
    CHECK(nothing_pending(), "a send on an unbound port raised something");
    CHECK_RC(evtchn_alloc_unbound(DOMID_IO), -XEN_EINVAL, "offer to DOMID_IO");
    evtchn_close(u);
}

static void exhaust(void)
{
    unsigned int n = 0;
    long p, last = 0;

    while ((p = evtchn_alloc_unbound(DOMID_SELF)) > 0) {
        last = p;
        if (++n > 2000)
            break;
    }
    CHECK_RC(p, -XEN_ENOSPC, "allocation past the last port");
    CHECK(last == EVTCHN_2L_NR_CHANNELS - 1, "last port %ld, expected 1023", last);
    CHECK_RC(evtchn_bind_virq(VIRQ_TIMER, 0), -XEN_ENOSPC, "bind_virq with no port left");
    CHECK_RC(evtchn_bind_ipi(0), -XEN_ENOSPC, "bind_ipi with no port left");
    printf("allocated %u ports, the last one %ld\n", n, last);
    for (evtchn_port_t q = 1; q < EVTCHN_2L_NR_CHANNELS; q++)
        if (evtchn_close(q))
            test_fail("close of port %u failed", q);
    CHECK_RC(evtchn_alloc_unbound(DOMID_SELF), 1, "first port after closing all");
    CHECK_RC(evtchn_alloc_unbound(DOMID_SELF), 2, "second port");
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_reset, &(evtchn_reset_t){ .dom = DOMID_SELF }),
             0, "reset");
    check_status(1, EVTCHNSTAT_closed, "after reset");
    check_status(2, EVTCHNSTAT_closed, "after reset");
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_reset, &(evtchn_reset_t){ .dom = 99 }),
             -XEN_ESRCH, "reset of a missing domain");
}

static void other_forms(void)
{
    evtchn_op_t op = { .cmd = EVTCHNOP_alloc_unbound,
                       .u.alloc_unbound = { .dom = DOMID_SELF, .remote_dom = 0 } };
    CHECK_RC(HYPERVISOR_event_channel_op_compat(&op), 0, "compat alloc_unbound");
    CHECK(op.u.alloc_unbound.port == 1, "compat port %u", op.u.alloc_unbound.port);
    op = (evtchn_op_t){ .cmd = EVTCHNOP_close, .u.close = { .port = 1 } };
    CHECK_RC(HYPERVISOR_event_channel_op_compat(&op), 0, "compat close");
    op.cmd = 99;
    CHECK_RC(HYPERVISOR_event_channel_op_compat(&op), -XEN_ENOSYS, "compat cmd 99");
    CHECK_RC(hypercall1(__HYPERVISOR_event_channel_op_compat, 0), -XEN_EFAULT, "compat NULL");

    op = (evtchn_op_t){ .cmd = EVTCHNOP_reset, .u.close = { .port = DOMID_SELF } };
    CHECK_RC(HYPERVISOR_event_channel_op_compat(&op), -XEN_ENOSYS, "compat reset");
    op.cmd = EVTCHNOP_init_control;
    CHECK_RC(HYPERVISOR_event_channel_op_compat(&op), -XEN_ENOSYS, "compat init_control");
    op.cmd = EVTCHNOP_set_priority;
    CHECK_RC(HYPERVISOR_event_channel_op_compat(&op), -XEN_ENOSYS, "compat set_priority");

    /* FIFO commands with junk: MFN 0 is not ours; no FIFO, no array, no
     * priorities (each with Xen's error). */
    uint8_t junk[32] = { 0 };
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_init_control, junk), -XEN_EINVAL, "FIFO init");
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, junk), -XEN_EOPNOTSUPP,
             "FIFO expand");
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_set_priority, junk), -XEN_ENOSYS, "FIFO prio");
    CHECK_RC(HYPERVISOR_event_channel_op(99, junk), -XEN_ENOSYS, "cmd 99");
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, junk), -XEN_EINVAL, "bind_pirq");

    struct bad_buf bb[BAD_BUF_MAX];
    unsigned int n = bad_buffers(sizeof(evtchn_status_t), bb);
    for (unsigned int k = 0; k < n; k++)
        CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_status, (void *)bb[k].va),
                 -XEN_EFAULT, bb[k].what);
    /* An OUT field we cannot write: the port is allocated, -EFAULT returned. */
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, (void *)start_info->pt_base),
             -XEN_EFAULT, "alloc_unbound into a read-only page");
}

void test_main(void)
{
    long rc = map_shared_info();
    if (rc) {
        test_error("cannot map shared_info: %ld", rc);
        return;
    }
    loopback();
    virqs_and_ipis();
    out_of_range();
    exhaust();
    other_forms();
    test_success();
}
