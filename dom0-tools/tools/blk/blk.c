/*
 * blk: the shell's view of Dom0's disks, over the os_blk.h interface only
 * (the same calls blkback will make).  Used by people and by the QEMU
 * tests (tests/dom0/blk*.session) and `make bench`.
 *
 *   blk [list]                          the disks
 *   blk info DEV                        capacity, mode, queue, statistics
 *   blk dump DEV SECTOR                 one sector, as hexdump -C shows it
 *   blk write DEV SECTOR COUNT SEED     write COUNT sectors of the pattern
 *   blk verify DEV SECTOR COUNT SEED    read them back and compare
 *   blk read DEV SECTOR COUNT           read (nothing compared)
 *       COUNT may be "end" (to the last sector); options before DEV:
 *       -q DEPTH requests in flight (default 8), -s N sectors per request
 *       (default 16)
 *   blk flush DEV                       flush the write cache
 *   blk raw DEV read|write SECTOR [N]   one request of N sectors (1) sent
 *                                       without the range and read-only
 *                                       checks: the device's own answer
 *   blk bench DEV read|write MIB [DEPTH]  sequential 64 KiB requests,
 *                                       DEPTH (4) in flight, over the first
 *                                       MIB MiB: BENCH lines: busy cycles
 *                                       per MiB (os_cycles less the idle
 *                                       ones: instructions under -icount),
 *                                       and elapsed ns per MiB; cases
 *                                       blk.seq_*_64k, with another DEPTH
 *                                       blk.seq_*_64k_qDEPTH
 *
 * The pattern (blk_pattern) makes every sector unique and self-describing:
 * bytes 0-7 are its sector number, 8-11 the seed, the rest a xorshift
 * stream of both, so a sector read from the wrong place or an old write is
 * told apart from the right one.  tests/qemu/mkdisk.py writes the same
 * pattern into the test images.
 *
 * Requests run asynchronously, up to DEPTH at once; the command waits in
 * the main loop (other work goes on) until all are back, ^C stops issuing
 * new ones.  A request that never completes (a hung device) is waited for
 * 30 s, then the command gives up and leaves its buffers allocated: the
 * device may still write into them.
 */
#include "blk.h"
#include "os_blk.h"
#include "os_loop.h"
#include "os_time.h"
#include "os_term.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <inttypes.h>

#define MAX_DEPTH   32
#define TIMEOUT_NS  (30 * OS_NS_PER_S)

void blk_pattern(uint64_t sector, uint32_t seed, uint8_t *out)
{
    uint32_t x = (uint32_t)sector * 2654435761u ^ (uint32_t)(sector >> 32) ^
                 seed * 40503u ^ 0x6d696361u;

    memcpy(out, &sector, 8);
    memcpy(out + 8, &seed, 4);
    for (unsigned int i = 12; i < OS_BLK_SECTOR; i += 4) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        memcpy(out + i, &x, 4);
    }
}

struct job;

struct slot {
    struct os_blk_req req;
    struct job *job;
    uint8_t *buf;
    bool busy;
};

struct job {
    struct os_blk *b;
    enum os_blk_op op;
    bool verify;
    uint32_t seed;
    uint64_t next, end;
    unsigned int per_req, depth, inflight, max_inflight;
    int error;                  /* first refusal or failed completion */
    uint64_t error_sector;
    bool mismatch, stopped;
    bool nofill;                /* writes: the buffers are already filled */
    uint64_t requests;
    struct slot slot[MAX_DEPTH];
};

static void issue(struct job *j);

static void done(struct os_blk_req *req, int status)
{
    struct slot *s = req->arg;
    struct job *j = s->job;

    s->busy = false;
    j->inflight--;
    if (status && !j->error) {
        j->error = status;
        j->error_sector = req->sector;
    }
    if (!status && j->verify) {
        uint8_t want[OS_BLK_SECTOR];
        unsigned int n = req->seg[0].len / OS_BLK_SECTOR;
        for (unsigned int i = 0; i < n && !j->mismatch; i++) {
            blk_pattern(req->sector + i, j->seed, want);
            if (memcmp(want, s->buf + i * OS_BLK_SECTOR, OS_BLK_SECTOR)) {
                j->mismatch = true;
                j->error_sector = req->sector + i;
            }
        }
    }
    issue(j);
}

