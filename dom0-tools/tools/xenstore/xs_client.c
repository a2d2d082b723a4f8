/*
 * The client side of the xenstore wire protocol (see xs_client.h).
 *
 * Receiving is the mirror of the store's reading: a header, then its
 * payload, into c->in; a header longer than XENSTORE_PAYLOAD_MAX means the
 * stream is corrupt and the connection is given up (-XEN_EIO).  Replies
 * are matched by req_id, so a stray reply (say, to a request whose wait
 * timed out) is skipped rather than taken for the current one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <stdio.h>
#include <public/errno.h>
#include "xs_client.h"

#define HDR ((uint32_t)sizeof(struct xsd_sockmsg))

void xsc_init(struct xsc *c, const struct xsc_io *io)
{
    memset(c, 0, sizeof(*c));
    c->io = *io;
    c->next_req = 1;
}

int xsc_errnum(const char *name)
{
    for (unsigned int i = 0; i < sizeof(xsd_errors) / sizeof(xsd_errors[0]); i++)
        if (!strcmp(name, xsd_errors[i].errstring))
            return -xsd_errors[i].errnum;
    return -XEN_EINVAL;
}

static int send_all(struct xsc *c, const void *buf, uint32_t len)
{
    const uint8_t *p = buf;

    while (len) {
        int n = c->io.send(c->io.ctx, p, len);
        if (n < 0)
            return n;
        if (n == 0) {
            int w = c->io.wait(c->io.ctx);
            if (w < 0)
                return w;
            continue;
        }
        p += n;
        len -= (uint32_t)n;
    }
    return 0;
}

static void queue_event(struct xsc *c, const uint8_t *payload, uint32_t len)
{
    uint32_t need = 4 + len;

    if (need > XSC_EVBUF)
        return;
    while (c->ev_len + need > XSC_EVBUF) {      /* drop the oldest */
        uint32_t l;
        memcpy(&l, c->ev, 4);
        memmove(c->ev, c->ev + 4 + l, c->ev_len - 4 - l);
        c->ev_len -= 4 + l;
        c->ev_count--;
        c->lost++;
    }
    memcpy(c->ev + c->ev_len, &len, 4);
    memcpy(c->ev + c->ev_len + 4, payload, len);
    c->ev_len += need;
    c->ev_count++;
}

/* Take the first message out of c->in (its whole length is there). */
static void consume(struct xsc *c, uint32_t n)
{
    memmove(c->in, c->in + n, c->in_len - n);
    c->in_len -= n;
}

/*
 * Receive what is there -- as much as fits, in one read, so a reply and
 * the events after it cost one pass over the ring.  Returns 1 when the
 * reply to `want` arrived (copied to c->reply), 0 when not (yet), < 0 when
 * the link is broken.  want = 0 takes only events.
 */
static int receive(struct xsc *c, uint32_t want)
{
    for (;;) {
        struct xsd_sockmsg h;
        int n;

        while (c->in_len >= HDR) {
            memcpy(&h, c->in, HDR);
            if (h.len > XENSTORE_PAYLOAD_MAX)
                return -XEN_EIO;
            if (c->in_len < HDR + h.len)
                break;
            if (h.type == XS_WATCH_EVENT) {
                queue_event(c, c->in + HDR, h.len);
                consume(c, HDR + h.len);
                continue;
            }
            if (!want || h.req_id != want) {
                consume(c, HDR + h.len);    /* a reply nobody waits for */
                continue;
            }
            c->rtype = h.type;
            c->rlen = h.len;
            memcpy(c->reply, c->in + HDR, h.len);
            c->reply[h.len] = '\0';
            consume(c, HDR + h.len);
            return 1;
        }
        n = c->io.recv(c->io.ctx, c->in + c->in_len, (uint32_t)sizeof(c->in) - c->in_len);
        if (n <= 0)
            return n;
        c->in_len += (uint32_t)n;
    }
}

int xsc_poll(struct xsc *c)
{
    int rc = receive(c, 0);
    return rc < 0 ? rc : 0;
}

int xsc_request(struct xsc *c, uint32_t type, uint32_t tx, const void *payload, uint32_t len)
{
    struct xsd_sockmsg h = { .type = type, .req_id = c->next_req++, .tx_id = tx, .len = len };
    int rc;

    if (!h.req_id)
        h.req_id = c->next_req++;           /* 0 is "events only" */
    if (len > XENSTORE_PAYLOAD_MAX)
        return -XEN_E2BIG;
    /* One piece, so the peer is woken once for the whole request. */
    memcpy(c->out, &h, HDR);
    memcpy(c->out + HDR, payload, len);
    if ((rc = send_all(c, c->out, HDR + len)))
        return rc;
    while ((rc = receive(c, h.req_id)) == 0)
        if ((rc = c->io.wait(c->io.ctx)) < 0)
            return rc;
    if (rc < 0)
        return rc;
    if (c->rtype == XS_ERROR)
        return xsc_errnum(c->reply);
    return 0;
}

