/*
 * test-netback-ring: netback's ring logic (dom0-tools/tools/netback/
 * netif_ring.c) against a frontend played by the test, well-behaved and
 * hostile.
 *
 * A good frontend: single-slot and fragmented packets are taken whole,
 * with the first slot's own share computed; extra-info slots are
 * answered NETIF_RSP_NULL in ring order; an unfinished chain waits; the
 * indexes wrap past 2^32.  A hostile one: producer far beyond the
 * consumer (and behind it) is FATAL; chains of 64+ slots are FATAL
 * (endless ones too); offsets beyond the page, sizes that do not add up,
 * runts, giants, 19+ data slots and extras cost only their packet (every
 * slot answered ERROR, the next packet taken normally); a request
 * rewritten after it was taken changes nothing already taken; and a
 * random fuzz never makes the logic answer more responses than requests
 * or read a slot twice.  Checksums: a blank TCP/UDP checksum is
 * completed correctly (checked against an independent sum), non-IPv4
 * and fragments refused.
 */
#include "htest.h"
#include <stdint.h>
#include "../../dom0-tools/tools/netback/netif_ring.h"

static _Alignas(4096) uint8_t txpage[4096], rxpage[4096];
static struct netif_tx_sring *txs = (void *)txpage;
static struct netif_rx_sring *rxs = (void *)rxpage;
static struct netif_tx_back_ring tx;
static struct netif_rx_back_ring rx;
static RING_IDX fprod;              /* the frontend's private producer */

static void setup_at(RING_IDX start)
{
    memset(txpage, 0, sizeof(txpage));
    memset(rxpage, 0, sizeof(rxpage));
    SHARED_RING_INIT(txs);
    SHARED_RING_INIT(rxs);
    txs->req_prod = txs->rsp_prod = start;
    rxs->req_prod = rxs->rsp_prod = start;
    BACK_RING_ATTACH(&tx, txs, start, 4096);
    BACK_RING_ATTACH(&rx, rxs, start, 4096);
    fprod = start;
}

static void put(uint32_t gref, uint16_t off, uint16_t size, uint16_t flags, uint16_t id)
{
    struct netif_tx_request *q = &txs->ring[fprod & (NETIF_RING_SIZE - 1)].req;
    *q = (struct netif_tx_request){ gref, off, flags, id, size };
    fprod++;
}

static void put_extra(uint8_t type, uint8_t flags)
{
    struct netif_extra_info *e = (void *)&txs->ring[fprod & (NETIF_RING_SIZE - 1)].req;
    memset(e, 0, sizeof(*e));
    e->type = type;
    e->flags = flags;
    fprod++;
}

static void publish(void) { txs->req_prod = fprod; }

static struct netif_tx_response rsp(RING_IDX i)
{
    return txs->ring[i & (NETIF_RING_SIZE - 1)].rsp;
}

HTEST(REQ_layout_is_the_abi)
{
    CHECK_EQ(sizeof(struct netif_tx_request), 12);
    CHECK_EQ(sizeof(struct netif_extra_info), 8);
    CHECK_EQ(sizeof(struct netif_rx_response), 8);
    CHECK_EQ(NETIF_RING_SIZE, 256);
}

HTEST(single_and_fragmented_packets)
{
    struct netif_txpkt p;
    const char *why = NULL;

    setup_at(0);
    put(10, 100, 60, 0, 7);
    put(11, 0, 1000, NETTXF_more_data | NETTXF_csum_blank, 8);   /* 1000 = whole */
    put(12, 2000, 600, NETTXF_more_data, 9);
    put(13, 4000, 96, 0, 10);
    publish();
    CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_PACKET);
    CHECK_EQ(p.error, TXE_NONE);
    CHECK_EQ(p.len, 60);
    CHECK_EQ(p.nr_frags, 1);
    CHECK_EQ(p.frag[0].gref, 10);
    netif_tx_answer(&tx, &p, NETIF_RSP_OKAY);
    CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_PACKET);
    CHECK_EQ(p.error, TXE_NONE);
    CHECK_EQ(p.len, 1000);
    CHECK_EQ(p.nr_frags, 3);
    CHECK_EQ(p.frag[0].size, 1000 - 600 - 96);
    CHECK_EQ(p.frag[2].offset, 4000);
    CHECK(p.flags & NETTXF_csum_blank);
    netif_tx_answer(&tx, &p, NETIF_RSP_OKAY);
    CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_NONE);
    CHECK(!netif_tx_push(&tx) || true);
    CHECK_EQ(txs->rsp_prod, 4);
    CHECK_EQ(rsp(0).id, 7);
    CHECK_EQ(rsp(1).id, 8);
    CHECK_EQ(rsp(2).id, 9);
    CHECK_EQ(rsp(3).id, 10);
    for (int i = 0; i < 4; i++)
        CHECK_EQ(rsp((RING_IDX)i).status, NETIF_RSP_OKAY);
}