static void issue(struct job *j)
{
    if (os_term_interrupted())
        j->stopped = true;
    while (!j->error && !j->mismatch && !j->stopped && j->next < j->end &&
           j->inflight < j->depth) {
        struct slot *s = NULL;
        for (unsigned int i = 0; i < j->depth; i++)
            if (!j->slot[i].busy) {
                s = &j->slot[i];
                break;
            }
        uint64_t n = j->end - j->next < j->per_req ? j->end - j->next : j->per_req;
        memset(&s->req, 0, sizeof(s->req));
        s->req.op = j->op;
        s->req.sector = j->next;
        s->req.nr_segs = 1;
        s->req.seg[0].buf = s->buf;
        s->req.seg[0].len = (uint32_t)n * OS_BLK_SECTOR;
        s->req.done = done;
        s->req.arg = s;
        if (j->op == OS_BLK_WRITE && !j->nofill)
            for (uint64_t i = 0; i < n; i++)
                blk_pattern(j->next + i, j->seed, s->buf + i * OS_BLK_SECTOR);
        int rc = os_blk_submit(j->b, &s->req);
        if (rc == -EAGAIN && j->inflight)
            return;             /* a completion will call us again */
        if (rc) {
            j->error = rc;
            j->error_sector = j->next;
            return;
        }
        s->busy = true;
        if (++j->inflight > j->max_inflight)
            j->max_inflight = j->inflight;
        j->requests++;
        j->next += n;
    }
}

static bool job_idle(void *arg)
{
    struct job *j = arg;

    return j->inflight == 0;
}

static struct job *job_new(struct os_blk *b, unsigned int depth, unsigned int per_req)
{
    struct job *j = calloc(1, sizeof(*j));

    if (!j)
        return NULL;
    j->b = b;
    j->depth = depth;
    j->per_req = per_req;
    for (unsigned int i = 0; i < depth; i++) {
        j->slot[i].job = j;
        if (!(j->slot[i].buf = malloc(per_req * OS_BLK_SECTOR))) {
            for (unsigned int k = 0; k < i; k++)
                free(j->slot[k].buf);
            free(j);
            return NULL;
        }
    }
    return j;
}

/* Run the job to its end: true if every request came back (the job can
 * be freed), false if some are still out after the timeout. */
static bool job_run(struct job *j)
{
    issue(j);
    if (!os_loop_run_until(job_idle, j, os_now_ns() + TIMEOUT_NS)) {
        printf("blk: %u requests did not complete within 30 s; their buffers stay allocated\n",
               j->inflight);
        return false;
    }
    return true;
}

static void job_free(struct job *j)
{
    for (unsigned int i = 0; i < j->depth; i++)
        free(j->slot[i].buf);
    free(j);
}

static struct os_blk *find(const char *name)
{
    struct os_blk *b = os_blk_find(name);

    if (!b)
        printf("blk: %s: no such disk (blk list shows them)\n", name);
    return b;
}

static bool number(const char *s, uint64_t *v)
{
    char *end;

    if (!*s || *s == '-')
        return false;
    *v = strtoull(s, &end, 0);
    return *end == '\0';
}

static int cmd_list(void)
{
    unsigned int n = os_blk_count();

    if (n == 0) {
        printf("blk: no disks\n");
        return 1;
    }
    printf("NAME  DRIVER       SECTORS        SIZE  MODE  CACHE\n");
    for (unsigned int i = 0; i < n; i++) {
        struct os_blk_info in;
        os_blk_info(os_blk_get(i), &in);
        printf("%-5s %-10s %10" PRIu64 " %7" PRIu64 " MiB  %s    %s\n", in.name, in.driver,
               in.sectors, in.sectors >> 11, in.read_only ? "ro" : "rw",
               in.flush ? "write-back" : "none");
    }
    return 0;
}

