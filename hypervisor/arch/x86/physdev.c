/*
 * physdev_op (33) and physdev_op_compat (19): the guest's I/O privilege.
 *
 * A PV guest never runs with a real IOPL above 0 (pv_rules.c says why), so
 * every IN/OUT it executes faults and is emulated (emulate.c) as
 * pv_io_check() decides, with Xen's semantics (pv_io_decide()):
 *
 *   - the vCPU's own setting says whether the guest may try at all: its
 *     virtual IOPL (PHYSDEVOP_set_iopl) is at least the current ring, or
 *     its I/O bitmap (PHYSDEVOP_set_iobitmap: a guest VA and a port count,
 *     read at each access, bit clear = allowed as in a TSS) covers the
 *     port.  If neither, the guest gets #GP(0);
 *   - the domain decides whether the access reaches the hardware: only
 *     for ports it was granted (a privileged domain holds them all; others
 *     get ranges through XEN_DOMCTL_ioport_permission, iocaps.c), and never
 *     for those the hypervisor drives itself (PICs, PIT and its gate at 0x61,
 *     the RTC, COM1, PCI configuration, the ELCR and QEMU's debug-exit
 *     port) -- except that the hardware domain's accesses to the PCI
 *     configuration ports 0xcf8-0xcff are emulated for it (pci_cfg.c,
 *     which says what it sees).  Anything else reads as all-ones and its writes are dropped,
 *     as on Xen: Linux raises its virtual IOPL to 1 at boot in every
 *     domain and then probes the PIT, and must see "no PIT", not a fault.
 *
 * Both sub-ops are accepted from any domain.
 *
 * The interrupt commands (map/unmap_pirq, eoi, irq_status_query,
 * pirq_eoi_gmfn v1/v2, get_free_pirq, the legacy IRQ_UNMASK_NOTIFY) are
 * common/pirq.c's, with Xen's error codes; this file only copies
 * arguments in and results out, in Xen's order: map_pirq writes its
 * argument back whether it succeeded or not, irq_status_query and
 * get_free_pirq only on success.  setup_gsi sets a GSI's trigger and
 * polarity at the IO-APIC (ioapic.c).  The commands Xen keeps for the
 * privileged domain's PCI and IO-APIC management answer -EPERM to any
 * other domain, in Xen's order of checks (some read their argument
 * first); for the privileged domain apic_read reads the IO-APIC register
 * and alloc_irq_vector answers as Xen does (vector = irq), apic_write
 * programs a pin not in use the way Xen's ioapic_guest_write does
 * (ioapic.c: trigger and polarity, the PIRQ in the vector field mapped;
 * the vector and destination stay the hypervisor's), and the
 * PCI bookkeeping commands keep Xen's device list (common/pci.c):
 * manage_pci_add(_ext) and pci_device_add add or update a function (0),
 * the remove commands take it off (-ENODEV if unlisted, -EBUSY while it
 * has MSI in use), restore_msi(_ext) re-programs a listed function's
 * messages after a reset, pci_mmcfg_reserved answers -ENODEV for every
 * region (Mica uses no MMCONFIG; -EINVAL for unknown flags).  Segments
 * other than 0 are -ENODEV (docs/devices.md).
 *
 * physdev_op_compat (19) forwards every command, its argument being the
 * union after the command word, as Xen does.
 */
#include <mica/iocaps.h>
#include <mica/pci.h>
#include <mica/pirq.h>
#include <mica/irq.h>
#include <mica/xsm.h>
#include <asm/ioapic.h>
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/hypercall.h>
#include <mica/guest_access.h>
#include <mica/errno.h>
#include <public/xen.h>
#include <public/physdev.h>
#include <asm/pv.h>
#include <asm/pv_rules.h>
#include <asm/pci_cfg.h>

extern unsigned int opt_debug_exit_port;

static const struct { uint16_t first, last; } hv_ports[] = {
    { 0x020, 0x021 },   /* master PIC */
    { 0x040, 0x043 },   /* PIT */
    { 0x061, 0x061 },   /* PIT channel 2 gate and speaker: TSC calibration */
    { 0x070, 0x071 },   /* RTC / CMOS: the wallclock at boot */
    { 0x0a0, 0x0a1 },   /* slave PIC */
    { 0x3f8, 0x3ff },   /* COM1: the hypervisor console */
    { 0x4d0, 0x4d1 },   /* ELCR */
    { 0xcf8, 0xcff },   /* PCI configuration mechanism 1 */
};

static bool hv_owned(unsigned int port, unsigned int bytes)
{
    unsigned int last = port + bytes - 1;

    for (unsigned int i = 0; i < sizeof(hv_ports) / sizeof(hv_ports[0]); i++)
        if (port <= hv_ports[i].last && last >= hv_ports[i].first)
            return true;
    return port <= opt_debug_exit_port + 3 && last >= opt_debug_exit_port;
}

