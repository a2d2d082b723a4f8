/*
 * The host tests' harness for xenstored: a store on a fake operating
 * system, and clients that speak the wire protocol to it.
 *
 * The fake OS (struct xt) has up to XT_DOMS domains, each with a real
 * 4 KiB ring page (the "MFN" is 0x1000 + domid), an event channel port
 * offered to the store (remote port 1; bound, it becomes local port
 * 100 + domid), and a state the test sets (running, shut down, gone).  It
 * counts maps, binds and notifications, and keeps the store's log.
 *
 * Clients (struct xt_conn) are local pipes (any domid, privileged or not)
 * or the guest side of a domain's ring, which writes requests and reads
 * replies exactly as a guest kernel would.  xt_req() sends one request and
 * runs the store until the reply with its req_id arrives; watch events
 * that arrive meanwhile are queued (xt_event()).  Replies come back
 * printable: each NUL shown as '|', an ERROR reply as "!ENAME", nothing
 * in time as "!TIMEOUT".  E.g. DIRECTORY -> "a|b|", WRITE -> "OK|".
 */
#ifndef XS_HARNESS_H
#define XS_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <public/io/xs_wire.h>
#include "xenstored.h"

#define XT_DOMS 64

struct xt_dom {
    uint16_t domid;
    bool exists;
    struct xenstore_domain_interface *page;
    uint32_t mfn, port, local;
    int mapped, bound;
    enum xs_domstate state;
    unsigned int notifies;
};

struct xt {
    struct xs_store *s;
    struct xt_dom doms[XT_DOMS];
    uint64_t now;
    unsigned int logs;
    char last_log[256];
    bool quiet;
};

struct xt_conn {
    struct xt *x;
    struct xs_pipe *p;              /* a pipe client, or */
    struct xt_dom *d;               /* the guest side of d's ring */
    uint32_t req_prod, rsp_cons;    /* the guest's indexes */
    uint32_t next_req;
    uint32_t last_type, last_tx;
    uint8_t in[16 + 8192];          /* a message being received */
    uint32_t in_len;
    char events[64][256];           /* events received, printable */
    unsigned int ev_head, ev_count;
    char last[2 * 4096 + 64];       /* the last reply, printable */
};

/* A store with `config` ("name=value ..."; NULL: defaults). */
struct xt *xt_new(const char *config);
/* Free everything; returns the number of ring pages still mapped or
 * ports still bound (must be 0). */
int xt_free(struct xt *x);
/* Domain `domid` exists, with a ring page and port 1 offered. */
struct xt_dom *xt_dom(struct xt *x, uint16_t domid);
/* xs_check(); NULL if every invariant holds, else what broke. */
const char *xt_check(struct xt *x);
/* The same, printing what broke on stderr ("check: ..."): a case's last
 * look at the store, CHECK(xt_check_report(x) == NULL), before it closes
 * its connections and frees the world. */
const char *xt_check_report(struct xt *x);

struct xt_conn *xt_pipe(struct xt *x, uint16_t domid, bool privileged);
/* The guest side of an introduced domain's ring. */
struct xt_conn *xt_ring(struct xt *x, uint16_t domid);
void xt_close(struct xt_conn *c);

/* One request; the printable reply (valid until the next request). */
const char *xt_req(struct xt_conn *c, uint32_t type, uint32_t tx, const void *payload,
                   uint32_t len);
/* A request whose payload is the given strings, each NUL-terminated. */
const char *xt_op(struct xt_conn *c, uint32_t type, uint32_t tx, ...)
    __attribute__((sentinel));
const char *xt_write(struct xt_conn *c, uint32_t tx, const char *path, const char *value);
const char *xt_read(struct xt_conn *c, uint32_t tx, const char *path);
/* TRANSACTION_START: the id, or 0 (the reply is in c->last). */
uint32_t xt_txstart(struct xt_conn *c);
const char *xt_txend(struct xt_conn *c, uint32_t tx, bool commit);

/* Raw bytes onto the connection; run the store a little. */
int xt_send_raw(struct xt_conn *c, const void *buf, uint32_t len);
/* Run the store until idle (bounded). */
void xt_run(struct xt *x);
/* Collect what arrived: replies are dropped, events queued.  Then the
 * next event ("path|token|") or NULL. */
const char *xt_event(struct xt_conn *c);
unsigned int xt_nevents(struct xt_conn *c);
/* Is the connection alive as far as the client can tell? (pipe: not
 * failed; ring: error field 0) */
bool xt_alive(struct xt_conn *c);

#endif
