/*
 * test-xs-ring: the ring transport against guests that lie.
 *
 * Index arithmetic across the 2^32 wrap; messages larger than the ring
 * streamed in pieces; a producer index more than a ring ahead, a consumer
 * index ahead of the producer, a header announcing more than 4096 bytes:
 * each stops that connection (error field set, nothing more read) while
 * other domains go on; reconnection empties the queues and revives it;
 * the store never writes outside its fields and rsp[]; a guest that does
 * not read its replies is throttled (outstanding quota) without losing
 * any; a flooding domain does not starve another; watch events for a
 * guest that does not read are bounded and identical ones coalesce.
 */
#include "htest.h"
#include "harness.h"
#include "xs_core.h"

static struct xt *x;
static struct xt_conn *d0;

static void setup(const char *cfg)
{
    x = xt_new(cfg);
    d0 = xt_pipe(x, 0, true);
    x->quiet = true;
}

static void teardown(void)
{
    CHECK(xt_check_report(x) == NULL);
    xt_close(d0);
    CHECK_EQ(xt_free(x), 0);
}

static struct xt_dom *introduce(uint16_t domid, uint32_t start_idx)
{
    struct xt_dom *d = xt_dom(x, domid);
    char id[8], mfn[16], home[32], perm[8];

    d->page->req_cons = d->page->req_prod = start_idx;
    d->page->rsp_cons = d->page->rsp_prod = start_idx;
    snprintf(id, sizeof(id), "%u", domid);
    snprintf(mfn, sizeof(mfn), "%u", d->mfn);
    snprintf(home, sizeof(home), "/local/domain/%u", domid);
    snprintf(perm, sizeof(perm), "b%u", domid);
    xt_op(d0, XS_MKDIR, 0, home, NULL);
    xt_op(d0, XS_SET_PERMS, 0, home, perm, NULL);
    CHECK_STREQ(xt_op(d0, XS_INTRODUCE, 0, id, mfn, "1", NULL), "OK|");
    return d;
}

/* Bytes 2080..4095 of the page are the guest's: the store never writes. */
static void guard(struct xt_dom *d)
{
    memset((char *)d->page + 2080, 0x5a, 4096 - 2080);
}

static bool guard_intact(struct xt_dom *d)
{
    for (int i = 2080; i < 4096; i++)
        if (((uint8_t *)d->page)[i] != 0x5a)
            return false;
    return true;
}

HTEST(wraps_around_2_to_the_32)
{
    setup(NULL);
    struct xt_dom *d = introduce(3, 0xfffffe00u);
    guard(d);
    struct xt_conn *g = xt_ring(x, 3);
    char v[64];
    for (int i = 0; i < 200; i++) {
        snprintf(v, sizeof(v), "value-%d-padding-padding", i);
        CHECK_STREQ(xt_write(g, 0, "k", v), "OK|");
        CHECK_STREQ(xt_read(g, 0, "k"), v);
    }
    CHECK(d->page->req_prod < 0x10000u);        /* it wrapped */
    CHECK(guard_intact(d));
    CHECK(xt_alive(g));
    xt_close(g);
    teardown();
}

HTEST(messages_larger_than_the_ring)
{
    static char big[2001];                  /* the value_size quota: 2048 */
    setup(NULL);
    introduce(3, 0);
    struct xt_conn *g = xt_ring(x, 3);
    memset(big, 'B', sizeof(big) - 1);
    CHECK_STREQ(xt_write(g, 0, "big", big), "OK|");
    CHECK_STREQ(xt_read(g, 0, "big"), big);
    xt_close(g);
    teardown();
}