enum pv_io_verdict pv_io_check(struct vcpu *v, unsigned int ring, unsigned int port,
                               unsigned int bytes)
{
    uint8_t bits[2] = { 0xff, 0xff };
    bool have = false;

    ring = pv_iopl_cpl(v, ring);
    if (v->iopl < ring && v->iobmp_va && port + bytes <= v->iobmp_ports) {
        unsigned int n = ((port & 7) + bytes > 8) ? 2 : 1;
        have = copy_from_guest(bits, v->iobmp_va + port / 8, n) == 0;
    }
    enum pv_io_verdict how =
        pv_io_decide(ring, v->iopl, iocaps_ioport_allowed(v->domain, port, bytes),
                     hv_owned(port, bytes), port, bytes, have,
                     (uint16_t)(bits[0] | (bits[1] << 8)));

    /* The hardware domain's PCI configuration accesses are emulated
     * (pci_cfg.c) once it may try them at all. */
    if (how == PV_IO_VOID && pci_cfg_port(port, bytes) && v->domain == hardware_domain())
        how = PV_IO_PCI_CFG;
    return how;
}

static long physdev_set_iopl(const struct physdev_set_iopl *p)
{
    if (p->iopl > 3)
        return -EINVAL;
    current->iopl = (uint8_t)p->iopl;
    return 0;
}

static long physdev_set_iobitmap(const struct physdev_set_iobitmap *p)
{
    uint32_t va = (uint32_t)p->bitmap;

    if (p->nr_ports > 65536)
        return -EINVAL;
    if (p->nr_ports && !guest_range_ok(va, (p->nr_ports + 7) / 8))
        return -EFAULT;
    current->iobmp_va = p->nr_ports ? va : 0;
    current->iobmp_ports = p->nr_ports;
    return 0;
}

/* apic_write maps the caller's own PIRQs (it is the hardware domain). */
static long map_gsi_for_current(unsigned int pirq, unsigned int gsi)
{
    return pirq_map_gsi(current_domain(), pirq, gsi);
}

#define COPY_IN(x)  do { if (copy_from_guest(&(x), arg, sizeof(x))) return -EFAULT; } while (0)
#define PRIV_ONLY() do { if (xsm_check(XSM_PHYSDEV, d, NULL)) return -EPERM; } while (0)

