/*
 * virtio-blk: a disk behind the os_blk.h interface, on the legacy virtio
 * PCI transport (virtio_pci.h), one request queue, completion by
 * interrupt.
 *
 * A request is one descriptor chain:
 *
 *   header (16 B, device reads: type, reserved, sector)
 *   data pieces (one per page piece of each segment; the device writes
 *                them for a read, reads them for a write; none for a flush)
 *   status (1 B, device writes: OK 0, IOERR 1, UNSUPP 2)
 *
 * Headers and status bytes live in one DMA page, a 32-byte slot per
 * request in flight (MAX_SLOTS of them), so a request needs no allocation.
 * The status byte is set to 0xff before submission: a device that
 * "completes" a request without writing it has failed it (-EIO).
 *
 * Features taken: RO (the disk refuses writes; the registry refuses them
 * before they reach the device), BLK_SIZE (reported only: requests are in
 * 512-byte sectors whatever the block size), SEG_MAX (bounds the pieces
 * of one request), FLUSH (the device has a write cache; without it a
 * flush completes at once from the main loop), config changes (a resized
 * disk: the new capacity is read at the config interrupt).
 *
 * An unplugged device completes nothing and answers all-ones.  A watchdog
 * runs while requests are in flight: if WATCHDOG_NS pass without a single
 * completion it looks at the device's vendor ID; a device that has left
 * the bus is declared gone -- every request in flight completes with
 * -ENODEV, later ones are refused with -ENODEV, the queue's memory is
 * kept (the device cannot use it any more, but nothing proves it never
 * will: a frame a device might still write is never reused).  A device
 * that is still there is only slow: the watchdog counts a stall and waits
 * on.  An ISR that reads all-ones (nothing behind the BAR) triggers the
 * same check at once.
 */
#include "devices.h"
#include "virtio_pci.h"
#include "../kernel/kernel.h"
#include "../kernel/loop.h"
#include "../kernel/time.h"
#include <stdlib.h>
#include <errno.h>

#define VIRTIO_BLK_F_SEG_MAX    2
#define VIRTIO_BLK_F_RO         5
#define VIRTIO_BLK_F_BLK_SIZE   6
#define VIRTIO_BLK_F_FLUSH      9

#define CFG_CAPACITY    0
#define CFG_SEG_MAX     12
#define CFG_BLK_SIZE    20

#define T_IN    0
#define T_OUT   1
#define T_FLUSH 4

#define S_OK        0
#define S_IOERR     1
#define S_UNSUPP    2

#define MAX_SLOTS   32
#define MAX_PIECES  64
#define SLOT_BYTES  32
#define WATCHDOG_NS (2 * NS_PER_S)

struct vblk {
    struct virtio_dev vd;
    struct os_blk *bd;
    uint8_t *slots_page;                    /* headers and status bytes */
    struct os_blk_req *slot[MAX_SLOTS];
    unsigned int max_pieces;
    /* flushes on a disk without a cache, completed from the loop */
    struct os_blk_req *instant[MAX_SLOTS];
    unsigned int nr_instant;
    struct kwork instant_work;
    uint64_t interrupts, spurious, config_changes;
    bool dead;                              /* no interrupt, or gone: refuses all */
    unsigned int inflight;
    uint64_t completions, watched;          /* the watchdog's progress marks */
    uint64_t stalls;
    struct ktimer watchdog;
};

static int slot_alloc(struct vblk *vb)
{
    for (int i = 0; i < MAX_SLOTS; i++)
        if (!vb->slot[i])
            return i;
    return -1;
}

static int status_to_errno(uint8_t s)
{
    switch (s) {
    case S_OK:
        return 0;
    case S_UNSUPP:
        return -EOPNOTSUPP;
    default:
        return -EIO;            /* IOERR, or the device wrote nothing */
    }
}

static void run_instant(void *arg)
{
    struct vblk *vb = arg;

    while (vb->nr_instant) {
        struct os_blk_req *req = vb->instant[--vb->nr_instant];
        blkdev_complete(vb->bd, req, 0);
    }
}

