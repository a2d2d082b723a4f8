/*
 * net: the shell's view of Dom0's network ports, over the os_net.h
 * interface only (the calls netback's bridge will make), with just enough
 * IPv4 to talk to QEMU's user-mode network: ARP (asking, and answering for
 * our address), ICMP echo, and one UDP exchange (DHCP discover/offer).
 * Used by people, by the QEMU tests (tests/dom0/net*.session: QEMU runs
 * `-netdev user,restrict=on`, so nothing leaves this machine; its gateway
 * 10.0.2.2 answers ARP, echo requests and DHCP) and by `make bench`.
 *
 *   net [list]                          the ports
 *   net info DEV                        MAC, link, statistics
 *   net ping [-c N] [-i DEV] [-a IP] ADDR
 *                                       ARP for ADDR (or the gateway
 *                                       10.0.2.2 when ADDR is outside
 *                                       10.0.2.0/24), then N echo requests
 *                                       (3), one at a time, 1 s each
 *   net dhcp [-i DEV]                   DHCPDISCOVER from 0.0.0.0:68, the
 *                                       OFFER's address, server and router
 *   net bench [-i DEV] N                N echo round trips one at a time,
 *                                       N back to back with 32 in flight,
 *                                       BENCH lines: busy cycles (less the
 *                                       idle ones: instructions under
 *                                       -icount) and elapsed ns
 *
 * Our address is 10.0.2.15 (QEMU's default for the first guest) unless -a
 * says otherwise.  Everything received is checked before use: lengths
 * against the frame, the IPv4 header's version, length and checksum.
 */
#include "net.h"
#include "os_net.h"
#include "os_loop.h"
#include "os_time.h"
#include "os_term.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <inttypes.h>

#define ETH_ARP     0x0806
#define ETH_IP      0x0800
#define GATEWAY     0x0a000202u     /* 10.0.2.2 */
#define OUR_DEFAULT 0x0a00020fu     /* 10.0.2.15 */
#define NETMASK     0xffffff00u
#define PING_ID     0x4d49
#define MAX_WINDOW  32

struct sess {
    struct os_net *port;
    uint8_t mac[6];
    uint32_t ip;
    /* ARP */
    uint32_t arp_ip;
    bool arp_ok;
    uint8_t arp_mac[6];
    /* ICMP */
    uint32_t ping_ip;
    uint16_t replies_for;       /* seq expected (window 1) */
    uint64_t replies;           /* echo replies received */
    uint8_t last_ttl;
    /* DHCP */
    uint32_t xid;
    bool offer;
    uint32_t offer_ip, offer_server, offer_router;
    uint64_t ignored;
};

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static uint16_t csum(const uint8_t *p, size_t n)
{
    uint32_t s = 0;

    for (size_t i = 0; i + 1 < n; i += 2)
        s += be16(p + i);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static void fmt_ip(uint32_t ip, char out[16])
{
    snprintf(out, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

static bool parse_ip(const char *s, uint32_t *ip)
{
    unsigned int a[4], n = 0;

    for (int i = 0; i < 4; i++) {
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (end == s || v > 255 || (i < 3 && *end != '.') || (i == 3 && *end))
            return false;
        a[n++] = (unsigned int)v;
        s = end + 1;
    }
    *ip = a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3];
    return true;
}

static void eth_header(struct sess *s, uint8_t *f, const uint8_t *dst, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, s->mac, 6);
    put16(f + 12, type);
}

static int send_arp(struct sess *s, uint16_t op, const uint8_t *tha, uint32_t tip)
{
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    uint8_t f[60] = { 0 };

    eth_header(s, f, op == 1 ? bcast : tha, ETH_ARP);
    put16(f + 14, 1);               /* Ethernet */
    put16(f + 16, ETH_IP);
    f[18] = 6;
    f[19] = 4;
    put16(f + 20, op);
    memcpy(f + 22, s->mac, 6);
    put32(f + 28, s->ip);
    if (op == 2)
        memcpy(f + 32, tha, 6);
    put32(f + 38, tip);
    return os_net_send(s->port, f, sizeof(f));
}

/* An IPv4 packet of `plen` payload bytes at f + 34 (built by the caller). */
static int send_ip(struct sess *s, uint8_t *f, const uint8_t *dmac, uint8_t proto,
                   uint32_t src, uint32_t dst, size_t plen)
{
    static uint16_t ident;
    uint8_t *ip = f + 14;

    eth_header(s, f, dmac, ETH_IP);
    ip[0] = 0x45;
    ip[1] = 0;
    put16(ip + 2, (uint16_t)(20 + plen));
    put16(ip + 4, ident++);
    put16(ip + 6, 0x4000);          /* don't fragment */
    ip[8] = 64;
    ip[9] = proto;
    put16(ip + 10, 0);
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, csum(ip, 20));
    size_t len = 34 + plen;
    return os_net_send(s->port, f, len < 60 ? 60 : len);
}

