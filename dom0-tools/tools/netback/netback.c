/*
 * netback: Dom0's side of every guest network interface (vif).
 *
 *   guest tx ring --netif_tx_take--> grant copy into a frame --> bridge
 *   bridge --vif's xmit--> rx queue --grant copy into a posted buffer--> guest rx ring
 *
 * One vif per backend directory /local/domain/0/backend/vif/<domid>/<n>
 * (written by xl from `vif = [...]` or network-attach); the backend
 * framework (tools/backend/xenbus_be.c) runs the xenbus handshake and
 * calls probe/connect/disconnect/remove.  What we offer the frontend:
 * feature-rx-copy (receive by grant copy: the only receive path Linux's
 * netfront still has), feature-sg (packets of up to 18 slots), nothing
 * else -- no GSO, no checksum offload towards the guest (we always hand
 * over complete checksums, marked NETRXF_data_validated when we computed
 * ourselves), one queue, one event channel.
 *
 * Data moves only by grant copy (os_gnt_copy): a guest's pages are never
 * mapped, only its two ring pages are, for as long as it is connected.
 * So a frontend that dies in the middle of I/O leaves nothing mapped but
 * the rings, which disconnect() (or the domain's destruction, through the
 * framework) unmaps at once; a copy from a grant the guest revoked just
 * fails that one packet.  Checksums a guest left blank
 * (NETTXF_csum_blank) are completed here in software (IPv4 TCP/UDP; any
 * other blank-checksum packet is refused), since neither Dom0's stack,
 * the physical port (no offloads) nor another guest could.
 *
 * Hostile frontends (netif_ring.c has the rules): a broken ring (indexes
 * beyond it, endless chains) disables the vif -- it leaves the bridge,
 * its port is closed, `error` says why -- until the frontend reconnects;
 * a bad packet or grant costs that packet (NETIF_RSP_ERROR).  Fairness:
 * each vif takes at most NETBACK_BUDGET packets per turn of the loop and
 * queues itself again; frames for a guest that posts no receive buffers
 * wait in a queue of NETBACK_RXQ and are dropped beyond it, never
 * delaying anyone else.  MAC spoofing: each vif's bridge port is locked
 * to the MAC xl gave the guest (bridge.c).
 */
#include "netback.h"
#include "netif_ring.h"
#include "bridge.h"
#include "../backend/xenbus_be.h"
#include "os_events.h"
#include "os_grant.h"
#include "os_loop.h"
#include "os_net.h"
#include "os_time.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <inttypes.h>

/* Frame buffers start 8-byte aligned (data first, a multiple of 8 long):
 * the hypervisor's grant copy moves aligned data a word at a time, a
 * misaligned one a byte at a time (five times the instructions). */
#define FRAME_STRIDE 1536

struct rxframe {
    uint8_t data[FRAME_STRIDE];
    uint16_t len, flags;
} __attribute__((aligned(8)));

struct vif {
    char name[16];                      /* vif<domid>.<devid>, as Xen names them */
    uint16_t domid;
    uint32_t devid;
    uint8_t mac[6];
    char bridge[BRIDGE_NAME_MAX];
    struct xb_dev *dev;
    /* while connected */
    bool connected, disabled;
    struct netif_tx_back_ring tx;
    struct netif_rx_back_ring rx;
    void *tx_page, *rx_page;
    unsigned int port;                  /* event channel */
    struct bridge_port *bport;
    struct os_work *tx_work, *rx_work;
    struct rxframe *rxq;                /* NETBACK_RXQ frames */
    unsigned int rxq_head, rxq_len;
    struct netback_vif_stats st;
    uint64_t txerr[TXE_NR];
    char fatal_why[64];
    struct vif *next;
};

static struct vif *vifs;

/* Dom0's own interface on a bridge, and the physical ports joined to it. */
struct brlocal {
    struct bridge *br;
    struct os_net *ifc;
    struct bridge_port *port;
};
#define MAX_BRIDGES 8
static struct brlocal locals[MAX_BRIDGES];

struct uplink {
    struct os_net *net;
    struct bridge_port *port;
};
#define MAX_UPLINKS 4
static struct uplink uplinks[MAX_UPLINKS];

