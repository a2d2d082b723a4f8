/*
 * xs_core.h - the store's internal structures, shared by its files.
 *
 *   node.c     node records and the hash table of the tree (struct xs_db)
 *   overlay.c  overlays: the private view of a request or a transaction,
 *              conflict detection and the all-or-nothing commit
 *   path.c     path syntax, relative paths, parent/child relations
 *   perms.c    permission lists: parse, format, check
 *   ops_node.c the tree operations (read, write, mkdir, rm, directory...)
 *   ops_misc.c transactions, watches, domain messages, control
 *   watch.c    watches and the delivery of events
 *   domain.c   domain records: accounting, quotas, introduce, release,
 *              shutdown and death
 *   conn.c     a connection's state machine: input, dispatch, output
 *   ring.c     the ring-page transport; pipe.c the local one
 *   store.c    the store itself, the run loop, statistics
 *   check.c    the invariants, checked on demand
 *   config.c   quotas and options
 *
 * Records are immutable once published: a change builds a new record and
 * swaps it in, so a transaction can keep the version it read (a counted
 * reference) and a commit is a series of pointer swaps that cannot fail.
 * Every record carries a generation number unique in the store's life.
 */
#ifndef XS_CORE_H
#define XS_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <stdio.h>
#include <public/xen.h>
#include <public/errno.h>
#include <public/io/xs_wire.h>
#include "xenstored.h"

#define XS_HDR      ((uint32_t)sizeof(struct xsd_sockmsg))
#define XS_PAYLOAD  XENSTORE_PAYLOAD_MAX
#define XS_PATH_MAX XENSTORE_ABS_PATH_MAX

#define container_of(p, type, member) ((type *)((char *)(p) - offsetof(type, member)))

/* ---- intrusive doubly linked lists ------------------------------------ */

struct xs_list {
    struct xs_list *next, *prev;
};

static inline void list_init(struct xs_list *l) { l->next = l->prev = l; }
static inline bool list_empty(const struct xs_list *l) { return l->next == l; }
static inline void list_add_tail(struct xs_list *l, struct xs_list *e)
{
    e->prev = l->prev;
    e->next = l;
    l->prev->next = e;
    l->prev = e;
}
static inline void list_del(struct xs_list *e)
{
    e->prev->next = e->next;
    e->next->prev = e->prev;
    e->next = e->prev = e;
}
#define list_for_each_safe(pos, tmp, head) \
    for (pos = (head)->next, tmp = pos->next; pos != (head); pos = tmp, tmp = pos->next)

/* ---- permissions -------------------------------------------------------- */

#define XS_PERM_NONE    0u
#define XS_PERM_READ    1u
#define XS_PERM_WRITE   2u
#define XS_PERM_BOTH    3u
#define XS_PERM_OWNER   4u      /* in a check only: may change permissions */

struct xs_perm {
    uint16_t id;
    uint8_t perm;               /* XS_PERM_NONE..BOTH */
    uint8_t pad;
};

/* ---- node records and the tree ------------------------------------------ */

struct xs_node {
    struct xs_node *hnext;      /* hash chain of the db (while published) */
    uint32_t hash;
    uint32_t refs;
    uint64_t gen;               /* unique: stamped when the record is built */
    uint32_t plen, vlen, clen, nperms;
    uint32_t size;              /* bytes charged for it */
    struct xs_perm *perms;      /* perms[0] = owner and default */
    char *path;                 /* NUL-terminated */
    char *value;                /* vlen bytes */
    char *children;             /* clen bytes: names, each NUL-terminated */
};

static inline uint16_t node_owner(const struct xs_node *n) { return n->perms[0].id; }

struct xs_db {
    struct xs_node **b;
    uint32_t nb, count;
    uint32_t seed;
};

uint32_t path_hash(uint32_t seed, const char *path, uint32_t len);
struct xs_node *node_build(struct xs_store *s, const char *path, uint32_t plen,
                           const void *value, uint32_t vlen, const char *children,
                           uint32_t clen, const struct xs_perm *perms, uint32_t nperms);
struct xs_node *node_with_value(struct xs_store *s, const struct xs_node *n,
                                const void *value, uint32_t vlen);
struct xs_node *node_with_perms(struct xs_store *s, const struct xs_node *n,
                                const struct xs_perm *perms, uint32_t nperms);
struct xs_node *node_with_child(struct xs_store *s, const struct xs_node *n,
                                const char *name, uint32_t nlen, bool add);
bool node_has_child(const struct xs_node *n, const char *name, uint32_t nlen);
static inline struct xs_node *node_get(struct xs_node *n) { if (n) n->refs++; return n; }
void node_put(struct xs_node *n);

