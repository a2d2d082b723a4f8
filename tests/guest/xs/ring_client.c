/*
 * The guest side of the xenstore ring (see ring_client.h).
 *
 * The mirror image of xenstored's ring.c: we own req_prod and rsp_cons
 * and keep them here; xenstored's indexes are read once per call and
 * checked (more than a ring's worth outstanding is a broken peer: -EIO);
 * data goes in before the producer index moves, comes out before the
 * consumer index moves, and the port is signalled after every index
 * update.  A wait sleeps on the store port with a deadline, so a lost
 * wake-up shows as a timeout instead of a hang.
 */
#include <test.h>
#include <events.h>
#include <string.h>
#include "ring_client.h"

volatile struct xenstore_domain_interface *xs_intf;
uint32_t xs_port;
uint64_t xs_wait_timeout_ns = 5000 * NS_PER_MS;

#define RING XENSTORE_RING_SIZE

static uint32_t req_prod, rsp_cons;

static int rc_send(void *ctx, const void *buf, uint32_t len)
{
    uint32_t used = req_prod - xs_intf->req_cons, n;

    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (used > RING)
        return -XEN_EIO;
    n = RING - used < len ? RING - used : len;
    for (uint32_t i = 0; i < n; i++)
        xs_intf->req[(req_prod + i) & (RING - 1)] = ((const char *)buf)[i];
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    req_prod += n;
    xs_intf->req_prod = req_prod;
    if (n)
        evtchn_send(xs_port);
    return (int)n;
}

static int rc_recv(void *ctx, void *buf, uint32_t len)
{
    uint32_t avail = xs_intf->rsp_prod - rsp_cons, n;

    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (avail > RING)
        return -XEN_EIO;
    n = avail < len ? avail : len;
    for (uint32_t i = 0; i < n; i++)
        ((char *)buf)[i] = xs_intf->rsp[(rsp_cons + i) & (RING - 1)];
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    rsp_cons += n;
    xs_intf->rsp_cons = rsp_cons;
    if (n)
        evtchn_send(xs_port);
    return (int)n;
}

static int rc_wait(void *ctx)
{
    if (xs_intf->error)
        return -XEN_EIO;
    if (wait_port(xs_port, now_ns() + xs_wait_timeout_ns) != 1)
        return -XEN_ETIME;
    return 0;
}

int xs_ring_connect(struct xsc *c)
{
    const struct xsc_io io = { .send = rc_send, .recv = rc_recv, .wait = rc_wait };

    if (!shared_info && map_shared_info())
        return -XEN_EFAULT;
    xs_intf = mfn_to_virt(start_info->store_mfn);
    xs_port = start_info->store_evtchn;
    if (!xs_intf || !xs_port)
        return -XEN_ENOENT;
    req_prod = xs_intf->req_prod;
    rsp_cons = xs_intf->rsp_cons;
    xsc_init(c, &io);
    return 0;
}

int xs_ring_reconnect(struct xsc *c)
{
    uint64_t end = now_ns() + xs_wait_timeout_ns;

    xs_intf->connection = XENSTORE_RECONNECT;
    evtchn_send(xs_port);
    while (xs_intf->connection != XENSTORE_CONNECTED) {
        if (now_ns() > end)
            return -XEN_ETIME;
        wait_port(xs_port, end);
    }
    req_prod = xs_intf->req_prod;
    rsp_cons = xs_intf->rsp_cons;
    c->in_len = 0;
    c->ev_len = c->ev_count = 0;
    return 0;
}

bool xs_ring_start(struct xsc *c, char *buf, uint32_t size)
{
    uint64_t end;
    uint32_t len;
    int rc;

    if (xs_ring_connect(c)) {
        test_error("no xenstore ring");
        return false;
    }
    /* Domain 0 introduces us when it is ready: until then, wait. */
    end = now_ns() + 30000 * NS_PER_MS;
    while ((rc = xsc_read(c, 0, "domid", buf, size, &len)) == -XEN_ETIME && now_ns() < end)
        ;
    if (rc) {
        test_fail("xenstore does not answer: %d", rc);
        return false;
    }
    return true;
}