/* The receive flags of the frame being bridged (handlers never run
 * concurrently; a nested bridge_input saves and restores it). */
static uint16_t bridging_flags;

static void bridge_frame(struct bridge_port *in, const void *frame, size_t len, uint16_t flags)
{
    uint16_t saved = bridging_flags;

    bridging_flags = flags;
    bridge_input(in, frame, len, os_now_ns());
    bridging_flags = saved;
}

/* ---- Dom0's interface on a bridge ---------------------------------------- */

static int local_to_dom0(void *arg, const void *frame, size_t len)
{
    struct brlocal *l = arg;

    os_net_soft_receive(l->ifc, frame, len);
    return 0;
}

static int local_from_dom0(void *arg, const void *frame, size_t len)
{
    struct brlocal *l = arg;

    bridge_frame(l->port, frame, len, 0);
    return 0;
}

/* The bridge of that name, with Dom0's interface on it (made on first use). */
static struct brlocal *local_get(const char *name, bool create)
{
    struct bridge *b = bridge_get(name, create);
    unsigned int i;

    if (!b)
        return NULL;
    for (i = 0; i < MAX_BRIDGES && locals[i].br; i++)
        if (locals[i].br == b)
            return &locals[i];
    if (i == MAX_BRIDGES)
        return NULL;
    /* A locally administered address per bridge: 02:16:3e:00:00:<i>. */
    uint8_t mac[6] = { 0x02, 0x16, 0x3e, 0, 0, (uint8_t)i };
    locals[i].br = b;
    locals[i].ifc = os_net_soft_add(name, mac, local_from_dom0, &locals[i]);
    locals[i].port = bridge_port_add(b, "dom0", NULL, local_to_dom0, &locals[i]);
    if (locals[i].port)
        bridge_fdb_add_static(b, mac, locals[i].port);
    if (!locals[i].ifc)
        printf("netback: %s: no interface for Dom0 (the port table is full)\n", name);
    return &locals[i];
}

/* ---- physical ports (bridge addif) ------------------------------------------- */

static void uplink_rx(void *arg, const void *frame, size_t len)
{
    struct uplink *u = arg;

    bridge_frame(u->port, frame, len, 0);
}

static int uplink_xmit(void *arg, const void *frame, size_t len)
{
    struct uplink *u = arg;

    return os_net_send(u->net, frame, len);
}

static int uplink_add(const char *brname, const char *ifname)
{
    struct brlocal *l = local_get(brname, true);
    struct os_net *n = os_net_find(ifname);
    unsigned int i;
    int rc;

    if (!l)
        return -EINVAL;
    if (!n || !strncmp(ifname, "xenbr", 5))
        return -ENODEV;
    for (i = 0; i < MAX_UPLINKS && uplinks[i].net; i++)
        ;
    if (i == MAX_UPLINKS)
        return -ENOSPC;
    uplinks[i].net = n;
    if (!(uplinks[i].port = bridge_port_add(l->br, ifname, NULL, uplink_xmit, &uplinks[i]))) {
        uplinks[i].net = NULL;
        return -ENOSPC;
    }
    if ((rc = os_net_attach(n, uplink_rx, NULL, &uplinks[i]))) {
        bridge_port_del(uplinks[i].port);
        uplinks[i] = (struct uplink){ 0 };
        return rc;                      /* -EBUSY: someone uses the port */
    }
    return 0;
}

static int uplink_del(const char *brname, const char *ifname)
{
    struct bridge *b = bridge_get(brname, false);

    for (unsigned int i = 0; i < MAX_UPLINKS; i++) {
        struct uplink *u = &uplinks[i];
        if (u->net && bridge_port_bridge(u->port) == b && !strcmp(bridge_port_name(u->port), ifname)) {
            os_net_detach(u->net);
            bridge_port_del(u->port);
            *u = (struct uplink){ 0 };
            return 0;
        }
    }
    return -ENOENT;
}

/* ---- the vif's transmit ring: guest -> bridge ------------------------------- */

/* One turn's batch (handlers never run concurrently, so one batch will do). */
static struct netif_txpkt batch[NETBACK_BUDGET];
static uint8_t frames[NETBACK_BUDGET][FRAME_STRIDE] __attribute__((aligned(64)));
static struct os_gnt_copy copies[NETBACK_BUDGET * NETIF_MAX_FRAGS];

