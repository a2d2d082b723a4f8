/*
 * The virtio PCI transport, legacy interface (virtio_pci.h says why
 * legacy).  Initialisation follows the 0.9.5 order: reset, ACKNOWLEDGE,
 * DRIVER, features, queues, DRIVER_OK; a failure on the way writes
 * FAILED and resets, so the device is left quiet.
 *
 * A register access is a trapped port access (hw.h), so the hot paths
 * touch as few as possible: one notify per batch of buffers, skipped when
 * the device says it does not need one, and one ISR read per interrupt.
 */
#include "virtio_pci.h"
#include "../kernel/kernel.h"
#include <errno.h>

#define REG_DEV_FEATURES    0x00
#define REG_DRV_FEATURES    0x04
#define REG_QUEUE_PFN       0x08
#define REG_QUEUE_SIZE      0x0c
#define REG_QUEUE_SEL       0x0e
#define REG_QUEUE_NOTIFY    0x10
#define REG_STATUS          0x12
#define REG_ISR             0x13
#define REG_CONFIG          0x14

bool virtio_pci_match(struct pci_dev *pci, unsigned int type, const char *what)
{
    if (pci->vendor != VIRTIO_VENDOR || pci->driver)
        return false;
    if (pci->device == VIRTIO_MODERN_BASE + type) {
        kprintf("%02x:%02x.%x: a modern-only virtio %s device: not supported "
                "(Dom0 drives the legacy interface; use disable-legacy=off)\n",
                PCI_BUS(pci->bdf), PCI_SLOT(pci->bdf), PCI_FUNC(pci->bdf), what);
        return false;
    }
    if (pci->device < 0x1000 || pci->device > 0x103f || pci->subdevice != type)
        return false;
    if (pci->bar[0].kind != PCI_BAR_IO || pci->bar[0].size < 0x14 ||
        pci->bar[0].addr == 0 || pci->bar[0].addr + pci->bar[0].size > 0x10000) {
        kprintf("%02x:%02x.%x: virtio %s without a usable I/O BAR0: not supported\n",
                PCI_BUS(pci->bdf), PCI_SLOT(pci->bdf), PCI_FUNC(pci->bdf), what);
        return false;
    }
    return true;
}

static void set_status(struct virtio_dev *vd, uint8_t bits)
{
    hw_outb((uint16_t)(vd->io + REG_STATUS),
            (uint8_t)(hw_inb((uint16_t)(vd->io + REG_STATUS)) | bits));
}

int virtio_pci_start(struct virtio_dev *vd, struct pci_dev *pci, const char *name,
                     uint32_t wanted)
{
    memset(vd, 0, sizeof(*vd));
    vd->pci = pci;
    vd->name = name;
    vd->io = (uint16_t)pci->bar[0].addr;
    pci_command_set(pci, PCI_COMMAND_IO | PCI_COMMAND_MASTER, PCI_COMMAND_INTX_DISABLE);
    hw_outb((uint16_t)(vd->io + REG_STATUS), 0);            /* reset */
    if (hw_inb((uint16_t)(vd->io + REG_STATUS)) != 0)
        return -EIO;                                        /* not answering */
    set_status(vd, VIRTIO_STATUS_ACK);
    set_status(vd, VIRTIO_STATUS_DRIVER);
    vd->features = hw_inl((uint16_t)(vd->io + REG_DEV_FEATURES)) & wanted;
    hw_outl((uint16_t)(vd->io + REG_DRV_FEATURES), vd->features);
    return 0;
}

int virtio_pci_queue(struct virtio_dev *vd, unsigned int i)
{
    uint16_t size;
    size_t bytes;
    int rc;

    if (i >= VIRTIO_MAX_QUEUES)
        return -EINVAL;
    hw_outw((uint16_t)(vd->io + REG_QUEUE_SEL), (uint16_t)i);
    size = hw_inw((uint16_t)(vd->io + REG_QUEUE_SIZE));
    if (size == 0 || (size & (size - 1)))
        return -ENODEV;                 /* no such queue, or a bad size */
    if (hw_inl((uint16_t)(vd->io + REG_QUEUE_PFN)))
        return -EBUSY;                  /* still set up: the reset failed */
    bytes = virtq_legacy_bytes(size);
    vd->ring_pages[i] = (unsigned int)((bytes + 4095) / 4096);
    vd->ring[i] = hw_dma_alloc(vd->ring_pages[i]);
    if (!vd->ring[i])
        return -ENOMEM;
    if ((rc = virtq_init(&vd->vq[i], size, vd->ring[i]))) {
        hw_dma_free(vd->ring[i], vd->ring_pages[i]);
        vd->ring[i] = NULL;
        return rc;
    }
    hw_outl((uint16_t)(vd->io + REG_QUEUE_PFN), (uint32_t)(hw_dma_maddr(vd->ring[i]) >> 12));
    if (i + 1 > vd->nr_queues)
        vd->nr_queues = i + 1;
    return 0;
}

