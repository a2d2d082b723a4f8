/*
 * The toolstack's part of xenstore (ts_store.c): what libxl does with the
 * store when a domain is created, destroyed or asked to shut down.
 *
 * The toolstack is an ordinary xenstore client of Dom0's xenstored, over a
 * local connection Dom0 gives it at boot (ts_store_attach).  Without one
 * (a host test of xl alone, or xenstored failed to start) every function
 * here does nothing and says so by its result, and xl works as before.
 */
#ifndef XL_TS_STORE_H
#define XL_TS_STORE_H

#include <stdint.h>
#include <stdbool.h>
#include "xs_client.h"

struct ts_domain;
struct hv_build;

/* The client the toolstack uses from now on (NULL: none).  It must not
 * block in the main loop: the toolstack runs inside handlers. */
void ts_store_attach(struct xsc *c);
bool ts_store_present(void);

/* A domain was built (paused): introduce it to xenstored with the ring
 * and port its start_info names.  0, or -errno (nothing left behind). */
int ts_store_domain_add(const struct ts_domain *t, const struct hv_build *b);

#endif
