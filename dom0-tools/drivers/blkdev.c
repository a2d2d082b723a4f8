/*
 * The block-device registry and the os_blk.h interface on Mica's Dom0.
 *
 * Every request a tool submits is checked here, once, for every driver:
 * the operation, the segment count and lengths (a whole number of
 * sectors in all), the range against the capacity, read-only disks.  A
 * driver's submit sees only requests that passed, and reports each
 * completion through blkdev_complete(), which keeps the statistics and
 * calls the tool's done().  Portable apart from the drivers it calls; the
 * names follow Linux's virtio disks (vda, vdb, ...).
 */
#include "devices.h"
#include <stdio.h>
#include <string.h>
#include <errno.h>

#define MAX_DISKS 8

struct os_blk {
    char name[8];
    const struct blkdev_ops *ops;
    void *priv;
    struct os_blk_info info;
    struct os_blk_stats st;
};

static struct os_blk disks[MAX_DISKS];
static unsigned int nr_disks;

struct os_blk *blkdev_register(const struct blkdev_ops *ops, void *priv,
                               const struct os_blk_info *info)
{
    struct os_blk *b;

    if (nr_disks == MAX_DISKS)
        return NULL;
    b = &disks[nr_disks];
    snprintf(b->name, sizeof(b->name), "vd%c", 'a' + nr_disks);
    nr_disks++;
    b->ops = ops;
    b->priv = priv;
    b->info = *info;
    b->info.name = b->name;
    return b;
}

const char *blkdev_name(struct os_blk *b)
{
    return b->name;
}

void blkdev_resize(struct os_blk *b, uint64_t sectors)
{
    b->info.sectors = sectors;
}

void blkdev_complete(struct os_blk *b, struct os_blk_req *req, int status)
{
    uint64_t sectors = 0;

    for (unsigned int i = 0; i < req->nr_segs; i++)
        sectors += req->seg[i].len / OS_BLK_SECTOR;
    b->st.inflight--;
    if (status) {
        b->st.errors++;
    } else if (req->op == OS_BLK_READ) {
        b->st.reads++;
        b->st.sectors_read += sectors;
    } else if (req->op == OS_BLK_WRITE) {
        b->st.writes++;
        b->st.sectors_written += sectors;
    } else {
        b->st.flushes++;
    }
    req->done(req, status);
}

unsigned int os_blk_count(void)
{
    return nr_disks;
}

struct os_blk *os_blk_get(unsigned int index)
{
    return index < nr_disks ? &disks[index] : NULL;
}

struct os_blk *os_blk_find(const char *name)
{
    for (unsigned int i = 0; i < nr_disks; i++)
        if (!strcmp(disks[i].name, name))
            return &disks[i];
    return NULL;
}

void os_blk_info(struct os_blk *b, struct os_blk_info *info)
{
    *info = b->info;
}

void os_blk_stats(struct os_blk *b, struct os_blk_stats *st)
{
    *st = b->st;
    b->ops->stats(b->priv, st);
}

/* The request's shape: op, segments, lengths.  Its total in sectors. */
static int check_shape(const struct os_blk_req *req, uint64_t *sectors)
{
    uint64_t bytes = 0;

    if (!req->done)
        return -EINVAL;
    if (req->op == OS_BLK_FLUSH) {
        *sectors = 0;
        return req->nr_segs ? -EINVAL : 0;
    }
    if (req->op != OS_BLK_READ && req->op != OS_BLK_WRITE)
        return -EINVAL;
    if (req->nr_segs == 0 || req->nr_segs > OS_BLK_MAX_SEGS)
        return -EINVAL;
    for (unsigned int i = 0; i < req->nr_segs; i++) {
        if (!req->seg[i].buf || req->seg[i].len == 0)
            return -EINVAL;
        if (req->seg[i].maddr && (req->seg[i].maddr & 4095) + req->seg[i].len > 4096)
            return -EINVAL;                     /* a known address: one page */
        bytes += req->seg[i].len;
    }
    if (bytes % OS_BLK_SECTOR)
        return -EINVAL;
    *sectors = bytes / OS_BLK_SECTOR;
    return 0;
}

static int submit(struct os_blk *b, struct os_blk_req *req, bool checked)
{
    uint64_t n;
    int rc = check_shape(req, &n);

    if (!rc && checked) {
        if (req->op == OS_BLK_WRITE && b->info.read_only)
            rc = -EROFS;
        else if (req->op != OS_BLK_FLUSH &&
                 (req->sector > b->info.sectors || n > b->info.sectors - req->sector))
            rc = req->op == OS_BLK_WRITE ? -ENOSPC : -EINVAL;
    }
    if (!rc)
        rc = b->ops->submit(b->priv, req);
    if (rc) {
        b->st.refused++;
        return rc;
    }
    b->st.inflight++;
    return 0;
}

int os_blk_submit(struct os_blk *b, struct os_blk_req *req)
{
    return submit(b, req, true);
}

int os_blk_submit_unchecked(struct os_blk *b, struct os_blk_req *req)
{
    return submit(b, req, false);
}
