/*
 * blk-hostile: a frontend that does what no frontend should, against
 * Dom0's blkback (tests/dom0/blk-hostile.session).  Command line:
 *
 *   mode=bad   (default) each malformed request answered with an error
 *              while the device stays connected: grant refs not granted,
 *              granted to another domain, read-only for a read; 12
 *              segments, none, 33 indirect, a bad indirect page, an
 *              indirect flush; segments outside their page; sectors
 *              beyond the disk (and a sector number that would wrap); an
 *              unknown operation; garbage in our state node; a flood of
 *              5000 requests and 20000 notifications; requests after
 *              Closing (never answered); a producer index far beyond the
 *              consumer (the device is closed with an error node); after
 *              each of the last two, a reconnection that works
 *   mode=die   32 requests of 11 pages each, a crash after the first answer
 *   mode=deaf  connect, then ignore everything (xl block-detach must
 *              remove the device by force)
 */
#include <test.h>
#include <events.h>
#include <grant.h>
#include <string.h>
#include "ring_client.h"
#include "blkfront.h"

#define OTHER_REF   120                 /* a page granted to domain 5 */

static struct xsc c;
static struct bfront f;
static uint8_t other_page[4096] __attribute__((aligned(4096)));

static bool is_mode(const char *m)
{
    return cmdline_is((const char *)start_info->cmd_line, "mode", m, "bad");
}

/* One request built by hand: its status, or -100 (no answer). */
static int one(const blkif_request_t *r)
{
    blkif_response_t rsp;

    bf_push(&f, r);
    if (bf_response(&f, &rsp) || rsp.id != r->id)
        return -100;
    return rsp.status;
}

static blkif_request_t rw(uint8_t op, uint64_t sector, unsigned int n, uint64_t id)
{
    blkif_request_t r;

    memset(&r, 0, sizeof(r));
    r.operation = op;
    r.nr_segments = (uint8_t)n;
    r.id = id;
    r.sector_number = sector;
    for (unsigned int i = 0; i < n && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
        r.seg[i].gref = bf_ref(i);
        r.seg[i].last_sect = 7;
    }
    return r;
}

static void still_connected(const char *after)
{
    int s = bf_be_state(&f);
    CHECK(s == XenbusStateConnected, "after %s the backend is in state %d", after, s);
}