HTEST(unfinished_chain_waits)
{
    struct netif_txpkt p;
    const char *why;

    setup_at(0);
    put(1, 0, 200, NETTXF_more_data, 1);
    publish();
    CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_NONE);
    CHECK_EQ(tx.req_cons, 0);
    put(2, 0, 100, 0, 2);
    publish();
    CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_PACKET);
    CHECK_EQ(p.frag[0].size, 100);
    CHECK_EQ(p.nr_slots, 2);
}

HTEST(extras_answered_null_in_order_and_packet_refused)
{
    struct netif_txpkt p;
    const char *why;

    setup_at(0);
    put(1, 0, 100, NETTXF_extra_info | NETTXF_more_data, 5);
    put_extra(XEN_NETIF_EXTRA_TYPE_GSO, XEN_NETIF_EXTRA_FLAG_MORE);
    put_extra(XEN_NETIF_EXTRA_TYPE_MCAST_ADD, 0);
    put(2, 0, 40, 0, 6);
    put(3, 0, 80, 0, 7);                        /* the next packet, fine */
    publish();
    CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_PACKET);
    CHECK_EQ(p.error, TXE_EXTRA);
    CHECK_EQ(p.nr_slots, 4);
    CHECK_EQ(p.nr_extras, 2);
    netif_tx_answer(&tx, &p, NETIF_RSP_ERROR);
    CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_PACKET);
    CHECK_EQ(p.error, TXE_NONE);
    CHECK_EQ(p.frag[0].id, 7);
    netif_tx_answer(&tx, &p, NETIF_RSP_OKAY);
    netif_tx_push(&tx);
    CHECK_EQ(rsp(0).id, 5);
    CHECK_EQ(rsp(0).status, NETIF_RSP_ERROR);
    CHECK_EQ(rsp(1).status, NETIF_RSP_NULL);
    CHECK_EQ(rsp(2).status, NETIF_RSP_NULL);
    CHECK_EQ(rsp(3).id, 6);
    CHECK_EQ(rsp(3).status, NETIF_RSP_ERROR);
    CHECK_EQ(rsp(4).id, 7);
    CHECK_EQ(rsp(4).status, NETIF_RSP_OKAY);
}

HTEST(producer_far_beyond_or_behind_is_fatal)
{
    struct netif_txpkt p;
    struct netif_rx_request rq;
    const char *why = NULL;

    setup_at(0);
    txs->req_prod = 257;
    CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_FATAL);
    CHECK(why && strstr(why, "beyond"));
    txs->req_prod = 0x80000000u;
    CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_FATAL);
    setup_at(100);
    txs->req_prod = 99;                         /* behind the consumer */
    CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_FATAL);
    txs->req_prod = 100 + 256;                  /* exactly a ring: fine */
    CHECK(netif_tx_take(&tx, &p, &why) != NETIF_FATAL);
    rxs->req_prod = 100 + 257;
    CHECK_EQ(netif_rx_take(&rx, &rq, &why), NETIF_FATAL);
    rxs->req_prod = 50;
    CHECK_EQ(netif_rx_take(&rx, &rq, &why), NETIF_FATAL);
    /* rx: requests taken but not answered count against the ring */
    setup_at(0);
    rxs->req_prod = 256;
    for (int i = 0; i < 256; i++)
        CHECK_EQ(netif_rx_take(&rx, &rq, &why), NETIF_PACKET);
    CHECK_EQ(netif_rx_take(&rx, &rq, &why), NETIF_NONE);
    rxs->req_prod = 257;                        /* none answered yet */
    CHECK_EQ(netif_rx_take(&rx, &rq, &why), NETIF_FATAL);
}

