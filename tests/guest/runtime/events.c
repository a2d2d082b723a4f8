/*
 * Events, time and scheduling helpers for test guests (see events.h).
 */
#include <test.h>
#include <events.h>

shared_info_t *shared_info;
static uint8_t shared_info_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

long map_shared_info(void)
{
    uint64_t pte = (uint64_t)start_info->shared_info | _PAGE_PRESENT | _PAGE_RW |
                   _PAGE_ACCESSED | _PAGE_DIRTY;
    long rc = HYPERVISOR_update_va_mapping((uint32_t)shared_info_page, pte, UVMF_INVLPG);

    if (rc == 0)
        shared_info = (shared_info_t *)shared_info_page;
    return rc;
}

/* ---- bitmaps ----------------------------------------------------------- */

static xen_ulong_t bit(evtchn_port_t p) { return 1u << (p % 32); }

bool evtchn_is_pending(evtchn_port_t p)
{
    return __atomic_load_n(&shared_info->evtchn_pending[p / 32], __ATOMIC_SEQ_CST) & bit(p);
}

bool evtchn_is_masked(evtchn_port_t p)
{
    return __atomic_load_n(&shared_info->evtchn_mask[p / 32], __ATOMIC_SEQ_CST) & bit(p);
}

void evtchn_clear_pending(evtchn_port_t p)
{
    __atomic_fetch_and(&shared_info->evtchn_pending[p / 32], ~bit(p), __ATOMIC_SEQ_CST);
}

void evtchn_set_mask(evtchn_port_t p)
{
    __atomic_fetch_or(&shared_info->evtchn_mask[p / 32], bit(p), __ATOMIC_SEQ_CST);
}

void evtchn_clear_mask(evtchn_port_t p)
{
    __atomic_fetch_and(&shared_info->evtchn_mask[p / 32], ~bit(p), __ATOMIC_SEQ_CST);
}

void evtchn_ack_upcall(void)
{
    vcpu0_info()->evtchn_upcall_pending = 0;
    __atomic_exchange_n(&vcpu0_info()->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
}

/* ---- event_channel_op ----------------------------------------------------- */

long evtchn_alloc_unbound(domid_t remote)
{
    evtchn_alloc_unbound_t a = { .dom = DOMID_SELF, .remote_dom = remote };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &a);
    return rc ? rc : (long)a.port;
}

long evtchn_bind_interdomain(domid_t dom, evtchn_port_t remote_port)
{
    evtchn_bind_interdomain_t b = { .remote_dom = dom, .remote_port = remote_port };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_interdomain, &b);
    return rc ? rc : (long)b.local_port;
}

long evtchn_bind_virq(uint32_t virq, uint32_t vcpu)
{
    evtchn_bind_virq_t b = { .virq = virq, .vcpu = vcpu };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_virq, &b);
    return rc ? rc : (long)b.port;
}

long evtchn_bind_ipi(uint32_t vcpu)
{
    evtchn_bind_ipi_t b = { .vcpu = vcpu };
    long rc = HYPERVISOR_event_channel_op(EVTCHNOP_bind_ipi, &b);
    return rc ? rc : (long)b.port;
}

long evtchn_send(evtchn_port_t p)
{
    evtchn_send_t s = { .port = p };
    return HYPERVISOR_event_channel_op(EVTCHNOP_send, &s);
}

long evtchn_close(evtchn_port_t p)
{
    evtchn_close_t c = { .port = p };
    return HYPERVISOR_event_channel_op(EVTCHNOP_close, &c);
}

long evtchn_unmask(evtchn_port_t p)
{
    evtchn_unmask_t u = { .port = p };
    return HYPERVISOR_event_channel_op(EVTCHNOP_unmask, &u);
}

long evtchn_status(domid_t dom, evtchn_port_t p, evtchn_status_t *st)
{
    memset(st, 0, sizeof(*st));
    st->dom = dom;
    st->port = p;
    return HYPERVISOR_event_channel_op(EVTCHNOP_status, st);
}

long evtchn_connect(domid_t dom, unsigned int tries)
{
    long rc = -XEN_EINVAL;

    for (unsigned int t = 0; t < tries; t++) {
        for (evtchn_port_t p = 1; p < EVTCHN_2L_NR_CHANNELS; p++) {
            rc = evtchn_bind_interdomain(dom, p);
            if (rc > 0 || rc == -XEN_ESRCH)
                return rc;
        }
        sched_yield();
    }
    return rc;
}

long evtchn_offer_and_wait(domid_t dom, uint64_t timeout)
{
    long p = evtchn_alloc_unbound(dom);

    if (p <= 0)
        return p;
    long rc = wait_port((evtchn_port_t)p, now_ns() + timeout);
    return rc == 1 ? p : rc == 0 ? -XEN_ETIME : rc;
}

