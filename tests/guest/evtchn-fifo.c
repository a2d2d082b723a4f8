/*
 * evtchn-fifo: the FIFO event-channel ABI as a guest uses it, and as a
 * hostile guest abuses it.
 *
 * Before the switch: expand_array is -EOPNOTSUPP, set_priority -ENOSYS.
 * init_control refuses a missing vCPU (-ENOENT), an offset past
 * 4096 - 72 or not 8-byte aligned, and frames that are not the guest's
 * own writable RAM -- its live L3 and an L1, a frame past RAM, a 2^40
 * frame number, machine frame 0 -- each with -EINVAL and the domain still
 * on 2-level.  Then the real thing:
 *   - a port pending in the 2-level bitmap before the switch is linked
 *     when its event-array page arrives;
 *   - sends link ports into their queue (LINK of the tail, head[] of an
 *     empty queue, ready bit), consumed in order; a higher priority comes
 *     first; a masked port waits for EVTCHNOP_unmask; a pending upcall is
 *     delivered to the event callback as with 2-level;
 *   - ports past 1024 (second array page), SCHEDOP_poll on one of them;
 *   - while the hypervisor holds an array page it cannot become a page
 *     table (pin refused), after a reset it can again;
 *   - 128 array pages and no more (-ENOSPC); all 2^17 - 1 ports
 *     allocated (multicall batches), the next -ENOSPC, the highest port
 *     delivered;
 *   - EVTCHNOP_reset of DOMID_SELF: back to 2-level (ports >= 1024 gone:
 *     -EINVAL), frames released; FIFO again, left active at exit so
 *     teardown has to release it (the harness's audit and memory check).
 */
#include <test.h>
#include <traps.h>
#include <events.h>
#include <pt.h>
#include <fifo.h>

#define PEND  (1u << EVTCHN_FIFO_PENDING)
#define MASKB (1u << EVTCHN_FIFO_MASKED)
#define LINKD (1u << EVTCHN_FIFO_LINKED)
#define DEFQ  EVTCHN_FIFO_PRIORITY_DEFAULT

static evtchn_port_t ipi(void)
{
    long p = evtchn_bind_ipi(0);
    CHECK(p > 0, "bind_ipi: %ld", p);
    return (evtchn_port_t)p;
}

static void before_the_switch(void)
{
    uint8_t bits;
    uint32_t free_mfn = spare_frame();

    CHECK_RC(HYPERVISOR_expand_array(free_mfn), -XEN_EOPNOTSUPP, "expand_array on 2-level");
    CHECK_RC(HYPERVISOR_set_priority(1, 3), -XEN_ENOSYS, "set_priority on 2-level");
    CHECK_RC(HYPERVISOR_init_control(free_mfn, 0, 1, &bits), -XEN_ENOENT, "vCPU 1");
    CHECK_RC(HYPERVISOR_init_control(free_mfn, 0, 0xffffffffu, &bits), -XEN_ENOENT, "vCPU ~0");
    CHECK_RC(HYPERVISOR_init_control(free_mfn, 4096 - 72 + 8, 0, &bits), -XEN_EINVAL,
             "offset past the page");
    CHECK_RC(HYPERVISOR_init_control(free_mfn, 0xfffffff8u, 0, &bits), -XEN_EINVAL,
             "offset ~0");
    CHECK_RC(HYPERVISOR_init_control(free_mfn, 12, 0, &bits), -XEN_EINVAL, "offset unaligned");
    CHECK_RC(HYPERVISOR_init_control(current_l3_mfn(), 0, 0, &bits), -XEN_EINVAL, "live L3");
    CHECK_RC(HYPERVISOR_init_control(l1_mfn_of((uint32_t)&fifo), 0, 0, &bits), -XEN_EINVAL,
             "an L1 table");
    CHECK_RC(HYPERVISOR_init_control(0x7ffffff0u, 0, 0, &bits), -XEN_EINVAL, "past RAM");
    CHECK_RC(HYPERVISOR_init_control(1ULL << 40, 0, 0, &bits), -XEN_EINVAL, "frame 2^40");
    CHECK_RC(HYPERVISOR_init_control(0, 0, 0, &bits), -XEN_EINVAL, "machine frame 0");
    /* Still 2-level: a send sets the bitmap. */
    evtchn_port_t p = ipi();
    CHECK_RC(evtchn_send(p), 0, "send");
    CHECK(evtchn_is_pending(p), "2-level send not in the bitmap");
    evtchn_close(p);
    evtchn_ack_upcall();
}

