/*
 * blkback: the block backend driver of the backend framework (see
 * blkback.h, docs/split-drivers.md "The block protocol and blkback").
 *
 * probe:   open the disk xl named (params, mode, device-type) and publish
 *          what the frontend needs to know before it connects, in the
 *          backend directory: sectors, sector-size, physical-sector-size,
 *          info (VDISK_READONLY, VDISK_CDROM | VDISK_REMOVABLE),
 *          feature-flush-cache, feature-barrier, feature-discard (with
 *          discard-granularity, -alignment, -secure), feature-persistent,
 *          feature-max-indirect-segments.
 * connect: the frontend's ring-ref and event-channel (single-page rings:
 *          no max-ring-page-order is offered, so ring-page-order must be
 *          absent or 0), its protocol (absent or x86_32-abi: Dom0 is a
 *          32-bit domain and serves the i386 layout; a 64-bit frontend is
 *          refused with an error rather than misread), feature-persistent.
 * then blkif.c serves the ring.
 */
#include "blkback.h"
#include "xenbus_be.h"
#include <public/io/protocols.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

enum blkback_data blkback_data_mode = BLKBACK_MAP;

int blkback_parse_data(const char *s, enum blkback_data *mode)
{
    if (!strcmp(s, "map"))
        *mode = BLKBACK_MAP;
    else if (!strcmp(s, "copy"))
        *mode = BLKBACK_COPY;
    else
        return -EINVAL;
    return 0;
}

static int probe(struct xb_dev *dev)
{
    char params[96], mode[8], type[16], err[160];
    struct blkif *bi;
    bool ro, cdrom;
    int rc;

    if ((rc = xb_be_read(dev, "params", params, sizeof(params))))
        return rc;
    if (xb_be_read(dev, "mode", mode, sizeof(mode)))
        strcpy(mode, "r");
    if (xb_be_read(dev, "device-type", type, sizeof(type)))
        strcpy(type, "disk");
    cdrom = !strcmp(type, "cdrom");
    ro = strcmp(mode, "w") != 0 || cdrom;
    if (!(bi = blkif_new(dev->domid, dev->devid)))
        return -ENOMEM;
    if ((rc = vbd_open(&bi->vbd, params, ro, err, sizeof(err)))) {
        xb_dev_error(dev, rc, "%s", err);
        bi->removed = true;
        blkif_maybe_free(bi);
        return rc;
    }
    bi->cdrom = cdrom;
    bi->dev = dev;
    dev->priv = bi;
    xb_be_printf(dev, "sectors", "%llu", (unsigned long long)bi->vbd.sectors);
    xb_be_printf(dev, "sector-size", "%u", OS_BLK_SECTOR);
    xb_be_printf(dev, "physical-sector-size", "%u", OS_BLK_SECTOR);
    xb_be_printf(dev, "info", "%u", (ro ? VDISK_READONLY : 0) |
                                    (cdrom ? VDISK_CDROM | VDISK_REMOVABLE : 0));
    xb_be_printf(dev, "feature-flush-cache", "1");
    xb_be_printf(dev, "feature-barrier", "1");
    xb_be_printf(dev, "feature-discard", "%d", ro ? 0 : 1);
    xb_be_printf(dev, "discard-granularity", "%u", OS_BLK_SECTOR);
    xb_be_printf(dev, "discard-alignment", "0");
    xb_be_printf(dev, "discard-secure", "0");
    xb_be_printf(dev, "feature-persistent", "1");
    xb_be_printf(dev, "feature-max-indirect-segments", "%u", BLKBACK_MAX_INDIRECT_SEGS);
    return 0;
}

