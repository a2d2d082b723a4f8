/*
 * test-dom0-virtq: Dom0's split virtqueues (dom0-tools/drivers/virtq.c)
 * against a simulated device that plays by the rules, and against one that
 * does not.
 *
 * The simulated device reads the available ring, walks each chain through
 * the descriptor table (checking that device-readable pieces come before
 * device-writable ones and that a chain never exceeds the table), and
 * completes buffers in the order a test asks, writing the used ring.  A
 * hostile device writes ids out of range, ids of buffers that are not in
 * flight (a descriptor in the middle of a chain, a buffer completed twice),
 * a used index far ahead of what it could hold, and scribbles over the
 * descriptor table's next fields: the driver must ignore what is wrong,
 * count it, and never free a descriptor twice or return a buffer that was
 * not outstanding.
 */
#include "htest.h"
#include <stdint.h>
#include <errno.h>
#include "../../dom0-tools/drivers/virtq.h"

struct sim {
    struct virtq q;
    void *mem;
    uint16_t seen_avail;        /* device's position in the avail ring */
    uint16_t used_idx;
    uint16_t heads[65536];      /* heads taken from the avail ring, FIFO */
    unsigned int nheads, first;
};

static volatile uint16_t *used_hdr(struct sim *s) { return s->q.used_hdr; }

static void sim_init(struct sim *s, uint16_t size)
{
    memset(s, 0, sizeof(*s));
    s->mem = aligned_alloc(4096, (virtq_legacy_bytes(size) + 4095) & ~(size_t)4095);
    memset(s->mem, 0, virtq_legacy_bytes(size));
    CHECK_EQ(virtq_init(&s->q, size, s->mem), 0);
}

static void sim_free(struct sim *s)
{
    virtq_destroy(&s->q);
    free(s->mem);
}

/* The device takes new buffers, checks each chain, returns its length. */
static void sim_fetch(struct sim *s)
{
    while (s->seen_avail != s->q.avail[1]) {
        uint16_t head = s->q.avail[2 + (s->seen_avail & (s->q.size - 1))];
        uint16_t d = head;
        unsigned int n = 0;
        bool writes = false;
        CHECK(head < s->q.size);
        for (;;) {
            CHECK(n++ < s->q.size);
            uint16_t fl = s->q.desc[d].flags;
            if (fl & VRING_DESC_F_WRITE)
                writes = true;
            else
                CHECK(!writes);         /* readable pieces first */
            if (!(fl & VRING_DESC_F_NEXT))
                break;
            d = s->q.desc[d].next;
            CHECK(d < s->q.size);
            if (n > s->q.size)
                break;
        }
        s->heads[(s->first + s->nheads++) & 0xffff] = head;
        s->seen_avail++;
    }
}

static void sim_complete(struct sim *s, uint32_t id, uint32_t len)
{
    s->q.used_ring[s->used_idx & (s->q.size - 1)].id = id;
    s->q.used_ring[s->used_idx & (s->q.size - 1)].len = len;
    s->used_idx++;
    used_hdr(s)[1] = s->used_idx;
}

/* Complete the k-th oldest outstanding head. */
static void sim_complete_nth(struct sim *s, unsigned int k, uint32_t len)
{
    unsigned int i = (s->first + k) & 0xffff;
    uint16_t head = s->heads[i];

    for (unsigned int j = k; j + 1 < s->nheads; j++)
        s->heads[(s->first + j) & 0xffff] = s->heads[(s->first + j + 1) & 0xffff];
    s->nheads--;
    sim_complete(s, head, len);
}

static int add(struct sim *s, unsigned int n, void *cookie)
{
    struct virtq_buf b[8];

    for (unsigned int i = 0; i < n; i++) {
        b[i].maddr = 0x1000 * (i + 1);
        b[i].len = 512;
        b[i].device_writes = i + 1 == n;
    }
    return virtq_add(&s->q, b, n, cookie);
}

