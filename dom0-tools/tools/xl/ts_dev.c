/*
 * Split devices in the toolstack (see ts_dev.h): the directories libxl
 * writes for a PV domain's vbd and vif devices, their removal, and xl's
 * block-attach / block-detach / block-list.
 *
 * A device D of type T with number N (fact sheet xen-control-plane.md,
 * libxl's device layout):
 *
 *   /local/domain/0/backend/T/D/N     n0 rD   (the backend's; D may read)
 *     frontend = /local/domain/D/device/T/N, frontend-id = D,
 *     online = 1, state = 1, + the type's nodes
 *   /local/domain/D/device/T/N        nD r0   (the guest's; Dom0 may read)
 *     backend = /local/domain/0/backend/T/D/N, backend-id = 0,
 *     state = 1, + the type's nodes
 *
 * vbd (N = the vdev's Xen number):   backend params (the target), type
 *   (phy for /dev/..., file otherwise), mode (r|w), dev (the vdev name),
 *   device-type (disk|cdrom), removable, bootable; frontend
 *   virtual-device = N, device-type.
 * vif (N = 0, 1, ... in order):      backend mac, bridge, handle = N,
 *   type = vif (+ ip, script when given); frontend mac, handle = N.  A
 *   vif without `mac=` gets 00:16:3e (Xen's prefix) and three random bytes.
 *
 * Removal is libxl's: the backend's online = 0 and state = 5 (Closing);
 * the backend asks the frontend to close and reports 6 (Closed) when it
 * has; then both directories go.  A frontend that never closes (dead,
 * hostile) does not hold xl up: after the timeout the directories are
 * removed anyway, and the backend, seeing its directory gone, disconnects
 * by itself.  A domain's destruction removes everything at once
 * (ts_store_domain_remove), and the backends are told synchronously.
 */
#include "ts_dev.h"
#include "ts_store.h"
#include "toolstack.h"
#include "xl.h"
#include "xs_client.h"
#include "os_loop.h"
#include "os_time.h"
#include <public/errno.h>
#include <public/io/xenbus.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

static const struct ts_backends *backends;

void ts_dev_set_backends(const struct ts_backends *b)
{
    backends = b;
}

static bool serves(const char *type)
{
    return backends && backends->serves && backends->serves(type);
}

/* ---- adding ------------------------------------------------------------------ */

struct add_args {
    uint16_t domid;
    const char *type;
    uint32_t devid;
    const struct ts_node *be, *fe;
    unsigned int nbe, nfe;
};

static int put(struct xsc *xs, uint32_t tx, const char *dir, const char *node, const char *v)
{
    char p[192];

    snprintf(p, sizeof(p), "%s/%s", dir, node);
    return xsc_write_str(xs, tx, p, v);
}

static int add_tx(struct xsc *xs, uint32_t tx, const struct add_args *a)
{
    char be[80], fe[80], id[16], rd[8], nd[8];
    uint32_t len;
    char dummy[8];
    int rc = 0;

    snprintf(be, sizeof(be), "/local/domain/0/backend/%s/%u/%u", a->type, a->domid, a->devid);
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/%s/%u", a->domid, a->type, a->devid);
    snprintf(id, sizeof(id), "%u", a->domid);
    snprintf(rd, sizeof(rd), "r%u", a->domid);
    snprintf(nd, sizeof(nd), "n%u", a->domid);
    if (!xsc_read(xs, tx, be, dummy, sizeof(dummy), &len) ||
        !xsc_read(xs, tx, fe, dummy, sizeof(dummy), &len))
        return -EEXIST;
    /* Backend: Dom0's, readable by the guest. */
    if ((rc = xsc_mkdir(xs, tx, be)))
        return rc;
    {
        char perms[16];
        size_t l = (size_t)snprintf(perms, sizeof(perms), "n0%c%s", 0, rd) + 1;
        if ((rc = xsc_set_perms(xs, tx, be, perms, (uint32_t)l)))
            return rc;
    }
    if ((rc = put(xs, tx, be, "frontend", fe)) || (rc = put(xs, tx, be, "frontend-id", id)) ||
        (rc = put(xs, tx, be, "online", "1")) || (rc = put(xs, tx, be, "state", "1")))
        return rc;
    for (unsigned int i = 0; i < a->nbe; i++)
        if ((rc = put(xs, tx, be, a->be[i].name, a->be[i].value)))
            return rc;
    /* Frontend: the guest's, readable by Dom0. */
    {
        char perms[16];
        size_t l = (size_t)snprintf(perms, sizeof(perms), "%s%cr0", nd, 0) + 1;
        if ((rc = xsc_mkdir(xs, tx, fe)) ||
            (rc = xsc_set_perms(xs, tx, fe, perms, (uint32_t)l)))
            return rc;
    }
    if ((rc = put(xs, tx, fe, "backend", be)) || (rc = put(xs, tx, fe, "backend-id", "0")) ||
        (rc = put(xs, tx, fe, "state", "1")))
        return rc;
    for (unsigned int i = 0; i < a->nfe; i++)
        if ((rc = put(xs, tx, fe, a->fe[i].name, a->fe[i].value)))
            return rc;
    return 0;
}