static void vif_fatal(struct vif *v, const char *why);

static void notify(struct vif *v, bool yes)
{
    if (yes && v->port)
        os_evtchn_notify(v->port);
}

static void tx_work(void *arg)
{
    struct vif *v = arg;
    unsigned int n = 0, nops = 0;
    const char *why = NULL;
    enum netif_take t = NETIF_NONE;

    if (!v->connected || v->disabled)
        return;
    while (n < NETBACK_BUDGET && (t = netif_tx_take(&v->tx, &batch[n], &why)) == NETIF_PACKET) {
        struct netif_txpkt *p = &batch[n];
        uint32_t at = 0;
        if (!p->error) {
            for (unsigned int i = 0; i < p->nr_frags; i++) {
                copies[nops++] = (struct os_gnt_copy){
                    .dom = v->domid, .ref = p->frag[i].gref, .offset = p->frag[i].offset,
                    .len = p->frag[i].size, .to_grant = false, .buf = frames[n] + at,
                };
                at += p->frag[i].size;
            }
        }
        n++;
    }
    if (t == NETIF_FATAL) {
        vif_fatal(v, why);
        return;
    }
    if (nops)
        os_gnt_copy(copies, nops);

    /* Answer in ring order, then hand the good ones to the bridge. */
    nops = 0;
    for (unsigned int k = 0; k < n; k++) {
        struct netif_txpkt *p = &batch[k];
        int16_t status = NETIF_RSP_OKAY;
        if (p->error) {
            v->txerr[p->error]++;
            status = NETIF_RSP_ERROR;
        } else {
            for (unsigned int i = 0; i < p->nr_frags; i++)
                if (copies[nops++].status && status == NETIF_RSP_OKAY) {
                    v->st.tx_bad_grant++;
                    status = NETIF_RSP_ERROR;
                }
            if (status == NETIF_RSP_OKAY && (p->flags & NETTXF_csum_blank)) {
                if (netif_csum_complete(frames[k], p->len)) {
                    v->st.tx_csum_refused++;
                    status = NETIF_RSP_ERROR;
                } else {
                    v->st.tx_csum++;
                }
            }
        }
        netif_tx_answer(&v->tx, p, status);
        if (status != NETIF_RSP_OKAY) {
            v->st.tx_errors++;
            p->len = 0;                             /* not bridged */
        }
    }
    notify(v, netif_tx_push(&v->tx));
    for (unsigned int k = 0; k < n && v->connected && !v->disabled; k++) {
        struct netif_txpkt *p = &batch[k];
        if (!p->len)
            continue;
        v->st.tx_packets++;
        v->st.tx_bytes += p->len;
        /* Validated for the receiver only if we computed the checksum: a
         * guest's own data_validated claim is not passed on (the receiver
         * checks for itself). */
        bridge_frame(v->bport, frames[k], p->len,
                     (p->flags & NETTXF_csum_blank) ? NETRXF_data_validated : 0);
    }
    if (!v->connected || v->disabled)
        return;
    if (n == NETBACK_BUDGET || netif_tx_more(&v->tx))
        os_work_queue(v->tx_work);
}

/* ---- the vif's receive ring: bridge -> guest ---------------------------------- */

static int vif_xmit(void *arg, const void *frame, size_t len)
{
    struct vif *v = arg;
    struct rxframe *f;

    if (!v->connected || v->disabled)
        return -ENETDOWN;
    if (v->rxq_len == NETBACK_RXQ) {
        v->st.rx_dropped++;
        return -ENOSPC;
    }
    f = &v->rxq[(v->rxq_head + v->rxq_len++) % NETBACK_RXQ];
    f->len = (uint16_t)len;
    f->flags = bridging_flags;
    memcpy(f->data, frame, len);
    os_work_queue(v->rx_work);
    return 0;
}