int db_init(struct xs_db *db, uint32_t seed);
void db_free(struct xs_db *db);
struct xs_node *db_find(const struct xs_db *db, const char *path, uint32_t plen, uint32_t hash);
/* Make room for `extra` more records (the only step that can fail). */
int db_reserve(struct xs_db *db, uint32_t extra);
/* Publish n (taking the caller's reference) in place of any record of the
 * same path, which is returned (its reference now the caller's). */
struct xs_node *db_set(struct xs_db *db, struct xs_node *n);
struct xs_node *db_remove(struct xs_db *db, const char *path, uint32_t plen, uint32_t hash);

/* ---- overlays --------------------------------------------------------- */

/* One path an overlay has touched. */
struct xs_ent {
    struct xs_ent *hnext;       /* the overlay's hash chain */
    struct xs_ent *next;        /* the overlay's list, in order of first touch */
    uint32_t hash;
    bool base_known;            /* base is what the main tree held when first read */
    bool written;               /* cur is the overlay's version */
    bool fire, fire_rm;         /* announce at commit (a removal if fire_rm) */
    struct xs_node *base;       /* counted reference, NULL = absent */
    uint64_t base_gen;
    struct xs_node *cur;        /* counted reference, NULL = deleted */
    uint32_t plen;
    uint32_t size;              /* bytes charged for the entry itself */
    char path[];
};

/* A change to announce when (and if) it is committed. */
struct xs_event {
    struct xs_event *next;
    struct xs_node *rec;        /* whose permissions decide who may see it */
    bool rm;                    /* a removal: watches below it fire too */
    uint32_t plen;
    char path[];
};

struct xs_ov {
    struct xs_ov *parent;       /* NULL: on top of the main tree */
    bool track;                 /* record what is read (transactions) */
    struct xs_ent **b;
    uint32_t nb, count;
    struct xs_ent *first, **last;
    int32_t node_delta;         /* the acting domain's nodes, relative to parent */
    struct xs_conn *c;          /* acting connection (accounting) */
};

void ov_init(struct xs_ov *ov, struct xs_conn *c, struct xs_ov *parent, bool track);
/* The node at path as ov sees it (NULL: absent, with 0 returned). */
int ov_get(struct xs_store *s, struct xs_ov *ov, const char *path, uint32_t plen,
           struct xs_node **out);
/* Replace the node at path with rec (NULL: delete); takes rec's reference.
 * fire: OV_SILENT, OV_FIRE (watches see a change), OV_FIRE_RM (a removal). */
#define OV_SILENT  0u
#define OV_FIRE    1u
#define OV_FIRE_RM 2u
int ov_put(struct xs_store *s, struct xs_ov *ov, const char *path, uint32_t plen,
           struct xs_node *rec, unsigned int fire);
/* Merge into the parent overlay, or commit to the tree; ov is emptied
 * either way.  Errors: EAGAIN (conflict), ENOSPC (node quota), ENOMEM. */
int ov_commit(struct xs_store *s, struct xs_ov *ov);
void ov_discard(struct xs_store *s, struct xs_ov *ov);
/* Bytes an overlay holds (its entries and its own records). */
uint32_t ent_size(uint32_t plen);

/* ---- connections, transactions, watches --------------------------------- */

struct xs_transport {
    /* Copy up to len input bytes: count, or -XENSTORE_ERROR_* (broken). */
    int (*read)(struct xs_conn *c, void *buf, uint32_t len);
    /* Write up to len output bytes: count (0 = full), or -XENSTORE_ERROR_*. */
    int (*write)(struct xs_conn *c, const void *buf, uint32_t len);
    /* Is there input waiting (without consuming it)? */
    bool (*pending)(struct xs_conn *c);
    /* Tell the peer the indexes moved (after a slice of work). */
    void (*kick)(struct xs_conn *c);
    /* The connection is being shut for a protocol error (XENSTORE_ERROR_*). */
    void (*fail)(struct xs_conn *c, uint32_t why);
    /* Did the peer ask for a reset (ring reconnection)?  Clears the request. */
    bool (*reset)(struct xs_conn *c);
    /* The connection is going away: free the transport's state. */
    void (*close)(struct xs_conn *c);
};

struct xs_msg {
    struct xs_msg *next;
    bool is_event;
    uint32_t len;               /* header + payload */
    uint32_t size;              /* bytes charged */
    uint8_t data[];
};

struct xs_txn {
    struct xs_list link;
    uint32_t id;
    bool doomed;                /* outlived tx_timeout_ms: it can only fail */
    uint64_t started_ms;
    struct xs_ov ov;
};

struct xs_watch {
    struct xs_list link;
    bool relative;              /* events report paths relative to the home */
    bool special;               /* @introduceDomain, @releaseDomain, @... */
    uint32_t plen, tlen;        /* path (absolute or special), token */
    uint32_t size;
    char *path, *token;         /* in the same allocation */
};

