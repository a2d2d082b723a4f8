/*
 * xenstored as a Dom0 daemon (xsdaemon.c): the store library
 * (tools/xenstored) hosted on the OS interface, serving every introduced
 * domain's ring and the local connections of Dom0's own tools.
 *
 * In Xen, xenstored is a process of Dom0 and the tools reach it through a
 * Unix socket.  Mica's Dom0 is one program, so the daemon is a set of
 * main-loop handlers and a local connection is an in-store pipe
 * (xs_pipe_*) carrying exactly the bytes a socket would; a tool holds an
 * ordinary xenstore client (xs_client.h) over it.
 *
 * The daemon needs to know whether a domain still exists, which only the
 * toolstack's seam to the hypervisor can tell: the caller of xsd_start()
 * passes that function.  VIRQ_DOM_EXC belongs to the toolstack (a VIRQ
 * can be bound once); the toolstack hands it on (xsd_domains_changed).
 */
#ifndef XSDAEMON_H
#define XSDAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "xenstored.h"
#include "xs_client.h"

typedef enum xs_domstate xsd_state_fn(uint16_t domid);

/*
 * Start the daemon.  `options` are xenstored's words ("name=value ...":
 * the quotas, tx_timeout_ms, hash_seed, priv_domid -- xs_config_parse)
 * plus "log=err|warn|info|debug" (what reaches the console; warn by
 * default).  0, or -errno with a message in err.
 */
int xsd_start(const char *options, xsd_state_fn *state, char *err, size_t errlen);
/* Stop serving: every ring unmapped, every port closed, all freed (the
 * host tests; Dom0 never stops it).  Clients must be gone. */
void xsd_stop(void);
bool xsd_running(void);
struct xs_store *xsd_store(void);

/* VIRQ_DOM_EXC: look at every introduced domain. */
void xsd_domains_changed(void);
/* The toolstack is about to destroy domid: close its connection now,
 * before its pages go, revoke its rights, fire @releaseDomain. */
void xsd_domain_destroying(uint16_t domid);

/*
 * A local connection acting as the privileged domain (domain 0: every
 * check passes, no quota), and a client over it.
 *
 * A client's wait is the only place a tool can block on the store:
 *   - `block` false (the toolstack, which runs inside main-loop handlers
 *     and must not run the loop again): the store is run directly until
 *     the answer is there -- a request to the local store always gets one;
 *     waiting for a watch event returns -XEN_EAGAIN instead of blocking;
 *   - `block` true (shell commands, which run outside any handler): the
 *     main loop runs until bytes arrive, and ^C ends the wait with
 *     -XEN_EINTR (xenstore-watch).
 * 0, or -XEN_ENOMEM / -XEN_ENOENT (the daemon is not running).
 */
int xsd_connect(struct xsc *c, bool block);
void xsd_disconnect(struct xsc *c);
/*
 * A non-blocking client (as above, `block` false) for a daemon that
 * watches the store from Dom0's main loop -- the split-driver backends
 * (tools/backend): fn(arg) is called whenever bytes arrive for it, from
 * inside the store's run, so it must only queue work (os_work_queue) that
 * takes the events with xsc_event(c, false, ...) later.
 */
int xsd_connect_notify(struct xsc *c, void (*fn)(void *arg), void *arg);

/* The xenstore-* commands of the shell (argv[0] names the command). */
int xsd_shell_cmd(int argc, char **argv);

#endif
