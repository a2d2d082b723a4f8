/*
 * dhcpd: Dom0's DHCP server, so that a guest given a vif on xenbr0 gets
 * its address over the network as on any hypervisor (Linux's udhcpc, the
 * test guests' own client) instead of having one typed into it.
 *
 * Why in Dom0 and why this shape.  Xen's toolstack leaves addresses to the
 * administrator's DHCP server on the bridge (dnsmasq on xenbr0 in most
 * setups).  Mica's Dom0 has no general network stack: its tools talk
 * Ethernet frames to ports (os_net.h).  So the server is a tool like the
 * others: it *listens* on Dom0's interface on the bridge (os_net_listen:
 * it sees every frame the bridge hands Dom0, as a packet socket would,
 * while `net ping -i xenbr0` may be the port's receiver meanwhile), and
 * it sends its replies through the same port; the bridge carries them to
 * the guests.  It holds the server address (10.0.3.1 by default) on that
 * port, so it also answers ARP for it (a client renews its lease by
 * unicast to the server) and ICMP echo (a guest can ping Dom0).
 *
 * The work is done by the pure parts (dhcp.h): dhcp_msg.c checks every
 * frame down to the DHCP options and builds the replies, dhcp_server.c
 * keeps the leases and decides.  This file adds what the OS interface
 * gives: the port, the clock, the configuration file, and the shell's
 * `dhcpd` command.  Everything runs inside the port's receive call in
 * Dom0's main loop; a message costs at most a scan of the lease table
 * (288 entries), and netback's per-vif budget already shares the loop
 * between flooding guests, so a flood costs Dom0 time in proportion and
 * nothing else.  One more check happens here because only here is the
 * frame known: a message's chaddr must be the frame's source MAC (no
 * relay agents on Dom0's bridges, and the bridge locks each vif to its
 * MAC: a guest asks for itself only).
 *
 * Started at boot after netback (dom0_main) with /etc/dhcpd.conf, or the
 * defaults when there is none; a bad file is reported and the server
 * does not start.  The lease table lives in memory: a Dom0 reboot
 * forgets it (clients then rebind to the same address: INIT-REBOOT
 * requests for a free address are granted).
 *
 *   dhcpd [status]        configuration and counters
 *   dhcpd leases          the lease table (addresses offered, bound, held)
 *   dhcpd start [FILE]    start (FILE, else /etc/dhcpd.conf or the defaults)
 *   dhcpd stop            stop serving; the leases are forgotten
 *   dhcpd check FILE      parse a configuration file, say what it gives
 */
#include "dhcpd.h"
#include "dhcp.h"
#include "os_net.h"
#include "os_time.h"
#include "os_files.h"
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <inttypes.h>

#define DEFAULT_CONF "/etc/dhcpd.conf"

static struct {
    bool running;
    struct os_net *port;
    uint8_t mac[6];
    char conf[64];                      /* where the configuration came from */
    uint64_t started_ns;
    struct dhcp_server srv;
} D;

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

