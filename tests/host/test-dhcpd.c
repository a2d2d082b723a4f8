/*
 * test-dhcpd: Dom0's DHCP server, its pure parts (dom0-tools/tools/dhcpd/
 * dhcp_msg.c and dhcp_server.c), driven with frames and time.
 *
 * What a guest and Dom0 rely on: a well-formed exchange (DISCOVER, OFFER,
 * REQUEST, ACK) gives a client an address of the pool, the same one when
 * it comes back, the reserved one when it has a reservation, and nobody
 * else's; renewals extend, RELEASE and expiry free; a REQUEST for what is
 * not the client's is NAKed.  What a hostile client cannot do: crash or
 * mislead the parser with truncated messages, options running past the
 * end, repeated or missing options, bad IP/UDP lengths or checksums,
 * fragments (every prefix and thousands of random mutations of a valid
 * frame are judged without reading outside it); exhaust the pool with a
 * flood of DISCOVERs (offers are reclaimed, bound leases are not); take
 * or free another client's address.  The configuration file's errors
 * each name their line, and a bad file gives nothing.
 */
#include "htest.h"
#include <stdint.h>
#include <errno.h>
#include "../../dom0-tools/tools/dhcpd/dhcp.h"

#define S 1000000000ull
#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

static const uint8_t SRV_MAC[6] = { 0x02, 0x16, 0x3e, 0, 0, 0 };

static void mac_of(uint8_t m[6], unsigned int i)
{
    m[0] = 0x00, m[1] = 0x16, m[2] = 0x3e, m[3] = (uint8_t)(i >> 16);
    m[4] = (uint8_t)(i >> 8), m[5] = (uint8_t)i;
}

/* A client's message, as udhcpc builds one: 240 bytes, options, padding. */
struct opts { int type; uint32_t req, sid; const char *host; };
static size_t client_msg(uint8_t *d, const uint8_t mac[6], uint32_t ciaddr, struct opts o)
{
    size_t n = 240;
    memset(d, 0, 548);
    d[0] = 1, d[1] = 1, d[2] = 6;
    d[4] = 0x12, d[5] = 0x34, d[6] = 0x56, d[7] = 0x78;
    d[12] = (uint8_t)(ciaddr >> 24), d[13] = (uint8_t)(ciaddr >> 16);
    d[14] = (uint8_t)(ciaddr >> 8), d[15] = (uint8_t)ciaddr;
    memcpy(d + 28, mac, 6);
    d[236] = 0x63, d[237] = 0x82, d[238] = 0x53, d[239] = 0x63;
    if (o.type)
        d[n++] = 53, d[n++] = 1, d[n++] = (uint8_t)o.type;
    if (o.req) {
        d[n++] = 50, d[n++] = 4;
        for (int i = 3; i >= 0; i--)
            d[n++] = (uint8_t)(o.req >> (8 * i));
    }
    if (o.sid) {
        d[n++] = 54, d[n++] = 4;
        for (int i = 3; i >= 0; i--)
            d[n++] = (uint8_t)(o.sid >> (8 * i));
    }
    if (o.host) {
        size_t l = strlen(o.host);
        d[n++] = 12, d[n++] = (uint8_t)l;
        memcpy(d + n, o.host, l);
        n += l;
    }
    d[n++] = 255;
    return n < 300 ? 300 : n;
}

static struct dhcp_server srv;

static void setup(const char *conf)
{
    struct dhcp_config c;
    char err[160] = "";
    dhcp_config_default(&c);
    if (conf)
        CHECK_EQ(dhcp_config_parse(conf, strlen(conf), &c, err, sizeof(err)), 0);
    dhcp_server_init(&srv, &c);
}

/* One message through parse and handle: the reply type, rp filled. */
static uint8_t ask(const uint8_t mac[6], uint32_t ciaddr, struct opts o, uint64_t now,
                   struct dhcp_reply_params *rp)
{
    uint8_t d[548];
    struct dhcp_msg m;
    size_t n = client_msg(d, mac, ciaddr, o);
    CHECK_EQ(dhcp_parse(d, n, &m), DHCP_OK);
    return dhcp_handle(&srv, &m, now, rp);
}

/* DISCOVER then REQUEST: the address bound, or 0. */
static uint32_t dora(const uint8_t mac[6], uint64_t now)
{
    struct dhcp_reply_params rp;
    if (ask(mac, 0, (struct opts){ DHCPDISCOVER, 0, 0, "guest" }, now, &rp) != DHCPOFFER)
        return 0;
    uint32_t ip = rp.yiaddr;
    if (ask(mac, 0, (struct opts){ DHCPREQUEST, ip, srv.cfg.server, "guest" }, now, &rp) !=
        DHCPACK || rp.yiaddr != ip)
        return 0;
    return ip;
}

/* ---- the configuration file ---- */

