/*
 * evtchn-pingpong: two domains bounce an event back and forth.
 *
 * Domain 0 offers a port to d1 (the spin helper in role=pong), waits for
 * its greeting, then sends and waits for the answer N times (rounds=N on
 * our command line, default 1000), each wait a SCHEDOP_poll on the port
 * with a deadline, so a lost event fails instead of hanging.  Every round
 * trip is two cross-domain switches.  Then domain 0 closes its end: d1
 * wakes (a closing peer raises the survivor's port), finds its port
 * unbound and shuts down; domain 0 waits until d1 is destroyed and its
 * teardown says all its memory came back (checked by the harness).
 */
#include <test.h>
#include <events.h>

void test_main(void)
{
    const char *v = cmdline_value((const char *)start_info->cmd_line, "rounds");
    unsigned long rounds = v ? parse_ulong(&v) : 1000, done = 0;

    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    long p = evtchn_offer_and_wait(1, 5000 * NS_PER_MS);
    if (p <= 0) {
        test_fail("d1 did not bind to our offer: %ld", p);
        return;
    }
    evtchn_status_t st;
    CHECK_RC(evtchn_status(DOMID_SELF, (evtchn_port_t)p, &st), 0, "status");
    CHECK(st.status == EVTCHNSTAT_interdomain && st.u.interdomain.dom == 1,
          "channel status %u, remote d%u", st.status, st.u.interdomain.dom);

    uint64_t start = now_ns();
    for (; done < rounds; done++) {
        CHECK_RC(evtchn_send((evtchn_port_t)p), 0, "send");
        if (wait_port((evtchn_port_t)p, now_ns() + 1000 * NS_PER_MS) != 1) {
            test_fail("no answer in round %lu", done);
            break;
        }
    }
    uint64_t took = now_ns() - start;
    printf("%lu round trips in %u us (%u ns each)\n", done,
           (unsigned int)udiv64(took, 1000), (unsigned int)udiv64(took, done ? done : 1));
    CHECK(done == rounds, "%lu of %lu round trips", done, rounds);

    CHECK_RC(evtchn_close((evtchn_port_t)p), 0, "close");
    CHECK_RC(wait_domain_gone(1, 5000 * NS_PER_MS), 0, "d1 did not go away after the close");
    test_success();
}
