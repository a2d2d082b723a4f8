/*
 * test-ring: the shared-ring macros of include/public/io/ring.h.
 *
 * A frontend and a backend private ring over one 4 KiB page, driven by
 * hand: ring sizes (rounded down to a power of two), full and empty, the
 * index arithmetic across the 2^32 wrap (rings attached at indexes just
 * below it), the overflow guards a backend uses against a hostile
 * frontend, and the notify-check rules in both directions -- a push
 * notifies exactly when the peer's event index lies in the newly published
 * range, and the final-check macros re-arm the event index and look again,
 * so a request published in between is never lost.
 */
#include "htest.h"
#include <stddef.h>
#include <public/io/ring.h>

struct t_req { uint32_t id, val; };
struct t_rsp { uint32_t id, val; };
DEFINE_RING_TYPES(t, struct t_req, struct t_rsp);

struct big { uint8_t b[100]; };
DEFINE_RING_TYPES(b, struct big, struct big);

static _Alignas(4096) uint8_t page[4096];

static void attach(t_front_ring_t *f, t_back_ring_t *b, RING_IDX start)
{
    t_sring_t *s = (t_sring_t *)page;

    memset(page, 0xaa, sizeof(page));
    SHARED_RING_INIT(s);
    s->req_prod = s->rsp_prod = start;
    s->req_event = s->rsp_event = start + 1;
    FRONT_RING_ATTACH(f, s, start, 4096);
    BACK_RING_ATTACH(b, s, start, 4096);
}

HTEST(sizes_are_powers_of_two_in_one_page)
{
    t_front_ring_t f;
    t_back_ring_t b;

    attach(&f, &b, 0);
    CHECK_EQ(offsetof(t_sring_t, ring), 64);
    CHECK_EQ(RING_SIZE(&f), 256);            /* (4096 - 64) / 8 = 504 -> 256 */
    CHECK_EQ(__CONST_RING_SIZE(t, 4096), 256);
    CHECK_EQ(__CONST_RING_SIZE(b, 4096), 32); /* 4032 / 100 = 40 -> 32 */
    CHECK_EQ(__RING_FLOOR32(1u), 1);
    CHECK_EQ(__RING_FLOOR32(0x10000u), 0x10000);
    CHECK_EQ(__RING_FLOOR32(0xffffu), 0x8000);
}

/* Fill the ring, drain it: full/empty, and every index relation. */
static void fill_and_drain(RING_IDX start)
{
    t_front_ring_t f;
    t_back_ring_t b;
    unsigned int n;

    attach(&f, &b, start);
    CHECK(!RING_FULL(&f));
    CHECK_EQ(RING_FREE_REQUESTS(&f), 256);
    CHECK_EQ(RING_HAS_UNCONSUMED_REQUESTS(&b), 0);
    for (n = 0; !RING_FULL(&f); n++) {
        struct t_req *r = RING_GET_REQUEST(&f, f.req_prod_pvt);
        r->id = n;
        r->val = n * 3;
        f.req_prod_pvt++;
    }
    CHECK_EQ(n, 256);
    RING_PUSH_REQUESTS(&f);
    CHECK_EQ(RING_HAS_UNCONSUMED_REQUESTS(&b), 256);
    for (n = 0; RING_HAS_UNCONSUMED_REQUESTS(&b); n++) {
        struct t_req q;
        CHECK(!RING_REQUEST_CONS_OVERFLOW(&b, b.req_cons));
        RING_COPY_REQUEST(&b, b.req_cons, &q);
        b.req_cons++;
        CHECK_EQ(q.id, n);
        struct t_rsp *p = RING_GET_RESPONSE(&b, b.rsp_prod_pvt);
        p->id = q.id;
        p->val = q.val + 1;
        b.rsp_prod_pvt++;
    }
    CHECK_EQ(n, 256);
    RING_PUSH_RESPONSES(&b);
    CHECK_EQ(RING_HAS_UNCONSUMED_RESPONSES(&f), 256);
    for (n = 0; RING_HAS_UNCONSUMED_RESPONSES(&f); n++) {
        struct t_rsp p;
        RING_COPY_RESPONSE(&f, f.rsp_cons, &p);
        f.rsp_cons++;
        CHECK_EQ(p.val, n * 3 + 1);
    }
    CHECK_EQ(RING_FREE_REQUESTS(&f), 256);
    CHECK_EQ(f.req_prod_pvt, start + 256u);
}