static int cmd_info(struct os_blk *b)
{
    struct os_blk_info in;
    struct os_blk_stats st;

    os_blk_info(b, &in);
    os_blk_stats(b, &st);
    printf("%s: %s, %" PRIu64 " sectors of 512 bytes (%" PRIu64 " KiB), %s, %s\n",
           in.name, in.driver, in.sectors, in.sectors / 2,
           in.read_only ? "read-only" : "read-write",
           in.flush ? "write cache (flush)" : "no write cache");
    printf("  queue: %u requests in flight, %u pieces each\n", in.max_inflight,
           in.max_pieces);
    printf("  completed: %" PRIu64 " reads (%" PRIu64 " sectors), %" PRIu64 " writes (%"
           PRIu64 " sectors), %" PRIu64 " flushes; %" PRIu64 " errors, %" PRIu64
           " refused, %u in flight\n", st.reads, st.sectors_read, st.writes,
           st.sectors_written, st.flushes, st.errors, st.refused, st.inflight);
    printf("  interrupts: %" PRIu64 " ours, %" PRIu64 " not ours\n", st.interrupts,
           st.spurious);
    return 0;
}

static int cmd_dump(struct os_blk *b, uint64_t sector)
{
    struct job *j = job_new(b, 1, 1);
    int rc;

    if (!j)
        return 1;
    j->op = OS_BLK_READ;
    j->next = sector;
    j->end = sector + 1;
    if (!job_run(j))
        return 1;
    if ((rc = j->error)) {
        printf("blk: reading sector %" PRIu64 ": %s\n", sector, strerror(-rc));
        job_free(j);
        return 1;
    }
    for (unsigned int off = 0; off < OS_BLK_SECTOR; off += 16) {
        const uint8_t *p = j->slot[0].buf + off;
        printf("%08x ", off);
        for (unsigned int i = 0; i < 16; i++)
            printf("%s%02x", i == 8 ? "  " : " ", p[i]);
        printf("  |");
        for (unsigned int i = 0; i < 16; i++)
            putchar(p[i] >= 0x20 && p[i] < 0x7f ? p[i] : '.');
        printf("|\n");
    }
    job_free(j);
    return 0;
}

/* write / verify / read of a range. */
static int cmd_range(struct os_blk *b, const char *what, char **argv, int argc,
                     unsigned int depth, unsigned int per_req)
{
    struct os_blk_info in;
    uint64_t sector, count = 0, seed = 0;
    struct job *j;
    bool need_seed = strcmp(what, "read") != 0;

    os_blk_info(b, &in);
    if (argc != (need_seed ? 3 : 2) || !number(argv[0], &sector) ||
        (!number(argv[1], &count) && strcmp(argv[1], "end")) ||
        (need_seed && (!number(argv[2], &seed) || seed > 0xffffffffu))) {
        printf("usage: blk [-q DEPTH] [-s N] %s DEV SECTOR COUNT|end%s\n", what,
               need_seed ? " SEED" : "");
        return 2;
    }
    if (!strcmp(argv[1], "end"))
        count = sector < in.sectors ? in.sectors - sector : 0;
    if (count == 0) {
        printf("blk: nothing to %s\n", what);
        return 1;
    }
    if (!(j = job_new(b, depth, per_req))) {
        printf("blk: out of memory\n");
        return 1;
    }
    j->op = strcmp(what, "write") ? OS_BLK_READ : OS_BLK_WRITE;
    j->verify = !strcmp(what, "verify");
    j->seed = (uint32_t)seed;
    j->next = sector;
    j->end = sector + count < sector ? UINT64_MAX : sector + count;
    if (!job_run(j))
        return 1;
    int rc = 0;
    if (j->mismatch) {
        printf("blk: %s: sector %" PRIu64 " differs from pattern %" PRIu64 "\n", in.name,
               j->error_sector, seed);
        rc = 1;
    } else if (j->error) {
        printf("blk: %s: %s at sector %" PRIu64 ": %s\n", in.name, what, j->error_sector,
               strerror(-j->error));
        rc = 1;
    } else if (j->stopped) {
        printf("blk: interrupted after %" PRIu64 " sectors\n", j->next - sector);
        rc = 1;
    } else {
        printf("blk: %s: %s %" PRIu64 " sectors from %" PRIu64 " in %" PRIu64
               " requests, up to %u at once%s\n", in.name,
               j->op == OS_BLK_WRITE ? "wrote" : j->verify ? "verified" : "read",
               count, sector, j->requests, j->max_inflight, j->verify ? ": all match" : "");
    }
    job_free(j);
    return rc;
}

