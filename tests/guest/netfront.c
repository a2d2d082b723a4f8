/*
 * netfront: a network frontend in a test guest, speaking Xen's netif
 * protocol to Dom0's netback exactly as Linux's netfront does (the xenbus
 * handshake in xenstore, two granted rings, one event channel, rx by the
 * backend's grant copy), with just enough IPv4 to be judged: ARP, ICMP
 * echo and UDP echo (port 7).  Created by xl with a vif (tests/dom0/
 * net*.session); its command line says what to do:
 *
 *   role=peer ip=A [secs=S]      answer ARP, echo requests and UDP echoes
 *                                for A for S seconds (60) or until xl
 *                                shutdown asks (control/shutdown); count every
 *                                frame seen and the unicast ones addressed
 *                                to another station (a leak, unless the
 *                                bridge had to flood), then power off
 *   role=ping ip=A peer=B [count=N] [udp=M]
 *                                ARP for B, N echo requests (4) of sizes
 *                                60..1400 in 1-3 fragments, then M (N) UDP
 *                                echoes sent with a blank checksum
 *                                (NETTXF_csum_blank): the peer finds it
 *                                completed, the answer must arrive
 *                                NETRXF_data_validated; SUCCESS if all came
 *                                back intact
 *   role=hostile ip=A peer=B     a frontend that breaks every rule in turn
 *                                and checks netback's answer to each (see
 *                                hostile() below), then proves its vif still
 *                                works, then breaks the ring for good,
 *                                reconnects and works again
 *   role=flood peer=B [count=N]  N frames (20000) to B as fast as the ring
 *                                takes them
 *   role=die ip=A peer=B         fill the transmit ring and crash mid-I/O
 *   role=isolated ip=A peer=B    alone on another bridge: its broadcasts
 *                                and ARP requests reach nobody (the peer
 *                                counts any it sees), nothing comes back
 *   role=bench [dst=dom0] peer=B count=N size=S
 *                                make bench: N frames to the sink B (or to
 *                                Dom0's interface), BENCH lines
 *   role=sink                    count the bench's frames, tell it
 *   role=dhcp [secs=S]           a DHCP client of Dom0's server (dhcpd): DISCOVER,
 *                                OFFER, REQUEST, ACK, the options checked; then
 *                                ARP and ping the server's address, renew by
 *                                unicast, serve as a peer until xl shutdown (or S
 *                                seconds), RELEASE
 *   role=dhcp-hostile [victim=V] malformed DHCP messages (truncated, options
 *                                past the end, no end, repeats, a server's type,
 *                                relayed, bad checksums, fragments) and 2000
 *                                DISCOVERs for random MACs: none answered; then
 *                                its own address, and V (another guest's
 *                                address) refused with a NAK
 *
 * Every wait has a deadline: a backend that stops answering fails the test
 * instead of hanging it.
 *
 * The DHCP roles are in netfront/dhcp.c; what they use of this file is
 * declared in netfront/netfront.h.
 */
#include <test.h>
#include <events.h>
#include <grant.h>
#include <string.h>
#include <public/io/netif.h>
#include <public/io/xenbus.h>
#include "ring_client.h"
#include "netfront/netfront.h"

#define NTX         16                  /* transmit buffers (one per slot in flight) */
#define NRX         32                  /* receive buffers posted */
#define REF_TXRING  8
#define REF_RXRING  9
#define REF_TXBUF   10                  /* .. 10 + NTX - 1 */
#define REF_RXBUF   40                  /* .. 40 + NRX - 1 */
#define BAD_REF     400                 /* never granted */

static _Alignas(4096) uint8_t txring_pg[4096], rxring_pg[4096];
static _Alignas(4096) uint8_t txbuf[NTX][4096], rxbuf[NRX][4096];

static struct xsc c;
static char fe[64], be[96];             /* our device dir, the backend's */
static netif_tx_front_ring_t txr;
static netif_rx_front_ring_t rxr;
static evtchn_port_t port;
uint8_t mymac[6];
uint32_t myip, peerip;
uint8_t peermac[6];
static bool peer_known;

static bool in_handler;                 /* inside handle(): never wait there */
static unsigned long replies_dropped;

/* transmit slots: id = buffer index */
static bool tx_busy[NTX];
static int16_t tx_status[NTX];
static unsigned long tx_done, tx_nulls;
unsigned long tx_errors;

static uint32_t sink_count;
static bool sink_answered;

/* what we received */
static unsigned long rx_frames, rx_foreign, rx_errors, rx_exp, rx_validated, rx_leak;
static uint16_t last_echo_seq, last_udp_seq;
static bool echo_ok, udp_ok;
static bool udp_valid_flag;

/* ---- small helpers (byte order and checksums: netfront/netfront.h) ---------- */

uint32_t parse_ip(const char *s)
{
    uint32_t ip = 0;
    for (int i = 0; i < 4; i++) {
        ip = ip << 8 | (uint32_t)parse_ulong(&s);
        if (*s == '.')
            s++;
    }
    return ip;
}

const char *arg(const char *key)
{
    return cmdline_value((const char *)start_info->cmd_line, key);
}