HTEST(producer_more_than_a_ring_ahead)
{
    setup(NULL);
    struct xt_dom *d = introduce(3, 100);
    introduce(4, 0);
    guard(d);
    struct xt_conn *g = xt_ring(x, 3), *h = xt_ring(x, 4);
    CHECK_STREQ(xt_read(g, 0, "/local/domain/3"), "");
    d->page->req_prod = d->page->req_cons + 1025;
    xs_port_event(x->s, d->local);
    xt_run(x);
    CHECK_EQ(d->page->error, XENSTORE_ERROR_RINGIDX);
    CHECK(!xt_alive(g));
    /* Nothing more is read from it; the other domain goes on. */
    uint32_t cons = d->page->req_cons;
    xs_port_event(x->s, d->local);
    xt_run(x);
    CHECK_EQ(d->page->req_cons, cons);
    CHECK_STREQ(xt_read(h, 0, "/local/domain/4"), "");
    struct xs_stats st;
    xs_get_stats(x->s, &st);
    CHECK_EQ(st.dropped_conns, 1);
    CHECK(guard_intact(d));
    xt_close(g);
    xt_close(h);
    teardown();
}

HTEST(consumer_ahead_of_the_producer)
{
    setup(NULL);
    struct xt_dom *d = introduce(3, 0);
    struct xt_conn *g = xt_ring(x, 3);
    CHECK_STREQ(xt_read(g, 0, "/local/domain/3"), "");
    /* The guest claims to have consumed replies never produced. */
    d->page->rsp_cons = d->page->rsp_prod + 5000;
    g->rsp_cons = d->page->rsp_cons;
    struct xsd_sockmsg h = { .type = XS_READ, .req_id = 9, .len = 2 };
    xt_send_raw(g, &h, sizeof(h));
    xt_send_raw(g, "/", 2);
    xt_run(x);
    CHECK_EQ(d->page->error, XENSTORE_ERROR_RINGIDX);
    xt_close(g);
    teardown();
}

HTEST(oversized_header_is_fatal_to_that_connection)
{
    setup(NULL);
    struct xt_dom *d = introduce(3, 0);
    struct xt_conn *g = xt_ring(x, 3);
    struct xsd_sockmsg h = { .type = XS_READ, .req_id = 1, .len = 4097 };
    xt_op(g, XS_WATCH, 0, "/local/domain/3", "w", NULL);
    CHECK_EQ(xt_send_raw(g, &h, sizeof(h)), 0);
    xt_run(x);
    CHECK_EQ(d->page->error, XENSTORE_ERROR_PROTO);
    struct xs_stats st;
    xs_get_stats(x->s, &st);
    CHECK_EQ(st.watches, 0);                /* its watches went with it */
    /* A local client sending the same: dropped too. */
    struct xt_conn *p = xt_pipe(x, 0, true);
    xt_send_raw(p, &h, sizeof(h));
    xt_run(x);
    CHECK(!xt_alive(p));
    CHECK_STREQ(xt_read(d0, 0, "/"), "");
    xt_close(p);
    xt_close(g);
    teardown();
}

HTEST(reconnection_revives_and_resets)
{
    setup(NULL);
    struct xt_dom *d = introduce(3, 0);
    struct xt_conn *g = xt_ring(x, 3);
    CHECK_STREQ(xt_op(g, XS_WATCH, 0, "/local/domain/3", "w", NULL), "OK|");
    uint32_t t = xt_txstart(g);
    CHECK(t != 0);
    /* Break it, with half a request left in the ring. */
    struct xsd_sockmsg h = { .type = XS_READ, .req_id = 1, .len = 99999 };
    xt_send_raw(g, &h, sizeof(h));
    xt_run(x);
    CHECK_EQ(d->page->error, XENSTORE_ERROR_PROTO);
    xt_send_raw(g, "garbage", 7);
    /* Ask for a fresh start. */
    d->page->connection = XENSTORE_RECONNECT;
    xs_port_event(x->s, d->local);
    xt_run(x);
    CHECK_EQ(d->page->connection, XENSTORE_CONNECTED);
    CHECK_EQ(d->page->error, XENSTORE_ERROR_NONE);
    CHECK_EQ(d->page->req_cons, d->page->req_prod);
    CHECK_EQ(d->page->rsp_prod, d->page->rsp_cons);
    xt_close(g);
    g = xt_ring(x, 3);
    CHECK_STREQ(xt_read(g, 0, "/local/domain/3"), "");
    CHECK_STREQ(xt_txend(g, t, true), "!ENOENT");
    struct xs_stats st;
    xs_get_stats(x->s, &st);
    CHECK_EQ(st.watches, 0);
    xt_close(g);
    teardown();
}

