/*
 * blk-front: a conforming blkif frontend against Dom0's blkback, created by
 * xl with a disk (tests/dom0/blk.session).  Command line:
 *
 *   mode=full     (default) every protocol feature and transition: the
 *                 backend's nodes (sectors, sector-size, info, features),
 *                 reads of the image's pattern, writes read back (11
 *                 segments, partial pages), flush, FUA write, barriers,
 *                 discard, indirect requests of 32 segments, an unknown
 *                 operation, 20 requests in flight at once; then Closing/
 *                 Closed, reconnection with persistent grants, the data
 *                 written before still there, 50 rounds on reused pages
 *   mode=write    write the pattern of `seed` over `count` sectors
 *   mode=verify   check the pattern of `seed` over `count` sectors (the
 *                 pattern names sector + `base`: a region of a Dom0 disk)
 *   mode=bench    make bench's PV figures (tools/blkback/blkbench.c in
 *                 Dom0 drives it through xenstore): data/bench-ready = 1,
 *                 then for each "write N" / "read N" Dom0 writes to
 *                 data/bench, N MiB of sequential 64 KiB requests (indirect,
 *                 16 segments), 4 in flight, and data/bench-done = the
 *                 command; "quit" powers off.  pers=0: no persistent
 *                 grants; depth=N: N requests in flight (4)
 *   mode=read     read the first sectors: an ext2 superblock (PV GRUB's
 *                 disk, handed over to us)
 *   mode=attach   wait for the disk to be attached (xl block-attach),
 *                 read it, then wait for xl block-detach: the backend's
 *                 Closing, answered by Closing and Closed
 *
 *   dev=N (51712, xvda)  sectors=N (checked if given)  seed=N  count=N
 *   base=N  ro=1 (the disk is read-only: writes must fail)  file=1 (a
 *   ramfs file: discarded sectors read as zeros)  imgseed=N (the image's
 *   own pattern, 7)
 */
#include <test.h>
#include <events.h>
#include <string.h>
#include "ring_client.h"
#include "blkfront.h"

static struct xsc c;
static struct bfront f;

static uint64_t arg(const char *key, uint64_t def)
{
    const char *v = cmdline_value((const char *)start_info->cmd_line, key);
    uint64_t n = 0;

    if (!v || *v < '0' || *v > '9')
        return def;
    for (; *v >= '0' && *v <= '9'; v++)
        n = n * 10 + (uint64_t)(*v - '0');
    return n;
}

static bool is_mode(const char *m)
{
    return cmdline_is((const char *)start_info->cmd_line, "mode", m, "full");
}

/* Pattern over [sector, sector + count) in requests of 11 pages. */
static bool run_pattern(bool write, uint64_t sector, uint64_t count, uint32_t seed,
                        uint64_t base)
{
    for (uint64_t s = sector; s < sector + count; s += 88) {
        unsigned int pages = (unsigned int)((sector + count - s + 7) / 8);
        if (pages > 11)
            pages = 11;
        if (write)
            bf_fill(0, pages, s + base, seed);
        int st = bf_io(&f, write ? BLKIF_OP_WRITE : BLKIF_OP_READ, s, 0, pages);
        if (st != BLKIF_RSP_OKAY) {
            test_fail("%s of sector %llu: status %d", write ? "write" : "read",
                      (unsigned long long)s, st);
            return false;
        }
        if (!write) {
            uint64_t bad = bf_check(0, pages, s + base, seed);
            if (bad != UINT64_MAX) {
                test_fail("sector %llu does not hold pattern %u", (unsigned long long)bad, seed);
                return false;
            }
        }
    }
    return true;
}