/* Does the command-line value v (which runs to a blank) equal word? */
static bool value_is(const char *v, const char *word)
{
    size_t n = strlen(word);
    return v && !memcmp(v, word, n) && (v[n] == 0 || v[n] == ' ');
}

unsigned long arg_num(const char *key, unsigned long dflt)
{
    const char *v = arg(key);
    return v ? parse_ulong(&v) : dflt;
}

/* ---- xenstore --------------------------------------------------------------- */

int xs_read_str(const char *path, char *buf, uint32_t size)
{
    uint32_t len;
    int rc = xsc_read(&c, 0, path, buf, size - 1, &len);

    if (rc)
        return rc;
    buf[len < size ? len : size - 1] = 0;
    return 0;
}

static int be_state(void)
{
    char p[128], v[16];
    const char *s = v;

    snprintf(p, sizeof(p), "%s/state", be);
    if (xs_read_str(p, v, sizeof(v)))
        return -1;
    return (int)parse_ulong(&s);
}

static void fe_write(const char *node, const char *val)
{
    char p[128];

    snprintf(p, sizeof(p), "%s/%s", fe, node);
    CHECK_RC(xsc_write_str(&c, 0, p, val), 0, node);
}

static void fe_state(int s)
{
    char v[4];
    snprintf(v, sizeof(v), "%d", s);
    fe_write("state", v);
}

/* Wait for the backend to reach a state (polling its node): true if it did. */
static bool wait_be(int want, uint64_t ms)
{
    uint64_t end = now_ns() + ms * NS_PER_MS;
    int s;

    while ((s = be_state()) != want) {
        if (now_ns() > end) {
            test_fail("backend state %d, waited for %d", s, want);
            return false;
        }
        spin_ns(5 * NS_PER_MS);
    }
    return true;
}

/* ---- the rings ------------------------------------------------------------- */

static void post_rx(uint16_t id, grant_ref_t ref)
{
    struct netif_rx_request *q = RING_GET_REQUEST(&rxr, rxr.req_prod_pvt);
    q->id = id;
    q->gref = ref;
    rxr.req_prod_pvt++;
}

static void push_rx(void)
{
    int notify;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&rxr, notify);
    if (notify)
        evtchn_send(port);
}

/* Grants, rings, nodes, Connected; wait for the backend's Connected. */
static bool connect(void)
{
    char v[32];

    memset(txring_pg, 0, sizeof(txring_pg));
    memset(rxring_pg, 0, sizeof(rxring_pg));
    SHARED_RING_INIT((netif_tx_sring_t *)txring_pg);
    SHARED_RING_INIT((netif_rx_sring_t *)rxring_pg);
    FRONT_RING_INIT(&txr, (netif_tx_sring_t *)txring_pg, 4096);
    FRONT_RING_INIT(&rxr, (netif_rx_sring_t *)rxring_pg, 4096);
    gnt_grant(REF_TXRING, 0, va_to_mfn(txring_pg), false);
    gnt_grant(REF_RXRING, 0, va_to_mfn(rxring_pg), false);
    for (int i = 0; i < NTX; i++) {
        gnt_grant((grant_ref_t)(REF_TXBUF + i), 0, va_to_mfn(txbuf[i]), true);
        tx_busy[i] = false;
    }
    for (int i = 0; i < NRX; i++)
        gnt_grant((grant_ref_t)(REF_RXBUF + i), 0, va_to_mfn(rxbuf[i]), false);
    long p = evtchn_alloc_unbound(0);
    if (p < 0) {
        test_error("alloc_unbound: %ld", p);
        return false;
    }
    port = (evtchn_port_t)p;
    if (!wait_be(XenbusStateInitWait, 10000))
        return false;
    snprintf(v, sizeof(v), "%u", REF_TXRING);
    fe_write("tx-ring-ref", v);
    snprintf(v, sizeof(v), "%u", REF_RXRING);
    fe_write("rx-ring-ref", v);
    snprintf(v, sizeof(v), "%u", port);
    fe_write("event-channel", v);
    fe_write("request-rx-copy", "1");
    fe_write("feature-rx-notify", "1");
    fe_write("feature-sg", "1");
    fe_state(XenbusStateConnected);
    if (!wait_be(XenbusStateConnected, 10000))
        return false;
    for (int i = 0; i < NRX; i++)
        post_rx((uint16_t)i, (grant_ref_t)(REF_RXBUF + i));
    push_rx();
    return true;
}

/* ---- receiving ------------------------------------------------------------- */

