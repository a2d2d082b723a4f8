/*
 * xenstored inside a privileged test guest (tests/guest/xs/server.c):
 * the store library of dom0-tools/tools/xenstored on the test runtime,
 * serving the rings of the boot-module domains, with a stand-in for the
 * toolstack's part (the standard layout, INTRODUCE, removing a dead
 * domain's home, shutdown through control/shutdown with a forced
 * fallback).  The QEMU proof of xenstored before Dom0 exists, and the
 * xenstore benchmark's server.
 */
#ifndef XS_GUEST_SERVER_H
#define XS_GUEST_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include "xenstored.h"
#include "xs_client.h"

struct xs_server_opts {
    unsigned int ndoms;         /* domains 1..ndoms (boot modules) to serve */
    const char *config;         /* xenstored options, "name=value ..." */
    bool shared;                /* a /shared directory every domU may use */
    uint64_t timeout_ns;        /* give up (test failure) after this */
    /* Called once every domain is introduced, and on each domain's
     * departure (domid), with the toolstack's client; may be NULL. */
    void (*on_ready)(struct xsc *ts);
    void (*on_gone)(struct xsc *ts, uint16_t domid);
    /* Further ports the loop waits on (bound by the caller, at most 8),
     * and what to do when one fires (after its pending bit is cleared);
     * nr_extra 0 for none.  How a guest serving a console as well runs
     * its back end inside the store's loop. */
    const uint32_t *extra_ports;
    unsigned int nr_extra;
    void (*on_port)(uint32_t port);
};

/* Serve until every domain is gone (or the timeout); then check the
 * store's invariants and that nothing of the domains is left.  Reports
 * through the test API; returns whether all went well. */
bool xs_server_run(const struct xs_server_opts *o);

/* The store and the toolstack's client, while xs_server_run() runs. */
extern struct xs_store *xs_srv;
extern struct xsc xs_ts;

/*
 * What `xl shutdown` does: write `reason` ("poweroff", "reboot") to the
 * domain's control/shutdown and wait up to timeout_ns for it to go; if it
 * does not, shut it down by force (SCHEDOP_remote_shutdown).  Returns 1 if
 * the guest went by itself, 0 if it had to be forced, < 0 on error.
 * Runs the store meanwhile.
 */
int xs_shutdown_domain(uint16_t domid, const char *reason, uint64_t timeout_ns);

/*
 * Wait up to timeout_ns, running the store (and the extra ports), until
 * the node at path reads value.  0 when it does, -XEN_ETIMEDOUT if not.
 */
int xs_wait_value(const char *path, const char *value, uint64_t timeout_ns);

#endif
