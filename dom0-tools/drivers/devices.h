/*
 * Dom0's device layer as the kernel sees it (devices.c): start-up, and
 * the registries drivers put their devices into -- block devices
 * (blkdev.c, the os_blk.h interface) and network ports (netport.c,
 * os_net.h).  Tools see only os_blk.h and os_net.h.
 *
 * A driver registers a device with a table of operations and an opaque
 * pointer; the registry checks what every driver would otherwise check
 * itself (the request's shape, ranges, read-only) and keeps the
 * statistics, so a driver's submit path sees only valid requests.
 */
#ifndef DOM0_DRIVERS_DEVICES_H
#define DOM0_DRIVERS_DEVICES_H

#include "os_blk.h"
#include "os_net.h"
#include "pci.h"
#include <stddef.h>

/* Boot: port I/O, the PCI scan, every driver's probe.  `nopci` on the
 * command line skips it all. */
void devices_init(void);

/* ---- block devices ---- */

struct blkdev_ops {
    /* A request the registry has checked: 0 (done() will be called) or
     * -EAGAIN / -E2BIG / -EFAULT / -ENODEV. */
    int (*submit)(void *priv, struct os_blk_req *req);
    void (*stats)(void *priv, struct os_blk_stats *st);  /* driver's part */
};

/* Register a disk; its name is chosen here ("vda", "vdb", ...).  NULL when
 * the table is full. */
struct os_blk *blkdev_register(const struct blkdev_ops *ops, void *priv,
                               const struct os_blk_info *info);
/* Drivers report completions through this (counts, then req->done). */
void blkdev_complete(struct os_blk *b, struct os_blk_req *req, int status);
/* The capacity changed (a config interrupt). */
void blkdev_resize(struct os_blk *b, uint64_t sectors);
const char *blkdev_name(struct os_blk *b);

/* ---- network ports ---- */

struct netport_ops {
    int (*send)(void *priv, const void *frame, size_t len);
    unsigned int (*tx_free)(void *priv);
    void (*stats)(void *priv, struct os_net_stats *st);
};

struct os_net *netport_register(const struct netport_ops *ops, void *priv,
                                const struct os_net_info *info);
/* Drivers hand received frames and link changes up through these. */
void netport_receive(struct os_net *n, const void *frame, size_t len);
void netport_link(struct os_net *n, bool up);
const char *netport_name(struct os_net *n);

/* Drivers' probes (called by devices_init for each PCI function). */
bool virtio_blk_probe(struct pci_dev *pci);
bool virtio_net_probe(struct pci_dev *pci);

#endif