int xsc_requestv(struct xsc *c, uint32_t type, uint32_t tx, ...)
{
    static char buf[XENSTORE_PAYLOAD_MAX];
    uint32_t len = 0;
    const char *s;
    va_list ap;

    va_start(ap, tx);
    while ((s = va_arg(ap, const char *)) != NULL) {
        uint32_t l = (uint32_t)strlen(s) + 1;
        if (len + l > sizeof(buf)) {
            va_end(ap);
            return -XEN_E2BIG;
        }
        memcpy(buf + len, s, l);
        len += l;
    }
    va_end(ap);
    return xsc_request(c, type, tx, buf, len);
}

/* Copy the reply out, NUL-terminated, truncated to size. */
static void copy_reply(const struct xsc *c, char *buf, uint32_t size, uint32_t *len)
{
    uint32_t n = c->rlen < size - 1 ? c->rlen : size - 1;

    memcpy(buf, c->reply, n);
    buf[n] = '\0';
    if (len)
        *len = n;
}

int xsc_read(struct xsc *c, uint32_t tx, const char *path, char *buf, uint32_t size,
             uint32_t *len)
{
    int rc = xsc_requestv(c, XS_READ, tx, path, NULL);

    if (!rc)
        copy_reply(c, buf, size, len);
    return rc;
}

int xsc_write(struct xsc *c, uint32_t tx, const char *path, const void *val, uint32_t len)
{
    static char buf[XENSTORE_PAYLOAD_MAX];
    uint32_t pl = (uint32_t)strlen(path) + 1;

    if (pl + len > sizeof(buf))
        return -XEN_E2BIG;
    memcpy(buf, path, pl);
    memcpy(buf + pl, val, len);
    return xsc_request(c, XS_WRITE, tx, buf, pl + len);
}

int xsc_write_str(struct xsc *c, uint32_t tx, const char *path, const char *val)
{
    return xsc_write(c, tx, path, val, (uint32_t)strlen(val));
}

int xsc_mkdir(struct xsc *c, uint32_t tx, const char *path)
{
    return xsc_requestv(c, XS_MKDIR, tx, path, NULL);
}

int xsc_rm(struct xsc *c, uint32_t tx, const char *path)
{
    return xsc_requestv(c, XS_RM, tx, path, NULL);
}

int xsc_directory(struct xsc *c, uint32_t tx, const char *path, char *buf, uint32_t size,
                  uint32_t *len)
{
    uint32_t off = 0, got = 0;
    char gen[24] = "", offs[12];
    int rc = xsc_requestv(c, XS_DIRECTORY, tx, path, NULL);

    if (rc != -XEN_E2BIG) {
        if (!rc) {
            if (c->rlen > size)
                return -XEN_E2BIG;
            memcpy(buf, c->reply, c->rlen);
            *len = c->rlen;
        }
        return rc;
    }
    /* Too long for one message: in parts, restarting if it changes. */
    for (int tries = 0; tries < 64; tries++) {
        uint32_t glen, p;
        snprintf(offs, sizeof(offs), "%u", (unsigned int)off);
        if ((rc = xsc_requestv(c, XS_DIRECTORY_PART, tx, path, offs, NULL)))
            return rc;
        glen = (uint32_t)strnlen(c->reply, c->rlen);
        if (glen >= sizeof(gen) || glen == c->rlen)
            return -XEN_EIO;
        if (gen[0] && strcmp(gen, c->reply)) {
            off = got = 0;                  /* changed under us: again */
            gen[0] = '\0';
            continue;
        }
        memcpy(gen, c->reply, glen + 1);
        for (p = glen + 1; p < c->rlen; ) {
            uint32_t l = (uint32_t)strnlen(c->reply + p, c->rlen - p);
            if (l == 0) {                   /* the end mark */
                *len = got;
                return 0;
            }
            if (got + l + 1 > size)
                return -XEN_E2BIG;
            memcpy(buf + got, c->reply + p, l + 1);
            got += l + 1;
            off += l + 1;
            p += l + 1;
        }
    }
    return -XEN_EAGAIN;
}