struct xs_dom;

struct xs_conn {
    struct xs_list link;        /* the store's connections */
    struct xs_store *s;
    const struct xs_transport *t;
    void *tctx;
    struct xs_dom *dom;         /* accounting record of `domid` */
    uint16_t domid;
    uint16_t target;            /* SET_TARGET, valid if has_target */
    uint8_t home_len;           /* "/local/domain/<domid>", made once */
    char home[24];
    bool has_target;
    bool priv;
    bool dead;                  /* stopped for a protocol error */
    bool closing;               /* released: freed by xs_reap() */
    bool busy;                  /* has work: on the run list */
    bool moved;                 /* indexes moved this slice: kick the peer */
    /* input: one request, copied once from the transport, then parsed */
    uint32_t in_len;
    uint8_t in[16 + XS_PAYLOAD + 1];   /* + a NUL after the payload */
    /* output */
    struct xs_msg *out, **out_last;
    uint32_t out_off;
    uint32_t nr_replies, nr_events;
    /* transactions and watches */
    struct xs_list txns, watches;
    uint32_t nr_txns, nr_watches, next_txid;
    uint32_t events_dropped;
};

/* ---- domains ------------------------------------------------------------- */

struct xs_dom {
    uint16_t domid;
    bool introduced;
    bool shutdown_seen;         /* @releaseDomain fired for this shutdown */
    uint32_t mfn, remote_port, local_port;
    void *page;
    struct xs_conn *conn;       /* the ring connection while introduced */
    uint32_t conn_refs;         /* connections accounting to this record */
    uint32_t nodes, mem, watches, events;
    struct xs_quota *quota;     /* own limits, NULL = the store's default */
};

struct xs_dom *dom_find(const struct xs_store *s, uint16_t domid);
struct xs_dom *dom_get(struct xs_store *s, uint16_t domid);   /* created if needed */
void dom_maybe_free(struct xs_store *s, struct xs_dom *d);
void dom_sweep(struct xs_store *s);         /* free every unused record */
const struct xs_quota *dom_quota(const struct xs_store *s, const struct xs_dom *d);
/* Does c pay quotas? (Not the privileged domain, not local tools.) */
static inline bool conn_limited(const struct xs_conn *c) { return !c->priv; }
/* Charge/uncharge bytes to a domain (by record, may be NULL). */
static inline void dom_charge(struct xs_dom *d, int64_t bytes)
{
    if (d)
        d->mem = (uint32_t)((int64_t)d->mem + bytes);
}
/* Would c's domain exceed its memory quota with `extra` more bytes? */
bool conn_over_memory(const struct xs_conn *c, uint32_t extra);
void dom_release_conn(struct xs_store *s, struct xs_dom *d);
int dom_introduce(struct xs_store *s, uint16_t domid, uint32_t mfn, uint32_t port);
int dom_release(struct xs_store *s, uint16_t domid);
void dom_revoke(struct xs_store *s, uint16_t domid);

/* ring.c, pipe.c: the transports */
struct xs_conn *ring_open(struct xs_store *s, struct xs_dom *d);

/* ---- the store ------------------------------------------------------------ */

/* ops_*.c: one request */
struct xs_req {
    struct xs_store *s;
    struct xs_conn *c;
    struct xsd_sockmsg hdr;
    char *payload;              /* the connection's copy, NUL-padded */
    uint32_t len;
    struct xs_txn *tx;          /* explicit transaction, or NULL */
    uint32_t rlen;              /* reply bytes in s->reply */
    bool no_reply;              /* the handler queued its own */
    uint32_t plen, plen2;
    char path[XS_PATH_MAX + 1]; /* the request's path, canonical */
    char path2[XS_PATH_MAX + 1];/* scratch for a second one */
};


struct xs_store {
    struct xs_os os;
    struct xs_config cfg;
    struct xs_db db;
    uint64_t gen;
    struct xs_list conns;
    struct xs_dom **doms;       /* sorted by domid */
    uint32_t ndoms, capdoms;
    struct xs_node *special[2]; /* permissions of @introduceDomain, @releaseDomain */
    struct xs_event *pending, **pending_last;   /* to deliver after the reply */
    struct xs_stats st;
    char reply[XS_PAYLOAD];     /* the reply being built */
    char evbuf[XS_PAYLOAD];     /* a watch event being built */
    struct xs_req req;          /* the request being handled (one at a time) */
    struct xs_perm perms[XS_PAYLOAD / 2];  /* scratch permission list */
};

#define XS_SPECIAL_INTRODUCE 0
#define XS_SPECIAL_RELEASE   1
extern const char *const xs_special_names[2];

