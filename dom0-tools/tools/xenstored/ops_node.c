/*
 * The tree operations: READ, WRITE, MKDIR, RM, DIRECTORY, DIRECTORY_PART,
 * GET_PERMS, SET_PERMS.
 *
 * Semantics are Xen's (docs/xenstore.md):
 *   - reading needs read permission on the node, changing it write
 *     permission, changing its permissions ownership;
 *   - a missing node is ENOENT only to a caller who may read (or, to
 *     change something, write) its nearest existing ancestor, EACCES to
 *     anyone else, so absence does not leak through permissions;
 *   - WRITE and MKDIR create missing parents, each inheriting its parent's
 *     permissions, except that a node an unprivileged domain creates is
 *     owned by that domain; creating needs write permission on the nearest
 *     existing ancestor;
 *   - RM removes a whole subtree; removing a missing node is fine if its
 *     parent exists;
 *   - an unprivileged domain may not give its node away (SET_PERMS with
 *     another owner: EPERM) and is held to its value-size quota (ENOSPC).
 *
 * Reads go through the transaction's overlay when there is one (which
 * records what was read); changes go into a request overlay committed at
 * the end (overlay.c), so an error leaves nothing behind.  Every loop here
 * is iterative: paths can be 1500 components deep and Dom0's stacks are
 * small.
 */
#include "xs_core.h"

static struct xs_ov *tx_ov(struct xs_req *r)
{
    return r->tx ? &r->tx->ov : NULL;
}

/* The request's first string as a canonical path in r->path. */
static int req_path(struct xs_req *r, const char *in, unsigned int flags)
{
    return path_canon(r->c, in, r->path, &r->plen, flags);
}

static int one_path(struct xs_req *r)
{
    const char *s[1];
    int rc = req_strings(r, s, 1, false, NULL, NULL);

    return rc ? rc : req_path(r, s[0], 0);
}

/* The error for a missing node (see above). */
static int absent_error(struct xs_req *r, struct xs_ov *ov, const char *path, uint32_t plen,
                        unsigned int want)
{
    struct xs_node *anc = NULL;
    int rc;

    while (!anc && (plen = path_parent_len(path, plen)) > 0)
        if ((rc = ov_get(r->s, ov, path, plen, &anc)))
            return rc;
    return anc && !can(r->c, anc, want) ? -XEN_EACCES : -XEN_ENOENT;
}

/* The node at path, if the caller may `want` it. */
static int get_node(struct xs_req *r, struct xs_ov *ov, const char *path, uint32_t plen,
                    unsigned int want, struct xs_node **out)
{
    int rc = ov_get(r->s, ov, path, plen, out);

    if (rc)
        return rc;
    if (!*out)
        return absent_error(r, ov, path, plen, want);
    return can(r->c, *out, want) ? 0 : -XEN_EACCES;
}

/* Permissions of a new child of `parent` created by the caller. */
static uint32_t inherit(struct xs_req *r, const struct xs_node *parent)
{
    struct xs_perm *p = r->s->perms;

    memcpy(p, parent->perms, parent->nperms * sizeof(*p));
    if (!r->c->priv)
        p[0].id = r->c->domid;
    return parent->nperms;
}

/*
 * Create path (absent) with value, and any missing parents with empty
 * values: find the nearest existing ancestor, check it, then build
 * downwards.  Only the node asked for is announced: watches on the new
 * parents see it as a change below them.
 */
static int create(struct xs_req *r, struct xs_ov *ov, const char *path, uint32_t plen,
                  const void *value, uint32_t vlen)
{
    struct xs_store *s = r->s;
    struct xs_node *parent = NULL;
    uint32_t alen = plen;
    int rc;

    while (!parent) {
        alen = path_parent_len(path, alen);
        if ((rc = ov_get(s, ov, path, alen, &parent)))
            return rc;
    }
    if (!can(r->c, parent, XS_PERM_WRITE))
        return -XEN_EACCES;
    while (alen < plen) {
        uint32_t start = alen == 1 ? 1 : alen + 1, end = start;
        struct xs_node *child, *np;
        bool last;

        while (end < plen && path[end] != '/')
            end++;
        last = end == plen;
        child = node_build(s, path, end, last ? value : "", last ? vlen : 0, NULL, 0,
                           s->perms, inherit(r, parent));
        np = node_with_child(s, parent, path + start, end - start, true);
        if (!child || !np) {
            node_put(child);
            node_put(np);
            return -XEN_ENOMEM;
        }
        if ((rc = ov_put(s, ov, path, alen, np, OV_SILENT)) ||
            (rc = ov_put(s, ov, path, end, child, last ? OV_FIRE : OV_SILENT)))
            return rc;
        parent = child;                     /* alive: the overlay holds it */
        alen = end;
    }
    return 0;
}

int op_read(struct xs_req *r)
{
    struct xs_node *n;
    int rc = one_path(r);

    if (rc || (rc = get_node(r, tx_ov(r), r->path, r->plen, XS_PERM_READ, &n)))
        return rc;
    return reply_bytes(r, n->value, n->vlen);
}

