/*
 * The store: creation, the run loop, statistics.
 *
 * A new store holds Xen's skeleton -- /, /local, /local/domain, /tool and
 * /tool/xenstored, owned by the privileged domain with no access for
 * anyone else -- and the two special nodes' permission records.
 *
 * xs_run() is the fairness point.  Connections with work (an event on
 * their port, bytes written into their pipe, output waiting) are `busy`;
 * each pass gives every busy connection at most XS_SLICE requests, and the
 * list is rotated between calls so no connection is always first.  A
 * domain flooding its ring therefore costs the others at most one slice
 * per pass, and a domain that stops reading its replies stops being read
 * (conn.c).  Freed connections are reaped only at the end, so the lists
 * walked during a pass never lose an element under the walker.
 */
#include <stdarg.h>
#include "xs_core.h"

#define XS_SLICE 4

void xs_log(struct xs_store *s, int level, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    if (!s->os.log)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    s->os.log(s->os.ctx, level, msg);
}

/* A node of the skeleton (the caller names its children). */
static int add_root_node(struct xs_store *s, const char *path, const char *children,
                         uint32_t clen)
{
    struct xs_perm p = { .id = s->cfg.priv_domid, .perm = XS_PERM_NONE };
    struct xs_node *n = node_build(s, path, (uint32_t)strlen(path), "", 0, children, clen, &p, 1);
    struct xs_dom *d = dom_get(s, s->cfg.priv_domid);

    if (!n || !d) {
        node_put(n);
        return -XEN_ENOMEM;
    }
    node_put(db_set(&s->db, n));
    d->nodes++;
    dom_charge(d, n->size);
    return 0;
}

struct xs_store *xs_store_new(const struct xs_os *os, const struct xs_config *cfg)
{
    struct xs_store *s = calloc(1, sizeof(*s));
    struct xs_perm p;

    if (!s)
        return NULL;
    s->os = *os;
    if (cfg)
        s->cfg = *cfg;
    else
        xs_config_defaults(&s->cfg);
    list_init(&s->conns);
    s->pending_last = &s->pending;
    p.id = s->cfg.priv_domid;
    p.perm = XS_PERM_NONE;
    p.pad = 0;
    if (db_init(&s->db, s->cfg.hash_seed) ||
        add_root_node(s, "/", "local\0tool", 11) ||
        add_root_node(s, "/local", "domain", 7) ||
        add_root_node(s, "/local/domain", NULL, 0) ||
        add_root_node(s, "/tool", "xenstored", 10) ||
        add_root_node(s, "/tool/xenstored", NULL, 0))
        goto fail;
    for (int i = 0; i < 2; i++) {
        const char *name = xs_special_names[i];
        if (!(s->special[i] = node_build(s, name, (uint32_t)strlen(name), "", 0, NULL, 0, &p, 1)))
            goto fail;
    }
    return s;
fail:
    xs_store_free(s);
    return NULL;
}

void xs_store_free(struct xs_store *s)
{
    struct xs_list *pos, *tmp;

    if (!s)
        return;
    list_for_each_safe(pos, tmp, &s->conns)
        conn_close(container_of(pos, struct xs_conn, link));
    xs_reap(s);
    for (uint32_t i = 0; i < s->ndoms; i++) {
        free(s->doms[i]->quota);
        free(s->doms[i]);
    }
    free(s->doms);
    while (s->pending) {
        struct xs_event *e = s->pending;
        s->pending = e->next;
        event_free(e);
    }
    node_put(s->special[0]);
    node_put(s->special[1]);
    if (s->db.b)
        db_free(&s->db);
    free(s);
}

unsigned int xs_run(struct xs_store *s, unsigned int budget)
{
    unsigned int done = 0, busy = 0;
    bool progress = true;
    struct xs_list *pos, *tmp;

    while (progress && done < budget) {
        progress = false;
        list_for_each_safe(pos, tmp, &s->conns) {
            struct xs_conn *c = container_of(pos, struct xs_conn, link);
            unsigned int slice = budget - done < XS_SLICE ? budget - done : XS_SLICE;
            if (!c->busy || c->closing)
                continue;
            done += conn_work(c, slice);
            progress |= c->busy;
            if (done >= budget)
                break;
        }
    }
    xs_reap(s);
    /* Round robin across calls: the first connection goes to the back. */
    if (!list_empty(&s->conns)) {
        struct xs_list *first = s->conns.next;
        list_del(first);
        list_add_tail(&s->conns, first);
    }
    list_for_each_safe(pos, tmp, &s->conns)
        busy += container_of(pos, struct xs_conn, link)->busy;
    return busy;
}

void xs_port_event(struct xs_store *s, uint32_t port)
{
    for (uint32_t i = 0; i < s->ndoms; i++) {
        struct xs_dom *d = s->doms[i];
        if (d->introduced && d->conn && d->local_port == port) {
            d->conn->busy = true;           /* dead ones too: it may be a reset */
            return;
        }
    }
}

void xs_get_stats(const struct xs_store *s, struct xs_stats *st)
{
    const struct xs_list *pos;

    *st = s->st;
    st->nodes = s->db.count;
    st->domains = st->watches = st->transactions = 0;
    for (uint32_t i = 0; i < s->ndoms; i++)
        st->domains += s->doms[i]->introduced;
    for (pos = s->conns.next; pos != &s->conns; pos = pos->next) {
        const struct xs_conn *c = container_of(pos, struct xs_conn, link);
        st->watches += c->nr_watches;
        st->transactions += c->nr_txns;
    }
}
