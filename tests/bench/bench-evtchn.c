/*
 * Benchmark: event channels and domain switches.
 *
 *  evtchn.send_self      EVTCHNOP_send on an IPI port bound to ourselves
 *                        (events masked, so no upcall): the hypercall plus
 *                        the 2-level pending/selector/upcall_pending update.
 *  evtchn.pingpong_rtt   a round trip to another domain: send, SCHEDOP_poll
 *                        until the answer, with d1 (tests/guest/spin.c in
 *                        role=pong) answering each event -- two domain
 *                        switches, two sends, two polls per round (and one
 *                        EVTCHNOP_status on d1's side, which checks that
 *                        the channel is still bound).
 *  sched.domain_switch   half a round trip: one block/wake pair.
 * bench.py boots d1 as a second module for this guest.
 */
#include "bench.h"
#include <events.h>

static evtchn_port_t ipi, peer;

static void op_send_self(void)
{
    evtchn_send(ipi);
    evtchn_clear_pending(ipi);
}

static void op_pingpong(void)
{
    evtchn_send(peer);
    wait_port(peer, 0);
}

void test_main(void)
{
    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    long p = evtchn_bind_ipi(0);
    if (p <= 0) {
        test_error("bind_ipi: %ld", p);
        return;
    }
    ipi = (evtchn_port_t)p;
    bench_run("evtchn.send_self", op_send_self, 2000);

    p = evtchn_offer_and_wait(1, 5000 * NS_PER_MS);
    if (p <= 0) {
        test_error("d1 did not connect: %ld", p);
        return;
    }
    peer = (evtchn_port_t)p;
    uint64_t rtt = bench_measure(op_pingpong, 300);
    bench_print("evtchn.pingpong_rtt", rtt);
    bench_print("sched.domain_switch", rtt / 2);

    evtchn_close(peer);
    wait_domain_gone(1, 5000 * NS_PER_MS);
    test_success();
}
