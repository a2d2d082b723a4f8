/*
 * Node records and the hash table that holds the tree.
 *
 * A node is one record in one allocation: header, permissions, path,
 * value, and the names of its children (each NUL-terminated, in the order
 * they were created -- the order DIRECTORY answers in, as Xen's does).
 * The tree's shape lives in those children lists; the table is keyed by
 * the full path, so a lookup is one hash and one comparison whatever the
 * depth, as in Xen's tdb-backed store.
 *
 * Records never change after they are published (node_with_* builds a
 * new one); a reference count lets transactions and pending events keep a
 * version alive after the tree moved on.  The hash is keyed with a seed
 * (xs_config.hash_seed) so domains cannot choose paths that all collide.
 *
 * The table grows only in db_reserve(): callers reserve before a commit,
 * and then db_set()/db_remove() cannot fail, which is what makes commits
 * all-or-nothing.
 */
#include "xs_core.h"

uint32_t path_hash(uint32_t seed, const char *path, uint32_t len)
{
    /* FNV-1a over the bytes, seeded, with a final avalanche. */
    uint32_t h = 2166136261u ^ seed;

    for (uint32_t i = 0; i < len; i++) {
        h ^= (uint8_t)path[i];
        h *= 16777619u;
    }
    h ^= h >> 16;
    h *= 0x7feb352du;
    h ^= h >> 15;
    h *= 0x846ca68bu;
    h ^= h >> 16;
    return h;
}

struct xs_node *node_build(struct xs_store *s, const char *path, uint32_t plen,
                           const void *value, uint32_t vlen, const char *children,
                           uint32_t clen, const struct xs_perm *perms, uint32_t nperms)
{
    size_t size = sizeof(struct xs_node) + (size_t)nperms * sizeof(struct xs_perm) +
                  plen + 1 + vlen + clen;
    struct xs_node *n;

    if (!nperms || size > 0x7fffffffu || !(n = malloc(size)))
        return NULL;
    n->hnext = NULL;
    n->hash = path_hash(s->db.seed, path, plen);
    n->refs = 1;
    n->gen = ++s->gen;
    n->plen = plen;
    n->vlen = vlen;
    n->clen = clen;
    n->nperms = nperms;
    n->size = (uint32_t)size;
    n->perms = (struct xs_perm *)(n + 1);
    n->path = (char *)(n->perms + nperms);
    n->value = n->path + plen + 1;
    n->children = n->value + vlen;
    memcpy(n->perms, perms, nperms * sizeof(*perms));
    memcpy(n->path, path, plen);
    n->path[plen] = '\0';
    if (vlen)
        memcpy(n->value, value, vlen);
    if (clen && children)                   /* else the caller fills them in */
        memcpy(n->children, children, clen);
    return n;
}

struct xs_node *node_with_value(struct xs_store *s, const struct xs_node *n,
                                const void *value, uint32_t vlen)
{
    return node_build(s, n->path, n->plen, value, vlen, n->children, n->clen, n->perms,
                      n->nperms);
}

struct xs_node *node_with_perms(struct xs_store *s, const struct xs_node *n,
                                const struct xs_perm *perms, uint32_t nperms)
{
    return node_build(s, n->path, n->plen, n->value, n->vlen, n->children, n->clen, perms,
                      nperms);
}

/* Offset of child `name` in n's list, or -1. */
static long child_offset(const struct xs_node *n, const char *name, uint32_t nlen)
{
    uint32_t off = 0;

    while (off < n->clen) {
        uint32_t l = (uint32_t)strlen(n->children + off);
        if (l == nlen && !memcmp(n->children + off, name, nlen))
            return off;
        off += l + 1;
    }
    return -1;
}

bool node_has_child(const struct xs_node *n, const char *name, uint32_t nlen)
{
    return child_offset(n, name, nlen) >= 0;
}

