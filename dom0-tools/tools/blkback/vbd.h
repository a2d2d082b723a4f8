/*
 * vbd.h - what a virtual disk is stored on (vbd.c): a file of Dom0's
 * ramfs, or a Dom0 disk (os_blk.h) whole or a region of it.
 *
 * The target string is the disk spec's `target`:
 *
 *   /images/disk.img         a ramfs file (its size a multiple of 512).
 *                            The ramfs is read-only and shared: the guest
 *                            writes into a copy-on-write view of its own
 *                            (64 KiB chunks copied at their first write,
 *                            kept until the disk is detached), so two
 *                            guests given the same image never see each
 *                            other's writes, and the image is unchanged
 *                            for the next one.
 *   /dev/vdb                 a whole Dom0 disk.
 *   /dev/vdb:START:SECTORS   SECTORS sectors of it from START (512-byte
 *                            sectors; the region must lie on the disk).
 *
 * A Dom0 disk region opened writable is exclusive: another open of an
 * overlapping region is refused (-EBUSY), read-only opens may share.
 *
 * Requests: vbd_submit() takes an os_blk_req (the segments in Dom0
 * memory, sectors relative to the virtual disk), checks its range and
 * either refuses it (-errno) or completes it -- at once for a file, from
 * the device later for a disk -- through req->done, exactly once.
 */
#ifndef BLKBACK_VBD_H
#define BLKBACK_VBD_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "os_blk.h"

#define VBD_CHUNK   (64u * 1024u)

struct vbd {
    bool is_file;
    bool ro;
    bool flush;                 /* a write cache to flush */
    uint64_t sectors;
    unsigned int max_pieces;    /* page pieces per request (disk) */
    char target[96];
    /* file */
    const uint8_t *file;        /* the ramfs data (read-only) */
    uint8_t **chunk;            /* copies of written chunks, or NULL */
    size_t nchunks, copied;
    /* disk */
    struct os_blk *blk;
    uint64_t start;
    struct vbd *next_open;      /* the open disk regions, for exclusivity */
};

/* Open the target; 0, or -errno with the reason in err. */
int vbd_open(struct vbd *v, const char *target, bool ro, char *err, size_t errlen);
/* Could it be opened (xl's check before building a domain)? */
int vbd_check(const char *target, bool ro, char *err, size_t errlen);
void vbd_close(struct vbd *v);

/* A request (READ, WRITE, FLUSH) in virtual-disk sectors: 0 (done() will
 * be or has been called) or -errno (refused, done() never called). */
int vbd_submit(struct vbd *v, struct os_blk_req *req);
/* Discard: a file's sectors read as zeros afterwards; a disk is told
 * nothing (legacy virtio has no discard; it is advisory). 0 or -errno. */
int vbd_discard(struct vbd *v, uint64_t sector, uint64_t count);

#endif
