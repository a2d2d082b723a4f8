/*
 * test-netback-bridge: the learning bridge of netback
 * (dom0-tools/tools/netback/bridge.c) with ports played by the test.
 *
 * What a guest relies on: an address is learned from the first frame it
 * sends, after which unicast to it reaches its port and no other; unknown
 * and broadcast destinations are flooded to every port but the one they
 * came in on; entries age out (and then the destination floods again); a
 * station that moves is followed; a removed port's addresses are forgotten
 * at once; two bridges never exchange a frame; a locked port cannot send
 * with another's source address (so cannot steal its traffic); runts and
 * multicast sources are dropped; a full table stops learning rather than
 * evicting live stations; and in a random storm of frames no frame ever
 * reaches a port that neither it was addressed to nor flooding allowed.
 */
#include "htest.h"
#include <stdint.h>
#include "../../dom0-tools/tools/netback/bridge.h"

#define S 1000000000ull

struct tport {
    struct bridge_port *p;
    uint8_t mac[6];
    unsigned int got;           /* frames delivered */
    uint8_t last[64];
    bool refuse;                /* xmit fails */
};

static struct tport tp[8];

static int xmit(void *arg, const void *frame, size_t len)
{
    struct tport *t = arg;

    if (t->refuse)
        return -11;
    t->got++;
    memcpy(t->last, frame, len < sizeof(t->last) ? len : sizeof(t->last));
    return 0;
}

static void mac_of(uint8_t m[6], unsigned int i)
{
    const uint8_t base[6] = { 0x00, 0x16, 0x3e, 0x00, 0x00, 0x00 };
    memcpy(m, base, 6);
    m[4] = (uint8_t)(i >> 8);
    m[5] = (uint8_t)i;
}

static struct bridge *setup(const char *name, unsigned int nports, bool lock)
{
    struct bridge *b = bridge_get(name, true);
    for (unsigned int i = 0; i < nports; i++) {
        char pn[16];
        snprintf(pn, sizeof(pn), "p%u", i);
        memset(&tp[i], 0, sizeof(tp[i]));
        mac_of(tp[i].mac, i + 1);
        tp[i].p = bridge_port_add(b, pn, lock ? tp[i].mac : NULL, xmit, &tp[i]);
        CHECK(tp[i].p != NULL);
    }
    return b;
}

static void send(unsigned int from, const uint8_t *dst, const uint8_t *src, uint64_t now)
{
    uint8_t f[60] = { 0 };
    memcpy(f, dst, 6);
    memcpy(f + 6, src, 6);
    f[12] = 0x08;
    bridge_input(tp[from].p, f, sizeof(f), now);
}

static void zero_counts(void)
{
    for (int i = 0; i < 8; i++)
        tp[i].got = 0;
}

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

HTEST(unknown_floods_then_learned_unicast_goes_to_one_port)
{
    struct bridge *b = setup("xenbr0", 4, false);
    struct bridge_stats st;

    send(0, tp[1].mac, tp[0].mac, 0);           /* 1 unknown: flooded */
    CHECK_EQ(tp[0].got, 0);
    CHECK_EQ(tp[1].got, 1);
    CHECK_EQ(tp[2].got, 1);
    CHECK_EQ(tp[3].got, 1);
    CHECK(bridge_lookup(b, tp[0].mac, 0) == tp[0].p);
    zero_counts();
    send(1, tp[0].mac, tp[1].mac, 1);           /* 0 known: to port 0 only */
    CHECK_EQ(tp[0].got, 1);
    CHECK_EQ(tp[2].got + tp[3].got + tp[1].got, 0);
    zero_counts();
    send(0, tp[1].mac, tp[0].mac, 2);           /* now both are known */
    CHECK_EQ(tp[1].got, 1);
    CHECK_EQ(tp[0].got + tp[2].got + tp[3].got, 0);
    bridge_stats(b, &st);
    CHECK_EQ(st.flooded, 1);
    CHECK_EQ(st.forwarded, 2);
    CHECK_EQ(st.addresses, 2);
    bridge_reset_all();
}

