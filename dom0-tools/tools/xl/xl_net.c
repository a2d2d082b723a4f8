/*
 * xl network-attach, network-detach, network-list: the vif twins of the
 * block commands, over the toolstack's device calls (ts_dev.c), which
 * write and remove the same nodes `vif = [...]` does at creation.
 *
 *   network-attach DOMAIN [mac=..., bridge=..., ...]
 *                          a new vif, numbered after the domain's last
 *                          (Xen's devid rule); no mac= gets 00:16:3e:...
 *   network-detach DOMAIN DEVID|MAC
 *                          the frontend is asked to close (online = 0,
 *                          Closing), the vif removed by force after 10 s
 *   network-list DOMAIN... Xen's columns: index, backend domain, MAC,
 *                          handle, state, event channel, tx/rx ring refs,
 *                          backend path
 */
#include "xl.h"
#include "ts_dev.h"
#include "xl_net.h"
#include "ts_store.h"
#include "devspec.h"
#include "xs_client.h"
#include "os_time.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#define MAX_VIFS 64

/* Read a node of a vif's frontend directory into buf ("" if absent). */
static void fe_node(uint16_t domid, uint32_t devid, const char *node, char *buf, size_t size)
{
    struct xsc *xs = ts_store_client();
    char p[96];
    uint32_t len;

    buf[0] = 0;
    snprintf(p, sizeof(p), "/local/domain/%u/device/vif/%u/%s", domid, devid, node);
    if (!xs || xsc_read(xs, 0, p, buf, (uint32_t)size - 1, &len))
        return;
    buf[len < size ? len : size - 1] = 0;
}

int xl_cmd_network_attach(int argc, char **argv)
{
    struct xl_opts o;
    struct vif_spec v;
    uint32_t devids[MAX_VIFS], devid = 0;
    char spec[512], err[160];
    uint16_t domid;
    int rc, c, n;

    xl_opts_init(&o, argc, argv, "");
    while ((c = xl_opts_next(&o)) != -1)
        if (c == '?')
            return xl_usage("network-attach");
    if (o.nargs < 1)
        return xl_usage("network-attach");
    if ((rc = xl_find_domain(o.args[0], &domid)))
        return rc;
    if (xl_join_spec("network-attach", "vif", o.args + 1, o.nargs - 1, spec, sizeof(spec)))
        return XL_EXIT_USAGE;
    if (vif_spec_parse(spec, &v, err, sizeof(err))) {
        fprintf(stderr, "xl network-attach: vif '%s': %s\n", spec, err);
        return XL_EXIT_USAGE;
    }
    if (domid == 0) {
        fprintf(stderr, "xl network-attach: domain 0 has no network frontend\n");
        vif_spec_free(&v);
        return XL_EXIT_FAIL;
    }
    n = ts_dev_list(domid, "vif", devids, MAX_VIFS);
    if (n == MAX_VIFS) {
        fprintf(stderr, "xl network-attach: domain %u has %d vifs already\n", domid, n);
        vif_spec_free(&v);
        return XL_EXIT_FAIL;
    }
    if (n > 0)
        devid = devids[n - 1] + 1;              /* sorted: after the last */
    rc = ts_dev_add_vif(domid, devid, &v, err, sizeof(err));
    if (rc)
        fprintf(stderr, "xl network-attach: %s\n", err);
    vif_spec_free(&v);
    return rc ? XL_EXIT_FAIL : 0;
}

/* A vif of the domain named by its devid or its MAC: 0, or -ENOENT. */
static int find_vif(uint16_t domid, const char *what, uint32_t *devid)
{
    uint32_t devids[MAX_VIFS];
    int n = ts_dev_list(domid, "vif", devids, MAX_VIFS);
    char *end, mac[32];
    unsigned long v = strtoul(what, &end, 10);

    for (int i = 0; i < n; i++) {
        if (!*end && end != what && devids[i] == v) {
            *devid = devids[i];
            return 0;
        }
        fe_node(domid, devids[i], "mac", mac, sizeof(mac));
        if (mac[0] && !strcasecmp(mac, what)) {
            *devid = devids[i];
            return 0;
        }
    }
    return -ENOENT;
}

int xl_cmd_network_detach(int argc, char **argv)
{
    struct xl_opts o;
    uint16_t domid;
    uint32_t devid;
    int rc, c;

    xl_opts_init(&o, argc, argv, "");
    while ((c = xl_opts_next(&o)) != -1)
        if (c == '?')
            return xl_usage("network-detach");
    if (o.nargs != 2)
        return xl_usage("network-detach");
    if ((rc = xl_find_domain(o.args[0], &domid)))
        return rc;
    if (find_vif(domid, o.args[1], &devid)) {
        fprintf(stderr, "Error: Device %s not connected.\n", o.args[1]);
        return XL_EXIT_FAIL;
    }
    rc = ts_dev_remove(domid, "vif", devid, true, TS_DEV_REMOVE_TIMEOUT_NS);
    if (rc < 0) {
        fprintf(stderr, "Error: Device %s not connected.\n", o.args[1]);
        return XL_EXIT_FAIL;
    }
    if (rc == 1)
        printf("xl: the frontend of vif %u did not close within %llu s: removed by force\n",
               devid, (unsigned long long)(TS_DEV_REMOVE_TIMEOUT_NS / OS_NS_PER_S));
    return 0;
}

int xl_cmd_network_list(int argc, char **argv)
{
    struct xl_opts o;
    uint32_t devids[MAX_VIFS];
    int rc, c, status = 0;

    xl_opts_init(&o, argc, argv, "");
    while ((c = xl_opts_next(&o)) != -1)
        if (c == '?')
            return xl_usage("network-list");
    if (o.nargs < 1)
        return xl_usage("network-list");
    printf("%-3s %-3s %-18s %-6s %-5s %-6s %-15s %-30s\n", "Idx", "BE", "Mac Addr.", "handle",
           "state", "evt-ch", "tx-/rx-ring-ref", "BE-path");
    for (int i = 0; i < o.nargs; i++) {
        uint16_t domid;
        if ((rc = xl_find_domain(o.args[i], &domid))) {
            status = rc;
            continue;
        }
        int n = ts_dev_list(domid, "vif", devids, MAX_VIFS);
        for (int k = 0; k < n; k++) {
            struct ts_dev_info in;
            char mac[32], tx[16], rx[16], rings[34];
            if (ts_dev_info(domid, "vif", devids[k], &in))
                continue;
            fe_node(domid, devids[k], "mac", mac, sizeof(mac));
            fe_node(domid, devids[k], "tx-ring-ref", tx, sizeof(tx));
            fe_node(domid, devids[k], "rx-ring-ref", rx, sizeof(rx));
            snprintf(rings, sizeof(rings), "%s/%s", tx[0] ? tx : "-1", rx[0] ? rx : "-1");
            printf("%-3u %-3d %-18s %-6u %-5d %-6ld %-15s %-30s\n", devids[k], 0,
                   mac[0] ? mac : "-", devids[k], in.be_state, in.evtch, rings, in.be_path);
        }
    }
    return status;
}
