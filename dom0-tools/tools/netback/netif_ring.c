/*
 * The backend's side of the netif rings, trusting nothing the frontend
 * writes.
 *
 * Transmit (guest -> Dom0): a packet is a chain of request slots
 *
 *     [first: gref offset size=WHOLE flags id] [extra]* [frag: size=OWN]*
 *      NETTXF_extra_info -> extras follow          NETTXF_more_data -> next
 *
 * and every slot gets one response, in ring order (extras NETIF_RSP_NULL).
 * The rules, and what breaking them costs the frontend:
 *
 *   - the producer index may be at most one ring ahead of the responses
 *     we produced (and not behind what we consumed): otherwise the ring
 *     is nonsense and the vif is disconnected (FATAL), since no request
 *     in it can be believed;
 *   - a chain longer than NETIF_FATAL_SLOTS slots is FATAL too (as Linux
 *     netback's fatal_skb_slots): no frontend builds one, and an endless
 *     chain would otherwise hold the ring forever;
 *   - everything else wrong with one packet -- a fragment beyond its page,
 *     sizes that do not add up, under 14 or over 1514 bytes, more than 18
 *     data slots, an extra-info type we did not offer -- costs that packet
 *     only: every slot is answered NETIF_RSP_ERROR and the ring goes on.
 *
 * Each slot is copied out of the shared page once (RING_COPY_REQUEST)
 * and only the copy is checked and used: the frontend may rewrite the
 * page under us at any time.  Nothing here touches guest memory beyond
 * the ring page; the data moves later by grant copy, per fragment, with
 * the offsets checked here.
 *
 * Receive (Dom0 -> guest): the frontend posts empty granted pages; the
 * same index rules hold (FATAL beyond them).
 */
#include "netif_ring.h"
#include <string.h>

const char *const netif_txerr_name[TXE_NR] = {
    [TXE_NONE] = "none",
    [TXE_OFFSET] = "fragment beyond its page",
    [TXE_SIZE] = "fragment sizes exceed the packet",
    [TXE_TOO_SHORT] = "packet under 14 bytes",
    [TXE_TOO_LONG] = "packet over 1514 bytes",
    [TXE_TOO_MANY] = "more than 18 slots",
    [TXE_EXTRA] = "extra info not offered",
};

static bool indexes_sane(RING_IDX prod, RING_IDX cons, RING_IDX rsp, unsigned int size)
{
    return prod - rsp <= size && prod - cons <= size;
}

enum netif_take netif_tx_take(struct netif_tx_back_ring *r, struct netif_txpkt *pkt,
                              const char **why)
{
    RING_IDX prod = r->sring->req_prod, idx = r->req_cons;
    struct netif_tx_request req;
    uint32_t rest = 0;

    xen_rmb();                              /* the index before the slots */
    if (!indexes_sane(prod, idx, r->rsp_prod_pvt, RING_SIZE(r))) {
        *why = "tx producer index beyond the ring";
        return NETIF_FATAL;
    }
    if (prod == idx)
        return NETIF_NONE;

    pkt->first = idx;
    pkt->nr_extras = 0;
    pkt->error = TXE_NONE;
    RING_COPY_REQUEST(r, idx, &req);
    idx++;
    pkt->frag[0] = req;
    pkt->nr_frags = 1;
    pkt->flags = req.flags;
    pkt->len = req.size;

    if (req.flags & NETTXF_extra_info) {
        struct netif_extra_info ex;
        do {
            if (idx == prod)
                return NETIF_NONE;          /* the rest is not written yet */
            if (idx - pkt->first >= NETIF_FATAL_SLOTS) {
                *why = "tx extra-info chain too long";
                return NETIF_FATAL;
            }
            struct netif_tx_request raw;
            RING_COPY_REQUEST(r, idx, &raw);
            memcpy(&ex, &raw, sizeof(ex));
            idx++;
            pkt->nr_extras++;
            /* We offer no extra at all (no GSO, no multicast control,
             * no hash, no XDP): any is refused, but its chain is followed
             * so that the ring stays in step. */
            pkt->error = TXE_EXTRA;
        } while (ex.flags & XEN_NETIF_EXTRA_FLAG_MORE);
    }

    while (req.flags & NETTXF_more_data) {
        if (idx == prod)
            return NETIF_NONE;
        if (idx - pkt->first >= NETIF_FATAL_SLOTS) {
            *why = "tx fragment chain too long";
            return NETIF_FATAL;
        }
        RING_COPY_REQUEST(r, idx, &req);
        idx++;
        pkt->frag[pkt->nr_frags++] = req;
        rest += req.size;
    }

    /* The whole chain is here: judge it. */
    if (!pkt->error && pkt->nr_frags > NETIF_MAX_FRAGS)
        pkt->error = TXE_TOO_MANY;
    if (!pkt->error && rest > pkt->len)
        pkt->error = TXE_SIZE;
    if (!pkt->error)
        pkt->frag[0].size = (uint16_t)(pkt->len - rest);
    for (unsigned int i = 0; !pkt->error && i < pkt->nr_frags; i++)
        if ((uint32_t)pkt->frag[i].offset + pkt->frag[i].size > 4096)
            pkt->error = TXE_OFFSET;
    if (!pkt->error && pkt->len < NETIF_MIN_FRAME)
        pkt->error = TXE_TOO_SHORT;
    if (!pkt->error && pkt->len > NETIF_MAX_FRAME)
        pkt->error = TXE_TOO_LONG;
    pkt->nr_slots = idx - pkt->first;
    r->req_cons = idx;
    return NETIF_PACKET;
}