HTEST(broadcast_and_multicast_flood_except_ingress)
{
    uint8_t mcast[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 };

    setup("xenbr0", 5, false);
    send(2, tp[0].mac, tp[2].mac, 0);
    send(0, tp[2].mac, tp[0].mac, 0);           /* both learned */
    zero_counts();
    send(2, bcast, tp[2].mac, 1);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(tp[i].got, i == 2 ? 0 : 1);
    zero_counts();
    send(3, mcast, tp[3].mac, 1);
    for (int i = 0; i < 5; i++)
        CHECK_EQ(tp[i].got, i == 3 ? 0 : 1);
    bridge_reset_all();
}

HTEST(destination_on_the_ingress_port_is_filtered)
{
    uint8_t other[6];
    struct bridge *b = setup("xenbr0", 3, false);
    struct bridge_stats st;

    mac_of(other, 99);
    send(0, bcast, other, 0);                   /* 'other' lives behind port 0 */
    zero_counts();
    send(0, other, tp[0].mac, 1);
    CHECK_EQ(tp[0].got + tp[1].got + tp[2].got, 0);
    bridge_stats(b, &st);
    CHECK_EQ(st.filtered, 1);
    bridge_reset_all();
}

HTEST(entries_age_and_destination_floods_again)
{
    struct bridge *b = setup("xenbr0", 3, false);

    bridge_set_ageing(b, 10 * S);
    send(0, bcast, tp[0].mac, 0);
    zero_counts();
    send(1, tp[0].mac, tp[1].mac, 9 * S);
    CHECK_EQ(tp[0].got, 1);
    CHECK_EQ(tp[2].got, 0);
    CHECK(bridge_lookup(b, tp[0].mac, 10 * S) == NULL);   /* 10 s after: gone */
    zero_counts();
    send(1, tp[0].mac, tp[1].mac, 10 * S);
    CHECK_EQ(tp[0].got, 1);
    CHECK_EQ(tp[2].got, 1);                     /* flooded */
    CHECK_EQ(bridge_age(b, 100 * S), 2);        /* both old by then */
    bridge_reset_all();
}

HTEST(sweep_removes_only_old_entries)
{
    struct bridge *b = setup("xenbr0", 3, false);
    struct bridge_stats st;

    bridge_set_ageing(b, 10 * S);
    send(0, bcast, tp[0].mac, 0);
    send(1, bcast, tp[1].mac, 5 * S);
    CHECK_EQ(bridge_age(b, 12 * S), 1);
    CHECK(bridge_lookup(b, tp[1].mac, 12 * S) == tp[1].p);
    CHECK(bridge_lookup(b, tp[0].mac, 12 * S) == NULL);
    bridge_stats(b, &st);
    CHECK_EQ(st.addresses, 1);
    CHECK_EQ(st.aged, 1);
    bridge_reset_all();
}

HTEST(station_that_moves_is_followed)
{
    uint8_t roam[6];
    struct bridge *b = setup("xenbr0", 3, false);
    struct bridge_stats st;

    mac_of(roam, 77);
    send(0, bcast, roam, 0);
    send(2, bcast, roam, 1);
    zero_counts();
    send(1, roam, tp[1].mac, 2);
    CHECK_EQ(tp[2].got, 1);
    CHECK_EQ(tp[0].got, 0);
    bridge_stats(b, &st);
    CHECK_EQ(st.moved, 1);
    bridge_reset_all();
}

HTEST(removed_port_is_forgotten)
{
    struct bridge *b = setup("xenbr0", 3, false);
    struct bridge_stats st;

    send(2, bcast, tp[2].mac, 0);
    bridge_port_del(tp[2].p);
    tp[2].p = NULL;
    CHECK(bridge_lookup(b, tp[2].mac, 0) == NULL);
    zero_counts();
    send(0, tp[2].mac, tp[0].mac, 1);           /* floods to the one left */
    CHECK_EQ(tp[1].got, 1);
    CHECK_EQ(tp[2].got, 0);
    CHECK(bridge_port_at(b, 2) == NULL);
    bridge_stats(b, &st);
    CHECK_EQ(st.addresses, 1);
    bridge_reset_all();
}

HTEST(bridges_never_exchange_frames)
{
    struct bridge *a = setup("xenbr0", 2, false), *b = bridge_get("xenbr1", true);
    struct tport x = { 0 };

    CHECK(a != b);
    CHECK(bridge_get("xenbr1", false) == b);
    mac_of(x.mac, 50);
    x.p = bridge_port_add(b, "x", NULL, xmit, &x);
    bridge_input(x.p, (uint8_t[60]){ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0x16, 0x3e, 0, 0, 50 },
                 60, 0);
    CHECK_EQ(tp[0].got + tp[1].got, 0);
    send(0, bcast, tp[0].mac, 0);
    send(0, x.mac, tp[0].mac, 0);
    CHECK_EQ(x.got, 0);
    CHECK_EQ(tp[1].got, 2);
    CHECK(bridge_lookup(a, x.mac, 0) == NULL);
    CHECK(bridge_lookup(b, tp[0].mac, 0) == NULL);
    bridge_reset_all();
}

