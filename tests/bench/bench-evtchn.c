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
 *  evtchn.send_ack_2l    EVTCHNOP_send on our IPI port and the guest's
 *                        acknowledgement of it as an upcall handler does
 *                        (upcall_pending, selector, pending bit cleared), so
 *                        every send goes the whole 2-level way.
 * Then the guest switches to the FIFO ABI (init_control, one array page):
 *  evtchn.send_self_fifo the same send as send_self, PENDING cleared after
 *                        each (the port stays LINKED, as the selector bit
 *                        stays set in send_self).
 *  evtchn.send_ack_fifo  send, and the guest consuming the event from its
 *                        queue the way Linux does (ready, head, unlink,
 *                        PENDING): the FIFO counterpart of send_ack_2l.
 *  evtchn.pingpong_rtt_fifo  the round trip with d0 on FIFO (d1 stays
 *                        2-level): poll, then consume from the queue.
 * bench.py boots d1 as a second module for this guest.
 */
#include "bench.h"
#include <events.h>
#include <fifo.h>

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

static void op_send_ack_2l(void)
{
    evtchn_send(ipi);
    evtchn_ack_upcall();
    evtchn_clear_pending(ipi);
}

static void op_send_self_fifo(void)
{
    evtchn_send(ipi);
    __atomic_fetch_and(fifo_word(ipi), ~(1u << EVTCHN_FIFO_PENDING), __ATOMIC_SEQ_CST);
}

static void op_send_ack_fifo(void)
{
    evtchn_send(ipi);
    vcpu0_info()->evtchn_upcall_pending = 0;
    if (fifo_next() != ipi)
        test_fail("FIFO: the IPI was not delivered");
}

static void op_pingpong_fifo(void)
{
    evtchn_port_t list[1] = { peer };

    evtchn_send(peer);
    while (fifo_next() != peer)
        sched_poll(list, 1, 0);
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
    bench_run("evtchn.send_ack_2l", op_send_ack_2l, 2000);

    long rc = fifo_start(1);
    if (rc) {
        test_error("FIFO: %ld", rc);
        return;
    }
    __atomic_fetch_and(fifo_word(ipi), ~(1u << EVTCHN_FIFO_LINKED), __ATOMIC_SEQ_CST);
    bench_run("evtchn.send_self_fifo", op_send_self_fifo, 2000);
    *fifo_word(ipi) = 0;
    fifo_forget();
    bench_run("evtchn.send_ack_fifo", op_send_ack_fifo, 2000);
    while (fifo_next())
        ;
    bench_run("evtchn.pingpong_rtt_fifo", op_pingpong_fifo, 300);

    evtchn_close(peer);
    wait_domain_gone(1, 5000 * NS_PER_MS);
    test_success();
}