int virtio_pci_go(struct virtio_dev *vd, hw_irq_fn *fn, void *arg)
{
    unsigned int gsi = vd->pci->irq_line;
    int rc;

    if (vd->pci->irq_pin == 0 || gsi == 0 || gsi == 0xff)
        return -ENXIO;                  /* the firmware routed no line */
    if ((rc = hw_irq_attach(&vd->irq, gsi, fn, arg)))
        return rc;
    set_status(vd, VIRTIO_STATUS_DRIVER_OK);
    return 0;
}

void virtio_pci_stop(struct virtio_dev *vd)
{
    hw_outb((uint16_t)(vd->io + REG_STATUS), VIRTIO_STATUS_FAILED);
    hw_outb((uint16_t)(vd->io + REG_STATUS), 0);
    hw_irq_detach(&vd->irq);
    for (unsigned int i = 0; i < VIRTIO_MAX_QUEUES; i++) {
        if (!vd->ring[i])
            continue;
        virtq_destroy(&vd->vq[i]);
        hw_dma_free(vd->ring[i], vd->ring_pages[i]);
        vd->ring[i] = NULL;
    }
    pci_command_set(vd->pci, 0, PCI_COMMAND_MASTER);
}

bool virtio_pci_gone(struct virtio_dev *vd)
{
    return pci_read(vd->pci, PCI_VENDOR_ID, 2) == 0xffff;
}

void virtio_pci_kick(struct virtio_dev *vd, unsigned int i)
{
    if (virtq_should_notify(&vd->vq[i])) {
        hw_outw((uint16_t)(vd->io + REG_QUEUE_NOTIFY), (uint16_t)i);
        vd->notifies++;
    }
}

uint8_t virtio_pci_isr(struct virtio_dev *vd)
{
    return hw_inb((uint16_t)(vd->io + REG_ISR));
}

uint8_t virtio_cfg8(struct virtio_dev *vd, unsigned int off)
{
    return hw_inb((uint16_t)(vd->io + REG_CONFIG + off));
}

uint16_t virtio_cfg16(struct virtio_dev *vd, unsigned int off)
{
    return hw_inw((uint16_t)(vd->io + REG_CONFIG + off));
}

uint32_t virtio_cfg32(struct virtio_dev *vd, unsigned int off)
{
    return hw_inl((uint16_t)(vd->io + REG_CONFIG + off));
}

/* Two halves of a 64-bit field can tear if the device changes it between
 * them (a disk resized): read until the high half is stable. */
uint64_t virtio_cfg64(struct virtio_dev *vd, unsigned int off)
{
    uint32_t hi, lo;

    do {
        hi = virtio_cfg32(vd, off + 4);
        lo = virtio_cfg32(vd, off);
    } while (hi != virtio_cfg32(vd, off + 4));
    return ((uint64_t)hi << 32) | lo;
}

int virtio_split(const void *va, uint32_t len, bool device_writes,
                 struct virtq_buf *out, unsigned int max)
{
    const uint8_t *p = va;
    unsigned int n = 0;

    while (len) {
        uint32_t in_page = 4096 - ((uint32_t)(uintptr_t)p & 4095);
        uint32_t piece = len < in_page ? len : in_page;
        uint64_t ma = hw_dma_maddr(p);
        if (!ma)
            return -EFAULT;
        if (n && out[n - 1].maddr + out[n - 1].len == ma &&
            out[n - 1].device_writes == device_writes) {
            out[n - 1].len += piece;    /* machine-contiguous: one piece */
        } else {
            if (n == max)
                return -E2BIG;
            out[n].maddr = ma;
            out[n].len = piece;
            out[n].device_writes = device_writes;
            n++;
        }
        p += piece;
        len -= piece;
    }
    return (int)n;
}
