/*
 * The virtio PCI transport, legacy interface (virtio 0.9.5), for Dom0's
 * virtio drivers (virtio_pci.c).
 *
 * Why legacy (docs/devices.md has the whole argument): its registers are
 * an I/O-port BAR (BAR0), its interrupt is the INTx line, and its queues
 * are one page-frame number each -- everything Dom0 reaches today through
 * port I/O and GSI PIRQs.  The modern (1.0) interface needs MMIO BARs
 * mapped into Dom0 and, to be useful, MSI-X; both are the hypervisor's
 * next device-access steps.  QEMU's virtio-*-pci devices on the PC
 * machine are transitional (they offer both), so nothing is lost;
 * `disable-legacy=on` makes a modern-only device (ids 0x1041+), which the
 * drivers name and leave alone.
 *
 *   BAR0 (I/O)  0x00 device features  0x04 driver features  0x08 queue PFN
 *               0x0c queue size  0x0e queue select  0x10 queue notify
 *               0x12 status  0x13 ISR (read: acknowledges)  0x14 device config
 *
 * MSI-X stays disabled, so the device config starts at 0x14 and the
 * interrupt is INTx.
 */
#ifndef DOM0_DRIVERS_VIRTIO_PCI_H
#define DOM0_DRIVERS_VIRTIO_PCI_H

#include "pci.h"
#include "hw.h"
#include "virtq.h"

#define VIRTIO_VENDOR           0x1af4
#define VIRTIO_LEGACY_NET       0x1000
#define VIRTIO_LEGACY_BLK       0x1001
#define VIRTIO_MODERN_BASE      0x1040  /* + device type: 0x1041 net, 0x1042 blk */

#define VIRTIO_STATUS_ACK       1
#define VIRTIO_STATUS_DRIVER    2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FAILED    0x80

#define VIRTIO_ISR_QUEUE        1
#define VIRTIO_ISR_CONFIG       2

#define VIRTIO_F_NOTIFY_ON_EMPTY 24
#define VIRTIO_F_ANY_LAYOUT     27

#define VIRTIO_MAX_QUEUES       2

struct virtio_dev {
    struct pci_dev *pci;
    const char *name;           /* "vda", "eth0": for messages */
    uint16_t io;                /* BAR0 */
    uint32_t features;          /* accepted */
    struct hw_irq irq;
    struct virtq vq[VIRTIO_MAX_QUEUES];
    void *ring[VIRTIO_MAX_QUEUES];
    unsigned int ring_pages[VIRTIO_MAX_QUEUES];
    unsigned int nr_queues;
    uint64_t notifies;
};

/* Does this PCI function look like a legacy virtio device of `type`
 * (1 net, 2 blk)?  A modern-only one gets a message and false. */
bool virtio_pci_match(struct pci_dev *pci, unsigned int type, const char *what);

/* Take the device: I/O decoding and bus mastering on, reset, ACK and
 * DRIVER set, then accept `wanted` & the device's features: 0 or -errno. */
int virtio_pci_start(struct virtio_dev *vd, struct pci_dev *pci, const char *name,
                     uint32_t wanted);
/* Set up queue i in the size the device dictates: 0 or -errno. */
int virtio_pci_queue(struct virtio_dev *vd, unsigned int i);
/* Attach the interrupt handler to the device's INTx line and set
 * DRIVER_OK: 0 or -errno. */
int virtio_pci_go(struct virtio_dev *vd, hw_irq_fn *fn, void *arg);
/* Reset the device and release queues and interrupt (a failed probe). */
void virtio_pci_stop(struct virtio_dev *vd);

/* Has the device left the bus (unplugged: its vendor ID reads all-ones)? */
bool virtio_pci_gone(struct virtio_dev *vd);

/* Tell the device queue i has new buffers (if it wants to know). */
void virtio_pci_kick(struct virtio_dev *vd, unsigned int i);
/* Read (and so acknowledge) the ISR status. */
uint8_t virtio_pci_isr(struct virtio_dev *vd);
/* Device configuration. */
uint8_t virtio_cfg8(struct virtio_dev *vd, unsigned int off);
uint16_t virtio_cfg16(struct virtio_dev *vd, unsigned int off);
uint32_t virtio_cfg32(struct virtio_dev *vd, unsigned int off);
uint64_t virtio_cfg64(struct virtio_dev *vd, unsigned int off);

static inline bool virtio_has(const struct virtio_dev *vd, unsigned int bit)
{
    return vd->features & (1u << bit);
}

/* Machine addresses of [va, va+len) split at page boundaries into at most
 * max pieces: how many, or -E2BIG / -EFAULT (not mapped). */
int virtio_split(const void *va, uint32_t len, bool device_writes,
                 struct virtq_buf *out, unsigned int max);

#endif
