/*
 * The test guests' blkif frontend (see blkfront.h).
 *
 * The handshake is Linux blkfront's (drivers/block/xen-blkfront.c, as the
 * protocol documents it): wait for the backend's InitWait, read its
 * features, publish ring-ref, event-channel, protocol and
 * feature-persistent, switch to Initialised, wait for the backend's
 * Connected, read sectors/info/sector-size, switch to Connected.  Closing
 * goes Closing -> (backend Closing or Closed) -> Closed.
 *
 * Waits are polls of the backend's state node every 10 ms (sleeping on
 * the ring's port meanwhile), bounded by f->timeout_ns: a backend that
 * never answers fails the test instead of hanging it.
 */
#include <test.h>
#include <events.h>
#include <grant.h>
#include <mm.h>
#include <string.h>
#include "blkfront.h"
#include "ring_client.h"

static uint8_t pages[BF_PAGES][4096] __attribute__((aligned(4096)));
static uint8_t ring_page[4096] __attribute__((aligned(4096)));
static uint8_t ind_pages[BF_INDIRECT_PAGES][4096] __attribute__((aligned(4096)));
#define ind_page ind_pages[0]
static char buf[128];
static uint32_t len;

static uint32_t mfn_of(const void *va)
{
    return p2m()[((uint32_t)(uintptr_t)va - VIRT_BASE) >> 12];
}

int bf_setup(void)
{
    if (!gnt_table && !gnt_init(1))
        return -1;
    for (unsigned int i = 0; i < BF_PAGES; i++)
        gnt_grant(BF_REF0 + i, 0, mfn_of(pages[i]), false);
    for (unsigned int k = 0; k < BF_INDIRECT_PAGES; k++)
        gnt_grant(BF_INDIRECT_REF + k, 0, mfn_of(ind_pages[k]), true);
    return 0;
}

bool bf_start(struct bfront *f, struct xsc *xs, uint32_t devid)
{
    char domid[16];

    if (bf_setup()) {
        test_error("no grant table");
        return false;
    }
    if (!xs_ring_start(xs, domid, sizeof(domid)))
        return false;
    if (bf_find(f, xs, devid)) {
        test_fail("no disk %u reached InitWait", devid);
        return false;
    }
    return true;
}

uint8_t *bf_page(unsigned int i) { return pages[i]; }
grant_ref_t bf_ref(unsigned int i) { return BF_REF0 + i; }
uint8_t *bf_indirect_page(void) { return ind_page; }

void bf_grant_ro(unsigned int i, bool ro)
{
    gnt_end(BF_REF0 + i);
    gnt_grant(BF_REF0 + i, 0, mfn_of(pages[i]), ro);
}

static int read_str(struct bfront *f, const char *path, char *out, uint32_t size)
{
    return xsc_read(f->xs, 0, path, out, size, &len);
}

static long read_num(struct bfront *f, const char *dir, const char *node)
{
    char p[160];

    snprintf(p, sizeof(p), "%s/%s", dir, node);
    long v = 0;

    if (read_str(f, p, buf, sizeof(buf)) || !buf[0])
        return -1;
    for (const char *s = buf; *s; s++) {
        if (*s < '0' || *s > '9')
            return -1;
        v = v * 10 + (*s - '0');
    }
    return v;
}

static uint64_t read_u64(struct bfront *f, const char *dir, const char *node)
{
    char p[160];
    uint64_t v = 0;

    snprintf(p, sizeof(p), "%s/%s", dir, node);
    if (read_str(f, p, buf, sizeof(buf)))
        return 0;
    for (const char *s = buf; *s >= '0' && *s <= '9'; s++)
        v = v * 10 + (uint64_t)(*s - '0');
    return v;
}

int bf_be_state(struct bfront *f)
{
    return (int)read_num(f, f->be, "state");
}

int bf_set_state(struct bfront *f, enum xenbus_state s)
{
    char p[80], v[8];

    snprintf(p, sizeof(p), "%s/state", f->fe);
    snprintf(v, sizeof(v), "%d", (int)s);
    return xsc_write_str(f->xs, 0, p, v);
}

static void nap(struct bfront *f)
{
    if (f->port)
        wait_port(f->port, now_ns() + 10 * NS_PER_MS);
    else
        wait_port(xs_port, now_ns() + 10 * NS_PER_MS);
}

int bf_wait_be(struct bfront *f, int want)
{
    uint64_t end = now_ns() + f->timeout_ns;
    int s;

    /* Closed also when the directory is gone (xl removed the device). */
    while ((s = bf_be_state(f)) != want && !(want == XenbusStateClosed && s < 0)) {
        if (now_ns() > end) {
            printf("blkfront: backend state %d, waited for %d\n", s, want);
            return -1;
        }
        nap(f);
    }
    return 0;
}

