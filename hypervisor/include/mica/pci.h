/*
 * PCI as the hypervisor sees it (common/pci.c, arch/x86/pci_cfg.c).
 *
 * The hypervisor does not enumerate or drive PCI devices: the initial
 * domain does, through configuration mechanism 1 (ports 0xcf8/0xcfc),
 * which the hypervisor emulates for it (pci_cfg.c) so that it can keep
 * for itself what it must own:
 *
 *   - the MSI capability (message control, address, data, mask bits) and
 *     the MSI-X message control word of every device: the hypervisor
 *     programs them when the initial domain maps an MSI (PHYSDEVOP
 *     map_pirq), so a domain can never aim a device's interrupt message
 *     at a vector or CPU the hypervisor uses;
 *   - the configuration space of devices the hypervisor uses itself
 *     (pci_ro= on its command line): read-only to every guest.
 *
 * Devices are named by segment-less BDF (bus << 8 | dev << 3 | fn):
 * mechanism 1 reaches segment 0 only, and so does Mica.
 *
 * The generic part (capability walk, which bytes a guest may write) is
 * pure and host-tested; the arch part provides the raw accessors.
 */
#ifndef MICA_PCI_H
#define MICA_PCI_H

#include <mica/types.h>

#define PCI_BDF(b, d, f)   ((uint16_t)(((b) << 8) | ((d) << 3) | (f)))
#define PCI_BUS(bdf)       (((bdf) >> 8) & 0xff)
#define PCI_SLOT(bdf)      (((bdf) >> 3) & 0x1f)
#define PCI_FUNC(bdf)      ((bdf) & 7)

/* Standard configuration registers and capability IDs used here. */
#define PCI_VENDOR_ID      0x00
#define PCI_COMMAND        0x04
#define PCI_STATUS         0x06
#define PCI_HEADER_TYPE    0x0e
#define PCI_CAPABILITY_LIST 0x34
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CAP_ID_MSI     0x05
#define PCI_CAP_ID_MSIX    0x11

/* MSI capability layout (offsets from the capability). */
#define PCI_MSI_FLAGS      2            /* message control, 16 bits */
#define PCI_MSI_FLAGS_ENABLE  0x0001
#define PCI_MSI_FLAGS_QMASK   0x000e    /* multiple message capable (log2) */
#define PCI_MSI_FLAGS_QSIZE   0x0070    /* multiple message enable (log2) */
#define PCI_MSI_FLAGS_64BIT   0x0080
#define PCI_MSI_FLAGS_MASKBIT 0x0100
#define PCI_MSI_ADDRESS_LO 4

/* MSI-X capability layout. */
#define PCI_MSIX_FLAGS     2
#define PCI_MSIX_FLAGS_QSIZE  0x07ff    /* table size - 1 */
#define PCI_MSIX_FLAGS_MASKALL 0x4000
#define PCI_MSIX_FLAGS_ENABLE 0x8000
#define PCI_MSIX_TABLE     4            /* BIR (bits 0-2) and offset */
#define PCI_MSIX_PBA       8

/* ---- arch contract (arch/x86/pci_cfg.c; the host tests fake them) ---- */

/* Read/write `size` (1, 2, 4) bytes at `reg` (aligned to size, < 256) of
 * device bdf on segment 0.  A read of an absent device is all-ones. */
uint32_t arch_pci_conf_read(uint16_t bdf, unsigned int reg, unsigned int size);
void arch_pci_conf_write(uint16_t bdf, unsigned int reg, unsigned int size, uint32_t val);

/* ---- generic (common/pci.c) ---- */

/* Offset of the first capability `id` of bdf, 0 if none (or no device).
 * The walk stops after 48 entries, so a looping list cannot hang it. */
unsigned int pci_find_cap(uint16_t bdf, uint8_t id);

/* Bytes of the MSI capability at `pos`, from its message control word. */
unsigned int pci_msi_cap_size(uint16_t msi_flags);

/*
 * Which bytes of a guest's write of `size` bytes at `reg` of bdf must be
 * dropped: bit i set = byte reg + i is the hypervisor's.  0 = the write
 * may go through whole.
 */
unsigned int pci_cfg_write_protected(uint16_t bdf, unsigned int reg, unsigned int size);

/*
 * The device list (Xen's pdev list): every function found at boot
 * (pci_scan, all 256 buses), plus those the initial domain reports with
 * the PCI bookkeeping PHYSDEVOPs (a hot-plugged device, or one behind a
 * bridge it configured), minus those it removes.  MSI is set up only for
 * listed functions.  PCI_MAX_DEVS entries; flags are XEN_PCI_DEV_*.
 */
#define PCI_MAX_DEVS 512
void pci_scan(void);
bool pci_dev_known(uint16_t bdf);
/* 0, -ENOMEM (list full).  A known function is updated; a virtual
 * function's physical function is added with it (Xen's rule). */
int pci_dev_add(uint16_t bdf, uint32_t flags, uint16_t physfn);
/* 0, -ENODEV (not listed), -EBUSY (MSI in use: unmap it first). */
int pci_dev_remove(uint16_t bdf);
unsigned int pci_dev_count(void);

/* arch: does the function have MSI or MSI-X in use (msi.c)? re-program
 * its messages after a reset (restore_msi). */
bool arch_msi_in_use(uint16_t bdf);
void arch_msi_restore(uint16_t bdf);

/* pci_ro=BB:DD.F[,...]: devices the hypervisor keeps read-only. */
int pci_parse_ro(const char *s);
bool pci_is_ro(uint16_t bdf);

#endif