HTEST(endless_and_overlong_chains_are_fatal)
{
    struct netif_txpkt p;
    const char *why = NULL;

    setup_at(0);
    for (int i = 0; i < 256; i++)
        put(1, 0, 10, NETTXF_more_data, (uint16_t)i);
    publish();
    CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_FATAL);
    CHECK(why && strstr(why, "too long"));
    setup_at(0);
    put(1, 0, 100, NETTXF_extra_info, 1);
    for (int i = 0; i < 100; i++)
        put_extra(XEN_NETIF_EXTRA_TYPE_GSO, XEN_NETIF_EXTRA_FLAG_MORE);
    publish();
    CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_FATAL);
}

/* One bad packet then a good one: the bad costs only itself. */
static void bad_then_good(enum netif_txerr want)
{
    struct netif_txpkt p;
    const char *why;
    RING_IDX start = tx.req_cons;

    put(99, 0, 80, 0, 77);
    publish();
    CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_PACKET);
    CHECK_EQ(p.error, want);
    netif_tx_answer(&tx, &p, NETIF_RSP_ERROR);
    CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_PACKET);
    CHECK_EQ(p.error, TXE_NONE);
    CHECK_EQ(p.frag[0].id, 77);
    netif_tx_answer(&tx, &p, NETIF_RSP_OKAY);
    netif_tx_push(&tx);
    CHECK_EQ(tx.rsp_prod_pvt, tx.req_cons);
    for (RING_IDX i = start; i + 1 < tx.req_cons; i++)
        CHECK_EQ(rsp(i).status, NETIF_RSP_ERROR);
}

HTEST(bad_packets_cost_only_themselves)
{
    setup_at(0);
    put(1, 4000, 100, 0, 1);                    /* beyond the page */
    bad_then_good(TXE_OFFSET);
    put(1, 0, 100, NETTXF_more_data, 1);
    put(1, 4095, 2, 0, 2);                      /* a fragment beyond it */
    bad_then_good(TXE_OFFSET);
    put(1, 0, 100, NETTXF_more_data, 1);
    put(1, 0, 101, 0, 2);                       /* more than the packet */
    bad_then_good(TXE_SIZE);
    put(1, 0, 13, 0, 1);
    bad_then_good(TXE_TOO_SHORT);
    put(1, 0, 1515, NETTXF_more_data, 1);
    put(2, 0, 1000, 0, 2);
    bad_then_good(TXE_TOO_LONG);
    put(1, 0, 0xffff, NETTXF_more_data, 1);     /* 64 KiB: no GSO offered */
    for (int i = 0; i < 16; i++)
        put(2, 0, 4000, i < 15 ? NETTXF_more_data : 0, 2);
    bad_then_good(TXE_TOO_LONG);
    put(1, 0, 190, NETTXF_more_data, 1);        /* 19 data slots */
    for (int i = 0; i < 18; i++)
        put(2, 0, 10, i < 17 ? NETTXF_more_data : 0, (uint16_t)(10 + i));
    bad_then_good(TXE_TOO_MANY);
    put(1, 0, 180, NETTXF_more_data, 1);        /* 18: the limit, accepted */
    for (int i = 0; i < 17; i++)
        put(2, 0, 10, i < 16 ? NETTXF_more_data : 0, (uint16_t)(10 + i));
    publish();
    struct netif_txpkt p;
    const char *why;
    CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_PACKET);
    CHECK_EQ(p.error, TXE_NONE);
    CHECK_EQ(p.nr_frags, 18);
    CHECK_EQ(p.frag[0].size, 10);
}