HTEST(store_writes_only_its_own_fields)
{
    setup(NULL);
    struct xt_dom *d = introduce(3, 7);
    struct xt_conn *g = xt_ring(x, 3);
    static char req_copy[1024];
    guard(d);
    for (int i = 0; i < 50; i++)
        xt_write(g, 0, "k", "some value to make traffic");
    memcpy(req_copy, (const char *)d->page->req, 1024);
    xt_op(g, XS_DIRECTORY, 0, "/local/domain/3", NULL);
    /* req[] changes only by the guest's own writes. */
    uint32_t p = d->page->req_prod;
    (void)p;
    CHECK(guard_intact(d));
    xt_close(g);
    teardown();
}

/* The guest side, by hand: put bytes in req[] as far as there is room. */
static uint32_t feed(struct xt_conn *g, const uint8_t *buf, uint32_t len)
{
    volatile struct xenstore_domain_interface *in = g->d->page;
    uint32_t n = 0;

    while (n < len && g->req_prod - in->req_cons < 1024) {
        in->req[g->req_prod & 1023] = (char)buf[n++];
        g->req_prod++;
    }
    in->req_prod = g->req_prod;
    xs_port_event(g->x->s, g->d->local);
    return n;
}

/* Take whole replies off rsp[]: how many; checks they come in order. */
static unsigned int eat(struct xt_conn *g, uint32_t *next_id, uint32_t want_len)
{
    volatile struct xenstore_domain_interface *in = g->d->page;
    unsigned int got = 0;
    struct xsd_sockmsg h;

    while (in->rsp_prod - g->rsp_cons >= 16) {
        for (int i = 0; i < 16; i++)
            ((uint8_t *)&h)[i] = (uint8_t)in->rsp[(g->rsp_cons + i) & 1023];
        if (in->rsp_prod - g->rsp_cons < 16 + h.len)
            break;
        g->rsp_cons += 16 + h.len;
        in->rsp_cons = g->rsp_cons;
        if (h.type == XS_WATCH_EVENT)
            continue;
        CHECK_EQ(h.req_id, *next_id);
        CHECK_EQ(h.len, want_len);
        (*next_id)++;
        got++;
    }
    xs_port_event(g->x->s, g->d->local);
    return got;
}

static uint32_t reads(uint8_t *buf, uint32_t n, uint32_t first_id)
{
    for (uint32_t i = 0; i < n; i++) {
        struct xsd_sockmsg h = { .type = XS_READ, .req_id = first_id + i, .len = 2 };
        memcpy(buf + 18 * i, &h, 16);
        memcpy(buf + 18 * i + 16, "k", 2);
    }
    return 18 * n;
}

HTEST(slow_reader_is_throttled_not_dropped)
{
    static char v[200];
    static uint8_t msgs[80 * 18];
    setup("outstanding=4");
    introduce(3, 0);
    struct xt_conn *g = xt_ring(x, 3);
    struct xs_conn *c = dom_find(x->s, 3)->conn;
    memset(v, 'v', sizeof(v) - 1);
    CHECK_STREQ(xt_write(g, 0, "k", v), "OK|");
    /* 80 reads of a 199-byte value, replies never taken off: the ring
     * holds 4 of them, the store queues at most 4 more, then stops
     * reading; the rest wait in req[]. */
    uint32_t len = reads(msgs, 80, 100), sent = 0, next = 100;
    for (int i = 0; i < 20; i++) {
        sent += feed(g, msgs + sent, len - sent);
        xt_run(x);
        CHECK(c->nr_replies <= 4);
    }
    CHECK(sent < len);
    CHECK(xt_alive(g));
    /* Now the guest reads: everything is answered, in order. */
    for (int round = 0; round < 500 && next < 180; round++) {
        eat(g, &next, 199);
        sent += feed(g, msgs + sent, len - sent);
        xt_run(x);
        CHECK(c->nr_replies <= 4);
    }
    CHECK_EQ(next, 180);
    xt_close(g);
    teardown();
}

