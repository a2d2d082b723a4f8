/*
 * The iret hypercall (23): how a guest kernel returns from an exception or
 * event handler, or enters user mode, re-enabling events atomically.
 *
 * The guest pushes an IRET frame and jumps to hypercall_page + 23*32,
 * whose stub pushes EAX and executes int $0x82 with EAX = 23.  So at the
 * hypercall the guest's ring-1 stack holds (fact sheet §7.8):
 *
 *     +0 EAX  +4 EIP  +8 CS  +12 EFLAGS  [+16 ESP  +20 SS  if CS RPL != 1]
 *
 * The frame is read completely (SS base honoured, bounds-checked against
 * the hole, through the guest's page tables) and checked before anything
 * changes:
 *   - a frame that cannot be read, or a CS with RPL 0, crashes the domain:
 *     no correct kernel does either, and there is nothing to return to;
 *   - EFLAGS.VM (virtual-8086 mode, which long mode does not have) is
 *     refused: the iret raises #GP(0) at the hypercall instruction and
 *     nothing else changes (the guest's #GP handler sees the frame
 *     untouched on its stack);
 *   - otherwise EFLAGS is sanitised (IOPL, NT cleared, IF set: pv_rules.c),
 *     the event mask becomes !EFLAGS.IF -- the atomic "return and enable
 *     events" the ABI exists for -- NMI masking ends, and the guest
 *     continues at CS:EIP (ring 1: ESP moves past the frame; ring 2/3:
 *     ESP and SS from the frame) with its EAX restored.
 * A CS or SS that passes these checks but names a bad descriptor makes
 * the hypervisor's IRETQ fault; entry.S sends that to the failsafe
 * callback (bounce.c).
 *
 * As a multicall entry (XSA-213's fix in Xen made it legal again) the
 * iret works the same on the multicall's frame: the frame is read at the
 * guest's ESP of the multicall's int $0x82, the vCPU continues where it
 * names -- user mode included -- and multicall.c ends the batch right
 * after this entry, so no later entry runs in the new context.  The
 * entry's result is the frame's EAX; the guest's EAX becomes the
 * multicall's own return value (0), exactly as in Xen.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/hypercall.h>
#include <mica/guest_access.h>
#include <mica/errno.h>
#include <mica/phase.h>
#include <public/xen.h>
#include <asm/pv.h>
#include <asm/pv_rules.h>

HYPERCALL_PROTO(iret)
{
    struct cpu_regs *r = guest_regs();
    struct vcpu *v = current;
    struct domain *d = v->domain;
    uint32_t f[6], base, esp = (uint32_t)r->rsp;
    uint16_t ss = (uint16_t)r->ss, cs;

    PHASE(PH_IRET);
    /*
     * The first 16 bytes as two 8-byte moves under one STAC/CLAC, after one
     * range check of all 16 in 64 bits (mica/guest_access.h): the same
     * answer as two checked 8-byte copies -- if the 16 bytes end at or
     * below the hole, neither half wraps; if they do not, one half was out
     * of range -- and a fault in either half crashes the domain as before.
     */
    uint64_t lo, hi;
    if (!guest_segment_base(v, ss, &base) || !guest_small_ok((guest_va_t)(base + esp), 16) ||
        get_guest_u64x2(&lo, &hi, (guest_va_t)(base + esp))) {
        domain_crash(d, "iret: cannot read the frame at %04x:%08x", ss, esp);
        return 0;
    }
    f[0] = (uint32_t)lo;
    f[1] = (uint32_t)(lo >> 32);
    f[2] = (uint32_t)hi;
    f[3] = (uint32_t)(hi >> 32);
    cs = (uint16_t)f[2];
    if (f[3] & EFL_VM) {
        /* Refused: #GP(0) at the int $0x82, the frame left as it was. */
        r->rip = (uint32_t)(r->rip - 2);
        pv_inject_trap(r, 13, true, 0);
        return (uint32_t)r->rax;        /* keeps EAX = 23 */
    }
    if ((cs & 3) == 0) {
        domain_crash(d, "iret to ring 0 (cs %#x, eip %#x)", cs, f[1]);
        return 0;
    }
    if ((cs & 3) != 1 && copy_from_guest(&f[4], base + esp + 16, 8)) {
        domain_crash(d, "iret: cannot read ESP/SS of the frame at %04x:%08x", ss, esp);
        return 0;
    }

    r->rip = f[1];
    r->cs = cs;
    r->rflags = pv_sanitise_eflags(f[3]);
    if (pv_architectural_iopl(v))
        v->iopl = (uint8_t)((f[3] & EFL_IOPL) >> 12);
    if ((cs & 3) == 1) {
        r->rsp = esp + 16;
    } else {
        r->rsp = f[4];
        r->ss = (uint16_t)f[5];
    }
    v->vcpu_info->evtchn_upcall_mask = !(f[3] & EFL_IF);
    v->nmi_masked = false;
    return f[0];                        /* becomes the guest's EAX */
}