HTEST(full_and_empty)
{
    fill_and_drain(0);
}

HTEST(wraps_at_2_to_the_32)
{
    fill_and_drain(0xffffff80u);     /* the indexes cross 2^32 mid-ring */
    fill_and_drain(0xffffffffu);
    fill_and_drain(0xffffff00u);     /* ends exactly at the wrap */
}

HTEST(hostile_frontend_cannot_overflow_backend)
{
    t_front_ring_t f;
    t_back_ring_t b;

    attach(&f, &b, 0xfffffff0u);
    f.sring->req_prod = 0xfffffff0u + 1000;          /* claims 1000 requests */
    CHECK_EQ(RING_HAS_UNCONSUMED_REQUESTS(&b), 256); /* capped at one ring */
    CHECK(RING_REQUEST_PROD_OVERFLOW(&b, f.sring->req_prod));
    CHECK(!RING_REQUEST_PROD_OVERFLOW(&b, 0xfffffff0u + 256));
    b.req_cons += 256;
    CHECK(RING_REQUEST_CONS_OVERFLOW(&b, b.req_cons)); /* no response slot left */
    CHECK_EQ(RING_HAS_UNCONSUMED_REQUESTS(&b), 0);
    f.sring->rsp_prod = f.rsp_cons + 257;
    CHECK(RING_RESPONSE_PROD_OVERFLOW(&f, f.sring->rsp_prod));
}

/* Push k requests with the backend's req_event at ev: did it notify? */
static int push_req(t_front_ring_t *f, unsigned int k, RING_IDX ev)
{
    int notify;

    f->sring->req_event = ev;
    f->req_prod_pvt += k;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(f, notify);
    return notify;
}

static int push_rsp(t_back_ring_t *b, unsigned int k, RING_IDX ev)
{
    int notify;

    b->sring->rsp_event = ev;
    b->rsp_prod_pvt += k;
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(b, notify);
    return notify;
}

HTEST(notify_only_when_the_event_index_is_crossed)
{
    static const RING_IDX starts[] = { 0, 0x7ffffffeu, 0xfffffffeu };

    for (unsigned int i = 0; i < 3; i++) {
        t_front_ring_t f;
        t_back_ring_t b;
        RING_IDX s = starts[i];

        attach(&f, &b, s);
        CHECK(push_req(&f, 1, s + 1));      /* event at the first new one */
        CHECK(!push_req(&f, 1, s + 1));     /* already told: no needless kick */
        CHECK(push_req(&f, 3, s + 4));      /* last of three new */
        CHECK(push_req(&f, 3, s + 6));      /* first of three new */
        CHECK(!push_req(&f, 2, s + 12));    /* beyond what was published */
        CHECK(push_req(&f, 2, s + 12));     /* now reached */
        CHECK(!push_req(&f, 0, s + 12));    /* nothing new: never */
        /* the same rules for responses, across the wrap */
        CHECK(push_rsp(&b, 1, s + 1));
        CHECK(!push_rsp(&b, 1, s + 1));
        CHECK(push_rsp(&b, 2, s + 4));
        CHECK(!push_rsp(&b, 1, s + 6));
    }
}

HTEST(final_check_rearms_and_sees_late_work)
{
    t_front_ring_t f;
    t_back_ring_t b;
    int work, notify;

    attach(&f, &b, 0xfffffffcu);
    /* Backend idle: final check arms req_event = req_cons + 1. */
    RING_FINAL_CHECK_FOR_REQUESTS(&b, work);
    CHECK(!work);
    CHECK_EQ(b.sring->req_event, 0xfffffffdu);
    /* The next request crosses it: notify. */
    f.req_prod_pvt++;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f, notify);
    CHECK(notify);
    /* With work pending the final check says so without re-arming. */
    b.sring->req_event = 0;
    RING_FINAL_CHECK_FOR_REQUESTS(&b, work);
    CHECK(work);
    CHECK_EQ(b.sring->req_event, 0);
    b.req_cons++;
    /* Frontend waiting for responses: arms rsp_event, then sees a response
     * published "between" its first look and the re-arm. */
    RING_FINAL_CHECK_FOR_RESPONSES(&f, work);
    CHECK(!work);
    CHECK_EQ(f.sring->rsp_event, f.rsp_cons + 1);
    b.rsp_prod_pvt++;
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&b, notify);
    CHECK(notify);
    RING_FINAL_CHECK_FOR_RESPONSES(&f, work);
    CHECK(work);
}
