/*
 * The OS interface: block devices (see os_loop.h for the whole).
 *
 * What a tool -- the `blk` shell command today, blkback too --
 * sees of a disk: its size, whether it is read-only, whether it has a
 * volatile write cache to flush, and asynchronous requests.  The driver
 * behind it (virtio-blk, drivers/virtio_blk.c; AHCI later) is invisible.
 *
 * A request reads or writes whole sectors of 512 bytes, starting at
 * `sector`, into or from up to OS_BLK_MAX_SEGS segments of Dom0 memory --
 * the heap, or pages mapped from another domain (a grant map: blkback
 * passes a guest's pages straight to the device, no copy).  A segment may
 * have any length and alignment and may span pages: the driver finds each
 * page's machine frame and gives the device one descriptor per page piece
 * (docs/devices.md, "DMA"); only the total must be a multiple of 512.
 *
 * os_blk_submit() either refuses the request at once (-errno, nothing was
 * done, done() is never called) or accepts it and later calls done(req,
 * status) from the main loop, exactly once, when the device has finished
 * (status 0, or -EIO: the device reported an error, -EOPNOTSUPP: it does
 * not know the operation, -ENODEV: the device was reset or failed).  The
 * request and its buffers must stay untouched until then.  Several
 * requests may be in flight (up to info.max_inflight); they may complete
 * in any order.  -EAGAIN means the queue is full: submit again after a
 * completion.
 *
 * Refusals: -EINVAL (bad op, no segments, a length that is not a multiple
 * of 512, a read beyond the end), -ENOSPC (a write beyond the end: the
 * disk is full), -EROFS (a write to a read-only disk), -E2BIG (more pieces
 * than the device takes in one request), -EFAULT (a buffer not mapped).
 * A flush has no segments and returns once everything written before it
 * is on stable storage; on a disk without a write cache it completes at
 * once with 0.
 */
#ifndef DOM0_OS_BLK_H
#define DOM0_OS_BLK_H

#include <stdint.h>
#include <stdbool.h>

#define OS_BLK_SECTOR       512u
#define OS_BLK_MAX_SEGS     16

enum os_blk_op { OS_BLK_READ, OS_BLK_WRITE, OS_BLK_FLUSH };

struct os_blk;

struct os_blk_info {
    const char *name;           /* "vda", "vdb", ... */
    const char *driver;         /* "virtio-blk" */
    uint64_t sectors;           /* capacity in 512-byte sectors */
    bool read_only;
    bool flush;                 /* has a write cache: flushes do something */
    unsigned int max_inflight;  /* requests that may be outstanding */
    unsigned int max_pieces;    /* page pieces in one request */
};

struct os_blk_stats {
    uint64_t reads, writes, flushes;    /* requests completed */
    uint64_t sectors_read, sectors_written;
    uint64_t errors;                    /* completed with status != 0 */
    uint64_t refused;                   /* os_blk_submit said no */
    uint64_t interrupts, spurious;      /* ours, and the line's others */
    unsigned int inflight;
};

struct os_blk_req;
typedef void os_blk_done_fn(struct os_blk_req *req, int status);

struct os_blk_req {
    enum os_blk_op op;
    uint64_t sector;
    unsigned int nr_segs;
    /* maddr: 0, or buf's machine address when the caller knows it already
     * (os_blk_dma_addr() once for a buffer it keeps: blkback's persistent
     * grant mappings); the driver takes it as it is instead of looking the
     * page up.  Such a segment must not cross a page (-EINVAL). */
    struct { void *buf; uint32_t len; uint64_t maddr; } seg[OS_BLK_MAX_SEGS];
    os_blk_done_fn *done;
    void *arg;                  /* the caller's */
};

/* The disks, by index (0 ... count-1) or name; NULL if none. */
unsigned int os_blk_count(void);
struct os_blk *os_blk_get(unsigned int index);
struct os_blk *os_blk_find(const char *name);
void os_blk_info(struct os_blk *b, struct os_blk_info *info);
void os_blk_stats(struct os_blk *b, struct os_blk_stats *st);

/* The machine address a disk would be given for the Dom0 byte at va (a
 * direct-mapped page or a grant mapping), for seg.maddr; 0 if not mapped. */
uint64_t os_blk_dma_addr(const void *va);

/* 0: accepted, done() will be called; or -errno: refused (above). */
int os_blk_submit(struct os_blk *b, struct os_blk_req *req);

/*
 * For the robustness tests only (`blk raw`): the request goes to the
 * device without the range and read-only checks, so the device's own
 * error path (VIRTIO_BLK_S_IOERR) is exercised.  No backend calls this.
 */
int os_blk_submit_unchecked(struct os_blk *b, struct os_blk_req *req);

#endif
