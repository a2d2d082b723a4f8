/*
 * FIFO event channels, guest side (see fifo.h).
 */
#include <test.h>
#include <pt.h>
#include <events.h>
#include <fifo.h>

struct fifo_state fifo;

long HYPERVISOR_init_control(uint64_t gfn, uint32_t offset, uint32_t vcpu, uint8_t *link_bits)
{
    evtchn_init_control_t ic = { .control_gfn = gfn, .offset = offset, .vcpu = vcpu };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_init_control, &ic);
    if (link_bits)
        *link_bits = ic.link_bits;
    return rc;
}

long HYPERVISOR_expand_array(uint64_t gfn)
{
    evtchn_expand_array_t ea = { .array_gfn = gfn };
    return HYPERVISOR_event_channel_op(EVTCHNOP_expand_array, &ea);
}

long HYPERVISOR_set_priority(evtchn_port_t port, uint32_t priority)
{
    evtchn_set_priority_t sp = { .port = port, .priority = priority };
    return HYPERVISOR_event_channel_op(EVTCHNOP_set_priority, &sp);
}

long fifo_expand(void)
{
    uint32_t mfn = spare_frame();
    long rc = HYPERVISOR_expand_array(mfn);

    if (rc)
        return rc;
    if (fifo.pages < FIFO_MAPPED)
        fifo.array[fifo.pages] = scratch_map(FIFO_ARRAY_SLOT + fifo.pages, mfn,
                                             _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    fifo.array_mfn[fifo.pages++] = mfn;
    return 0;
}

long fifo_start(unsigned int pages)
{
    uint8_t bits = 0;

    fifo_forget();
    fifo.pages = 0;
    fifo.cb_mfn = spare_frame();
    fifo.cb_offset = 0;
    long rc = HYPERVISOR_init_control(fifo.cb_mfn, 0, 0, &bits);
    if (rc)
        return rc;
    if (bits != EVTCHN_FIFO_LINK_BITS)
        test_fail("init_control: link_bits %u", bits);
    fifo.cb = scratch_map(FIFO_CB_SLOT, fifo.cb_mfn,
                          _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    for (unsigned int i = 0; i < pages; i++)
        if ((rc = fifo_expand()) != 0)
            return rc;
    return 0;
}

volatile event_word_t *fifo_word(evtchn_port_t p)
{
    unsigned int page = p / 1024;
    return page < fifo.pages && page < FIFO_MAPPED ? &fifo.array[page][p % 1024] : NULL;
}

void fifo_forget(void)
{
    for (unsigned int q = 0; q < EVTCHN_FIFO_MAX_QUEUES; q++)
        fifo.head[q] = 0;
    fifo.ready = 0;
}

/* Take one entry of queue q; its port if it is to be handled, else 0. */
static evtchn_port_t consume(unsigned int q)
{
    uint32_t port = fifo.head[q];

    if (!port) {
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        port = fifo.cb->head[q];
    }
    volatile event_word_t *w = fifo_word(port);
    if (!w) {
        fifo.ready &= ~(1u << q);               /* not ours to read: drop the queue */
        fifo.head[q] = 0;
        return 0;
    }
    /* Unlink: clear LINKED and LINK together, learning the next port. */
    event_word_t old = *w, want;
    do {
        want = old & ~((1u << EVTCHN_FIFO_LINKED) | EVTCHN_FIFO_LINK_MASK);
    } while (!__atomic_compare_exchange_n(w, &old, want, false, __ATOMIC_SEQ_CST,
                                          __ATOMIC_SEQ_CST));
    uint32_t next = old & EVTCHN_FIFO_LINK_MASK;
    if (!next)
        fifo.ready &= ~(1u << q);
    fifo.head[q] = next;
    if ((old & (1u << EVTCHN_FIFO_PENDING)) && !(old & (1u << EVTCHN_FIFO_MASKED))) {
        __atomic_fetch_and(w, ~(1u << EVTCHN_FIFO_PENDING), __ATOMIC_SEQ_CST);
        return port;
    }
    return 0;
}

evtchn_port_t fifo_next(void)
{
    for (;;) {
        fifo.ready |= __atomic_exchange_n(&fifo.cb->ready, 0, __ATOMIC_SEQ_CST);
        if (!fifo.ready)
            return 0;
        unsigned int q = (unsigned int)__builtin_ctz(fifo.ready);
        evtchn_port_t p = consume(q);
        if (p)
            return p;
    }
}