HTEST(config_defaults)
{
    struct dhcp_config c;
    char err[160];
    dhcp_config_default(&c);
    CHECK(!strcmp(c.ifname, "xenbr0"));
    CHECK_EQ(c.server, IP(10, 0, 3, 1));
    CHECK_EQ(c.pool_first, IP(10, 0, 3, 100));
    CHECK_EQ(c.pool_last, IP(10, 0, 3, 199));
    CHECK_EQ(c.lease_s, 3600);
    CHECK_EQ(dhcp_config_parse("", 0, &c, err, sizeof(err)), 0);
    CHECK_EQ(dhcp_config_parse("# nothing\n\n   \n", 15, &c, err, sizeof(err)), 0);
}

HTEST(config_full)
{
    const char *t = "interface xenbr1   # the other\n"
                    "address 192.168.7.1\n"
                    "netmask 255.255.255.0\n"
                    "range 192.168.7.10 192.168.7.20\n"
                    "router 192.168.7.1\n"
                    "dns none\r\n"
                    "lease 60\n"
                    "host 00:16:3E:00:01:02 192.168.7.2 linux-a\n"
                    "host 00:16:3e:00:01:03 192.168.7.3\n";
    struct dhcp_config c;
    char err[160] = "";
    CHECK_EQ(dhcp_config_parse(t, strlen(t), &c, err, sizeof(err)), 0);
    CHECK(!strcmp(c.ifname, "xenbr1"));
    CHECK_EQ(c.server, IP(192, 168, 7, 1));
    CHECK_EQ(c.pool_first, IP(192, 168, 7, 10));
    CHECK_EQ(c.pool_last, IP(192, 168, 7, 20));
    CHECK_EQ(c.router, IP(192, 168, 7, 1));
    CHECK_EQ(c.dns, 0);
    CHECK_EQ(c.lease_s, 60);
    CHECK_EQ(c.nhosts, 2);
    CHECK_EQ(c.hosts[0].mac[2], 0x3e);
    CHECK(!strcmp(c.hosts[0].name, "linux-a"));
    CHECK_EQ(c.hosts[1].ip, IP(192, 168, 7, 3));
    /* a changed address without a range: a pool in the new subnet */
    const char *t2 = "address 172.16.0.1\nnetmask 255.255.0.0\n";
    CHECK_EQ(dhcp_config_parse(t2, strlen(t2), &c, err, sizeof(err)), 0);
    CHECK_EQ(c.pool_first & 0xffff0000u, IP(172, 16, 0, 0));
    CHECK_EQ(c.pool_last - c.pool_first + 1, DHCP_POOL_MAX);
}

static void bad_conf(const char *t, const char *want)
{
    struct dhcp_config c;
    char err[160] = "";
    dhcp_config_default(&c);
    c.lease_s = 12345;
    CHECK_EQ(dhcp_config_parse(t, strlen(t), &c, err, sizeof(err)), -EINVAL);
    if (!strstr(err, want))
        htest_fail(__FILE__, __LINE__, "error '%s' lacks '%s'", err, want);
    CHECK_EQ(c.lease_s, 12345);         /* nothing of a bad file taken */
}