static void full(uint32_t imgseed, bool file)
{
    blkif_request_t r[20];
    blkif_response_t rsp;
    unsigned int seen = 0;

    REQUIRE(f.sector_size == 512 && f.f_flush && f.f_barrier && f.f_discard && f.f_persistent &&
          f.max_indirect == 32, "backend nodes: sector-size %u flush %d barrier %d discard %d "
          "persistent %d max-indirect %u", f.sector_size, f.f_flush, f.f_barrier, f.f_discard,
          f.f_persistent, f.max_indirect);
    REQUIRE(bf_connect(&f, false, XEN_IO_PROTO_ABI_X86_32) == 0, "connect");
    printf("blk-front: connected: %llu sectors, info %u\n", (unsigned long long)f.sectors,
           f.info);
    /* The image as it was made. */
    if (!run_pattern(false, 0, 176, imgseed, 0))
        return;
    printf("blk-front: read the image's pattern (11-segment requests)\n");
    if (!run_pattern(true, 264, 264, 21, 0) || !run_pattern(false, 264, 264, 21, 0))
        return;
    printf("blk-front: wrote and read back 264 sectors\n");
    /* Part of a page: sectors 2..5 of the page at 600. */
    bf_fill(0, 1, 600, 22);
    memset(&r[0], 0, sizeof(r[0]));
    r[0].operation = BLKIF_OP_WRITE;
    r[0].nr_segments = 1;
    r[0].id = 77;
    r[0].sector_number = 602;
    r[0].seg[0].gref = bf_ref(0);
    r[0].seg[0].first_sect = 2;
    r[0].seg[0].last_sect = 5;
    bf_push(&f, &r[0]);
    REQUIRE(bf_response(&f, &rsp) == 0 && rsp.id == 77 && rsp.status == 0, "partial write");
    REQUIRE(bf_io(&f, BLKIF_OP_READ, 600, 1, 1) == 0, "read back");
    for (unsigned int k = 0; k < 8; k++) {
        uint8_t want[512];
        bf_pattern(600 + k, k >= 2 && k <= 5 ? 22 : imgseed, want);
        REQUIRE(!memcmp(want, bf_page(1) + k * 512, 512), "sector %u after a partial write", 600 + k);
    }
    printf("blk-front: a write of sectors 2-5 of a page landed at 602-605 only\n");
    /* Flushes and barriers. */
    REQUIRE(bf_io(&f, BLKIF_OP_FLUSH_DISKCACHE, 0, 0, 0) == 0, "flush");
    bf_fill(2, 2, 640, 23);
    REQUIRE(bf_io(&f, BLKIF_OP_FLUSH_DISKCACHE, 640, 2, 2) == 0, "FUA write");
    bf_fill(4, 1, 656, 24);
    REQUIRE(bf_io(&f, BLKIF_OP_WRITE_BARRIER, 656, 4, 1) == 0, "barrier write");
    REQUIRE(bf_io(&f, BLKIF_OP_WRITE_BARRIER, 0, 0, 0) == 0, "empty barrier");
    REQUIRE(bf_io(&f, BLKIF_OP_READ, 640, 10, 3) == 0, "read back");
    REQUIRE(bf_check(10, 2, 640, 23) == UINT64_MAX && bf_check(12, 1, 656, 24) == UINT64_MAX,
          "the FUA and barrier writes are there");
    printf("blk-front: flush, FUA write, barrier write, empty barrier\n");
    /* Discard. */
    REQUIRE(bf_discard(&f, 704, 16) == 0, "discard");
    if (file) {
        REQUIRE(bf_io(&f, BLKIF_OP_READ, 704, 0, 2) == 0, "read discarded");
        for (unsigned int i = 0; i < 8192; i++)
            REQUIRE(bf_page(i / 4096)[i % 4096] == 0, "discarded byte %u is not zero", i);
    }
    REQUIRE(bf_discard(&f, f.sectors - 8, 16) == BLKIF_RSP_ERROR, "discard past the end");
    printf("blk-front: discard\n");
    /* Indirect: 32 segments, 128 KiB. */
    bf_fill(0, 32, 1024, 25);
    REQUIRE(bf_io_indirect(&f, BLKIF_OP_WRITE, 1024, 0, 32) == 0, "indirect write");
    memset(bf_page(0), 0, 32 * 4096);
    REQUIRE(bf_io_indirect(&f, BLKIF_OP_READ, 1024, 0, 32) == 0, "indirect read");
    REQUIRE(bf_check(0, 32, 1024, 25) == UINT64_MAX, "indirect data");
    printf("blk-front: indirect requests of 32 segments\n");
    REQUIRE(bf_io(&f, 77, 0, 0, 1) == BLKIF_RSP_EOPNOTSUPP, "unknown operation");
    /* 20 in flight at once. */
    for (unsigned int i = 0; i < 20; i++) {
        memset(&r[i], 0, sizeof(r[i]));
        r[i].operation = BLKIF_OP_READ;
        r[i].nr_segments = 1;
        r[i].id = 500 + i;
        r[i].sector_number = 264 + 8 * i;
        r[i].seg[0].gref = bf_ref(i);
        r[i].seg[0].last_sect = 7;
    }
    bf_push_many(&f, r, 20);
    for (unsigned int i = 0; i < 20; i++) {
        REQUIRE(bf_response(&f, &rsp) == 0 && rsp.status == 0 && rsp.id >= 500 && rsp.id < 520,
              "response %u", i);
        seen |= 1u << (rsp.id - 500);
    }
    REQUIRE(seen == 0xfffff && bf_check(0, 20, 264, 21) == UINT64_MAX, "20 requests in flight");
    printf("blk-front: 20 requests in flight\n");
    /* Close, reconnect with persistent grants. */
    REQUIRE(bf_close(&f) == 0, "close");
    printf("blk-front: closed; the ring's grant is free again\n");
    REQUIRE(bf_reinit(&f) == 0, "backend back to InitWait");
    REQUIRE(bf_connect(&f, true, NULL) == 0, "reconnect");
    printf("blk-front: reconnected with persistent grants\n");
    if (!run_pattern(false, 264, 264, 21, 0))
        return;
    for (unsigned int round = 0; round < 50; round++) {
        bf_fill(0, 4, 2048 - 32, 100 + round);
        REQUIRE(bf_io(&f, BLKIF_OP_WRITE, 2048 - 32, 0, 4) == 0, "round %u write", round);
        memset(bf_page(4), 0, 4 * 4096);
        REQUIRE(bf_io(&f, BLKIF_OP_READ, 2048 - 32, 4, 4) == 0, "round %u read", round);
        REQUIRE(bf_check(4, 4, 2048 - 32, 100 + round) == UINT64_MAX, "round %u data", round);
    }
    printf("blk-front: data from before the reconnection; 50 rounds on persistent pages\n");
    test_success();
}