int xsc_get_perms(struct xsc *c, uint32_t tx, const char *path, char *buf, uint32_t size,
                  uint32_t *len)
{
    int rc = xsc_requestv(c, XS_GET_PERMS, tx, path, NULL);

    if (rc)
        return rc;
    if (c->rlen > size)
        return -XEN_E2BIG;
    memcpy(buf, c->reply, c->rlen);
    *len = c->rlen;
    return 0;
}

int xsc_set_perms(struct xsc *c, uint32_t tx, const char *path, const char *perms,
                  uint32_t len)
{
    static char buf[XENSTORE_PAYLOAD_MAX];
    uint32_t pl = (uint32_t)strlen(path) + 1;

    if (pl + len > sizeof(buf))
        return -XEN_E2BIG;
    memcpy(buf, path, pl);
    memcpy(buf + pl, perms, len);
    return xsc_request(c, XS_SET_PERMS, tx, buf, pl + len);
}

int xsc_watch(struct xsc *c, const char *path, const char *token)
{
    return xsc_requestv(c, XS_WATCH, 0, path, token, NULL);
}

int xsc_unwatch(struct xsc *c, const char *path, const char *token)
{
    return xsc_requestv(c, XS_UNWATCH, 0, path, token, NULL);
}

int xsc_tx_start(struct xsc *c, uint32_t *tx)
{
    uint32_t v = 0;
    int rc = xsc_requestv(c, XS_TRANSACTION_START, 0, "", NULL);

    if (rc)
        return rc;
    for (const char *p = c->reply; *p; p++) {
        if (*p < '0' || *p > '9')
            return -XEN_EIO;
        v = v * 10 + (uint32_t)(*p - '0');
    }
    *tx = v;
    return v ? 0 : -XEN_EIO;
}

int xsc_tx_end(struct xsc *c, uint32_t tx, bool commit)
{
    return xsc_requestv(c, XS_TRANSACTION_END, tx, commit ? "T" : "F", NULL);
}

int xsc_introduce(struct xsc *c, uint16_t domid, uint32_t mfn, uint32_t port)
{
    char d[8], m[12], p[12];

    snprintf(d, sizeof(d), "%u", (unsigned int)domid);
    snprintf(m, sizeof(m), "%u", (unsigned int)mfn);
    snprintf(p, sizeof(p), "%u", (unsigned int)port);
    return xsc_requestv(c, XS_INTRODUCE, 0, d, m, p, NULL);
}

int xsc_release(struct xsc *c, uint16_t domid)
{
    char d[8];

    snprintf(d, sizeof(d), "%u", (unsigned int)domid);
    return xsc_requestv(c, XS_RELEASE, 0, d, NULL);
}

int xsc_is_introduced(struct xsc *c, uint16_t domid, bool *yes)
{
    char d[8];
    int rc;

    snprintf(d, sizeof(d), "%u", (unsigned int)domid);
    if ((rc = xsc_requestv(c, XS_IS_DOMAIN_INTRODUCED, 0, d, NULL)))
        return rc;
    *yes = c->reply[0] == 'T';
    return 0;
}

int xsc_get_domain_path(struct xsc *c, uint16_t domid, char *buf, uint32_t size)
{
    char d[8];
    int rc;

    snprintf(d, sizeof(d), "%u", (unsigned int)domid);
    if (!(rc = xsc_requestv(c, XS_GET_DOMAIN_PATH, 0, d, NULL)))
        copy_reply(c, buf, size, NULL);
    return rc;
}

int xsc_event(struct xsc *c, bool block, char *path, uint32_t psize, char *token,
              uint32_t tsize)
{
    uint32_t l, pl;
    int rc;

    while (!c->ev_count) {
        if ((rc = receive(c, 0)) < 0)
            return rc;
        if (c->ev_count)
            break;
        if (!block)
            return 0;
        if ((rc = c->io.wait(c->io.ctx)) < 0)
            return rc;
    }
    memcpy(&l, c->ev, 4);
    pl = (uint32_t)strnlen((const char *)c->ev + 4, l);
    if (path) {
        uint32_t n = pl < psize - 1 ? pl : psize - 1;
        memcpy(path, c->ev + 4, n);
        path[n] = '\0';
    }
    if (token) {
        uint32_t tl = pl < l ? (uint32_t)strnlen((const char *)c->ev + 4 + pl + 1, l - pl - 1) : 0;
        uint32_t n = tl < tsize - 1 ? tl : tsize - 1;
        memcpy(token, c->ev + 4 + pl + 1, pl < l ? n : 0);
        token[pl < l ? n : 0] = '\0';
    }
    memmove(c->ev, c->ev + 4 + l, c->ev_len - 4 - l);
    c->ev_len -= 4 + l;
    c->ev_count--;
    return 1;
}
