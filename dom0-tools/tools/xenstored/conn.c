/*
 * A connection: the state machine between a byte stream and the store.
 *
 *   input:  header (16 bytes) -> payload (len bytes) -> one request
 *   output: a queue of whole messages (replies and watch events), written
 *           to the transport as far as it takes them
 *
 * Each request is copied once, from the transport into c->in, before
 * anything looks at it (a guest cannot change what we parse), and the
 * header's length is checked the moment it is complete: more than
 * XENSTORE_PAYLOAD_MAX and the connection is dropped (Xen's rule; the
 * stream cannot be resynchronised).  Everything else wrong with a request
 * gets an ERROR reply and the connection carries on.
 *
 * Flow control and fairness: a limited connection with `outstanding`
 * replies still queued (its peer does not read them) is not read any
 * further until it catches up, so its queue is bounded; conn_work()
 * handles at most `budget` requests before xs_run() moves on to the next
 * connection.  Watch events for a connection are bounded by its domain's
 * event and memory quotas: beyond them they are dropped and counted
 * (an identical event already waiting is not queued twice).
 *
 * A connection that fails (protocol error, broken ring) is `dead`: its
 * transactions, watches and queued output are dropped and it is not read
 * again, but it stays known until its domain is released or resets the
 * ring.  Closing (release, domain death, a local client leaving) drops
 * everything and frees the connection at the next safe point (xs_reap).
 */
#include "xs_core.h"

struct xs_conn *conn_new(struct xs_store *s, const struct xs_transport *t, void *tctx,
                         uint16_t domid, bool priv)
{
    struct xs_conn *c = calloc(1, sizeof(*c));
    struct xs_dom *d = c ? dom_get(s, domid) : NULL;

    if (!d) {
        free(c);
        return NULL;
    }
    c->s = s;
    c->t = t;
    c->tctx = tctx;
    c->dom = d;
    d->conn_refs++;
    c->domid = domid;
    c->home_len = (uint8_t)path_home(domid, c->home, sizeof(c->home));
    c->priv = priv;
    c->out_last = &c->out;
    c->next_txid = 1;
    list_init(&c->txns);
    list_init(&c->watches);
    list_add_tail(&s->conns, &c->link);
    s->st.connections++;
    return c;
}

static void msg_free(struct xs_conn *c, struct xs_msg *m)
{
    if (m->is_event)
        c->nr_events--;
    else
        c->nr_replies--;
    dom_charge(c->dom, -(int64_t)m->size);
    free(m);
}

static void drop_output(struct xs_conn *c)
{
    while (c->out) {
        struct xs_msg *m = c->out;
        c->out = m->next;
        msg_free(c, m);
    }
    c->out_last = &c->out;
    c->out_off = 0;
}

/* Forget everything the peer built up (failure, reset, close). */
static void conn_clear(struct xs_conn *c)
{
    conn_drop_txns(c);
    watch_drop_all(c);
    drop_output(c);
    c->in_len = 0;
}

void conn_fail(struct xs_conn *c, uint32_t why)
{
    if (c->dead || c->closing)
        return;
    xs_log(c->s, XS_LOG_WARN, "connection of d%u dropped: %s", (unsigned int)c->domid,
           why == XENSTORE_ERROR_RINGIDX ? "ring indexes out of range" :
           why == XENSTORE_ERROR_PROTO ? "protocol violation" : "communication failure");
    conn_clear(c);
    c->dead = true;
    c->busy = false;
    c->s->st.dropped_conns++;
    if (c->t->fail)
        c->t->fail(c, why);
}

void conn_reset(struct xs_conn *c)
{
    conn_clear(c);
    c->dead = false;                    /* SET_TARGET stays: it is the domain's */
}

void conn_close(struct xs_conn *c)
{
    if (c->closing)
        return;
    conn_clear(c);
    c->closing = true;
    c->busy = false;
    if (c->t->close)
        c->t->close(c);
    c->tctx = NULL;
}

void xs_reap(struct xs_store *s)
{
    struct xs_list *pos, *tmp;

    list_for_each_safe(pos, tmp, &s->conns) {
        struct xs_conn *c = container_of(pos, struct xs_conn, link);
        if (!c->closing)
            continue;
        list_del(&c->link);
        c->dom->conn_refs--;
        dom_maybe_free(s, c->dom);
        s->st.connections--;
        free(c);
    }
}

void conn_mark_busy(struct xs_conn *c)
{
    if (!c->closing)
        c->busy = true;
}

