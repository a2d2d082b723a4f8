/*
 * Watches and the delivery of watch events.
 *
 * A watch (path W, token T) of connection C receives WATCH_EVENT "P\0T\0"
 * for every committed change of a path P at or below W, and, when the
 * change is the removal of a subtree containing W, for W itself (the
 * removal of a parent is a change of W).  Creation, removal, a new value
 * and new permissions all count.  The event is sent only if C may read
 * the node concerned (its permissions after the change, or before a
 * removal): since XSA-115 a watch must not reveal what its owner cannot
 * read.  A watch registered with a relative path reports relative paths.
 *
 * Special watches: "@introduceDomain" fires on INTRODUCE, "@releaseDomain"
 * when a domain shuts down, is released or dies; they go to privileged
 * connections and to domains the special node's permissions let read it
 * (SET_PERMS on "@releaseDomain"), and report the bare name.
 *
 * Changes are collected while a request runs (overlay.c) and delivered
 * after its reply is queued (xs_flush_events), in the order they were made.
 * The cost is one pass over all watches per change; the watch quota keeps
 * that bounded per domain.
 */
#include "xs_core.h"

const char *const xs_special_names[2] = { "@introduceDomain", "@releaseDomain" };

static struct xs_watch *watch_find(struct xs_conn *c, const char *path, uint32_t plen,
                                   const char *token, uint32_t tlen)
{
    struct xs_list *pos, *tmp;

    list_for_each_safe(pos, tmp, &c->watches) {
        struct xs_watch *w = container_of(pos, struct xs_watch, link);
        if (w->plen == plen && w->tlen == tlen && !memcmp(w->path, path, plen) &&
            !memcmp(w->token, token, tlen))
            return w;
    }
    return NULL;
}

int watch_add(struct xs_conn *c, const char *path, uint32_t plen, bool relative,
              bool special, const char *token, uint32_t tlen)
{
    const struct xs_quota *q = dom_quota(c->s, c->dom);
    uint32_t size = (uint32_t)sizeof(struct xs_watch) + plen + tlen + 2;
    struct xs_watch *w;

    if (watch_find(c, path, plen, token, tlen))
        return -XEN_EEXIST;
    if (conn_limited(c) && q->watches && c->dom->watches >= q->watches)
        return -XEN_ENOSPC;
    if (conn_over_memory(c, size) || !(w = malloc(size)))
        return -XEN_ENOMEM;
    w->relative = relative;
    w->special = special;
    w->plen = plen;
    w->tlen = tlen;
    w->size = size;
    w->path = (char *)(w + 1);
    w->token = w->path + plen + 1;
    memcpy(w->path, path, plen);
    w->path[plen] = '\0';
    memcpy(w->token, token, tlen);
    w->token[tlen] = '\0';
    list_add_tail(&c->watches, &w->link);
    c->nr_watches++;
    c->dom->watches++;
    dom_charge(c->dom, size);
    return 0;
}

static void watch_free(struct xs_conn *c, struct xs_watch *w)
{
    list_del(&w->link);
    c->nr_watches--;
    c->dom->watches--;
    dom_charge(c->dom, -(int64_t)w->size);
    free(w);
}

int watch_del(struct xs_conn *c, const char *path, uint32_t plen, const char *token,
              uint32_t tlen)
{
    struct xs_watch *w = watch_find(c, path, plen, token, tlen);

    if (!w)
        return -XEN_ENOENT;
    watch_free(c, w);
    return 0;
}

void watch_drop_all(struct xs_conn *c)
{
    while (!list_empty(&c->watches))
        watch_free(c, container_of(c->watches.next, struct xs_watch, link));
}

void watch_send(struct xs_conn *c, const struct xs_watch *w, const char *path, uint32_t plen)
{
    char *buf = c->s->evbuf;
    uint32_t hl = c->home_len, len;

    if (w->relative) {
        if (plen > hl + 1 && !memcmp(path, c->home, hl) && path[hl] == '/') {
            path += hl + 1;
            plen -= hl + 1;
        }
    }
    /* path\0token\0.  A long token on a short watch path can make this
     * longer than a message may be: such an event cannot be sent. */
    len = plen + 1 + w->tlen + 1;
    if (len > XS_PAYLOAD) {
        c->s->st.events_dropped++;
        return;
    }
    memcpy(buf, path, plen);
    buf[plen] = '\0';
    memcpy(buf + plen + 1, w->token, w->tlen + 1);
    conn_queue(c, XS_WATCH_EVENT, 0, 0, buf, len, true);
}

void xs_fire(struct xs_store *s, struct xs_event *ev)
{
    struct xs_list *cp, *ct, *wp, *wt;

    list_for_each_safe(cp, ct, &s->conns) {
        struct xs_conn *c = container_of(cp, struct xs_conn, link);
        if (c->dead || c->closing || list_empty(&c->watches))
            continue;
        if (!c->priv && !can(c, ev->rec, XS_PERM_READ))
            continue;
        list_for_each_safe(wp, wt, &c->watches) {
            struct xs_watch *w = container_of(wp, struct xs_watch, link);
            if (w->special)
                continue;
            if (path_is_child(ev->path, ev->plen, w->path, w->plen))
                watch_send(c, w, ev->path, ev->plen);
            else if (ev->rm && path_is_child(w->path, w->plen, ev->path, ev->plen))
                watch_send(c, w, w->path, w->plen);
        }
    }
}

void xs_fire_special(struct xs_store *s, unsigned int which)
{
    const char *name = xs_special_names[which];
    uint32_t nl = (uint32_t)strlen(name);
    struct xs_list *cp, *ct, *wp, *wt;

    list_for_each_safe(cp, ct, &s->conns) {
        struct xs_conn *c = container_of(cp, struct xs_conn, link);
        if (c->dead || c->closing)
            continue;
        if (!c->priv && !can(c, s->special[which], XS_PERM_READ))
            continue;
        list_for_each_safe(wp, wt, &c->watches) {
            struct xs_watch *w = container_of(wp, struct xs_watch, link);
            if (w->special && w->plen == nl && !memcmp(w->path, name, nl))
                watch_send(c, w, name, nl);
        }
    }
}

struct xs_event *event_new(const char *path, uint32_t plen, struct xs_node *rec, bool rm)
{
    struct xs_event *e = malloc(sizeof(*e) + plen + 1);

    if (!e)
        return NULL;
    e->next = NULL;
    e->rec = rec;
    e->rm = rm;
    e->plen = plen;
    memcpy(e->path, path, plen);
    e->path[plen] = '\0';
    return e;
}

void event_free(struct xs_event *e)
{
    node_put(e->rec);
    free(e);
}

void xs_flush_events(struct xs_store *s)
{
    while (s->pending) {
        struct xs_event *e = s->pending;
        s->pending = e->next;
        if (!s->pending)
            s->pending_last = &s->pending;
        xs_fire(s, e);
        event_free(e);
    }
}
