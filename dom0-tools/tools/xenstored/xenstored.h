/*
 * xenstored.h - the store as a library: what an operating system (Mica's
 * Dom0, a test guest, a host test) provides to it and what it offers back.
 *
 * xenstored is Xen's configuration store, wire- and ring-compatible
 * (public/io/xs_wire.h): a tree of nodes with values and permissions,
 * transactions, watches and per-domain quotas, served over each domain's
 * xenstore ring page and event channel and over local connections for the
 * privileged domain's tools.  The library does no I/O of its own and never
 * blocks: the embedding program
 *
 *   - provides `struct xs_os` (map a domain's ring page, bind its event
 *     channel, notify, ask whether a domain still exists, the time, a log);
 *   - opens local connections with xs_pipe_open() and moves bytes through
 *     them (xs_pipe_write / xs_pipe_read);
 *   - tells the store when an event channel fired (xs_port_event) and when
 *     domains changed state (xs_domains_changed, on VIRQ_DOM_EXC);
 *   - calls xs_run() until it reports no more work, then sleeps until the
 *     next event.
 *
 * Everything a domain sends is hostile: the store validates every header,
 * string and index, bounds every resource per domain (struct xs_quota), and
 * answers a bad request with an error reply or, for protocol violations it
 * cannot answer (a length beyond XENSTORE_PAYLOAD_MAX, ring indexes that
 * lie), stops serving that one connection.  Nothing a client does makes
 * the store fail for the others.
 *
 * Single-threaded: all calls come from one thread (Dom0's main loop).
 */
#ifndef XENSTORED_H
#define XENSTORED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct xs_store;
struct xs_conn;
struct xs_pipe;

/* What xs_os.domain_state answers. */
enum xs_domstate {
    XS_DOM_RUNNING,         /* exists and is not shut down */
    XS_DOM_SHUTDOWN,        /* shut down or crashed, not yet destroyed */
    XS_DOM_GONE             /* does not exist (destroyed, or never was) */
};

/* Log levels of xs_os.log. */
enum { XS_LOG_ERR, XS_LOG_WARN, XS_LOG_INFO, XS_LOG_DEBUG };

/*
 * The operating system under the store.  Return values are 0 / a port / a
 * pointer, or a negative XEN_E* error.  `ctx` is xs_os.ctx.
 */
struct xs_os {
    void *ctx;
    /* Map the xenstore ring page of `domid` (frame `mfn`) writable. */
    int (*map_ring)(void *ctx, uint16_t domid, uint32_t mfn, void **page);
    void (*unmap_ring)(void *ctx, uint16_t domid, void *page);
    /* bind_interdomain to (domid, remote_port): the local port. */
    int (*bind)(void *ctx, uint16_t domid, uint32_t remote_port);
    void (*unbind)(void *ctx, uint32_t local_port);
    void (*notify)(void *ctx, uint32_t local_port);
    enum xs_domstate (*domain_state)(void *ctx, uint16_t domid);
    uint64_t (*now_ms)(void *ctx);
    void (*log)(void *ctx, int level, const char *msg);
};

/*
 * Per-domain limits (unprivileged domains only; the privileged domain and
 * local connections are never limited).  0 means "no limit" for each.
 */
struct xs_quota {
    uint32_t nodes;         /* nodes owned by the domain */
    uint32_t watches;       /* watches registered by the domain */
    uint32_t transactions;  /* transactions open at once on a connection */
    uint32_t outstanding;   /* requests whose replies the domain has not
                               taken off its ring: more stalls its input */
    uint32_t value_size;    /* bytes of one node's value */
    uint32_t path_length;   /* bytes of a path, relative to the domain's home
                               when it lies under it */
    uint32_t memory;        /* bytes the domain holds: its nodes, its open
                               transactions, its watches, its queued output */
    uint32_t events;        /* watch events queued for the domain, not yet
                               delivered; more are dropped (and counted) */
};

/* Xen's defaults (fact sheet: C xenstored, current). */
#define XS_QUOTA_DEFAULTS { .nodes = 1000, .watches = 128, .transactions = 10,   \
                            .outstanding = 20, .value_size = 2048,               \
                            .path_length = 2048, .memory = 2u << 20, .events = 1024 }

struct xs_config {
    struct xs_quota quota;  /* default for every domain */
    uint32_t tx_timeout_ms; /* a transaction older than this is doomed: its
                               next use and its commit get EAGAIN; 0 = never */
    uint32_t hash_seed;     /* randomises the node hash (hash flooding) */
    uint16_t priv_domid;    /* the privileged domain (0) */
};

/* Parse "name=value ..." words (quota names, tx_timeout_ms, priv_domid)
 * into cfg.  0, or -XEN_EINVAL with a message in err (err_len bytes). */