static void switch_and_deliver(void)
{
    /* p pending in 2-level terms when we switch. */
    evtchn_port_t p = ipi();
    CHECK_RC(evtchn_send(p), 0, "send before the switch");
    evtchn_ack_upcall();
    CHECK_RC(fifo_start(0), 0, "init_control");
    CHECK_RC(HYPERVISOR_init_control(spare_frame(), 0, 0, NULL), -XEN_EINVAL,
             "second control block for vCPU 0");
    CHECK(!vcpu0_info()->evtchn_upcall_pending, "upcall before any page");
    CHECK_RC(fifo_expand(), 0, "expand_array");
    CHECK(*fifo_word(p) == (PEND | LINKD), "carried-over port word %#x", *fifo_word(p));
    CHECK(fifo.cb->head[DEFQ] == p && fifo.cb->ready == 1u << DEFQ,
          "head %u ready %#x", fifo.cb->head[DEFQ], fifo.cb->ready);
    CHECK(vcpu0_info()->evtchn_upcall_pending, "no upcall for it");
    CHECK(fifo_next() == p && fifo_next() == 0, "consume the carried-over port");
    vcpu0_info()->evtchn_upcall_pending = 0;

    /* Three in order, one of them first by priority. */
    evtchn_port_t a = ipi(), b = ipi(), c = ipi();
    CHECK_RC(HYPERVISOR_set_priority(c, 2), 0, "set_priority");
    CHECK_RC(HYPERVISOR_set_priority(c, 16), -XEN_EINVAL, "priority 16");
    CHECK_RC(HYPERVISOR_set_priority(200000, 1), -XEN_EINVAL, "priority of port 200000");
    CHECK_RC(evtchn_send(a), 0, "send a");
    CHECK_RC(evtchn_send(b), 0, "send b");
    CHECK_RC(evtchn_send(c), 0, "send c");
    CHECK((*fifo_word(a) & EVTCHN_FIFO_LINK_MASK) == b, "a links to b: %#x", *fifo_word(a));
    CHECK(fifo.cb->ready == ((1u << 2) | (1u << DEFQ)), "ready %#x", fifo.cb->ready);
    evtchn_port_t x = fifo_next(), y = fifo_next(), z = fifo_next();
    CHECK(x == c && y == a && z == b && fifo_next() == 0, "order %u %u %u", x, y, z);
    CHECK(evtchn_is_pending(a) == false, "2-level bitmap used in FIFO mode");

    /* Masked: pending, not linked, until unmask. */
    *fifo_word(a) |= MASKB;
    CHECK_RC(evtchn_send(a), 0, "send to masked");
    CHECK(*fifo_word(a) == (MASKB | PEND), "masked word %#x", *fifo_word(a));
    CHECK(fifo_next() == 0, "a masked port was queued");
    CHECK_RC(evtchn_unmask(a), 0, "unmask");
    CHECK(*fifo_word(a) == (PEND | LINKD), "unmasked word %#x", *fifo_word(a));
    CHECK(fifo_next() == a, "unmasked port not delivered");

    /* The upcall goes to the event callback as always. */
    vcpu0_info()->evtchn_upcall_pending = 0;
    unsigned int before = event_count;
    CHECK_RC(evtchn_send(b), 0, "send b");
    CHECK(vcpu0_info()->evtchn_upcall_pending, "no upcall_pending");
    iret_event_mask(false);
    CHECK(event_count == before + 1, "event callback not entered");
    iret_event_mask(true);
    CHECK(fifo_next() == b, "b not delivered");
    evtchn_close(a);
    evtchn_close(b);
    evtchn_close(c);
    evtchn_close(p);
}

static void beyond_1024(void)
{
    long last = 0;
    unsigned int n = 0;

    CHECK_RC(fifo_expand(), 0, "second array page");
    while (last < 1100 && ++n < 2000)
        last = evtchn_alloc_unbound(DOMID_SELF);
    evtchn_port_t hi = ipi();
    CHECK(hi > 1100, "ipi port %u", hi);
    CHECK_RC(evtchn_send(hi), 0, "send on a port past 1024");
    CHECK(*fifo_word(hi) == (PEND | LINKD), "word of port %u: %#x", hi, *fifo_word(hi));
    evtchn_port_t list[1] = { hi };
    CHECK_RC(sched_poll(list, 1, 0), 0, "poll on a pending port past 1024");
    CHECK(fifo_next() == hi, "port past 1024 not delivered");
    evtchn_status_t st;
    CHECK_RC(evtchn_status(DOMID_SELF, hi, &st), 0, "status past 1024");
    CHECK(st.status == EVTCHNSTAT_ipi, "status %u", st.status);
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_reset, &(evtchn_reset_t){ .dom = 0 }),
             0, "reset by our id (stays FIFO)");
    CHECK_RC(HYPERVISOR_set_priority(1, 1), 0, "still FIFO after a reset by id");
}