HTEST(locked_port_cannot_claim_another_address)
{
    struct bridge *b = setup("xenbr0", 3, true);
    struct bridge_port_stats ps;

    send(1, bcast, tp[1].mac, 0);               /* 1 is learned on port 1 */
    zero_counts();
    send(2, bcast, tp[1].mac, 1);               /* 2 claims 1's address */
    CHECK_EQ(tp[0].got + tp[1].got, 0);
    CHECK(bridge_lookup(b, tp[1].mac, 1) == tp[1].p);
    bridge_port_stats(tp[2].p, &ps);
    CHECK_EQ(ps.spoofed, 1);
    send(0, tp[1].mac, tp[0].mac, 2);           /* 1's traffic still goes to 1 */
    CHECK_EQ(tp[1].got, 1);
    CHECK_EQ(tp[2].got, 0);
    bridge_reset_all();
}

HTEST(runts_and_bad_sources_are_dropped)
{
    uint8_t mcast_src[6] = { 0x01, 0, 0, 0, 0, 1 }, zero[6] = { 0 };
    struct bridge *b = setup("xenbr0", 2, false);
    struct bridge_port_stats ps;
    struct bridge_stats st;

    bridge_input(tp[0].p, bcast, 13, 0);
    send(0, bcast, mcast_src, 0);
    send(0, bcast, zero, 0);
    CHECK_EQ(tp[1].got, 0);
    bridge_port_stats(tp[0].p, &ps);
    CHECK_EQ(ps.runts, 1);
    CHECK_EQ(ps.bad_source, 2);
    bridge_stats(b, &st);
    CHECK_EQ(st.addresses, 0);
    bridge_reset_all();
}

HTEST(full_table_stops_learning_without_evicting)
{
    struct bridge *b = setup("xenbr0", 2, false);
    struct bridge_stats st;
    uint8_t m[6];

    for (unsigned int i = 0; i < BRIDGE_FDB_SIZE + 10; i++) {
        mac_of(m, 1000 + i);
        send(0, bcast, m, 1);
    }
    bridge_stats(b, &st);
    CHECK_EQ(st.addresses, BRIDGE_FDB_SIZE);
    CHECK_EQ(st.table_full, 10);
    mac_of(m, 1000);
    CHECK(bridge_lookup(b, m, 2) == tp[0].p);   /* the first ones stay */
    /* Once they age, new ones are learned again. */
    send(1, bcast, tp[1].mac, BRIDGE_AGEING_NS + 5);
    CHECK(bridge_lookup(b, tp[1].mac, BRIDGE_AGEING_NS + 5) == tp[1].p);
    bridge_reset_all();
}

HTEST(static_address_never_ages_moves_or_floods)
{
    struct bridge *b = setup("xenbr0", 3, false);
    struct bridge_port_stats ps;
    uint8_t own[6] = { 0x02, 0x16, 0x3e, 0, 0, 0 };

    CHECK_EQ(bridge_fdb_add_static(b, own, tp[0].p), 0);
    send(1, own, tp[1].mac, 1000 * S);          /* long after any ageing */
    CHECK_EQ(tp[0].got, 1);
    CHECK_EQ(tp[2].got, 0);                     /* not flooded */
    zero_counts();
    send(2, bcast, own, 1000 * S);              /* port 2 claims it */
    CHECK_EQ(tp[0].got + tp[1].got, 0);
    bridge_port_stats(tp[2].p, &ps);
    CHECK_EQ(ps.spoofed, 1);
    CHECK(bridge_lookup(b, own, 2000 * S) == tp[0].p);
    CHECK_EQ(bridge_age(b, 5000 * S), 1);       /* tp[1] only */
    CHECK(bridge_lookup(b, own, 5000 * S) == tp[0].p);
    bridge_reset_all();
}