static void handle(uint8_t *f, unsigned int len, uint16_t rxflags)
{
    uint8_t out[1514];

    rx_frames++;
    if (!(f[0] & 1) && memcmp(f, mymac, 6)) {
        rx_foreign++;                           /* a card would filter it out */
        return;
    }
    if (len < 14)
        return;
    uint16_t type = be16(f + 12);
    if (type == 0x88b8) {                       /* from a guest on another bridge */
        rx_leak++;
        return;
    }
    if (type == 0x88b5) {                       /* the flood's frames */
        rx_exp++;
        return;
    }
    if (type == 0x88b6 && len >= 18) {          /* bench: how many came? */
        if (!memcmp(f, mymac, 6) && f[14] == 0xaa) {
            sink_count = be32(f + 15 + 0) >> 0;
            sink_answered = true;
        } else {
            memcpy(out, f + 6, 6);
            memcpy(out + 6, mymac, 6);
            put16(out + 12, 0x88b6);
            memset(out + 14, 0, 46);
            out[14] = 0xaa;
            put32(out + 15, (uint32_t)rx_exp);
            send_frame(out, 60, 1, 0);
        }
        return;
    }
    if (type == 0x0806 && len >= 42) {          /* ARP */
        uint8_t *a = f + 14;
        uint16_t op = be16(a + 6);
        uint32_t spa = be32(a + 14), tpa = be32(a + 24);
        if (op == 1 && tpa == myip && myip) {
            memcpy(out, f + 6, 6);
            memcpy(out + 6, mymac, 6);
            put16(out + 12, 0x0806);
            memcpy(out + 14, a, 6);             /* htype, ptype, hlen, plen */
            put16(out + 20, 2);
            memcpy(out + 22, mymac, 6);
            put32(out + 28, myip);
            memcpy(out + 32, a + 8, 6);
            put32(out + 38, spa);
            memset(out + 42, 0, 18);
            send_frame(out, 60, 1, 0);
        } else if (op == 2 && spa == peerip) {
            memcpy(peermac, a + 8, 6);
            peer_known = true;
        }
        return;
    }
    if (type != 0x0800 || len < 34)
        return;
    uint8_t *ip = f + 14;
    unsigned int ihl = (ip[0] & 15u) * 4, tot = be16(ip + 2);
    if ((ip[0] >> 4) != 4 || ihl < 20 || tot < ihl || 14 + tot > len || fold(sum16(ip, ihl, 0)))
        return;
    if (ip[9] == 17 && tot - ihl >= 8 && be16(ip + ihl + 2) == 68) {
        dhcp_rx(ip + ihl, tot - ihl);
        return;
    }
    if (be32(ip + 16) != myip)
        return;
    uint8_t *l4 = ip + ihl;
    unsigned int l4len = tot - ihl;
    if (ip[9] == 1 && l4len >= 8 && !fold(sum16(l4, l4len, 0))) {      /* ICMP */
        if (l4[0] == 8) {                       /* echo request: answer */
            memcpy(out, f, 14 + tot);
            memcpy(out, f + 6, 6);
            memcpy(out + 6, mymac, 6);
            uint8_t *oip = out + 14, *ol4 = oip + ihl;
            memcpy(oip + 12, ip + 16, 4);
            memcpy(oip + 16, ip + 12, 4);
            oip[8] = 64;
            put16(oip + 10, 0);
            put16(oip + 10, fold(sum16(oip, ihl, 0)));
            ol4[0] = 0;
            put16(ol4 + 2, 0);
            put16(ol4 + 2, fold(sum16(ol4, l4len, 0)));
            send_frame(out, 14 + tot < 60 ? 60 : 14 + tot, 1 + (tot / 500), 0);
        } else if (l4[0] == 0) {                /* echo reply: check the pattern */
            bool ok = true;
            for (unsigned int i = 8; i < l4len; i++)
                ok &= l4[i] == (uint8_t)(i * 7 + be16(l4 + 6));
            if (ok) {
                last_echo_seq = be16(l4 + 6);
                echo_ok = true;
            }
        }
        return;
    }
    if (ip[9] == 17 && l4len >= 8 && be16(l4 + 4) == l4len) {          /* UDP */
        uint32_t s = sum16(ip + 12, 8, 0) + 17 + l4len;
        if (be16(l4 + 6) && fold(sum16(l4, l4len, s)))
            return;                             /* a wrong checksum: dropped */
        if (be16(l4 + 2) == 7 && be16(l4) != 7) {  /* echo it, checksum left blank */
            memcpy(out, f, 14 + tot);
            memcpy(out, f + 6, 6);
            memcpy(out + 6, mymac, 6);
            uint8_t *oip = out + 14, *ol4 = oip + ihl;
            memcpy(oip + 12, ip + 16, 4);
            memcpy(oip + 16, ip + 12, 4);
            put16(oip + 10, 0);
            put16(oip + 10, fold(sum16(oip, ihl, 0)));
            put16(ol4, 7);
            memcpy(ol4 + 2, l4, 2);
            ol4[6] = 0xde;                      /* garbage: netback must redo it */
            ol4[7] = 0xad;
            send_frame(out, 14 + tot, 2, NETTXF_csum_blank);
        } else if (be16(l4) == 7 && l4len >= 10) {
            last_udp_seq = be16(l4 + 8);
            udp_valid_flag = (rxflags & NETRXF_data_validated) != 0;
            udp_ok = true;
        }
    }
}