static int vblk_submit(void *priv, struct os_blk_req *req)
{
    struct vblk *vb = priv;
    struct virtq_buf bufs[MAX_PIECES + 2];
    unsigned int n = 1;
    int s, rc;

    if (vb->dead)
        return -ENODEV;
    if (req->op == OS_BLK_FLUSH && !virtio_has(&vb->vd, VIRTIO_BLK_F_FLUSH)) {
        if (vb->nr_instant == MAX_SLOTS)
            return -EAGAIN;
        vb->instant[vb->nr_instant++] = req;
        kwork_queue(&vb->instant_work);
        return 0;
    }
    if ((s = slot_alloc(vb)) < 0)
        return -EAGAIN;
    uint8_t *hdr = vb->slots_page + s * SLOT_BYTES;
    uint32_t type = req->op == OS_BLK_READ ? T_IN : req->op == OS_BLK_WRITE ? T_OUT : T_FLUSH;
    uint64_t sector = req->op == OS_BLK_FLUSH ? 0 : req->sector;
    memcpy(hdr, &type, 4);
    memset(hdr + 4, 0, 4);
    memcpy(hdr + 8, &sector, 8);
    hdr[16] = 0xff;
    bufs[0] = (struct virtq_buf){ hw_dma_maddr(hdr), 16, false };
    for (unsigned int i = 0; i < req->nr_segs; i++) {
        if (req->seg[i].maddr) {                /* the caller knows it: one page */
            if (n > 1 && bufs[n - 1].maddr + bufs[n - 1].len == req->seg[i].maddr) {
                bufs[n - 1].len += req->seg[i].len;     /* machine-contiguous */
                continue;
            }
            if (n - 1 == vb->max_pieces)
                return -E2BIG;
            bufs[n++] = (struct virtq_buf){ req->seg[i].maddr, req->seg[i].len,
                                            req->op == OS_BLK_READ };
            continue;
        }
        rc = virtio_split(req->seg[i].buf, req->seg[i].len, req->op == OS_BLK_READ,
                          &bufs[n], vb->max_pieces - (n - 1));
        if (rc < 0)
            return rc;
        n += (unsigned int)rc;
    }
    bufs[n++] = (struct virtq_buf){ hw_dma_maddr(hdr + 16), 1, true };
    rc = virtq_add(&vb->vd.vq[0], bufs, n, &vb->slot[s]);
    if (rc)
        return rc == -ENOSPC ? -EAGAIN : rc;
    vb->slot[s] = req;
    vb->inflight++;
    if (!vb->watchdog.armed) {
        vb->watched = vb->completions;
        ktimer_set(&vb->watchdog, now_ns() + WATCHDOG_NS);
    }
    virtio_pci_kick(&vb->vd, 0);
    return 0;
}

static void vblk_stats(void *priv, struct os_blk_stats *st)
{
    struct vblk *vb = priv;

    st->interrupts = vb->interrupts;
    st->spurious = vb->spurious;
}

static const struct blkdev_ops vblk_ops = {
    .submit = vblk_submit,
    .stats = vblk_stats,
};

static void drain(struct vblk *vb)
{
    void *c;

    while ((c = virtq_get(&vb->vd.vq[0], NULL))) {
        unsigned int s = (unsigned int)((struct os_blk_req **)c - vb->slot);
        struct os_blk_req *req = vb->slot[s];
        int status = status_to_errno(vb->slots_page[s * SLOT_BYTES + 16]);
        vb->slot[s] = NULL;
        vb->inflight--;
        vb->completions++;
        blkdev_complete(vb->bd, req, status);
    }
}

static void fail_one(void *cookie, void *arg)
{
    struct vblk *vb = arg;
    unsigned int s = (unsigned int)((struct os_blk_req **)cookie - vb->slot);
    struct os_blk_req *req = vb->slot[s];

    vb->slot[s] = NULL;
    vb->inflight--;
    blkdev_complete(vb->bd, req, -ENODEV);
}

/* The device left the bus: fail what it holds, refuse what comes. */
static void gone(struct vblk *vb)
{
    unsigned int n = vb->inflight;

    vb->dead = true;
    ktimer_cancel(&vb->watchdog);
    vb->vd.pci->driver = "virtio-blk (device gone)";
    kprintf("%s: the device is gone (unplugged): %u requests failed\n",
            blkdev_name(vb->bd), n);
    hw_pci_removed(vb->vd.pci->bdf);      /* the hypervisor's device list, if it keeps one */
    /* The interrupt handler stays attached (this may run inside it, and
     * the line may be shared): it ignores a dead device. */
    virtq_reset(&vb->vd.vq[0], fail_one, vb);
}

static void watchdog(void *arg)
{
    struct vblk *vb = arg;

    if (vb->dead || vb->inflight == 0)
        return;
    if (vb->completions == vb->watched) {
        if (virtio_pci_gone(&vb->vd)) {
            gone(vb);
            return;
        }
        vb->stalls++;
    }
    vb->watched = vb->completions;
    ktimer_set(&vb->watchdog, now_ns() + WATCHDOG_NS);
}