static int send_echo(struct sess *s, uint16_t seq)
{
    uint8_t f[14 + 20 + 64] = { 0 };
    uint8_t *icmp = f + 34;

    icmp[0] = 8;                    /* echo request */
    put16(icmp + 4, PING_ID);
    put16(icmp + 6, seq);
    for (int i = 8; i < 64; i++)
        icmp[i] = (uint8_t)i;
    put16(icmp + 2, csum(icmp, 64));
    return send_ip(s, f, s->arp_mac, 1, s->ip, s->ping_ip, 64);
}

static void rx_arp(struct sess *s, const uint8_t *f, size_t len)
{
    if (len < 42 || be16(f + 14) != 1 || be16(f + 16) != ETH_IP || f[18] != 6 || f[19] != 4)
        return;
    uint16_t op = be16(f + 20);
    uint32_t sip = be32(f + 28), tip = be32(f + 38);
    if (op == 2 && sip == s->arp_ip && tip == s->ip) {
        memcpy(s->arp_mac, f + 22, 6);
        s->arp_ok = true;
    } else if (op == 1 && tip == s->ip && s->ip) {
        send_arp(s, 2, f + 22, sip);
    }
}

static void rx_dhcp(struct sess *s, const uint8_t *d, size_t n)
{
    if (n < 240 || d[0] != 2 || be32(d + 4) != s->xid || be32(d + 236) != 0x63825363)
        return;
    uint32_t yiaddr = be32(d + 16);
    bool is_offer = false;
    uint32_t server = 0, router = 0;
    for (size_t i = 240; i < n && d[i] != 255;) {
        if (d[i] == 0) {
            i++;
            continue;
        }
        if (i + 2 > n || i + 2 + d[i + 1] > n)
            return;
        uint8_t opt = d[i], olen = d[i + 1];
        const uint8_t *v = d + i + 2;
        if (opt == 53 && olen == 1 && v[0] == 2)
            is_offer = true;
        else if (opt == 54 && olen == 4)
            server = be32(v);
        else if (opt == 3 && olen >= 4)
            router = be32(v);
        i += 2u + olen;
    }
    if (!is_offer)
        return;
    s->offer = true;
    s->offer_ip = yiaddr;
    s->offer_server = server;
    s->offer_router = router;
}

static void rx_ip(struct sess *s, const uint8_t *f, size_t len)
{
    const uint8_t *ip = f + 14;

    if (len < 34 || (ip[0] >> 4) != 4 || (ip[0] & 15) < 5)
        return;
    size_t hl = (size_t)(ip[0] & 15) * 4, tl = be16(ip + 2);
    if (tl < hl || 14 + tl > len || csum(ip, hl) != 0)
        return;
    uint32_t dst = be32(ip + 16);
    if (dst != s->ip && dst != 0xffffffffu)
        return;
    const uint8_t *p = ip + hl;
    size_t pl = tl - hl;
    if (ip[9] == 1 && pl >= 8 && p[0] == 0 && be16(p + 4) == PING_ID &&
        be32(ip + 12) == s->ping_ip && csum(p, pl) == 0) {
        s->replies++;
        s->replies_for = be16(p + 6);
        s->last_ttl = ip[8];
    } else if (ip[9] == 17 && pl >= 8 && be16(p + 2) == 68 && be16(p + 4) <= pl) {
        rx_dhcp(s, p + 8, be16(p + 4) - 8u);
    }
}

