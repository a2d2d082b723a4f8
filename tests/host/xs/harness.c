/*
 * The host tests' harness for xenstored (see harness.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <public/errno.h>
#include "harness.h"

/* ---- the fake operating system ------------------------------------------ */

static struct xt_dom *find_dom(struct xt *x, uint16_t domid)
{
    for (int i = 0; i < XT_DOMS; i++)
        if (x->doms[i].exists && x->doms[i].domid == domid)
            return &x->doms[i];
    return NULL;
}

static int os_map(void *ctx, uint16_t domid, uint32_t mfn, void **page)
{
    struct xt_dom *d = find_dom(ctx, domid);

    if (!d || d->state == XS_DOM_GONE)
        return -XEN_ESRCH;
    if (mfn != d->mfn)
        return -XEN_EINVAL;
    d->mapped++;
    *page = d->page;
    return 0;
}

static void os_unmap(void *ctx, uint16_t domid, void *page)
{
    struct xt_dom *d = find_dom(ctx, domid);

    if (d && page == d->page)
        d->mapped--;
}

static int os_bind(void *ctx, uint16_t domid, uint32_t port)
{
    struct xt_dom *d = find_dom(ctx, domid);

    if (!d || d->state == XS_DOM_GONE)
        return -XEN_ESRCH;
    if (port != d->port || d->bound)
        return -XEN_EINVAL;
    d->bound++;
    return (int)d->local;
}

static void os_unbind(void *ctx, uint32_t local)
{
    struct xt *x = ctx;

    for (int i = 0; i < XT_DOMS; i++)
        if (x->doms[i].exists && x->doms[i].local == local && x->doms[i].bound)
            x->doms[i].bound--;
}

static void os_notify(void *ctx, uint32_t local)
{
    struct xt *x = ctx;

    for (int i = 0; i < XT_DOMS; i++)
        if (x->doms[i].exists && x->doms[i].local == local)
            x->doms[i].notifies++;
}

static enum xs_domstate os_state(void *ctx, uint16_t domid)
{
    struct xt_dom *d = find_dom(ctx, domid);
    return d ? d->state : XS_DOM_GONE;
}

static uint64_t os_now(void *ctx)
{
    return ((struct xt *)ctx)->now;
}

static void os_log(void *ctx, int level, const char *msg)
{
    struct xt *x = ctx;

    x->logs++;
    snprintf(x->last_log, sizeof(x->last_log), "%s", msg);
    if (getenv("XT_VERBOSE"))
        fprintf(stderr, "xenstored: %s\n", msg);
}

struct xt *xt_new(const char *config)
{
    struct xt *x = calloc(1, sizeof(*x));
    struct xs_os os = {
        .ctx = x, .map_ring = os_map, .unmap_ring = os_unmap, .bind = os_bind,
        .unbind = os_unbind, .notify = os_notify, .domain_state = os_state,
        .now_ms = os_now, .log = os_log,
    };
    struct xs_config cfg;
    char err[256];

    xs_config_defaults(&cfg);
    if (config && xs_config_parse(&cfg, config, err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        abort();
    }
    x->s = xs_store_new(&os, &cfg);
    if (!x->s)
        abort();
    return x;
}

int xt_free(struct xt *x)
{
    int leaks = 0;

    xs_store_free(x->s);
    for (int i = 0; i < XT_DOMS; i++) {
        leaks += x->doms[i].mapped + x->doms[i].bound;
        free(x->doms[i].page);
    }
    free(x);
    return leaks;
}

struct xt_dom *xt_dom(struct xt *x, uint16_t domid)
{
    struct xt_dom *d = find_dom(x, domid);

