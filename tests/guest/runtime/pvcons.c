/*
 * The guest side of the PV console ring (include/pvcons.h).
 *
 * Output: copy into out[] from out_prod, write barrier, advance out_prod,
 * notify; when the ring is full, poll the port (the backend notifies when
 * it consumed) until there is room.  Input: read in[in_cons..in_prod),
 * barrier, advance in_cons, notify.  The ring page lies in the bootstrap
 * region, so it is reached through the bootstrap mapping (mfn_to_virt).
 */
#include <test.h>
#include <events.h>
#include <pvcons.h>
#include <public/io/console.h>

static volatile struct xencons_interface *ring;
static evtchn_port_t port;

int pvcons_init(void)
{
    if (!start_info->console.domU.mfn || !start_info->console.domU.evtchn)
        return -1;
    ring = mfn_to_virt(start_info->console.domU.mfn);
    port = start_info->console.domU.evtchn;
    return ring ? 0 : -1;
}

int pvcons_write(const char *s, size_t n, unsigned int timeout_ms)
{
    size_t done = 0;

    while (done < n) {
        uint32_t prod = ring->out_prod, cons = ring->out_cons;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        uint32_t space = (uint32_t)sizeof(ring->out) - (prod - cons);
        if (!space) {
            uint64_t until = now_ns() + (uint64_t)timeout_ms * NS_PER_MS;
            evtchn_send(port);
            while (ring->out_prod - ring->out_cons == sizeof(ring->out)) {
                if (now_ns() >= until)
                    return -1;
                sched_poll(&port, 1, until);
                evtchn_clear_pending(port);
            }
            continue;
        }
        while (space-- && done < n)
            ring->out[MASK_XENCONS_IDX(prod++, ring->out)] = s[done++];
        __atomic_thread_fence(__ATOMIC_RELEASE);
        ring->out_prod = prod;
        evtchn_send(port);
    }
    return 0;
}

int pvcons_printf(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return n;
    if ((size_t)n >= sizeof(buf))
        n = sizeof(buf) - 1;
    return pvcons_write(buf, (size_t)n, 10000);
}

size_t pvcons_read(char *buf, size_t n)
{
    uint32_t cons = ring->in_cons, prod = ring->in_prod;
    size_t got = 0;

    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (prod - cons > sizeof(ring->in))
        return 0;
    while (cons != prod && got < n)
        buf[got++] = ring->in[MASK_XENCONS_IDX(cons++, ring->in)];
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    ring->in_cons = cons;
    if (got)
        evtchn_send(port);
    return got;
}

void pvcons_wait(uint64_t deadline)
{
    if (ring->in_cons == ring->in_prod)
        sched_poll(&port, 1, deadline);
    evtchn_clear_pending(port);
}