long evtchn_connect_and_greet(domid_t dom, unsigned int tries)
{
    long p = evtchn_connect(dom, tries);

    if (p > 0) {
        evtchn_clear_pending((evtchn_port_t)p);     /* the bind's own event */
        evtchn_send((evtchn_port_t)p);
    }
    return p;
}

long wait_domain_gone(domid_t dom, uint64_t timeout)
{
    static long exc_port;
    evtchn_status_t st;
    uint64_t end = now_ns() + timeout;

    if (exc_port <= 0)
        exc_port = evtchn_bind_virq(VIRQ_DOM_EXC, 0);
    while (evtchn_status(dom, 1, &st) != -XEN_ESRCH) {
        if (now_ns() > end)
            return -XEN_ETIME;
        if (exc_port > 0)
            wait_port((evtchn_port_t)exc_port, end);
        else
            sched_yield();
    }
    return 0;
}

/* ---- sched_op ---------------------------------------------------------------- */

long sched_yield(void)
{
    return HYPERVISOR_sched_op(SCHEDOP_yield, NULL);
}

long sched_block(void)
{
    return HYPERVISOR_sched_op(SCHEDOP_block, NULL);
}

long sched_poll(evtchn_port_t *ports, unsigned int nr, uint64_t timeout)
{
    struct sched_poll p = { .nr_ports = nr, .timeout = timeout };

    set_xen_guest_handle(p.ports, ports);
    return HYPERVISOR_sched_op(SCHEDOP_poll, &p);
}

long wait_port(evtchn_port_t port, uint64_t deadline)
{
    for (;;) {
        if (evtchn_is_pending(port)) {
            evtchn_clear_pending(port);
            return 1;
        }
        if (deadline && now_ns() >= deadline)
            return 0;
        long rc = sched_poll(&port, 1, deadline);
        if (rc < 0)
            return rc;
    }
}

/* ---- time ------------------------------------------------------------------- */

uint64_t udiv64(uint64_t n, uint32_t d)
{
    uint32_t hi = (uint32_t)(n >> 32), lo = (uint32_t)n, qhi, qlo, rem;

    qhi = hi / d;
    rem = hi % d;
    asm ("divl %4" : "=a" (qlo), "=d" (rem) : "0" (lo), "1" (rem), "rm" (d));
    return ((uint64_t)qhi << 32) | qlo;
}

uint64_t pvclock_ns(const struct vcpu_time_info *t, uint64_t tsc)
{
    uint64_t delta = tsc - t->tsc_timestamp;

    if (t->tsc_shift >= 0)
        delta <<= t->tsc_shift;
    else
        delta >>= -t->tsc_shift;
    /* (delta * mul) >> 32 as two 32x32->64 products. */
    uint64_t lo = ((uint64_t)(uint32_t)delta * t->tsc_to_system_mul) >> 32;
    uint64_t hi = (uint64_t)(uint32_t)(delta >> 32) * t->tsc_to_system_mul;
    return t->system_time + lo + hi;
}

void read_time_info(struct vcpu_time_info *out)
{
    volatile struct vcpu_time_info *t = &vcpu0_info()->time;
    uint32_t v;

    do {
        v = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        out->tsc_timestamp = t->tsc_timestamp;
        out->system_time = t->system_time;
        out->tsc_to_system_mul = t->tsc_to_system_mul;
        out->tsc_shift = t->tsc_shift;
        out->flags = t->flags;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((v & 1) || v != t->version);
    out->version = v;
}

uint64_t now_ns(void)
{
    struct vcpu_time_info t;
    uint64_t ns;

    /* Reread if we were descheduled between reading the record and the TSC. */
    do {
        read_time_info(&t);
        ns = pvclock_ns(&t, rdtsc());
    } while (t.version != vcpu0_info()->time.version);
    return ns;
}

uint64_t wallclock_sec(void)
{
    volatile shared_info_t *s = shared_info;
    uint32_t v, sec, nsec;

    do {
        v = s->wc_version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        sec = s->wc_sec;
        nsec = s->wc_nsec;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((v & 1) || v != s->wc_version);
    return sec + udiv64(now_ns() + nsec, 1000000000u);
}

void spin_ns(uint64_t ns)
{
    uint64_t end = now_ns() + ns;
    while (now_ns() < end)
        ;
}

void sleep_ns(evtchn_port_t timer_port, uint64_t ns)
{
    uint64_t end = now_ns() + ns;

    while (now_ns() < end) {
        HYPERVISOR_set_timer_op(end);
        wait_port(timer_port, 0);
    }
}

long get_runstate(struct vcpu_runstate_info *rs)
{
    return HYPERVISOR_vcpu_op(VCPUOP_get_runstate_info, 0, rs);
}