static void rx(void *arg, const void *frame, size_t len)
{
    struct sess *s = arg;
    const uint8_t *f = frame;

    if (memcmp(f, s->mac, 6) && !(f[0] & 1)) {
        s->ignored++;
        return;
    }
    if (be16(f + 12) == ETH_ARP)
        rx_arp(s, f, len);
    else if (be16(f + 12) == ETH_IP)
        rx_ip(s, f, len);
    else
        s->ignored++;
}

static int open_port(struct sess *s, const char *dev, uint32_t ip)
{
    struct os_net_info in;
    int rc;

    memset(s, 0, sizeof(*s));
    if (!(s->port = os_net_find(dev))) {
        printf("net: %s: no such port (net list shows them)\n", dev);
        return -ENODEV;
    }
    os_net_info(s->port, &in);
    memcpy(s->mac, in.mac, 6);
    s->ip = ip;
    if ((rc = os_net_attach(s->port, rx, NULL, s)))
        printf("net: %s is in use\n", dev);
    return rc;
}

static bool arp_answered(void *arg) { return ((struct sess *)arg)->arp_ok; }

/* Find the MAC of the next hop to ip: 0 or -EHOSTUNREACH. */
static int resolve(struct sess *s, uint32_t ip)
{
    uint32_t hop = (ip & NETMASK) == (s->ip & NETMASK) ? ip : GATEWAY;

    s->arp_ip = hop;
    s->arp_ok = false;
    for (int tries = 0; tries < 3 && !s->arp_ok; tries++) {
        int rc = send_arp(s, 1, NULL, hop);
        if (rc) {
            printf("net: sending ARP: %s\n", strerror(-rc));
            return rc;
        }
        os_loop_run_until(arp_answered, s, os_now_ns() + OS_NS_PER_S);
    }
    if (!s->arp_ok) {
        char a[16];
        fmt_ip(hop, a);
        printf("net: %s: no ARP answer\n", a);
        return -EHOSTUNREACH;
    }
    return 0;
}

struct wait_reply {
    struct sess *s;
    uint64_t want;
};

static bool replied(void *arg)
{
    struct wait_reply *w = arg;

    return w->s->replies >= w->want || os_term_interrupted();
}

static int cmd_ping(struct sess *s, uint32_t dst, unsigned int count)
{
    char a[16];
    unsigned int got = 0;

    fmt_ip(dst, a);
    s->ping_ip = dst;
    if (resolve(s, dst))
        return 1;
    printf("PING %s: 56 data bytes\n", a);
    for (unsigned int seq = 0; seq < count; seq++) {
        struct wait_reply w = { s, s->replies + 1 };
        int rc = send_echo(s, (uint16_t)seq);
        if (rc) {
            printf("net: send: %s\n", strerror(-rc));
            break;
        }
        if (os_loop_run_until(replied, &w, os_now_ns() + OS_NS_PER_S) &&
            s->replies >= w.want && s->replies_for == seq) {
            printf("64 bytes from %s: icmp_seq=%u ttl=%u\n", a, seq, s->last_ttl);
            got++;
        }
    }
    printf("--- %s ping statistics ---\n", a);
    printf("%u packets transmitted, %u received, %u%% packet loss\n", count, got,
           count ? (count - got) * 100 / count : 0);
    return got == count ? 0 : 1;
}

static bool offered(void *arg) { return ((struct sess *)arg)->offer; }