static bool flush_done_flag;

static void flush_done(struct os_blk_req *req, int status)
{
    *(int *)req->arg = status;
    flush_done_flag = true;
}

static bool flushed(void *arg)
{
    (void)arg;
    return flush_done_flag;
}

static int cmd_flush(struct os_blk *b)
{
    static struct os_blk_req req;
    static int status;
    int rc;

    memset(&req, 0, sizeof(req));
    req.op = OS_BLK_FLUSH;
    req.done = flush_done;
    req.arg = &status;
    flush_done_flag = false;
    if ((rc = os_blk_submit(b, &req))) {
        printf("blk: flush: %s\n", strerror(-rc));
        return 1;
    }
    if (!os_loop_run_until(flushed, NULL, os_now_ns() + TIMEOUT_NS)) {
        printf("blk: the flush did not complete within 30 s\n");
        return 1;
    }
    if (status) {
        printf("blk: flush: %s\n", strerror(-status));
        return 1;
    }
    printf("blk: flushed\n");
    return 0;
}

static void raw_done(struct os_blk_req *req, int status)
{
    struct slot *s = req->arg;

    s->job->error = status;
    s->job->inflight--;
    s->busy = false;
}

static int cmd_raw(struct os_blk *b, int argc, char **argv)
{
    uint64_t sector, n = 1;
    struct job *j;
    int rc;

    if (argc < 2 || argc > 3 || (strcmp(argv[0], "read") && strcmp(argv[0], "write")) ||
        !number(argv[1], &sector) || (argc == 3 && (!number(argv[2], &n) || n == 0 || n > 128))) {
        printf("usage: blk raw DEV read|write SECTOR [N]\n");
        return 2;
    }
    if (!(j = job_new(b, 1, (unsigned int)n)))
        return 1;
    struct slot *s = &j->slot[0];
    s->req.op = strcmp(argv[0], "read") ? OS_BLK_WRITE : OS_BLK_READ;
    s->req.sector = sector;
    s->req.nr_segs = 1;
    s->req.seg[0].buf = s->buf;
    s->req.seg[0].len = (uint32_t)n * OS_BLK_SECTOR;
    s->req.done = raw_done;
    s->req.arg = s;
    if ((rc = os_blk_submit_unchecked(b, &s->req))) {
        printf("blk: raw %s: refused: %s\n", argv[0], strerror(-rc));
        job_free(j);
        return 1;
    }
    s->busy = true;
    j->inflight = 1;
    if (!os_loop_run_until(job_idle, j, os_now_ns() + TIMEOUT_NS)) {
        printf("blk: raw %s did not complete within 30 s\n", argv[0]);
        return 1;
    }
    rc = j->error;
    printf("blk: raw %s of %" PRIu64 " sectors at %" PRIu64 ": device says %s\n", argv[0], n,
           sector, rc ? strerror(-rc) : "OK");
    job_free(j);
    return rc ? 1 : 0;
}

