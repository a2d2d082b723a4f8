/*
 * The storage behind a virtual disk (see vbd.h): a copy-on-write view of
 * a ramfs file, or a Dom0 disk region through os_blk.h.
 *
 * Ranges are checked here once, in 64-bit arithmetic that cannot wrap
 * (count <= sectors && sector <= sectors - count), before any byte moves;
 * a disk region's requests are shifted by its start and the device's own
 * checks (blkdev.c) apply again below.
 */
#include "vbd.h"
#include "os_files.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

static struct vbd *open_regions;

static bool in_range(const struct vbd *v, uint64_t sector, uint64_t count)
{
    return count <= v->sectors && sector <= v->sectors - count;
}

/* "/dev/vdb" or "/dev/vdb:START:SECTORS": the disk and the region. */
static int parse_disk(const char *t, struct os_blk **blk, uint64_t *start, uint64_t *count,
                      char *err, size_t errlen)
{
    char name[16], *end;
    const char *colon = strchr(t + 5, ':');
    size_t n = colon ? (size_t)(colon - (t + 5)) : strlen(t + 5);
    struct os_blk_info info;

    if (n == 0 || n >= sizeof(name)) {
        snprintf(err, errlen, "'%s': no such disk", t);
        return -ENODEV;
    }
    memcpy(name, t + 5, n);
    name[n] = '\0';
    if (!(*blk = os_blk_find(name))) {
        snprintf(err, errlen, "'%s': Dom0 has no disk %s", t, name);
        return -ENODEV;
    }
    os_blk_info(*blk, &info);
    *start = 0;
    *count = info.sectors;
    if (colon) {
        if (colon[1] < '0' || colon[1] > '9')
            goto bad;
        *start = strtoull(colon + 1, &end, 10);
        if (*end != ':' || end[1] < '0' || end[1] > '9')
            goto bad;
        *count = strtoull(end + 1, &end, 10);
        if (*end || *count == 0)
            goto bad;
        if (*count > info.sectors || *start > info.sectors - *count) {
            snprintf(err, errlen, "'%s': the region ends past %s's %llu sectors", t, name,
                     (unsigned long long)info.sectors);
            return -ENOSPC;
        }
    }
    return 0;
bad:
    snprintf(err, errlen, "'%s': a region is /dev/vdX:START:SECTORS", t);
    return -EINVAL;
}

static const struct vbd *overlap(struct os_blk *blk, uint64_t start, uint64_t count, bool ro)
{
    for (const struct vbd *o = open_regions; o; o = o->next_open)
        if (o->blk == blk && start < o->start + o->sectors && o->start < start + count &&
            (!ro || !o->ro))
            return o;
    return NULL;
}

int vbd_check(const char *t, bool ro, char *err, size_t errlen)
{
    struct os_stat st;
    struct os_blk *blk;
    struct os_blk_info info;
    uint64_t start, count;
    int rc;

    if (!strncmp(t, "/dev/", 5)) {
        if ((rc = parse_disk(t, &blk, &start, &count, err, errlen)))
            return rc;
        os_blk_info(blk, &info);
        if (!ro && info.read_only) {
            snprintf(err, errlen, "'%s' is read-only: give access=ro", t);
            return -EROFS;
        }
        if (overlap(blk, start, count, ro)) {
            snprintf(err, errlen, "'%s' is in use by another domain's disk", t);
            return -EBUSY;
        }
        return 0;
    }
    if ((rc = os_stat(t, &st))) {
        snprintf(err, errlen, "'%s': %s", t, strerror(-rc));
        return rc;
    }
    if (st.is_dir || st.size == 0 || st.size % OS_BLK_SECTOR) {
        snprintf(err, errlen, "'%s' is not a disk image (%s)", t,
                 st.is_dir ? "a directory" : "its size is not a multiple of 512");
        return -EINVAL;
    }
    return 0;
}

int vbd_open(struct vbd *v, const char *t, bool ro, char *err, size_t errlen)
{
    struct os_blk_info info;
    size_t len;
    int rc;

    memset(v, 0, sizeof(*v));
    if ((rc = vbd_check(t, ro, err, errlen)))
        return rc;
    snprintf(v->target, sizeof(v->target), "%s", t);
    v->ro = ro;
    if (!strncmp(t, "/dev/", 5)) {
        parse_disk(t, &v->blk, &v->start, &v->sectors, err, errlen);
        os_blk_info(v->blk, &info);
        v->flush = info.flush;
        v->max_pieces = info.max_pieces < OS_BLK_MAX_SEGS ? info.max_pieces : OS_BLK_MAX_SEGS;
        if (!v->max_pieces)
            v->max_pieces = 1;
        v->next_open = open_regions;
        open_regions = v;
        return 0;
    }
    const void *data;
    if ((rc = os_file_load(t, &data, &len))) {
        snprintf(err, errlen, "'%s': %s", t, strerror(-rc));
        return rc;
    }
    v->is_file = true;
    v->file = data;
    v->sectors = len / OS_BLK_SECTOR;
    v->nchunks = (len + VBD_CHUNK - 1) / VBD_CHUNK;
    v->max_pieces = OS_BLK_MAX_SEGS;
    if (!ro && !(v->chunk = calloc(v->nchunks, sizeof(*v->chunk)))) {
        os_file_unload(data);
        snprintf(err, errlen, "out of memory");
        return -ENOMEM;
    }
    return 0;
}

