/*
 * The DHCP server's wire (dhcp.h): frames from a bridge, where any guest
 * can put any bytes, so nothing here believes a length it has not checked
 * against the bytes that are there.
 *
 * Frame -> UDP payload (dhcp_frame_udp): Ethernet type IPv4, version 4, a
 * header length of 20..60 inside the frame, a total length covering the
 * header and inside the frame (Ethernet padding after it is ignored), a
 * correct header checksum, no fragment (a DHCP message fits a frame:
 * fragments are someone's attempt at something), UDP's length covering
 * its header and inside the IP packet, and its checksum right when it is
 * not 0 (0: none, allowed over IPv4).
 *
 * Payload -> message (dhcp_parse): at least the 236 fixed bytes and the
 * cookie; op BOOTREQUEST, htype Ethernet, hlen 6; then options: each
 * code's length byte must be there and its value fit before the end of
 * the message, the end option must come (a truncated message has none),
 * and the options we read must have their exact lengths and appear once
 * (a second message type could make two parts of a server disagree on
 * what was asked).  Option overload (52: more options in sname/file) is
 * not honoured -- the options we need fit in any client's main field --
 * and other unknown options are skipped.  A hostname (12) is kept only
 * if it is a plain name: it is printed on Dom0's console.
 *
 * Replies are built into a fixed buffer whose size covers the largest
 * reply we make (DHCP_REPLY_MAX): the options are ours, not the client's.
 */
#include "dhcp.h"
#include <string.h>