static int cmd_bench(struct os_blk *b, int argc, char **argv)
{
    struct os_blk_info in;
    uint64_t mib;
    const unsigned int per_req = 128;       /* 64 KiB */
    uint64_t depth = 4;
    char suffix[16] = "";
    struct job *j;

    os_blk_info(b, &in);
    if (argc < 2 || argc > 3 || (strcmp(argv[0], "read") && strcmp(argv[0], "write")) ||
        !number(argv[1], &mib) || mib == 0 || mib * 2048 > in.sectors ||
        (argc == 3 && (!number(argv[2], &depth) || depth == 0 || depth > MAX_DEPTH))) {
        printf("usage: blk bench DEV read|write MIB [DEPTH] (at most the disk's size; "
               "DEPTH 1-%d, 4)\n", MAX_DEPTH);
        return 2;
    }
    if (depth != 4)
        snprintf(suffix, sizeof(suffix), "_q%u", (unsigned int)depth);
    if (!(j = job_new(b, (unsigned int)depth, per_req)))
        return 1;
    j->op = strcmp(argv[0], "read") ? OS_BLK_WRITE : OS_BLK_READ;
    j->next = 0;
    j->end = mib * 2048;
    /* Writes send a constant buffer: only the I/O path is timed, not
     * the pattern's generation. */
    if (j->op == OS_BLK_WRITE) {
        j->nofill = true;
        for (unsigned int i = 0; i < j->depth; i++)
            memset(j->slot[i].buf, 0x5a, per_req * OS_BLK_SECTOR);
    }
    uint64_t c0 = os_cycles(), i0 = os_idle_cycles(), t0 = os_now_ns();
    if (!job_run(j))
        return 1;
    uint64_t cycles = os_cycles() - c0 - (os_idle_cycles() - i0), ns = os_now_ns() - t0;
    if (j->error) {
        printf("blk: bench: %s\n", strerror(-j->error));
        job_free(j);
        return 1;
    }
    printf("BENCH blk.seq_%s_64k%s %" PRIu64 ".00\n", argv[0], suffix, cycles / mib);
    printf("BENCH blk.seq_%s_64k%s_ns %" PRIu64 ".00\n", argv[0], suffix, ns / mib);
    job_free(j);
    return 0;
}

int blk_main(int argc, char **argv)
{
    unsigned int depth = 8, per_req = 16;
    int i = 1;

    while (i + 1 < argc && argv[i][0] == '-') {
        uint64_t v;
        if ((!strcmp(argv[i], "-q") || !strcmp(argv[i], "-s")) && number(argv[i + 1], &v) &&
            v >= 1 && v <= (argv[i][1] == 'q' ? MAX_DEPTH : 256)) {
            if (argv[i][1] == 'q')
                depth = (unsigned int)v;
            else
                per_req = (unsigned int)v;
            i += 2;
        } else {
            printf("blk: bad option %s %s (-q 1..%u, -s 1..256)\n", argv[i], argv[i + 1],
                   MAX_DEPTH);
            return 2;
        }
    }
    if (i >= argc || !strcmp(argv[i], "list"))
        return cmd_list();
    const char *cmd = argv[i];
    if (i + 1 >= argc) {
        printf("usage: blk list | info|dump|write|verify|read|flush|raw|bench DEV ...\n");
        return 2;
    }
    struct os_blk *b = find(argv[i + 1]);
    if (!b)
        return 1;
    char **rest = argv + i + 2;
    int nrest = argc - i - 2;
    uint64_t sector;

    if (!strcmp(cmd, "info") && nrest == 0)
        return cmd_info(b);
    if (!strcmp(cmd, "dump")) {
        if (nrest != 1 || !number(rest[0], &sector)) {
            printf("usage: blk dump DEV SECTOR\n");
            return 2;
        }
        return cmd_dump(b, sector);
    }
    if (!strcmp(cmd, "write") || !strcmp(cmd, "verify") || !strcmp(cmd, "read"))
        return cmd_range(b, cmd, rest, nrest, depth, per_req);
    if (!strcmp(cmd, "flush") && nrest == 0)
        return cmd_flush(b);
    if (!strcmp(cmd, "raw"))
        return cmd_raw(b, nrest, rest);
    if (!strcmp(cmd, "bench"))
        return cmd_bench(b, nrest, rest);
    printf("usage: blk list | info|dump|write|verify|read|flush|raw|bench DEV ...\n");
    return 2;
}