int ts_dev_add(uint16_t domid, const char *type, uint32_t devid, const struct ts_node *be,
               unsigned int nbe, const struct ts_node *fe, unsigned int nfe)
{
    struct xsc *xs = ts_store_client();
    struct add_args a = { domid, type, devid, be, fe, nbe, nfe };
    int rc = -XEN_EAGAIN;

    if (!xs || !serves(type))
        return -ENODEV;
    for (int tries = 0; tries < 16 && rc == -XEN_EAGAIN; tries++) {
        uint32_t tx;
        if ((rc = xsc_tx_start(xs, &tx)))
            return rc;
        rc = add_tx(xs, tx, &a);
        if (rc) {
            xsc_tx_end(xs, tx, false);
        } else {
            rc = xsc_tx_end(xs, tx, true);
        }
    }
    return rc;
}

static void node(struct ts_node *n, const char *name, const char *fmt, const char *v)
{
    n->name = name;
    snprintf(n->value, sizeof(n->value), fmt, v);
}

int ts_dev_add_disk(uint16_t domid, const struct disk_spec *d, char *err, size_t errlen)
{
    struct ts_node be[TS_DEV_MAX_NODES], fe[2];
    unsigned int nb = 0;
    char num[16];
    int rc;

    if (!serves("vbd")) {
        snprintf(err, errlen, "Dom0 has no block backend");
        return -ENODEV;
    }
    if (!d->target) {
        snprintf(err, errlen, "an empty drive (no target) cannot be served");
        return -EINVAL;
    }
    if (backends->disk_check && (rc = backends->disk_check(d, err, errlen)))
        return rc;
    snprintf(num, sizeof(num), "%u", d->devid);
    node(&be[nb++], "params", "%s", d->target);
    node(&be[nb++], "type", "%s", strncmp(d->target, "/dev/", 5) ? "file" : "phy");
    node(&be[nb++], "mode", "%s", d->readonly ? "r" : "w");
    node(&be[nb++], "dev", "%s", d->vdev);
    node(&be[nb++], "device-type", "%s", d->cdrom ? "cdrom" : "disk");
    node(&be[nb++], "removable", "%s", d->cdrom ? "1" : "0");
    node(&be[nb++], "bootable", "%s", "1");
    node(&fe[0], "virtual-device", "%s", num);
    node(&fe[1], "device-type", "%s", d->cdrom ? "cdrom" : "disk");
    rc = ts_dev_add(domid, "vbd", d->devid, be, nb, fe, 2);
    if (rc == -EEXIST)
        snprintf(err, errlen, "domain %u has a disk %s already", domid, d->vdev);
    else if (rc)
        snprintf(err, errlen, "cannot write the device to xenstore (%d)", rc);
    return rc;
}

/* Three random bytes after Xen's 00:16:3e: the clock mixed with the
 * domain and device (xorshift), which is all a MAC needs to be unique on
 * one host's bridge. */
