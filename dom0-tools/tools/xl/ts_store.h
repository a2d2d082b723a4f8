/*
 * The toolstack's part of xenstore (ts_store.c): what libxl does with the
 * store when a domain is created, renamed, asked to shut down and
 * destroyed.
 *
 * The toolstack is an ordinary xenstore client of Dom0's xenstored, over a
 * local connection Dom0 gives it at boot (ts_store_attach).  Without one
 * (a host test of xl alone, or xenstored failed to start) the layout is
 * not written and `xl shutdown` shuts domains down by force at once, as
 * before xenstore existed.
 */
#ifndef XL_TS_STORE_H
#define XL_TS_STORE_H

#include <stdint.h>
#include <stdbool.h>
#include "xs_client.h"

struct ts_domain;
struct hv_build;

/* The client the toolstack uses from now on (NULL: none).  It must not
 * block in the main loop: the toolstack runs inside handlers.  Writes
 * Dom0's own home (/local/domain/0/{name,domid}), as Xen's init scripts
 * do, and makes /vm. */
void ts_store_attach(struct xsc *c);
bool ts_store_present(void);
/* The client itself (NULL: none), for ts_dev.c. */
struct xsc *ts_store_client(void);

/*
 * A domain was built (paused): write its standard layout -- home, /vm
 * entry, memory, vCPUs, store and console details, control nodes, the
 * console's frontend and backend directories -- in one transaction, then
 * introduce it to xenstored with the ring and port its start_info names.
 * 0, or -errno with nothing left behind.
 */
int ts_store_domain_add(const struct ts_domain *t, const struct hv_build *b);
/* The domain is being destroyed, or is gone: remove its home, its /vm
 * entry and its backend directories; forget a pending shutdown request. */
void ts_store_domain_remove(uint16_t domid);
/* It was renamed (rename-restart): ~/name and /vm/<uuid>/name. */
void ts_store_domain_rename(uint16_t domid, const char *name);

/*
 * Ask a domain to shut down, as `xl shutdown` and `xl reboot` do: write
 * "poweroff" or "reboot" (reason SHUTDOWN_poweroff / SHUTDOWN_reboot) to
 * its control/shutdown, which a PV guest watches, and if it has not shut
 * down ts_shutdown_timeout_ns later, shut it down by force with the same
 * reason (SCHEDOP_remote_shutdown, through the hypervisor seam).  A
 * domain without control/shutdown in the store (not built by xl, or no
 * store) is shut down by force at once, as is any other reason.  Returns
 * at once: 0 or -errno.
 */
int ts_request_shutdown(uint16_t domid, unsigned int reason);
extern uint64_t ts_shutdown_timeout_ns;
#define TS_SHUTDOWN_TIMEOUT_DEFAULT_NS (10ull * 1000000000ull)

#endif