/* n with child `name` appended (add) or taken out; n itself if unchanged. */
struct xs_node *node_with_child(struct xs_store *s, const struct xs_node *n,
                                const char *name, uint32_t nlen, bool add)
{
    long off = child_offset(n, name, nlen);
    struct xs_node *r;

    if ((off >= 0) == add)
        return node_get((struct xs_node *)n);
    if (add) {
        r = node_build(s, n->path, n->plen, n->value, n->vlen, NULL, n->clen + nlen + 1,
                       n->perms, n->nperms);
        if (r) {
            memcpy(r->children, n->children, n->clen);
            memcpy(r->children + n->clen, name, nlen);
            r->children[n->clen + nlen] = '\0';
        }
        return r;
    }
    r = node_build(s, n->path, n->plen, n->value, n->vlen, NULL, n->clen - nlen - 1,
                   n->perms, n->nperms);
    if (r) {
        memcpy(r->children, n->children, (size_t)off);
        memcpy(r->children + off, n->children + off + nlen + 1,
               n->clen - (size_t)off - nlen - 1);
    }
    return r;
}

void node_put(struct xs_node *n)
{
    if (n && --n->refs == 0)
        free(n);
}

/* ---- the table -------------------------------------------------------- */

int db_init(struct xs_db *db, uint32_t seed)
{
    db->nb = 64;
    db->count = 0;
    db->seed = seed;
    db->b = calloc(db->nb, sizeof(*db->b));
    return db->b ? 0 : -XEN_ENOMEM;
}

void db_free(struct xs_db *db)
{
    for (uint32_t i = 0; i < db->nb; i++) {
        struct xs_node *n = db->b[i], *next;
        for (; n; n = next) {
            next = n->hnext;
            node_put(n);
        }
    }
    free(db->b);
    db->b = NULL;
    db->nb = db->count = 0;
}

struct xs_node *db_find(const struct xs_db *db, const char *path, uint32_t plen, uint32_t hash)
{
    for (struct xs_node *n = db->b[hash & (db->nb - 1)]; n; n = n->hnext)
        if (n->hash == hash && n->plen == plen && !memcmp(n->path, path, plen))
            return n;
    return NULL;
}

int db_reserve(struct xs_db *db, uint32_t extra)
{
    uint64_t need = (uint64_t)db->count + extra;
    uint32_t nb = db->nb;
    struct xs_node **b;

    if (need <= db->nb)
        return 0;               /* load factor stays <= 1 */
    while (nb < need) {
        if (nb >= (1u << 30))
            return -XEN_ENOMEM;
        nb <<= 1;
    }
    if (!(b = calloc(nb, sizeof(*b))))
        return -XEN_ENOMEM;
    for (uint32_t i = 0; i < db->nb; i++) {
        struct xs_node *n = db->b[i], *next;
        for (; n; n = next) {
            next = n->hnext;
            n->hnext = b[n->hash & (nb - 1)];
            b[n->hash & (nb - 1)] = n;
        }
    }
    free(db->b);
    db->b = b;
    db->nb = nb;
    return 0;
}

struct xs_node *db_set(struct xs_db *db, struct xs_node *n)
{
    struct xs_node **pp = &db->b[n->hash & (db->nb - 1)];

    for (; *pp; pp = &(*pp)->hnext) {
        struct xs_node *o = *pp;
        if (o->hash == n->hash && o->plen == n->plen && !memcmp(o->path, n->path, n->plen)) {
            n->hnext = o->hnext;
            *pp = n;
            o->hnext = NULL;
            return o;
        }
    }
    n->hnext = NULL;
    *pp = n;
    db->count++;
    return NULL;
}

struct xs_node *db_remove(struct xs_db *db, const char *path, uint32_t plen, uint32_t hash)
{
    struct xs_node **pp = &db->b[hash & (db->nb - 1)];

    for (; *pp; pp = &(*pp)->hnext) {
        struct xs_node *o = *pp;
        if (o->hash == hash && o->plen == plen && !memcmp(o->path, path, plen)) {
            *pp = o->hnext;
            o->hnext = NULL;
            db->count--;
            return o;
        }
    }
    return NULL;
}