HTEST(rewriting_a_taken_request_changes_nothing)
{
    struct netif_txpkt p;
    const char *why;

    setup_at(0);
    put(5, 0, 100, 0, 1);
    publish();
    CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_PACKET);
    txs->ring[0].req.offset = 4090;             /* too late */
    txs->ring[0].req.size = 4000;
    CHECK_EQ(p.frag[0].offset, 0);
    CHECK_EQ(p.len, 100);
}

HTEST(indexes_wrap)
{
    struct netif_txpkt p;
    struct netif_rx_request rq;
    const char *why;

    setup_at(0xfffffff0u);
    for (int n = 0; n < 40; n++) {
        put(1, 0, 60, NETTXF_more_data, (uint16_t)n);
        put(2, 0, 20, 0, (uint16_t)(n + 1000));
        publish();
        CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_PACKET);
        CHECK_EQ(p.error, TXE_NONE);
        CHECK_EQ(p.frag[0].size, 40);
        netif_tx_answer(&tx, &p, NETIF_RSP_OKAY);
        netif_tx_push(&tx);
    }
    CHECK_EQ(txs->rsp_prod, 0xfffffff0u + 80);
    for (int n = 0; n < 40; n++) {
        rxs->ring[rxs->req_prod & 255].req = (struct netif_rx_request){ (uint16_t)n, 0, 30 };
        rxs->req_prod++;
        CHECK_EQ(netif_rx_take(&rx, &rq, &why), NETIF_PACKET);
        CHECK_EQ(rq.id, n);
        netif_rx_answer(&rx, rq.id, 0, 0, 60);
        netif_rx_push(&rx);
        CHECK_EQ(rxs->ring[(rxs->rsp_prod - 1) & 255].rsp.status, 60);
    }
}

HTEST(notification_follows_the_event_index)
{
    struct netif_txpkt p;
    const char *why;

    setup_at(0);
    put(1, 0, 60, 0, 1);
    publish();
    txs->rsp_event = 1;
    CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_PACKET);
    netif_tx_answer(&tx, &p, 0);
    CHECK(netif_tx_push(&tx));
    put(1, 0, 60, 0, 2);
    publish();
    txs->rsp_event = 10;                        /* not interested yet */
    CHECK_EQ(netif_tx_take(&tx, &p, &why), NETIF_PACKET);
    netif_tx_answer(&tx, &p, 0);
    CHECK(!netif_tx_push(&tx));
    CHECK(!netif_tx_more(&tx));
    CHECK_EQ(txs->req_event, 3);                /* asks for the next request */
    put(1, 0, 60, 0, 3);
    publish();
    CHECK(netif_tx_more(&tx));
}

/* Random rings: whatever the frontend writes, the logic never answers
 * more than it consumed, never consumes past the producer, and either
 * stays sane or says FATAL. */
HTEST(fuzz_never_overruns)
{
    unsigned int seed = 777;
    struct netif_txpkt p;
    const char *why;

    for (int round = 0; round < 2000; round++) {
        setup_at(round * 9973u);
        for (int i = 0; i < 256; i++) {
            seed = seed * 1103515245u + 12345u;
            uint32_t *w = (uint32_t *)&txs->ring[i].req;
            w[0] = seed;
            w[1] = seed * 31u;
            w[2] = seed ^ 0x5a5a5a5au;
            if (seed & 0x10000)                 /* short chains mostly */
                txs->ring[i].req.flags &= (uint16_t)~(NETTXF_more_data | NETTXF_extra_info);
        }
        txs->req_prod = tx.req_cons + (seed >> 4) % 300;
        for (int step = 0; step < 300; step++) {
            RING_IDX prod = txs->req_prod;
            enum netif_take t = netif_tx_take(&tx, &p, &why);
            if (t == NETIF_FATAL) {
                CHECK(prod - tx.rsp_prod_pvt > 256 || strstr(why, "too long"));
                break;
            }
            if (t == NETIF_NONE)
                break;
            CHECK(p.nr_slots >= 1 && p.nr_slots < NETIF_FATAL_SLOTS);
            CHECK(tx.req_cons - tx.rsp_prod_pvt == p.nr_slots);
            CHECK(prod - tx.req_cons <= 256);
            if (!p.error) {
                uint32_t sum = 0;
                for (unsigned int i = 0; i < p.nr_frags; i++) {
                    CHECK(p.frag[i].offset + p.frag[i].size <= 4096);
                    sum += p.frag[i].size;
                }
                CHECK_EQ(sum, p.len);
                CHECK(p.len >= 14 && p.len <= 1514);
            }
            netif_tx_answer(&tx, &p, p.error ? NETIF_RSP_ERROR : 0);
            CHECK_EQ(tx.rsp_prod_pvt, tx.req_cons);
        }
    }
}