static void read_features(struct bfront *f)
{
    f->sectors = read_u64(f, f->be, "sectors");
    f->info = (unsigned int)read_num(f, f->be, "info");
    f->sector_size = (unsigned int)read_num(f, f->be, "sector-size");
    f->f_flush = read_num(f, f->be, "feature-flush-cache") == 1;
    f->f_barrier = read_num(f, f->be, "feature-barrier") == 1;
    f->f_discard = read_num(f, f->be, "feature-discard") == 1;
    f->f_persistent = read_num(f, f->be, "feature-persistent") == 1;
    long m = read_num(f, f->be, "feature-max-indirect-segments");
    f->max_indirect = m > 0 ? (unsigned int)m : 0;
}

int bf_find(struct bfront *f, struct xsc *xs, uint32_t devid)
{
    char p[80];

    memset(f, 0, sizeof(*f));
    f->xs = xs;
    f->devid = devid;
    f->timeout_ns = 5000 * NS_PER_MS;
    snprintf(f->fe, sizeof(f->fe), "device/vbd/%u", devid);
    snprintf(p, sizeof(p), "%s/backend", f->fe);
    /* The device may come later (xl block-attach): look for a minute. */
    for (uint64_t end = now_ns() + 60000 * NS_PER_MS; read_str(f, p, f->be, sizeof(f->be));) {
        if (now_ns() > end)
            return -1;
        wait_port(xs_port, now_ns() + 20 * NS_PER_MS);
    }
    f->be_id = (uint16_t)read_num(f, f->fe, "backend-id");
    if (bf_wait_be(f, XenbusStateInitWait))
        return -1;
    read_features(f);
    return 0;
}

static int put(struct bfront *f, const char *node, const char *v)
{
    char p[96];

    snprintf(p, sizeof(p), "%s/%s", f->fe, node);
    return xsc_write_str(f->xs, 0, p, v);
}

int bf_connect(struct bfront *f, bool persistent, const char *protocol)
{
    char v[16];
    long port;

    memset(ring_page, 0, sizeof(ring_page));
    SHARED_RING_INIT((blkif_sring_t *)ring_page);
    FRONT_RING_INIT(&f->ring, (blkif_sring_t *)ring_page, 4096);
    gnt_end(BF_RING_REF);
    gnt_grant(BF_RING_REF, f->be_id, mfn_of(ring_page), false);
    if ((port = evtchn_alloc_unbound(f->be_id)) < 0)
        return -1;
    f->port = (uint32_t)port;
    snprintf(v, sizeof(v), "%u", BF_RING_REF);
    if (put(f, "ring-ref", v))
        return -1;
    snprintf(v, sizeof(v), "%u", f->port);
    if (put(f, "event-channel", v))
        return -1;
    if (protocol && put(f, "protocol", protocol))
        return -1;
    if (put(f, "feature-persistent", persistent ? "1" : "0"))
        return -1;
    if (bf_set_state(f, XenbusStateInitialised) || bf_wait_be(f, XenbusStateConnected))
        return -1;
    read_features(f);
    return bf_set_state(f, XenbusStateConnected);
}

int bf_close(struct bfront *f)
{
    uint64_t end = now_ns() + f->timeout_ns;
    int s;

    if (bf_set_state(f, XenbusStateClosing))
        return -1;
    while ((s = bf_be_state(f)) != XenbusStateClosing && s != XenbusStateClosed) {
        if (now_ns() > end)
            return -1;
        nap(f);
    }
    if (bf_set_state(f, XenbusStateClosed) || bf_wait_be(f, XenbusStateClosed))
        return -1;
    if (f->port)
        evtchn_close(f->port);
    f->port = 0;
    return gnt_end(BF_RING_REF) ? 0 : -1;       /* the backend let the ring go */
}

int bf_reinit(struct bfront *f)
{
    if (bf_set_state(f, XenbusStateInitialising))
        return -1;
    return bf_wait_be(f, XenbusStateInitWait);
}

void bf_push_many(struct bfront *f, const blkif_request_t *req, unsigned int n)
{
    int notify;

    for (unsigned int i = 0; i < n; i++) {
        *RING_GET_REQUEST(&f->ring, f->ring.req_prod_pvt) = req[i];
        f->ring.req_prod_pvt++;
    }
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f->ring, notify);
    if (notify)
        evtchn_send(f->port);
}

void bf_push(struct bfront *f, const blkif_request_t *req)
{
    bf_push_many(f, req, 1);
}

bool bf_has_response(struct bfront *f)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    return f->ring.rsp_cons != f->ring.sring->rsp_prod;
}

int bf_response(struct bfront *f, blkif_response_t *rsp)
{
    uint64_t end = now_ns() + f->timeout_ns;
    int more;

    for (;;) {
        if (bf_has_response(f)) {
            *rsp = *RING_GET_RESPONSE(&f->ring, f->ring.rsp_cons);
            f->ring.rsp_cons++;
            RING_FINAL_CHECK_FOR_RESPONSES(&f->ring, more);
            (void)more;
            return 0;
        }
        f->ring.sring->rsp_event = f->ring.rsp_cons + 1;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        if (bf_has_response(f))
            continue;
        if (now_ns() > end)
            return -1;
        wait_port(f->port, end);
    }
}

