/*
 * The toolstack's part of xenstore: introducing the domains xl builds to
 * Dom0's xenstored (XS_INTRODUCE with the ring MFN and port the builder
 * put in start_info, as libxl does after building), and cleaning up after
 * them.  See ts_store.h.
 *
 * The toolstack's client never runs the main loop (ts_store_attach): a
 * request to the local store is answered before the call returns.
 */
#include "ts_store.h"
#include "toolstack.h"
#include <public/errno.h>
#include <stdio.h>
#include <string.h>

static struct xsc *xs;

void ts_store_attach(struct xsc *c)
{
    xs = c;
}

bool ts_store_present(void)
{
    return xs != NULL;
}

int ts_store_domain_add(const struct ts_domain *t, const struct hv_build *b)
{
    if (!xs)
        return 0;
    return xsc_introduce(xs, t->domid, b->store_mfn, b->store_port);
}
