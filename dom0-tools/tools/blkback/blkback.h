/*
 * blkback.h - Dom0's block backend: Xen's blkif protocol served from a
 * virtual disk (vbd.h).  blkback.c is the driver the backend framework
 * calls (probe, connect, disconnect, remove); blkif.c moves the requests.
 *
 * One `struct blkif` per device.  It outlives its xb_dev when requests
 * are in flight at the device's removal: it is freed by the last
 * completion (a page under DMA cannot be unmapped, docs/split-drivers.md).
 */
#ifndef BLKBACK_H
#define BLKBACK_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <public/io/blkif.h>
#include "vbd.h"
#include "devspec.h"

struct xb_dev;

/* Segments of one indirect request we take (feature-max-indirect-segments):
 * Linux's default, 128 KiB; one page of segment descriptors. */
#define BLKBACK_MAX_INDIRECT_SEGS   32
#define BLKBACK_MAX_SEGS            BLKBACK_MAX_INDIRECT_SEGS
/* Data parts of one request: 32 segments go in parts of at least 4 pages
 * (virtio-blk takes 16 pieces; a disk taking fewer than 4 gets -E2BIG). */
#define BLKBACK_DATA_PARTS          8
/* Persistent grants kept mapped per device (feature-persistent). */
#define BLKBACK_MAX_PGRANTS         256
#define BLKBACK_PG_HASH             512
/* Grant copy: bounce pages kept per device for reuse (more are allocated
 * when requests need them, and freed when they complete). */
#define BLKBACK_MAX_BOUNCE          256
/* Requests taken from one ring per turn of Dom0's loop. */
#define BLKBACK_BUDGET              32
#define BLKBACK_RING_SIZE           __CONST_RING_SIZE(blkif, 4096)

struct blkif;

struct breq_seg {
    grant_ref_t gref;
    uint8_t first, last;
    void *page;                 /* mapped (or the persistent grant's page),
                                 * or with grant copy Dom0's bounce page */
    bool persistent;            /* the mapping is kept */
    uint64_t maddr;             /* a kept mapping's machine address, or 0 */
};

struct breq {
    struct blkif *bi;
    uint64_t id;
    uint8_t op;                 /* the ring's operation (for the response) */
    uint8_t kind;               /* OS_BLK_READ / WRITE, or a flush */
    bool flush_before, flush_after;
    bool copy;                  /* data by grant copy through bounce pages */
    uint64_t sector;
    unsigned int nsegs;
    struct breq_seg seg[BLKBACK_MAX_SEGS];
    unsigned int pending;       /* sub-requests at the device */
    unsigned int next_sub;      /* the next part to submit (in order) */
    int status;
    /* the parts: a flush before, the data in at most BLKBACK_DATA_PARTS
     * pieces the disk takes, a flush after */
    struct os_blk_req sub[BLKBACK_DATA_PARTS + 2];
    unsigned int nsub;
    bool in_pump;               /* pump() is submitting: completions wait */
    bool is_stalled;            /* on the blkif's stalled list */
    struct breq *next_free;
    struct breq *next_stalled;
};

struct pgrant {
    grant_ref_t gref;
    bool writable;              /* false: an indirect page granted read-only */
    void *page;                 /* NULL: empty slot */
    uint64_t maddr;             /* page's machine address, looked up once (DMA) */
};

struct blkif_stats {
    uint64_t requests, errors, unsupported, bad;
    uint64_t reads, writes, flushes, barriers, discards, indirect;
    uint64_t maps, unmaps, pg_hits;
    uint64_t copies, copy_calls;    /* segments copied, os_gnt_copy calls */
    uint64_t rings_broken;
    uint64_t wakeups, notifies;     /* process() runs; responses that notified */
};

struct blkif {
    struct xb_dev *dev;         /* NULL once removed */
    uint16_t domid;
    uint32_t devid;
    struct vbd vbd;
    bool cdrom;
    /* the connection */
    bool connected;             /* ring mapped, port bound */
    bool stopping;              /* disconnect asked: take nothing new */
    bool broken;                /* a fatal ring error: take nothing */
    bool removed;               /* free when the last request completes */
    bool zombie;                /* removed with requests at the disk */
    void *ring_page;
    blkif_back_ring_t ring;
    int port;
    struct os_work *work;
    bool persistent;
    bool copy;                  /* this connection moves data by grant copy */
    /* requests */
    struct breq req[BLKBACK_RING_SIZE];
    struct breq *free_reqs;
    unsigned int inflight;
    struct breq *ordered;       /* the flush/barrier that waits, or runs */
    struct breq *stalled;       /* parts the device's full queue refused */
    unsigned int at_device;     /* parts submitted to a Dom0 disk */
    struct os_timer *retry;
    /* persistent grants: open addressing on gref */
    struct pgrant pg[BLKBACK_PG_HASH];
    unsigned int npg;
    unsigned int mapped;        /* grant mappings held now (all kinds) */
    /* grant copy: Dom0 pages the disk reads and writes, kept for reuse */
    void *bounce[BLKBACK_MAX_BOUNCE];
    unsigned int nbounce;       /* free pages in bounce[] */
    unsigned int bounce_out;    /* pages held by requests now */
    struct blkif_stats st;
    struct blkif *next;
};

/* Register the driver with the framework: 0 or -errno. */
int blkback_init(void);
/* xl's check of a disk before it builds a domain. */
int blkback_disk_check(const struct disk_spec *d, char *err, size_t errlen);

/* blkif.c: the ring. */
struct blkif *blkif_new(uint16_t domid, uint32_t devid);
int blkif_connect(struct blkif *bi, uint32_t ring_ref, uint32_t evtchn);
void blkif_disconnect(struct blkif *bi);
/* Free bi if it is removed and idle; true if freed. */
bool blkif_maybe_free(struct blkif *bi);
void blkif_kick(struct blkif *bi);

/*
 * How data moves between a guest's pages and the disk, for connections
 * made from now on (docs/split-drivers.md, "Grant map against grant
 * copy"): BLKBACK_MAP (the default: the pages are mapped into Dom0 and
 * handed to the disk, kept mapped with feature-persistent) or
 * BLKBACK_COPY (GNTTABOP_copy, one call per request for all its segments,
 * into and out of Dom0 pages handed to the disk).  Dom0's command line
 * `blkback=copy|map`, the shell's `blkback data copy|map`.
 */
enum blkback_data { BLKBACK_MAP, BLKBACK_COPY };
extern enum blkback_data blkback_data_mode;
/* "map" / "copy" -> 0 and *mode, or -EINVAL. */
int blkback_parse_data(const char *s, enum blkback_data *mode);

/* Global figures for the shell's `blkback` and the tests. */
struct blkback_totals {
    unsigned int devices, inflight, mapped, bounce;
    uint64_t requests, errors, bad, rings_broken;
    uint64_t copies;            /* segments moved by grant copy */
    uint64_t wakeups, notifies; /* ring turns, notifications to frontends */
};
void blkback_totals(struct blkback_totals *t);
int blkback_shell_cmd(int argc, char **argv);
/* bench-blk (blkbench.c): make bench's PV block figures. */
int blkbench_main(int argc, char **argv);

#endif