/* Take responses off both rings; true if anything came. */
static bool poll_rings(void)
{
    bool any = false;
    RING_IDX prod;

    prod = txr.sring->rsp_prod;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    while (txr.rsp_cons != prod) {
        struct netif_tx_response r = *RING_GET_RESPONSE(&txr, txr.rsp_cons);
        txr.rsp_cons++;
        any = true;
        if (r.status == NETIF_RSP_NULL) {
            tx_nulls++;
            continue;
        }
        if (r.id < NTX) {
            tx_busy[r.id] = false;
            tx_status[r.id] = r.status;
        }
        tx_done++;
        if (r.status != NETIF_RSP_OKAY)
            tx_errors++;
    }
    prod = rxr.sring->rsp_prod;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    bool repost = false;
    while (rxr.rsp_cons != prod) {
        struct netif_rx_response r = *RING_GET_RESPONSE(&rxr, rxr.rsp_cons);
        rxr.rsp_cons++;
        any = true;
        if (r.id >= NRX) {
            test_fail("rx response with id %u", r.id);
            continue;
        }
        if (r.status < 0)
            rx_errors++;
        else if (r.offset + r.status <= 4096) {
            if (r.flags & NETRXF_data_validated)
                rx_validated++;
            in_handler = true;
            handle(rxbuf[r.id] + r.offset, (unsigned int)r.status, r.flags);
            in_handler = false;
        }
        post_rx(r.id, (grant_ref_t)(REF_RXBUF + r.id));
        repost = true;
    }
    if (repost)
        push_rx();
    return any;
}

/* Serve the rings until the deadline, or until done() (checked each turn). */
void run_until(uint64_t deadline, bool (*done)(void))
{
    while (!(done && done()) && now_ns() < deadline) {
        if (poll_rings())
            continue;
        int more;
        RING_FINAL_CHECK_FOR_RESPONSES(&txr, more);
        if (more)
            continue;
        RING_FINAL_CHECK_FOR_RESPONSES(&rxr, more);
        if (more)
            continue;
        wait_port(port, deadline < now_ns() + 50 * NS_PER_MS ? deadline : now_ns() + 50 * NS_PER_MS);
    }
}

/* ---- sending ------------------------------------------------------------------ */

static int free_slot(void)
{
    for (int i = 0; i < NTX; i++)
        if (!tx_busy[i])
            return i;
    return -1;
}

static unsigned int slots_free(void)
{
    unsigned int n = 0;
    for (int i = 0; i < NTX; i++)
        n += !tx_busy[i];
    return n;
}

static void push_tx(void)
{
    int notify;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&txr, notify);
    if (notify)
        evtchn_send(port);
}

/* Queue one raw request (the hostile tests build their own). */
static void raw_tx(grant_ref_t ref, uint16_t off, uint16_t size, uint16_t flags, uint16_t id)
{
    struct netif_tx_request *q = RING_GET_REQUEST(&txr, txr.req_prod_pvt);
    if (id < NTX) {
        tx_busy[id] = true;
        tx_status[id] = 99;
    }
    q->gref = ref;
    q->offset = off;
    q->size = size;
    q->flags = flags;
    q->id = id;
    txr.req_prod_pvt++;
}

static bool room_for(unsigned int n) { return slots_free() >= n; }
bool all_answered(void) { return txr.rsp_cons == txr.req_prod_pvt; }

static unsigned int want_room;
static bool have_room(void) { return room_for(want_room); }

/* Send a frame in `frags` pieces, each in a buffer of its own at an odd
 * offset (so pieces straddle nothing but test the offsets). */
void send_frame(const uint8_t *f, unsigned int len, unsigned int frags, uint16_t flags)
{
    int ids[NTX];
    unsigned int per, at = 0;

    if (frags < 1)
        frags = 1;
    if (frags > len / 20)
        frags = 1;
    want_room = frags;
    if (!room_for(frags) && in_handler) {
        replies_dropped++;                      /* never wait inside a handler */
        return;
    }
    if (!room_for(frags))
        run_until(now_ns() + 2000 * NS_PER_MS, have_room);
    if (!room_for(frags)) {
        test_fail("transmit ring stuck: no responses for 2 s");
        return;
    }
    per = len / frags;
    for (unsigned int i = 0; i < frags; i++) {
        ids[i] = free_slot();
        tx_busy[ids[i]] = true;
    }
    for (unsigned int i = 0; i < frags; i++) {
        unsigned int n = i + 1 < frags ? per : len - at;
        uint16_t off = (uint16_t)(100 + 17 * i);
        memcpy(txbuf[ids[i]] + off, f + at, n);
        raw_tx((grant_ref_t)(REF_TXBUF + ids[i]), off, (uint16_t)(i ? n : len),
               (uint16_t)((i + 1 < frags ? NETTXF_more_data : 0) | (i ? 0 : flags)),
               (uint16_t)ids[i]);
        at += n;
    }
    push_tx();
}

static void eth(uint8_t *f, const uint8_t *dst, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, mymac, 6);
    put16(f + 12, type);
}

static void send_arp_request(void)
{
    static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    uint8_t f[60] = { 0 };

    eth(f, bcast, 0x0806);
    put16(f + 14, 1);
    put16(f + 16, 0x0800);
    f[18] = 6;
    f[19] = 4;
    put16(f + 20, 1);
    memcpy(f + 22, mymac, 6);
    put32(f + 28, myip);
    put32(f + 38, peerip);
    send_frame(f, 60, 1, 0);
}

static unsigned int build_ip(uint8_t *f, uint8_t proto, unsigned int l4len)
{
    uint8_t *ip = f + 14;

    eth(f, peermac, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + l4len));
    ip[8] = 64;
    ip[9] = proto;
    put32(ip + 12, myip);
    put32(ip + 16, peerip);
    put16(ip + 10, fold(sum16(ip, 20, 0)));
    return 14 + 20 + l4len;
}

