/*
 * test-blkback-ring: blkback's ring (dom0-tools/tools/blkback/blkif.c) and
 * its virtual disk on a ramfs file (vbd.c), on the fake OS interface, with
 * the test playing the frontend: its ring page and data pages are "granted"
 * to Dom0 (fake_grant), requests go into the ring and the work item runs.
 *
 * Both data paths, grant map (with and without persistent grants) and
 * grant copy, must give the same answers: reads return the file's bytes,
 * writes land and read back; an indirect request of 32 segments works.
 * Every malformed request is answered BLKIF_RSP_ERROR (or EOPNOTSUPP)
 * without touching the disk and the ring goes on: a bad grant reference,
 * a read into a read-only grant (a write from it is fine), 0 or 12
 * segments, first_sect > last_sect, last_sect > 7, sectors beyond the
 * disk (also near 2^64), a write to a read-only disk, 33 indirect
 * segments, an indirect page that is not granted, an unknown operation.
 * A producer index more than a ring ahead breaks the ring: nothing is
 * taken.  What stays mapped: with persistent grants the pages (and the
 * indirect page) are mapped once and reused; without, nothing beyond the
 * ring between requests; with grant copy never anything but the ring, and
 * one os_gnt_copy call per request.  A disconnect releases every mapping.
 */
#include "htest.h"
#include <stdint.h>
#include <string.h>
#include <errno.h>
#include "../../dom0-tools/os/fake/fake_os.h"
#include "../../dom0-tools/tools/blkback/blkback.h"
#include "../../dom0-tools/tools/backend/xenbus_be.h"

#define DOM     3
#define RING    8
#define IND     9               /* indirect page */
#define REF0    16              /* data pages */
#define RO_REF  100             /* granted read-only (fake_grant_lookup) */
#define NPAGES  40
#define SECTORS 1024            /* the disk: 512 KiB */

/* blkback.c is not linked (it is the xenbus driver): its globals here. */
enum blkback_data blkback_data_mode = BLKBACK_MAP;

/* blkif.c reports a broken ring through the framework; bi->dev is NULL
 * in these tests, so this must never run. */
static int fatals;
void xb_dev_fatal(struct xb_dev *dev, int err, const char *fmt, ...)
{
    (void)dev, (void)err, (void)fmt;
    fatals++;
}

/* vbd.c's Dom0 disks: none here (targets are ramfs files). */
struct os_blk *os_blk_find(const char *name) { (void)name; return NULL; }
void os_blk_info(struct os_blk *b, struct os_blk_info *info) { (void)b; memset(info, 0, sizeof(*info)); }
int os_blk_submit(struct os_blk *b, struct os_blk_req *req) { (void)b, (void)req; return -ENODEV; }
uint64_t os_blk_dma_addr(const void *va) { (void)va; return 0; }

static _Alignas(4096) uint8_t ring_page[4096], ind_page[4096], ro_page[4096];
static _Alignas(4096) uint8_t pages[NPAGES][4096];
static uint8_t image[SECTORS * 512];
static blkif_front_ring_t fr;
static struct blkif *bi;
static int port;

static void *ro_lookup(uint16_t dom, uint32_t ref, bool writable)
{
    return dom == DOM && ref == RO_REF && !writable ? ro_page : NULL;
}

static uint8_t pattern(uint64_t byte)
{
    return (uint8_t)(byte * 7 + (byte >> 9) * 13 + 1);
}