static uint64_t next_id = 1000;

static int answer(struct bfront *f, uint64_t id)
{
    blkif_response_t rsp;

    if (bf_response(f, &rsp)) {
        printf("blkfront: no response to request %llu\n", (unsigned long long)id);
        return -100;
    }
    if (rsp.id != id) {
        printf("blkfront: response for %llu, expected %llu\n", (unsigned long long)rsp.id,
               (unsigned long long)id);
        return -100;
    }
    return rsp.status;
}

int bf_io(struct bfront *f, uint8_t op, uint64_t sector, unsigned int first, unsigned int n)
{
    blkif_request_t r;

    memset(&r, 0, sizeof(r));
    r.operation = op;
    r.nr_segments = (uint8_t)n;
    r.handle = (blkif_vdev_t)f->devid;
    r.id = next_id++;
    r.sector_number = sector;
    for (unsigned int i = 0; i < n && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
        r.seg[i].gref = bf_ref(first + i);
        r.seg[i].first_sect = 0;
        r.seg[i].last_sect = 7;
    }
    bf_push(f, &r);
    return answer(f, r.id);
}

int bf_io_indirect(struct bfront *f, uint8_t op, uint64_t sector, unsigned int first,
                   unsigned int n)
{
    blkif_request_t r;
    struct blkif_request_indirect *in = (void *)&r;
    struct blkif_request_segment *s = (void *)ind_page;

    memset(&r, 0, sizeof(r));
    for (unsigned int i = 0; i < n && i < 512; i++) {
        s[i].gref = bf_ref(first + (i % BF_PAGES));
        s[i].first_sect = 0;
        s[i].last_sect = 7;
    }
    in->operation = BLKIF_OP_INDIRECT;
    in->indirect_op = op;
    in->nr_segments = (uint16_t)n;
    in->id = next_id++;
    in->sector_number = sector;
    in->handle = (blkif_vdev_t)f->devid;
    in->indirect_grefs[0] = BF_INDIRECT_REF;
    bf_push(f, &r);
    return answer(f, in->id);
}

void bf_make_indirect(struct bfront *f, blkif_request_t *r, uint8_t op, uint64_t sector,
                      unsigned int first, unsigned int n, unsigned int k, uint64_t id)
{
    struct blkif_request_indirect *in = (void *)r;
    struct blkif_request_segment *s = (void *)ind_pages[k];

    memset(r, 0, sizeof(*r));
    for (unsigned int i = 0; i < n && i < 512; i++) {
        s[i].gref = bf_ref((first + i) % BF_PAGES);
        s[i].first_sect = 0;
        s[i].last_sect = 7;
    }
    in->operation = BLKIF_OP_INDIRECT;
    in->indirect_op = op;
    in->nr_segments = (uint16_t)n;
    in->id = id;
    in->sector_number = sector;
    in->handle = (blkif_vdev_t)f->devid;
    in->indirect_grefs[0] = BF_INDIRECT_REF + k;
}

int bf_discard(struct bfront *f, uint64_t sector, uint64_t count)
{
    blkif_request_t r;
    struct blkif_request_discard *d = (void *)&r;

    memset(&r, 0, sizeof(r));
    d->operation = BLKIF_OP_DISCARD;
    d->handle = (blkif_vdev_t)f->devid;
    d->id = next_id++;
    d->sector_number = sector;
    d->nr_sectors = count;
    bf_push(f, &r);
    return answer(f, d->id);
}

void bf_pattern(uint64_t sector, uint32_t seed, uint8_t *out)
{
    uint32_t x = (uint32_t)sector * 2654435761u ^ (uint32_t)(sector >> 32) ^
                 seed * 40503u ^ 0x6d696361u;

    memcpy(out, &sector, 8);
    memcpy(out + 8, &seed, 4);
    for (unsigned int i = 12; i + 4 <= 512; i += 4) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        memcpy(out + i, &x, 4);
    }
}

void bf_fill(unsigned int first, unsigned int n, uint64_t sector, uint32_t seed)
{
    for (unsigned int p = 0; p < n; p++)
        for (unsigned int s = 0; s < 8; s++)
            bf_pattern(sector + p * 8 + s, seed, pages[first + p] + s * 512);
}

uint64_t bf_check(unsigned int first, unsigned int n, uint64_t sector, uint32_t seed)
{
    uint8_t want[512];

    for (unsigned int p = 0; p < n; p++) {
        for (unsigned int s = 0; s < 8; s++) {
            bf_pattern(sector + p * 8 + s, seed, want);
            if (memcmp(want, pages[first + p] + s * 512, 512))
                return sector + p * 8 + s;
        }
    }
    return UINT64_MAX;
}
