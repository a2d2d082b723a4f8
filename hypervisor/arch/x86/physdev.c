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
 *     port).  Anything else reads as all-ones and its writes are dropped,
 *     as on Xen: Linux raises its virtual IOPL to 1 at boot in every
 *     domain and then probes the PIT, and must see "no PIT", not a fault.
 *
 * Both sub-ops are accepted from any domain.  Other sub-ops (interrupt
 * routing, PCI) are not offered yet and return -ENOSYS.
 */
#include <mica/iocaps.h>
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/hypercall.h>
#include <mica/guest_access.h>
#include <mica/errno.h>
#include <public/xen.h>
#include <public/physdev.h>
#include <asm/pv.h>
#include <asm/pv_rules.h>

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
    return pv_io_decide(ring, v->iopl, iocaps_ioport_allowed(v->domain, port, bytes),
                        hv_owned(port, bytes), port, bytes, have,
                        (uint16_t)(bits[0] | (bits[1] << 8)));
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

HYPERCALL_PROTO(physdev_op)
{
    switch (a1) {
    case PHYSDEVOP_set_iopl: {
        struct physdev_set_iopl p;
        if (copy_from_guest(&p, (guest_va_t)a2, sizeof(p)))
            return -EFAULT;
        return physdev_set_iopl(&p);
    }
    case PHYSDEVOP_set_iobitmap: {
        struct physdev_set_iobitmap p;
        if (copy_from_guest(&p, (guest_va_t)a2, sizeof(p)))
            return -EFAULT;
        return physdev_set_iobitmap(&p);
    }
    default:
        return -ENOSYS;
    }
}

/* The pre-0x00030202 form: one struct physdev_op {cmd, union}. */
HYPERCALL_PROTO(physdev_op_compat)
{
    struct physdev_op op;

    if (copy_from_guest(&op, (guest_va_t)a1, sizeof(op)))
        return -EFAULT;
    switch (op.cmd) {
    case PHYSDEVOP_set_iopl:
        return physdev_set_iopl(&op.u.set_iopl);
    case PHYSDEVOP_set_iobitmap:
        return physdev_set_iobitmap(&op.u.set_iobitmap);
    default:
        return -ENOSYS;
    }
}