/* A fresh world and a connected ring on a file disk. */
static void setup(enum blkback_data mode, bool persistent, bool ro)
{
    char err[160];

    fake_os_reset();
    fatals = 0;
    for (size_t i = 0; i < sizeof(image); i++)
        image[i] = pattern(i);
    fake_file_add("/images/t.img", (const char *)image, sizeof(image));
    fake_grant(DOM, RING, ring_page);
    fake_grant(DOM, IND, ind_page);
    for (unsigned int i = 0; i < NPAGES; i++)
        fake_grant(DOM, REF0 + i, pages[i]);
    fake_grant_lookup = ro_lookup;
    memset(ring_page, 0, sizeof(ring_page));
    SHARED_RING_INIT((blkif_sring_t *)ring_page);
    FRONT_RING_INIT(&fr, (blkif_sring_t *)ring_page, 4096);
    blkback_data_mode = mode;
    bi = blkif_new(DOM, 51712);
    CHECK(bi != NULL);
    CHECK_EQ(vbd_open(&bi->vbd, "/images/t.img", ro, err, sizeof(err)), 0);
    bi->persistent = persistent;
    CHECK_EQ(blkif_connect(bi, RING, 5), 0);
    port = fake_port_of_remote(DOM, 5);
    CHECK(port >= 0);
    fake_run_pending();
}

static void teardown(void)
{
    blkif_disconnect(bi);
    CHECK_EQ(bi->inflight, 0u);
    CHECK_EQ(bi->mapped, 0u);
    CHECK_EQ(fake_maps_open(), 0u);
    CHECK(!fake_port_bound(port));
    bi->removed = true;
    CHECK(blkif_maybe_free(bi));
    fake_grant_lookup = NULL;
    blkback_data_mode = BLKBACK_MAP;
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
        r.seg[i].gref = REF0 + i;
        r.seg[i].last_sect = 7;
    }
    return r;
}

static blkif_request_t indirect(uint8_t op, uint64_t sector, unsigned int n, uint64_t id)
{
    blkif_request_t r;
    struct blkif_request_indirect *in = (void *)&r;
    struct blkif_request_segment *s = (void *)ind_page;

    memset(&r, 0, sizeof(r));
    for (unsigned int i = 0; i < n && i < 512; i++)
        s[i] = (struct blkif_request_segment){ .gref = REF0 + i % NPAGES, .last_sect = 7 };
    in->operation = BLKIF_OP_INDIRECT;
    in->indirect_op = op;
    in->nr_segments = (uint16_t)n;
    in->id = id;
    in->sector_number = sector;
    in->indirect_grefs[0] = IND;
    return r;
}

/* Push one request, run blkback, take its one response: the status. */
static int one(const blkif_request_t *q)
{
    int notify;
    RING_IDX before = fr.rsp_cons;

    *RING_GET_REQUEST(&fr, fr.req_prod_pvt) = *q;
    fr.req_prod_pvt++;
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&fr, notify);
    if (notify)
        fake_raise(port);
    else
        blkif_kick(bi);
    fake_run_pending();
    if (fr.sring->rsp_prod != before + 1)
        return 1000 + (int)(fr.sring->rsp_prod - before);     /* none or several */
    blkif_response_t *rsp = RING_GET_RESPONSE(&fr, fr.rsp_cons);
    fr.rsp_cons++;
    CHECK_EQ(rsp->id, q->id);
    return rsp->status;
}

static bool pages_hold(unsigned int first, unsigned int n, uint64_t sector)
{
    for (unsigned int p = 0; p < n; p++)
        for (unsigned int b = 0; b < 4096; b++)
            if (pages[first + p][b] != pattern((sector + p * 8) * 512 + b))
                return false;
    return true;
}