    for (int i = 0; !d && i < XT_DOMS; i++) {
        if (x->doms[i].exists)
            continue;
        d = &x->doms[i];
        free(d->page);
        memset(d, 0, sizeof(*d));
        d->exists = true;
        d->domid = domid;
        d->page = aligned_alloc(4096, 4096);
        memset(d->page, 0, 4096);
        d->mfn = 0x1000u + domid;
        d->port = 1;
        d->local = 100u + domid;
        d->state = XS_DOM_RUNNING;
    }
    return d;
}

const char *xt_check(struct xt *x)
{
    static char why[256];
    return xs_check(x->s, why, sizeof(why)) ? why : NULL;
}

const char *xt_check_report(struct xt *x)
{
    const char *why = xt_check(x);

    if (why)
        fprintf(stderr, "check: %s\n", why);
    return why;
}

void xt_run(struct xt *x)
{
    for (int i = 0; i < 10000 && xs_run(x->s, 64); i++)
        ;
}

/* ---- clients -------------------------------------------------------------- */

struct xt_conn *xt_pipe(struct xt *x, uint16_t domid, bool privileged)
{
    struct xt_conn *c = calloc(1, sizeof(*c));

    c->x = x;
    c->p = xs_pipe_open(x->s, domid, privileged);
    c->next_req = 1;
    if (!c->p)
        abort();
    return c;
}

struct xt_conn *xt_ring(struct xt *x, uint16_t domid)
{
    struct xt_conn *c = calloc(1, sizeof(*c));

