/*
 * Domains: accounting records, quotas, and the life cycle the toolstack
 * and the hypervisor drive (INTRODUCE, RELEASE, shutdown, death).
 *
 * Every domain that owns nodes, has a connection or was introduced has a
 * record (struct xs_dom, in an array sorted by domid): the nodes it owns
 * (the node quota, charged to the owner as in Xen), the watches it holds,
 * and the bytes it holds -- its nodes, its open transactions, its watches
 * and the output queued for it (the memory quota).  A record nobody needs
 * any more is freed, so create/destroy cycles leave nothing behind.
 *
 * INTRODUCE maps the domain's ring page and binds its event channel
 * through the OS (xs_os), starts serving the ring and fires
 * @introduceDomain.  On VIRQ_DOM_EXC the store asks the OS about every
 * introduced domain: a shutdown fires @releaseDomain once (again only
 * after RESUME); a domain that is gone is torn down -- connection, ring,
 * port, watches, transactions -- and its rights are revoked: nodes it
 * owned pass to the privileged domain and permission entries naming it
 * are removed, so a later domain given the same id inherits nothing
 * (Xen's fix for XSA-322).  The toolstack removes /local/domain/<id>.
 */
#include "xs_core.h"

static long dom_index(const struct xs_store *s, uint16_t domid, bool *found)
{
    long lo = 0, hi = (long)s->ndoms;

    while (lo < hi) {
        long mid = (lo + hi) / 2;
        if (s->doms[mid]->domid < domid)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < (long)s->ndoms && s->doms[lo]->domid == domid;
    return lo;
}

struct xs_dom *dom_find(const struct xs_store *s, uint16_t domid)
{
    bool found;
    long i = dom_index(s, domid, &found);

    return found ? s->doms[i] : NULL;
}

struct xs_dom *dom_get(struct xs_store *s, uint16_t domid)
{
    bool found;
    long i = dom_index(s, domid, &found);
    struct xs_dom *d;

    if (found)
        return s->doms[i];
    if (s->ndoms == s->capdoms) {
        uint32_t cap = s->capdoms ? 2 * s->capdoms : 16;
        struct xs_dom **nd = realloc(s->doms, cap * sizeof(*nd));
        if (!nd)
            return NULL;
        s->doms = nd;
        s->capdoms = cap;
    }
    if (!(d = calloc(1, sizeof(*d))))
        return NULL;
    d->domid = domid;
    memmove(&s->doms[i + 1], &s->doms[i], (s->ndoms - (uint32_t)i) * sizeof(*s->doms));
    s->doms[i] = d;
    s->ndoms++;
    return d;
}

static bool dom_unused(const struct xs_store *s, const struct xs_dom *d)
{
    return !d->introduced && !d->conn_refs && !d->nodes && !d->mem && !d->watches &&
           d->domid != s->cfg.priv_domid;
}

static void dom_remove_at(struct xs_store *s, uint32_t i)
{
    struct xs_dom *d = s->doms[i];

    memmove(&s->doms[i], &s->doms[i + 1], (s->ndoms - i - 1) * sizeof(*s->doms));
    s->ndoms--;
    free(d->quota);
    free(d);
}

void dom_maybe_free(struct xs_store *s, struct xs_dom *d)
{
    bool found;
    long i;

    if (!d || !dom_unused(s, d))
        return;
    i = dom_index(s, d->domid, &found);
    if (found)
        dom_remove_at(s, (uint32_t)i);
}

void dom_sweep(struct xs_store *s)
{
    for (uint32_t i = s->ndoms; i-- > 0; )
        if (dom_unused(s, s->doms[i]) && !s->doms[i]->quota)
            dom_remove_at(s, i);
}

const struct xs_quota *dom_quota(const struct xs_store *s, const struct xs_dom *d)
{
    return d && d->quota ? d->quota : &s->cfg.quota;
}

bool conn_over_memory(const struct xs_conn *c, uint32_t extra)
{
    const struct xs_quota *q = dom_quota(c->s, c->dom);

    return conn_limited(c) && q->memory && (uint64_t)c->dom->mem + extra > q->memory;
}

uint32_t xs_domain_nodes(const struct xs_store *s, uint16_t domid)
{
    const struct xs_dom *d = dom_find(s, domid);
    return d ? d->nodes : 0;
}

uint32_t xs_domain_memory(const struct xs_store *s, uint16_t domid)
{
    const struct xs_dom *d = dom_find(s, domid);
    return d ? d->mem : 0;
}

int dom_introduce(struct xs_store *s, uint16_t domid, uint32_t mfn, uint32_t port)
{
    struct xs_dom *d = dom_find(s, domid);
    void *page;
    int lp, rc;

    if (domid == s->cfg.priv_domid || domid >= DOMID_FIRST_RESERVED || port == 0)
        return -XEN_EINVAL;
    if (d && d->introduced)
        return d->mfn == mfn ? 0 : -XEN_EINVAL;    /* the same page again: fine */
    if (!s->os.map_ring || !s->os.bind)
        return -XEN_ENOSYS;
    if (!(d = dom_get(s, domid)))
        return -XEN_ENOMEM;
    if ((rc = s->os.map_ring(s->os.ctx, domid, mfn, &page))) {
        xs_log(s, XS_LOG_WARN, "introduce d%u: cannot map frame 0x%x (%d)", (unsigned int)domid,
               (unsigned int)mfn, rc);
        dom_maybe_free(s, d);
        return -XEN_EINVAL;
    }
    if ((lp = s->os.bind(s->os.ctx, domid, port)) < 0) {
        xs_log(s, XS_LOG_WARN, "introduce d%u: cannot bind port %u (%d)", (unsigned int)domid,
               (unsigned int)port, lp);
        s->os.unmap_ring(s->os.ctx, domid, page);
        dom_maybe_free(s, d);
        return -XEN_EINVAL;
    }
    d->mfn = mfn;
    d->remote_port = port;
    d->local_port = (uint32_t)lp;
    d->page = page;
    if (!(d->conn = ring_open(s, d))) {
        s->os.unbind(s->os.ctx, (uint32_t)lp);
        s->os.unmap_ring(s->os.ctx, domid, page);
        dom_maybe_free(s, d);
        return -XEN_ENOMEM;
    }
    d->introduced = true;
    d->shutdown_seen = false;
    conn_mark_busy(d->conn);                /* it may have written already */
    xs_log(s, XS_LOG_INFO, "introduced d%u (frame 0x%x, port %u -> %u)", (unsigned int)domid,
           (unsigned int)mfn, (unsigned int)port, (unsigned int)lp);
    xs_fire_special(s, XS_SPECIAL_INTRODUCE);
    return 0;
}

int xs_introduce(struct xs_store *s, uint16_t domid, uint32_t mfn, uint32_t port)
{
    int rc = dom_introduce(s, domid, mfn, port);
    xs_reap(s);
    return rc;
}

/* Stop serving d (its connection closes, which unmaps and unbinds). */
static void dom_teardown(struct xs_store *s, struct xs_dom *d)
{
    if (d->conn)
        conn_close(d->conn);
    d->conn = NULL;
    d->page = NULL;
    d->introduced = false;
}

int dom_release(struct xs_store *s, uint16_t domid)
{
    struct xs_dom *d = dom_find(s, domid);

    if (!d || !d->introduced)
        return -XEN_ENOENT;
    dom_teardown(s, d);
    xs_log(s, XS_LOG_INFO, "released d%u", (unsigned int)domid);
    xs_fire_special(s, XS_SPECIAL_RELEASE);
    return 0;
}

/* Take domid out of a permission list, in place.  Did anything change? */
static bool revoke_perms(struct xs_perm *p, uint32_t *n, uint16_t domid, uint16_t priv)
{
    bool changed = false;
    uint32_t k = 1;

    if (p[0].id == domid) {
        p[0].id = priv;
        changed = true;
    }
    for (uint32_t i = 1; i < *n; i++) {
        if (p[i].id == domid) {
            changed = true;
            continue;
        }
        p[k++] = p[i];
    }
    *n = k;
    return changed;
}

void dom_revoke(struct xs_store *s, uint16_t domid)
{
    uint16_t priv = s->cfg.priv_domid;
    struct xs_dom *from = dom_find(s, domid), *to = dom_get(s, priv);
    uint32_t moved = 0;

    for (uint32_t b = 0; b < s->db.nb; b++) {
        for (struct xs_node *n = s->db.b[b]; n; n = n->hnext) {
            bool owner = node_owner(n) == domid;
            if (!revoke_perms(n->perms, &n->nperms, domid, priv))
                continue;
            /* A permission change: transactions that read it conflict. */
            n->gen = ++s->gen;
            if (owner && from && to) {
                from->nodes--;
                dom_charge(from, -(int64_t)n->size);
                to->nodes++;
                dom_charge(to, n->size);
                moved++;
            }
        }
    }
    for (int i = 0; i < 2; i++)
        revoke_perms(s->special[i]->perms, &s->special[i]->nperms, domid, priv);
    if (moved)
        xs_log(s, XS_LOG_INFO, "d%u gone: its %u nodes now belong to d%u", (unsigned int)domid,
               (unsigned int)moved, (unsigned int)priv);
    dom_maybe_free(s, from);
}

/* d no longer exists: stop serving it, revoke its rights, tell the watchers. */
static void dom_gone(struct xs_store *s, struct xs_dom *d)
{
    uint16_t domid = d->domid;

    xs_log(s, XS_LOG_INFO, "d%u is gone: connection closed", (unsigned int)domid);
    dom_teardown(s, d);
    dom_revoke(s, domid);                   /* may free d */
    xs_fire_special(s, XS_SPECIAL_RELEASE);
}

void xs_domain_gone(struct xs_store *s, uint16_t domid)
{
    struct xs_dom *d = dom_find(s, domid);

    if (domid == s->cfg.priv_domid || domid >= DOMID_FIRST_RESERVED)
        return;
    if (d && d->introduced) {
        dom_gone(s, d);
    } else {
        dom_revoke(s, domid);               /* released earlier, or never introduced */
        xs_fire_special(s, XS_SPECIAL_RELEASE);
    }
    xs_reap(s);
}

void xs_domains_changed(struct xs_store *s)
{
    /* Domain records may go away as we look: work from a list of ids. */
    uint32_t n = 0;
    uint16_t *ids = s->ndoms ? malloc(s->ndoms * sizeof(*ids)) : NULL;

    for (uint32_t i = 0; ids && i < s->ndoms; i++)
        if (s->doms[i]->introduced)
            ids[n++] = s->doms[i]->domid;
    for (uint32_t i = 0; i < n; i++) {
        struct xs_dom *d = dom_find(s, ids[i]);
        enum xs_domstate st;

        if (!d || !d->introduced)
            continue;
        st = s->os.domain_state ? s->os.domain_state(s->os.ctx, d->domid) : XS_DOM_RUNNING;
        if (st == XS_DOM_GONE) {
            dom_gone(s, d);                 /* may free d */
        } else if (st == XS_DOM_SHUTDOWN && !d->shutdown_seen) {
            d->shutdown_seen = true;
            xs_fire_special(s, XS_SPECIAL_RELEASE);
        }
    }
    free(ids);
    xs_reap(s);
}
