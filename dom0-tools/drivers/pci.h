/*
 * PCI in Dom0 (pci.c): the devices found by a scan of configuration space,
 * with their BARs (address, size, kind) and capability lists.
 *
 * pci.c reaches configuration space only through a struct pci_conf_ops
 * (two functions: read and write of 1, 2 or 4 bytes at an offset of a
 * bus/device/function), so it runs unchanged on Mica's Dom0 (pci_conf_io.c:
 * configuration mechanism 1, ports 0xcf8/0xcfc, whose accesses the
 * hypervisor performs and filters -- docs/devices.md) and in the host tests
 * (a simulated bus).  A mechanism for ECAM (MMCONFIG) would be one more
 * pci_conf_ops.
 *
 * The scan starts at bus 0 and follows PCI-to-PCI bridges to their
 * secondary buses (never a bus twice, so a loop in a broken topology ends),
 * visits functions 1-7 only of multi-function devices, and sizes each BAR
 * the standard way: decoding off in the command register, all-ones written,
 * the read-back's lowest set address bit is the size, the BAR and the
 * command register restored.  Nothing else is written; the firmware's
 * address assignment is kept (Dom0 does not reassign resources).
 */
#ifndef DOM0_DRIVERS_PCI_H
#define DOM0_DRIVERS_PCI_H

#include <stdint.h>
#include <stdbool.h>

#define PCI_BDF(b, d, f)    ((uint16_t)(((b) << 8) | ((d) << 3) | (f)))
#define PCI_BUS(bdf)        ((bdf) >> 8)
#define PCI_SLOT(bdf)       (((bdf) >> 3) & 31)
#define PCI_FUNC(bdf)       ((bdf) & 7)

/* Configuration registers used here. */
#define PCI_VENDOR_ID       0x00
#define PCI_DEVICE_ID       0x02
#define PCI_COMMAND         0x04
#define  PCI_COMMAND_IO     0x0001
#define  PCI_COMMAND_MEMORY 0x0002
#define  PCI_COMMAND_MASTER 0x0004
#define  PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS          0x06
#define  PCI_STATUS_INTERRUPT 0x0008
#define  PCI_STATUS_CAP_LIST  0x0010
#define PCI_REVISION_ID     0x08
#define PCI_CLASS_PROG      0x09
#define PCI_HEADER_TYPE     0x0e
#define PCI_BAR0            0x10
#define PCI_SECONDARY_BUS   0x19
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID    0x2e
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE  0x3c
#define PCI_INTERRUPT_PIN   0x3d

#define PCI_CAP_ID_PM       0x01
#define PCI_CAP_ID_MSI      0x05
#define PCI_CAP_ID_VNDR     0x09
#define PCI_CAP_ID_EXP      0x10
#define PCI_CAP_ID_MSIX     0x11

struct pci_conf_ops {
    /* size is 1, 2 or 4 and off is aligned to it; absent devices read as
     * all-ones. */
    uint32_t (*read)(uint16_t bdf, unsigned int off, unsigned int size);
    void (*write)(uint16_t bdf, unsigned int off, unsigned int size, uint32_t val);
};

/* Configuration mechanism 1 through ports 0xcf8/0xcfc (pci_conf_io.c). */
extern const struct pci_conf_ops pci_conf_mech1;

enum pci_bar_kind { PCI_BAR_NONE, PCI_BAR_IO, PCI_BAR_MEM32, PCI_BAR_MEM64 };

struct pci_bar {
    uint64_t addr;
    uint64_t size;          /* 0: unimplemented */
    uint8_t kind;           /* enum pci_bar_kind */
    bool prefetch;
};

#define PCI_MAX_CAPS 16

struct pci_dev {
    uint16_t bdf;
    uint16_t vendor, device, subvendor, subdevice;
    uint8_t class_code, subclass, prog_if, revision;
    uint8_t header_type;        /* bit 7 masked off */
    uint8_t irq_line, irq_pin;  /* the firmware's routing (0xff: none) */
    uint8_t secondary_bus;      /* bridges */
    struct pci_bar bar[6];      /* 6 for a device, 2 for a bridge */
    unsigned int nr_bars;
    struct { uint8_t id, off; } cap[PCI_MAX_CAPS];
    unsigned int nr_caps;
    bool caps_truncated;        /* the list was longer, or looped */
    const char *driver;         /* the driver that took it, or NULL */
    struct pci_dev *next;
};

/* Scan every bus reachable from bus 0 through `ops` (replacing an earlier
 * scan's list): the number of functions found, or -ENOMEM. */
int pci_scan(const struct pci_conf_ops *ops);
/* The devices found, in bus/device/function order. */
struct pci_dev *pci_devices(void);
/* Forget them (host tests). */
void pci_forget(void);

/* Configuration space of a device found. */
uint32_t pci_read(const struct pci_dev *d, unsigned int off, unsigned int size);
void pci_write(const struct pci_dev *d, unsigned int off, unsigned int size, uint32_t val);
/* Set bits in the command register (I/O decode, bus mastering, ...). */
void pci_command_set(const struct pci_dev *d, uint16_t set, uint16_t clear);
/* The offset of the first (after `from`: the next) capability `id`, or 0. */
unsigned int pci_find_cap(const struct pci_dev *d, uint8_t id, unsigned int from);

/* lspci (lspci.c): the shell command. */
int lspci_main(int argc, char **argv);
/* pci-eject (pci_eject.c): unplug a device from QEMU's PC (tests). */
int pci_eject_main(int argc, char **argv);

#endif