/* ---- checksums ---- */

static uint16_t ref_csum(const uint8_t *ip, unsigned int l4off, unsigned int l4len,
                         unsigned int field)
{
    uint32_t s = 0;
    uint8_t tmp[1600];

    memcpy(tmp, ip + l4off, l4len);
    tmp[field] = tmp[field + 1] = 0;
    for (int i = 12; i < 20; i += 2)
        s += (uint32_t)(ip[i] << 8 | ip[i + 1]);
    s += ip[9];
    s += l4len;
    for (unsigned int i = 0; i < l4len; i += 2)
        s += (uint32_t)(tmp[i] << 8 | (i + 1 < l4len ? tmp[i + 1] : 0));
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static unsigned int make_ip(uint8_t *f, uint8_t proto, unsigned int l4len, uint8_t seed)
{
    memset(f, 0, 1514);
    f[12] = 0x08;
    uint8_t *ip = f + 14;
    ip[0] = 0x45;
    ip[2] = (uint8_t)((20 + l4len) >> 8);
    ip[3] = (uint8_t)(20 + l4len);
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, (uint8_t[]){ 10, 0, 3, 1, 10, 0, 3, 2 }, 8);
    for (unsigned int i = 0; i < l4len; i++)
        ip[20 + i] = (uint8_t)(seed + i * 7);
    return 14 + 20 + l4len;
}

HTEST(blank_checksums_are_completed)
{
    uint8_t f[1514];

    for (unsigned int l = 20; l < 1480; l += 37) {
        unsigned int n = make_ip(f, 6, l, (uint8_t)l);
        uint16_t want = ref_csum(f + 14, 20, l, 16);
        CHECK_EQ(netif_csum_complete(f, n), 0);
        CHECK_EQ((f[14 + 20 + 16] << 8) | f[14 + 20 + 17], want);
        n = make_ip(f, 17, l, (uint8_t)(l * 3));
        want = ref_csum(f + 14, 20, l, 6);
        CHECK_EQ(netif_csum_complete(f, n), 0);
        CHECK_EQ((f[14 + 20 + 6] << 8) | f[14 + 20 + 7], want ? want : 0xffff);
    }
}

HTEST(checksum_refused_where_it_cannot_be_done)
{
    uint8_t f[1514];
    unsigned int n;

    n = make_ip(f, 1, 40, 0);                   /* ICMP: not ours to complete */
    CHECK_EQ(netif_csum_complete(f, n), -1);
    n = make_ip(f, 6, 40, 0);
    f[12] = 0x86; f[13] = 0xdd;                 /* IPv6 */
    CHECK_EQ(netif_csum_complete(f, n), -1);
    n = make_ip(f, 6, 40, 0);
    f[14 + 6] = 0x20;                           /* more fragments */
    CHECK_EQ(netif_csum_complete(f, n), -1);
    n = make_ip(f, 6, 40, 0);
    f[14 + 3] = 200;                            /* total length past the frame */
    CHECK_EQ(netif_csum_complete(f, n), -1);
    n = make_ip(f, 6, 10, 0);                   /* TCP shorter than its header */
    CHECK_EQ(netif_csum_complete(f, n), -1);
    n = make_ip(f, 17, 40, 0);
    f[14] = 0x44;                               /* IHL 4 */
    CHECK_EQ(netif_csum_complete(f, n), -1);
    CHECK_EQ(netif_csum_complete(f, 20), -1);
}