static void reads_and_writes(void)
{
    memset(pages, 0, sizeof(pages));
    blkif_request_t r = rw(BLKIF_OP_READ, 16, 11, 1);
    CHECK_EQ(one(&r), BLKIF_RSP_OKAY);
    CHECK(pages_hold(0, 11, 16));
    /* A partial segment: sectors 2-5 of the page. */
    memset(pages, 0, sizeof(pages));
    r = rw(BLKIF_OP_READ, 40, 1, 2);
    r.seg[0].first_sect = 2;
    r.seg[0].last_sect = 5;
    CHECK_EQ(one(&r), BLKIF_RSP_OKAY);
    CHECK(pages[0][1023] == 0 && pages[0][2048 + 1024] == 0);
    CHECK(pages[0][1024] == pattern(40 * 512) && pages[0][3071] == pattern(40 * 512 + 2047));
    /* Write 4 pages of 0xa5 at sector 200, read them back elsewhere. */
    memset(pages, 0xa5, 4 * 4096);
    r = rw(BLKIF_OP_WRITE, 200, 4, 3);
    CHECK_EQ(one(&r), BLKIF_RSP_OKAY);
    memset(pages, 0, sizeof(pages));
    r = rw(BLKIF_OP_READ, 200, 4, 4);
    for (unsigned int i = 0; i < 4; i++)
        r.seg[i].gref = REF0 + 10 + i;
    CHECK_EQ(one(&r), BLKIF_RSP_OKAY);
    unsigned int same = 0;
    for (unsigned int i = 0; i < 4 * 4096; i++)
        same += pages[10 + i / 4096][i % 4096] == 0xa5;
    CHECK_EQ(same, 4u * 4096);                  /* the written data read back */
    /* Indirect: 32 segments read. */
    memset(pages, 0, sizeof(pages));
    r = indirect(BLKIF_OP_READ, 512, 32, 5);
    CHECK_EQ(one(&r), BLKIF_RSP_OKAY);
    CHECK(pages_hold(0, 32, 512));
    /* A flush, with and without data. */
    r = rw(BLKIF_OP_FLUSH_DISKCACHE, 0, 0, 6);
    CHECK_EQ(one(&r), BLKIF_RSP_OKAY);
    r = rw(BLKIF_OP_WRITE_BARRIER, 300, 2, 7);
    CHECK_EQ(one(&r), BLKIF_RSP_OKAY);
    CHECK_EQ(bi->inflight, 0u);
}

static void hostile(void)
{
    blkif_request_t r;
    uint64_t bad0 = bi->st.bad;

    r = rw(BLKIF_OP_READ, 0, 1, 10);
    r.seg[0].gref = 999;                        /* never granted */
    CHECK_EQ(one(&r), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_READ, 0, 1, 11);
    r.seg[0].gref = RO_REF;                     /* a read into a read-only grant */
    CHECK_EQ(one(&r), BLKIF_RSP_ERROR);
    r.operation = BLKIF_OP_WRITE;               /* a write from it is fine */
    CHECK_EQ(one(&r), BLKIF_RSP_OKAY);
    r = rw(BLKIF_OP_READ, 0, 11, 12);
    r.nr_segments = 12;
    CHECK_EQ(one(&r), BLKIF_RSP_ERROR);
    r.nr_segments = 255;
    CHECK_EQ(one(&r), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_WRITE, 0, 0, 13);
    CHECK_EQ(one(&r), BLKIF_RSP_ERROR);         /* no segments */
    r = rw(BLKIF_OP_READ, 0, 2, 14);
    r.seg[1].first_sect = 5;
    r.seg[1].last_sect = 4;
    CHECK_EQ(one(&r), BLKIF_RSP_ERROR);
    r.seg[1].first_sect = 0;
    r.seg[1].last_sect = 8;                     /* outside the page */
    CHECK_EQ(one(&r), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_READ, SECTORS - 8, 2, 15);  /* 8 sectors past the end */
    CHECK_EQ(one(&r), BLKIF_RSP_ERROR);
    r.sector_number = UINT64_MAX - 7;           /* would wrap */
    CHECK_EQ(one(&r), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_READ, SECTORS - 8, 1, 16);  /* the last page: fine */
    CHECK_EQ(one(&r), BLKIF_RSP_OKAY);
    r = indirect(BLKIF_OP_READ, 0, 33, 17);
    CHECK_EQ(one(&r), BLKIF_RSP_ERROR);
    r = indirect(BLKIF_OP_WRITE, 0, 0, 18);
    CHECK_EQ(one(&r), BLKIF_RSP_ERROR);
    r = indirect(BLKIF_OP_DISCARD, 0, 4, 19);   /* not READ or WRITE */
    CHECK_EQ(one(&r), BLKIF_RSP_ERROR);
    r = indirect(BLKIF_OP_READ, 0, 4, 20);
    ((struct blkif_request_indirect *)&r)->indirect_grefs[0] = 998;
    CHECK_EQ(one(&r), BLKIF_RSP_ERROR);
    r = rw(77, 0, 1, 21);
    CHECK_EQ(one(&r), BLKIF_RSP_EOPNOTSUPP);
    CHECK_EQ(bi->st.bad - bad0, 11u);               /* refused before anything is mapped */
    CHECK_EQ(bi->inflight, 0u);
    /* The ring still works. */
    r = rw(BLKIF_OP_READ, 8, 1, 22);
    CHECK_EQ(one(&r), BLKIF_RSP_OKAY);
    CHECK(pages_hold(0, 1, 8));
}

