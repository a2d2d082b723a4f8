/*
 * netfront's DHCP client roles (role=dhcp, role=dhcp-hostile; see the
 * command line in tests/guest/netfront.c): a guest asking Dom0's dhcpd
 * for its address as any DHCP client would, and one sending it every
 * malformed, spoofed and relayed message it must ignore.
 *
 * Why a file of its own: the client is a protocol on top of the frontend,
 * not part of it.  It needs only to send a frame, wait for the rings and
 * be told of UDP datagrams to port 68 (dhcp_rx(), called from netfront.c's
 * receive path), so it sits behind netfront/netfront.h while the rings,
 * buffers and the netif rules stay private to netfront.c.  Its messages
 * are built by hand, byte by byte, rather than with the server's own code
 * (dom0-tools/tools/dhcpd/): a client sharing the server's parser would
 * share its mistakes and could not catch them.
 */
#include "netfront.h"

#define DHCP_SERVER     0x0a000301u     /* Dom0's dhcpd on xenbr0 (the default) */

static uint32_t dhcp_xid;
static unsigned long dhcp_replies;      /* every reply to our xid and MAC */
static uint8_t dhcp_type;               /* of the last one */
static uint32_t dhcp_yiaddr, dhcp_server, dhcp_lease, dhcp_mask;
static uint8_t dhcp_server_mac[6];

void dhcp_rx(const uint8_t *udp, unsigned int len)
{
    if (len < 8 + 240 || be16(udp + 4) > len || be16(udp + 4) < 8 + 240)
        return;
    const uint8_t *d = udp + 8;
    unsigned int n = be16(udp + 4) - 8u;
    if (d[0] != 2 || be32(d + 4) != dhcp_xid || memcmp(d + 28, mymac, 6) ||
        be32(d + 236) != 0x63825363u)
        return;
    uint8_t type = 0;
    uint32_t server = 0, lease = 0, mask = 0;
    for (unsigned int i = 240; i < n && d[i] != 255;) {
        if (d[i] == 0) {
            i++;
            continue;
        }
        if (i + 2 > n || i + 2 + d[i + 1] > n)
            return;
        const uint8_t *v = d + i + 2;
        if (d[i] == 53 && d[i + 1] == 1)
            type = v[0];
        else if (d[i] == 54 && d[i + 1] == 4)
            server = be32(v);
        else if (d[i] == 51 && d[i + 1] == 4)
            lease = be32(v);
        else if (d[i] == 1 && d[i + 1] == 4)
            mask = be32(v);
        i += 2u + d[i + 1];
    }
    dhcp_replies++;
    dhcp_type = type;
    dhcp_yiaddr = be32(d + 16);
    dhcp_server = server;
    dhcp_lease = lease;
    dhcp_mask = mask;
    memcpy(dhcp_server_mac, udp - 20 - 14 + 6, 6);   /* (a 20-byte IP header: ours) */
}

/* A client message: options after the cookie as given (ending in 255). */
static unsigned int dhcp_msg(uint8_t *d, const uint8_t chaddr[6], uint32_t ciaddr,
                             const uint8_t *opts, unsigned int olen)
{
    memset(d, 0, 300);
    d[0] = 1, d[1] = 1, d[2] = 6;
    put32(d + 4, dhcp_xid);
    put32(d + 12, ciaddr);
    memcpy(d + 28, chaddr, 6);
    put32(d + 236, 0x63825363u);
    memcpy(d + 240, opts, olen);
    return 240 + olen < 300 ? 300 : 240 + olen;
}

/* Wrap a message into a UDP frame 68 -> 67 and send it; frag: as an IP
 * fragment; bad_csum: a wrong UDP checksum. */