int op_write(struct xs_req *r)
{
    const char *s[1], *value;
    uint32_t vlen;
    struct xs_node *n;
    struct xs_ov ov;
    int rc = req_strings(r, s, 1, false, &value, &vlen);

    if (rc || (rc = req_path(r, s[0], 0)))
        return rc;
    if (conn_limited(r->c)) {
        const struct xs_quota *q = dom_quota(r->s, r->c->dom);
        if (q->value_size && vlen > q->value_size)
            return -XEN_ENOSPC;
    }
    ov_init(&ov, r->c, tx_ov(r), false);
    if ((rc = ov_get(r->s, &ov, r->path, r->plen, &n)))
        goto fail;
    if (n) {
        struct xs_node *nn;
        rc = -XEN_EACCES;
        if (!can(r->c, n, XS_PERM_WRITE))
            goto fail;
        rc = -XEN_ENOMEM;
        if (!(nn = node_with_value(r->s, n, value, vlen)))
            goto fail;
        rc = ov_put(r->s, &ov, r->path, r->plen, nn, OV_FIRE);
    } else {
        rc = create(r, &ov, r->path, r->plen, value, vlen);
    }
    if (rc)
        goto fail;
    return (rc = ov_commit(r->s, &ov)) ? rc : reply_str(r, "OK");
fail:
    ov_discard(r->s, &ov);
    return rc;
}

int op_mkdir(struct xs_req *r)
{
    struct xs_node *n;
    struct xs_ov ov;
    int rc = one_path(r);

    if (rc)
        return rc;
    ov_init(&ov, r->c, tx_ov(r), false);
    if ((rc = ov_get(r->s, &ov, r->path, r->plen, &n)))
        goto fail;
    if (n) {
        ov_discard(r->s, &ov);
        return can(r->c, n, XS_PERM_WRITE) ? reply_str(r, "OK") : -XEN_EACCES;
    }
    if ((rc = create(r, &ov, r->path, r->plen, "", 0)))
        goto fail;
    return (rc = ov_commit(r->s, &ov)) ? rc : reply_str(r, "OK");
fail:
    ov_discard(r->s, &ov);
    return rc;
}

/* Delete n's subtree (all but n itself) in ov, breadth first. */
static int delete_below(struct xs_req *r, struct xs_ov *ov, struct xs_node *n)
{
    struct xs_node **q = NULL;
    size_t head = 0, tail = 0, cap = 0;
    char *buf = r->path2;
    int rc = 0;

    if (!n->clen)
        return 0;
    if (!(q = malloc(16 * sizeof(*q))))
        return -XEN_ENOMEM;
    cap = 16;
    q[tail++] = n;
    while (head < tail && !rc) {
        struct xs_node *p = q[head++];
        for (uint32_t off = 0; off < p->clen && !rc; ) {
            const char *name = p->children + off;
            uint32_t nl = (uint32_t)strlen(name), l = p->plen == 1 ? 0 : p->plen;
            struct xs_node *child;

            off += nl + 1;
            if (l + 1 + nl > XS_PATH_MAX)
                continue;                   /* cannot exist */
            memcpy(buf, p->path, l);
            buf[l] = '/';
            memcpy(buf + l + 1, name, nl);
            if ((rc = ov_get(r->s, ov, buf, l + 1 + nl, &child)) || !child)
                continue;
            if (tail == cap) {
                struct xs_node **nq = realloc(q, 2 * cap * sizeof(*q));
                if (!nq) {
                    rc = -XEN_ENOMEM;
                    break;
                }
                q = nq;
                cap *= 2;
            }
            q[tail++] = child;
            rc = ov_put(r->s, ov, buf, l + 1 + nl, NULL, OV_SILENT);
        }
    }
    free(q);
    return rc;
}

int op_rm(struct xs_req *r)
{
    struct xs_node *n, *parent, *np;
    struct xs_ov ov;
    uint32_t pl;
    int rc = one_path(r);

    if (rc)
        return rc;
    if (r->plen == 1)
        return -XEN_EINVAL;                 /* the root stays */
    pl = path_parent_len(r->path, r->plen);
    ov_init(&ov, r->c, tx_ov(r), false);
    if ((rc = ov_get(r->s, &ov, r->path, r->plen, &n)))
        goto fail;
    if (!n) {
        rc = absent_error(r, &ov, r->path, r->plen, XS_PERM_WRITE);
        if (rc == -XEN_ENOENT && !(rc = ov_get(r->s, &ov, r->path, pl, &parent)))
            rc = parent ? 0 : -XEN_ENOENT;
        ov_discard(r->s, &ov);
        return rc ? rc : reply_str(r, "OK");
    }
    rc = -XEN_EACCES;
    if (!can(r->c, n, XS_PERM_WRITE))
        goto fail;
    if ((rc = delete_below(r, &ov, n)) || (rc = ov_get(r->s, &ov, r->path, pl, &parent)))
        goto fail;
    rc = -XEN_ENOMEM;
    if (!parent || !(np = node_with_child(r->s, parent, r->path + (pl == 1 ? 1 : pl + 1),
                                          r->plen - (pl == 1 ? 1 : pl + 1), false)))
        goto fail;
    if ((rc = ov_put(r->s, &ov, r->path, pl, np, OV_SILENT)) ||
        (rc = ov_put(r->s, &ov, r->path, r->plen, NULL, OV_FIRE_RM)))
        goto fail;
    return (rc = ov_commit(r->s, &ov)) ? rc : reply_str(r, "OK");
fail:
    ov_discard(r->s, &ov);
    return rc;
}

