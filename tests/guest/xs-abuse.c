/*
 * xs-abuse: a hostile domain against xenstored (xs-server as domain 0,
 * or Mica's Dom0, which created it with xl) next to a well-behaved
 * domain (xs-conform) that must not notice.  Each case ends with a normal request that must still work.
 *
 * Answered with an error, connection kept:
 *   missing NULs, bad characters, over-long paths (protocol and quota),
 *   unknown and reply-only types, unknown transaction ids, random bytes
 *   as the payload of every type, watches and transactions beyond the
 *   quotas (never ended), values beyond the quota;
 * throttled, nothing lost:
 *   a flood of requests whose replies it does not read;
 * connection stopped (error field), then revived by reconnection:
 *   a header announcing more than 4096 bytes, a producer index a whole
 *   ring ahead, a consumer index ahead of what was produced.
 */
#include <test.h>
#include <events.h>
#include <string.h>
#include "ring_client.h"

static struct xsc c;
static char buf[8192];
static uint32_t len;

#define EXPECT(call, want) CHECK_RC((call), (want), #call)

static uint32_t rng = 12345;
static uint32_t rnd(uint32_t n)
{
    rng = rng * 1103515245u + 12345u;
    return (rng >> 8) % n;
}

static void still_works(const char *after)
{
    int rc = xsc_read(&c, 0, "domid", buf, sizeof(buf), &len);
    CHECK(rc == 0, "after %s: read domid -> %d", after, rc);
}

static void malformed(void)
{
    static char p[5000];

    EXPECT(xsc_request(&c, XS_READ, 0, "domid", 5), -XEN_EINVAL);     /* no NUL */
    EXPECT(xsc_request(&c, XS_READ, 0, "", 0), -XEN_EINVAL);
    EXPECT(xsc_request(&c, XS_WRITE, 0, "data/x", 6), -XEN_EINVAL);
    EXPECT(xsc_request(&c, XS_WATCH, 0, "data\0tok", 8), -XEN_EINVAL);
    EXPECT(xsc_requestv(&c, XS_READ, 0, "data/a b", NULL), -XEN_EINVAL);
    EXPECT(xsc_requestv(&c, XS_READ, 0, "data/\x01", NULL), -XEN_EINVAL);
    EXPECT(xsc_requestv(&c, XS_READ, 0, "data//x", NULL), -XEN_EINVAL);
    EXPECT(xsc_requestv(&c, XS_READ, 0, "data/x/", NULL), -XEN_EINVAL);
    EXPECT(xsc_requestv(&c, XS_SET_PERMS, 0, "data", "z1", NULL), -XEN_EINVAL);
    memset(p, 'p', 4000);
    p[0] = '/';
    p[4000] = '\0';
    EXPECT(xsc_requestv(&c, XS_READ, 0, p, NULL), -XEN_EINVAL);       /* > 3072 */
    p[100] = '\0';
    EXPECT(xsc_requestv(&c, XS_WRITE, 0, p + 1, NULL), -XEN_EINVAL);  /* quota 64 */
    for (uint32_t t = XS_WATCH_EVENT; t < 0x10000; t = t * 3 + 1)
        if (t >= XS_TYPE_COUNT || t == XS_WATCH_EVENT || t == XS_ERROR || t == XS_RESTRICT)
            EXPECT(xsc_request(&c, t, 0, "x", 2), -XEN_ENOSYS);
    EXPECT(xsc_request(&c, 0xffffffffu, 0, "", 0), -XEN_ENOSYS);
    EXPECT(xsc_requestv(&c, XS_READ, 0x7fffffff, "domid", NULL), -XEN_ENOENT);
    EXPECT(xsc_requestv(&c, XS_TRANSACTION_END, 42, "T", NULL), -XEN_ENOENT);
    EXPECT(xsc_requestv(&c, XS_TRANSACTION_START, 42, "", NULL), -XEN_ENOENT);
    still_works("malformed requests");
}

static void random_payloads(void)
{
    static uint8_t junk[4096];
    unsigned int answered = 0;

    for (int i = 0; i < 600; i++) {
        uint32_t type = rnd(XS_TYPE_COUNT + 3), n = rnd(300);
        for (uint32_t k = 0; k < n; k++)
            junk[k] = (uint8_t)(rnd(4) ? 'a' + rnd(26) : rnd(4) ? '/' : rnd(256));
        if (type == XS_INTRODUCE || type == XS_RELEASE)
            type = XS_READ;
        int rc = xsc_request(&c, type, rnd(4) ? 0 : rnd(5), junk, n);
        answered += rc != -XEN_ETIME && rc != -XEN_EIO;
    }
    CHECK(answered == 600, "%u of 600 random requests answered", answered);
    xsc_requestv(&c, XS_RESET_WATCHES, 0, "", NULL);
    still_works("random payloads");
}

