/*
 * Local connections: the privileged domain's own tools (xl, xenstore-*)
 * and the host tests talk to the store through a pair of bounded byte
 * queues inside the store, with exactly the wire protocol a ring carries.
 *
 * The client writes requests with xs_pipe_write() and takes replies and
 * events with xs_pipe_read(); the store moves bytes when xs_run() runs.
 * Each direction holds at most XS_PIPE_CAPACITY bytes: a client that
 * writes faster than the store answers is told how much was taken, and a
 * client that does not read stalls the store's output to it (the
 * connection's own queue keeps the rest).  A protocol error ends the
 * connection for good: both calls then return -XEN_EIO until the client
 * closes it.
 */
#include "xs_core.h"

struct xs_pipe {
    struct xs_store *s;
    struct xs_conn *c;                  /* NULL once the store closed it */
    bool failed;
    void (*notify)(void *arg);          /* output arrived (xs_pipe_set_notify) */
    void *notify_arg;
    uint32_t in_head, in_len;           /* client -> store */
    uint32_t out_head, out_len;         /* store -> client */
    uint8_t in[XS_PIPE_CAPACITY];
    uint8_t out[XS_PIPE_CAPACITY];
};

/* Copy between a circular queue and a flat buffer. */
static uint32_t q_take(uint8_t *q, uint32_t *head, uint32_t *qlen, void *buf, uint32_t len)
{
    uint32_t n = len < *qlen ? len : *qlen;

    for (uint32_t i = 0; i < n; i++)
        ((uint8_t *)buf)[i] = q[(*head + i) % XS_PIPE_CAPACITY];
    *head = (*head + n) % XS_PIPE_CAPACITY;
    *qlen -= n;
    return n;
}

static uint32_t q_put(uint8_t *q, uint32_t head, uint32_t *qlen, const void *buf, uint32_t len)
{
    uint32_t room = XS_PIPE_CAPACITY - *qlen, n = len < room ? len : room;

    for (uint32_t i = 0; i < n; i++)
        q[(head + *qlen + i) % XS_PIPE_CAPACITY] = ((const uint8_t *)buf)[i];
    *qlen += n;
    return n;
}

static int pipe_read(struct xs_conn *c, void *buf, uint32_t len)
{
    struct xs_pipe *p = c->tctx;
    return (int)q_take(p->in, &p->in_head, &p->in_len, buf, len);
}

static int pipe_write(struct xs_conn *c, const void *buf, uint32_t len)
{
    struct xs_pipe *p = c->tctx;
    uint32_t n = q_put(p->out, p->out_head, &p->out_len, buf, len);

    if (n && p->notify)
        p->notify(p->notify_arg);
    return (int)n;
}

static bool pipe_pending(struct xs_conn *c)
{
    struct xs_pipe *p = c->tctx;
    return p->in_len != 0;
}

static void pipe_fail(struct xs_conn *c, uint32_t why)
{
    struct xs_pipe *p = c->tctx;
    p->failed = true;
}

static void pipe_close(struct xs_conn *c)
{
    struct xs_pipe *p = c->tctx;
    p->c = NULL;                        /* the client frees it */
}

static const struct xs_transport pipe_transport = {
    .read = pipe_read,
    .write = pipe_write,
    .pending = pipe_pending,
    .fail = pipe_fail,
    .close = pipe_close,
};

struct xs_pipe *xs_pipe_open(struct xs_store *s, uint16_t domid, bool privileged)
{
    struct xs_pipe *p = calloc(1, sizeof(*p));

    if (!p)
        return NULL;
    p->s = s;
    if (!(p->c = conn_new(s, &pipe_transport, p, domid, privileged))) {
        free(p);
        return NULL;
    }
    return p;
}

int xs_pipe_write(struct xs_pipe *p, const void *buf, size_t len)
{
    uint32_t n;

    if (p->failed || !p->c)
        return -XEN_EIO;
    n = q_put(p->in, p->in_head, &p->in_len, buf,
              len > XS_PIPE_CAPACITY ? XS_PIPE_CAPACITY : (uint32_t)len);
    if (n)
        conn_mark_busy(p->c);
    return (int)n;
}

int xs_pipe_read(struct xs_pipe *p, void *buf, size_t len)
{
    uint32_t n = q_take(p->out, &p->out_head, &p->out_len, buf,
                        len > XS_PIPE_CAPACITY ? XS_PIPE_CAPACITY : (uint32_t)len);

    if (!n && (p->failed || !p->c))
        return -XEN_EIO;
    if (n && p->c)
        conn_mark_busy(p->c);           /* room again: flush what waits */
    return (int)n;
}

void xs_pipe_set_notify(struct xs_pipe *p, void (*fn)(void *arg), void *arg)
{
    p->notify = fn;
    p->notify_arg = arg;
}

bool xs_pipe_ready(const struct xs_pipe *p)
{
    return p->out_len || p->failed || !p->c;
}

void xs_pipe_close(struct xs_pipe *p)
{
    if (!p)
        return;
    if (p->c) {
        conn_close(p->c);
        xs_reap(p->s);
    }
    free(p);
}