HTEST(config_errors)
{
    bad_conf("lease 60\nfoo bar\n", "line 2: unknown statement 'foo'");
    bad_conf("address 10.0.3\n", "line 1: address IP");
    bad_conf("address 10.0.3.1.5\n", "line 1: address IP");
    bad_conf("address 10.0.3.256\n", "line 1: address IP");
    bad_conf("address\n", "line 1: address IP");
    bad_conf("netmask 255.0.255.0\n", "line 1: netmask");
    bad_conf("netmask 255.255.255.255\n", "line 1: netmask");
    bad_conf("\n\nrange 10.0.3.20 10.0.3.10\n", "line 3: range: 10.0.3.20 comes after");
    bad_conf("range 10.0.3.1\n", "line 1: range FIRST LAST");
    bad_conf("address 10.0.0.1\nnetmask 255.255.0.0\nrange 10.0.1.0 10.0.2.0\n",
             "line 3: range: 257 addresses");
    bad_conf("range 10.0.4.10 10.0.4.20\n", "range: not inside the subnet");
    bad_conf("range 10.0.3.0 10.0.3.20\n", "range: not inside the subnet");
    bad_conf("range 10.0.3.200 10.0.3.255\n", "range: not inside the subnet");
    bad_conf("range 10.0.3.1 10.0.3.20\n", "range: contains the server");
    bad_conf("lease 5\n", "line 1: lease SECONDS");
    bad_conf("lease -60\n", "line 1: lease SECONDS");
    bad_conf("lease 60s\n", "line 1: lease SECONDS");
    bad_conf("lease 99999999999999999999\n", "line 1: lease SECONDS");
    bad_conf("router 10.0.3\n", "line 1: router IP|none");
    bad_conf("router 10.0.9.1\n", "router: not inside the subnet");
    bad_conf("host 00:16:3e:00:01 10.0.3.2\n", "line 1: host MAC IP");
    bad_conf("host 00:16:3e:00:01:0g 10.0.3.2\n", "line 1: host MAC IP");
    bad_conf("host 01:16:3e:00:01:02 10.0.3.2\n", "multicast");
    bad_conf("host 00:16:3e:00:01:02 10.0.3.2\nhost 00:16:3e:00:01:02 10.0.3.3\n",
             "line 2: host 00:16:3e:00:01:02 10.0.3.3: that MAC or address is reserved");
    bad_conf("host 00:16:3e:00:01:02 10.0.3.2\nhost 00:16:3e:00:01:03 10.0.3.2\n",
             "reserved already");
    bad_conf("host 00:16:3e:00:01:02 10.0.3.150\n", "host 1: its address is inside the range");
    bad_conf("host 00:16:3e:00:01:02 10.0.3.1\n", "host 1: its address is not a client's");
    bad_conf("host 00:16:3e:00:01:02 10.0.4.2\n", "host 1: its address is not a client's");
    bad_conf("host 00:16:3e:00:01:02 10.0.3.2 a-name-much-too-long-for-a-host-entry\n",
             "line 1: host name longer");
    bad_conf("interface a-very-long-interface-name\n", "line 1: interface NAME");
    bad_conf("lease 60 60\n", "line 1: lease SECONDS");
    bad_conf("host a b c d e f\n", "line 1: too many words");
    char big[400];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    bad_conf(big, "line 1: longer than");
    struct dhcp_config c;
    char err[160];
    const char nul[] = "lease 60\n\0\n";
    CHECK_EQ(dhcp_config_parse(nul, sizeof(nul) - 1, &c, err, sizeof(err)), -EINVAL);
    CHECK(strstr(err, "line 2: a NUL byte") != NULL);
    /* more hosts than fit */
    char many[4096];
    size_t o = 0;
    for (int i = 0; i <= DHCP_HOSTS_MAX; i++)
        o += (size_t)snprintf(many + o, sizeof(many) - o, "host 00:16:3e:00:02:%02x 10.0.3.%d\n",
                              i, 2 + i);
    bad_conf(many, "more than 32 hosts");
}

/* ---- messages ---- */

HTEST(parse_discover)
{
    uint8_t d[548], mac[6];
    struct dhcp_msg m;
    mac_of(mac, 7);
    size_t n = client_msg(d, mac, 0, (struct opts){ DHCPDISCOVER, IP(10, 0, 3, 150), 0, "linux-a" });
    CHECK_EQ(dhcp_parse(d, n, &m), DHCP_OK);
    CHECK_EQ(m.type, DHCPDISCOVER);
    CHECK_EQ(m.xid, 0x12345678u);
    CHECK(m.has_requested && m.requested == IP(10, 0, 3, 150));
    CHECK(!m.has_server_id);
    CHECK(!memcmp(m.chaddr, mac, 6));
    CHECK(!strcmp(m.hostname, "linux-a"));
    /* a hostname that is not a plain name is not kept */
    n = client_msg(d, mac, 0, (struct opts){ DHCPDISCOVER, 0, 0, "a\033[2Jb" });
    CHECK_EQ(dhcp_parse(d, n, &m), DHCP_OK);
    CHECK(!strcmp(m.hostname, ""));
}

HTEST(parse_malformed)
{
    uint8_t d[548], mac[6];
    struct dhcp_msg m;
    mac_of(mac, 1);
    size_t n = client_msg(d, mac, 0, (struct opts){ DHCPREQUEST, IP(10, 0, 3, 100),
                                                   IP(10, 0, 3, 1), "x" });
    CHECK_EQ(dhcp_parse(d, 239, &m), DHCP_BAD_SHORT);
    d[0] = 2;
    CHECK_EQ(dhcp_parse(d, n, &m), DHCP_BAD_HEADER);          /* a BOOTREPLY */
    d[0] = 1, d[2] = 16;
    CHECK_EQ(dhcp_parse(d, n, &m), DHCP_BAD_HEADER);          /* hlen */
    d[2] = 6, d[239] = 0;
    CHECK_EQ(dhcp_parse(d, n, &m), DHCP_BAD_HEADER);          /* cookie */
    d[239] = 0x63;
    CHECK_EQ(dhcp_parse(d, n, &m), DHCP_OK);
    /* an option whose length runs past the message */
    uint8_t e[260];
    memcpy(e, d, 240);
    e[240] = 53, e[241] = 1, e[242] = 1, e[243] = 12, e[244] = 200, e[245] = 'a';
    CHECK_EQ(dhcp_parse(e, 246, &m), DHCP_BAD_OPTION);
    /* a length byte missing */
    e[243] = 12;
    CHECK_EQ(dhcp_parse(e, 244, &m), DHCP_BAD_OPTION);
    /* no end option */
    CHECK_EQ(dhcp_parse(e, 243, &m), DHCP_BAD_OPTION);
    /* options we read with a wrong length, or twice */
    e[243] = 50, e[244] = 3, e[245] = 1, e[246] = 2, e[247] = 3, e[248] = 255;
    CHECK_EQ(dhcp_parse(e, 249, &m), DHCP_BAD_OPTION);
    e[243] = 53, e[244] = 1, e[245] = 3, e[246] = 255;
    CHECK_EQ(dhcp_parse(e, 247, &m), DHCP_BAD_OPTION);
    /* no type, a server's type, an unknown type */
    e[240] = 255;
    CHECK_EQ(dhcp_parse(e, 241, &m), DHCP_BAD_TYPE);
    e[240] = 53, e[241] = 1, e[243] = 255;
    for (int t = 0; t < 256; t++) {
        e[242] = (uint8_t)t;
        bool ok = t == 1 || t == 3 || t == 4 || t == 7 || t == 8;
        CHECK_EQ(dhcp_parse(e, 244, &m), ok ? DHCP_OK : DHCP_BAD_TYPE);
    }
    /* overload (52) and unknown options are skipped, pads too */
    e[243] = 52, e[244] = 1, e[245] = 3, e[246] = 0, e[247] = 0, e[248] = 99, e[249] = 0,
    e[250] = 255;
    e[242] = 1;
    CHECK_EQ(dhcp_parse(e, 251, &m), DHCP_OK);
    /* every prefix of a valid message: judged, never read past (ASan) */
    for (size_t k = 0; k <= n; k++) {
        uint8_t *p = malloc(k ? k : 1);
        memcpy(p, d, k);
        enum dhcp_bad r = dhcp_parse(p, k, &m);
        CHECK(k < 240 ? r == DHCP_BAD_SHORT : (r == DHCP_OK || r == DHCP_BAD_OPTION));
        free(p);
    }
}