HTEST(refusing_port_is_counted_others_still_served)
{
    struct bridge_port_stats ps;

    setup("xenbr0", 3, false);
    tp[1].refuse = true;
    send(0, bcast, tp[0].mac, 0);
    CHECK_EQ(tp[2].got, 1);
    bridge_port_stats(tp[1].p, &ps);
    CHECK_EQ(ps.tx_dropped, 1);
    CHECK_EQ(ps.tx_frames, 0);
    bridge_reset_all();
}

HTEST(bad_names_and_full_bridges)
{
    struct bridge *b;

    CHECK(bridge_get("", true) == NULL);
    CHECK(bridge_get("a-name-far-too-long", true) == NULL);
    CHECK(bridge_get("nosuch", false) == NULL);
    b = bridge_get("xenbr0", true);
    for (int i = 0; i < BRIDGE_MAX_PORTS; i++)
        CHECK(bridge_port_add(b, "p", NULL, xmit, &tp[0]) != NULL);
    CHECK(bridge_port_add(b, "p", NULL, xmit, &tp[0]) == NULL);
    for (int i = 1; i < 8; i++) {
        char n[16];
        snprintf(n, sizeof(n), "br%d", i);
        CHECK(bridge_get(n, true) != NULL);
    }
    CHECK(bridge_get("br8", true) == NULL);
    bridge_reset_all();
}

/*
 * A random storm over two bridges with locked and unlocked ports: each
 * delivery is checked against an independent model of what a learning
 * bridge may do -- the frame's destination learned (and live) on that
 * port, or a flood (broadcast, multicast, unknown), never the ingress
 * port, never the other bridge.
 */
static struct bridge *storm_br[2];
static unsigned int storm_in;               /* ingress port index */
static const uint8_t *storm_frame;
static bool storm_may_flood;
static int storm_target;                    /* port index, or -1 */
static unsigned int storm_bad;

static int storm_xmit(void *arg, const void *frame, size_t len)
{
    unsigned int idx = (unsigned int)(uintptr_t)arg;

    if (idx == storm_in || frame != storm_frame || (idx / 4) != (storm_in / 4))
        storm_bad++;
    else if (!storm_may_flood && (int)idx != storm_target)
        storm_bad++;
    return 0;
}

HTEST(random_storm_never_delivers_where_it_should_not)
{
    struct bridge_port *ports[8];
    uint8_t macs[8][6], model_mac[16][6];
    int model_port[16][2];                  /* per bridge: where each MAC was learned */
    uint64_t model_seen[16][2];
    unsigned int seed = 12345;

    storm_br[0] = bridge_get("xenbr0", true);
    storm_br[1] = bridge_get("xenbr1", true);
    for (int b = 0; b < 2; b++)
        bridge_set_ageing(storm_br[b], 50);
    for (unsigned int i = 0; i < 8; i++) {
        mac_of(macs[i], i + 1);
        ports[i] = bridge_port_add(storm_br[i / 4], "s", (i % 2) ? macs[i] : NULL, storm_xmit,
                                   (void *)(uintptr_t)i);
    }
    for (int m = 0; m < 16; m++) {
        mac_of(model_mac[m], m < 8 ? (unsigned int)m + 1 : 500u + (unsigned int)m);
        model_port[m][0] = model_port[m][1] = -1;
    }
    for (uint64_t now = 0; now < 20000; now++) {
        uint8_t f[60] = { 0 };
        seed = seed * 1103515245u + 12345u;
        unsigned int in = (seed >> 8) % 8, src = (seed >> 12) % 16, dst = (seed >> 18) % 17;
        int b = (int)(in / 4);
        memcpy(f, dst == 16 ? bcast : model_mac[dst], 6);
        memcpy(f + 6, model_mac[src], 6);
        /* the model: is the source accepted, and where does dst live? */
        bool accepted = !((in % 2) && memcmp(model_mac[src], macs[in], 6));
        if (accepted) {
            model_port[src][b] = (int)in;
            model_seen[src][b] = now;
        }
        storm_in = in;
        storm_frame = f;
        storm_target = -1;
        storm_may_flood = true;
        if (dst < 16 && model_port[dst][b] >= 0 && now - model_seen[dst][b] < 50) {
            storm_target = model_port[dst][b];
            storm_may_flood = false;
        }
        bridge_input(ports[in], f, sizeof(f), now);
        if (now % 97 == 0)
            bridge_age(storm_br[b], now);
    }
    CHECK_EQ(storm_bad, 0);
    bridge_reset_all();
}
