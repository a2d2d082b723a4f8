/*
 * The FIFO event-channel ABI: up to 2^17 ports, 16 priority queues per
 * vCPU, all state in guest pages (fact sheet: control plane, section 4).
 *
 * A guest switches to it with EVTCHNOP_init_control, once per vCPU that
 * will receive events, naming a frame and an offset for that vCPU's
 * control block; it then hands over event-array pages one at a time with
 * EVTCHNOP_expand_array (port p's 32-bit word is word p % 1024 of page
 * p / 1024).  A guest that never calls init_control keeps the 2-level ABI
 * (event_2l.c).
 *
 *   control block (72 bytes)        event array pages
 *   +-------+------+---------+      +--------------------------------+
 *   | ready | rsvd | head[16]|      | word: P M L B |  LINK (17 bits) |
 *   +-------+------+---------+      +--------------------------------+
 *     bit q set: queue q has          P pending, M masked, L linked,
 *     events; head[q]: first port     B busy; LINK: next port in queue
 *
 * Raising port p for vCPU v (Xen's algorithm; the guest consumes from the
 * head, clearing LINKED, and the hypervisor only ever appends):
 *   1. no event word yet (its page not given): remember it as pending,
 *      re-raise it when the page comes;
 *   2. set PENDING;
 *   3. if not MASKED and not yet LINKED (test-and-set): append p to v's
 *      queue for p's priority -- the tail's LINK := p if the tail is still
 *      LINKED (the guest may have consumed it: then the queue is empty),
 *      else head[q] := p; the tail becomes p;
 *   4. if the queue was empty: set ready bit q; if it was clear, raise
 *      v's evtchn_upcall_pending (and kick v if that went 0 -> 1).
 * A port re-prioritised or re-bound to another vCPU goes to the new queue
 * the next time it is linked; the queue it was last linked on (kept in
 * the port: last_vcpu_id/last_priority) forgets it as its tail, so
 * appending to the old queue can never write into the new one.
 *
 * The guest owns the words and may change them at any time, so every
 * read-modify-write is atomic, and the hypervisor never follows a LINK:
 * it only remembers each queue's tail, and the guest's changes to a
 * LINKED tail word are limited (set/clear MASKED, clear PENDING, clear
 * LINKED with LINK) -- the tail update is a compare-and-exchange that
 * holds only while the tail is still LINKED; one that keeps failing
 * (a guest hammering the word from another vCPU) marks the word BUSY so
 * the guest's unmask waits, and gives up after four tries, losing only
 * that guest's event.
 *
 * Every frame handed over is held with a general and a writable type
 * reference (guest_frame.c) until the domain resets to 2-level
 * (EVTCHNOP_reset of DOMID_SELF) or dies: the hypervisor writes it at any
 * time, so it can never become a page table.
 *
 * Generic code, host-tested (tests/host/test-evtchn.c).  One CPU and
 * interrupts off: the queue locks of an SMP version would go here.
 */
#include <mica/event.h>
#include <mica/domain.h>
#include <mica/guest_frame.h>
#include <mica/errno.h>
#include <mica/lib.h>
#include <mica/printk.h>

#define WORDS_PER_PAGE      (PAGE_SIZE / sizeof(event_word_t))
#define MAX_ARRAY_PAGES     (EVTCHN_FIFO_NR_CHANNELS / WORDS_PER_PAGE)
#define BIT(n)              (1u << (n))

struct fifo_vcpu {
    evtchn_fifo_control_block_t *cb;    /* NULL: no control block yet */
    unsigned long cb_mfn;
    evtchn_port_t tail[EVTCHN_FIFO_MAX_QUEUES];  /* 0: queue empty */
};

struct evtchn_fifo_domain {
    event_word_t *array[MAX_ARRAY_PAGES];
    unsigned long array_mfn[MAX_ARRAY_PAGES];
    unsigned int num_evtchns;           /* ports with an event word */
    struct fifo_vcpu vcpu[MAX_VIRT_CPUS];
};

static event_word_t *word_of(const struct domain *d, evtchn_port_t p)
{
    const struct evtchn_fifo_domain *f = d->evtchn_fifo;

    if (p >= f->num_evtchns)
        return NULL;
    return &f->array[p / WORDS_PER_PAGE][p % WORDS_PER_PAGE];
}

static bool test_bit32(const event_word_t *w, unsigned int b)
{
    return __atomic_load_n(w, __ATOMIC_SEQ_CST) & BIT(b);
}

static bool test_and_set32(uint32_t *w, uint32_t bit)
{
    return __atomic_fetch_or(w, bit, __ATOMIC_SEQ_CST) & bit;
}

static void clear32(uint32_t *w, uint32_t bit)
{
    __atomic_fetch_and(w, ~bit, __ATOMIC_SEQ_CST);
}

