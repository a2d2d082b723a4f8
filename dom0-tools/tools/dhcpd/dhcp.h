/*
 * Dom0's DHCP server, the pure parts (no OS interface: frames, text and
 * time in, decisions and frames out, so the host tests drive them alone):
 *
 *   dhcp_msg.c     the wire: Ethernet, IPv4, UDP and BOOTP/DHCP messages
 *                  parsed with every length checked, replies built; ARP
 *                  and ICMP echo for the server's own address
 *   dhcp_server.c  the configuration file, the lease table and the
 *                  protocol's decisions (RFC 2131's server side)
 *   dhcpd.c        the daemon on Dom0's bridge interface (os_net.h) and
 *                  the shell's `dhcpd` command
 *
 * docs/split-drivers.md ("Addresses: Dom0's DHCP server") has the design.
 * Addresses are host-order uint32_t throughout (10.0.3.1 = 0x0a000301).
 */
#ifndef DHCPD_DHCP_H
#define DHCPD_DHCP_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

/* ---- messages (dhcp_msg.c) ------------------------------------------ */

#define DHCP_SERVER_PORT    67
#define DHCP_CLIENT_PORT    68
#define DHCP_FIXED_LEN      236         /* op .. file, before the cookie */
#define DHCP_MIN_LEN        240         /* with the magic cookie */
#define DHCP_COOKIE         0x63825363u
#define DHCP_HOSTNAME_MAX   32          /* kept of option 12, with the NUL */

enum dhcp_type {
    DHCPDISCOVER = 1, DHCPOFFER, DHCPREQUEST, DHCPDECLINE,
    DHCPACK, DHCPNAK, DHCPRELEASE, DHCPINFORM,
};

/* Why a message was not taken (counted per reason by the daemon). */
enum dhcp_bad {
    DHCP_OK = 0,
    DHCP_BAD_FRAME,         /* Ethernet/IPv4/UDP: lengths, version, checksums, fragments */
    DHCP_BAD_SHORT,         /* under 240 bytes of BOOTP */
    DHCP_BAD_HEADER,        /* not a BOOTREQUEST over Ethernet (htype 1, hlen 6), no cookie */
    DHCP_BAD_OPTION,        /* an option running past the message, no end, a repeat */
    DHCP_BAD_TYPE,          /* no or an unknown message type, or a server's type */
    DHCP_BAD_SPOOF,         /* chaddr is not the frame's source MAC */
    DHCP_BAD_RELAY,         /* giaddr set: relays are not served */
    DHCP_BAD_NR
};
extern const char *const dhcp_bad_names[DHCP_BAD_NR];

struct dhcp_msg {
    uint8_t type;                       /* enum dhcp_type */
    uint32_t xid;
    uint16_t flags;                     /* 0x8000: the client wants broadcast replies */
    uint32_t ciaddr, giaddr;
    uint8_t chaddr[6];
    bool has_requested, has_server_id;
    uint32_t requested;                 /* option 50 */
    uint32_t server_id;                 /* option 54 */
    char hostname[DHCP_HOSTNAME_MAX];   /* option 12, letters, digits, - . _ only; else "" */
};

/* Parse a BOOTP/DHCP message (the UDP payload): DHCP_OK or why not. */
enum dhcp_bad dhcp_parse(const uint8_t *p, size_t n, struct dhcp_msg *m);

/* What a reply carries besides the message type. */
struct dhcp_reply_params {
    uint32_t server, netmask, router, dns;  /* router, dns: 0 = none */
    uint32_t yiaddr;                        /* the address given (0 for NAK, INFORM) */
    uint32_t lease_s;                       /* 0: no lease options (NAK, INFORM) */
};

/* Build a reply of `type` to m into out (at least DHCP_REPLY_MAX bytes);
 * returns its length. */
#define DHCP_REPLY_MAX      300
size_t dhcp_build_reply(uint8_t *out, const struct dhcp_msg *m, uint8_t type,
                        const struct dhcp_reply_params *rp);

/* ---- frames -------------------------------------------------------------- */

#define DHCP_FRAME_MAX      1514

/* A received Ethernet frame, checked down to its UDP payload. */
struct dhcp_frame {
    const uint8_t *src_mac;
    uint32_t src_ip, dst_ip;
    uint16_t src_port, dst_port;
    const uint8_t *payload;
    size_t payload_len;
};
/* DHCP_OK, or DHCP_BAD_FRAME; *is_udp false (and DHCP_OK) for a valid
 * IPv4 packet that is not UDP or a frame that is not IPv4. */
enum dhcp_bad dhcp_frame_udp(const uint8_t *f, size_t len, struct dhcp_frame *out, bool *is_udp);