static void rx_work(void *arg)
{
    struct vif *v = arg;
    struct netif_rx_request req[NETBACK_BUDGET];
    unsigned int n = 0;
    const char *why = NULL;
    enum netif_take t = NETIF_NONE;

    if (!v->connected || v->disabled)
        return;
    while (n < v->rxq_len && n < NETBACK_BUDGET &&
           (t = netif_rx_take(&v->rx, &req[n], &why)) == NETIF_PACKET) {
        struct rxframe *f = &v->rxq[(v->rxq_head + n) % NETBACK_RXQ];
        copies[n] = (struct os_gnt_copy){ .dom = v->domid, .ref = req[n].gref, .offset = 0,
                                          .len = f->len, .to_grant = true, .buf = f->data };
        n++;
    }
    if (t == NETIF_FATAL) {
        vif_fatal(v, why);
        return;
    }
    if (n)
        os_gnt_copy(copies, n);
    for (unsigned int k = 0; k < n; k++) {
        struct rxframe *f = &v->rxq[(v->rxq_head + k) % NETBACK_RXQ];
        if (copies[k].status) {
            v->st.rx_bad_grant++;
            netif_rx_answer(&v->rx, req[k].id, 0, 0, NETIF_RSP_ERROR);
        } else {
            v->st.rx_packets++;
            v->st.rx_bytes += f->len;
            netif_rx_answer(&v->rx, req[k].id, 0, f->flags, (int16_t)f->len);
        }
    }
    v->rxq_head = (v->rxq_head + n) % NETBACK_RXQ;
    v->rxq_len -= n;
    if (n)
        notify(v, netif_rx_push(&v->rx));
    if (!v->rxq_len)
        return;
    if (n == NETBACK_BUDGET) {
        os_work_queue(v->rx_work);              /* more: after the others */
        return;
    }
    /* Out of buffers: ask to be told when the guest posts more, and look
     * once more (it may have posted just before). */
    v->rx.sring->req_event = v->rx.req_cons + 1;
    xen_mb();
    if (v->rx.sring->req_prod != v->rx.req_cons)
        os_work_queue(v->rx_work);
}

static void on_event(void *arg, unsigned int port)
{
    struct vif *v = arg;

    (void)port;
    tx_work(v);
    if (v->rxq_len)
        rx_work(v);
}

/* ---- connection ------------------------------------------------------------ */

static void vif_unhook(struct vif *v)
{
    if (v->bport) {
        bridge_port_del(v->bport);
        v->bport = NULL;
    }
    if (v->port) {
        os_evtchn_close(v->port);
        v->port = 0;
    }
    v->rxq_len = 0;
}

static void vif_fatal(struct vif *v, const char *why)
{
    v->disabled = true;
    v->st.fatal++;
    snprintf(v->fatal_why, sizeof(v->fatal_why), "%s", why);
    printf("netback: %s: %s: disabled until the frontend reconnects\n", v->name, why);
    vif_unhook(v);
    if (v->dev)
        xb_dev_error(v->dev, -EIO, "%s", why);
}

static int parse_mac(const char *s, uint8_t mac[6])
{
    for (int i = 0; i < 6; i++) {
        unsigned int hi, lo;
        char c1 = s[0], c2 = c1 ? s[1] : 0;
#define HEX(c, v) ((c) >= '0' && (c) <= '9' ? ((v) = (unsigned)((c) - '0'), 1) : \
                   (c) >= 'a' && (c) <= 'f' ? ((v) = (unsigned)((c) - 'a' + 10), 1) : \
                   (c) >= 'A' && (c) <= 'F' ? ((v) = (unsigned)((c) - 'A' + 10), 1) : 0)
        if (!HEX(c1, hi) || !HEX(c2, lo))
            return -EINVAL;
#undef HEX
        mac[i] = (uint8_t)(hi << 4 | lo);
        s += 2;
        if (i < 5 && *s++ != ':')
            return -EINVAL;
    }
    return *s ? -EINVAL : 0;
}