int xs_config_parse(struct xs_config *cfg, const char *words, char *err, size_t err_len);
void xs_config_defaults(struct xs_config *cfg);
/* Set one quota by name; -XEN_EINVAL for an unknown name. */
int xs_quota_set(struct xs_quota *q, const char *name, uint32_t value);
/* Names of the quota fields, in struct order, NULL-terminated. */
extern const char *const xs_quota_names[];

/* A store with the standard root nodes; NULL if out of memory. */
struct xs_store *xs_store_new(const struct xs_os *os, const struct xs_config *cfg);
/* Unmaps every ring, unbinds every port, frees everything. */
void xs_store_free(struct xs_store *s);

/*
 * Process pending requests, replies and events of every connection that
 * has work, a bounded share per connection per pass (fairness), for at most
 * `budget` requests in all.  Returns the number of connections that still
 * have work (call again before sleeping), 0 when idle.
 */
unsigned int xs_run(struct xs_store *s, unsigned int budget);

/* An event arrived on local port `port` (one of the store's rings). */
void xs_port_event(struct xs_store *s, uint32_t port);

/* VIRQ_DOM_EXC: look at every introduced domain (shutdown, death). */
void xs_domains_changed(struct xs_store *s);

/*
 * The embedding program knows that `domid` is gone (the toolstack is
 * destroying it) without waiting for VIRQ_DOM_EXC: what
 * xs_domains_changed() does for a domain the OS reports gone -- its
 * connection closed (ring unmapped, port unbound, watches, transactions
 * and queued output dropped), its rights revoked, @releaseDomain fired.
 * Also revokes the rights of a domain released earlier.
 */
void xs_domain_gone(struct xs_store *s, uint16_t domid);

/*
 * Introduce a domain directly (as XS_INTRODUCE from the privileged domain
 * would): map its ring, bind its port, fire @introduceDomain.  0 or
 * -XEN_E*.
 */
int xs_introduce(struct xs_store *s, uint16_t domid, uint32_t mfn, uint32_t port);

/*
 * Local connections (the privileged domain's tools, and tests): byte
 * streams of the wire protocol, buffered inside the store up to
 * XS_PIPE_CAPACITY bytes each way.  `domid` is the domain the connection
 * acts as (relative paths resolve under its home); `privileged` passes
 * every permission check and every quota.
 */
#define XS_PIPE_CAPACITY (4 * (16 + 4096))
struct xs_pipe *xs_pipe_open(struct xs_store *s, uint16_t domid, bool privileged);
/* Append request bytes: how many were taken (less when the buffer is full),
 * or -XEN_EIO once the store dropped the connection. */
int xs_pipe_write(struct xs_pipe *p, const void *buf, size_t len);
/* Take reply/event bytes: how many (0 = none yet), -XEN_EIO if dropped. */
int xs_pipe_read(struct xs_pipe *p, void *buf, size_t len);
/* Would xs_pipe_read() return something other than 0 (bytes, or -XEN_EIO)? */
bool xs_pipe_ready(const struct xs_pipe *p);
/* Call fn(arg) whenever the store puts bytes into the client's direction
 * (replies, and watch events nobody asked for at that moment).  It runs
 * inside xs_run(): it must not call into the store, only note the work
 * (a daemon queues a work item that reads its events later). */
void xs_pipe_set_notify(struct xs_pipe *p, void (*fn)(void *arg), void *arg);
void xs_pipe_close(struct xs_pipe *p);

/* Statistics and introspection (tests, `xenstore-control`-like output). */
struct xs_stats {
    uint32_t nodes;             /* nodes in the tree */
    uint32_t connections;       /* live connections (rings and pipes) */
    uint32_t domains;           /* introduced domains */
    uint32_t watches;
    uint32_t transactions;
    uint64_t requests;          /* requests answered */
    uint64_t errors;            /* of which error replies */
    uint64_t events;            /* watch events queued */
    uint64_t events_dropped;    /* over a domain's event quota */
    uint64_t conflicts;         /* commits refused with EAGAIN */
    uint64_t dropped_conns;     /* connections dropped for protocol errors */
};
void xs_get_stats(const struct xs_store *s, struct xs_stats *st);

/* Nodes owned by / memory charged to a domain (0 if unknown). */
uint32_t xs_domain_nodes(const struct xs_store *s, uint16_t domid);
uint32_t xs_domain_memory(const struct xs_store *s, uint16_t domid);

/*
 * Check every invariant of the store (tree shape, children lists, node and
 * memory accounting, connection and watch bookkeeping).  0 if all hold,
 * else -XEN_EIO with the first broken one described in `why`.
 */
int xs_check(const struct xs_store *s, char *why, size_t why_len);

#endif /* XENSTORED_H */
