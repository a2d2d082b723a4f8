/*
 * public/io/netif.h - the network-device rings (vif).
 *
 * Two rings of 256 entries each.  Transmit: the frontend grants the pages
 * holding a packet and queues one tx request per slot (NETTXF_more_data
 * chains slots; NETTXF_extra_info means a netif_extra_info follows in
 * the next slot); the backend answers each with a tx response (extra-info
 * slots get NETIF_RSP_NULL).  Receive: the frontend posts empty granted
 * pages as rx requests; the backend copies packets into them and answers
 * with the byte count (or an error) in status.
 *
 * Frontend nodes: tx-ring-ref, rx-ring-ref, event-channel (or
 * event-channel-tx / -rx), request-rx-copy = 1, feature-rx-notify.  The
 * backend publishes mac and feature-* nodes.  No 64-bit fields, so the
 * layout is the same for every ABI.
 */
#ifndef MICA_PUBLIC_IO_NETIF_H
#define MICA_PUBLIC_IO_NETIF_H

#include "ring.h"
#include "../grant_table.h"

/* Largest packet, and the fewest slots per packet a backend must accept. */
#define XEN_NETIF_MAX_TX_SIZE       0xFFFF
#define XEN_NETIF_NR_SLOTS_MIN      18

/* netif_tx_request.flags. */
#define _NETTXF_csum_blank          0   /* checksum to be computed */
#define NETTXF_csum_blank           (1 << _NETTXF_csum_blank)
#define _NETTXF_data_validated      1   /* checksum already verified */
#define NETTXF_data_validated       (1 << _NETTXF_data_validated)
#define _NETTXF_more_data           2   /* packet continues in next slot */
#define NETTXF_more_data            (1 << _NETTXF_more_data)
#define _NETTXF_extra_info          3   /* a netif_extra_info follows */
#define NETTXF_extra_info           (1 << _NETTXF_extra_info)

/* netif_rx_response.flags. */
#define _NETRXF_data_validated      0
#define NETRXF_data_validated       (1 << _NETRXF_data_validated)
#define _NETRXF_csum_blank          1
#define NETRXF_csum_blank           (1 << _NETRXF_csum_blank)
#define _NETRXF_more_data           2
#define NETRXF_more_data            (1 << _NETRXF_more_data)
#define _NETRXF_extra_info          3
#define NETRXF_extra_info           (1 << _NETRXF_extra_info)
#define _NETRXF_gso_prefix          4   /* GSO prefix slot precedes data */
#define NETRXF_gso_prefix           (1 << _NETRXF_gso_prefix)

/* netif_extra_info.type. */
#define XEN_NETIF_EXTRA_TYPE_NONE       0
#define XEN_NETIF_EXTRA_TYPE_GSO        1   /* u.gso */
#define XEN_NETIF_EXTRA_TYPE_MCAST_ADD  2   /* u.mcast */
#define XEN_NETIF_EXTRA_TYPE_MCAST_DEL  3   /* u.mcast */
#define XEN_NETIF_EXTRA_TYPE_HASH       4   /* u.hash */
#define XEN_NETIF_EXTRA_TYPE_XDP        5   /* u.xdp */
#define XEN_NETIF_EXTRA_TYPE_MAX        6

/* netif_extra_info.flags. */
#define _XEN_NETIF_EXTRA_FLAG_MORE      0   /* another extra follows */
#define XEN_NETIF_EXTRA_FLAG_MORE       (1 << _XEN_NETIF_EXTRA_FLAG_MORE)

/* netif_extra_info.u.gso.type. */
#define XEN_NETIF_GSO_TYPE_NONE         0
#define XEN_NETIF_GSO_TYPE_TCPV4        1
#define XEN_NETIF_GSO_TYPE_TCPV6        2

/* Response status. */
#define NETIF_RSP_DROPPED           (-2)
#define NETIF_RSP_ERROR             (-1)
#define NETIF_RSP_OKAY              0
#define NETIF_RSP_NULL              1   /* no response: extra-info slot */

#ifndef __ASSEMBLY__

/* 12 bytes. */
struct netif_tx_request {
    grant_ref_t gref;           /* packet data page */
    uint16_t    offset;         /* within the page */
    uint16_t    flags;          /* NETTXF_* */
    uint16_t    id;             /* echoed in the response */
    uint16_t    size;           /* first slot: whole packet; else this slot */
};
typedef struct netif_tx_request netif_tx_request_t;

/* Occupies a request (or response) slot of its own.  8 bytes. */
struct netif_extra_info {
    uint8_t type;               /* XEN_NETIF_EXTRA_TYPE_* */
    uint8_t flags;              /* XEN_NETIF_EXTRA_FLAG_* */
    union {
        struct {
            uint16_t size;      /* MSS */
            uint8_t  type;      /* XEN_NETIF_GSO_TYPE_* */
            uint8_t  pad;
            uint16_t features;  /* must be 0 */
        } gso;
        struct {
            uint8_t addr[6];    /* multicast MAC */
        } mcast;
        struct {
            uint8_t type;
            uint8_t algorithm;
            uint8_t value[4];
        } hash;
        struct {
            uint16_t headroom;
            uint16_t pad[2];
        } xdp;
        uint16_t pad[3];
    } u;
};
typedef struct netif_extra_info netif_extra_info_t;

/* 4 bytes. */
struct netif_tx_response {
    uint16_t id;
    int16_t  status;            /* NETIF_RSP_* */
};
typedef struct netif_tx_response netif_tx_response_t;

/* 8 bytes. */
struct netif_rx_request {
    uint16_t    id;             /* echoed in the response */
    uint16_t    pad;
    grant_ref_t gref;           /* empty page to receive into */
};
typedef struct netif_rx_request netif_rx_request_t;

/* 8 bytes. */
struct netif_rx_response {
    uint16_t id;
    uint16_t offset;            /* of the data within the page */
    uint16_t flags;             /* NETRXF_* */
    int16_t  status;            /* > 0: bytes received; else NETIF_RSP_* */
};
typedef struct netif_rx_response netif_rx_response_t;

DEFINE_RING_TYPES(netif_tx, struct netif_tx_request, struct netif_tx_response);
DEFINE_RING_TYPES(netif_rx, struct netif_rx_request, struct netif_rx_response);

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_IO_NETIF_H */
