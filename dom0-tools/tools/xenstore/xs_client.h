/*
 * xs_client.h - the client side of the xenstore wire protocol, for the
 * privileged domain's tools (xl, the xenstore-* commands) and for test
 * guests talking over their ring.
 *
 * Portable and allocation-free: a client is one struct the caller owns,
 * over a byte transport the caller provides (struct xsc_io): a Dom0 tool
 * uses a local pipe into xenstored (waiting = letting the store run), a
 * guest its ring page (waiting = sleeping on the store's event channel).
 *
 * Requests are synchronous: xsc_request() sends one and waits for the
 * reply with its req_id.  Watch events that arrive meanwhile are kept in
 * a bounded queue (xsc_event()); when it is full the oldest are dropped and
 * counted (`lost`), which a watcher treats like Xen's spurious-or-missed
 * rule: re-read what it watches.  Results are 0 or -XEN_E* -- an ERROR
 * reply is turned back into its number with the xs_wire.h table.
 */
#ifndef XS_CLIENT_H
#define XS_CLIENT_H

#include <stdbool.h>
#include <stdint.h>
#include <public/io/xs_wire.h>

struct xsc_io {
    void *ctx;
    /* Bytes taken (0 = no room now), or < 0: the connection is broken. */
    int (*send)(void *ctx, const void *buf, uint32_t len);
    /* Bytes received (0 = nothing yet), or < 0. */
    int (*recv)(void *ctx, void *buf, uint32_t len);
    /* Wait for progress (room to send, bytes to receive); < 0 = give up
     * (timeout, broken).  May return at once: callers loop. */
    int (*wait)(void *ctx);
};

#define XSC_EVBUF 8192

struct xsc {
    struct xsc_io io;
    uint32_t next_req;
    uint32_t in_len;
    uint8_t in[2 * (16 + XENSTORE_PAYLOAD_MAX)];   /* messages arriving */
    uint8_t out[16 + XENSTORE_PAYLOAD_MAX];        /* the request going */
    uint32_t ev_len, ev_count, lost;
    uint8_t ev[XSC_EVBUF];                      /* queued events: u32 len + payload */
    uint32_t rtype, rlen;                       /* the last reply */
    char reply[XENSTORE_PAYLOAD_MAX + 1];       /* NUL-terminated for convenience */
};

void xsc_init(struct xsc *c, const struct xsc_io *io);

/* One request; its reply in c->reply / c->rlen. */
int xsc_request(struct xsc *c, uint32_t type, uint32_t tx, const void *payload, uint32_t len);
/* A request made of strings, each sent with its NUL; NULL-terminated. */
int xsc_requestv(struct xsc *c, uint32_t type, uint32_t tx, ...) __attribute__((sentinel));
/* Take whatever arrived without waiting (events are queued). */
int xsc_poll(struct xsc *c);

/* Thin wrappers.  Strings out are NUL-terminated and truncated to size. */
int xsc_read(struct xsc *c, uint32_t tx, const char *path, char *buf, uint32_t size,
             uint32_t *len);
int xsc_write(struct xsc *c, uint32_t tx, const char *path, const void *val, uint32_t len);
int xsc_write_str(struct xsc *c, uint32_t tx, const char *path, const char *val);
int xsc_mkdir(struct xsc *c, uint32_t tx, const char *path);
int xsc_rm(struct xsc *c, uint32_t tx, const char *path);
/* Child names, each NUL-terminated, in buf; *len bytes.  Lists longer
 * than one message are fetched with DIRECTORY_PART. */
int xsc_directory(struct xsc *c, uint32_t tx, const char *path, char *buf, uint32_t size,
                  uint32_t *len);
/* Permissions as "n0\0r5\0" in and out. */
int xsc_get_perms(struct xsc *c, uint32_t tx, const char *path, char *buf, uint32_t size,
                  uint32_t *len);
int xsc_set_perms(struct xsc *c, uint32_t tx, const char *path, const char *perms,
                  uint32_t len);
int xsc_watch(struct xsc *c, const char *path, const char *token);
int xsc_unwatch(struct xsc *c, const char *path, const char *token);
int xsc_tx_start(struct xsc *c, uint32_t *tx);
int xsc_tx_end(struct xsc *c, uint32_t tx, bool commit);
int xsc_introduce(struct xsc *c, uint16_t domid, uint32_t mfn, uint32_t port);
int xsc_release(struct xsc *c, uint16_t domid);
int xsc_is_introduced(struct xsc *c, uint16_t domid, bool *yes);
int xsc_get_domain_path(struct xsc *c, uint16_t domid, char *buf, uint32_t size);

/* The next queued watch event (1), none (0); block: wait for one. */
int xsc_event(struct xsc *c, bool block, char *path, uint32_t psize, char *token,
              uint32_t tsize);

/* "ENOENT" -> -XEN_ENOENT (unknown names: -XEN_EINVAL, as Xen). */
int xsc_errnum(const char *name);

#endif
