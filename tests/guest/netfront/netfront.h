/*
 * What the netfront test guest's files share (tests/guest/netfront.c: the
 * netif frontend, its rings and the roles speaking plain IPv4;
 * netfront/dhcp.c: the DHCP client roles).  The frontend keeps its rings,
 * buffers and counters to itself; the DHCP roles need only a frame sender,
 * the wait loop, the station's addresses and the byte helpers below, so
 * that is all this header shows.  The helpers are static inline: both
 * files use them on every frame, and they are too small to be a module.
 */
#ifndef NETFRONT_H
#define NETFRONT_H

#include <test.h>
#include <events.h>

/* ---- byte order and the Internet checksum ---- */

static inline uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static inline uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static inline void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static inline void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)(v >> 16)); put16(p + 2, (uint16_t)v); }

static inline uint32_t sum16(const uint8_t *p, uint32_t n, uint32_t s)
{
    for (uint32_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    return s;
}
static inline uint16_t fold(uint32_t s)
{
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

/* ---- netfront.c: the command line, xenstore, the station ---- */

uint32_t parse_ip(const char *s);
const char *arg(const char *key);
unsigned long arg_num(const char *key, unsigned long dflt);
int xs_read_str(const char *path, char *buf, uint32_t size);

extern uint8_t mymac[6];
extern uint32_t myip, peerip;           /* ours, the peer's (0: none) */
extern uint8_t peermac[6];              /* the peer's, once resolved */
extern unsigned long tx_errors;         /* transmit requests netback refused */

/* ---- netfront.c: sending and waiting ---- */

/* One Ethernet frame of len bytes in frags transmit requests. */
void send_frame(const uint8_t *f, unsigned int len, unsigned int frags, uint16_t flags);
/* Serve both rings until deadline (now_ns()) or until done() (may be NULL). */
void run_until(uint64_t deadline, bool (*done)(void));
/* Every transmit request has its answer. */
bool all_answered(void);
/* ARP for peerip: peermac. */
bool resolve_peer(void);
/* One echo request to the peer, its answer awaited. */
bool ping_once(uint16_t seq, unsigned int size, unsigned int frags);

/* ---- netfront/dhcp.c ---- */

/* A UDP datagram to port 68 (udp: its header, len bytes on): a reply
 * to our DHCP client, if it is one. */
void dhcp_rx(const uint8_t *udp, unsigned int len);
void role_dhcp(void);
void role_dhcp_hostile(void);

#endif /* NETFRONT_H */