static struct sim S;

HTEST(legacy_layout_sizes)
{
    CHECK_EQ(virtq_legacy_bytes(256), 8192 + 6 + 8 * 256);
    CHECK_EQ(virtq_legacy_bytes(128), 4096 + 6 + 8 * 128);
    CHECK_EQ(virtq_legacy_bytes(1024), 16384 + 4096 + 6 + 8 * 1024);
    struct virtq q;
    char mem[64];
    CHECK_EQ(virtq_init(&q, 0, mem), -EINVAL);
    CHECK_EQ(virtq_init(&q, 3, mem), -EINVAL);
    sim_init(&S, 256);
    CHECK_EQ((uint8_t *)S.q.used_hdr - (uint8_t *)S.mem, 8192);
    CHECK_EQ((uint8_t *)S.q.avail - (uint8_t *)S.mem, 4096);
    sim_free(&S);
}

HTEST(buffers_come_back_in_any_order)
{
    int c[4];

    sim_init(&S, 8);
    CHECK_EQ(add(&S, 3, &c[0]), 0);
    CHECK_EQ(add(&S, 2, &c[1]), 0);
    CHECK_EQ(add(&S, 3, &c[2]), 0);
    CHECK_EQ(virtq_free(&S.q), 0);
    CHECK_EQ(add(&S, 1, &c[3]), -ENOSPC);
    CHECK_EQ(add(&S, 0, &c[3]), -EINVAL);
    CHECK(virtq_get(&S.q, NULL) == NULL);
    sim_fetch(&S);
    CHECK_EQ(S.nheads, 3);
    sim_complete_nth(&S, 1, 77);
    uint32_t len = 0;
    CHECK(virtq_get(&S.q, &len) == &c[1]);
    CHECK_EQ(len, 77);
    CHECK_EQ(virtq_free(&S.q), 2);
    CHECK_EQ(add(&S, 2, &c[3]), 0);
    sim_fetch(&S);
    sim_complete_nth(&S, 2, 1);
    sim_complete_nth(&S, 0, 2);
    sim_complete_nth(&S, 0, 3);
    CHECK(virtq_get(&S.q, NULL) == &c[3]);
    CHECK(virtq_get(&S.q, NULL) == &c[0]);
    CHECK(virtq_get(&S.q, NULL) == &c[2]);
    CHECK(virtq_get(&S.q, NULL) == NULL);
    CHECK_EQ(virtq_free(&S.q), 8);
    CHECK_EQ(S.q.device_errors, 0);
    sim_free(&S);
}

HTEST(many_random_operations_wrap_the_indexes)
{
    static int cookies[64];
    bool out[64] = { false };
    unsigned int nout = 0;

    srand(99);
    sim_init(&S, 64);
    for (int step = 0; step < 300000; step++) {
        int r = rand() % 3;
        if (r == 0 && nout < 64) {
            unsigned int k;
            for (k = 0; out[k]; k++)
                ;
            unsigned int n = 1 + (unsigned int)rand() % 4;
            int rc = add(&S, n, &cookies[k]);
            if (rc == 0) {
                out[k] = true;
                nout++;
            } else {
                CHECK_EQ(rc, -ENOSPC);
                CHECK(virtq_free(&S.q) < n);
            }
        } else if (r == 1) {
            sim_fetch(&S);
            if (S.nheads)
                sim_complete_nth(&S, (unsigned int)rand() % S.nheads, 0);
        } else {
            int *c = virtq_get(&S.q, NULL);
            if (c) {
                CHECK(out[c - cookies]);
                out[c - cookies] = false;
                nout--;
            }
        }
    }
    CHECK(S.q.avail_idx != 0 || S.q.last_used != 0);
    CHECK_EQ(S.q.device_errors, 0);
    sim_free(&S);
}