/* tail.LINK := link if the tail is still LINKED: 1 done, 0 not linked,
 * -EAGAIN the guest changed the word meanwhile. */
static int try_set_link(event_word_t *word, event_word_t *w, evtchn_port_t link)
{
    if (!(*w & BIT(EVTCHN_FIFO_LINKED)))
        return 0;
    event_word_t want = (*w & ~(BIT(EVTCHN_FIFO_BUSY) | EVTCHN_FIFO_LINK_MASK)) | link;
    if (__atomic_compare_exchange_n(word, w, want, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        return 1;
    return -EAGAIN;                     /* *w now holds what the guest wrote */
}

/* Link `link` after the tail word; false if the tail was not linked (the
 * queue is empty: the caller writes the head instead). */
static bool set_link(event_word_t *word, evtchn_port_t link)
{
    event_word_t w = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    int rc = try_set_link(word, &w, link);

    if (rc >= 0)
        return rc;
    /* BUSY keeps the guest from unmasking the word while we retry. */
    test_and_set32(word, BIT(EVTCHN_FIFO_BUSY));
    w = __atomic_load_n(word, __ATOMIC_SEQ_CST);
    for (unsigned int i = 0; i < 4; i++) {
        rc = try_set_link(word, &w, link);
        if (rc >= 0) {
            if (rc == 0)
                clear32(word, BIT(EVTCHN_FIFO_BUSY));
            return rc;
        }
    }
    clear32(word, BIT(EVTCHN_FIFO_BUSY));
    return true;                        /* give up: this event is lost */
}

static unsigned int fifo_set_pending(struct domain *d, struct vcpu *v, evtchn_port_t port,
                                     struct evtchn *chn)
{
    struct evtchn_fifo_domain *f = d->evtchn_fifo;
    event_word_t *word = word_of(d, port);

    if (!word) {
        chn->pending = true;            /* raised again when its page comes */
        return 0;
    }
    chn->pending = false;

    struct fifo_vcpu *fv = &f->vcpu[v->vcpu_id];
    unsigned int q = chn->priority;
    evtchn_port_t *old_tail = &f->vcpu[chn->last_vcpu_id].tail[chn->last_priority];
    bool was_pending = test_and_set32(word, BIT(EVTCHN_FIFO_PENDING));
    bool linked = true;

    /* No control block: the guest cannot have unmasked anything for this
     * vCPU yet (Xen drops the link the same way); the word stays pending. */
    if (fv->cb && !test_bit32(word, EVTCHN_FIFO_MASKED) &&
        !test_and_set32(word, BIT(EVTCHN_FIFO_LINKED))) {
        if (*old_tail == port)
            *old_tail = 0;              /* its old queue is empty now */
        chn->last_vcpu_id = (uint16_t)v->vcpu_id;
        chn->last_priority = (uint8_t)q;
        linked = false;
        if (fv->tail[q]) {
            event_word_t *tail_word = word_of(d, fv->tail[q]);
            linked = tail_word && set_link(tail_word, port);
        }
        if (!linked)
            __atomic_store_n(&fv->cb->head[q], port, __ATOMIC_SEQ_CST);
        fv->tail[q] = port;
    }

    unsigned int r = was_pending ? 0 : EVT_NEWLY_PENDING;
    if (!linked && !test_and_set32(&fv->cb->ready, BIT(q)) &&
        __atomic_exchange_n(&v->vcpu_info->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST) == 0)
        r |= EVT_KICK;
    return r;
}

static void fifo_clear_pending(struct domain *d, evtchn_port_t p)
{
    event_word_t *word = word_of(d, p);

    /* Only PENDING: the guest unlinks (and skips) non-pending entries. */
    if (word)
        clear32(word, BIT(EVTCHN_FIFO_PENDING));
}

static unsigned int fifo_unmask(struct domain *d, struct vcpu *v, evtchn_port_t p,
                                struct evtchn *chn)
{
    event_word_t *word = word_of(d, p);

    if (!word)
        return 0;
    clear32(word, BIT(EVTCHN_FIFO_MASKED));
    if (test_bit32(word, EVTCHN_FIFO_PENDING))
        return fifo_set_pending(d, v, p, chn) & EVT_KICK;
    return 0;
}

static bool fifo_is_pending(const struct domain *d, evtchn_port_t p)
{
    const event_word_t *word = word_of(d, p);
    return word && test_bit32(word, EVTCHN_FIFO_PENDING);
}

static bool fifo_is_masked(const struct domain *d, evtchn_port_t p)
{
    const event_word_t *word = word_of(d, p);
    return !word || test_bit32(word, EVTCHN_FIFO_MASKED);
}

const struct evtchn_port_ops evtchn_ops_fifo = {
    .set_pending = fifo_set_pending,
    .clear_pending = fifo_clear_pending,
    .unmask = fifo_unmask,
    .is_pending = fifo_is_pending,
    .is_masked = fifo_is_masked,
};

/* ---- EVTCHNOP_init_control, expand_array; reset and teardown ----------- */

/*
 * The switch from 2-level: every port bound so far gets the default
 * priority, and its 2-level pending bit is remembered, to be raised when
 * its event-array page arrives (what Xen's code does; the public header
 * says such events are lost -- guests may rely on neither).
 */
static void switch_ports(struct domain *d)
{
    for (evtchn_port_t p = 1; p < EVTCHN_2L_NR_PORTS && p < d->valid_evtchns; p++) {
        struct evtchn *chn = evtchn_port_struct(d, p);
        chn->priority = EVTCHN_FIFO_PRIORITY_DEFAULT;
        chn->pending = evtchn_ops_2l.is_pending(d, p);
    }
}

long evtchn_fifo_init_control(struct domain *d, evtchn_init_control_t *ic)
{
    struct vcpu *v = ic->vcpu < d->max_vcpus && ic->vcpu < MAX_VIRT_CPUS
                   ? d->vcpu[ic->vcpu] : NULL;
    struct evtchn_fifo_domain *f = d->evtchn_fifo;
    void *page;

    ic->link_bits = EVTCHN_FIFO_LINK_BITS;
    if (!v)
        return -ENOENT;
    if (ic->offset > PAGE_SIZE - sizeof(evtchn_fifo_control_block_t) || (ic->offset & 7))
        return -EINVAL;
    if (f && f->vcpu[v->vcpu_id].cb)
        return -EINVAL;                 /* one control block per vCPU */
    if (ic->control_gfn >= (1ULL << 32))
        return -EINVAL;                 /* no such frame for a PV guest */
    if (!f && !(f = domain_xzalloc(d, sizeof(*f))))
        return -ENOMEM;
    long rc = guest_frame_get(d, (unsigned long)ic->control_gfn, &page);
    if (rc) {
        if (!d->evtchn_fifo)
            domain_xfree(d, f, sizeof(*f));
        return rc;
    }

    struct fifo_vcpu *fv = &f->vcpu[v->vcpu_id];
    fv->cb = (evtchn_fifo_control_block_t *)((uint8_t *)page + ic->offset);
    fv->cb_mfn = (unsigned long)ic->control_gfn;
    memset(fv->tail, 0, sizeof(fv->tail));
    if (!d->evtchn_fifo) {
        switch_ports(d);
        d->evtchn_fifo = f;
        d->evtchn_ops = &evtchn_ops_fifo;
        evtchn_update_nameable(d);
    }
    return 0;
}

long evtchn_fifo_expand_array(struct domain *d, uint64_t array_gfn)
{
    struct evtchn_fifo_domain *f = d->evtchn_fifo;
    void *page;

    if (!f)
        return -EOPNOTSUPP;
    unsigned int slot = f->num_evtchns / WORDS_PER_PAGE;
    if (slot >= MAX_ARRAY_PAGES)
        return -ENOSPC;
    if (array_gfn >= (1ULL << 32))
        return -EINVAL;
    long rc = guest_frame_get(d, (unsigned long)array_gfn, &page);
    if (rc)
        return rc;

    evtchn_port_t first = f->num_evtchns;
    f->array[slot] = page;
    f->array_mfn[slot] = (unsigned long)array_gfn;
    f->num_evtchns += WORDS_PER_PAGE;
    /* Ports raised while their word had no page are raised now. */
    for (evtchn_port_t p = first; p < f->num_evtchns; p++) {
        struct evtchn *chn = evtchn_port_struct(d, p);
        if (!chn)
            break;
        if (chn->pending)
            evtchn_raise(d, p);
    }
    return 0;
}

void evtchn_fifo_destroy(struct domain *d)
{
    struct evtchn_fifo_domain *f = d->evtchn_fifo;

    if (!f)
        return;
    for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++)
        if (f->vcpu[i].cb)
            guest_frame_put(d, f->vcpu[i].cb_mfn);
    for (unsigned int i = 0; i < MAX_ARRAY_PAGES; i++)
        if (f->array[i])
            guest_frame_put(d, f->array_mfn[i]);
    /* Back to 2-level: what was pending in FIFO terms is not carried over
     * (the ports are closed by the reset that brings us here). */
    for (evtchn_port_t p = 1; p < d->valid_evtchns; p++) {
        struct evtchn *chn = evtchn_port_struct(d, p);
        chn->pending = false;
        chn->last_vcpu_id = 0;
        chn->last_priority = 0;
    }
    d->evtchn_fifo = NULL;
    d->evtchn_ops = &evtchn_ops_2l;
    evtchn_update_nameable(d);
    domain_xfree(d, f, sizeof(*f));
}