    c->x = x;
    c->d = find_dom(x, domid);
    c->next_req = 1;
    c->req_prod = c->d->page->req_prod;
    c->rsp_cons = c->d->page->rsp_cons;
    return c;
}

void xt_close(struct xt_conn *c)
{
    if (c->p)
        xs_pipe_close(c->p);
    free(c);
}

static void kick(struct xt_conn *c)
{
    if (c->d)
        xs_port_event(c->x->s, c->d->local);
}

/* Put bytes on the connection; 0 if everything went (running the store to
 * make room), -1 if the store refused (dropped connection). */
int xt_send_raw(struct xt_conn *c, const void *buf, uint32_t len)
{
    const uint8_t *b = buf;

    for (int tries = 0; len && tries < 1000; tries++) {
        uint32_t n;
        if (c->p) {
            int r = xs_pipe_write(c->p, b, len);
            if (r < 0)
                return -1;
            n = (uint32_t)r;
        } else {
            volatile struct xenstore_domain_interface *in = c->d->page;
            uint32_t used = c->req_prod - in->req_cons, room = used > 1024 ? 0 : 1024 - used;
            n = len < room ? len : room;
            for (uint32_t i = 0; i < n; i++)
                in->req[(c->req_prod + i) & 1023] = (char)b[i];
            __atomic_thread_fence(__ATOMIC_SEQ_CST);
            c->req_prod += n;
            in->req_prod = c->req_prod;
            kick(c);
        }
        b += n;
        len -= n;
        if (len)
            xs_run(c->x->s, 64);
    }
    return len ? -1 : 0;
}

/* Take available bytes into c->in. */
static void pull(struct xt_conn *c)
{
    uint32_t room = (uint32_t)sizeof(c->in) - c->in_len;

    if (c->p) {
        int r = xs_pipe_read(c->p, c->in + c->in_len, room);
        if (r > 0)
            c->in_len += (uint32_t)r;
    } else {
        volatile struct xenstore_domain_interface *in = c->d->page;
        uint32_t avail = in->rsp_prod - c->rsp_cons, n;
        if (avail > 1024)
            return;                         /* the store lied: the test sees it */
        n = avail < room ? avail : room;
        for (uint32_t i = 0; i < n; i++)
            c->in[c->in_len + i] = (uint8_t)in->rsp[(c->rsp_cons + i) & 1023];
        c->rsp_cons += n;
        in->rsp_cons = c->rsp_cons;
        c->in_len += n;
        if (n)
            kick(c);
    }
}

static void printable(char *out, size_t size, const uint8_t *p, uint32_t len)
{
    size_t o = 0;

    for (uint32_t i = 0; i < len && o + 1 < size; i++)
        out[o++] = p[i] ? (char)p[i] : '|';
    out[o] = '\0';
}

/* One whole message out of c->in (1), or 0. */
static int take_msg(struct xt_conn *c, struct xsd_sockmsg *h, uint8_t **payload)
{
    if (c->in_len < sizeof(*h))
        return 0;
    memcpy(h, c->in, sizeof(*h));
    if (h->len > 8192 || c->in_len < sizeof(*h) + h->len)
        return 0;
    *payload = c->in + sizeof(*h);
    return 1;
}

static void consume(struct xt_conn *c, const struct xsd_sockmsg *h)
{
    uint32_t n = (uint32_t)sizeof(*h) + h->len;
    memmove(c->in, c->in + n, c->in_len - n);
    c->in_len -= n;
}

/* Process what arrived; returns true if the reply to `req_id` came. */
static bool drain(struct xt_conn *c, uint32_t req_id)
{
    struct xsd_sockmsg h;
    uint8_t *p;
    bool got = false;

    pull(c);
    while (take_msg(c, &h, &p)) {
        if (h.type == XS_WATCH_EVENT) {
            if (c->ev_count < 64) {
                printable(c->events[(c->ev_head + c->ev_count) % 64], 256, p, h.len);
                c->ev_count++;
            }
        } else if ((h.req_id == req_id && !got) || req_id == 0xffffffffu) {
            /* the reply asked for, or (any) the latest that came */
            c->last_type = h.type;
            c->last_tx = h.tx_id;
            if (h.type == XS_ERROR) {
                c->last[0] = '!';
                printable(c->last + 1, sizeof(c->last) - 1, p, h.len ? h.len - 1 : 0);
            } else {
                printable(c->last, sizeof(c->last), p, h.len);
            }
            got = true;
        }
        consume(c, &h);
        pull(c);
    }
    return got;
}

const char *xt_req(struct xt_conn *c, uint32_t type, uint32_t tx, const void *payload,
                   uint32_t len)
{
    struct xsd_sockmsg h = { .type = type, .req_id = c->next_req++, .tx_id = tx, .len = len };

    if (xt_send_raw(c, &h, sizeof(h)) || xt_send_raw(c, payload, len)) {
        strcpy(c->last, "!SENDFAIL");
        return c->last;
    }
    for (int i = 0; i < 1000; i++) {
        xs_run(c->x->s, 64);
        if (drain(c, h.req_id))
            return c->last;
    }
    strcpy(c->last, "!TIMEOUT");
    return c->last;
}

const char *xt_op(struct xt_conn *c, uint32_t type, uint32_t tx, ...)
{
    static uint8_t buf[16384];
    uint32_t len = 0;
    const char *s;
    va_list ap;

    va_start(ap, tx);
    while ((s = va_arg(ap, const char *)) != NULL) {
        size_t l = strlen(s) + 1;
        memcpy(buf + len, s, l);
        len += (uint32_t)l;
    }
    va_end(ap);
    return xt_req(c, type, tx, buf, len);
}

const char *xt_write(struct xt_conn *c, uint32_t tx, const char *path, const char *value)
{
    static uint8_t buf[16384];
    size_t pl = strlen(path) + 1, vl = strlen(value);

    memcpy(buf, path, pl);
    memcpy(buf + pl, value, vl);
    return xt_req(c, XS_WRITE, tx, buf, (uint32_t)(pl + vl));
}

const char *xt_read(struct xt_conn *c, uint32_t tx, const char *path)
{
    return xt_op(c, XS_READ, tx, path, NULL);
}

uint32_t xt_txstart(struct xt_conn *c)
{
    const char *r = xt_op(c, XS_TRANSACTION_START, 0, "", NULL);
    return r[0] == '!' ? 0 : (uint32_t)strtoul(r, NULL, 10);
}

const char *xt_txend(struct xt_conn *c, uint32_t tx, bool commit)
{
    return xt_op(c, XS_TRANSACTION_END, tx, commit ? "T" : "F", NULL);
}

const char *xt_event(struct xt_conn *c)
{
    static char ev[256];

    xt_run(c->x);
    drain(c, 0xffffffffu);
    if (!c->ev_count)
        return NULL;
    strcpy(ev, c->events[c->ev_head]);
    c->ev_head = (c->ev_head + 1) % 64;
    c->ev_count--;
    return ev;
}

unsigned int xt_nevents(struct xt_conn *c)
{
    xt_run(c->x);
    drain(c, 0xffffffffu);
    return c->ev_count;
}

bool xt_alive(struct xt_conn *c)
{
    if (c->p) {
        uint8_t b;
        return xs_pipe_read(c->p, &b, 0) >= 0;
    }
    return c->d->page->error == XENSTORE_ERROR_NONE;
}