static void dhcp_send(const uint8_t *dmac, uint32_t src, uint32_t dst, const uint8_t *msg,
                      unsigned int ml, bool frag, bool bad_csum)
{
    static uint8_t f[1514];
    uint8_t *ip = f + 14, *udp = ip + 20;
    unsigned int ul = 8 + ml;

    memcpy(f, dmac, 6);
    memcpy(f + 6, mymac, 6);
    put16(f + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + ul));
    put16(ip + 6, frag ? 0x2000 : 0);
    ip[8] = 64;
    ip[9] = 17;
    put32(ip + 12, src);
    put32(ip + 16, dst);
    put16(ip + 10, fold(sum16(ip, 20, 0)));
    put16(udp, 68);
    put16(udp + 2, 67);
    put16(udp + 4, (uint16_t)ul);
    put16(udp + 6, 0);
    memcpy(udp + 8, msg, ml);
    put16(udp + 6, fold(sum16(udp, ul, sum16(ip + 12, 8, 0) + 17 + ul)) ^ (bad_csum ? 0x55 : 0));
    if (!be16(udp + 6))
        put16(udp + 6, 0xffff);
    send_frame(f, 34 + ul, 1, 0);
}

static const uint8_t bcast_mac[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static unsigned long dhcp_want;
static bool dhcp_answered(void) { return dhcp_replies >= dhcp_want; }

/* Send, wait up to 1 s for a reply (five tries, as a client retransmits:
 * a loaded machine's Dom0 may answer late): its type, or 0. */
static uint8_t dhcp_ask(const uint8_t *dmac, uint32_t src, uint32_t dst, const uint8_t *msg,
                        unsigned int ml)
{
    for (int tries = 0; tries < 5; tries++) {
        dhcp_want = dhcp_replies + 1;
        dhcp_send(dmac, src, dst, msg, ml, false, false);
        run_until(now_ns() + 1000 * NS_PER_MS, dhcp_answered);
        if (dhcp_answered())
            return dhcp_type;
    }
    return 0;
}

static unsigned int opt_ip(uint8_t *o, uint8_t code, uint32_t ip)
{
    o[0] = code, o[1] = 4;
    put32(o + 2, ip);
    return 6;
}

static uint32_t rnd_state;
static uint32_t rnd(void)
{
    rnd_state = rnd_state * 1103515245u + 12345u;
    return rnd_state >> 8;
}

/* DISCOVER, OFFER, REQUEST, ACK: our address (0: none). */
static uint32_t dhcp_bind(void)
{
    uint8_t m[300], o[32];
    unsigned int n;

    dhcp_xid = rnd();
    o[0] = 53, o[1] = 1, o[2] = 1, o[3] = 12, o[4] = 5;
    memcpy(o + 5, "guest", 5);
    o[10] = 255;
    if (dhcp_ask(bcast_mac, 0, 0xffffffffu, m, dhcp_msg(m, mymac, 0, o, 11)) != 2) {
        test_fail("no DHCPOFFER (last type %u)", dhcp_type);
        return 0;
    }
    uint32_t offered = dhcp_yiaddr, server = dhcp_server;
    n = 0;
    o[n++] = 53, o[n++] = 1, o[n++] = 3;
    n += opt_ip(o + n, 50, offered);
    n += opt_ip(o + n, 54, server);
    o[n++] = 255;
    if (dhcp_ask(bcast_mac, 0, 0xffffffffu, m, dhcp_msg(m, mymac, 0, o, n)) != 5 ||
        dhcp_yiaddr != offered) {
        test_fail("no DHCPACK for %x (type %u, %x)", offered, dhcp_type, dhcp_yiaddr);
        return 0;
    }
    return offered;
}

void role_dhcp(void)
{
    uint64_t end = now_ns() + arg_num("secs", 600) * 1000 * NS_PER_MS;
    uint8_t m[300], o[16];
    char v[16];

    rnd_state = (uint32_t)now_ns() ^ mymac[5];
    if (!(myip = dhcp_bind()))
        return;
    CHECK(dhcp_server == DHCP_SERVER, "server id %x", dhcp_server);
    CHECK(dhcp_mask == 0xffffff00u, "netmask %x", dhcp_mask);
    CHECK(dhcp_lease >= 10, "lease %u s", dhcp_lease);
    printf("netfront: dhcp: bound %u.%u.%u.%u from server %u.%u.%u.%u, lease %u s\n",
           myip >> 24, (myip >> 16) & 255, (myip >> 8) & 255, myip & 255, dhcp_server >> 24,
           (dhcp_server >> 16) & 255, (dhcp_server >> 8) & 255, dhcp_server & 255, dhcp_lease);
    /* the server's address answers ARP and echo: a guest reaches Dom0 */
    peerip = dhcp_server;
    if (!resolve_peer())
        return;
    CHECK(!memcmp(peermac, dhcp_server_mac, 6), "ARP and DHCP answered from different MACs");
    CHECK(ping_once(1, 100, 1) && ping_once(2, 1000, 2), "no echo from the DHCP server's address");
    /* renewing: unicast, ciaddr, no server id or requested address */
    dhcp_xid = rnd();
    o[0] = 53, o[1] = 1, o[2] = 3, o[3] = 255;
    CHECK(dhcp_ask(peermac, myip, dhcp_server, m, dhcp_msg(m, mymac, myip, o, 4)) == 5 &&
          dhcp_yiaddr == myip, "renewal not ACKed (type %u)", dhcp_type);
    printf("netfront: dhcp: reached the server by ARP and ping, lease renewed\n");
    /* serve until told to go, renewing at half the lease as clients do */
    uint64_t renew_at = now_ns() + (uint64_t)dhcp_lease * 500 * NS_PER_MS;
    unsigned int renewals = 0;
    while (now_ns() < end) {
        run_until(now_ns() + 300 * NS_PER_MS, NULL);
        if (!xs_read_str("control/shutdown", v, sizeof(v)) && !strcmp(v, "poweroff"))
            break;
        if (now_ns() >= renew_at) {
            dhcp_xid = rnd();
            if (dhcp_ask(peermac, myip, dhcp_server, m, dhcp_msg(m, mymac, myip, o, 4)) != 5 ||
                dhcp_yiaddr != myip) {
                test_fail("renewal %u not ACKed (type %u)", renewals + 1, dhcp_type);
                return;
            }
            renewals++;
            renew_at = now_ns() + (uint64_t)dhcp_lease * 500 * NS_PER_MS;
        }
    }
    printf("netfront: dhcp: %u more renewals\n", renewals);
    unsigned int n = 0;
    o[n++] = 53, o[n++] = 1, o[n++] = 7;
    n += opt_ip(o + n, 54, dhcp_server);
    o[n++] = 255;
    dhcp_xid = rnd();
    dhcp_send(peermac, myip, dhcp_server, m, dhcp_msg(m, mymac, myip, o, n), false, false);
    run_until(now_ns() + 500 * NS_PER_MS, all_answered);
    printf("netfront: dhcp: released %u.%u.%u.%u\n", myip >> 24, (myip >> 16) & 255,
           (myip >> 8) & 255, myip & 255);
    CHECK(tx_errors == 0, "%lu of our packets refused", tx_errors);
}

void role_dhcp_hostile(void)
{
    uint8_t m[600], o[64], fake[6];
    unsigned int n, sent = 0;
    const char *vv = arg("victim");
    uint32_t victim = vv ? parse_ip(vv) : 0;

    rnd_state = (uint32_t)now_ns() ^ 0x5eed;
    dhcp_xid = rnd();
    /* Malformed messages from our own MAC: none may be answered. */
    static const uint8_t discover[] = { 53, 1, 1, 255 };
    struct { const uint8_t *o; unsigned int len; int cut; bool frag, csum; uint8_t op, hlen; } bad[] = {
        { discover, 4, 200, false, false, 1, 6 },                   /* truncated: 200 bytes */
        { (const uint8_t[]){ 53, 1, 1, 12, 250, 'a' }, 6, 246, false, false, 1, 6 },  /* past the end */
        { (const uint8_t[]){ 53, 1, 1 }, 3, 243, false, false, 1, 6 },  /* no end option */
        { (const uint8_t[]){ 53, 1, 1, 53, 1, 3, 255 }, 7, 0, false, false, 1, 6 },  /* type twice */
        { (const uint8_t[]){ 53, 2, 1, 1, 255 }, 5, 0, false, false, 1, 6 },  /* type's length */
        { (const uint8_t[]){ 53, 1, 2, 255 }, 4, 0, false, false, 1, 6 },     /* an OFFER */
        { (const uint8_t[]){ 53, 1, 9, 255 }, 4, 0, false, false, 1, 6 },     /* unknown type */
        { (const uint8_t[]){ 12, 3, 'a', 'b', 'c', 255 }, 6, 0, false, false, 1, 6 },  /* no type */
        { discover, 4, 0, false, false, 2, 6 },                     /* a BOOTREPLY */
        { discover, 4, 0, false, false, 1, 16 },                    /* hlen 16 */
        { discover, 4, 0, true, false, 1, 6 },                      /* a fragment */
        { discover, 4, 0, false, true, 1, 6 },                      /* UDP checksum */
        { (const uint8_t[]){ 50, 4, 10, 0, 3, 150, 52, 1, 3, 53, 1, 1, 50, 4, 1, 2, 3, 4, 255 }, 19,
          0, false, false, 1, 6 },                                  /* a repeated address */
    };
    unsigned long before = dhcp_replies;
    for (unsigned int k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
        n = dhcp_msg(m, mymac, 0, bad[k].o, bad[k].len);
        m[0] = bad[k].op;
        m[2] = bad[k].hlen;
        if (bad[k].cut)
            n = (unsigned int)bad[k].cut;
        dhcp_send(bcast_mac, 0, 0xffffffffu, m, n, bad[k].frag, bad[k].csum);
        sent++;
    }
    /* relayed (giaddr set) */
    n = dhcp_msg(m, mymac, 0, discover, 4);
    put32(m + 24, 0x0a000309u);
    dhcp_send(bcast_mac, 0, 0xffffffffu, m, n, false, false);
    sent++;
    /* 2000 DISCOVERs for random MACs (chaddr not ours: the frame's
     * source stays ours, the bridge would drop any other) */
    for (int i = 0; i < 2000; i++) {
        fake[0] = 0x00, fake[1] = 0x16, fake[2] = 0x3e;
        uint32_t r = rnd();
        fake[3] = (uint8_t)(r >> 16) & 0x7f, fake[4] = (uint8_t)(r >> 8), fake[5] = (uint8_t)r;
        dhcp_send(bcast_mac, 0, 0xffffffffu, m, dhcp_msg(m, fake, 0, discover, 4), false, false);
    }
    run_until(now_ns() + 2000 * NS_PER_MS, all_answered);
    run_until(now_ns() + 1000 * NS_PER_MS, NULL);
    printf("netfront: dhcp-hostile: %u malformed and 2000 spoofed messages, %lu answered\n",
           sent, dhcp_replies - before);
    CHECK(dhcp_replies == before, "%lu replies to bad messages", dhcp_replies - before);
    /* Then as a client: an address of its own ... */
    if (!(myip = dhcp_bind()))
        return;
    /* ... and not another's: INIT-REBOOT for it, NAK; RELEASE of it, nothing */
    if (victim) {
        dhcp_xid = rnd();
        n = 0;
        o[n++] = 53, o[n++] = 1, o[n++] = 3;
        n += opt_ip(o + n, 50, victim);
        o[n++] = 255;
        uint8_t t = dhcp_ask(bcast_mac, 0, 0xffffffffu, m, dhcp_msg(m, mymac, 0, o, n));
        CHECK(t == 6, "a REQUEST for another guest's address got type %u, not a NAK", t);
        n = 0;
        o[n++] = 53, o[n++] = 1, o[n++] = 7;
        n += opt_ip(o + n, 54, DHCP_SERVER);
        o[n++] = 255;
        dhcp_send(bcast_mac, victim, 0xffffffffu, m, dhcp_msg(m, mymac, victim, o, n), false,
                  false);
        /* the same, lying about chaddr too: dropped as spoofed */
        memcpy(fake, mymac, 6);
        fake[5] ^= 1;
        dhcp_send(bcast_mac, victim, 0xffffffffu, m, dhcp_msg(m, fake, victim, o, n), false,
                  false);
        run_until(now_ns() + 1000 * NS_PER_MS, all_answered);
    }
    printf("netfront: dhcp-hostile: bound %u.%u.%u.%u; %u.%u.%u.%u refused\n", myip >> 24,
           (myip >> 16) & 255, (myip >> 8) & 255, myip & 255, victim >> 24,
           (victim >> 16) & 255, (victim >> 8) & 255, victim & 255);
    CHECK(tx_errors == 0, "%lu of our packets refused", tx_errors);
}