static int connect(struct xb_dev *dev)
{
    struct blkif *bi = dev->priv;
    uint64_t ref, port, order, pers = 0;
    char proto[32];
    int rc;

    if (bi->connected) {
        /* The last connection still has requests at the device. */
        xb_dev_error(dev, -EBUSY, "the previous connection has %u requests in flight",
                     bi->inflight);
        return -EBUSY;
    }
    if ((rc = xb_fe_read_uint(dev, "ring-page-order", 16, &order)) != -ENOENT &&
        (rc || order != 0)) {
        xb_dev_error(dev, -EINVAL, "ring-page-order: only single-page rings are served");
        return -EINVAL;
    }
    if ((rc = xb_fe_read_uint(dev, "ring-ref", 0xffffffffu, &ref)) &&
        (rc = xb_fe_read_uint(dev, "ring-ref0", 0xffffffffu, &ref))) {
        xb_dev_error(dev, rc, "reading ring-ref");
        return rc;
    }
    if ((rc = xb_fe_read_uint(dev, "event-channel", 0xffffffffu, &port))) {
        xb_dev_error(dev, rc, "reading event-channel");
        return rc;
    }
    rc = xb_fe_read(dev, "protocol", proto, sizeof(proto));
    if (rc != -ENOENT && (rc || strcmp(proto, XEN_IO_PROTO_ABI_X86_32))) {
        xb_dev_error(dev, -EOPNOTSUPP, "protocol '%s': only " XEN_IO_PROTO_ABI_X86_32
                     " is served", rc ? "?" : proto);
        return -EOPNOTSUPP;
    }
    if ((rc = xb_fe_read_uint(dev, "feature-persistent", 1, &pers)) && rc != -ENOENT) {
        xb_dev_error(dev, rc, "reading feature-persistent");
        return rc;
    }
    bi->persistent = pers == 1;
    if ((rc = blkif_connect(bi, (uint32_t)ref, (uint32_t)port))) {
        xb_dev_error(dev, rc, "mapping ring %llu, binding port %llu", (unsigned long long)ref,
                     (unsigned long long)port);
        return rc;
    }
    return 0;
}

static void disconnect(struct xb_dev *dev)
{
    blkif_disconnect(dev->priv);
}

static void remove_dev(struct xb_dev *dev)
{
    struct blkif *bi = dev->priv;

    if (!bi)
        return;
    bi->dev = NULL;
    bi->removed = true;
    dev->priv = NULL;
    if ((bi->zombie = bi->inflight != 0))
        printf("vbd %u/%u: removed with %u requests at the disk: %u pages stay "
               "mapped until they complete\n", bi->domid, bi->devid, bi->inflight, bi->mapped);
    blkif_maybe_free(bi);
}

static void describe(struct xb_dev *dev, char *buf, size_t size)
{
    struct blkif *bi = dev->priv;

    if (!bi) {
        snprintf(buf, size, "(no disk)");
        return;
    }
    snprintf(buf, size, "%s %llu sectors %s%s: %u in flight, %u grants mapped (%u persistent), "
             "%llu requests, %llu errors, %llu bad%s",
             bi->vbd.target, (unsigned long long)bi->vbd.sectors, bi->vbd.ro ? "ro" : "rw",
             bi->persistent ? " persistent" : "", bi->inflight, bi->mapped, bi->npg,
             (unsigned long long)bi->st.requests, (unsigned long long)bi->st.errors,
             (unsigned long long)bi->st.bad, bi->copy ? "; data by grant copy" : "");
}

static const struct xb_driver driver = {
    .type = "vbd",
    .probe = probe,
    .connect = connect,
    .disconnect = disconnect,
    .remove = remove_dev,
    .describe = describe,
};

int blkback_init(void)
{
    return xb_register(&driver);
}

int blkback_disk_check(const struct disk_spec *d, char *err, size_t errlen)
{
    if (d->format && strcmp(d->format, "raw")) {
        snprintf(err, errlen, "format '%s': only raw images are served", d->format);
        return -EINVAL;
    }
    return vbd_check(d->target, d->readonly || d->cdrom, err, errlen);
}

int blkback_shell_cmd(int argc, char **argv)
{
    struct blkback_totals t;

    enum blkback_data mode;

    if (argc == 3 && !strcmp(argv[1], "data")) {
        if (blkback_parse_data(argv[2], &mode)) {
            fprintf(stderr, "blkback data: '%s': want map or copy\n", argv[2]);
            return 2;
        }
        blkback_data_mode = mode;
        printf("blkback: data by grant %s for connections from now on\n", argv[2]);
        return 0;
    }
    if (argc != 1) {
        fprintf(stderr, "usage: blkback [data map|copy]\n");
        return 2;
    }
    blkback_totals(&t);
    printf("blkback: %u devices, %u requests in flight, %u grants mapped; %llu requests, "
           "%llu errors, %llu bad, %llu rings broken\n", t.devices, t.inflight, t.mapped,
           (unsigned long long)t.requests, (unsigned long long)t.errors,
           (unsigned long long)t.bad, (unsigned long long)t.rings_broken);
    printf("blkback: new connections move data by grant %s; %u bounce pages held, "
           "%llu segments copied\n", blkback_data_mode == BLKBACK_COPY ? "copy" : "map",
           t.bounce, (unsigned long long)t.copies);
    return 0;
}