static int vif_probe(struct xb_dev *dev)
{
    struct vif *v = calloc(1, sizeof(*v));
    char buf[64];
    int rc;

    if (!v)
        return -ENOMEM;
    v->domid = dev->domid;
    v->devid = dev->devid;
    v->dev = dev;
    snprintf(v->name, sizeof(v->name), "vif%u.%u", (unsigned int)dev->domid,
             (unsigned int)dev->devid);
    if (xb_be_read(dev, "mac", buf, sizeof(buf)) || parse_mac(buf, v->mac)) {
        xb_dev_error(dev, -EINVAL, "no valid mac node (xl always writes one)");
        free(v);
        return -EINVAL;
    }
    /* Read into the larger buffer: a name that does not fit is an error,
     * never a truncated (another) bridge. */
    rc = xb_be_read(dev, "bridge", buf, sizeof(buf));
    if (rc == -ENOENT || (!rc && !buf[0]))
        snprintf(v->bridge, sizeof(v->bridge), "%s", NETBACK_DEFAULT_BRIDGE);
    else if (!rc && strlen(buf) < sizeof(v->bridge))
        snprintf(v->bridge, sizeof(v->bridge), "%s", buf);
    else {
        xb_dev_error(dev, -EINVAL, "bridge name too long (at most %d characters)",
                     BRIDGE_NAME_MAX - 1);
        free(v);
        return -EINVAL;
    }
    if (!local_get(v->bridge, true)) {
        xb_dev_error(dev, -ENOSPC, "bridge '%s': no bridge left (at most 8)", v->bridge);
        free(v);
        return -ENOSPC;
    }
    if (!(v->rxq = malloc(NETBACK_RXQ * sizeof(struct rxframe))) ||
        !(v->tx_work = os_work_new(tx_work, v)) || !(v->rx_work = os_work_new(rx_work, v))) {
        free(v->rxq);
        os_work_free(v->tx_work);
        free(v);
        return -ENOMEM;
    }
    xb_be_printf(dev, "feature-sg", "1");
    xb_be_printf(dev, "feature-rx-copy", "1");
    xb_be_printf(dev, "feature-rx-flip", "0");
    xb_be_printf(dev, "feature-gso-tcpv4", "0");
    xb_be_printf(dev, "feature-gso-tcpv6", "0");
    xb_be_printf(dev, "feature-ipv6-csum-offload", "0");
    xb_be_printf(dev, "hotplug-status", "connected");
    dev->priv = v;
    v->next = vifs;
    vifs = v;
    return 0;
}

static int vif_connect(struct xb_dev *dev)
{
    struct vif *v = dev->priv;
    uint64_t tx_ref, rx_ref, evtchn, rx_copy = 0, queues = 1;
    struct brlocal *l;
    int rc;

    if (!v)
        return -ENODEV;                         /* never probed successfully */
    if ((rc = xb_fe_read_uint(dev, "tx-ring-ref", UINT32_MAX, &tx_ref)) ||
        (rc = xb_fe_read_uint(dev, "rx-ring-ref", UINT32_MAX, &rx_ref)) ||
        (rc = xb_fe_read_uint(dev, "event-channel", UINT32_MAX, &evtchn))) {
        xb_dev_error(dev, rc, "reading the rings and event channel");
        return rc == -ENOENT ? -ENOENT : -EINVAL;
    }
    rc = xb_fe_read_uint(dev, "multi-queue-num-queues", 1, &queues);
    if (rc && rc != -ENOENT) {
        xb_dev_error(dev, -EINVAL, "one queue only (multi-queue-max-queues is not offered)");
        return -EINVAL;
    }
    if (xb_fe_read_uint(dev, "request-rx-copy", 1, &rx_copy) || rx_copy != 1) {
        xb_dev_error(dev, -EOPNOTSUPP, "the frontend must use request-rx-copy");
        return -EOPNOTSUPP;
    }
    if ((rc = os_gnt_map(v->domid, (uint32_t)tx_ref, true, &v->tx_page))) {
        xb_dev_error(dev, rc, "mapping tx ring ref %" PRIu64, tx_ref);
        return rc;
    }
    if ((rc = os_gnt_map(v->domid, (uint32_t)rx_ref, true, &v->rx_page))) {
        xb_dev_error(dev, rc, "mapping rx ring ref %" PRIu64, rx_ref);
        os_gnt_unmap(v->tx_page);
        v->tx_page = NULL;
        return rc;
    }
    /* The frontend initialised the shared indexes; we start where they are
     * (a frontend that lied finds its ring judged by netif_ring.c). */
    struct netif_tx_sring *txs = v->tx_page;
    struct netif_rx_sring *rxs = v->rx_page;
    BACK_RING_ATTACH(&v->tx, txs, txs->rsp_prod, 4096);
    BACK_RING_ATTACH(&v->rx, rxs, rxs->rsp_prod, 4096);
    rc = os_evtchn_bind_interdomain(v->domid, (unsigned int)evtchn, on_event, v);
    if (rc < 0) {
        xb_dev_error(dev, rc, "binding event channel %" PRIu64, evtchn);
        os_gnt_unmap(v->rx_page);
        os_gnt_unmap(v->tx_page);
        v->tx_page = v->rx_page = NULL;
        return rc;
    }
    v->port = (unsigned int)rc;
    l = local_get(v->bridge, true);
    if (!l || !(v->bport = bridge_port_add(l->br, v->name, v->mac, vif_xmit, v))) {
        xb_dev_error(dev, -ENOSPC, "bridge %s is full", v->bridge);
        os_evtchn_close(v->port);
        v->port = 0;
        os_gnt_unmap(v->rx_page);
        os_gnt_unmap(v->tx_page);
        v->tx_page = v->rx_page = NULL;
        return -ENOSPC;
    }
    v->connected = true;
    v->disabled = false;
    v->fatal_why[0] = 0;
    os_work_queue(v->tx_work);                  /* what it queued before we came */
    return 0;
}