/* Sequential 64 KiB requests over mib MiB, `depth` in flight (requests
 * beyond the fourth share the pages and the identical descriptors of an
 * earlier one: a benchmark moves data, it does not check it). */
static bool bench_run(bool write, uint64_t mib, unsigned int depth)
{
    uint64_t next = 0, end = mib * 2048, done = 0, id = 1;
    unsigned int inflight = 0;
    blkif_request_t r;
    blkif_response_t rsp;

    while (done < end) {
        while (inflight < depth && next < end) {
            /* request k uses pages 16k..16k+15 and indirect page k */
            unsigned int k = (unsigned int)(id % 4);
            bf_make_indirect(&f, &r, write ? BLKIF_OP_WRITE : BLKIF_OP_READ, next, k * 16, 16,
                             k, id++);
            bf_push(&f, &r);
            next += 128;
            inflight++;
        }
        if (bf_response(&f, &rsp) || rsp.status) {
            test_fail("bench: request %llu: %d", (unsigned long long)rsp.id, rsp.status);
            return false;
        }
        inflight--;
        done += 128;
    }
    return true;
}

static void bench(void)
{
    char cmd[32];
    uint32_t len;

    REQUIRE(bf_connect(&f, arg("pers", 1) != 0, NULL) == 0, "connect");
    REQUIRE(f.max_indirect >= 16, "no indirect requests of 16 segments");
    REQUIRE(xsc_watch(&c, "data/bench", "b") == 0, "watch");
    REQUIRE(xsc_write_str(&c, 0, "data/bench-ready", "1") == 0, "ready");
    for (;;) {
        int rc = xsc_event(&c, true, NULL, 0, NULL, 0);
        if (rc < 0 && rc != -XEN_ETIME) {
            test_fail("bench: waiting: %d", rc);
            return;
        }
        if (xsc_read(&c, 0, "data/bench", cmd, sizeof(cmd), &len) || !cmd[0])
            continue;
        if (!strcmp(cmd, "quit"))
            break;
        bool write = !strncmp(cmd, "write ", 6);
        if (!write && strncmp(cmd, "read ", 5)) {
            test_fail("bench: command '%s'", cmd);
            return;
        }
        uint64_t mib = 0;
        for (const char *p = cmd + (write ? 6 : 5); *p >= '0' && *p <= '9'; p++)
            mib = mib * 10 + (uint64_t)(*p - '0');
        xsc_write_str(&c, 0, "data/bench", "");
        if (!bench_run(write, mib, (unsigned int)arg("depth", 4)))
            return;
        REQUIRE(xsc_write_str(&c, 0, "data/bench-done", cmd) == 0, "done");
    }
    test_success();
}