static void bad(void)
{
    blkif_request_t r;
    int st;

    REQUIRE(bf_connect(&f, false, NULL) == 0, "connect");
    /* Grants. */
    r = rw(BLKIF_OP_READ, 0, 1, 1);
    r.seg[0].gref = 400;                        /* never granted */
    REQUIRE((st = one(&r)) == BLKIF_RSP_ERROR, "ungranted ref: %d", st);
    gnt_grant(OTHER_REF, 5, p2m()[((uint32_t)(uintptr_t)other_page - VIRT_BASE) >> 12], false);
    r.seg[0].gref = OTHER_REF;                  /* granted to someone else */
    REQUIRE((st = one(&r)) == BLKIF_RSP_ERROR, "another domain's grant: %d", st);
    bf_grant_ro(0, true);
    r = rw(BLKIF_OP_READ, 0, 1, 2);
    REQUIRE((st = one(&r)) == BLKIF_RSP_ERROR, "read into a read-only grant: %d", st);
    r = rw(BLKIF_OP_WRITE, 0, 1, 3);
    REQUIRE((st = one(&r)) == BLKIF_RSP_OKAY, "write from a read-only grant: %d", st);
    bf_grant_ro(0, false);
    still_connected("bad grants");
    printf("blk-hostile: bad grant refs: errors\n");
    /* Segments. */
    r = rw(BLKIF_OP_READ, 0, 11, 4);
    r.nr_segments = 12;
    REQUIRE((st = one(&r)) == BLKIF_RSP_ERROR, "12 segments: %d", st);
    r.nr_segments = 255;
    REQUIRE((st = one(&r)) == BLKIF_RSP_ERROR, "255 segments: %d", st);
    r = rw(BLKIF_OP_READ, 0, 0, 5);
    REQUIRE((st = one(&r)) == BLKIF_RSP_ERROR, "a read of no segments: %d", st);
    REQUIRE((st = bf_io_indirect(&f, BLKIF_OP_READ, 0, 0, 33)) == BLKIF_RSP_ERROR,
            "33 indirect segments: %d", st);
    REQUIRE((st = bf_io_indirect(&f, BLKIF_OP_READ, 0, 0, 0)) == BLKIF_RSP_ERROR,
            "0 indirect segments: %d", st);
    REQUIRE((st = bf_io_indirect(&f, BLKIF_OP_FLUSH_DISKCACHE, 0, 0, 4)) == BLKIF_RSP_ERROR,
            "an indirect flush: %d", st);
    {
        blkif_request_t q;
        struct blkif_request_indirect *in = (void *)&q;
        memset(&q, 0, sizeof(q));
        in->operation = BLKIF_OP_INDIRECT;
        in->indirect_op = BLKIF_OP_READ;
        in->nr_segments = 4;
        in->id = 6;
        in->indirect_grefs[0] = 401;            /* not granted */
        REQUIRE((st = one(&q)) == BLKIF_RSP_ERROR, "a bad indirect page: %d", st);
    }
    r = rw(BLKIF_OP_READ, 0, 1, 7);
    r.seg[0].first_sect = 3;
    r.seg[0].last_sect = 2;
    REQUIRE((st = one(&r)) == BLKIF_RSP_ERROR, "first_sect > last_sect: %d", st);
    r.seg[0].first_sect = 0;
    r.seg[0].last_sect = 8;
    REQUIRE((st = one(&r)) == BLKIF_RSP_ERROR, "last_sect 8: %d", st);
    r.seg[0].first_sect = 200;
    r.seg[0].last_sect = 255;
    REQUIRE((st = one(&r)) == BLKIF_RSP_ERROR, "a segment far outside its page: %d", st);
    still_connected("bad segments");
    printf("blk-hostile: more than 11 segments, segments outside the page: errors\n");
    /* Sectors. */
    r = rw(BLKIF_OP_READ, f.sectors - 8, 1, 8);
    REQUIRE((st = one(&r)) == BLKIF_RSP_OKAY, "the last page: %d", st);
    r = rw(BLKIF_OP_READ, f.sectors - 7, 1, 9);
    REQUIRE((st = one(&r)) == BLKIF_RSP_ERROR, "one sector past the end: %d", st);
    r = rw(BLKIF_OP_WRITE, f.sectors, 1, 10);
    REQUIRE((st = one(&r)) == BLKIF_RSP_ERROR, "a write past the end: %d", st);
    r = rw(BLKIF_OP_READ, ~0ull - 3, 1, 11);
    REQUIRE((st = one(&r)) == BLKIF_RSP_ERROR, "a wrapping sector number: %d", st);
    REQUIRE((st = bf_discard(&f, ~0ull - 3, 8)) == BLKIF_RSP_ERROR, "a wrapping discard: %d", st);
    still_connected("sectors beyond the disk");
    printf("blk-hostile: sectors beyond the disk: errors\n");
    r = rw(200, 0, 1, 12);
    REQUIRE((st = one(&r)) == BLKIF_RSP_EOPNOTSUPP, "operation 200: %d", st);
    printf("blk-hostile: an unknown operation: not supported\n");
    /* Garbage for a state: nothing changes. */
    {
        char p[64];
        snprintf(p, sizeof(p), "%s/state", f.fe);
        xsc_write_str(&c, 0, p, "banana");
        xsc_write_str(&c, 0, p, "99");
        xsc_write_str(&c, 0, p, "-1");
        xsc_write_str(&c, 0, p, "4");
        r = rw(BLKIF_OP_READ, 0, 1, 13);
        REQUIRE((st = one(&r)) == BLKIF_RSP_OKAY, "a read after garbage states: %d", st);
        still_connected("garbage states");
    }
    /* A flood: 5000 requests keeping the ring full, 20000 notifications. */
    {
        unsigned int sent = 0, got = 0;
        uint64_t end = now_ns() + 60000 * NS_PER_MS;
        blkif_response_t rsp;
        while (got < 5000 && now_ns() < end) {
            while (sent < 5000 && !RING_FULL(&f.ring)) {
                r = rw(BLKIF_OP_READ, (sent * 8u) % 2040u, 1, 10000 + sent);
                *RING_GET_REQUEST(&f.ring, f.ring.req_prod_pvt) = r;
                f.ring.req_prod_pvt++;
                sent++;
            }
            RING_PUSH_REQUESTS(&f.ring);
            evtchn_send(f.port);
            while (bf_has_response(&f)) {
                rsp = *RING_GET_RESPONSE(&f.ring, f.ring.rsp_cons);
                f.ring.rsp_cons++;
                REQUIRE(rsp.status == 0, "flood response %u: %d", got, rsp.status);
                got++;
            }
            if (sent == 5000 && got < 5000 && bf_response(&f, &rsp) == 0) {
                REQUIRE(rsp.status == 0, "flood response %u: %d", got, rsp.status);
                got++;
            }
        }
        REQUIRE(got == 5000, "%u of 5000 flood requests answered", got);
        for (unsigned int i = 0; i < 20000; i++)
            evtchn_send(f.port);
        r = rw(BLKIF_OP_READ, 0, 1, 14);
        REQUIRE((st = one(&r)) == BLKIF_RSP_OKAY, "a read after the flood: %d", st);
        printf("blk-hostile: a flood of 5000 requests and 20000 notifications: all answered\n");
    }
    /* Requests after Closing are not served. */
    {
        uint64_t end;
        int s;
        REQUIRE(bf_set_state(&f, XenbusStateClosing) == 0, "closing");
        end = now_ns() + 5000 * NS_PER_MS;
        while ((s = bf_be_state(&f)) != XenbusStateClosing && s != XenbusStateClosed &&
               now_ns() < end)
            wait_port(f.port, now_ns() + 10 * NS_PER_MS);
        REQUIRE(s == XenbusStateClosing || s == XenbusStateClosed, "backend state %d", s);
        RING_IDX before = f.ring.sring->rsp_prod;
        for (unsigned int i = 0; i < 8; i++) {
            r = rw(BLKIF_OP_WRITE, 0, 1, 20 + i);
            bf_push(&f, &r);
            evtchn_send(f.port);
        }
        wait_port(f.port, now_ns() + 500 * NS_PER_MS);
        REQUIRE(f.ring.sring->rsp_prod == before, "requests after Closing were answered");
        printf("blk-hostile: requests after Closing: not taken\n");
        REQUIRE(bf_set_state(&f, XenbusStateClosed) == 0 &&
                bf_wait_be(&f, XenbusStateClosed) == 0, "closed");
        evtchn_close(f.port);
        f.port = 0;
        REQUIRE(gnt_end(BF_RING_REF), "the backend still holds the ring");
        REQUIRE(bf_reinit(&f) == 0 && bf_connect(&f, true, NULL) == 0, "reconnect");
        r = rw(BLKIF_OP_READ, 0, 1, 30);
        REQUIRE((st = one(&r)) == BLKIF_RSP_OKAY, "a read after reconnecting: %d", st);
        printf("blk-hostile: reconnected\n");
    }
    /* The producer far beyond the consumer. */
    {
        char p[160], v[128];
        uint32_t len;
        f.ring.sring->req_prod = f.ring.req_prod_pvt + 1000;
        evtchn_send(f.port);
        REQUIRE(bf_wait_be(&f, XenbusStateClosing) == 0, "the backend did not close");
        snprintf(p, sizeof(p), "%s/error", f.be);
        REQUIRE(xsc_read(&c, 0, p, v, sizeof(v), &len) == 0, "no error node");
        printf("blk-hostile: producer 1000 ahead: backend Closing, error \"%s\"\n", v);
        REQUIRE(bf_set_state(&f, XenbusStateClosed) == 0 &&
                bf_wait_be(&f, XenbusStateClosed) == 0, "closed");
        evtchn_close(f.port);
        f.port = 0;
        REQUIRE(gnt_end(BF_RING_REF), "the backend still holds the ring");
        REQUIRE(bf_reinit(&f) == 0 && bf_connect(&f, false, NULL) == 0, "reconnect");
        r = rw(BLKIF_OP_READ, 0, 1, 31);
        REQUIRE((st = one(&r)) == BLKIF_RSP_OKAY, "a read after reconnecting: %d", st);
        printf("blk-hostile: reconnected after the broken ring\n");
    }
    test_success();
}

static void die(void)
{
    static blkif_request_t r[32];

    REQUIRE(bf_connect(&f, true, NULL) == 0, "connect");
    for (unsigned int i = 0; i < 32; i++)
        r[i] = rw(BLKIF_OP_READ, (i * 88u) % 1936u, 11, 100 + i);
    blkif_response_t rsp;

    bf_push_many(&f, r, 32);
    /* The first answer shows the backend has taken them to the disk
     * (which QEMU throttles: the rest are still there). */
    REQUIRE(bf_response(&f, &rsp) == 0 && rsp.status == 0, "no first response");
    printf("blk-hostile: dying with 31 requests in flight\n");
    test_expect_crash("a frontend dies in the middle of I/O");
    asm volatile ("ud2");
}

static void deaf(void)
{
    REQUIRE(bf_connect(&f, false, NULL) == 0, "connect");
    printf("blk-hostile: connected, deaf from now on\n");
    for (;;)
        sched_block();
}

void test_main(void)
{
    if (!bf_start(&f, &c, 51712))              /* xvda */
        return;
    if (is_mode("die"))
        die();
    else if (is_mode("deaf"))
        deaf();
    else
        bad();
}