static void vif_disconnect(struct xb_dev *dev)
{
    struct vif *v = dev->priv;

    if (!v)
        return;
    v->connected = false;
    vif_unhook(v);
    if (v->tx_page)
        os_gnt_unmap(v->tx_page);
    if (v->rx_page)
        os_gnt_unmap(v->rx_page);
    v->tx_page = v->rx_page = NULL;
}

static void vif_remove(struct xb_dev *dev)
{
    struct vif *v = dev->priv;

    if (!v)
        return;
    if (v->connected)
        vif_disconnect(dev);
    for (struct vif **pp = &vifs; *pp; pp = &(*pp)->next)
        if (*pp == v) {
            *pp = v->next;
            break;
        }
    os_work_free(v->tx_work);
    os_work_free(v->rx_work);
    free(v->rxq);
    free(v);
    dev->priv = NULL;
}

static void vif_describe(struct xb_dev *dev, char *buf, size_t size)
{
    struct vif *v = dev->priv;

    if (!v) {
        snprintf(buf, size, "-");
        return;
    }
    snprintf(buf, size, "%s %02x:%02x:%02x:%02x:%02x:%02x %s%s%s", v->name, v->mac[0],
             v->mac[1], v->mac[2], v->mac[3], v->mac[4], v->mac[5], v->bridge,
             v->disabled ? " disabled: " : "", v->disabled ? v->fatal_why : "");
}

static const struct xb_driver vif_driver = {
    .type = "vif",
    .probe = vif_probe,
    .connect = vif_connect,
    .disconnect = vif_disconnect,
    .remove = vif_remove,
    .describe = vif_describe,
};

/* ---- ageing ---------------------------------------------------------------- */

static struct os_timer *age_timer;

static void age_tick(void *arg)
{
    (void)arg;
    for (unsigned int i = 0; i < MAX_BRIDGES && locals[i].br; i++)
        bridge_age(locals[i].br, os_now_ns());
    os_timer_set(age_timer, os_now_ns() + 10 * OS_NS_PER_S);
}

int netback_init(void)
{
    if (!local_get(NETBACK_DEFAULT_BRIDGE, true))
        return -ENOMEM;
    if ((age_timer = os_timer_new(age_tick, NULL)))
        os_timer_set(age_timer, os_now_ns() + 10 * OS_NS_PER_S);
    return xb_register(&vif_driver);
}

/* ---- shell commands ---------------------------------------------------------- */

