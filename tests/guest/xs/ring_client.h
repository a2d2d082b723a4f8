/*
 * The guest side of a domain's xenstore ring for test guests
 * (tests/guest/xs/ring_client.c): a struct xsc_io over the page and port
 * start_info names, so the portable client library (xs_client.h) talks to
 * xenstored exactly as a guest kernel's xenbus does.
 */
#ifndef XS_GUEST_RING_CLIENT_H
#define XS_GUEST_RING_CLIENT_H

#include <stdint.h>
#include <stdbool.h>
#include <public/io/xs_wire.h>
#include "xs_client.h"

extern volatile struct xenstore_domain_interface *xs_intf;
extern uint32_t xs_port;
extern uint64_t xs_wait_timeout_ns;     /* one wait: default 5 s */

/* Map shared_info (if needed), find the ring, set up c.  0 or < 0. */
int xs_ring_connect(struct xsc *c);
/*
 * How a test guest on xenstore begins: xs_ring_connect(), then domain 0's
 * introduction, seen as the first read of our "domid" node answering
 * (retried for up to 30 s; the text lands in buf).  On failure it reports
 * itself (test_error: no ring; test_fail: xenstored does not answer) and
 * returns false.
 */
bool xs_ring_start(struct xsc *c, char *buf, uint32_t size);
/* Ask xenstored for a fresh connection (XENSTORE_RECONNECT) and wait for
 * it; the client's partial input is dropped.  0 or -XEN_ETIME. */
int xs_ring_reconnect(struct xsc *c);
#endif
