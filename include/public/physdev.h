/*
 * public/physdev.h - physdev_op(cmd, arg): physical-device helpers.
 *
 * For an ordinary PV guest the useful part is small: PHYSDEVOP_set_iopl
 * gives the vCPU a virtual IOPL (port I/O and cli/sti from ring 1, which
 * old i386 Linux asks for) and PHYSDEVOP_set_iobitmap a port bitmap.  The
 * rest manage physical interrupts and PCI devices for a control domain.
 * The legacy physdev_op_compat hypercall (19) takes a struct physdev_op:
 * the command followed by the argument union.
 */
#ifndef MICA_PUBLIC_PHYSDEV_H
#define MICA_PUBLIC_PHYSDEV_H

#include "xen.h"

#define PHYSDEVOP_IRQ_UNMASK_NOTIFY     4   /* obsolete, unsupported */
#define PHYSDEVOP_irq_status_query      5
#define PHYSDEVOP_set_iopl              6
#define PHYSDEVOP_set_iobitmap          7
#define PHYSDEVOP_apic_read             8
#define PHYSDEVOP_apic_write            9
#define PHYSDEVOP_alloc_irq_vector      10
#define PHYSDEVOP_free_irq_vector       11
#define PHYSDEVOP_eoi                   12
#define PHYSDEVOP_map_pirq              13
#define PHYSDEVOP_unmap_pirq            14
#define PHYSDEVOP_manage_pci_add        15
#define PHYSDEVOP_manage_pci_remove     16
#define PHYSDEVOP_pirq_eoi_gmfn_v1      17
#define PHYSDEVOP_restore_msi           19
#define PHYSDEVOP_manage_pci_add_ext    20
#define PHYSDEVOP_setup_gsi             21
#define PHYSDEVOP_get_free_pirq         23
#define PHYSDEVOP_pci_mmcfg_reserved    24
#define PHYSDEVOP_pci_device_add        25
#define PHYSDEVOP_pci_device_remove     26
#define PHYSDEVOP_restore_msi_ext       27
#define PHYSDEVOP_pirq_eoi_gmfn_v2      28
#define PHYSDEVOP_pirq_eoi_gmfn         PHYSDEVOP_pirq_eoi_gmfn_v2

/* Old upper-case names. */
#define PHYSDEVOP_IRQ_STATUS_QUERY      PHYSDEVOP_irq_status_query
#define PHYSDEVOP_SET_IOPL              PHYSDEVOP_set_iopl
#define PHYSDEVOP_SET_IOBITMAP          PHYSDEVOP_set_iobitmap
#define PHYSDEVOP_APIC_READ             PHYSDEVOP_apic_read
#define PHYSDEVOP_APIC_WRITE            PHYSDEVOP_apic_write
#define PHYSDEVOP_ASSIGN_VECTOR         PHYSDEVOP_alloc_irq_vector
#define PHYSDEVOP_FREE_VECTOR           PHYSDEVOP_free_irq_vector

/* physdev_irq_status_query.flags. */
#define _XENIRQSTAT_needs_eoi           0   /* call PHYSDEVOP_eoi when done */
#define XENIRQSTAT_needs_eoi            (1 << _XENIRQSTAT_needs_eoi)
#define _XENIRQSTAT_shared              1   /* shared with other domains */
#define XENIRQSTAT_shared               (1 << _XENIRQSTAT_shared)
#define PHYSDEVOP_IRQ_NEEDS_UNMASK_NOTIFY XENIRQSTAT_needs_eoi
#define PHYSDEVOP_IRQ_SHARED            XENIRQSTAT_shared

/* physdev_map_pirq.type. */
#define MAP_PIRQ_TYPE_MSI               0
#define MAP_PIRQ_TYPE_GSI               1
#define MAP_PIRQ_TYPE_UNKNOWN           2
#define MAP_PIRQ_TYPE_MSI_SEG           3

#ifndef __ASSEMBLY__

/* 4 bytes. */
struct physdev_eoi {
    uint32_t irq;
};
typedef struct physdev_eoi physdev_eoi_t;

/* 4 bytes. */
struct physdev_pirq_eoi_gmfn {
    xen_pfn_t gmfn;
};
typedef struct physdev_pirq_eoi_gmfn physdev_pirq_eoi_gmfn_t;

/* 8 bytes. */
struct physdev_irq_status_query {
    uint32_t irq;                   /* IN */
    uint32_t flags;                 /* OUT: XENIRQSTAT_* */
};
typedef struct physdev_irq_status_query physdev_irq_status_query_t;

