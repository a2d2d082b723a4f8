/*
 * Overlays: private views of the tree, and the all-or-nothing commit.
 *
 * Every request that changes the tree works in an overlay of its own, a
 * small table of the paths it touched and their new records.  When the
 * request succeeds the overlay is merged into its parent -- the
 * transaction named by tx_id, or the tree itself -- and when it fails it
 * is thrown away, so a request never has a partial effect: WRITE of
 * /a/b/c that creates /a and /a/b and then runs out of quota leaves
 * nothing behind, in or out of a transaction.
 *
 *      tree  <--commit--  transaction overlay  <--merge--  request overlay
 *                         (tracks what it read)
 *
 * A transaction's overlay records, for each path it looks at, the record
 * the tree held when it first looked (`base`, with its generation).  Its
 * commit first checks every such path still holds that same generation
 * (anything else -- changed, created, deleted, permissions revoked -- is a
 * conflict: EAGAIN, the transaction is discarded), then the node quota,
 * then allocates everything the commit needs (accounting records, event
 * records), and only then swaps the records in.  The swaps cannot fail
 * (node.c), so a commit is all or nothing.  This is the conflict rule of
 * current C xenstored (per-node generations of what was accessed), which
 * lets unrelated transactions of different domains commit independently.
 *
 * Reads through a transaction see, for each path, the version they first
 * saw; changes of other paths by others meanwhile are caught at commit.
 *
 * Accounting: an overlay's entries and the records it built are charged
 * to the acting connection's domain while they are pending (they count
 * against its memory quota); a commit moves each record's charge to the
 * domain that owns it.  node_delta follows the acting domain's node count
 * relative to the parent, for the node quota.
 */
#include "xs_core.h"

uint32_t ent_size(uint32_t plen)
{
    return (uint32_t)sizeof(struct xs_ent) + plen + 1;
}

void ov_init(struct xs_ov *ov, struct xs_conn *c, struct xs_ov *parent, bool track)
{
    memset(ov, 0, sizeof(*ov));
    ov->parent = parent;
    ov->track = track;
    ov->c = c;
    ov->last = &ov->first;
}

static struct xs_ent *ent_find(const struct xs_ov *ov, const char *path, uint32_t plen,
                               uint32_t hash)
{
    if (!ov->nb)
        return NULL;
    for (struct xs_ent *e = ov->b[hash & (ov->nb - 1)]; e; e = e->hnext)
        if (e->hash == hash && e->plen == plen && !memcmp(e->path, path, plen))
            return e;
    return NULL;
}

/* Room for `extra` more entries without growing later. */
static int ov_reserve(struct xs_ov *ov, uint32_t extra)
{
    uint64_t need = (uint64_t)ov->count + extra;
    uint32_t nb = ov->nb ? ov->nb : 16;
    struct xs_ent **b;

    if (ov->nb && need <= ov->nb)
        return 0;
    while (nb < need)
        nb <<= 1;
    if (!(b = calloc(nb, sizeof(*b))))
        return -XEN_ENOMEM;
    for (struct xs_ent *e = ov->first; e; e = e->next) {
        e->hnext = b[e->hash & (nb - 1)];
        b[e->hash & (nb - 1)] = e;
    }
    free(ov->b);
    ov->b = b;
    ov->nb = nb;
    return 0;
}

static void ent_link(struct xs_ov *ov, struct xs_ent *e)
{
    e->hnext = ov->b[e->hash & (ov->nb - 1)];
    ov->b[e->hash & (ov->nb - 1)] = e;
    e->next = NULL;
    *ov->last = e;
    ov->last = &e->next;
    ov->count++;
}

static struct xs_ent *ent_add(struct xs_ov *ov, const char *path, uint32_t plen, uint32_t hash)
{
    struct xs_ent *e;

    if (ov_reserve(ov, 1) || !(e = calloc(1, ent_size(plen))))
        return NULL;
    e->hash = hash;
    e->plen = plen;
    e->size = ent_size(plen);
    memcpy(e->path, path, plen);
    e->path[plen] = '\0';
    dom_charge(ov->c->dom, e->size);
    ent_link(ov, e);
    return e;
}

