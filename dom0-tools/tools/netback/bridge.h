/*
 * A learning Ethernet bridge (bridge.c): Dom0's xenbr0 and friends, joining
 * the guests' vifs, Dom0's own interface on the bridge and the physical
 * port.  Pure logic: frames in, deliveries out through each port's
 * function, time passed in by the caller, so the host tests drive it alone.
 */
#ifndef NETBACK_BRIDGE_H
#define NETBACK_BRIDGE_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define BRIDGE_NAME_MAX     16
#define BRIDGE_MAX_PORTS    32
#define BRIDGE_FDB_SIZE     256             /* addresses learned per bridge */
#define BRIDGE_AGEING_NS    300000000000ull /* 300 s, Linux's default */

struct bridge;
struct bridge_port;

/*
 * Deliver a frame out of a port: it is valid only during the call (the
 * port copies what it keeps).  0, or -errno when the port dropped it
 * (full queue, link down): counted on the port, the others still get it.
 */
typedef int bridge_xmit_fn(void *arg, const void *frame, size_t len);

struct bridge_port_stats {
    uint64_t rx_frames, rx_bytes;   /* entered the bridge here */
    uint64_t tx_frames, tx_bytes;   /* delivered out of this port */
    uint64_t tx_dropped;            /* the port's xmit refused */
    uint64_t spoofed;               /* source MAC not the port's (locked ports) */
    uint64_t bad_source;            /* multicast or zero source MAC */
    uint64_t runts;                 /* shorter than an Ethernet header */
};

struct bridge_stats {
    uint64_t forwarded;             /* unicast to the one learned port */
    uint64_t flooded;               /* broadcast, multicast or unknown */
    uint64_t filtered;              /* destination learned on the ingress port */
    uint64_t learned, moved, aged;  /* address table changes */
    uint64_t table_full;            /* addresses not learned: table full */
    unsigned int addresses;
};

/* Bridges by name: created on first use (up to 8), never destroyed. */
struct bridge *bridge_get(const char *name, bool create);
struct bridge *bridge_at(unsigned int index);
const char *bridge_name(const struct bridge *b);
void bridge_stats(const struct bridge *b, struct bridge_stats *st);
/* Forget every bridge (host tests). */
void bridge_reset_all(void);

/*
 * Add a port.  A port with a locked MAC (vifs: the address the toolstack
 * gave the guest) may only send frames from that source address: a guest
 * cannot claim another's address and so take its traffic.  NULL when the
 * bridge is full.
 */
struct bridge_port *bridge_port_add(struct bridge *b, const char *name,
                                    const uint8_t *locked_mac,
                                    bridge_xmit_fn *xmit, void *arg);
/* Remove a port: every address learned on it is forgotten at once. */
void bridge_port_del(struct bridge_port *p);
const char *bridge_port_name(const struct bridge_port *p);
struct bridge *bridge_port_bridge(const struct bridge_port *p);
void bridge_port_stats(const struct bridge_port *p, struct bridge_port_stats *st);
/* The ports of a bridge, in order of addition (NULL past the end). */
struct bridge_port *bridge_port_at(const struct bridge *b, unsigned int index);

/* A frame entered the bridge through port `in` at time now_ns. */
void bridge_input(struct bridge_port *in, const void *frame, size_t len, uint64_t now_ns);

/* Expire addresses older than the ageing time; returns how many. */
unsigned int bridge_age(struct bridge *b, uint64_t now_ns);
void bridge_set_ageing(struct bridge *b, uint64_t ageing_ns);

/* A permanent entry: mac lives behind p (Dom0's interface); 0 or -ENOSPC. */
int bridge_fdb_add_static(struct bridge *b, const uint8_t mac[6], struct bridge_port *p);

/* Where an address was learned (NULL: unknown or aged). */
struct bridge_port *bridge_lookup(struct bridge *b, const uint8_t mac[6], uint64_t now_ns);

/* Visit the address table: fn(arg, mac, port, age_ns). */
typedef void bridge_fdb_fn(void *arg, const uint8_t mac[6], const struct bridge_port *p,
                           uint64_t age_ns);
void bridge_fdb_walk(struct bridge *b, uint64_t now_ns, bridge_fdb_fn *fn, void *arg);

#endif