int netback_vifs_cmd(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("%-10s %-17s %-8s %-9s %10s %10s %7s %10s %10s %7s\n", "vif", "mac", "bridge",
           "state", "tx_pkts", "tx_bytes", "tx_err", "rx_pkts", "rx_bytes", "rx_drop");
    for (struct vif *v = vifs; v; v = v->next) {
        char mac[18];
        snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", v->mac[0], v->mac[1],
                 v->mac[2], v->mac[3], v->mac[4], v->mac[5]);
        printf("%-10s %-17s %-8s %-9s %10" PRIu64 " %10" PRIu64 " %7" PRIu64 " %10" PRIu64
               " %10" PRIu64 " %7" PRIu64 "\n", v->name, mac, v->bridge,
               v->disabled ? "disabled" : v->connected ? "connected" : "waiting",
               v->st.tx_packets, v->st.tx_bytes, v->st.tx_errors, v->st.rx_packets,
               v->st.rx_bytes, v->st.rx_dropped);
        if (v->st.tx_errors || v->st.tx_csum_refused || v->st.tx_bad_grant || v->st.rx_bad_grant || v->st.fatal) {
            printf("  refused:");
            for (int e = 1; e < TXE_NR; e++)
                if (v->txerr[e])
                    printf(" %s %" PRIu64 ";", netif_txerr_name[e], v->txerr[e]);
            if (v->st.tx_csum_refused)
                printf(" blank checksum not completable %" PRIu64 ";", v->st.tx_csum_refused);
            printf(" bad grants tx %" PRIu64 " rx %" PRIu64 "; checksums completed %" PRIu64
                   "; fatal %" PRIu64 "%s%s\n", v->st.tx_bad_grant, v->st.rx_bad_grant,
                   v->st.tx_csum, v->st.fatal, v->fatal_why[0] ? ": " : "", v->fatal_why);
        }
    }
    return 0;
}

static void fdb_line(void *arg, const uint8_t mac[6], const struct bridge_port *p, uint64_t age)
{
    (void)arg;
    printf("  %02x:%02x:%02x:%02x:%02x:%02x  %-10s %" PRIu64 " ms\n", mac[0], mac[1], mac[2],
           mac[3], mac[4], mac[5], bridge_port_name(p), age / OS_NS_PER_MS);
}

int netback_bridge_cmd(int argc, char **argv)
{
    const char *usage = "usage: bridge [show] | bridge fdb BRIDGE | bridge addif|delif BRIDGE PORT\n";

    if (argc < 2 || !strcmp(argv[1], "show")) {
        for (unsigned int i = 0; i < MAX_BRIDGES && locals[i].br; i++) {
            struct bridge *b = locals[i].br;
            struct bridge_stats st;
            bridge_stats(b, &st);
            printf("%s: forwarded %" PRIu64 ", flooded %" PRIu64 ", filtered %" PRIu64
                   ", %u addresses (learned %" PRIu64 ", moved %" PRIu64 ", aged %" PRIu64 ")\n",
                   bridge_name(b), st.forwarded, st.flooded, st.filtered, st.addresses, st.learned,
                   st.moved, st.aged);
            struct bridge_port *p;
            for (unsigned int k = 0; (p = bridge_port_at(b, k)); k++) {
                struct bridge_port_stats ps;
                bridge_port_stats(p, &ps);
                printf("  port %-10s in %" PRIu64 " out %" PRIu64 " dropped %" PRIu64
                       " spoofed %" PRIu64 " bad %" PRIu64 "\n", bridge_port_name(p),
                       ps.rx_frames, ps.tx_frames, ps.tx_dropped, ps.spoofed,
                       ps.bad_source + ps.runts);
            }
        }
        return 0;
    }
    if (!strcmp(argv[1], "fdb") && argc == 3) {
        struct bridge *b = bridge_get(argv[2], false);
        if (!b) {
            printf("bridge: no bridge %s\n", argv[2]);
            return 1;
        }
        bridge_fdb_walk(b, os_now_ns(), fdb_line, NULL);
        return 0;
    }
    if ((!strcmp(argv[1], "addif") || !strcmp(argv[1], "delif")) && argc == 4) {
        int rc = argv[1][0] == 'a' ? uplink_add(argv[2], argv[3]) : uplink_del(argv[2], argv[3]);
        if (rc) {
            printf("bridge: %s %s %s: %s\n", argv[1], argv[2], argv[3], strerror(-rc));
            return 1;
        }
        return 0;
    }
    printf("%s", usage);
    return 1;
}