static void ent_free(struct xs_ov *ov, struct xs_ent *e)
{
    if (e->written && e->cur)
        dom_charge(ov->c->dom, -(int64_t)e->cur->size);
    node_put(e->cur);
    node_put(e->base);
    dom_charge(ov->c->dom, -(int64_t)e->size);
    free(e);
}

int ov_get(struct xs_store *s, struct xs_ov *ov, const char *path, uint32_t plen,
           struct xs_node **out)
{
    uint32_t hash = path_hash(s->db.seed, path, plen);
    struct xs_node *n;

    for (struct xs_ov *o = ov; o; o = o->parent) {
        struct xs_ent *e = ent_find(o, path, plen, hash);
        if (e && e->written) {
            *out = e->cur;
            return 0;
        }
        if (e && e->base_known) {
            *out = e->base;
            return 0;
        }
        if (o->track) {
            if (!e && !(e = ent_add(o, path, plen, hash)))
                return -XEN_ENOMEM;
            n = db_find(&s->db, path, plen, hash);
            e->base = node_get(n);
            e->base_gen = n ? n->gen : 0;
            e->base_known = true;
            if (n) {
                e->size += n->size;         /* a kept version is held memory */
                dom_charge(o->c->dom, n->size);
            }
            *out = n;
            return 0;
        }
    }
    *out = db_find(&s->db, path, plen, hash);
    return 0;
}

static bool owned(const struct xs_ov *ov, const struct xs_node *n)
{
    return n && node_owner(n) == ov->c->domid;
}

int ov_put(struct xs_store *s, struct xs_ov *ov, const char *path, uint32_t plen,
           struct xs_node *rec, unsigned int fire)
{
    uint32_t hash = path_hash(s->db.seed, path, plen);
    struct xs_node *prev;
    struct xs_ent *e;
    int rc = ov_get(s, ov, path, plen, &prev);

    if (rc || (!(e = ent_find(ov, path, plen, hash)) && !(e = ent_add(ov, path, plen, hash)))) {
        node_put(rec);
        return rc ? rc : -XEN_ENOMEM;
    }
    ov->node_delta += (int32_t)owned(ov, rec) - (int32_t)owned(ov, prev);
    if (e->written && e->cur)
        dom_charge(ov->c->dom, -(int64_t)e->cur->size);
    node_put(e->cur);
    e->cur = rec;
    e->written = true;
    if (rec)
        dom_charge(ov->c->dom, rec->size);
    if (fire) {
        e->fire = true;
        e->fire_rm |= (fire == OV_FIRE_RM);
    }
    return 0;
}

void ov_discard(struct xs_store *s, struct xs_ov *ov)
{
    struct xs_ent *e, *next;

    for (e = ov->first; e; e = next) {
        next = e->next;
        ent_free(ov, e);
    }
    free(ov->b);
    ov_init(ov, ov->c, ov->parent, ov->track);
}

/* A request's overlay into its transaction's: nothing can fail once the
 * parent has room for every entry. */
static int ov_merge(struct xs_store *s, struct xs_ov *ov)
{
    struct xs_ov *p = ov->parent;
    struct xs_ent *e, *next;

    if (ov_reserve(p, ov->count))
        return -XEN_ENOMEM;
    for (e = ov->first; e; e = next) {
        struct xs_ent *pe = ent_find(p, e->path, e->plen, e->hash);
        next = e->next;
        if (!pe) {
            ent_link(p, e);                 /* moves with its charges */
            continue;
        }
        if (e->written) {
            if (pe->written && pe->cur)
                dom_charge(p->c->dom, -(int64_t)pe->cur->size);
            node_put(pe->cur);
            pe->cur = e->cur;               /* the charge moves with it */
            pe->written = true;
            e->cur = NULL;
            e->written = false;
        }
        pe->fire |= e->fire;
        pe->fire_rm |= e->fire_rm;
        ent_free(ov, e);
    }
    p->node_delta += ov->node_delta;
    free(ov->b);
    ov_init(ov, ov->c, ov->parent, ov->track);
    return 0;
}

/* Still what the transaction saw?  (The tree's record of the same path.) */
static bool ent_current(struct xs_store *s, const struct xs_ent *e)
{
    const struct xs_node *n = db_find(&s->db, e->path, e->plen, e->hash);

    if (!e->base)
        return n == NULL;
    return n && n->gen == e->base_gen;
}