static void send_echo(uint16_t seq, unsigned int size, unsigned int frags)
{
    uint8_t f[1514];
    unsigned int l4len = size - 34;
    uint8_t *l4 = f + 34;

    build_ip(f, 1, l4len);
    memset(l4, 0, 8);
    l4[0] = 8;
    put16(l4 + 4, 0x4d49);
    put16(l4 + 6, seq);
    for (unsigned int i = 8; i < l4len; i++)
        l4[i] = (uint8_t)(i * 7 + seq);
    put16(l4 + 2, fold(sum16(l4, l4len, 0)));
    send_frame(f, size, frags, 0);
}

static void send_udp(uint16_t seq, unsigned int size)
{
    uint8_t f[1514];
    unsigned int l4len = size - 34;
    uint8_t *l4 = f + 34;

    build_ip(f, 17, l4len);
    put16(l4, 7000);                            /* from 7000 to the echo port */
    put16(l4 + 2, 7);
    put16(l4 + 4, (uint16_t)l4len);
    put16(l4 + 6, 0x1234);                      /* blank: anything goes */
    put16(l4 + 8, seq);
    for (unsigned int i = 10; i < l4len; i++)
        l4[i] = (uint8_t)(i + seq);
    send_frame(f, size, 3, NETTXF_csum_blank);
}

static bool peer_resolved(void) { return peer_known; }
static uint16_t want_seq;
static bool echo_back(void) { return echo_ok && last_echo_seq == want_seq; }
static bool udp_back(void) { return udp_ok && last_udp_seq == want_seq; }

bool resolve_peer(void)
{
    for (int i = 0; i < 20 && !peer_known; i++) {
        send_arp_request();
        run_until(now_ns() + 500 * NS_PER_MS, peer_resolved);
    }
    if (!peer_known)
        test_fail("no ARP answer from the peer");
    return peer_known;
}

bool ping_once(uint16_t seq, unsigned int size, unsigned int frags)
{
    for (int tries = 0; tries < 3; tries++) {
        echo_ok = false;
        want_seq = seq;
        send_echo(seq, size, frags);
        run_until(now_ns() + 1000 * NS_PER_MS, echo_back);
        if (echo_back())
            return true;
    }
    return false;
}

static bool udp_once(uint16_t seq, unsigned int size)
{
    for (int tries = 0; tries < 3; tries++) {
        udp_ok = false;
        want_seq = seq;
        send_udp(seq, size);
        run_until(now_ns() + 1000 * NS_PER_MS, udp_back);
        if (udp_back())
            return true;
    }
    return false;
}

/* ---- roles ---------------------------------------------------------------------- */

static void role_peer(void)
{
    uint64_t end = now_ns() + arg_num("secs", 60) * 1000 * NS_PER_MS;
    char v[16];

    /* Serve until the time is up or the toolstack asks (xl shutdown). */
    while (now_ns() < end) {
        run_until(now_ns() + 300 * NS_PER_MS, NULL);
        if (!xs_read_str("control/shutdown", v, sizeof(v)) && !strcmp(v, "poweroff")) {
            printf("netfront: the toolstack asks for a poweroff\n");
            break;
        }
    }
    printf("netfront: peer saw %lu frames, %lu for other stations, %lu from other bridges, "
           "%lu flood frames, %lu validated, %lu rx errors; sent %lu (%lu refused)\n",
           rx_frames, rx_foreign, rx_leak, rx_exp, rx_validated, rx_errors, tx_done, tx_errors);
    CHECK(rx_foreign == 0, "saw %lu unicast frames addressed to other stations", rx_foreign);
    CHECK(rx_leak == 0, "saw %lu frames from a guest on another bridge", rx_leak);
    CHECK(tx_errors == 0, "%lu of our packets refused", tx_errors);
}

static void role_ping(void)
{
    unsigned long n = arg_num("count", 4), nu = arg_num("udp", n), ok = 0, uok = 0, valid = 0;

    if (!resolve_peer())
        return;
    for (unsigned long i = 0; i < n; i++) {
        unsigned int size = 60 + (unsigned int)((i * 457) % 1340), frags = 1 + (unsigned int)(i % 3);
        if (ping_once((uint16_t)(i + 1), size, frags))
            ok++;
    }
    for (unsigned long i = 0; i < nu; i++) {
        if (udp_once((uint16_t)(100 + i), 60 + (unsigned int)((i * 311) % 1300))) {
            uok++;
            valid += udp_valid_flag;
        }
    }
    printf("netfront: %lu/%lu echoes, %lu/%lu UDP echoes (%lu marked validated); "
           "saw %lu frames, %lu for other stations\n", ok, n, uok, nu, valid, rx_frames, rx_foreign);
    CHECK(ok == n, "%lu echoes of %lu", ok, n);
    CHECK(uok == nu, "%lu UDP echoes of %lu", uok, nu);
    CHECK(valid == uok, "blank-checksum answers not marked validated: %lu of %lu", uok - valid, uok);
    CHECK(rx_foreign == 0, "saw %lu unicast frames addressed to other stations", rx_foreign);
    CHECK(tx_errors == 0, "%lu of our packets refused", tx_errors);
}