int op_directory(struct xs_req *r)
{
    struct xs_node *n;
    int rc = one_path(r);

    if (rc || (rc = get_node(r, tx_ov(r), r->path, r->plen, XS_PERM_READ, &n)))
        return rc;
    return reply_bytes(r, n->children, n->clen);
}

/*
 * DIRECTORY_PART path\0offset\0 -> gen\0 child\0 ... : the children from
 * byte `offset` of the list, as many whole names as fit; the reply that
 * reaches the end of the list carries one more empty string.  `gen` is the
 * node's generation: equal across calls means the list did not change.
 */
int op_directory_part(struct xs_req *r)
{
    const char *s[2];
    char gen[24];
    struct xs_node *n;
    uint32_t off;
    int rc = req_strings(r, s, 2, false, NULL, NULL);

    if (rc || (rc = req_path(r, s[0], 0)) || (rc = parse_u32(s[1], &off)))
        return rc;
    if ((rc = get_node(r, tx_ov(r), r->path, r->plen, XS_PERM_READ, &n)))
        return rc;
    snprintf(gen, sizeof(gen), "%llu", (unsigned long long)n->gen);
    reply_str(r, gen);
    while (off < n->clen) {
        uint32_t l = (uint32_t)strlen(n->children + off) + 1;
        bool end = off + l >= n->clen;
        if (r->rlen + l + end > XS_PAYLOAD)
            return 0;                       /* the client asks again from here */
        reply_bytes(r, n->children + off, l);
        off += l;
    }
    return reply_bytes(r, "", 1);
}

/* "@introduceDomain" / "@releaseDomain": their index, or -1. */
static int special_index(const char *path)
{
    for (int i = 0; i < 2; i++)
        if (!strcmp(path, xs_special_names[i]))
            return i;
    return -1;
}

int op_get_perms(struct xs_req *r)
{
    const char *s[1];
    struct xs_node *n;
    uint32_t l;
    int rc = req_strings(r, s, 1, false, NULL, NULL);

    if (rc || (rc = req_path(r, s[0], XS_PATH_SPECIAL)))
        return rc;
    if (r->path[0] == '@') {
        int i = special_index(r->path);
        if (i < 0)
            return -XEN_ENOENT;
        n = r->s->special[i];
        if (!can(r->c, n, XS_PERM_READ))
            return -XEN_EACCES;
    } else if ((rc = get_node(r, tx_ov(r), r->path, r->plen, XS_PERM_READ, &n))) {
        return rc;
    }
    l = perms_format(n->perms, n->nperms, r->s->reply, XS_PAYLOAD);
    if (!l)
        return -XEN_E2BIG;
    r->rlen = l;
    return 0;
}

int op_set_perms(struct xs_req *r)
{
    const char *s[1], *rest;
    uint32_t rest_len, np;
    struct xs_node *n, *nn;
    struct xs_ov ov;
    int rc = req_strings(r, s, 1, false, &rest, &rest_len);

    if (rc || (rc = req_path(r, s[0], XS_PATH_SPECIAL)))
        return rc;
    if ((rc = perms_parse(rest, rest_len, r->s->perms, XS_PAYLOAD / 2, &np)))
        return rc;
    if (r->path[0] == '@') {
        int i = special_index(r->path);
        if (i < 0)
            return -XEN_ENOENT;
        n = r->s->special[i];
        if (!can(r->c, n, XS_PERM_OWNER))
            return -XEN_EACCES;
        if (!r->c->priv && r->s->perms[0].id != node_owner(n))
            return -XEN_EPERM;
        if (!(nn = node_with_perms(r->s, n, r->s->perms, np)))
            return -XEN_ENOMEM;
        node_put(n);
        r->s->special[i] = nn;
        return reply_str(r, "OK");
    }
    ov_init(&ov, r->c, tx_ov(r), false);
    if ((rc = ov_get(r->s, &ov, r->path, r->plen, &n)))
        goto fail;
    rc = n ? -XEN_EACCES : absent_error(r, &ov, r->path, r->plen, XS_PERM_WRITE);
    if (!n || !can(r->c, n, XS_PERM_OWNER | XS_PERM_WRITE))
        goto fail;
    rc = -XEN_EPERM;
    if (!r->c->priv && r->s->perms[0].id != node_owner(n))
        goto fail;
    rc = -XEN_ENOMEM;
    if (!(nn = node_with_perms(r->s, n, r->s->perms, np)))
        goto fail;
    if ((rc = ov_put(r->s, &ov, r->path, r->plen, nn, OV_FIRE)))
        goto fail;
    return (rc = ov_commit(r->s, &ov)) ? rc : reply_str(r, "OK");
fail:
    ov_discard(r->s, &ov);
    return rc;
}
