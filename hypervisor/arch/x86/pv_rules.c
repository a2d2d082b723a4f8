/*
 * Rules for register values a guest hands the hypervisor -- EFLAGS, debug
 * registers, I/O permission -- kept free of inline assembly so the host
 * tests (tests/host/test-pv-rules.c) run them from this very file.
 *
 * EFLAGS.  A guest never runs with the real IOPL above 0: with IOPL >= 1
 * its ring-1 kernel could execute CLI and stop the hypervisor's interrupts.
 * Its wish for an IOPL is kept separately (physdev set_iopl) and consulted
 * when an I/O instruction faults.  NT is cleared because long mode has no
 * task switching (any IRET with NT set faults), and keeping it out of
 * every context the hypervisor builds keeps the XSA-44 class of bugs out
 * too.  VM86 does not exist in long mode; the iret hypercall turns a VM
 * request into #GP before it gets here.  IF is always set for real: the
 * guest's "interrupts off" is its event mask in vcpu_info.
 *
 * Debug registers, with Xen's checks.  Breakpoint addresses must lie below
 * the hypervisor hole (-EPERM: a watchpoint on the M2P or the hypervisor
 * would fire inside the hypervisor's own accesses); DR7 may not set
 * general detect (-EPERM: it would make the hypervisor's own MOV DR
 * fault); its reserved bits are forced to their fixed values; an enabled
 * I/O breakpoint needs the guest's virtual CR4.DE (-EPERM otherwise), and
 * is then emulated -- it fires after an I/O instruction the hypervisor
 * emulates for the guest, never in the hardware (whose CR4.DE belongs to
 * the hypervisor).
 *
 * I/O ports.  See pv_io_decide() in the header.
 */
#include <mica/types.h>
#include <mica/errno.h>
#include <public/xen.h>
#include <asm/pv_rules.h>

/* pv_sanitise_eflags() and pv_frame_eflags() are inline in the header:
 * every bounce and every iret hypercall runs them. */

uint32_t pv_dr7_io_enables(uint32_t dr7)
{
    uint32_t en = 0;

    for (unsigned int i = 0; i < 4; i++)
        if (((dr7 >> (16 + 4 * i)) & 3) == 2)
            en |= dr7 & (3u << (2 * i));
    return en;
}

int pv_check_debugreg(unsigned int reg, uint32_t value, bool cr4_de, uint32_t *out)
{
    switch (reg) {
    case 0: case 1: case 2: case 3:
        if ((uint64_t)value + 4 > HYPERVISOR_VIRT_START)
            return -EPERM;
        *out = value;
        return 0;
    case 6:
        /* B0-B3, BD, BS, BT are the guest's; the rest read as fixed. */
        *out = (value & 0xe00fu) | DR6_DEFAULT;
        return 0;
    case 7:
        value = (value & ~0x0000d800u) | DR7_DEFAULT;   /* bits 11, 12, 14, 15; 10 */
        if (value & 0x00002000u)        /* GD: general detect */
            return -EPERM;
        if (pv_dr7_io_enables(value) && !cr4_de)
            return -EPERM;              /* I/O breakpoints need CR4.DE */
        *out = value;
        return 0;
    default:
        return -EINVAL;
    }
}

uint32_t pv_io_breakpoint_hits(const uint32_t dr[4], uint32_t dr7, unsigned int port,
                               unsigned int bytes)
{
    static const unsigned int width[4] = { 1, 2, 8, 4 };   /* by LEN */
    uint32_t en = pv_dr7_io_enables(dr7), hits = 0;

    for (unsigned int i = 0; i < 4; i++) {
        if (!(en & (3u << (2 * i))))
            continue;
        uint32_t start = dr[i];
        unsigned int w = width[(dr7 >> (18 + 4 * i)) & 3];
        if (start < port + bytes && start + w > port)
            hits |= 1u << i;
    }
    return hits;
}

enum pv_io_verdict pv_io_decide(unsigned int ring, unsigned int iopl, bool privileged,
                                bool hv_owned, unsigned int port, unsigned int bytes,
                                bool have_bits, uint16_t bitmap16)
{
    if (bytes != 1 && bytes != 2 && bytes != 4)
        return PV_IO_FAULT;
    if (iopl < ring) {
        unsigned int mask = ((1u << bytes) - 1) << (port & 7);
        if (!have_bits || (bitmap16 & mask))
            return PV_IO_FAULT;
    }
    if (!privileged || hv_owned || port + bytes > 0x10000)
        return PV_IO_VOID;
    return PV_IO_DIRECT;
}