/* Push the raw requests, wait until every slot is answered: the status
 * of id `id` (99: none came). */
static int16_t answer_of(uint16_t id)
{
    push_tx();
    run_until(now_ns() + 2000 * NS_PER_MS, all_answered);
    return tx_status[id];
}

static void hostile(void)
{
    unsigned long nulls0;
    char p[160], v[128];

    if (!resolve_peer())
        return;
    CHECK(ping_once(1, 100, 1), "no echo before the abuse");
    /* A grant we never made. */
    raw_tx(BAD_REF, 0, 60, 0, 0);
    CHECK_RC(answer_of(0), NETIF_RSP_ERROR, "a bad grant ref");
    /* Data beyond the page. */
    raw_tx(REF_TXBUF + 1, 4000, 200, 0, 1);
    CHECK_RC(answer_of(1), NETIF_RSP_ERROR, "offset + size beyond the page");
    /* Nineteen slots. */
    for (uint16_t i = 0; i < 19; i++)
        raw_tx(REF_TXBUF + (i % NTX), 0, i ? 10 : 190, i < 18 ? NETTXF_more_data : 0,
               (uint16_t)(i % NTX));
    CHECK_RC(answer_of(2), NETIF_RSP_ERROR, "19 slots");
    /* Oversized: 3000 bytes without GSO. */
    raw_tx(REF_TXBUF + 3, 0, 3000, NETTXF_more_data, 3);
    raw_tx(REF_TXBUF + 4, 0, 1500, 0, 4);
    CHECK_RC(answer_of(3), NETIF_RSP_ERROR, "3000-byte packet");
    /* Sizes that do not add up. */
    raw_tx(REF_TXBUF + 5, 0, 100, NETTXF_more_data, 5);
    raw_tx(REF_TXBUF + 6, 0, 200, 0, 6);
    CHECK_RC(answer_of(5), NETIF_RSP_ERROR, "fragments larger than the packet");
    /* An extra-info slot (GSO, not offered): ERROR, and NULL for the extra. */
    nulls0 = tx_nulls;
    raw_tx(REF_TXBUF + 7, 0, 100, NETTXF_extra_info, 7);
    {
        struct netif_extra_info *e = (void *)RING_GET_REQUEST(&txr, txr.req_prod_pvt);
        memset(e, 0, sizeof(*e));
        e->type = XEN_NETIF_EXTRA_TYPE_GSO;
        e->u.gso.size = 1400;
        e->u.gso.type = XEN_NETIF_GSO_TYPE_TCPV4;
        txr.req_prod_pvt++;
    }
    CHECK_RC(answer_of(7), NETIF_RSP_ERROR, "GSO extra info");
    CHECK(tx_nulls == nulls0 + 1, "extra slot answered %lu NULLs", tx_nulls - nulls0);
    /* A blank checksum netback cannot complete (ICMP). */
    memset(txbuf[8], 0, 100);
    memcpy(txbuf[8], peermac, 6);
    memcpy(txbuf[8] + 6, mymac, 6);
    put16(txbuf[8] + 12, 0x0800);
    txbuf[8][14] = 0x45;
    put16(txbuf[8] + 16, 80);
    txbuf[8][23] = 1;
    raw_tx(REF_TXBUF + 8, 0, 100, NETTXF_csum_blank, 8);
    CHECK_RC(answer_of(8), NETIF_RSP_ERROR, "blank checksum on ICMP");
    /* Runt. */
    raw_tx(REF_TXBUF + 9, 0, 10, 0, 9);
    CHECK_RC(answer_of(9), NETIF_RSP_ERROR, "10-byte packet");
    /* Another station's source address: accepted by netback, dropped by
     * the bridge (the peer must not learn us as it). */
    {
        uint8_t f[60] = { 0 };
        memset(f, 0xff, 6);
        memcpy(f + 6, peermac, 6);
        put16(f + 12, 0x88b5);
        memcpy(txbuf[10], f, 60);
        raw_tx(REF_TXBUF + 10, 0, 60, 0, 10);
        CHECK_RC(answer_of(10), NETIF_RSP_OKAY, "spoofed frame");
    }
    /* A receive buffer with a bad grant (behind the NRX good ones, id 0
     * reused: ids are the frontend's business): answered with an error
     * once the traffic reaches it. */
    unsigned long rxerr0 = rx_errors;
    CHECK(ping_once(2, 200, 2), "no echo after the bad packets");
    post_rx(0, BAD_REF);
    push_rx();
    for (uint16_t i = 0; i < 3 * NRX && rx_errors == rxerr0; i++)
        ping_once((uint16_t)(1000 + i), 60, 1);
    CHECK(rx_errors == rxerr0 + 1, "bad rx grant answered %lu errors", rx_errors - rxerr0);
    /* The vif still works, and every slot was answered. */
    CHECK(ping_once(3, 1400, 3), "no echo after the bad receive buffer");
    printf("netfront: hostile packets all refused, vif still works (%lu refused, %lu NULL)\n",
           tx_errors, tx_nulls);

    /* Break the ring for good: a producer a thousand requests ahead. */
    txr.sring->req_prod = txr.req_prod_pvt + 1000;
    evtchn_send(port);
    uint64_t end = now_ns() + 3000 * NS_PER_MS;
    snprintf(p, sizeof(p), "%s/error", be);
    while (xs_read_str(p, v, sizeof(v)) && now_ns() < end)
        spin_ns(10 * NS_PER_MS);
    CHECK(!xs_read_str(p, v, sizeof(v)), "no error node after a broken ring");
    printf("netfront: backend says: %s\n", v);
    CHECK(!ping_once(4, 100, 1), "an echo through a disabled vif");

    /* Reconnect: Closing, Closed, Initialising, and the handshake again. */
    fe_state(XenbusStateClosing);
    wait_be(XenbusStateClosing, 5000);
    /* Requests after Closing: nobody answers them. */
    unsigned long done0 = tx_done;
    raw_tx(REF_TXBUF + 11, 0, 60, 0, 11);
    txr.sring->req_prod = txr.req_prod_pvt;
    evtchn_send(port);
    run_until(now_ns() + 500 * NS_PER_MS, NULL);
    CHECK(tx_done == done0, "a request after Closing was answered");
    fe_state(XenbusStateClosed);
    wait_be(XenbusStateClosed, 5000);
    evtchn_close(port);
    for (int i = 0; i < NTX; i++)
        gnt_end((grant_ref_t)(REF_TXBUF + i));
    gnt_end(REF_TXRING);
    gnt_end(REF_RXRING);
    fe_state(XenbusStateInitialising);
    peer_known = false;
    if (!connect())
        return;
    CHECK(resolve_peer(), "no ARP after reconnecting");
    CHECK(ping_once(5, 300, 2), "no echo after reconnecting");
    printf("netfront: reconnected, echoes again\n");
}

