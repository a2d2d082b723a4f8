/*
 * netback (netback.c): Dom0's backend for Xen's netif protocol, one vif
 * per guest network interface, each a port of a learning bridge
 * (bridge.c) that also joins Dom0's own interface and, when asked, the
 * physical port.  docs/split-drivers.md has the protocol and the design.
 */
#ifndef NETBACK_H
#define NETBACK_H

#include <stdint.h>
#include <stdbool.h>

/* Packets taken from one transmit ring (and frames given to one receive
 * ring) per turn of Dom0's loop: a flooding guest gets one share. */
#define NETBACK_BUDGET      64
/* Frames waiting for a guest to post receive buffers. */
#define NETBACK_RXQ         128
/* Dom0's interface on bridge xenbr<N>. */
#define NETBACK_DEFAULT_BRIDGE "xenbr0"

/* Register the "vif" driver with the backend framework and create
 * xenbr0 with Dom0's interface on it: 0 or -errno. */
int netback_init(void);

struct netback_vif_stats {
    uint64_t tx_packets, tx_bytes;      /* from the guest */
    uint64_t tx_errors;                 /* refused packets (any reason) */
    uint64_t tx_bad_grant;              /* a grant copy failed */
    uint64_t tx_csum;                   /* checksums completed for it */
    uint64_t tx_csum_refused;           /* blank checksums we cannot complete */
    uint64_t rx_packets, rx_bytes;      /* to the guest */
    uint64_t rx_dropped;                /* queue full: no buffers posted */
    uint64_t rx_bad_grant;
    uint64_t fatal;                     /* protocol broken: disabled */
};

/* The shell commands: `vifs` (every vif, its bridge, MAC, counters) and
 * `bridge` (show / addif BRIDGE PORT / delif BRIDGE PORT / fdb BRIDGE). */
int netback_vifs_cmd(int argc, char **argv);
int netback_bridge_cmd(int argc, char **argv);

#endif