static int cmd_dhcp(struct sess *s)
{
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    uint8_t f[14 + 20 + 8 + 300] = { 0 };
    uint8_t *udp = f + 34, *d = udp + 8;
    char a[16], b[16], c[16];

    s->xid = 0x4d494341u ^ (uint32_t)os_cycles();
    d[0] = 1;                       /* BOOTREQUEST */
    d[1] = 1;
    d[2] = 6;
    put32(d + 4, s->xid);
    put16(d + 10, 0x8000);          /* broadcast reply */
    memcpy(d + 28, s->mac, 6);
    put32(d + 236, 0x63825363);
    size_t o = 240;
    d[o++] = 53, d[o++] = 1, d[o++] = 1;            /* DHCPDISCOVER */
    d[o++] = 55, d[o++] = 2, d[o++] = 1, d[o++] = 3; /* subnet, router */
    d[o++] = 255;
    size_t dl = 300;
    put16(udp, 68);
    put16(udp + 2, 67);
    put16(udp + 4, (uint16_t)(8 + dl));
    put16(udp + 6, 0);              /* no checksum (allowed over IPv4) */
    for (int tries = 0; tries < 3 && !s->offer; tries++) {
        int rc = send_ip(s, f, bcast, 17, 0, 0xffffffffu, 8 + dl);
        if (rc) {
            printf("net: send: %s\n", strerror(-rc));
            return 1;
        }
        os_loop_run_until(offered, s, os_now_ns() + OS_NS_PER_S);
    }
    if (!s->offer) {
        printf("net: no DHCP offer\n");
        return 1;
    }
    fmt_ip(s->offer_ip, a);
    fmt_ip(s->offer_server, b);
    if (s->offer_router)
        fmt_ip(s->offer_router, c);
    else
        strcpy(c, "none");      /* QEMU's restricted network offers no route */
    printf("DHCP offer: %s from server %s, router %s\n", a, b, c);
    return 0;
}

static int cmd_bench(struct sess *s, unsigned int n)
{
    uint64_t c0, i0, t0;

    s->ping_ip = GATEWAY;
    if (resolve(s, GATEWAY))
        return 1;
    /* Round trips one at a time: a transmit, a receive, two interrupts. */
    c0 = os_cycles();
    i0 = os_idle_cycles();
    t0 = os_now_ns();
    for (unsigned int i = 0; i < n; i++) {
        struct wait_reply w = { s, s->replies + 1 };
        if (send_echo(s, (uint16_t)i) ||
            !os_loop_run_until(replied, &w, os_now_ns() + OS_NS_PER_S)) {
            printf("net: bench: echo %u got no reply\n", i);
            return 1;
        }
    }
    printf("BENCH net.ping_rtt %" PRIu64 ".00\n",
           (os_cycles() - c0 - (os_idle_cycles() - i0)) / n);
    printf("BENCH net.ping_rtt_ns %" PRIu64 ".00\n", (os_now_ns() - t0) / n);
    /* Packets per second: echo requests kept MAX_WINDOW in flight; each
     * reply is a received packet, each request a sent one. */
    uint64_t start = s->replies, sent = 0;
    c0 = os_cycles();
    i0 = os_idle_cycles();
    t0 = os_now_ns();
    while (s->replies - start < n) {
        struct wait_reply w = { s, s->replies + 1 };
        while (sent < n && sent - (s->replies - start) < MAX_WINDOW) {
            if (send_echo(s, (uint16_t)sent))
                break;
            sent++;
        }
        if (!os_loop_run_until(replied, &w, os_now_ns() + OS_NS_PER_S)) {
            printf("net: bench: flood lost replies (%" PRIu64 " of %u back)\n",
                   s->replies - start, n);
            return 1;
        }
    }
    uint64_t packets = 2ull * n;
    printf("BENCH net.echo_flood_per_packet %" PRIu64 ".00\n",
           (os_cycles() - c0 - (os_idle_cycles() - i0)) / packets);
    printf("BENCH net.echo_flood_ns_per_packet %" PRIu64 ".00\n", (os_now_ns() - t0) / packets);
    return 0;
}

