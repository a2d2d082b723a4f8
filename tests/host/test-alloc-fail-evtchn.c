/*
 * test-alloc-fail-evtchn: injected allocation failures (common/fail_inject.c)
 * in the event-channel code (common/event_channel.c) on the world of
 * evtchn-world.c: the first bucket at domain creation, and a new bucket
 * when the ports of the first ones are used up.  A failed allocation is
 * -ENOMEM to the caller, nothing half-done stays behind (valid ports, the
 * free hint, the pages held), and the next try succeeds with the port the
 * failed one would have had.
 */
#include "htest.h"
#include "evtchn-world.h"
#include <mica/fail_inject.h>

HTEST(init_fails_cleanly)
{
    struct domain d;

    world_setup(1);
    memset(&d, 0, sizeof(d));
    alloc_fail_arm(1, 0);
    CHECK_EQ(evtchn_init(&d), -ENOMEM);
    CHECK(d.evtchn_bucket[0] == NULL);
    CHECK_EQ(d.valid_evtchns, 0);
    alloc_fail_arm(0, 0);
    CHECK_EQ(evtchn_init(&d), 0);
    CHECK_EQ(d.valid_evtchns > 0, true);
    evtchn_destroy(&d);
}

HTEST(fifo_and_new_bucket_fail_then_succeed)
{
    struct domain *d;
    long p, last = 0;

    world_setup(1);
    d = doms[1];
    for (unsigned long m = 0; m < W_NFRAMES; m++)
        frame_give(m, d);
    /* the FIFO ABI's per-domain state: refused whole, the domain stays 2L */
    evtchn_init_control_t ic = { .control_gfn = 1, .offset = 0, .vcpu = 0 };
    alloc_fail_arm(1, 0);
    CHECK_EQ(evtchn_fifo_init_control(d, &ic), -ENOMEM);
    CHECK(d->evtchn_fifo == NULL);
    CHECK_EQ(evtchn_max_ports(d), EVTCHN_2L_NR_PORTS);
    CHECK_EQ(heap_extra_pages, 0);
    alloc_fail_arm(0, 0);
    CHECK_EQ(evtchn_fifo_init_control(d, &ic), 0);
    CHECK_EQ(evtchn_fifo_expand_array(d, 8), 0);
    CHECK_EQ(evtchn_fifo_expand_array(d, 9), 0);
    /* fill the first bucket */
    for (unsigned int i = 1; i < EVTCHNS_PER_BUCKET; i++) {
        p = evtchn_alloc_unbound_port(d, 0);
        CHECK(p > 0);
        last = p;
    }
    unsigned int valid = d->valid_evtchns;
    long extra = heap_extra_pages;
    alloc_fail_arm(1, 0);
    CHECK_EQ(evtchn_alloc_unbound_port(d, 0), -ENOMEM);
    CHECK_EQ(alloc_fail_injected(), 1);
    CHECK_EQ(d->valid_evtchns, valid);
    CHECK_EQ(heap_extra_pages, extra);
    /* still -ENOMEM while every allocation fails, nothing leaks */
    alloc_fail_arm(1, 1);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(evtchn_alloc_unbound_port(d, 0), -ENOMEM);
    CHECK_EQ(heap_extra_pages, extra);
    alloc_fail_arm(0, 0);
    p = evtchn_alloc_unbound_port(d, 0);
    CHECK_EQ(p, last + 1);
    CHECK_EQ(d->valid_evtchns > valid, true);
    CHECK_EQ(heap_extra_pages, extra + 1);
}
