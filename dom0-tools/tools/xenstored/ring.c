/*
 * The ring-page transport: a domain's xenstore page and event channel.
 *
 *      0 .. 1023    req[]  guest -> store byte stream
 *   1024 .. 2047    rsp[]  store -> guest byte stream
 *   2048  req_cons (ours)   2052  req_prod (guest's)
 *   2056  rsp_cons (guest's) 2060  rsp_prod (ours)
 *   2064  server_features    2068  connection    2072  error
 *
 * The indexes are free-running 32-bit counters; byte x lives at x & 1023.
 * The page is shared with a guest we do not trust, so:
 *
 *   - the indexes we own (req_cons, rsp_prod) are kept here and only ever
 *     written to the page, never read back: a guest that scribbles on them
 *     hurts only itself;
 *   - each guest-owned index is read once per call, and the distance to
 *     ours checked: more than 1024 bytes "pending" is a lie, and the
 *     connection is stopped with error XENSTORE_ERROR_RINGIDX (nothing
 *     outside the two 1 KiB arrays is ever read or written: every offset
 *     is masked);
 *   - data bytes are copied out into the connection's buffer before the
 *     consumer index is published and before anything parses them, so a
 *     guest changing them meanwhile changes nothing we act on.
 *
 * Barriers: read the producer index, then the data (acquire); write the
 * data, then the producer index (release); finish reading the data before
 * publishing the consumer index.  After a slice of work the peer is
 * notified once (Xen: signal after index updates).
 *
 * We advertise ring reconnection and the error field (xenstore-ring.txt):
 * a guest that sets connection = XENSTORE_RECONNECT gets its queues
 * emptied, its watches and transactions dropped, connection = 0 and an
 * event; that also revives a connection stopped for an error.
 */
#include "xs_core.h"

struct xs_ring {
    volatile struct xenstore_domain_interface *intf;
    uint32_t req_cons, rsp_prod;        /* ours: the truth */
    struct xs_dom *d;
};

#define RING_SIZE XENSTORE_RING_SIZE

static inline uint32_t ld(volatile uint32_t *p)
{
    uint32_t v = *p;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return v;
}

static inline void st(volatile uint32_t *p, uint32_t v)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    *p = v;
}

static int ring_read(struct xs_conn *c, void *buf, uint32_t len)
{
    struct xs_ring *r = c->tctx;
    uint32_t avail = ld(&r->intf->req_prod) - r->req_cons, n, off, first;

    if (avail > RING_SIZE)
        return -(int)XENSTORE_ERROR_RINGIDX;
    n = avail < len ? avail : len;
    if (!n)
        return 0;
    off = r->req_cons & (RING_SIZE - 1);
    first = RING_SIZE - off < n ? RING_SIZE - off : n;
    memcpy(buf, (const void *)&r->intf->req[off], first);
    memcpy((char *)buf + first, (const void *)&r->intf->req[0], n - first);
    r->req_cons += n;
    st(&r->intf->req_cons, r->req_cons);
    return (int)n;
}

static int ring_write(struct xs_conn *c, const void *buf, uint32_t len)
{
    struct xs_ring *r = c->tctx;
    uint32_t used = r->rsp_prod - ld(&r->intf->rsp_cons), n, off, first;

    if (used > RING_SIZE)
        return -(int)XENSTORE_ERROR_RINGIDX;
    n = RING_SIZE - used < len ? RING_SIZE - used : len;
    if (!n)
        return 0;
    off = r->rsp_prod & (RING_SIZE - 1);
    first = RING_SIZE - off < n ? RING_SIZE - off : n;
    memcpy((void *)&r->intf->rsp[off], buf, first);
    memcpy((void *)&r->intf->rsp[0], (const char *)buf + first, n - first);
    r->rsp_prod += n;
    st(&r->intf->rsp_prod, r->rsp_prod);
    return (int)n;
}

static bool ring_pending(struct xs_conn *c)
{
    struct xs_ring *r = c->tctx;
    return r->intf->req_prod != r->req_cons || r->intf->connection == XENSTORE_RECONNECT;
}

static void ring_kick(struct xs_conn *c)
{
    struct xs_ring *r = c->tctx;
    c->s->os.notify(c->s->os.ctx, r->d->local_port);
}

static void ring_fail(struct xs_conn *c, uint32_t why)
{
    struct xs_ring *r = c->tctx;

    st(&r->intf->error, why);
    c->s->os.notify(c->s->os.ctx, r->d->local_port);
}

/* The guest asked for a fresh start: empty both queues, clear the error. */
static bool ring_reset(struct xs_conn *c)
{
    struct xs_ring *r = c->tctx;

    if (ld(&r->intf->connection) != XENSTORE_RECONNECT)
        return false;
    r->req_cons = ld(&r->intf->req_prod);
    r->rsp_prod = ld(&r->intf->rsp_cons);
    st(&r->intf->req_cons, r->req_cons);
    st(&r->intf->rsp_prod, r->rsp_prod);
    st(&r->intf->error, XENSTORE_ERROR_NONE);
    st(&r->intf->connection, XENSTORE_CONNECTED);
    xs_log(c->s, XS_LOG_INFO, "d%u reset its connection", (unsigned int)c->domid);
    return true;
}

static void ring_close(struct xs_conn *c)
{
    struct xs_ring *r = c->tctx;
    struct xs_store *s = c->s;

    s->os.unbind(s->os.ctx, r->d->local_port);
    s->os.unmap_ring(s->os.ctx, r->d->domid, (void *)r->intf);
    free(r);
}

static const struct xs_transport ring_transport = {
    .read = ring_read,
    .write = ring_write,
    .pending = ring_pending,
    .kick = ring_kick,
    .fail = ring_fail,
    .reset = ring_reset,
    .close = ring_close,
};

struct xs_conn *ring_open(struct xs_store *s, struct xs_dom *d)
{
    struct xs_ring *r = calloc(1, sizeof(*r));
    struct xs_conn *c;

    if (!r)
        return NULL;
    r->intf = d->page;
    r->d = d;
    /* Any starting point is as good as another: take the page's. */
    r->req_cons = r->intf->req_cons;
    r->rsp_prod = r->intf->rsp_prod;
    st(&r->intf->server_features,
       XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR);
    st(&r->intf->error, XENSTORE_ERROR_NONE);
    c = conn_new(s, &ring_transport, r, d->domid, d->domid == s->cfg.priv_domid);
    if (!c)
        free(r);
    return c;
}