/* A frame the hypervisor writes cannot become a page table meanwhile. */
static void held_frames(uint32_t page1_mfn, bool held)
{
    scratch_restore(FIFO_ARRAY_SLOT + 1);             /* our own mapping gone */
    long rc = pin(1, page1_mfn);                      /* all-zero words: a valid L1 */
    if (held) {
        CHECK_RC(rc, -XEN_EINVAL, "pin an event-array page as L1");
    } else {
        CHECK_RC(rc, 0, "pin a released event-array page");
        CHECK_RC(unpin(page1_mfn), 0, "unpin");
    }
}

static multicall_entry_t mc[128];
static evtchn_alloc_unbound_t au[128];

static void all_ports(void)
{
    while (fifo.pages < 128)
        if (fifo_expand()) {
            test_fail("expand_array %u failed", fifo.pages);
            return;
        }
    CHECK_RC(HYPERVISOR_expand_array(spare_frame()), -XEN_ENOSPC, "a 129th array page");

    long last = 0, rc = 0;
    unsigned int got = 0;
    while (rc == 0 && got < EVTCHN_FIFO_NR_CHANNELS) {
        for (unsigned int i = 0; i < 128; i++) {
            au[i] = (evtchn_alloc_unbound_t){ .dom = DOMID_SELF, .remote_dom = DOMID_SELF };
            mc[i] = (multicall_entry_t){ .op = __HYPERVISOR_event_channel_op,
                                         .args = { EVTCHNOP_alloc_unbound, (uint32_t)&au[i] } };
        }
        CHECK_RC(HYPERVISOR_multicall(mc, 128), 0, "multicall");
        for (unsigned int i = 0; i < 128 && rc == 0; i++) {
            rc = (long)(int32_t)mc[i].result;
            if (rc == 0) {
                last = au[i].port;
                got++;
            }
        }
    }
    CHECK_RC(rc, -XEN_ENOSPC, "allocation past the last port");
    CHECK(last == EVTCHN_FIFO_NR_CHANNELS - 1, "last port %ld", last);
    printf("FIFO: %u ports allocated, the last %ld\n", got, last);

    /* The very last port carries events like the first. */
    evtchn_port_t top = EVTCHN_FIFO_NR_CHANNELS - 1;
    CHECK_RC(evtchn_close(top), 0, "close the top port");
    evtchn_port_t t = ipi();
    CHECK(t == top, "rebound port %u", t);
    volatile event_word_t *w = scratch_map(5, fifo.array_mfn[127],
                                           _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    CHECK_RC(evtchn_send(top), 0, "send on port 2^17 - 1");
    CHECK(w[1023] == (PEND | LINKD), "top word %#x", w[1023]);
    CHECK(fifo.cb->head[DEFQ] == top, "head %u", fifo.cb->head[DEFQ]);
    scratch_restore(5);
    CHECK_RC(evtchn_send(top + 1), -XEN_EINVAL, "send on port 2^17");
    CHECK_RC(evtchn_close(0x80000000u), -XEN_EINVAL, "close 2^31");
}

static void reset_to_2level(uint32_t page1_mfn)
{
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_reset, &(evtchn_reset_t){ .dom = DOMID_SELF }),
             0, "reset");
    fifo_forget();
    evtchn_status_t st;
    CHECK_RC(evtchn_status(DOMID_SELF, 5000, &st), -XEN_EINVAL, "port 5000 on 2-level");
    CHECK_RC(HYPERVISOR_set_priority(1, 1), -XEN_ENOSYS, "set_priority after reset");
    CHECK_RC(HYPERVISOR_expand_array(spare_frame()), -XEN_EOPNOTSUPP, "expand after reset");
    held_frames(page1_mfn, false);
    evtchn_port_t p = ipi();
    CHECK(p == 1, "first port after reset %u", p);
    CHECK_RC(evtchn_send(p), 0, "2-level send");
    CHECK(evtchn_is_pending(p), "2-level bitmap not used after reset");
    evtchn_close(p);
    evtchn_ack_upcall();
}

void test_main(void)
{
    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    traps_init();
    event_vcpu_info = vcpu0_info();
    before_the_switch();
    switch_and_deliver();
    beyond_1024();
    uint32_t page1 = fifo.array_mfn[1];
    held_frames(page1, true);
    all_ports();
    reset_to_2level(page1);
    /* FIFO again, left active: teardown releases it. */
    CHECK_RC(fifo_start(1), 0, "FIFO again");
    evtchn_port_t p = ipi();
    CHECK_RC(evtchn_send(p), 0, "send");
    CHECK(fifo_next() == p, "FIFO after a reset");
    test_success();
}
