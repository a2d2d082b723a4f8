/*
 * evtchn-peer-close: the other end of a channel goes away.
 *
 * d1 (spin role=close) closes its end when we send to it; d2 (spin
 * role=die) crashes when we send to it -- a domain dying in the middle of
 * a conversation.  In both cases our end must become UNBOUND (offered
 * back to the peer), we must be woken (a spurious event on our port: a
 * waiter must not sleep forever on a dead channel), sends must be dropped
 * without error, and after the crash VIRQ_DOM_EXC must fire, d2 must be
 * destroyed (its teardown returning all its memory, which the harness
 * checks), and binding to it must fail with -ESRCH.  Finally we shut d1
 * down remotely (SCHEDOP_remote_shutdown), with the errors for a missing
 * domain and a bad reason checked first.
 */
#include <test.h>
#include <events.h>

static void expect_unbound(evtchn_port_t p, domid_t peer, const char *what)
{
    evtchn_status_t st;
    CHECK_RC(evtchn_status(DOMID_SELF, p, &st), 0, "status");
    CHECK(st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == peer,
          "%s: status %u (remote %u), want unbound for d%u", what, st.status,
          st.u.unbound.dom, peer);
}

void test_main(void)
{
    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    long exc = evtchn_bind_virq(VIRQ_DOM_EXC, 0);
    CHECK(exc > 0, "bind VIRQ_DOM_EXC: %ld", exc);
    long p1 = evtchn_offer_and_wait(1, 5000 * NS_PER_MS);
    long p2 = evtchn_offer_and_wait(2, 5000 * NS_PER_MS);
    if (p1 <= 0 || p2 <= 0) {
        test_fail("helpers did not connect: %ld %ld", p1, p2);
        return;
    }

    /* d1 closes its end. */
    CHECK_RC(evtchn_send(p1), 0, "send to d1");
    CHECK(wait_port(p1, now_ns() + 2000 * NS_PER_MS) == 1, "no wake-up when d1 closed");
    expect_unbound(p1, 1, "after d1 closed");
    CHECK_RC(evtchn_send(p1), 0, "send on the orphaned port");
    CHECK(!evtchn_is_pending(p1), "the orphaned port raised itself");

    /* d2 dies mid-conversation. */
    evtchn_clear_pending(exc);
    CHECK_RC(evtchn_send(p2), 0, "send to d2");
    CHECK(wait_port(p2, now_ns() + 2000 * NS_PER_MS) == 1, "no wake-up when d2 died");
    expect_unbound(p2, 2, "after d2 died");
    CHECK(evtchn_is_pending(exc), "no VIRQ_DOM_EXC for the crash");
    CHECK_RC(wait_domain_gone(2, 2000 * NS_PER_MS), 0, "d2 was not destroyed");
    CHECK_RC(evtchn_bind_interdomain(2, 1), -XEN_ESRCH, "bind to the dead d2");
    CHECK_RC(evtchn_send(p2), 0, "send to the dead d2");
    CHECK_RC(evtchn_close(p2), 0, "close our end");

    /* Remote shutdown of d1. */
    struct sched_remote_shutdown rs = { .domain_id = 9, .reason = SHUTDOWN_poweroff };
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_ESRCH, "missing domain");
    rs = (struct sched_remote_shutdown){ .domain_id = 1, .reason = 6 };
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_EINVAL, "reason 6");
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, NULL), -XEN_EFAULT, "NULL");
    rs.reason = SHUTDOWN_reboot;
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), 0, "remote shutdown of d1");
    CHECK_RC(wait_domain_gone(1, 2000 * NS_PER_MS), 0, "d1 was not destroyed");
    test_success();
}