static void beyond_quotas(void)
{
    char t[16];
    uint32_t tx;
    int i, rc = 0;

    for (i = 0; i < 100 && !rc; i++) {
        snprintf(t, sizeof(t), "w%d", i);
        rc = xsc_watch(&c, "data", t);
    }
    CHECK(rc == -XEN_ENOSPC && i == 9, "watch %d: %d (quota 8)", i, rc);
    for (i = 0, rc = 0; i < 100 && !rc; i++)
        rc = xsc_tx_start(&c, &tx);                 /* never ended */
    CHECK(rc == -XEN_ENOSPC && i == 4, "transaction %d: %d (quota 3)", i, rc);
    static char v[2000];
    memset(v, 'v', sizeof(v));
    EXPECT(xsc_write(&c, 0, "data/v", v, sizeof(v)), -XEN_ENOSPC);
    still_works("quotas");
    /* Dropped by the reconnection of the next part. */
}

/* Requests without reading replies: stalled, not dropped, none lost. */
static void flood(void)
{
    struct xsd_sockmsg h = { .type = XS_READ, .len = 6 };
    uint32_t sent = 0, got = 0;
    uint64_t end = now_ns() + 10000 * NS_PER_MS;

    /* Fill the request ring again and again without taking replies. */
    for (int round = 0; round < 200; round++) {
        uint32_t room = XENSTORE_RING_SIZE - (xs_intf->req_prod - xs_intf->req_cons);
        while (room >= 22) {
            h.req_id = 50000 + sent++;
            c.io.send(c.io.ctx, &h, 16);
            c.io.send(c.io.ctx, "domid", 6);
            room -= 22;
        }
        sched_yield();
    }
    CHECK(xs_intf->error == 0, "flooding dropped the connection (error %u)", xs_intf->error);
    printf("xs-abuse: %u requests queued while not reading\n", sent);
    /* Now read everything: each request answered once, in order. */
    while (got < sent && now_ns() < end) {
        uint8_t m[64];
        struct xsd_sockmsg r;
        uint32_t have = 0;
        while (have < 16) {
            int n = c.io.recv(c.io.ctx, m + have, 16 - have);
            if (n > 0)
                have += (uint32_t)n;
            else
                wait_port(xs_port, now_ns() + 100 * NS_PER_MS);
            if (now_ns() > end)
                break;
        }
        if (have < 16)
            break;
        memcpy(&r, m, 16);
        for (have = 0; have < r.len && r.len <= sizeof(m); ) {
            int n = c.io.recv(c.io.ctx, m + have, r.len - have);
            if (n > 0)
                have += (uint32_t)n;
            else
                wait_port(xs_port, now_ns() + 100 * NS_PER_MS);
        }
        if (r.type == XS_WATCH_EVENT)
            continue;
        CHECK(r.req_id == 50000 + got, "reply %u out of order (want %u)", r.req_id, 50000 + got);
        got++;
    }
    CHECK(got == sent, "%u of %u flooded requests answered", got, sent);
    still_works("the flood");
}

/* Break the connection, see the error field, reconnect. */
static void fatal(const char *what, uint32_t want_error)
{
    uint64_t end = now_ns() + 3000 * NS_PER_MS;

    while (!xs_intf->error && now_ns() < end)
        wait_port(xs_port, now_ns() + 100 * NS_PER_MS);
    CHECK(xs_intf->error == want_error, "%s: error field %u, want %u", what, xs_intf->error,
          want_error);
    EXPECT(xs_ring_reconnect(&c), 0);
    CHECK(xs_intf->error == 0, "%s: error %u after reconnecting", what, xs_intf->error);
    still_works(what);
}

static void fatal_cases(void)
{
    struct xsd_sockmsg h = { .type = XS_READ, .req_id = 1, .len = 4097 };
    uint32_t tx;

    c.io.send(c.io.ctx, &h, sizeof(h));
    fatal("a 4097-byte header", XENSTORE_ERROR_PROTO);
    /* The quotas were reset with the connection. */
    EXPECT(xsc_tx_start(&c, &tx), 0);
    EXPECT(xsc_watch(&c, "data", "fresh"), 0);

    xs_intf->req_prod += 5000;
    evtchn_send(xs_port);
    fatal("a producer index 5000 bytes ahead", XENSTORE_ERROR_RINGIDX);

    /* Raw, so our own consumer index is not written back meanwhile. */
    struct xsd_sockmsg r = { .type = XS_READ, .req_id = 2, .len = 6 };
    xs_intf->rsp_cons = xs_intf->rsp_prod + 3000;
    c.io.send(c.io.ctx, &r, sizeof(r));
    c.io.send(c.io.ctx, "domid", 6);
    fatal("a consumer index ahead of the producer", XENSTORE_ERROR_RINGIDX);
}

void test_main(void)
{

    if (!xs_ring_start(&c, buf, sizeof(buf)))
        return;
    malformed();
    random_payloads();
    beyond_quotas();
    fatal_cases();
    flood();
    printf("xs-abuse: done\n");
    test_success();
}
