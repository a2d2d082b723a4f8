/*
 * The 2-level event-channel ABI: pending and mask bitmaps in shared_info.
 *
 * Port p is bit (p % 32) of word (p / 32) in shared_info.evtchn_pending
 * and evtchn_mask (32-bit guests: 32 words, 1024 ports).  Each vCPU's
 * vcpu_info has a selector, evtchn_pending_sel, with one bit per word,
 * and evtchn_upcall_pending, "something for you":
 *
 *    evtchn_pending   [w0][w1]...[w31]      evtchn_mask [w0]...[w31]
 *                          | bit p%32                        | bit p%32
 *    vcpu_info: pending_sel bit p/32 --> upcall_pending --> event callback
 *
 * Raising port p for vCPU v (fact sheet 8):
 *   1. set pending[p]; if it was already set, stop (edges coalesce);
 *   2. if mask[p] is clear and selector bit p/32 of v was clear (test and
 *      set), set upcall_pending; if that was clear, v must be kicked.
 * Unmasking p repeats step 2 if p is pending.  The guest clears
 * upcall_pending, then the selector bits, then the pending bits it
 * handles, so the hypervisor never clears anything here except on close.
 *
 * The bitmaps live in a page the guest writes concurrently (on another
 * CPU, one day), so every read-modify-write is an atomic operation --
 * compiler builtins, no inline assembly: this file is generic and
 * host-tested (tests/host/test-evtchn.c).  The callers have checked that
 * p < EVTCHN_2L_NR_PORTS.  A domain uses these through evtchn_ops_2l until
 * it switches to the FIFO ABI (event_fifo.c), and again after a reset.
 */
#include <mica/event.h>
#include <mica/domain.h>

#define BITS_PER_WORD (sizeof(xen_ulong_t) * 8)

static xen_ulong_t bit_of(evtchn_port_t p)
{
    return (xen_ulong_t)1 << (p % BITS_PER_WORD);
}

static bool test_and_set(xen_ulong_t *word, xen_ulong_t bit)
{
    return __atomic_fetch_or(word, bit, __ATOMIC_SEQ_CST) & bit;
}

static bool test(const xen_ulong_t *word, xen_ulong_t bit)
{
    return __atomic_load_n(word, __ATOMIC_SEQ_CST) & bit;
}

/* Step 2: make the word's selector bit and the upcall pending. */
static bool mark_upcall(vcpu_info_t *vi, evtchn_port_t p)
{
    if (test_and_set(&vi->evtchn_pending_sel, bit_of(p / BITS_PER_WORD)))
        return false;
    return __atomic_exchange_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST) == 0;
}

unsigned int evtchn_2l_set_pending(shared_info_t *s, vcpu_info_t *vi, evtchn_port_t p)
{
    unsigned int w = p / BITS_PER_WORD;

    if (test_and_set(&s->evtchn_pending[w], bit_of(p)))
        return 0;
    if (test(&s->evtchn_mask[w], bit_of(p)))
        return EVT_NEWLY_PENDING;
    return EVT_NEWLY_PENDING | (mark_upcall(vi, p) ? EVT_KICK : 0);
}

void evtchn_2l_clear_pending(shared_info_t *s, evtchn_port_t p)
{
    __atomic_fetch_and(&s->evtchn_pending[p / BITS_PER_WORD], ~bit_of(p), __ATOMIC_SEQ_CST);
}

bool evtchn_2l_unmask(shared_info_t *s, vcpu_info_t *vi, evtchn_port_t p)
{
    unsigned int w = p / BITS_PER_WORD;
    xen_ulong_t old = __atomic_fetch_and(&s->evtchn_mask[w], ~bit_of(p), __ATOMIC_SEQ_CST);

    if (!(old & bit_of(p)) || !test(&s->evtchn_pending[w], bit_of(p)))
        return false;
    return mark_upcall(vi, p);
}

bool evtchn_2l_is_pending(const shared_info_t *s, evtchn_port_t p)
{
    return test(&s->evtchn_pending[p / BITS_PER_WORD], bit_of(p));
}

bool evtchn_2l_is_masked(const shared_info_t *s, evtchn_port_t p)
{
    return test(&s->evtchn_mask[p / BITS_PER_WORD], bit_of(p));
}

/* ---- the 2-level ABI as the domain's port operations -------------------- */

static unsigned int ops_set_pending(struct domain *d, struct vcpu *v, evtchn_port_t p,
                                    struct evtchn *chn)
{
    return evtchn_2l_set_pending(d->shared_info, v->vcpu_info, p);
}

static void ops_clear_pending(struct domain *d, evtchn_port_t p)
{
    evtchn_2l_clear_pending(d->shared_info, p);
}

static unsigned int ops_unmask(struct domain *d, struct vcpu *v, evtchn_port_t p,
                               struct evtchn *chn)
{
    return evtchn_2l_unmask(d->shared_info, v->vcpu_info, p) ? EVT_KICK : 0;
}

static bool ops_is_pending(const struct domain *d, evtchn_port_t p)
{
    return evtchn_2l_is_pending(d->shared_info, p);
}

static bool ops_is_masked(const struct domain *d, evtchn_port_t p)
{
    return evtchn_2l_is_masked(d->shared_info, p);
}

const struct evtchn_port_ops evtchn_ops_2l = {
    .set_pending = ops_set_pending,
    .clear_pending = ops_clear_pending,
    .unmask = ops_unmask,
    .is_pending = ops_is_pending,
    .is_masked = ops_is_masked,
};
