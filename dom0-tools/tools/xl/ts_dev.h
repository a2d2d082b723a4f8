/*
 * The toolstack's part of split devices (ts_dev.c): the xenstore nodes
 * libxl writes for a PV domain's disks and network interfaces, written
 * when the domain is created (its `disk` and `vif` settings) or a device
 * is attached (xl block-attach, network-attach), and removed with the
 * handshake libxl uses (online = 0, state = Closing, wait for Closed).
 *
 * The backends themselves (tools/backend, tools/blkback, tools/netback)
 * see only the store.  xl needs to know two things of them, which the
 * Dom0 wiring passes in ts_dev_set_backends(): whether a backend serves a
 * type at all (a frontend directory without a backend would make a Linux
 * guest wait for it at boot), and whether a disk's target can be served
 * (checked before anything is built, so a wrong path is a clean error).
 *
 * Generic over types: a device is (type, devid, backend nodes, frontend
 * nodes); ts_dev_add() writes both directories in one transaction with
 * Xen's permissions, ts_dev_remove() takes it away.  The disk and vif
 * functions only fill the type's nodes.  network-attach/-detach/-list
 * are the vif twins of the block commands over the same calls.
 */
#ifndef XL_TS_DEV_H
#define XL_TS_DEV_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "domcfg.h"

struct ts_domain;

struct ts_backends {
    /* Is a backend serving this type ("vbd", "vif")? */
    bool (*serves)(const char *type);
    /* Can this disk be served (its target found, its mode possible)?
     * 0, or -errno with the reason in err.  NULL: not checked. */
    int (*disk_check)(const struct disk_spec *d, char *err, size_t errlen);
};
void ts_dev_set_backends(const struct ts_backends *b);

/* One node of a device directory. */
struct ts_node {
    const char *name;
    char value[128];
};
#define TS_DEV_MAX_NODES 16

/*
 * Write device `devid` of `type` for domain `domid`: the backend directory
 * /local/domain/0/backend/<type>/<domid>/<devid> (n0 rD) with frontend,
 * frontend-id, online = 1, state = 1 and `be`; the frontend directory
 * /local/domain/<domid>/device/<type>/<devid> (nD r0) with backend,
 * backend-id = 0, state = 1 and `fe`.  0, -EEXIST (the device exists),
 * -ENODEV (no backend serves the type), or another -errno; nothing is
 * written on failure.
 */
int ts_dev_add(uint16_t domid, const char *type, uint32_t devid, const struct ts_node *be,
               unsigned int nbe, const struct ts_node *fe, unsigned int nfe);
/*
 * Take a device away: online = 0 and state = Closing in the backend, wait
 * (running Dom0's loop, so only from a shell command: `wait` false inside
 * handlers) up to timeout_ns for the backend to reach Closed -- the
 * frontend closing first -- then remove both directories.  0 (closed in
 * time), 1 (removed by force: the frontend did not close), -ENOENT.
 */
int ts_dev_remove(uint16_t domid, const char *type, uint32_t devid, bool wait,
                  uint64_t timeout_ns);
#define TS_DEV_REMOVE_TIMEOUT_NS (10ull * 1000000000ull)

/* The nodes of one disk / vif, written by ts_dev_add. */
int ts_dev_add_disk(uint16_t domid, const struct disk_spec *d, char *err, size_t errlen);
int ts_dev_add_vif(uint16_t domid, uint32_t devid, const struct vif_spec *v, char *err,
                   size_t errlen);
/* Check the disks of a configuration before the build: 0 or -1 (printed). */
int ts_dev_check_disks(const struct domain_config *cfg);
/* Every disk and vif of a new domain's configuration: 0, or -errno after
 * printing why. */
int ts_dev_add_config(const struct ts_domain *t);

/*
 * A device's frontend and backend state as xl block-list shows them.
 * Devices of `type` of a domain: their devids, up to max; the count.
 */
int ts_dev_list(uint16_t domid, const char *type, uint32_t *devids, unsigned int max);
struct ts_dev_info {
    int be_state, fe_state;     /* -1: absent */
    long evtch, ring_ref;       /* -1: absent */
    char be_path[80];
};
int ts_dev_info(uint16_t domid, const char *type, uint32_t devid, struct ts_dev_info *info);

/* xl block-attach, block-detach, block-list. */
int xl_cmd_block_attach(int argc, char **argv);
int xl_cmd_block_detach(int argc, char **argv);
int xl_cmd_block_list(int argc, char **argv);

#endif