const char *const dhcp_bad_names[DHCP_BAD_NR] = {
    [DHCP_OK] = "ok",
    [DHCP_BAD_FRAME] = "bad frame",
    [DHCP_BAD_SHORT] = "short",
    [DHCP_BAD_HEADER] = "bad header",
    [DHCP_BAD_OPTION] = "bad options",
    [DHCP_BAD_TYPE] = "bad type",
    [DHCP_BAD_SPOOF] = "chaddr not the sender",
    [DHCP_BAD_RELAY] = "relayed",
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

/* The Internet checksum of p[0..n) added to `start` (a partial sum). */
uint16_t dhcp_csum(const uint8_t *p, size_t n, uint32_t start)
{
    uint64_t s = start;

    for (size_t i = 0; i + 1 < n; i += 2)
        s += be16(p + i);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static uint32_t pseudo_sum(uint32_t src, uint32_t dst, size_t udp_len)
{
    return (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff) + 17 + (uint32_t)udp_len;
}

enum dhcp_bad dhcp_frame_udp(const uint8_t *f, size_t len, struct dhcp_frame *out, bool *is_udp)
{
    *is_udp = false;
    if (len < 14 || len > DHCP_FRAME_MAX)
        return DHCP_BAD_FRAME;
    if (be16(f + 12) != 0x0800)
        return DHCP_OK;
    const uint8_t *ip = f + 14;
    size_t room = len - 14;
    if (room < 20 || (ip[0] >> 4) != 4)
        return DHCP_BAD_FRAME;
    size_t hl = (size_t)(ip[0] & 15) * 4, tl = be16(ip + 2);
    if (hl < 20 || hl > room || tl < hl || tl > room || dhcp_csum(ip, hl, 0) != 0)
        return DHCP_BAD_FRAME;
    if (be16(ip + 6) & 0x3fff)          /* more fragments, or an offset */
        return DHCP_BAD_FRAME;
    if (ip[9] != 17)
        return DHCP_OK;
    const uint8_t *udp = ip + hl;
    size_t ul = tl - hl;
    if (ul < 8 || be16(udp + 4) < 8 || be16(udp + 4) > ul)
        return DHCP_BAD_FRAME;
    ul = be16(udp + 4);
    out->src_ip = be32(ip + 12);
    out->dst_ip = be32(ip + 16);
    if (be16(udp + 6) && dhcp_csum(udp, ul, pseudo_sum(out->src_ip, out->dst_ip, ul)) != 0)
        return DHCP_BAD_FRAME;
    out->src_mac = f + 6;
    out->src_port = be16(udp);
    out->dst_port = be16(udp + 2);
    out->payload = udp + 8;
    out->payload_len = ul - 8;
    *is_udp = true;
    return DHCP_OK;
}

static void keep_hostname(char *dst, const uint8_t *v, size_t n)
{
    dst[0] = '\0';
    if (n == 0 || n >= DHCP_HOSTNAME_MAX)
        return;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = v[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.' || c == '_'))
            return;
    }
    memcpy(dst, v, n);
    dst[n] = '\0';
}

enum dhcp_bad dhcp_parse(const uint8_t *p, size_t n, struct dhcp_msg *m)
{
    bool seen_type = false, seen_host = false, ended = false;

    memset(m, 0, sizeof(*m));
    if (n < DHCP_MIN_LEN)
        return DHCP_BAD_SHORT;
    if (p[0] != 1 || p[1] != 1 || p[2] != 6 || be32(p + DHCP_FIXED_LEN) != DHCP_COOKIE)
        return DHCP_BAD_HEADER;
    m->xid = be32(p + 4);
    m->flags = be16(p + 10);
    m->ciaddr = be32(p + 12);
    m->giaddr = be32(p + 24);
    memcpy(m->chaddr, p + 28, 6);
    for (size_t i = DHCP_MIN_LEN; i < n;) {
        uint8_t code = p[i];
        if (code == 0) {
            i++;
            continue;
        }
        if (code == 255) {
            ended = true;
            break;
        }
        if (i + 2 > n || i + 2 + p[i + 1] > n)
            return DHCP_BAD_OPTION;
        size_t olen = p[i + 1];
        const uint8_t *v = p + i + 2;
        switch (code) {
        case 53:                        /* message type */
            if (olen != 1 || seen_type)
                return DHCP_BAD_OPTION;
            seen_type = true;
            m->type = v[0];
            break;
        case 50:                        /* requested address */
            if (olen != 4 || m->has_requested)
                return DHCP_BAD_OPTION;
            m->has_requested = true;
            m->requested = be32(v);
            break;
        case 54:                        /* server identifier */
            if (olen != 4 || m->has_server_id)
                return DHCP_BAD_OPTION;
            m->has_server_id = true;
            m->server_id = be32(v);
            break;
        case 12:                        /* hostname */
            if (seen_host)
                return DHCP_BAD_OPTION;
            seen_host = true;
            keep_hostname(m->hostname, v, olen);
            break;
        default:
            break;
        }
        i += 2 + olen;
    }
    if (!ended)
        return DHCP_BAD_OPTION;
    if (!seen_type || m->type < DHCPDISCOVER || m->type > DHCPINFORM ||
        m->type == DHCPOFFER || m->type == DHCPACK || m->type == DHCPNAK)
        return DHCP_BAD_TYPE;
    return DHCP_OK;
}

static size_t opt32(uint8_t *d, size_t o, uint8_t code, uint32_t v)
{
    d[o] = code;
    d[o + 1] = 4;
    put32(d + o + 2, v);
    return o + 6;
}

size_t dhcp_build_reply(uint8_t *d, const struct dhcp_msg *m, uint8_t type,
                        const struct dhcp_reply_params *rp)
{
    size_t o = DHCP_MIN_LEN;

    memset(d, 0, DHCP_REPLY_MAX);
    d[0] = 2;                           /* BOOTREPLY */
    d[1] = 1;
    d[2] = 6;
    put32(d + 4, m->xid);
    put16(d + 10, m->flags & 0x8000);
    if (type == DHCPACK && m->type == DHCPINFORM)
        put32(d + 12, m->ciaddr);
    if (type != DHCPNAK)
        put32(d + 16, rp->yiaddr);
    put32(d + 24, m->giaddr);
    memcpy(d + 28, m->chaddr, 6);
    put32(d + DHCP_FIXED_LEN, DHCP_COOKIE);
    d[o++] = 53;
    d[o++] = 1;
    d[o++] = type;
    o = opt32(d, o, 54, rp->server);
    if (type != DHCPNAK) {
        if (rp->lease_s) {
            o = opt32(d, o, 51, rp->lease_s);
            o = opt32(d, o, 58, rp->lease_s / 2);
            o = opt32(d, o, 59, (uint32_t)((uint64_t)rp->lease_s * 7 / 8));
        }
        o = opt32(d, o, 1, rp->netmask);
        if (rp->router)
            o = opt32(d, o, 3, rp->router);
        if (rp->dns)
            o = opt32(d, o, 6, rp->dns);
        if (rp->yiaddr)
            o = opt32(d, o, 28, rp->yiaddr | ~rp->netmask);
    }
    d[o++] = 255;
    return o < DHCP_REPLY_MAX ? DHCP_REPLY_MAX : o;    /* BOOTP's 300 bytes at least */
}

static void eth_ip_header(uint8_t *f, const uint8_t src_mac[6], const uint8_t dst_mac[6],
                          uint8_t proto, uint32_t src_ip, uint32_t dst_ip, size_t plen)
{
    static uint16_t ident;
    uint8_t *ip = f + 14;

    memcpy(f, dst_mac, 6);
    memcpy(f + 6, src_mac, 6);
    put16(f + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + plen));
    put16(ip + 4, ident++);
    ip[8] = 64;
    ip[9] = proto;
    put32(ip + 12, src_ip);
    put32(ip + 16, dst_ip);
    put16(ip + 10, dhcp_csum(ip, 20, 0));
}

size_t dhcp_frame_build(uint8_t *f, const uint8_t src_mac[6], const uint8_t dst_mac[6],
                        uint32_t src_ip, uint32_t dst_ip, const uint8_t *payload, size_t plen)
{
    uint8_t *udp = f + 34;
    size_t ul = 8 + plen;

    eth_ip_header(f, src_mac, dst_mac, 17, src_ip, dst_ip, ul);
    put16(udp, DHCP_SERVER_PORT);
    put16(udp + 2, DHCP_CLIENT_PORT);
    put16(udp + 4, (uint16_t)ul);
    put16(udp + 6, 0);
    memcpy(udp + 8, payload, plen);
    uint16_t c = dhcp_csum(udp, ul, pseudo_sum(src_ip, dst_ip, ul));
    put16(udp + 6, c ? c : 0xffff);
    size_t len = 34 + ul;
    if (len < 60) {
        memset(f + len, 0, 60 - len);
        len = 60;
    }
    return len;
}

size_t dhcp_answer_arp(const uint8_t *f, size_t len, const uint8_t mac[6], uint32_t ip,
                       uint8_t *out)
{
    if (len < 42 || be16(f + 12) != 0x0806 || be16(f + 14) != 1 || be16(f + 16) != 0x0800 ||
        f[18] != 6 || f[19] != 4 || be16(f + 20) != 1 || be32(f + 38) != ip)
        return 0;
    if (f[22] & 1)                      /* a multicast sender: answer nobody */
        return 0;
    memset(out, 0, 60);
    memcpy(out, f + 22, 6);
    memcpy(out + 6, mac, 6);
    put16(out + 12, 0x0806);
    put16(out + 14, 1);
    put16(out + 16, 0x0800);
    out[18] = 6;
    out[19] = 4;
    put16(out + 20, 2);
    memcpy(out + 22, mac, 6);
    put32(out + 28, ip);
    memcpy(out + 32, f + 22, 10);       /* their MAC and address */
    return 60;
}

size_t dhcp_answer_echo(const uint8_t *f, size_t len, const uint8_t mac[6], uint32_t ip,
                        uint8_t *out)
{
    struct dhcp_frame fr;
    bool udp;

    if (len < 34 || dhcp_frame_udp(f, len, &fr, &udp) != DHCP_OK || udp ||
        be16(f + 12) != 0x0800 || f[14 + 9] != 1 || (f[6] & 1))
        return 0;
    const uint8_t *iph = f + 14;
    size_t hl = (size_t)(iph[0] & 15) * 4, tl = be16(iph + 2);
    const uint8_t *icmp = iph + hl;
    size_t il = tl - hl;
    if (be32(iph + 16) != ip || il < 8 || icmp[0] != 8 || icmp[1] != 0 ||
        dhcp_csum(icmp, il, 0) != 0)
        return 0;
    eth_ip_header(out, mac, f + 6, 1, ip, be32(iph + 12), il);
    uint8_t *r = out + 34;
    memcpy(r, icmp, il);
    r[0] = 0;                           /* echo reply */
    put16(r + 2, 0);
    put16(r + 2, dhcp_csum(r, il, 0));
    size_t n = 34 + il;
    if (n < 60) {
        memset(out + n, 0, 60 - n);
        n = 60;
    }
    return n;
}
