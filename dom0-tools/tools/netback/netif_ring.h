/*
 * The backend's side of Xen's netif rings (netif_ring.c): taking packets
 * off a frontend's transmit ring and receive buffers off its receive ring,
 * with every index and request checked, and writing the responses.  Pure
 * logic over the shared pages (no grants, no events), so the host tests
 * play a hostile frontend against it directly.
 */
#ifndef NETBACK_NETIF_RING_H
#define NETBACK_NETIF_RING_H

#include <stdint.h>
#include <stdbool.h>
#include <public/io/netif.h>

#define NETIF_RING_SIZE     __CONST_RING_SIZE(netif_tx, 4096)   /* 256 */
/* Data slots a packet may use (Xen's minimum every backend accepts). */
#define NETIF_MAX_FRAGS     XEN_NETIF_NR_SLOTS_MIN
/* Slots (data and extra) a chain may span before the frontend is judged
 * broken and disconnected, as Linux's fatal_skb_slots. */
#define NETIF_FATAL_SLOTS   64
/* Largest frame: no GSO is offered, so the MTU's. */
#define NETIF_MAX_FRAME     1514u
#define NETIF_MIN_FRAME     14u

/* Why a packet is refused (answered NETIF_RSP_ERROR, the ring goes on). */
enum netif_txerr {
    TXE_NONE,
    TXE_OFFSET,         /* offset + size beyond its page */
    TXE_SIZE,           /* fragment sizes add up to more than the packet */
    TXE_TOO_SHORT,      /* under an Ethernet header */
    TXE_TOO_LONG,       /* over the MTU's frame (no GSO offered) */
    TXE_TOO_MANY,       /* more than NETIF_MAX_FRAGS data slots */
    TXE_EXTRA,          /* an extra-info slot: we offer none */
    TXE_NR
};
extern const char *const netif_txerr_name[TXE_NR];

struct netif_txpkt {
    RING_IDX first;                 /* index of its first slot */
    unsigned int nr_slots;          /* consumed: data + extras */
    unsigned int nr_frags;          /* data slots in frag[] */
    /* Copies of the data requests; frag[0].size is the first slot's own
     * share (the request said the whole packet's length). */
    struct netif_tx_request frag[NETIF_FATAL_SLOTS];
    unsigned int nr_extras;
    uint32_t len;                   /* the packet */
    uint16_t flags;                 /* the first request's NETTXF_* */
    enum netif_txerr error;
};

enum netif_take {
    NETIF_NONE,         /* no complete packet (yet) */
    NETIF_PACKET,       /* *pkt filled (check pkt->error) */
    NETIF_FATAL,        /* the frontend broke the protocol: disconnect */
};

/*
 * Take the next packet off a transmit ring.  The shared page is read
 * once per field into private copies before anything is checked.
 * FATAL: producer index more than a ring ahead of what we answered, or a
 * chain longer than NETIF_FATAL_SLOTS; *why says which.  A chain whose
 * end is not produced yet is NONE and stays on the ring.
 */
enum netif_take netif_tx_take(struct netif_tx_back_ring *r, struct netif_txpkt *pkt,
                              const char **why);
/* Answer every slot of a packet taken with netif_tx_take: the data slots
 * with status, the extra slots with NETIF_RSP_NULL (in ring order). */
void netif_tx_answer(struct netif_tx_back_ring *r, const struct netif_txpkt *pkt, int16_t status);

/*
 * Take the next receive buffer: NETIF_PACKET with *req copied, NONE if
 * the frontend has none posted, FATAL if its producer index claims more
 * buffers than the ring holds.
 */
enum netif_take netif_rx_take(struct netif_rx_back_ring *r, struct netif_rx_request *req,
                              const char **why);
void netif_rx_answer(struct netif_rx_back_ring *r, uint16_t id, uint16_t offset,
                     uint16_t flags, int16_t status);

/* Publish responses: true if the frontend asked to be notified. */
bool netif_tx_push(struct netif_tx_back_ring *r);
bool netif_rx_push(struct netif_rx_back_ring *r);
/* Before going idle: ask for a notification, and look once more. */
bool netif_tx_more(struct netif_tx_back_ring *r);

/*
 * Complete the checksum of a frame the frontend sent NETTXF_csum_blank
 * (its TCP or UDP checksum left for someone else to compute): IPv4 only.
 * 0, or -1 if the frame is not one whose checksum we can complete.
 */
int netif_csum_complete(uint8_t *frame, uint32_t len);

#endif