/* Is an identical event already waiting (not started) in c's queue? */
static bool event_queued(const struct xs_conn *c, const void *payload, uint32_t len)
{
    for (const struct xs_msg *m = c->out; m; m = m->next) {
        if (m == c->out && c->out_off)
            continue;                       /* already on its way */
        if (m->is_event && m->len == XS_HDR + len && !memcmp(m->data + XS_HDR, payload, len))
            return true;
    }
    return false;
}

int conn_queue(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
               const void *payload, uint32_t len, bool is_event)
{
    struct xsd_sockmsg h = { .type = type, .req_id = req_id, .tx_id = tx_id, .len = len };
    uint32_t size = (uint32_t)sizeof(struct xs_msg) + XS_HDR + len;
    struct xs_msg *m;

    if (c->dead || c->closing)
        return 0;
    if (is_event) {
        const struct xs_quota *q = dom_quota(c->s, c->dom);
        if (event_queued(c, payload, len))
            return 0;                       /* the peer will see the change anyway */
        if (conn_limited(c) && ((q->events && c->nr_events >= q->events) ||
                                conn_over_memory(c, size))) {
            if (!c->events_dropped++)
                xs_log(c->s, XS_LOG_WARN, "d%u does not read its watch events: dropping them",
                       (unsigned int)c->domid);
            c->s->st.events_dropped++;
            return -XEN_ENOSPC;
        }
    }
    if (!(m = malloc(size))) {
        if (!is_event)
            conn_fail(c, XENSTORE_ERROR_COMM);      /* a reply we cannot give */
        return -XEN_ENOMEM;
    }
    m->next = NULL;
    m->is_event = is_event;
    m->len = XS_HDR + len;
    m->size = size;
    memcpy(m->data, &h, XS_HDR);
    if (len)
        memcpy(m->data + XS_HDR, payload, len);
    *c->out_last = m;
    c->out_last = &m->next;
    if (is_event) {
        c->nr_events++;
        c->s->st.events++;
    } else {
        c->nr_replies++;
    }
    dom_charge(c->dom, size);
    conn_mark_busy(c);
    return 0;
}

static void flush_output(struct xs_conn *c)
{
    while (c->out && !c->dead && !c->closing) {
        struct xs_msg *m = c->out;
        int n = c->t->write(c, m->data + c->out_off, m->len - c->out_off);

        if (n < 0) {
            conn_fail(c, (uint32_t)-n);
            return;
        }
        if (n == 0)
            return;                         /* full: the peer's event resumes us */
        c->moved = true;
        c->out_off += (uint32_t)n;
        if (c->out_off < m->len)
            continue;
        c->out = m->next;
        if (!c->out)
            c->out_last = &c->out;
        c->out_off = 0;
        msg_free(c, m);
    }
}

/* Read what is missing of the current request: 1 = complete, 0 = not yet,
 * < 0 = the connection must be dropped (-XENSTORE_ERROR_*). */
static int read_request(struct xs_conn *c)
{
    for (;;) {
        uint32_t total = XS_HDR;
        int n;

        if (c->in_len >= XS_HDR) {
            struct xsd_sockmsg h;
            memcpy(&h, c->in, XS_HDR);
            if (h.len > XS_PAYLOAD)
                return -(int)XENSTORE_ERROR_PROTO;
            total += h.len;
            if (c->in_len == total)
                return 1;
        }
        n = c->t->read(c, c->in + c->in_len, total - c->in_len);
        if (n <= 0)
            return n;
        c->moved = true;
        c->in_len += (uint32_t)n;
    }
}

unsigned int conn_work(struct xs_conn *c, unsigned int budget)
{
    const struct xs_quota *q;
    unsigned int done = 0;
    int rc;

    c->busy = false;
    if (c->closing)
        return 0;
    if (c->t->reset && c->t->reset(c)) {
        conn_reset(c);
        c->moved = true;
    }
    if (c->dead)
        goto out;
    q = dom_quota(c->s, c->dom);
    flush_output(c);
    while (done < budget && !c->dead && !c->closing) {
        if (conn_limited(c) && q->outstanding && c->nr_replies >= q->outstanding)
            break;                          /* stalled until it reads its replies */
        rc = read_request(c);
        if (rc < 0) {
            conn_fail(c, (uint32_t)-rc);
            break;
        }
        if (rc == 0)
            break;
        xs_handle(c);
        c->in_len = 0;
        done++;
        flush_output(c);
    }
    flush_output(c);
    /* More to do right away?  Input left over (and room to answer it). */
    if (!c->dead && !c->closing && c->t->pending && c->t->pending(c) &&
        !(conn_limited(c) && q->outstanding && c->nr_replies >= q->outstanding))
        c->busy = true;
out:
    if (c->moved && !c->closing && c->t->kick)
        c->t->kick(c);
    c->moved = false;
    return done;
}