/* 4 bytes. */
struct physdev_set_iopl {
    uint32_t iopl;                  /* 0-3 */
};
typedef struct physdev_set_iopl physdev_set_iopl_t;

/* 8 bytes. */
struct physdev_set_iobitmap {
    XEN_GUEST_HANDLE(uint8) bitmap; /* 1 bit per port, 1 = denied */
    uint32_t nr_ports;
};
typedef struct physdev_set_iobitmap physdev_set_iobitmap_t;

/* 12 bytes. */
struct physdev_apic {
    xen_ulong_t apic_physbase;      /* IN */
    uint32_t    reg;                /* IN */
    uint32_t    value;              /* IN or OUT */
};
typedef struct physdev_apic physdev_apic_t;

/* 8 bytes. */
struct physdev_irq {
    uint32_t irq;                   /* IN */
    uint32_t vector;                /* IN or OUT */
};
typedef struct physdev_irq physdev_irq_t;

/* 36 bytes. */
struct physdev_map_pirq {
    domid_t          domid;
    int32_t          type;          /* MAP_PIRQ_TYPE_* */
    int32_t          index;
    int32_t          pirq;          /* IN or OUT */
    int32_t          bus;           /* bits 31:16: segment (MSI_SEG) */
    int32_t          devfn;
    int32_t          entry_nr;
    uint64_aligned_t table_base;
};
typedef struct physdev_map_pirq physdev_map_pirq_t;

/* 8 bytes. */
struct physdev_unmap_pirq {
    domid_t domid;
    int32_t pirq;
};
typedef struct physdev_unmap_pirq physdev_unmap_pirq_t;

/* 2 bytes. */
struct physdev_manage_pci {
    uint8_t bus;
    uint8_t devfn;
};
typedef struct physdev_manage_pci physdev_manage_pci_t;

/* 8 bytes. */
struct physdev_get_free_pirq {
    int32_t  type;                  /* IN: MAP_PIRQ_TYPE_* */
    uint32_t pirq;                  /* OUT */
};
typedef struct physdev_get_free_pirq physdev_get_free_pirq_t;

/* 8 bytes. */
struct physdev_setup_gsi {
    int32_t gsi;
    uint8_t triggering;             /* 0 edge, 1 level */
    uint8_t polarity;               /* 0 active high, 1 active low */
};
typedef struct physdev_setup_gsi physdev_setup_gsi_t;

/* 16 bytes. */
struct physdev_manage_pci_ext {
    uint8_t bus;
    uint8_t devfn;
    uint32_t is_extfn;
    uint32_t is_virtfn;
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn;
};
typedef struct physdev_manage_pci_ext physdev_manage_pci_ext_t;

/* 4 bytes. */
struct physdev_pci_device {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
};
typedef struct physdev_pci_device physdev_pci_device_t;

/* physdev_pci_device_add.flags. */
#define XEN_PCI_DEV_EXTFN               0x1
#define XEN_PCI_DEV_VIRTFN              0x2
#define XEN_PCI_DEV_PXM                 0x4

/* 12 bytes (then optional PXM words). */
struct physdev_pci_device_add {
    uint16_t seg;
    uint8_t bus;
    uint8_t devfn;
    uint32_t flags;
    struct {
        uint8_t bus;
        uint8_t devfn;
    } physfn;
};
typedef struct physdev_pci_device_add physdev_pci_device_add_t;

/* 2 bytes. */
struct physdev_restore_msi {
    uint8_t bus;
    uint8_t devfn;
};
typedef struct physdev_restore_msi physdev_restore_msi_t;

/* physdev_pci_mmcfg_reserved.flags. */
#define XEN_PCI_MMCFG_RESERVED          0x1

/* 16 bytes. */
struct physdev_pci_mmcfg_reserved {
    uint64_aligned_t address;
    uint16_t segment;
    uint8_t start_bus;
    uint8_t end_bus;
    uint32_t flags;
};
typedef struct physdev_pci_mmcfg_reserved physdev_pci_mmcfg_reserved_t;

/* Argument of the legacy physdev_op_compat.  16 bytes. */
struct physdev_op {
    uint32_t cmd;                   /* PHYSDEVOP_* */
    union {
        struct physdev_irq_status_query irq_status_query;
        struct physdev_set_iopl         set_iopl;
        struct physdev_set_iobitmap     set_iobitmap;
        struct physdev_apic             apic_op;
        struct physdev_irq              irq_op;
    } u;
};
typedef struct physdev_op physdev_op_t;

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_PHYSDEV_H */
