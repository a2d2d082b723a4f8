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
 * Debug registers.  Breakpoint addresses must lie below the hypervisor
 * hole (a watchpoint on the M2P would fire inside the hypervisor's own
 * accesses for nothing); DR7 may not set general detect (it would make the
 * hypervisor's own MOV DR fault), nor I/O breakpoints (CR4.DE is off, so
 * the encoding is undefined), nor reserved bits, nor a length on an
 * instruction breakpoint.
 *
 * I/O ports.  See pv_io_decide() in the header.
 */
#include <mica/types.h>
#include <mica/errno.h>
#include <public/xen.h>
#include <asm/pv_rules.h>

#define EFL_KEEP (EFL_CF | 0x4 | 0x10 | 0x40 | 0x80 | EFL_TF | EFL_DF | 0x800 | \
                  EFL_RF | EFL_AC | EFL_VIF | EFL_VIP | EFL_ID)

uint32_t pv_sanitise_eflags(uint32_t eflags)
{
    return (eflags & EFL_KEEP) | EFL_RSVD1 | EFL_IF;
}

uint32_t pv_frame_eflags(uint32_t real_eflags, bool events_masked)
{
    uint32_t f = real_eflags & ~(EFL_IF | EFL_IOPL);
    return events_masked ? f : f | EFL_IF;
}

int pv_check_debugreg(unsigned int reg, uint32_t value, uint32_t *out)
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
        if (value & 0x0000d800u)        /* bits 11, 12, 14, 15 reserved */
            return -EPERM;
        if (value & 0x00002000u)        /* GD: general detect */
            return -EPERM;
        for (unsigned int i = 0; i < 4; i++) {
            unsigned int rw = (value >> (16 + 4 * i)) & 3;
            unsigned int len = (value >> (18 + 4 * i)) & 3;
            if (!(value & (3u << (2 * i))))
                continue;               /* breakpoint i not enabled */
            if (rw == 2)                /* I/O breakpoint */
                return -EPERM;
            if (rw == 0 && len != 0)    /* execution: length must be 1 */
                return -EPERM;
        }
        *out = value | DR7_DEFAULT;
        return 0;
    default:
        return -EINVAL;
    }
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