static bool vblk_irq(void *arg)
{
    struct vblk *vb = arg;

    if (vb->dead)
        return false;
    uint8_t isr = virtio_pci_isr(&vb->vd);

    if (!isr) {
        vb->spurious++;         /* the line's other device, or nobody */
        return false;
    }
    if (isr == 0xff && virtio_pci_gone(&vb->vd)) {
        gone(vb);
        return false;
    }
    vb->interrupts++;
    if (isr & VIRTIO_ISR_CONFIG) {
        uint64_t cap = virtio_cfg64(&vb->vd, CFG_CAPACITY);
        vb->config_changes++;
        kprintf("%s: capacity now %llu sectors\n", blkdev_name(vb->bd),
                (unsigned long long)cap);
        blkdev_resize(vb->bd, cap);
    }
    drain(vb);
    return true;
}

bool virtio_blk_probe(struct pci_dev *pci)
{
    uint32_t wanted = (1u << VIRTIO_BLK_F_SEG_MAX) | (1u << VIRTIO_BLK_F_RO) |
                      (1u << VIRTIO_BLK_F_BLK_SIZE) | (1u << VIRTIO_BLK_F_FLUSH);
    struct os_blk_info info = { .driver = "virtio-blk" };
    struct vblk *vb;
    uint32_t seg_max = MAX_PIECES, blk_size = 512;
    int rc;

    if (!virtio_pci_match(pci, 2, "block"))
        return false;
    if (!(vb = calloc(1, sizeof(*vb))))
        return false;
    vb->instant_work.fn = run_instant;
    vb->instant_work.arg = vb;
    ktimer_init(&vb->watchdog, watchdog, vb);
    rc = virtio_pci_start(&vb->vd, pci, "virtio-blk", wanted);
    if (!rc)
        rc = virtio_pci_queue(&vb->vd, 0);
    if (!rc && !(vb->slots_page = hw_dma_alloc(1)))
        rc = -ENOMEM;
    if (rc)
        goto fail;
    if (virtio_has(&vb->vd, VIRTIO_BLK_F_SEG_MAX))
        seg_max = virtio_cfg32(&vb->vd, CFG_SEG_MAX);
    if (virtio_has(&vb->vd, VIRTIO_BLK_F_BLK_SIZE))
        blk_size = virtio_cfg32(&vb->vd, CFG_BLK_SIZE);
    vb->max_pieces = MIN(MIN(seg_max, (uint32_t)MAX_PIECES), vb->vd.vq[0].size - 2u);
    if (vb->max_pieces == 0) {
        rc = -EINVAL;
        goto fail;
    }
    info.sectors = virtio_cfg64(&vb->vd, CFG_CAPACITY);
    info.read_only = virtio_has(&vb->vd, VIRTIO_BLK_F_RO);
    info.flush = virtio_has(&vb->vd, VIRTIO_BLK_F_FLUSH);
    info.max_inflight = MIN((unsigned int)MAX_SLOTS, vb->vd.vq[0].size / 3u);
    info.max_pieces = vb->max_pieces;
    if (!(vb->bd = blkdev_register(&vblk_ops, vb, &info))) {
        rc = -ENOSPC;
        goto fail;
    }
    if ((rc = virtio_pci_go(&vb->vd, vblk_irq, vb)))
        goto fail_registered;
    pci->driver = "virtio-blk";
    kprintf("%s: virtio-blk at %02x:%02x.%x, %llu sectors (%llu MiB)%s%s, "
            "block size %u, queue %u, IRQ %u\n", blkdev_name(vb->bd),
            PCI_BUS(pci->bdf), PCI_SLOT(pci->bdf), PCI_FUNC(pci->bdf),
            (unsigned long long)info.sectors, (unsigned long long)(info.sectors >> 11),
            info.read_only ? ", read-only" : "", info.flush ? ", write cache" : "",
            blk_size, vb->vd.vq[0].size, pci->irq_line);
    return true;

fail_registered:
    /* A registered disk that cannot interrupt is useless: it stays in the
     * table (names are stable) but refuses everything. */
    kprintf("%s: no interrupt (%d): disabled\n", blkdev_name(vb->bd), rc);
    vb->dead = true;
    virtio_pci_stop(&vb->vd);
    pci->driver = "virtio-blk (failed)";
    return true;
fail:
    kprintf("%02x:%02x.%x: virtio-blk setup failed (%d)\n",
            PCI_BUS(pci->bdf), PCI_SLOT(pci->bdf), PCI_FUNC(pci->bdf), rc);
    virtio_pci_stop(&vb->vd);
    hw_dma_free(vb->slots_page, 1);
    free(vb);
    return false;
}