static int commit_main(struct xs_store *s, struct xs_ov *ov)
{
    struct xs_conn *c = ov->c;
    struct xs_event *evs = NULL, **evl = &evs;
    uint32_t adds = 0;
    int32_t delta = 0;
    struct xs_ent *e;

    /* 1. conflicts, and what the commit will change for the quota */
    for (e = ov->first; e; e = e->next) {
        struct xs_node *now;
        if (e->base_known && !ent_current(s, e)) {
            s->st.conflicts++;
            return -XEN_EAGAIN;
        }
        if (!e->written)
            continue;
        now = db_find(&s->db, e->path, e->plen, e->hash);
        delta += (int32_t)owned(ov, e->cur) - (int32_t)owned(ov, now);
        adds += e->cur && !now;
    }
    if (conn_limited(c) && delta > 0) {
        const struct xs_quota *q = dom_quota(s, c->dom);
        if (q->nodes && (int64_t)c->dom->nodes + delta > q->nodes)
            return -XEN_ENOSPC;
    }
    /* 2. everything the swaps need, allocated before the first swap */
    for (e = ov->first; e; e = e->next) {
        if (!e->written)
            continue;
        if (e->cur && !dom_get(s, node_owner(e->cur)))
            goto nomem;
        if (e->fire) {
            struct xs_event *ev = event_new(e->path, e->plen, NULL, e->fire_rm);
            if (!ev)
                goto nomem;
            *evl = ev;
            evl = &ev->next;
        }
    }
    (void)db_reserve(&s->db, adds);         /* failing only lengthens chains */

    /* 3. the swaps: from here on nothing fails */
    struct xs_event *ev = evs;
    for (e = ov->first; e; e = e->next) {
        struct xs_node *old;
        if (!e->written)
            continue;
        if (e->cur) {
            struct xs_dom *d = dom_find(s, node_owner(e->cur));
            dom_charge(c->dom, -(int64_t)e->cur->size);   /* pending -> owned */
            d->nodes++;
            dom_charge(d, e->cur->size);
            old = db_set(&s->db, node_get(e->cur));
        } else {
            old = db_remove(&s->db, e->path, e->plen, e->hash);
        }
        if (old) {
            struct xs_dom *d = dom_find(s, node_owner(old));
            if (d) {
                d->nodes--;
                dom_charge(d, -(int64_t)old->size);
            }
        }
        if (e->fire) {
            ev->rec = node_get(e->fire_rm ? old : e->cur);
            ev = ev->next;
        }
        node_put(old);
        node_put(e->cur);
        e->cur = NULL;
        e->written = false;
    }
    ov_discard(s, ov);
    dom_sweep(s);
    /* 4. the events, delivered after the reply */
    while (evs) {
        struct xs_event *next = evs->next;
        evs->next = NULL;
        if (evs->rec) {
            *s->pending_last = evs;
            s->pending_last = &evs->next;
        } else {
            event_free(evs);                /* created and removed again */
        }
        evs = next;
    }
    return 0;

nomem:
    while (evs) {
        struct xs_event *next = evs->next;
        event_free(evs);
        evs = next;
    }
    return -XEN_ENOMEM;
}

int ov_commit(struct xs_store *s, struct xs_ov *ov)
{
    struct xs_conn *c = ov->c;
    const struct xs_quota *q = dom_quota(s, c->dom);
    int rc = 0;

    /* A request's overlay holds what it built: that must fit the domain's
     * memory (a transaction's was checked request by request). */
    if (!ov->track && conn_limited(c) && q->memory && c->dom->mem > q->memory)
        rc = -XEN_ENOMEM;
    else if (ov->parent && conn_limited(c) && ov->node_delta > 0 && q->nodes &&
             (int64_t)c->dom->nodes + ov->parent->node_delta + ov->node_delta > q->nodes)
        rc = -XEN_ENOSPC;
    else
        rc = ov->parent ? ov_merge(s, ov) : commit_main(s, ov);
    if (rc)
        ov_discard(s, ov);
    return rc;
}