static void random_mac(uint16_t domid, uint32_t devid, uint8_t mac[6])
{
    static uint64_t seed;
    uint64_t x = os_now_ns() ^ os_cycles() ^ seed ^ ((uint64_t)domid << 32) ^ devid;

    for (int i = 0; i < 4; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    seed = x;
    mac[0] = 0x00;
    mac[1] = 0x16;
    mac[2] = 0x3e;
    mac[3] = (uint8_t)(x >> 8) & 0x7f;          /* Xen keeps the top bit clear */
    mac[4] = (uint8_t)(x >> 16);
    mac[5] = (uint8_t)(x >> 24);
}

int ts_dev_add_vif(uint16_t domid, uint32_t devid, const struct vif_spec *v, char *err,
                   size_t errlen)
{
    struct ts_node be[TS_DEV_MAX_NODES], fe[2];
    unsigned int nb = 0;
    uint8_t mac[6];
    char m[24], h[16];
    int rc;

    if (!serves("vif")) {
        snprintf(err, errlen, "Dom0 has no network backend");
        return -ENODEV;
    }
    if (v->mac_given)
        memcpy(mac, v->mac, 6);
    else
        random_mac(domid, devid, mac);
    snprintf(m, sizeof(m), "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
             mac[4], mac[5]);
    snprintf(h, sizeof(h), "%u", devid);
    node(&be[nb++], "mac", "%s", m);
    node(&be[nb++], "bridge", "%s", v->bridge ? v->bridge : "xenbr0");
    node(&be[nb++], "handle", "%s", h);
    node(&be[nb++], "type", "%s", "vif");
    if (v->ip)
        node(&be[nb++], "ip", "%s", v->ip);
    if (v->script)
        node(&be[nb++], "script", "%s", v->script);
    node(&fe[0], "mac", "%s", m);
    node(&fe[1], "handle", "%s", h);
    rc = ts_dev_add(domid, "vif", devid, be, nb, fe, 2);
    if (rc == -EEXIST)
        snprintf(err, errlen, "domain %u has a vif %u already", domid, devid);
    else if (rc)
        snprintf(err, errlen, "cannot write the device to xenstore (%d)", rc);
    return rc;
}

int ts_dev_check_disks(const struct domain_config *cfg)
{
    char err[160];
    int bad = 0;

    if (!backends)                  /* xl without Dom0's wiring (host tests) */
        return 0;
    for (size_t i = 0; i < cfg->ndisks; i++) {
        const struct disk_spec *d = &cfg->disks[i];
        if (!serves("vbd")) {
            fprintf(stderr, "%s:%u: error: disk '%s': Dom0 has no block backend\n",
                    cfg->source, cfg->disk_lines[i], d->vdev);
            bad = -1;
        } else if (!d->target) {
            fprintf(stderr, "%s:%u: error: disk '%s': an empty drive cannot be served\n",
                    cfg->source, cfg->disk_lines[i], d->vdev);
            bad = -1;
        } else if (backends->disk_check && backends->disk_check(d, err, sizeof(err))) {
            fprintf(stderr, "%s:%u: error: disk '%s': %s\n", cfg->source,
                    cfg->disk_lines[i], d->vdev, err);
            bad = -1;
        }
    }
    return bad;
}

int ts_dev_add_config(const struct ts_domain *t)
{
    char err[160];
    int rc;

    if (!backends || !ts_store_client())    /* no wiring, no store: nothing to serve */
        return 0;
    for (size_t i = 0; i < t->cfg.ndisks; i++) {
        if ((rc = ts_dev_add_disk(t->domid, &t->cfg.disks[i], err, sizeof(err)))) {
            fprintf(stderr, "xl: cannot add disk %s to '%s': %s\n", t->cfg.disks[i].vdev,
                    t->name, err);
            return rc;
        }
    }
    for (size_t i = 0; i < t->cfg.nvifs; i++) {
        if (!serves("vif")) {
            /* As before Dom0 had netback: parsed, checked, not served. */
            if (i == 0)
                printf("xl: '%s': Dom0 has no network backend: its vifs are not created\n",
                       t->name);
            break;
        }
        if ((rc = ts_dev_add_vif(t->domid, (uint32_t)i, &t->cfg.vifs[i], err, sizeof(err)))) {
            fprintf(stderr, "xl: cannot add vif %zu to '%s': %s\n", i, t->name, err);
            return rc;
        }
    }
    return 0;
}

/* ---- removing ----------------------------------------------------------------- */

struct wait_closed {
    struct xsc *xs;
    char state[96];
};

static bool closed(void *arg)
{
    struct wait_closed *w = arg;
    char v[8];
    uint32_t len;

    if (xsc_read(w->xs, 0, w->state, v, sizeof(v), &len))
        return true;                            /* gone */
    return !strcmp(v, "6");
}

int ts_dev_remove(uint16_t domid, const char *type, uint32_t devid, bool wait,
                  uint64_t timeout_ns)
{
    struct xsc *xs = ts_store_client();
    struct wait_closed w = { .xs = xs };
    char be[80], fe[80], p[96];
    bool forced = false;
    uint32_t len;
    int rc;

    if (!xs)
        return -ENOENT;
    snprintf(be, sizeof(be), "/local/domain/0/backend/%s/%u/%u", type, domid, devid);
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/%s/%u", domid, type, devid);
    snprintf(w.state, sizeof(w.state), "%s/state", be);
    if (xsc_read(xs, 0, w.state, p, sizeof(p), &len))
        return -ENOENT;
    snprintf(p, sizeof(p), "%s/online", be);
    xsc_write_str(xs, 0, p, "0");
    if (!closed(&w)) {
        xsc_write_str(xs, 0, w.state, "5");
        if (!wait || !os_loop_run_until(closed, &w, os_now_ns() + timeout_ns))
            forced = !closed(&w);
    }
    if ((rc = xsc_rm(xs, 0, fe)) && rc != -XEN_ENOENT)
        return rc;
    if ((rc = xsc_rm(xs, 0, be)) && rc != -XEN_ENOENT)
        return rc;
    /* An emptied /local/domain/D/device/T or backend/T/D goes too. */
    snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%u", type, domid);
    {
        char left[8];
        if (!xsc_directory(xs, 0, p, left, sizeof(left), &len) && !len)
            xsc_rm(xs, 0, p);
    }
    return forced ? 1 : 0;
}

/* ---- listing -------------------------------------------------------------------- */

int ts_dev_list(uint16_t domid, const char *type, uint32_t *devids, unsigned int max)
{
    static char names[XENSTORE_PAYLOAD_MAX];
    struct xsc *xs = ts_store_client();
    char p[80];
    uint32_t len;
    unsigned int n = 0;

    if (!xs)
        return 0;
    snprintf(p, sizeof(p), "/local/domain/%u/device/%s", domid, type);
    if (xsc_directory(xs, 0, p, names, sizeof(names), &len))
        return 0;
    for (uint32_t off = 0; off < len && n < max; off += (uint32_t)strlen(names + off) + 1) {
        char *end;
        unsigned long v = strtoul(names + off, &end, 10);
        if (*end || end == names + off)
            continue;
        /* sorted insert: the listing's order is the store's */
        unsigned int i = n++;
        while (i && devids[i - 1] > v) {
            devids[i] = devids[i - 1];
            i--;
        }
        devids[i] = (uint32_t)v;
    }
    return (int)n;
}

static long read_long(struct xsc *xs, const char *path)
{
    char v[24], *end;
    uint32_t len;
    long n;

    if (xsc_read(xs, 0, path, v, sizeof(v), &len) || !len)
        return -1;
    n = strtol(v, &end, 10);
    return *end ? -1 : n;
}

int ts_dev_info(uint16_t domid, const char *type, uint32_t devid, struct ts_dev_info *info)
{
    struct xsc *xs = ts_store_client();
    char fe[80], p[120];

    if (!xs)
        return -ENOENT;
    snprintf(fe, sizeof(fe), "/local/domain/%u/device/%s/%u", domid, type, devid);
    snprintf(info->be_path, sizeof(info->be_path), "/local/domain/0/backend/%s/%u/%u", type,
             domid, devid);
    snprintf(p, sizeof(p), "%s/state", info->be_path);
    info->be_state = (int)read_long(xs, p);
    snprintf(p, sizeof(p), "%s/state", fe);
    info->fe_state = (int)read_long(xs, p);
    snprintf(p, sizeof(p), "%s/event-channel", fe);
    info->evtch = read_long(xs, p);
    snprintf(p, sizeof(p), "%s/ring-ref", fe);
    info->ring_ref = read_long(xs, p);
    if (info->ring_ref < 0) {                   /* multi-page rings: ring-ref0 */
        snprintf(p, sizeof(p), "%s/ring-ref0", fe);
        info->ring_ref = read_long(xs, p);
    }
    return 0;
}

/* ---- xl block-attach, block-detach, block-list ------------------------------------ */

int xl_cmd_block_attach(int argc, char **argv)
{
    struct xl_opts o;
    struct disk_spec d;
    char spec[512], err[160];
    uint16_t domid;
    int rc, c;

    xl_opts_init(&o, argc, argv, "");
    while ((c = xl_opts_next(&o)) != -1)
        if (c == '?')
            return xl_usage("block-attach");
    if (o.nargs < 2)
        return xl_usage("block-attach");
    if ((rc = xl_find_domain(o.args[0], &domid)))
        return rc;
    /* The spec may come in several arguments: they are its items. */
    if (xl_join_spec("block-attach", "disk", o.args + 1, o.nargs - 1, spec, sizeof(spec)))
        return XL_EXIT_USAGE;
    if (disk_spec_parse(spec, &d, err, sizeof(err))) {
        fprintf(stderr, "xl block-attach: disk '%s': %s\n", spec, err);
        return XL_EXIT_USAGE;
    }
    if (domid == 0) {
        fprintf(stderr, "xl block-attach: domain 0 has no block frontend\n");
        disk_spec_free(&d);
        return XL_EXIT_FAIL;
    }
    rc = ts_dev_add_disk(domid, &d, err, sizeof(err));
    if (rc)
        fprintf(stderr, "xl block-attach: %s\n", err);
    disk_spec_free(&d);
    return rc ? XL_EXIT_FAIL : 0;
}

int xl_cmd_block_detach(int argc, char **argv)
{
    struct xl_opts o;
    uint16_t domid;
    long devid;
    int rc, c;

    xl_opts_init(&o, argc, argv, "");
    while ((c = xl_opts_next(&o)) != -1)
        if (c == '?')
            return xl_usage("block-detach");
    if (o.nargs != 2)
        return xl_usage("block-detach");
    if ((rc = xl_find_domain(o.args[0], &domid)))
        return rc;
    if ((devid = vdev_to_devid(o.args[1])) < 0) {
        fprintf(stderr, "Error: Device %s not connected.\n", o.args[1]);
        return XL_EXIT_FAIL;
    }
    rc = ts_dev_remove(domid, "vbd", (uint32_t)devid, true, TS_DEV_REMOVE_TIMEOUT_NS);
    if (rc < 0) {
        fprintf(stderr, "Error: Device %s not connected.\n", o.args[1]);
        return XL_EXIT_FAIL;
    }
    if (rc == 1)
        printf("xl: the frontend of %s did not close within %llu s: removed by force\n",
               o.args[1], (unsigned long long)(TS_DEV_REMOVE_TIMEOUT_NS / OS_NS_PER_S));
    return 0;
}

int xl_cmd_block_list(int argc, char **argv)
{
    struct xl_opts o;
    uint32_t devids[64];
    int rc, c, status = 0;

    xl_opts_init(&o, argc, argv, "");
    while ((c = xl_opts_next(&o)) != -1)
        if (c == '?')
            return xl_usage("block-list");
    if (o.nargs < 1)
        return xl_usage("block-list");
    printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle", "state", "evt-ch",
           "ring-ref", "BE-path");
    for (int i = 0; i < o.nargs; i++) {
        uint16_t domid;
        if ((rc = xl_find_domain(o.args[i], &domid))) {
            status = rc;
            continue;
        }
        int n = ts_dev_list(domid, "vbd", devids, 64);
        for (int k = 0; k < n; k++) {
            struct ts_dev_info in;
            if (ts_dev_info(domid, "vbd", devids[k], &in))
                continue;
            printf("%-5u %-3d %-6u %-5d %-6ld %-8ld %-30s\n", devids[k], 0, domid, in.be_state,
                   in.evtch, in.ring_ref, in.be_path);
        }
    }
    return status;
}