static void role_flood(void)
{
    unsigned long n = arg_num("count", 20000);
    uint8_t f[60] = { 0 };

    if (!resolve_peer())
        return;
    memcpy(f, peermac, 6);
    memcpy(f + 6, mymac, 6);
    put16(f + 12, 0x88b5);
    uint64_t t0 = now_ns();
    for (unsigned long i = 0; i < n; i++) {
        put32(f + 14, (uint32_t)i);
        send_frame(f, 60, 1, 0);
        poll_rings();
    }
    run_until(now_ns() + 5000 * NS_PER_MS, all_answered);
    printf("netfront: flooded %lu frames in %lu ms (%lu refused)\n", n,
           (unsigned long)udiv64(now_ns() - t0, 1000000), tx_errors);
    CHECK(tx_errors == 0, "%lu flood frames refused", tx_errors);
}

/*
 * Throughput (make bench): `count` frames of `size` bytes to the peer (a
 * sink guest, which answers a query frame with what it received) or to
 * Dom0's interface on the bridge (dst=dom0: netback's bridge hands them
 * to Dom0's port, where nobody listens during the run: the frame ends
 * at the interface Dom0's stack would read).  The time stamp counter
 * under -icount shift=0 counts the whole machine's instructions (one CPU:
 * this guest, Dom0, the peer, the hypervisor), from the first request to
 * the sink's answer; per delivered packet and per delivered MiB.
 */
static bool got_sink_answer(void) { return sink_answered; }

static void role_bench(void)
{
    static const uint8_t dom0mac[6] = { 0x02, 0x16, 0x3e, 0, 0, 0 };
    unsigned long n = arg_num("count", 20000), size = arg_num("size", 1514);
    const char *dst = arg("dst");
    bool to_dom0 = value_is(dst, "dom0");
    const char *name = to_dom0 ? "domU_to_dom0" : "domU_to_domU";
    uint8_t f[1514] = { 0 };
    unsigned long delivered;

    if (size < 60 || size > 1514)
        size = 1514;
    if (!to_dom0 && !resolve_peer())
        return;
    memcpy(f, to_dom0 ? dom0mac : peermac, 6);
    memcpy(f + 6, mymac, 6);
    put16(f + 12, 0x88b5);
    /* The frames wait ready in every transmit buffer, page-aligned, as a
     * kernel's socket buffers would (Linux's netfront grants the pages
     * in place): the figures are netback's and the bridge's, not this
     * guest's memcpy.  Only the sequence number changes. */
    for (int i = 0; i < NTX; i++)
        memcpy(txbuf[i], f, size);
    uint64_t t0 = rdtsc();
    for (unsigned long i = 0; i < n; i++) {
        int id;
        want_room = 1;
        if (!room_for(1))
            run_until(now_ns() + 2000 * NS_PER_MS, have_room);
        if ((id = free_slot()) < 0) {
            test_fail("transmit ring stuck: no responses for 2 s");
            return;
        }
        put32(txbuf[id] + 14, (uint32_t)i);
        raw_tx((grant_ref_t)(REF_TXBUF + id), 0, (uint16_t)size, 0, (uint16_t)id);
        push_tx();
        poll_rings();
    }
    run_until(now_ns() + 10000 * NS_PER_MS, all_answered);
    delivered = n - tx_errors;
    if (!to_dom0) {
        /* Ask the sink (ethertype 0x88b6) how many arrived. */
        for (int tries = 0; tries < 5 && !sink_answered; tries++) {
            put16(f + 12, 0x88b6);
            send_frame(f, 60, 1, 0);
            run_until(now_ns() + 1000 * NS_PER_MS, got_sink_answer);
        }
        CHECK(sink_answered, "the sink did not answer");
        delivered = sink_count;
    }
    uint64_t t = rdtsc() - t0;
    printf("netfront: %s: %lu of %lu frames of %lu bytes delivered\n", name, delivered, n, size);
    CHECK(delivered > 0, "nothing delivered");
    if (!delivered)
        return;
    uint64_t bytes = (uint64_t)delivered * size;
    printf("BENCH netback.%s_per_packet %lu.00\n", name, (unsigned long)udiv64(t, (uint32_t)delivered));
    printf("BENCH netback.%s_per_mib %lu.00\n", name,
           (unsigned long)udiv64(t, (uint32_t)(bytes >> 10)) * 1024ul);
    printf("BENCH netback.%s_delivered_pct %lu.00\n", name,
           (unsigned long)udiv64((uint64_t)delivered * 100, (uint32_t)n));
}