HTEST(hostile_device_is_ignored_and_counted)
{
    int c[3];

    sim_init(&S, 16);
    CHECK_EQ(add(&S, 3, &c[0]), 0);
    CHECK_EQ(add(&S, 2, &c[1]), 0);
    sim_fetch(&S);
    uint16_t h0 = S.heads[0], h1 = S.heads[1];
    sim_complete(&S, 16, 0);            /* out of range */
    sim_complete(&S, 0xffffffffu, 0);
    sim_complete(&S, (uint32_t)h0 + 1, 0);  /* the middle of a chain */
    sim_complete(&S, 9, 0);             /* a free descriptor */
    CHECK(virtq_get(&S.q, NULL) == NULL);
    CHECK_EQ(S.q.device_errors, 4);
    CHECK_EQ(virtq_free(&S.q), 11);
    /* It scribbles over our descriptors' next fields: the free list is ours. */
    for (unsigned int i = 0; i < 16; i++)
        S.q.desc[i].next = 0xdead;
    sim_complete(&S, h1, 0);
    sim_complete(&S, h1, 0);            /* twice */
    CHECK(virtq_get(&S.q, NULL) == &c[1]);
    CHECK(virtq_get(&S.q, NULL) == NULL);
    CHECK_EQ(S.q.device_errors, 5);
    CHECK_EQ(virtq_free(&S.q), 13);
    /* A used index far ahead: ignored until it makes sense again. */
    uint16_t saved = S.used_idx;
    used_hdr(&S)[1] = (uint16_t)(saved + 1000);
    CHECK(virtq_get(&S.q, NULL) == NULL);
    CHECK_EQ(S.q.device_errors, 6);
    used_hdr(&S)[1] = saved;
    S.used_idx = saved;
    sim_complete(&S, h0, 5);
    uint32_t len;
    CHECK(virtq_get(&S.q, &len) == &c[0]);
    CHECK_EQ(len, 5);
    CHECK_EQ(virtq_free(&S.q), 16);
    /* Everything still works: fill the queue completely, drain it. */
    S.nheads = 0;                       /* h0 and h1 were completed by hand */
    for (int i = 0; i < 16; i++)
        CHECK_EQ(add(&S, 1, &c[2]), 0);
    CHECK_EQ(add(&S, 1, &c[2]), -ENOSPC);
    sim_fetch(&S);
    while (S.nheads)
        sim_complete_nth(&S, 0, 0);
    for (int i = 0; i < 16; i++)
        CHECK(virtq_get(&S.q, NULL) == &c[2]);
    CHECK_EQ(virtq_free(&S.q), 16);
    sim_free(&S);
}

HTEST(notify_suppression_is_honoured)
{
    int c;

    sim_init(&S, 8);
    CHECK_EQ(add(&S, 1, &c), 0);
    CHECK(virtq_should_notify(&S.q));
    used_hdr(&S)[0] = VRING_USED_F_NO_NOTIFY;
    CHECK(!virtq_should_notify(&S.q));
    sim_free(&S);
}

static unsigned int reset_seen;
static void count_reset(void *cookie, void *arg)
{
    (void)cookie;
    CHECK(arg == &reset_seen);
    reset_seen++;
}

HTEST(reset_hands_back_every_outstanding_buffer)
{
    int c[3];

    sim_init(&S, 8);
    CHECK_EQ(add(&S, 2, &c[0]), 0);
    CHECK_EQ(add(&S, 2, &c[1]), 0);
    CHECK_EQ(add(&S, 2, &c[2]), 0);
    sim_fetch(&S);
    sim_complete_nth(&S, 0, 0);
    CHECK(virtq_get(&S.q, NULL) == &c[0]);
    virtq_reset(&S.q, count_reset, &reset_seen);
    CHECK_EQ(reset_seen, 2);
    CHECK_EQ(virtq_free(&S.q), 8);
    CHECK_EQ(S.q.avail[1], 0);
    CHECK(virtq_get(&S.q, NULL) == NULL);
    sim_free(&S);
}