void vbd_close(struct vbd *v)
{
    if (v->is_file) {
        for (size_t i = 0; v->chunk && i < v->nchunks; i++)
            free(v->chunk[i]);
        free(v->chunk);
        os_file_unload(v->file);
    } else if (v->blk) {
        for (struct vbd **pp = &open_regions; *pp; pp = &(*pp)->next_open) {
            if (*pp == v) {
                *pp = v->next_open;
                break;
            }
        }
    }
    memset(v, 0, sizeof(*v));
}

/* The bytes of chunk c for writing: copied from the file at the first. */
static uint8_t *chunk_rw(struct vbd *v, size_t c)
{
    if (!v->chunk[c]) {
        size_t off = c * VBD_CHUNK, len = v->sectors * OS_BLK_SECTOR - off;
        if (!(v->chunk[c] = malloc(VBD_CHUNK)))
            return NULL;
        if (len > VBD_CHUNK)
            len = VBD_CHUNK;
        memcpy(v->chunk[c], v->file + off, len);
        v->copied++;
    }
    return v->chunk[c];
}

/* Move n bytes between the file view at byte offset off and buf. */
static int file_io(struct vbd *v, bool write, uint64_t off, uint8_t *buf, size_t n)
{
    while (n) {
        size_t c = (size_t)(off / VBD_CHUNK), in = (size_t)(off % VBD_CHUNK);
        size_t k = VBD_CHUNK - in < n ? VBD_CHUNK - in : n;
        if (write) {
            uint8_t *p = chunk_rw(v, c);
            if (!p)
                return -ENOMEM;
            memcpy(p + in, buf, k);
        } else {
            const uint8_t *p = v->chunk && v->chunk[c] ? v->chunk[c] : v->file + c * VBD_CHUNK;
            memcpy(buf, p + in, k);
        }
        off += k;
        buf += k;
        n -= k;
    }
    return 0;
}

int vbd_submit(struct vbd *v, struct os_blk_req *req)
{
    uint64_t bytes = 0;
    int rc = 0;

    if (req->op == OS_BLK_FLUSH) {
        if (v->is_file) {
            req->done(req, 0);                  /* memory: nothing to flush */
            return 0;
        }
        return os_blk_submit(v->blk, req);
    }
    if (req->op != OS_BLK_READ && req->op != OS_BLK_WRITE)
        return -EINVAL;
    if (!req->nr_segs || req->nr_segs > OS_BLK_MAX_SEGS)
        return -EINVAL;
    for (unsigned int i = 0; i < req->nr_segs; i++)
        bytes += req->seg[i].len;
    if (!bytes || bytes % OS_BLK_SECTOR || !in_range(v, req->sector, bytes / OS_BLK_SECTOR))
        return -EINVAL;
    if (req->op == OS_BLK_WRITE && v->ro)
        return -EROFS;
    if (!v->is_file) {
        struct os_blk_req *r = req;
        uint64_t s = r->sector;
        r->sector = s + v->start;
        rc = os_blk_submit(v->blk, r);
        if (rc)
            r->sector = s;
        return rc;
    }
    uint64_t off = req->sector * OS_BLK_SECTOR;
    for (unsigned int i = 0; i < req->nr_segs && !rc; i++) {
        rc = file_io(v, req->op == OS_BLK_WRITE, off, req->seg[i].buf, req->seg[i].len);
        off += req->seg[i].len;
    }
    req->done(req, rc);
    return 0;
}

int vbd_discard(struct vbd *v, uint64_t sector, uint64_t count)
{
    static const uint8_t zero[OS_BLK_SECTOR];

    if (!count || !in_range(v, sector, count))
        return -EINVAL;
    if (v->ro)
        return -EROFS;
    if (!v->is_file)
        return 0;
    for (uint64_t s = sector; s < sector + count; s++) {
        int rc = file_io(v, true, s * OS_BLK_SECTOR, (uint8_t *)zero, OS_BLK_SECTOR);
        if (rc)
            return rc;
    }
    return 0;
}