void test_main(void)
{
    if (!bf_start(&f, &c, (uint32_t)arg("dev", 51712)))
        return;
    if (arg("sectors", 0))
        REQUIRE(f.sectors == arg("sectors", 0), "sectors %llu, expected %llu",
              (unsigned long long)f.sectors, (unsigned long long)arg("sectors", 0));
    if (arg("ro", 0)) {
        REQUIRE(f.info & VDISK_READONLY, "info %u lacks VDISK_READONLY", f.info);
        REQUIRE(bf_connect(&f, false, NULL) == 0, "connect");
        REQUIRE(bf_io(&f, BLKIF_OP_READ, 0, 0, 1) == 0, "read");
        REQUIRE(bf_io(&f, BLKIF_OP_WRITE, 0, 0, 1) == BLKIF_RSP_ERROR, "write refused");
        REQUIRE(bf_discard(&f, 0, 8) == BLKIF_RSP_ERROR, "discard refused");
        printf("blk-front: read-only disk: reads work, writes and discards refused\n");
        test_success();
        return;
    }
    if (is_mode("full")) {
        full((uint32_t)arg("imgseed", 7), arg("file", 0) != 0);
        return;
    }
    if (is_mode("bench")) {
        bench();
        return;
    }
    if (is_mode("read")) {
        REQUIRE(bf_connect(&f, true, NULL) == 0, "connect");
        REQUIRE(bf_io(&f, BLKIF_OP_READ, 0, 0, 1) == 0, "read");
        uint16_t magic = (uint16_t)(bf_page(0)[1080] | bf_page(0)[1081] << 8);
        printf("blk-front: connected to disk %u (%llu sectors): ext2 magic %x\n", f.devid,
               (unsigned long long)f.sectors, magic);
        REQUIRE(magic == 0xef53, "no ext2 superblock");
        test_success();
        return;
    }
    if (is_mode("attach")) {
        REQUIRE(bf_connect(&f, false, NULL) == 0, "connect");
        printf("blk-front: attached disk %u connected: %llu sectors\n", f.devid,
               (unsigned long long)f.sectors);
        REQUIRE(run_pattern(false, 0, 88, (uint32_t)arg("seed", 7), 0), "read");
        f.timeout_ns = 60000 * NS_PER_MS;
        REQUIRE(bf_wait_be(&f, XenbusStateClosing) == 0, "no detach came");
        REQUIRE(bf_set_state(&f, XenbusStateClosing) == 0 &&
              bf_set_state(&f, XenbusStateClosed) == 0, "closing");
        REQUIRE(bf_wait_be(&f, XenbusStateClosed) == 0 || bf_be_state(&f) < 0, "closed");
        printf("blk-front: detached\n");
        test_success();
        return;
    }
    REQUIRE(bf_connect(&f, true, XEN_IO_PROTO_ABI_X86_32) == 0, "connect");
    uint64_t count = arg("count", f.sectors);
    if (is_mode("write")) {
        if (!run_pattern(true, 0, count, (uint32_t)arg("seed", 1), arg("base", 0)))
            return;
        printf("blk-front: wrote %llu sectors of pattern %u\n", (unsigned long long)count,
               (unsigned int)arg("seed", 1));
    } else {
        if (!run_pattern(false, 0, count, (uint32_t)arg("seed", 1), arg("base", 0)))
            return;
        printf("blk-front: %llu sectors hold pattern %u\n", (unsigned long long)count,
               (unsigned int)arg("seed", 1));
    }
    test_success();
}