static void udp_frame(uint8_t *f, size_t *len, const uint8_t mac[6], const uint8_t *msg,
                      size_t ml)
{
    /* as a client sends it: from 0.0.0.0:68 to 255.255.255.255:67; built
     * with the server's builder and the ports swapped, checksums redone */
    *len = dhcp_frame_build(f, mac, (const uint8_t[6]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
                            0, 0xffffffffu, msg, ml);
    f[34] = 0, f[35] = 68, f[36] = 0, f[37] = 67;
    f[40] = f[41] = 0;              /* no UDP checksum */
}

HTEST(frames)
{
    uint8_t d[548], f[1514], mac[6];
    struct dhcp_frame fr;
    struct dhcp_msg m;
    bool udp;
    size_t len;
    mac_of(mac, 3);
    size_t n = client_msg(d, mac, 0, (struct opts){ DHCPDISCOVER, 0, 0, 0 });
    udp_frame(f, &len, mac, d, n);
    CHECK_EQ(dhcp_frame_udp(f, len, &fr, &udp), DHCP_OK);
    CHECK(udp);
    CHECK_EQ(fr.dst_port, 67);
    CHECK_EQ(fr.payload_len, n);
    CHECK(!memcmp(fr.src_mac, mac, 6));
    CHECK_EQ(dhcp_parse(fr.payload, fr.payload_len, &m), DHCP_OK);
    /* a checksum over the payload, then broken */
    uint8_t g[1514];
    size_t gl = dhcp_frame_build(g, mac, SRV_MAC, IP(10, 0, 3, 9), IP(10, 0, 3, 1), d, n);
    CHECK_EQ(dhcp_frame_udp(g, gl, &fr, &udp), DHCP_OK);
    g[100] ^= 1;
    CHECK_EQ(dhcp_frame_udp(g, gl, &fr, &udp), DHCP_BAD_FRAME);
    /* IP header checksum, version, lengths, fragments */
    uint8_t h[1514];
    memcpy(h, f, len);
    h[24] ^= 0x40;
    CHECK_EQ(dhcp_frame_udp(h, len, &fr, &udp), DHCP_BAD_FRAME);
    memcpy(h, f, len);
    h[14] = 0x44;
    CHECK_EQ(dhcp_frame_udp(h, len, &fr, &udp), DHCP_BAD_FRAME);
    memcpy(h, f, len);
    CHECK_EQ(dhcp_frame_udp(h, len - 1, &fr, &udp), DHCP_BAD_FRAME);  /* total length past the frame */
    CHECK_EQ(dhcp_frame_udp(h, 20, &fr, &udp), DHCP_BAD_FRAME);
    memcpy(h, f, len);
    h[20] = 0x20;                   /* more fragments */
    h[24] = h[25] = 0;
    uint16_t c = dhcp_csum(h + 14, 20, 0);
    h[24] = (uint8_t)(c >> 8), h[25] = (uint8_t)c;
    CHECK_EQ(dhcp_frame_udp(h, len, &fr, &udp), DHCP_BAD_FRAME);
    memcpy(h, f, len);
    h[38] = 0x7f;                   /* UDP length beyond the packet */
    CHECK_EQ(dhcp_frame_udp(h, len, &fr, &udp), DHCP_BAD_FRAME);
    h[38] = 0, h[39] = 7;           /* under its own header */
    CHECK_EQ(dhcp_frame_udp(h, len, &fr, &udp), DHCP_BAD_FRAME);
    /* Ethernet padding after the packet is ignored */
    memcpy(h, f, len);
    memset(h + len, 0xee, 20);
    CHECK_EQ(dhcp_frame_udp(h, len + 20, &fr, &udp), DHCP_OK);
    CHECK_EQ(fr.payload_len, n);
    /* not IPv4: not ours, not bad */
    h[12] = 0x86, h[13] = 0xdd;
    CHECK_EQ(dhcp_frame_udp(h, len, &fr, &udp), DHCP_OK);
    CHECK(!udp);
    CHECK_EQ(dhcp_frame_udp(h, 13, &fr, &udp), DHCP_BAD_FRAME);
}

/* Random mutations of a valid frame: whatever is judged valid is within
 * the frame, and nothing reads outside it (ASan), the server survives. */
HTEST(fuzz_frames)
{
    uint8_t d[548], f[1514], mac[6];
    size_t len;
    setup(NULL);
    srand(19);
    for (int round = 0; round < 20000; round++) {
        mac_of(mac, (unsigned int)rand());
        struct opts o = { 1 + rand() % 8, rand() % 2 ? IP(10, 0, 3, 100 + rand() % 120) : 0,
                          rand() % 2 ? IP(10, 0, 3, 1) : 0, rand() % 2 ? "h" : 0 };
        size_t n = client_msg(d, mac, 0, o);
        udp_frame(f, &len, mac, d, n);
        int muts = 1 + rand() % 8;
        for (int k = 0; k < muts; k++)
            f[rand() % len] = (uint8_t)rand();
        size_t cut = rand() % 4 ? len : (size_t)(rand() % (int)len);
        uint8_t *p = malloc(cut ? cut : 1);
        memcpy(p, f, cut);
        struct dhcp_frame fr;
        struct dhcp_msg m;
        struct dhcp_reply_params rp;
        bool udp;
        if (dhcp_frame_udp(p, cut, &fr, &udp) == DHCP_OK && udp) {
            CHECK(fr.payload >= p && fr.payload + fr.payload_len <= p + cut);
            if (dhcp_parse(fr.payload, fr.payload_len, &m) == DHCP_OK)
                dhcp_handle(&srv, &m, (uint64_t)round * S / 100, &rp);
        }
        uint8_t out[1514];
        dhcp_answer_arp(p, cut, SRV_MAC, IP(10, 0, 3, 1), out);
        dhcp_answer_echo(p, cut, SRV_MAC, IP(10, 0, 3, 1), out);
        free(p);
    }
    /* the table is still a table: no address held twice */
    for (unsigned int i = 0; i < srv.nleases; i++)
        for (unsigned int j = i + 1; j < srv.nleases; j++)
            CHECK(srv.leases[i].ip != srv.leases[j].ip);
}

/* ---- the server ---- */

HTEST(dora_and_reply)
{
    struct dhcp_reply_params rp;
    uint8_t mac[6], d[548], r[DHCP_REPLY_MAX];
    struct dhcp_msg m;
    setup("router 10.0.3.1\ndns 10.0.3.1\nlease 600\n");
    mac_of(mac, 1);
    CHECK_EQ(ask(mac, 0, (struct opts){ DHCPDISCOVER, 0, 0, "one" }, 0, &rp), DHCPOFFER);
    CHECK_EQ(rp.yiaddr, IP(10, 0, 3, 100));
    CHECK_EQ(rp.lease_s, 600);
    /* the reply as a client reads it */
    size_t n = client_msg(d, mac, 0, (struct opts){ DHCPDISCOVER, 0, 0, 0 });
    CHECK_EQ(dhcp_parse(d, n, &m), DHCP_OK);
    size_t rl = dhcp_build_reply(r, &m, DHCPOFFER, &rp);
    CHECK(rl >= 300 && rl <= DHCP_REPLY_MAX);
    CHECK_EQ(r[0], 2);
    CHECK(!memcmp(r + 4, d + 4, 4));
    CHECK(r[16] == 10 && r[17] == 0 && r[18] == 3 && r[19] == 100);
    CHECK(!memcmp(r + 28, mac, 6));
    bool type = false, sid = false, lease = false, mask = false, router = false, dns = false;
    for (size_t i = 240; i < rl && r[i] != 255; i += 2u + r[i + 1]) {
        type |= r[i] == 53 && r[i + 2] == DHCPOFFER;
        sid |= r[i] == 54 && r[i + 5] == 1;
        lease |= r[i] == 51 && r[i + 4] == 0x02 && r[i + 5] == 0x58;
        mask |= r[i] == 1 && r[i + 4] == 255 && r[i + 5] == 0;
        router |= r[i] == 3;
        dns |= r[i] == 6;
    }
    CHECK(type && sid && lease && mask && router && dns);
    CHECK_EQ(ask(mac, 0, (struct opts){ DHCPREQUEST, IP(10, 0, 3, 100), IP(10, 0, 3, 1), 0 },
                 1 * S, &rp), DHCPACK);
    const struct dhcp_lease *l = dhcp_lease_of(&srv, mac, 2 * S);
    CHECK(l && l->state == LEASE_BOUND && l->ip == IP(10, 0, 3, 100));
    CHECK(!strcmp(l->hostname, "one"));
    CHECK_EQ(l->expires_ns, 601 * S);
    /* a second client gets another address */
    uint8_t mac2[6];
    mac_of(mac2, 2);
    CHECK_EQ(dora(mac2, 2 * S), IP(10, 0, 3, 101));
    /* the first asks again (a reboot): the same address */
    CHECK_EQ(dora(mac, 3 * S), IP(10, 0, 3, 100));
    /* a NAK says no more than the server */
    CHECK_EQ(ask(mac2, 0, (struct opts){ DHCPREQUEST, IP(10, 0, 3, 100), IP(10, 0, 3, 1), 0 },
                 4 * S, &rp), DHCPNAK);
    rl = dhcp_build_reply(r, &m, DHCPNAK, &rp);
    CHECK(r[16] == 0 && r[19] == 0);
    CHECK(r[240] == 53 && r[242] == DHCPNAK && r[243] == 54 && r[249] == 255);
}

HTEST(renew_release_expire)
{
    struct dhcp_reply_params rp;
    uint8_t a[6], b[6];
    setup("lease 100\n");
    mac_of(a, 10);
    mac_of(b, 11);
    uint32_t ip = dora(a, 0);
    CHECK_EQ(ip, IP(10, 0, 3, 100));
    /* renewing (ciaddr, no server id, no requested address) extends */
    CHECK_EQ(ask(a, ip, (struct opts){ DHCPREQUEST, 0, 0, 0 }, 50 * S, &rp), DHCPACK);
    CHECK_EQ(dhcp_lease_of(&srv, a, 51 * S)->expires_ns, 150 * S);
    /* another client cannot renew, release or decline a's address */
    CHECK_EQ(ask(b, ip, (struct opts){ DHCPREQUEST, 0, 0, 0 }, 60 * S, &rp), DHCPNAK);
    CHECK_EQ(ask(b, ip, (struct opts){ DHCPRELEASE, 0, IP(10, 0, 3, 1), 0 }, 60 * S, &rp), 0);
    CHECK_EQ(ask(b, 0, (struct opts){ DHCPDECLINE, ip, IP(10, 0, 3, 1), 0 }, 60 * S, &rp), 0);
    CHECK(dhcp_lease_of(&srv, a, 61 * S) != NULL);
    /* b's INIT-REBOOT for a's address: NAK; for a free pool address: granted */
    CHECK_EQ(ask(b, 0, (struct opts){ DHCPREQUEST, ip, 0, 0 }, 62 * S, &rp), DHCPNAK);
    CHECK_EQ(ask(b, 0, (struct opts){ DHCPREQUEST, IP(10, 0, 3, 150), 0, 0 }, 62 * S, &rp),
             DHCPACK);
    CHECK_EQ(ask(b, 0, (struct opts){ DHCPREQUEST, IP(10, 0, 4, 150), 0, 0 }, 62 * S, &rp),
             DHCPNAK);                  /* another network */
    CHECK_EQ(ask(b, 0, (struct opts){ DHCPREQUEST, IP(10, 0, 3, 1), 0, 0 }, 62 * S, &rp),
             DHCPNAK);                  /* the server's */
    /* a's lease expires without renewal */
    CHECK(dhcp_lease_of(&srv, a, 149 * S) != NULL);
    CHECK(dhcp_lease_of(&srv, a, 150 * S) == NULL);
    CHECK_EQ(dhcp_expire(&srv, 150 * S), 1);
    CHECK_EQ(srv.st.expired, 1);
    /* b releases: free, and b gets it back later (the history) */
    CHECK_EQ(ask(b, IP(10, 0, 3, 150), (struct opts){ DHCPRELEASE, 0, IP(10, 0, 3, 1), 0 },
                 160 * S, &rp), 0);
    CHECK(dhcp_lease_of(&srv, b, 161 * S) == NULL);
    CHECK_EQ(dora(b, 170 * S), IP(10, 0, 3, 150));
    /* and a its old one, which nobody took */
    CHECK_EQ(dora(a, 171 * S), ip);
}

HTEST(selecting_another_server)
{
    struct dhcp_reply_params rp;
    uint8_t a[6];
    setup(NULL);
    mac_of(a, 1);
    CHECK_EQ(ask(a, 0, (struct opts){ DHCPDISCOVER, 0, 0, 0 }, 0, &rp), DHCPOFFER);
    uint32_t offered = rp.yiaddr;
    CHECK_EQ(ask(a, 0, (struct opts){ DHCPREQUEST, IP(10, 0, 3, 7), IP(10, 0, 3, 254), 0 },
                 S, &rp), 0);
    CHECK_EQ(srv.st.not_ours, 1);
    CHECK(dhcp_lease_of(&srv, a, 2 * S) == NULL);
    /* a REQUEST naming us but another address than offered: NAK */
    CHECK_EQ(ask(a, 0, (struct opts){ DHCPDISCOVER, 0, 0, 0 }, 3 * S, &rp), DHCPOFFER);
    CHECK_EQ(rp.yiaddr, offered);
    CHECK_EQ(ask(a, 0, (struct opts){ DHCPREQUEST, offered + 1, IP(10, 0, 3, 1), 0 }, 4 * S, &rp),
             DHCPNAK);
    CHECK_EQ(ask(a, 0, (struct opts){ DHCPREQUEST, 0, IP(10, 0, 3, 1), 0 }, 4 * S, &rp), DHCPNAK);
    /* an offer not taken up lapses after DHCP_OFFER_HOLD_S */
    CHECK(dhcp_lease_of(&srv, a, (3 + DHCP_OFFER_HOLD_S) * S - 1) != NULL);
    CHECK(dhcp_lease_of(&srv, a, (3 + DHCP_OFFER_HOLD_S) * S) == NULL);
}

HTEST(reservations)
{
    struct dhcp_reply_params rp;
    uint8_t a[6] = { 0x00, 0x16, 0x3e, 0x00, 0x01, 0x02 }, b[6];
    setup("host 00:16:3e:00:01:02 10.0.3.2 linux-a\n");
    mac_of(b, 99);
    CHECK_EQ(dora(a, 0), IP(10, 0, 3, 2));
    CHECK(!strcmp(dhcp_lease_of(&srv, a, S)->hostname, "linux-a"));  /* the config's name */
    /* nobody else gets it, even asking for it or after its release */
    CHECK_EQ(ask(b, 0, (struct opts){ DHCPREQUEST, IP(10, 0, 3, 2), 0, 0 }, S, &rp), DHCPNAK);
    CHECK_EQ(ask(a, IP(10, 0, 3, 2), (struct opts){ DHCPRELEASE, 0, IP(10, 0, 3, 1), 0 }, S, &rp),
             0);
    CHECK_EQ(ask(b, 0, (struct opts){ DHCPDISCOVER, IP(10, 0, 3, 2), 0, 0 }, S, &rp), DHCPOFFER);
    CHECK_EQ(rp.yiaddr, IP(10, 0, 3, 100));
    CHECK_EQ(ask(b, 0, (struct opts){ DHCPREQUEST, IP(10, 0, 3, 2), 0, 0 }, S, &rp), DHCPNAK);
    /* the reserved client asking for a pool address still gets its own */
    CHECK_EQ(ask(a, 0, (struct opts){ DHCPDISCOVER, IP(10, 0, 3, 150), 0, 0 }, S, &rp), DHCPOFFER);
    CHECK_EQ(rp.yiaddr, IP(10, 0, 3, 2));
}

HTEST(decline)
{
    struct dhcp_reply_params rp;
    uint8_t a[6], b[6];
    setup(NULL);
    mac_of(a, 1);
    mac_of(b, 2);
    uint32_t ip = dora(a, 0);
    CHECK_EQ(ask(a, 0, (struct opts){ DHCPDECLINE, ip, IP(10, 0, 3, 1), 0 }, S, &rp), 0);
    /* the address rests; a is given another, and so is b */
    uint32_t ip2 = dora(a, 2 * S);
    CHECK(ip2 && ip2 != ip);
    uint32_t ip3 = dora(b, 2 * S);
    CHECK(ip3 && ip3 != ip && ip3 != ip2);
}

/* A flood of DISCOVERs from random MACs fills the pool with offers; a
 * real client still gets an address, and a bound lease is never taken. */
HTEST(discover_flood)
{
    struct dhcp_reply_params rp;
    uint8_t mac[6], good[6], early[6];
    setup("range 10.0.3.100 10.0.3.109\n");
    mac_of(early, 0xabcdef);
    CHECK_EQ(dora(early, 0), IP(10, 0, 3, 100));
    srand(7);
    for (int i = 0; i < 10000; i++) {
        mac_of(mac, 0x100000u + (unsigned int)i);
        CHECK_EQ(ask(mac, 0, (struct opts){ DHCPDISCOVER, 0, 0, 0 }, S + (uint64_t)i * 1000,
                     &rp), DHCPOFFER);
        CHECK(rp.yiaddr != IP(10, 0, 3, 100));
    }
    CHECK(srv.st.reclaimed >= 10000 - 9);
    mac_of(good, 0x424242);
    uint32_t got = dora(good, 2 * S);
    CHECK(got > IP(10, 0, 3, 100) && got <= IP(10, 0, 3, 109));
    CHECK(dhcp_lease_of(&srv, early, 3 * S)->state == LEASE_BOUND);
    /* bind the whole pool: then a DISCOVER gets nothing (counted), and
     * the bound ones are untouched */
    for (unsigned int i = 0; i < 20; i++) {
        mac_of(mac, 0x200000u + i);
        dora(mac, 4 * S);
    }
    unsigned int bound = 0;
    for (unsigned int i = 0; i < srv.nleases; i++)
        bound += srv.leases[i].state == LEASE_BOUND;
    CHECK_EQ(bound, 10);
    uint64_t ex = srv.st.exhausted;
    mac_of(mac, 0x300000u);
    CHECK_EQ(ask(mac, 0, (struct opts){ DHCPDISCOVER, 0, 0, 0 }, 5 * S, &rp), 0);
    CHECK_EQ(srv.st.exhausted, ex + 1);
    CHECK(dhcp_lease_of(&srv, early, 5 * S) != NULL);
    CHECK(dhcp_lease_of(&srv, good, 5 * S) != NULL);
}

HTEST(inform)
{
    struct dhcp_reply_params rp;
    uint8_t a[6];
    setup(NULL);
    mac_of(a, 5);
    CHECK_EQ(ask(a, IP(10, 0, 3, 50), (struct opts){ DHCPINFORM, 0, 0, 0 }, 0, &rp), DHCPACK);
    CHECK_EQ(rp.yiaddr, 0);
    CHECK_EQ(rp.lease_s, 0);
    CHECK_EQ(ask(a, 0, (struct opts){ DHCPINFORM, 0, 0, 0 }, 0, &rp), 0);
    CHECK(dhcp_lease_of(&srv, a, 1) == NULL);
}

HTEST(arp_and_echo)
{
    uint8_t f[1514], out[1514], mac[6];
    mac_of(mac, 9);
    memset(f, 0, sizeof(f));
    memset(f, 0xff, 6);
    memcpy(f + 6, mac, 6);
    f[12] = 0x08, f[13] = 0x06, f[14] = 0, f[15] = 1, f[16] = 8, f[17] = 0, f[18] = 6, f[19] = 4;
    f[20] = 0, f[21] = 1;
    memcpy(f + 22, mac, 6);
    f[28] = 10, f[29] = 0, f[30] = 3, f[31] = 100;
    f[38] = 10, f[39] = 0, f[40] = 3, f[41] = 1;
    CHECK_EQ(dhcp_answer_arp(f, 42, SRV_MAC, IP(10, 0, 3, 1), out), 60);
    CHECK(!memcmp(out, mac, 6) && !memcmp(out + 6, SRV_MAC, 6) && out[21] == 2);
    CHECK(!memcmp(out + 22, SRV_MAC, 6) && out[31] == 1 && out[41] == 100);
    CHECK_EQ(dhcp_answer_arp(f, 41, SRV_MAC, IP(10, 0, 3, 1), out), 0);
    CHECK_EQ(dhcp_answer_arp(f, 42, SRV_MAC, IP(10, 0, 3, 2), out), 0);   /* not us */
    /* an echo request to us, answered with the same payload */
    uint8_t e[1514];
    uint8_t icmp[64] = { 8, 0, 0, 0, 0x12, 0x34, 0, 1 };
    for (int i = 8; i < 64; i++)
        icmp[i] = (uint8_t)i;
    uint16_t c = dhcp_csum(icmp, 64, 0);
    icmp[2] = (uint8_t)(c >> 8), icmp[3] = (uint8_t)c;
    size_t n = dhcp_frame_build(e, mac, SRV_MAC, IP(10, 0, 3, 100), IP(10, 0, 3, 1), icmp, 56);
    /* turn the UDP frame into ICMP: protocol, lengths, checksum */
    e[23] = 1;
    e[16] = 0, e[17] = 84;
    memcpy(e + 34, icmp, 64);
    e[24] = e[25] = 0;
    c = dhcp_csum(e + 14, 20, 0);
    e[24] = (uint8_t)(c >> 8), e[25] = (uint8_t)c;
    n = 98;
    size_t rn = dhcp_answer_echo(e, n, SRV_MAC, IP(10, 0, 3, 1), out);
    CHECK_EQ(rn, 98);
    CHECK(out[34] == 0 && dhcp_csum(out + 34, 64, 0) == 0 && dhcp_csum(out + 14, 20, 0) == 0);
    CHECK(!memcmp(out + 42, icmp + 8, 56) && !memcmp(out, mac, 6));
    e[40] ^= 1;                                         /* a bad ICMP checksum */
    CHECK_EQ(dhcp_answer_echo(e, n, SRV_MAC, IP(10, 0, 3, 1), out), 0);
    e[40] ^= 1;
    CHECK_EQ(dhcp_answer_echo(e, n, SRV_MAC, IP(10, 0, 3, 2), out), 0);   /* not us */
    CHECK_EQ(dhcp_answer_echo(e, 60, SRV_MAC, IP(10, 0, 3, 1), out), 0);  /* cut short */
}
