/*
 * What Dom0's device drivers need from its kernel (hw.c): port I/O,
 * memory a device can reach by DMA, and device interrupts.
 *
 *                 tools (blk, net, lspci; the split-driver backends)
 *                   | os_blk.h, os_net.h  (the driver interfaces)
 *   drivers/  virtio_blk.c  virtio_net.c     blkdev.c  netport.c (registries)
 *                   | virtio_pci.c (legacy transport), virtq.c (rings)
 *                   | pci.c (enumeration) over pci_conf.h (config access)
 *                   | hw.h: port I/O, DMA memory, interrupts   <- this file
 *   kernel/   frames, P2M, events, the hypervisor's PHYSDEVOPs
 *
 * Port I/O.  Dom0 runs in ring 1 with its virtual IOPL raised to 1
 * (PHYSDEVOP_set_iopl, hw_init), so IN and OUT fault and the hypervisor
 * performs them for it (docs/devices.md): a port access costs a trap, which
 * is why the legacy virtio transport touches its registers as rarely as it
 * can (one notify per batch, one ISR read per interrupt).
 *
 * DMA.  A device sees machine addresses.  Dom0's pseudo-physical frames are
 * machine frames in the P2M's order, not necessarily contiguous, so:
 *   - hw_dma_maddr() translates any Dom0 address a driver is handed -- the
 *     direct map through the P2M, the mapping window (grant and foreign
 *     maps, e.g. a guest's granted page in blkback) through its PTE;
 *   - a buffer that spans pages is split at page boundaries into one
 *     descriptor per piece (virtio chains descriptors; see virtq.h), so
 *     no caller ever needs machine-contiguous memory for data;
 *   - the one thing that must be contiguous, a legacy virtqueue (the
 *     device takes a single page-frame number for the whole ring), comes
 *     from hw_dma_alloc(): frames whose P2M entries happen to be
 *     consecutive are used as they are, otherwise they are swapped with
 *     XENMEM_exchange for one machine-contiguous extent below 4 GiB.
 * Without an IOMMU a device can write anywhere: Dom0 and its drivers are
 * trusted with the whole machine (docs/devices.md, "DMA").
 *
 * Interrupts.  A driver attaches a handler to a GSI (the INTx line the
 * firmware routed, config register 0x3c).  The first attach maps the GSI
 * to a PIRQ (PHYSDEVOP_map_pirq) and binds it to an event channel
 * (EVTCHNOP_bind_pirq, shareable); every later one on the same GSI joins
 * the line's handler list, since PCI lines are shared.  When the port
 * fires, the main loop runs every handler of the line, each reading its
 * device's interrupt status (a handler that finds nothing returns false),
 * then sends PHYSDEVOP_eoi, which lets the hypervisor unmask the level
 * line: the device has been served by then, so the line is low again
 * unless there is more work, in which case it fires again at once.
 */
#ifndef DOM0_DRIVERS_HW_H
#define DOM0_DRIVERS_HW_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

/* ---- port I/O (faults into the hypervisor, which performs it) ---- */

static inline uint8_t hw_inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile ("inb %1, %0" : "=a" (v) : "Nd" (port) : "memory");
    return v;
}
static inline uint16_t hw_inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile ("inw %1, %0" : "=a" (v) : "Nd" (port) : "memory");
    return v;
}
static inline uint32_t hw_inl(uint16_t port)
{
    uint32_t v;
    __asm__ volatile ("inl %1, %0" : "=a" (v) : "Nd" (port) : "memory");
    return v;
}
static inline void hw_outb(uint16_t port, uint8_t v)
{
    __asm__ volatile ("outb %0, %1" :: "a" (v), "Nd" (port) : "memory");
}
static inline void hw_outw(uint16_t port, uint16_t v)
{
    __asm__ volatile ("outw %0, %1" :: "a" (v), "Nd" (port) : "memory");
}
static inline void hw_outl(uint16_t port, uint32_t v)
{
    __asm__ volatile ("outl %0, %1" :: "a" (v), "Nd" (port) : "memory");
}

/* Raise the virtual IOPL so port accesses are attempted (boot): 0 or -errno. */
int hw_init(void);

/* ---- DMA ---- */

/* n pages (zeroed) at consecutive machine frames below 4 GiB, or NULL. */
void *hw_dma_alloc(unsigned int n);
void hw_dma_free(void *va, unsigned int n);
/* The machine address of a byte of Dom0's memory (direct map or window);
 * 0 if the address is not mapped. */
uint64_t hw_dma_maddr(const void *va);
/* Allocations that needed XENMEM_exchange so far. */
unsigned int hw_dma_exchanges(void);

/* ---- interrupts ---- */

/* Returns true if its device had raised the interrupt. */
typedef bool hw_irq_fn(void *arg);

struct hw_irq {
    hw_irq_fn *fn;
    void *arg;
    struct hw_irq *next;
    struct hw_line *line;
    uint64_t count;         /* times fn claimed the interrupt */
    uint64_t unclaimed;     /* times the line fired and fn found nothing */
};

/* Attach fn(arg) to a GSI: 0 or -errno (map_pirq/bind_pirq's answer). */
int hw_irq_attach(struct hw_irq *h, unsigned int gsi, hw_irq_fn *fn, void *arg);
/* Detach; the last handler of a line closes its port and unmaps the PIRQ. */
void hw_irq_detach(struct hw_irq *h);
/* Run a line's handlers as if it had fired (a spurious interrupt, for the
 * tests; the EOI is sent as for a real one): how many handlers claimed it. */
int hw_irq_simulate(struct hw_irq *h);
/* The PIRQ and event channel of a handler's line. */
void hw_irq_where(const struct hw_irq *h, int *pirq, int *port);
/* Interrupts the line of h took in all, and those no handler claimed. */
void hw_irq_line_stats(const struct hw_irq *h, uint64_t *fired, uint64_t *nobody);

/* A PCI function has left the bus: tell the hypervisor's device list
 * (PHYSDEVOP_manage_pci_remove, as Linux's Xen PCI notifier does): 0 or
 * -errno (-ENOSYS/-EPERM from a hypervisor that keeps no list). */
int hw_pci_removed(uint16_t bdf);

/* The `irqs` shell command (lines, counts, simulated spurious firings). */
int hw_irqs_main(int argc, char **argv);

#endif