void xs_log(struct xs_store *s, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline uint64_t xs_now(struct xs_store *s)
{
    return s->os.now_ms ? s->os.now_ms(s->os.ctx) : 0;
}

/* path.c */
#define XS_PATH_SPECIAL 1u      /* allow "@name" (watches, permissions) */
int path_canon(const struct xs_conn *c, const char *in, char *out, uint32_t *olen,
               unsigned int flags);
bool path_is_child(const char *child, uint32_t clen, const char *parent, uint32_t plen);
uint32_t path_parent_len(const char *path, uint32_t len);
uint32_t path_home(uint16_t domid, char *out, uint32_t size);
int parse_domid(const char *s, uint16_t *out);
int parse_u32(const char *s, uint32_t *out);

/* perms.c */
int perms_parse(const char *s, uint32_t len, struct xs_perm *out, uint32_t max, uint32_t *n);
uint32_t perms_format(const struct xs_perm *p, uint32_t n, char *buf, uint32_t size);
unsigned int perm_for(const struct xs_conn *c, const struct xs_perm *p, uint32_t n);
static inline bool can(const struct xs_conn *c, const struct xs_node *n, unsigned int want)
{
    return (perm_for(c, n->perms, n->nperms) & want) == want;
}

/* conn.c */
struct xs_conn *conn_new(struct xs_store *s, const struct xs_transport *t, void *tctx,
                         uint16_t domid, bool priv);
void conn_close(struct xs_conn *c);         /* freed later by xs_reap() */
void xs_reap(struct xs_store *s);
void conn_fail(struct xs_conn *c, uint32_t why);
void conn_reset(struct xs_conn *c);
void xs_handle(struct xs_conn *c);          /* the request in c->in */
unsigned int conn_work(struct xs_conn *c, unsigned int budget);
void conn_mark_busy(struct xs_conn *c);
int conn_queue(struct xs_conn *c, uint32_t type, uint32_t req_id, uint32_t tx_id,
               const void *payload, uint32_t len, bool is_event);
void conn_drop_txns(struct xs_conn *c);
struct xs_txn *txn_find(struct xs_conn *c, uint32_t id);
bool txn_is_doomed(struct xs_store *s, struct xs_txn *t);
void txn_free(struct xs_conn *c, struct xs_txn *t);

/* watch.c */
int watch_add(struct xs_conn *c, const char *path, uint32_t plen, bool relative,
              bool special, const char *token, uint32_t tlen);
int watch_del(struct xs_conn *c, const char *path, uint32_t plen, const char *token,
              uint32_t tlen);
void watch_drop_all(struct xs_conn *c);
/* Queue to c the event of watch w for path (relative if w is). */
void watch_send(struct xs_conn *c, const struct xs_watch *w, const char *path, uint32_t plen);
void xs_fire(struct xs_store *s, struct xs_event *ev);
void xs_fire_special(struct xs_store *s, unsigned int which);
void xs_flush_events(struct xs_store *s);
struct xs_event *event_new(const char *path, uint32_t plen, struct xs_node *rec, bool rm);
void event_free(struct xs_event *e);

typedef int (*xs_op_fn)(struct xs_req *r);
struct xs_op {
    xs_op_fn fn;
    unsigned int flags;
};
#define XS_OP_TX    1u          /* runs inside tx_id's transaction */
#define XS_OP_PRIV  2u          /* privileged callers only (EACCES) */
extern const struct xs_op xs_ops[XS_TYPE_COUNT];

int op_read(struct xs_req *r);
int op_write(struct xs_req *r);
int op_mkdir(struct xs_req *r);
int op_rm(struct xs_req *r);
int op_directory(struct xs_req *r);
int op_directory_part(struct xs_req *r);
int op_get_perms(struct xs_req *r);
int op_set_perms(struct xs_req *r);
int op_watch(struct xs_req *r);
int op_unwatch(struct xs_req *r);
int op_reset_watches(struct xs_req *r);
int op_tx_start(struct xs_req *r);
int op_tx_end(struct xs_req *r);
int op_introduce(struct xs_req *r);
int op_release(struct xs_req *r);
int op_get_domain_path(struct xs_req *r);
int op_is_introduced(struct xs_req *r);
int op_resume(struct xs_req *r);
int op_set_target(struct xs_req *r);
int op_control(struct xs_req *r);

/* Split the payload into `want` NUL-terminated strings (the last may be
 * followed by raw bytes if rest != NULL).  EINVAL if malformed. */
int req_strings(const struct xs_req *r, const char **out, unsigned int want, bool extra,
                const char **rest, uint32_t *rest_len);
int reply_bytes(struct xs_req *r, const void *p, uint32_t len);
int reply_str(struct xs_req *r, const char *str);   /* with its NUL */
const char *xs_errname(int err);

#endif /* XS_CORE_H */