static void tx_response(struct netif_tx_back_ring *r, uint16_t id, int16_t status)
{
    struct netif_tx_response *rsp = RING_GET_RESPONSE(r, r->rsp_prod_pvt);

    rsp->id = id;
    rsp->status = status;
    r->rsp_prod_pvt++;
}

void netif_tx_answer(struct netif_tx_back_ring *r, const struct netif_txpkt *pkt, int16_t status)
{
    tx_response(r, pkt->frag[0].id, status);
    for (unsigned int i = 0; i < pkt->nr_extras; i++)
        tx_response(r, 0, NETIF_RSP_NULL);
    for (unsigned int i = 1; i < pkt->nr_frags; i++)
        tx_response(r, pkt->frag[i].id, status);
}

enum netif_take netif_rx_take(struct netif_rx_back_ring *r, struct netif_rx_request *req,
                              const char **why)
{
    RING_IDX prod = r->sring->req_prod;

    xen_rmb();
    if (!indexes_sane(prod, r->req_cons, r->rsp_prod_pvt, RING_SIZE(r))) {
        *why = "rx producer index beyond the ring";
        return NETIF_FATAL;
    }
    if (prod == r->req_cons)
        return NETIF_NONE;
    RING_COPY_REQUEST(r, r->req_cons, req);
    r->req_cons++;
    return NETIF_PACKET;
}

void netif_rx_answer(struct netif_rx_back_ring *r, uint16_t id, uint16_t offset,
                     uint16_t flags, int16_t status)
{
    struct netif_rx_response *rsp = RING_GET_RESPONSE(r, r->rsp_prod_pvt);

    rsp->id = id;
    rsp->offset = offset;
    rsp->flags = flags;
    rsp->status = status;
    r->rsp_prod_pvt++;
}

bool netif_tx_push(struct netif_tx_back_ring *r)
{
    bool notify;

    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(r, notify);
    return notify;
}

bool netif_rx_push(struct netif_rx_back_ring *r)
{
    bool notify;

    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(r, notify);
    return notify;
}

bool netif_tx_more(struct netif_tx_back_ring *r)
{
    int more;

    RING_FINAL_CHECK_FOR_REQUESTS(r, more);
    return more != 0;
}

/* ---- checksums ---------------------------------------------------------- */

static uint32_t sum16(const uint8_t *p, uint32_t n, uint32_t s)
{
    for (uint32_t i = 0; i + 1 < n; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (n & 1)
        s += (uint32_t)p[n - 1] << 8;
    return s;
}

int netif_csum_complete(uint8_t *f, uint32_t len)
{
    uint32_t ihl, tot, l4len, s;
    uint8_t *ip = f + 14, *l4;
    unsigned int field;

    if (len < 14 + 20 || f[12] != 0x08 || f[13] != 0x00)
        return -1;                          /* IPv4 only */
    ihl = (uint32_t)(ip[0] & 15) * 4;
    tot = (uint32_t)(ip[2] << 8 | ip[3]);
    if ((ip[0] >> 4) != 4 || ihl < 20 || tot < ihl || 14 + tot > len)
        return -1;
    if ((ip[6] & 0x3f) || ip[7])
        return -1;                          /* a fragment (MF or an offset) */
    l4 = ip + ihl;
    l4len = tot - ihl;
    switch (ip[9]) {
    case 6:  field = 16; if (l4len < 20) return -1; break;     /* TCP */
    case 17: field = 6;  if (l4len < 8) return -1; break;      /* UDP */
    default: return -1;
    }
    l4[field] = l4[field + 1] = 0;
    s = sum16(ip + 12, 8, 0) + ip[9] + l4len;  /* pseudo header */
    s = sum16(l4, l4len, s);
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    s = ~s & 0xffff;
    if (ip[9] == 17 && s == 0)
        s = 0xffff;
    l4[field] = (uint8_t)(s >> 8);
    l4[field + 1] = (uint8_t)s;
    return 0;
}