static long physdev_op(unsigned int cmd, guest_va_t arg)
{
    struct domain *d = current_domain();
    long rc;

    switch (cmd) {
    case PHYSDEVOP_set_iopl: {
        struct physdev_set_iopl p;
        COPY_IN(p);
        return physdev_set_iopl(&p);
    }
    case PHYSDEVOP_set_iobitmap: {
        struct physdev_set_iobitmap p;
        COPY_IN(p);
        return physdev_set_iobitmap(&p);
    }
    case PHYSDEVOP_IRQ_UNMASK_NOTIFY:
        return pirq_unmask_notify(d);
    case PHYSDEVOP_eoi: {
        struct physdev_eoi p;
        COPY_IN(p);
        return pirq_eoi(d, p.irq);
    }
    case PHYSDEVOP_pirq_eoi_gmfn_v1:
    case PHYSDEVOP_pirq_eoi_gmfn_v2: {
        struct physdev_pirq_eoi_gmfn p;
        COPY_IN(p);
        return pirq_eoi_gmfn(d, p.gmfn, cmd == PHYSDEVOP_pirq_eoi_gmfn_v1);
    }
    case PHYSDEVOP_irq_status_query: {
        struct physdev_irq_status_query p;
        COPY_IN(p);
        rc = pirq_status_query(d, &p);
        if (rc == 0 && copy_to_guest(arg, &p, sizeof(p)))
            rc = -EFAULT;
        return rc;
    }
    case PHYSDEVOP_map_pirq: {
        struct physdev_map_pirq p;
        COPY_IN(p);
        rc = pirq_map(d, &p);
        if (copy_to_guest(arg, &p, sizeof(p)))
            rc = -EFAULT;
        return rc;
    }
    case PHYSDEVOP_unmap_pirq: {
        struct physdev_unmap_pirq p;
        COPY_IN(p);
        return pirq_unmap(d, p.domid, p.pirq);
    }
    case PHYSDEVOP_get_free_pirq: {
        struct physdev_get_free_pirq p;
        COPY_IN(p);
        rc = pirq_get_free(d, &p);
        if (rc == 0 && copy_to_guest(arg, &p, sizeof(p)))
            rc = -EFAULT;
        return rc;
    }
    case PHYSDEVOP_apic_read: {
        struct physdev_apic p;
        COPY_IN(p);
        PRIV_ONLY();
        rc = ioapic_guest_read(p.apic_physbase, p.reg, &p.value);
        if (copy_to_guest(arg, &p, sizeof(p)))
            rc = -EFAULT;
        return rc;
    }
    case PHYSDEVOP_apic_write: {
        struct physdev_apic p;
        COPY_IN(p);
        PRIV_ONLY();
        return ioapic_guest_write(p.apic_physbase, p.reg, p.value, map_gsi_for_current);
    }
    case PHYSDEVOP_alloc_irq_vector: {
        struct physdev_irq p;
        COPY_IN(p);
        PRIV_ONLY();
        p.vector = p.irq;               /* Xen's answer: vectors are its own */
        return copy_to_guest(arg, &p, sizeof(p)) ? -EFAULT : 0;
    }
    case PHYSDEVOP_setup_gsi: {
        struct physdev_setup_gsi p;
        PRIV_ONLY();
        COPY_IN(p);
        if (p.gsi < 0 || (unsigned int)p.gsi >= nr_irqs_gsi)
            return -EINVAL;
        return ioapic_setup_gsi((unsigned int)p.gsi, p.triggering, p.polarity);
    }
    case PHYSDEVOP_manage_pci_add:
    case PHYSDEVOP_manage_pci_remove: {
        struct physdev_manage_pci p;
        PRIV_ONLY();
        COPY_IN(p);
        if (cmd == PHYSDEVOP_manage_pci_remove)
            return pci_dev_remove(PCI_BDF(p.bus, 0, 0) | p.devfn);
        return pci_dev_add(PCI_BDF(p.bus, 0, 0) | p.devfn, 0, 0);
    }
    case PHYSDEVOP_manage_pci_add_ext: {
        struct physdev_manage_pci_ext p;
        PRIV_ONLY();
        COPY_IN(p);
        if (p.is_extfn > 1 || p.is_virtfn > 1)
            return -EINVAL;
        return pci_dev_add(PCI_BDF(p.bus, 0, 0) | p.devfn,
                           (p.is_extfn ? XEN_PCI_DEV_EXTFN : 0) |
                           (p.is_virtfn ? XEN_PCI_DEV_VIRTFN : 0),
                           PCI_BDF(p.physfn.bus, 0, 0) | p.physfn.devfn);
    }
    case PHYSDEVOP_pci_device_add: {
        struct physdev_pci_device_add p;
        uint32_t pxm;
        PRIV_ONLY();
        COPY_IN(p);
        if ((p.flags & XEN_PCI_DEV_PXM) &&
            copy_from_guest(&pxm, arg + sizeof(p), sizeof(pxm)))
            return -EFAULT;             /* the proximity word (NUMA: unused) */
        if (p.seg)
            return -ENODEV;             /* segment 0 only (mechanism 1) */
        return pci_dev_add(PCI_BDF(p.bus, 0, 0) | p.devfn, p.flags,
                           PCI_BDF(p.physfn.bus, 0, 0) | p.physfn.devfn);
    }
    case PHYSDEVOP_pci_device_remove:
    case PHYSDEVOP_restore_msi_ext: {
        struct physdev_pci_device p;
        PRIV_ONLY();
        COPY_IN(p);
        uint16_t bdf = PCI_BDF(p.bus, 0, 0) | p.devfn;
        if (p.seg || !pci_dev_known(bdf))
            return -ENODEV;
        if (cmd == PHYSDEVOP_pci_device_remove)
            return pci_dev_remove(bdf);
        arch_msi_restore(bdf);
        return 0;
    }
    case PHYSDEVOP_restore_msi: {
        struct physdev_restore_msi p;
        PRIV_ONLY();
        COPY_IN(p);
        uint16_t bdf = PCI_BDF(p.bus, 0, 0) | p.devfn;
        if (!pci_dev_known(bdf))
            return -ENODEV;
        arch_msi_restore(bdf);
        return 0;
    }
    case PHYSDEVOP_pci_mmcfg_reserved: {
        struct physdev_pci_mmcfg_reserved p;
        PRIV_ONLY();
        COPY_IN(p);
        if (p.flags & ~XEN_PCI_MMCFG_RESERVED)
            return -EINVAL;
        return -ENODEV;                 /* Xen's answer for a region it does not know:
                                           Mica uses no MMCONFIG region */
    }
    default:
        return -ENOSYS;
    }
}

HYPERCALL_PROTO(physdev_op)
{
    return physdev_op((unsigned int)a1, (guest_va_t)a2);
}

/* The pre-0x00030202 form: one struct physdev_op {cmd, union}, read whole
 * first (-EFAULT), then the command runs on the union in guest memory. */
HYPERCALL_PROTO(physdev_op_compat)
{
    struct physdev_op op;

    if (copy_from_guest(&op, (guest_va_t)a1, sizeof(op)))
        return -EFAULT;
    return physdev_op(op.cmd, (guest_va_t)a1 + offsetof(struct physdev_op, u));
}