static void fmt_ip(uint32_t ip, char out[16])
{
    snprintf(out, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

static void rx(void *arg, const void *frame, size_t len)
{
    static uint8_t out[DHCP_FRAME_MAX];
    struct dhcp_stats *st = &D.srv.st;
    const uint32_t us = D.srv.cfg.server;
    struct dhcp_reply_params rp;
    struct dhcp_frame fr;
    struct dhcp_msg m;
    enum dhcp_bad bad;
    size_t n;
    bool udp;

    (void)arg;
    if ((n = dhcp_answer_arp(frame, len, D.mac, us, out))) {
        st->arp++;
        os_net_send(D.port, out, n);
        return;
    }
    if ((n = dhcp_answer_echo(frame, len, D.mac, us, out))) {
        st->echo++;
        os_net_send(D.port, out, n);
        return;
    }
    if ((bad = dhcp_frame_udp(frame, len, &fr, &udp))) {
        st->bad[bad]++;
        return;
    }
    if (!udp || fr.dst_port != DHCP_SERVER_PORT || (fr.dst_ip != 0xffffffffu && fr.dst_ip != us))
        return;
    if ((bad = dhcp_parse(fr.payload, fr.payload_len, &m)) == DHCP_OK) {
        if (memcmp(m.chaddr, fr.src_mac, 6))
            bad = DHCP_BAD_SPOOF;
        else if (m.giaddr)
            bad = DHCP_BAD_RELAY;
    }
    if (bad) {
        st->bad[bad]++;
        return;
    }
    uint8_t type = dhcp_handle(&D.srv, &m, os_now_ns(), &rp);
    if (!type)
        return;
    uint8_t msg[DHCP_REPLY_MAX + 64];
    size_t ml = dhcp_build_reply(msg, &m, type, &rp);
    /* RFC 2131 4.1: a NAK is broadcast; a client with an address (renewing,
     * INFORM) gets unicast there; one that asked for broadcast gets it;
     * otherwise unicast to the address offered, at its MAC. */
    const uint8_t *dmac = m.chaddr;
    uint32_t dip;
    if (type == DHCPNAK)
        dmac = bcast, dip = 0xffffffffu;
    else if (m.ciaddr)
        dip = m.ciaddr;
    else if (m.flags & 0x8000)
        dmac = bcast, dip = 0xffffffffu;
    else
        dip = rp.yiaddr;
    n = dhcp_frame_build(out, D.mac, dmac, us, dip, msg, ml);
    os_net_send(D.port, out, n);
}

static int load(const char *path, struct dhcp_config *c, bool missing_ok)
{
    const void *data;
    size_t len;
    char err[160];
    int rc;

    dhcp_config_default(c);
    if ((rc = os_file_load(path, &data, &len))) {
        if (missing_ok && rc == -ENOENT)
            return 0;
        printf("dhcpd: %s: %s\n", path, strerror(-rc));
        return rc;
    }
    rc = dhcp_config_parse(data, len, c, err, sizeof(err));
    os_file_unload(data);
    if (rc)
        printf("dhcpd: %s: %s\n", path, err);
    return rc;
}

static int start(const char *path, bool missing_ok)
{
    struct dhcp_config c;
    struct os_net_info in;
    struct os_net *port;
    int rc;

    if ((rc = load(path, &c, missing_ok)))
        return rc;
    if (!(port = os_net_find(c.ifname))) {
        printf("dhcpd: %s: no such interface (net list shows them)\n", c.ifname);
        return -ENODEV;
    }
    dhcp_server_init(&D.srv, &c);
    if ((rc = os_net_listen(port, rx, NULL))) {
        printf("dhcpd: %s: cannot listen (%s)\n", c.ifname, strerror(-rc));
        return rc;
    }
    os_net_info(port, &in);
    memcpy(D.mac, in.mac, 6);
    D.port = port;
    snprintf(D.conf, sizeof(D.conf), "%s", path);
    D.started_ns = os_now_ns();
    D.running = true;
    return 0;
}

static void stop(void)
{
    if (!D.running)
        return;
    os_net_unlisten(D.port, rx, NULL);
    D.running = false;
}

int dhcpd_init(void)
{
    return start(DEFAULT_CONF, true);
}

static const char *state_name(const struct dhcp_lease *l)
{
    static const char *const names[] = { "free", "offered", "bound", "declined" };
    return names[l->state];
}

static void show_config(const struct dhcp_config *c)
{
    char a[16], m[16], f[16], l[16], r[16], d[16];

    fmt_ip(c->server, a);
    fmt_ip(c->netmask, m);
    fmt_ip(c->pool_first, f);
    fmt_ip(c->pool_last, l);
    fmt_ip(c->router, r);
    fmt_ip(c->dns, d);
    printf("dhcpd: %s as %s netmask %s, pool %s-%s (%u), %u reservations, leases of %u s, "
           "router %s, dns %s\n", c->ifname, a, m, f, l, c->pool_last - c->pool_first + 1,
           c->nhosts, c->lease_s, c->router ? r : "none", c->dns ? d : "none");
}

static void show_status(void)
{
    const struct dhcp_stats *st = &D.srv.st;
    unsigned int bound = 0, offered = 0;

    dhcp_expire(&D.srv, os_now_ns());
    for (unsigned int i = 0; i < D.srv.nleases; i++) {
        bound += D.srv.leases[i].state == LEASE_BOUND;
        offered += D.srv.leases[i].state == LEASE_OFFERED;
    }
    show_config(&D.srv.cfg);
    printf("  configuration: %s\n", D.conf);
    printf("  leases: %u bound, %u offered\n", bound, offered);
    printf("  in: discover %" PRIu64 " request %" PRIu64 " decline %" PRIu64 " release %"
           PRIu64 " inform %" PRIu64 "\n", st->in[DHCPDISCOVER], st->in[DHCPREQUEST],
           st->in[DHCPDECLINE], st->in[DHCPRELEASE], st->in[DHCPINFORM]);
    printf("  out: offer %" PRIu64 " ack %" PRIu64 " nak %" PRIu64 "; arp %" PRIu64
           " echo %" PRIu64 "\n", st->offers, st->acks, st->naks, st->arp, st->echo);
    printf("  pool exhausted %" PRIu64 ", offers reclaimed %" PRIu64 ", expired %" PRIu64
           ", other server chosen %" PRIu64 "\n", st->exhausted, st->reclaimed, st->expired,
           st->not_ours);
    printf("  dropped:");
    for (int b = 1; b < DHCP_BAD_NR; b++)
        printf(" %s %" PRIu64 "%s", dhcp_bad_names[b], st->bad[b], b + 1 < DHCP_BAD_NR ? "," : "");
    printf("\n");
}

static void show_leases(void)
{
    uint64_t now = os_now_ns();
    unsigned int shown = 0;

    dhcp_expire(&D.srv, now);
    printf("IP               MAC                STATE     EXPIRES  HOST\n");
    for (unsigned int i = 0; i < D.srv.nleases; i++) {
        const struct dhcp_lease *l = &D.srv.leases[i];
        char a[16], exp[16];
        if (!l->known && l->state == LEASE_FREE)
            continue;
        fmt_ip(l->ip, a);
        if (l->state == LEASE_FREE)
            strcpy(exp, "-");
        else
            snprintf(exp, sizeof(exp), "%" PRIu64 "s", (l->expires_ns - now + 999999999) /
                     1000000000u);
        printf("%-16s %02x:%02x:%02x:%02x:%02x:%02x  %-8s  %7s  %s%s\n", a, l->mac[0],
               l->mac[1], l->mac[2], l->mac[3], l->mac[4], l->mac[5], state_name(l), exp,
               l->hostname[0] ? l->hostname : "-", l->reserved ? " (reserved)" : "");
        shown++;
    }
    if (!shown)
        printf("(none)\n");
}

int dhcpd_shell_cmd(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : "status";

    if (!strcmp(cmd, "status") && argc <= 2) {
        if (!D.running) {
            printf("dhcpd: not running (dhcpd start)\n");
            return 1;
        }
        show_status();
        return 0;
    }
    if (!strcmp(cmd, "leases") && argc == 2) {
        if (!D.running) {
            printf("dhcpd: not running (dhcpd start)\n");
            return 1;
        }
        show_leases();
        return 0;
    }
    if (!strcmp(cmd, "start") && argc <= 3) {
        if (D.running) {
            printf("dhcpd: already running (dhcpd stop first)\n");
            return 1;
        }
        if (start(argc == 3 ? argv[2] : DEFAULT_CONF, argc == 2))
            return 1;
        show_config(&D.srv.cfg);
        return 0;
    }
    if (!strcmp(cmd, "stop") && argc == 2) {
        if (!D.running) {
            printf("dhcpd: not running\n");
            return 1;
        }
        stop();
        printf("dhcpd: stopped\n");
        return 0;
    }
    if (!strcmp(cmd, "check") && argc == 3) {
        struct dhcp_config c;
        if (load(argv[2], &c, false))
            return 1;
        show_config(&c);
        return 0;
    }
    printf("usage: dhcpd [status] | leases | start [FILE] | stop | check FILE\n");
    return 2;
}