/* Wrap a UDP payload into a frame (from our MAC/IP, port 67 to 68);
 * returns the frame's length (at least 60). */
size_t dhcp_frame_build(uint8_t *out, const uint8_t src_mac[6], const uint8_t dst_mac[6],
                        uint32_t src_ip, uint32_t dst_ip, const uint8_t *payload, size_t plen);

/* The server's own address on the link: the answer to an ARP request for
 * `ip` or an ICMP echo request to it, built into out (DHCP_FRAME_MAX);
 * 0 when the frame asks nothing of us. */
size_t dhcp_answer_arp(const uint8_t *f, size_t len, const uint8_t mac[6], uint32_t ip,
                       uint8_t *out);
size_t dhcp_answer_echo(const uint8_t *f, size_t len, const uint8_t mac[6], uint32_t ip,
                        uint8_t *out);

uint16_t dhcp_csum(const uint8_t *p, size_t n, uint32_t start);

/* ---- configuration and leases (dhcp_server.c) ---------------------------- */

#define DHCP_POOL_MAX       256         /* dynamic addresses */
#define DHCP_HOSTS_MAX      32          /* reservations */
#define DHCP_OFFER_HOLD_S   30          /* an unanswered offer is kept this long */
#define DHCP_DECLINE_HOLD_S 600         /* an address a client declined rests */
#define DHCP_LEASE_MIN_S    10
#define DHCP_LEASE_MAX_S    31536000u   /* a year */

struct dhcp_host {
    uint8_t mac[6];
    uint32_t ip;
    char name[DHCP_HOSTNAME_MAX];
};

struct dhcp_config {
    char ifname[16];
    uint32_t server, netmask;
    uint32_t pool_first, pool_last;
    uint32_t router, dns;               /* 0: not offered */
    uint32_t lease_s;
    unsigned int nhosts;
    struct dhcp_host hosts[DHCP_HOSTS_MAX];
};

/* The defaults: xenbr0, 10.0.3.1/24, pool .100-.199, no router, no DNS,
 * leases of an hour. */
void dhcp_config_default(struct dhcp_config *c);
/* Parse a configuration file's text over the defaults: 0, or -EINVAL with
 * "line N: what" in err (nothing of c may be used then). */
int dhcp_config_parse(const char *text, size_t len, struct dhcp_config *c,
                      char *err, size_t errlen);

enum dhcp_lease_state { LEASE_FREE, LEASE_OFFERED, LEASE_BOUND, LEASE_DECLINED };

struct dhcp_lease {
    uint32_t ip;
    uint8_t state;                      /* enum dhcp_lease_state, as of `expires` */
    bool reserved;                      /* a host line's: only that MAC gets it */
    bool known;                         /* mac holds (or held) it */
    uint8_t mac[6];
    uint64_t expires_ns;                /* offered, bound, declined until */
    uint64_t since_ns;                  /* state entered (the oldest free is reused first) */
    char hostname[DHCP_HOSTNAME_MAX];
};

struct dhcp_stats {
    uint64_t in[DHCPINFORM + 1];        /* messages taken, by type */
    uint64_t offers, acks, naks;
    uint64_t bad[DHCP_BAD_NR];
    uint64_t exhausted;                 /* DISCOVERs with no address left */
    uint64_t not_ours;                  /* REQUESTs for another server's offer */
    uint64_t reclaimed;                 /* offers taken back for someone else */
    uint64_t expired;                   /* bound leases that ran out */
    uint64_t arp, echo;                 /* answered for our address */
};

struct dhcp_server {
    struct dhcp_config cfg;
    unsigned int nleases;
    struct dhcp_lease leases[DHCP_POOL_MAX + DHCP_HOSTS_MAX];
    struct dhcp_stats st;
};

void dhcp_server_init(struct dhcp_server *s, const struct dhcp_config *c);

/* The decision for one message from the client m (already checked: m's
 * chaddr is the frame's source).  Returns the reply's type (DHCPOFFER,
 * DHCPACK, DHCPNAK) with rp filled, or 0 for no reply. */
uint8_t dhcp_handle(struct dhcp_server *s, const struct dhcp_msg *m, uint64_t now_ns,
                    struct dhcp_reply_params *rp);

/* Bring every lease's state up to now (expiries counted); returns how
 * many bound leases expired. */
unsigned int dhcp_expire(struct dhcp_server *s, uint64_t now_ns);

/* The lease held by mac (offered or bound), or NULL. */
const struct dhcp_lease *dhcp_lease_of(const struct dhcp_server *s, const uint8_t mac[6],
                                       uint64_t now_ns);

#endif