int net_main(int argc, char **argv)
{
    static struct sess s;
    const char *dev = "eth0";
    uint32_t ip = OUR_DEFAULT, dst = 0;
    unsigned long count = 3;
    int i = 2, rc;

    if (argc < 2 || !strcmp(argv[1], "list")) {
        unsigned int n = os_net_count();
        if (n == 0) {
            printf("net: no network ports\n");
            return 1;
        }
        printf("NAME  DRIVER      MAC                LINK  MTU\n");
        for (unsigned int k = 0; k < n; k++) {
            struct os_net_info in;
            os_net_info(os_net_get(k), &in);
            printf("%-5s %-10s  %02x:%02x:%02x:%02x:%02x:%02x  %-4s  %u\n", in.name,
                   in.driver, in.mac[0], in.mac[1], in.mac[2], in.mac[3], in.mac[4],
                   in.mac[5], in.link_up ? "up" : "down", in.mtu);
        }
        return 0;
    }
    if (!strcmp(argv[1], "info")) {
        struct os_net *p = argc == 3 ? os_net_find(argv[2]) : NULL;
        struct os_net_info in;
        struct os_net_stats st;
        if (argc != 3) {
            printf("usage: net info DEV\n");
            return 2;
        }
        if (!p) {
            printf("net: %s: no such port\n", argv[2]);
            return 1;
        }
        os_net_info(p, &in);
        os_net_stats(p, &st);
        printf("%s: %s, MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s, MTU %u, %u transmit "
               "buffers\n", in.name, in.driver, in.mac[0], in.mac[1], in.mac[2], in.mac[3],
               in.mac[4], in.mac[5], in.link_up ? "up" : "down", in.mtu, in.tx_slots);
        printf("  rx: %" PRIu64 " packets, %" PRIu64 " bytes, %" PRIu64 " dropped, %" PRIu64
               " errors\n", st.rx_packets, st.rx_bytes, st.rx_dropped, st.rx_errors);
        printf("  tx: %" PRIu64 " packets, %" PRIu64 " bytes, %" PRIu64 " busy, %u in flight\n",
               st.tx_packets, st.tx_bytes, st.tx_busy, st.tx_inflight);
        printf("  interrupts: %" PRIu64 " ours, %" PRIu64 " not ours; link changes %" PRIu64
               "\n", st.interrupts, st.spurious, st.link_changes);
        return 0;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "ping") && strcmp(cmd, "dhcp") && strcmp(cmd, "bench")) {
        printf("usage: net [list] | info DEV | ping [-c N] [-i DEV] [-a IP] ADDR | "
               "dhcp [-i DEV] | bench [-i DEV] N\n");
        return 2;
    }
    for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
        char *end;
        if (!strcmp(argv[i], "-i")) {
            dev = argv[i + 1];
        } else if (!strcmp(argv[i], "-a") && parse_ip(argv[i + 1], &ip)) {
        } else if (!strcmp(argv[i], "-c") && (count = strtoul(argv[i + 1], &end, 10)) >= 1 &&
                   count <= 10000 && !*end) {
        } else {
            printf("net: bad option %s %s\n", argv[i], argv[i + 1]);
            return 2;
        }
    }
    unsigned long n = 0;
    if (!strcmp(cmd, "ping") && (i + 1 != argc || !parse_ip(argv[i], &dst))) {
        printf("usage: net ping [-c N] [-i DEV] [-a IP] ADDR\n");
        return 2;
    }
    if (!strcmp(cmd, "dhcp") && i != argc) {
        printf("usage: net dhcp [-i DEV]\n");
        return 2;
    }
    if (!strcmp(cmd, "bench")) {
        char *end;
        if (i + 1 != argc || (n = strtoul(argv[i], &end, 10)) == 0 || n > 100000 || *end) {
            printf("usage: net bench [-i DEV] N\n");
            return 2;
        }
    }
    if (open_port(&s, dev, !strcmp(cmd, "dhcp") ? 0 : ip))
        return 1;
    if (!strcmp(cmd, "ping"))
        rc = cmd_ping(&s, dst, (unsigned int)count);
    else if (!strcmp(cmd, "dhcp"))
        rc = cmd_dhcp(&s);
    else
        rc = cmd_bench(&s, (unsigned int)n);
    os_net_detach(s.port);
    return rc;
}