/* The sink: counts 0x88b5 frames, answers 0x88b6 with the count. */
static void role_sink(void)
{
    uint64_t end = now_ns() + arg_num("secs", 600) * 1000 * NS_PER_MS;
    char v[16];

    while (now_ns() < end) {
        run_until(now_ns() + 300 * NS_PER_MS, NULL);
        if (!xs_read_str("control/shutdown", v, sizeof(v)) && !strcmp(v, "poweroff"))
            break;
    }
    printf("netfront: sink received %lu frames\n", rx_exp);
}

/* On another bridge than the peer: broadcasts (0x88b8, which the peer
 * counts as leaks) and ARP requests for the peer go nowhere near it, and
 * nothing comes back. */
static void role_isolated(void)
{
    uint8_t f[60] = { 0 };

    memset(f, 0xff, 6);
    memcpy(f + 6, mymac, 6);
    put16(f + 12, 0x88b8);
    for (int i = 0; i < 20; i++)
        send_frame(f, 60, 1, 0);
    for (int i = 0; i < 5 && !peer_known; i++) {
        send_arp_request();
        run_until(now_ns() + 400 * NS_PER_MS, peer_resolved);
    }
    run_until(now_ns() + 1000 * NS_PER_MS, all_answered);
    printf("netfront: isolated: %lu frames came back, the peer %s\n", rx_frames,
           peer_known ? "answered" : "is out of reach");
    CHECK(!peer_known, "a guest on another bridge answered ARP");
    CHECK(rx_frames == 0, "%lu frames reached a guest alone on its bridge", rx_frames);
    CHECK(tx_errors == 0, "%lu of our packets refused", tx_errors);
}

static void role_die(void)
{
    if (!resolve_peer())
        return;
    /* Everything in flight (broadcasts of ours), plus receive buffers
     * posted: then die. */
    for (int i = 0; i < NTX; i++) {
        memset(txbuf[i], 0xff, 6);
        memcpy(txbuf[i] + 6, mymac, 6);
        put16(txbuf[i] + 12, 0x88b7);
        raw_tx((grant_ref_t)(REF_TXBUF + i), 0, 60, 0, (uint16_t)i);
    }
    txr.sring->req_prod = txr.req_prod_pvt;
    evtchn_send(port);
    printf("netfront: dying with %d requests in flight\n", NTX);
    test_expect_crash("a frontend dies in the middle of I/O");
    asm volatile ("ud2");
}

void test_main(void)
{
    const char *role = arg("role"), *v;
    char val[32];

    if (map_shared_info() || !gnt_init(1) || xs_ring_connect(&c)) {
        test_error("setup failed");
        return;
    }
    snprintf(fe, sizeof(fe), "device/vif/0");
    if (xs_read_str("device/vif/0/backend", be, sizeof(be)) ||
        xs_read_str("device/vif/0/mac", val, sizeof(val))) {
        test_error("no vif in xenstore (device/vif/0)");
        return;
    }
    v = val;
    for (int i = 0; i < 6; i++) {
        unsigned int b = 0;
        for (int k = 0; k < 2; k++, v++)
            b = b * 16 + (unsigned int)(*v <= '9' ? *v - '0' : (*v | 32) - 'a' + 10);
        mymac[i] = (uint8_t)b;
        if (*v == ':')
            v++;
    }
    if ((v = arg("ip")))
        myip = parse_ip(v);
    if ((v = arg("peer")))
        peerip = parse_ip(v);
    if (!connect())
        return;
    printf("netfront: connected, mac %s, backend %s\n", val, be);
    if (!role || value_is(role, "peer"))
        role_peer();
    else if (value_is(role, "ping"))
        role_ping();
    else if (value_is(role, "hostile"))
        hostile();
    else if (value_is(role, "flood"))
        role_flood();
    else if (value_is(role, "die"))
        role_die();
    else if (value_is(role, "isolated"))
        role_isolated();
    else if (value_is(role, "bench"))
        role_bench();
    else if (value_is(role, "sink"))
        role_sink();
    else if (value_is(role, "dhcp"))
        role_dhcp();
    else if (value_is(role, "dhcp-hostile"))
        role_dhcp_hostile();
    else
        test_error("unknown role %s", role);
    test_success();
}
