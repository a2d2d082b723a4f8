/*
 * Pure rules for register values a PV guest hands the hypervisor
 * (arch/x86/pv_rules.c, host-tested by tests/host/test-pv-rules.c):
 * EFLAGS from the iret hypercall, debug-register values, and the I/O
 * permission decision.  No inline assembly.
 */
#ifndef ASM_PV_RULES_H
#define ASM_PV_RULES_H

#include <mica/types.h>

#define EFL_CF    0x00000001u
#define EFL_RSVD1 0x00000002u   /* always 1 */
#define EFL_TF    0x00000100u
#define EFL_IF    0x00000200u
#define EFL_DF    0x00000400u
#define EFL_IOPL  0x00003000u
#define EFL_NT    0x00004000u
#define EFL_RF    0x00010000u
#define EFL_VM    0x00020000u
#define EFL_AC    0x00040000u
#define EFL_VIF   0x00080000u
#define EFL_VIP   0x00100000u
#define EFL_ID    0x00200000u

/*
 * The real EFLAGS a guest context may run with, from what it asked for
 * (iret hypercall, bounce frames): IOPL, NT and VM cleared, reserved bits
 * cleared, bit 1 and IF set.  The guest's wish for IF lives in its event
 * mask, not here.  (Inline: every bounce and iret runs these two.)
 */
#define EFL_KEEP (EFL_CF | 0x4 | 0x10 | 0x40 | 0x80 | EFL_TF | EFL_DF | 0x800 | \
                  EFL_RF | EFL_AC | EFL_VIF | EFL_VIP | EFL_ID)
static inline uint32_t pv_sanitise_eflags(uint32_t eflags)
{
    return (eflags & EFL_KEEP) | EFL_RSVD1 | EFL_IF;
}

/* The EFLAGS word written into a bounce frame: IF = events enabled. */
static inline uint32_t pv_frame_eflags(uint32_t real_eflags, bool events_masked)
{
    uint32_t f = real_eflags & ~(EFL_IF | EFL_IOPL);
    return events_masked ? f : f | EFL_IF;
}

#define DR6_DEFAULT  0xffff0ff0u
#define DR7_DEFAULT  0x00000400u
#define X86_CR4_DE_BIT 0x8u     /* CR4.DE: the guest's virtual bit */
/*
 * Check a set_debugreg value of register 0-3, 6 or 7 (the caller maps 4
 * and 5) as Xen does.  0 and *out = the value to keep, or -EINVAL (no
 * such register) / -EPERM (an address reaching the hypervisor hole,
 * general detect, an I/O breakpoint while the guest's CR4.DE is clear).
 * DR7's reserved bits are forced to their fixed values, not refused.
 * With cr4_de, enabled I/O breakpoints are accepted: their enable bits
 * stay in *out and pv_dr7_io_enables() tells them apart (they are
 * emulated, never loaded into the hardware).
 */
int pv_check_debugreg(unsigned int reg, uint32_t value, bool cr4_de, uint32_t *out);
/* The L/G enable bits of DR7's enabled I/O breakpoints. */
uint32_t pv_dr7_io_enables(uint32_t dr7);
/*
 * Which emulated I/O breakpoints an access of `bytes` at `port` hits: a
 * DR6 B0-B3 mask.  dr[0..3] are the addresses, dr7 the guest's DR7.
 */
uint32_t pv_io_breakpoint_hits(const uint32_t dr[4], uint32_t dr7, unsigned int port,
                               unsigned int bytes);

/*
 * The I/O-port decision for one access of `bytes` (1, 2, 4) at `port`
 * from a guest in `ring` (1 or 3) with virtual IOPL `iopl`, as Xen makes
 * it, in two steps:
 *
 *   1. may the guest *try*?  Its virtual IOPL admits the ring
 *      (iopl >= ring), or its I/O bitmap does: `bitmap16` holds the 16 bits
 *      starting at bit (port & ~7) of the bitmap (0 = allowed, as in a
 *      TSS), `have_bits` says whether all the needed bits were inside the
 *      bitmap (ports beyond nr_ports, or an unreadable bitmap, are denied).
 *      If not: PV_IO_FAULT, the guest gets #GP(0).
 *   2. does the access reach the hardware?  Only for a domain granted the
 *      port (`privileged`: iocaps, all ports for the initial domain), for a port the hypervisor does not keep for
 *      itself (`hv_owned`), and an access that stays below port 0x10000:
 *      PV_IO_DIRECT.  Otherwise PV_IO_VOID: the read returns all-ones and
 *      the write is dropped, which is what a PV kernel probing a PC's
 *      ports (Linux's early PIT calibration) sees on Xen as an
 *      unprivileged domain.
 */
enum pv_io_verdict { PV_IO_FAULT, PV_IO_VOID, PV_IO_DIRECT,
                     PV_IO_PCI_CFG };   /* emulated (pci_cfg.c); physdev.c's verdict */

enum pv_io_verdict pv_io_decide(unsigned int ring, unsigned int iopl, bool privileged,
                                bool hv_owned, unsigned int port, unsigned int bytes,
                                bool have_bits, uint16_t bitmap16);

#endif