HTEST(map_persistent_reads_writes_and_keeps_its_mappings)
{
    setup(BLKBACK_MAP, true, false);
    reads_and_writes();
    /* The ring, 40 data pages at most and the indirect page: kept. */
    unsigned int kept = fake_maps_open();
    CHECK(kept >= 2 && kept <= NPAGES + 2);
    CHECK_EQ(kept, bi->mapped);
    blkif_request_t r = indirect(BLKIF_OP_READ, 512, 32, 30);
    CHECK_EQ(one(&r), BLKIF_RSP_OKAY);
    CHECK_EQ(fake_maps_open(), kept);           /* nothing new: all reused */
    CHECK_EQ(fake_os.grant_copies, 0u);
    teardown();
}

HTEST(map_per_request_holds_nothing_between_requests)
{
    setup(BLKBACK_MAP, false, false);
    reads_and_writes();
    CHECK_EQ(fake_maps_open(), 1u);             /* the ring */
    hostile();
    CHECK_EQ(fake_maps_open(), 1u);
    teardown();
}

HTEST(copy_maps_nothing_but_the_ring)
{
    setup(BLKBACK_COPY, true, false);
    uint64_t c0 = bi->st.copy_calls;
    reads_and_writes();
    CHECK_EQ(fake_maps_open(), 1u);
    CHECK(bi->st.copies > 0);
    /* One copy call per data request (and one per indirect page). */
    blkif_request_t r = indirect(BLKIF_OP_READ, 512, 32, 40);
    c0 = bi->st.copy_calls;
    uint64_t s0 = bi->st.copies;
    CHECK_EQ(one(&r), BLKIF_RSP_OKAY);
    CHECK_EQ(bi->st.copy_calls - c0, 2u);
    CHECK_EQ(bi->st.copies - s0, 32u);
    CHECK(pages_hold(0, 32, 512));
    hostile();
    CHECK_EQ(fake_maps_open(), 1u);
    CHECK_EQ(bi->bounce_out, 0u);               /* every bounce page back */
    teardown();
}

HTEST(persistent_hostile_requests_fail_alone)
{
    setup(BLKBACK_MAP, true, false);
    hostile();
    teardown();
}

HTEST(read_only_disk_refuses_writes)
{
    setup(BLKBACK_MAP, false, true);
    blkif_request_t r = rw(BLKIF_OP_WRITE, 0, 1, 50);
    CHECK_EQ(one(&r), BLKIF_RSP_ERROR);
    r = indirect(BLKIF_OP_WRITE, 0, 4, 51);
    CHECK_EQ(one(&r), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_READ, 0, 1, 52);
    CHECK_EQ(one(&r), BLKIF_RSP_OKAY);
    teardown();
}

HTEST(producer_far_ahead_breaks_the_ring)
{
    setup(BLKBACK_COPY, false, false);
    blkif_request_t r = rw(BLKIF_OP_READ, 0, 1, 60);
    CHECK_EQ(one(&r), BLKIF_RSP_OKAY);
    ((blkif_sring_t *)ring_page)->req_prod = fr.req_prod_pvt + 1000;
    fake_raise(port);
    fake_run_pending();
    CHECK(bi->broken);
    CHECK_EQ(bi->st.rings_broken, 1u);
    CHECK_EQ(fr.sring->rsp_prod, fr.rsp_cons);  /* nothing answered */
    CHECK_EQ(fatals, 0);                        /* no device: nobody to tell */
    teardown();
}