HTEST(a_flooding_domain_does_not_starve_another)
{
    static uint8_t flood[57 * 18];
    setup("outstanding=1000");
    introduce(3, 0);
    introduce(4, 0);
    struct xt_conn *bad = xt_ring(x, 3), *good = xt_ring(x, 4);
    CHECK_STREQ(xt_write(bad, 0, "k", ""), "OK|");
    CHECK_STREQ(xt_write(good, 0, "k", ""), "OK|");
    uint32_t len = reads(flood, 56, 1000), next = 1000;
    /* The flooder keeps its ring full; the other asks one thing at a
     * time.  One store call with a budget of 9 requests (two slices of 4
     * and one) must already answer the other domain. */
    uint8_t one[18];
    reads(one, 1, 7);
    for (int i = 0; i < 50; i++) {
        uint32_t gnext = 7;
        feed(bad, flood, len);
        feed(good, one, sizeof(one));
        xs_run(x->s, 9);
        CHECK_EQ(eat(good, &gnext, 0), 1);
        xt_run(x);
        eat(bad, &next, 0);
        next = 1000;
    }
    xt_close(bad);
    xt_close(good);
    teardown();
}

HTEST(events_for_a_guest_that_does_not_read_are_bounded)
{
    char p[32];
    setup("events=16");
    struct xt_dom *d = introduce(3, 0);
    struct xt_conn *g = xt_ring(x, 3);
    CHECK_STREQ(xt_op(g, XS_WATCH, 0, "/local/domain/3", "w", NULL), "OK|");
    struct xs_conn *c = dom_find(x->s, 3)->conn;
    /* The same node changed 500 times: one event waits, not 500. */
    for (int i = 0; i < 500; i++)
        xt_write(d0, 0, "/local/domain/3/hot", i & 1 ? "a" : "b");
    CHECK(c->nr_events <= 16);
    /* 500 different nodes: at most 16 wait, the rest are dropped. */
    for (int i = 0; i < 500; i++) {
        snprintf(p, sizeof(p), "/local/domain/3/n%d", i);
        xt_write(d0, 0, p, "");
        CHECK(c->nr_events <= 16);
    }
    struct xs_stats st;
    xs_get_stats(x->s, &st);
    CHECK(st.events_dropped > 400);
    CHECK(xt_alive(g));
    CHECK_EQ(d->page->error, 0);
    /* Once it reads, it works normally. */
    while (xt_event(g))
        ;
    CHECK_STREQ(xt_read(g, 0, "hot"), "a");
    xt_close(g);
    teardown();
}

HTEST(partial_messages_and_split_headers)
{
    setup(NULL);
    introduce(3, 1020);
    struct xt_conn *g = xt_ring(x, 3);
    struct xsd_sockmsg h = { .type = XS_WRITE, .req_id = 77, .len = 8 };
    uint8_t m[24];
    memcpy(m, &h, 16);
    memcpy(m, &h, 16);
    memcpy(m + 16, "k\0drip12", 8);
    /* One byte per event. */
    for (int i = 0; i < 24; i++) {
        feed(g, m + i, 1);
        xt_run(x);
    }
    uint32_t next = 77;
    CHECK_EQ(eat(g, &next, 3), 1);
    CHECK_STREQ(xt_read(g, 0, "k"), "drip12");
    xt_close(g);
    teardown();
}
