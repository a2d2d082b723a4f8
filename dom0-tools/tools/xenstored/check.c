/*
 * The store's invariants, checked from scratch on demand (CONTROL
 * "check", and after every step of the host tests' fuzzers):
 *
 *   - the tree: every record is in the bucket of its path's hash, has at
 *     least one permission entry, and (but the root) a parent that lists
 *     it; every name a node lists is a record; so parent and children
 *     lists agree exactly;
 *   - accounting: each domain's node count is the number of records it
 *     owns, and its memory is what it owns plus what it holds pending
 *     (transactions, watches, queued messages); watch counts agree with
 *     the watch lists; connection counts with the connections; the domain
 *     array is sorted.
 *
 * It changes nothing and allocates only its scratch.
 */
#include "xs_core.h"

struct acct {
    uint64_t nodes, mem, watches, refs;
};

#define FAIL(...) do { snprintf(why, why_len, __VA_ARGS__); rc = -XEN_EIO; goto out; } while (0)

static long dom_slot(const struct xs_store *s, uint16_t domid)
{
    for (uint32_t i = 0; i < s->ndoms; i++)
        if (s->doms[i]->domid == domid)
            return i;
    return -1;
}

static uint64_t ov_bytes(const struct xs_ov *ov)
{
    uint64_t b = 0;

    for (const struct xs_ent *e = ov->first; e; e = e->next)
        b += e->size + (e->written && e->cur ? e->cur->size : 0);
    return b;
}

int xs_check(const struct xs_store *s, char *why, size_t why_len)
{
    struct acct *a = calloc(s->ndoms + 1, sizeof(*a));
    char *buf = malloc(XS_PATH_MAX + 2);
    uint32_t count = 0;
    uint64_t listed = 0;
    int rc = 0;

    if (!a || !buf) {
        snprintf(why, why_len, "out of memory");
        rc = -XEN_ENOMEM;
        goto out;
    }
    for (uint32_t i = 1; i < s->ndoms; i++)
        if (s->doms[i - 1]->domid >= s->doms[i]->domid)
            FAIL("domain records out of order at %u", (unsigned int)i);
    if (!db_find(&s->db, "/", 1, path_hash(s->db.seed, "/", 1)))
        FAIL("no root node");

    for (uint32_t b = 0; b < s->db.nb; b++) {
        for (const struct xs_node *n = s->db.b[b]; n; n = n->hnext) {
            uint32_t pl = path_parent_len(n->path, n->plen), off;
            const struct xs_node *p;
            long d;

            count++;
            if (n->hash != path_hash(s->db.seed, n->path, n->plen) ||
                (n->hash & (s->db.nb - 1)) != b)
                FAIL("%s: in the wrong bucket", n->path);
            if (!n->refs || !n->nperms || strlen(n->path) != n->plen || n->path[0] != '/')
                FAIL("%s: malformed record", n->path);
            if ((d = dom_slot(s, node_owner(n))) < 0)
                FAIL("%s: owner d%u has no record", n->path, (unsigned int)node_owner(n));
            a[d].nodes++;
            a[d].mem += n->size;
            if (n->plen > 1) {
                p = db_find(&s->db, n->path, pl, path_hash(s->db.seed, n->path, pl));
                if (!p)
                    FAIL("%s: no parent", n->path);
                if (!node_has_child(p, n->path + (pl == 1 ? 1 : pl + 1),
                                    n->plen - (pl == 1 ? 1 : pl + 1)))
                    FAIL("%s: not listed by its parent", n->path);
            }
            if (n->clen && n->children[n->clen - 1] != '\0')
                FAIL("%s: children list not terminated", n->path);
            for (off = 0; off < n->clen; ) {
                const char *name = n->children + off;
                uint32_t l = (uint32_t)strlen(name), bl = n->plen == 1 ? 0 : n->plen;
                if (!l || memchr(name, '/', l) || bl + 1 + l > XS_PATH_MAX)
                    FAIL("%s: bad child name", n->path);
                memcpy(buf, n->path, bl);
                buf[bl] = '/';
                memcpy(buf + bl + 1, name, l);
                if (!db_find(&s->db, buf, bl + 1 + l, path_hash(s->db.seed, buf, bl + 1 + l)))
                    FAIL("%s: lists a missing child %s", n->path, name);
                listed++;
                off += l + 1;
            }
        }
    }
    if (count != s->db.count)
        FAIL("table says %u records, holds %u", (unsigned int)s->db.count, (unsigned int)count);
    if (listed != (uint64_t)count - 1)
        FAIL("children lists name %llu nodes, the tree has %u below the root",
             (unsigned long long)listed, (unsigned int)count - 1);

    for (const struct xs_list *pos = s->conns.next; pos != &s->conns; pos = pos->next) {
        const struct xs_conn *c = container_of(pos, struct xs_conn, link);
        uint32_t nw = 0, nt = 0, nr = 0, ne = 0;
        long d = dom_slot(s, c->domid);

        if (d < 0 || s->doms[d] != c->dom)
            FAIL("connection of d%u without its record", (unsigned int)c->domid);
        a[d].refs++;
        for (const struct xs_list *w = c->watches.next; w != &c->watches; w = w->next) {
            a[d].mem += container_of(w, struct xs_watch, link)->size;
            nw++;
        }
        for (const struct xs_list *t = c->txns.next; t != &c->txns; t = t->next) {
            a[d].mem += sizeof(struct xs_txn) + ov_bytes(&container_of(t, struct xs_txn, link)->ov);
            nt++;
        }
        for (const struct xs_msg *m = c->out; m; m = m->next) {
            a[d].mem += m->size;
            m->is_event ? ne++ : nr++;
        }
        a[d].watches += nw;
        if (nw != c->nr_watches || nt != c->nr_txns || nr != c->nr_replies || ne != c->nr_events)
            FAIL("d%u connection: counts %u/%u/%u/%u, lists %u/%u/%u/%u", (unsigned int)c->domid,
                 (unsigned int)c->nr_watches, (unsigned int)c->nr_txns,
                 (unsigned int)c->nr_replies, (unsigned int)c->nr_events, (unsigned int)nw,
                 (unsigned int)nt, (unsigned int)nr, (unsigned int)ne);
    }
    for (uint32_t i = 0; i < s->ndoms; i++) {
        const struct xs_dom *d = s->doms[i];
        if (d->nodes != a[i].nodes || d->mem != a[i].mem || d->watches != a[i].watches ||
            d->conn_refs != a[i].refs)
            FAIL("d%u: nodes %u (counted %llu), memory %u (counted %llu), watches %u (%llu), "
                 "connections %u (%llu)", (unsigned int)d->domid, (unsigned int)d->nodes,
                 (unsigned long long)a[i].nodes, (unsigned int)d->mem,
                 (unsigned long long)a[i].mem, (unsigned int)d->watches,
                 (unsigned long long)a[i].watches, (unsigned int)d->conn_refs,
                 (unsigned long long)a[i].refs);
        if (d->introduced && (!d->conn || d->conn->dom != d))
            FAIL("d%u introduced without a connection", (unsigned int)d->domid);
    }
out:
    free(a);
    free(buf);
    return rc;
}
