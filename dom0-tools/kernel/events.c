/*
 * Event channels: binding ports to handlers and dispatching pending ones.
 *
 * Dom0 runs with its upcall mask set, always, and never registers an
 * event callback that would run: the main loop calls events_dispatch(),
 * which follows the 2-level protocol of the fact sheet (§8) by hand:
 *
 *   clear evtchn_upcall_pending; sel = xchg(evtchn_pending_sel, 0);
 *   for each set bit w of sel: bits = pending[w] & ~mask[w];
 *       for each set bit: clear it in pending[w] (atomically), run handler.
 *
 * Clearing upcall_pending before taking the selector is what makes
 * sleeping safe: the loop halts only while upcall_pending is 0, and any
 * port raised after the selector was taken sets the selector bit again and
 * upcall_pending with it, which ends the halt (hypervisor: HLT wakes on
 * upcall_pending even with the mask set).
 *
 * A pending port nobody bound (a spurious event, or one closed while it
 * was pending) is just cleared.  Handlers may bind and close ports, even
 * their own: the dispatcher reads the handler slot afresh for each port.
 */
#include "events.h"
#include "mm.h"
#include "hypercall.h"

shared_info_t *shared_info;

static struct {
    evtchn_handler_t *fn;
    void *arg;
} handlers[EVTCHN_2L_NR_CHANNELS];
static unsigned int nr_bound;

void events_init(void)
{
    void *va = window_alloc(1);
    long rc;

    BUG_ON(!va);
    rc = HYPERVISOR_update_va_mapping((unsigned long)(uintptr_t)va,
                                      (uint64_t)start_info->shared_info | _PAGE_PRESENT |
                                      _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY, UVMF_INVLPG);
    if (rc)
        panic("cannot map shared_info: %ld", rc);
    shared_info = va;
    shared_info->vcpu_info[0].evtchn_upcall_mask = 1;
    /* The 100 Hz tick would only wake us for nothing: timers are one-shot. */
    HYPERVISOR_vcpu_op(VCPUOP_stop_periodic_timer, 0, NULL);
}

static int attach(long rc, evtchn_port_t port, evtchn_handler_t *h, void *arg)
{
    if (rc)
        return (int)rc;
    BUG_ON(port == 0 || port >= EVTCHN_2L_NR_CHANNELS || handlers[port].fn);
    handlers[port].fn = h;
    handlers[port].arg = arg;
    nr_bound++;
    __atomic_fetch_and(&shared_info->evtchn_mask[port / 32], ~(1u << (port % 32)),
                       __ATOMIC_SEQ_CST);
    return (int)port;
}

int evtchn_bind_virq(uint32_t virq, evtchn_handler_t *h, void *arg)
{
    evtchn_bind_virq_t b = { .virq = virq, .vcpu = 0 };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &b);

    return attach(rc, b.port, h, arg);
}

int evtchn_bind_interdomain(domid_t dom, evtchn_port_t remote, evtchn_handler_t *h, void *arg)
{
    evtchn_bind_interdomain_t b = { .remote_dom = dom, .remote_port = remote };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b);

    return attach(rc, b.local_port, h, arg);
}

int evtchn_alloc_unbound(domid_t remote, evtchn_handler_t *h, void *arg)
{
    evtchn_alloc_unbound_t a = { .dom = DOMID_SELF, .remote_dom = remote };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    return attach(rc, a.port, h, arg);
}

int evtchn_bind_pirq(uint32_t pirq, uint32_t flags, evtchn_handler_t *h, void *arg)
{
    evtchn_bind_pirq_t b = { .pirq = pirq, .flags = flags };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_pirq, &b);

    return attach(rc, b.port, h, arg);
}

void evtchn_close_port(evtchn_port_t port)
{
    evtchn_close_t c = { .port = port };

    if (port == 0 || port >= EVTCHN_2L_NR_CHANNELS)
        return;
    if (handlers[port].fn) {
        handlers[port].fn = NULL;
        handlers[port].arg = NULL;
        nr_bound--;
    }
    HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
    __atomic_fetch_and(&shared_info->evtchn_pending[port / 32], ~(1u << (port % 32)),
                       __ATOMIC_SEQ_CST);
}

int evtchn_notify(evtchn_port_t port)
{
    evtchn_send_t s = { .port = port };

    return (int)HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

bool events_pending(void)
{
    return shared_info->vcpu_info[0].evtchn_upcall_pending;
}

unsigned int events_nr_bound(void)
{
    return nr_bound;
}

bool events_dispatch(void)
{
    vcpu_info_t *vi = &shared_info->vcpu_info[0];
    bool ran = false;

    __atomic_store_n(&vi->evtchn_upcall_pending, 0, __ATOMIC_SEQ_CST);
    uint32_t sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    while (sel) {
        unsigned int w = (unsigned int)__builtin_ctz(sel);
        sel &= sel - 1;
        uint32_t bits = __atomic_load_n(&shared_info->evtchn_pending[w], __ATOMIC_SEQ_CST) &
                        ~__atomic_load_n(&shared_info->evtchn_mask[w], __ATOMIC_SEQ_CST);
        while (bits) {
            unsigned int b = (unsigned int)__builtin_ctz(bits);
            evtchn_port_t port = w * 32 + b;
            bits &= bits - 1;
            __atomic_fetch_and(&shared_info->evtchn_pending[w], ~(1u << b), __ATOMIC_SEQ_CST);
            if (handlers[port].fn) {
                handlers[port].fn(handlers[port].arg, port);
                ran = true;
            }
        }
    }
    return ran;
}
