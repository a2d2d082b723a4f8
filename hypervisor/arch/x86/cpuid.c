/*
 * The CPUID view a PV guest gets.
 *
 * A PV guest executes the real CPUID instruction natively (without CPUID
 * faulting the hypervisor cannot intercept it), so the only CPUID the
 * hypervisor controls is the forced-emulation form: "ud2; .ascii 'xen';
 * cpuid" (0F 0B 78 65 6E 0F A2).  The ud2 traps to us with #UD, we
 * recognise the signature at the guest's EIP, and return a filtered view.
 * PV-aware code (XTF, Linux's xen_cpuid) uses this form exactly to learn
 * what it may use.
 *
 * Hidden: features a deprivileged ring-1 kernel must not use or that the
 * hypervisor does not virtualize -- VMX/SMX, MONITOR/MWAIT, PCID, x2APIC,
 * TSC-deadline, XSAVE/OSXSAVE (extended state is not managed: fpu.c saves with FXSAVE), the
 * thermal/power features, VME/DE/PSE/PSE36 (no superpages, no vm86), PGE
 * (guest page-table entries may not be GLOBAL: they must die with every
 * CR3 switch; Xen hides it from PV guests too, and Linux then leaves the
 * bit out of its PTEs), MTRR,
 * MCE/MCA, DS/ACPI/TM/PBE; SMEP/SMAP/INVPCID/FSGSBASE in leaf 7; the
 * speculation controls (IBRS/IBPB, STIBP, SSBD, L1D_FLUSH,
 * ARCH_CAPABILITIES: their MSRs are not virtualized), RDTSCP and RDPID
 * (TSC_AUX is not kept per vCPU), AMD's debug-address-mask extension --
 * so the MSRs behind them fault, as Xen's policy makes them (msr.c).
 * Added: the hypervisor bit, and the Xen leaves at 0x40000000.
 * Passed through: SEP (leaf 1 EDX 11) and SYSCALL (0x80000001 EDX 11) --
 * the sysenter and syscall32 callbacks work (fastcall.c) where the CPU
 * has the instruction in compatibility mode.
 */
#include <mica/types.h>
#include <mica/guest_walk.h>
#include <mica/guest_access.h>
#include <mica/lib.h>
#include <asm/x86.h>
#include <asm/regs.h>
#include <asm/traps.h>
#include <asm/pv.h>
#include <asm/hwcap.h>
#include <mica/domain.h>

#define HIDE_1_ECX ((1u << 3) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8) | \
                    (1u << 17) | (1u << 21) | (1u << 24) | (1u << 26) | (1u << 27))
#define HIDE_1_EDX ((1u << 1) | (1u << 2) | (1u << 3) | (1u << 7) | (1u << 12) | (1u << 13) | \
                    (1u << 14) | (1u << 17) | (1u << 21) | (1u << 22) | (1u << 29) | \
                    (1u << 31))
#define HIDE_7_EBX ((1u << 0) | (1u << 7) | (1u << 10) | (1u << 20))
#define HIDE_7_ECX (1u << 22)                                   /* RDPID */
#define HIDE_7_EDX ((1u << 26) | (1u << 27) | (1u << 28) | (1u << 29) | (1u << 31))
#define HIDE_81_ECX (1u << 26)                                  /* DBEXT */
#define HIDE_81_EDX (1u << 27)                                  /* RDTSCP */
#define HIDE_88_EBX ((1u << 12) | (1u << 14) | (1u << 15) | (1u << 16) | (1u << 17) | \
                     (1u << 18) | (1u << 24) | (1u << 25) | (1u << 26))

#define XEN_CPUID_BASE 0x40000000

void pv_cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
              uint32_t *c, uint32_t *d)
{
    if (leaf >= XEN_CPUID_BASE && leaf < XEN_CPUID_BASE + 0x100) {
        *a = *b = *c = *d = 0;
        switch (leaf - XEN_CPUID_BASE) {
        case 0:
            *a = XEN_CPUID_BASE + 2;        /* largest Xen leaf */
            memcpy(b, "XenV", 4);
            memcpy(c, "MMXe", 4);
            memcpy(d, "nVMM", 4);
            break;
        case 1:
            *a = (4u << 16) | 2;            /* Xen 4.2 */
            break;
        case 2:
            *a = 1;                         /* one hypercall page */
            *b = 0x40000000;                /* MSR to write it (not used by PV) */
            break;
        }
        return;
    }
    cpuid_count(leaf, sub, a, b, c, d);
    switch (leaf) {
    case 1:
        *c &= ~HIDE_1_ECX;
        *c |= 1u << 31;                     /* running on a hypervisor */
        *d &= ~HIDE_1_EDX;
        break;
    case 5:                                 /* MONITOR/MWAIT leaf */
    case 6:                                 /* thermal and power */
        *a = *b = *c = *d = 0;
        break;
    case 7:
        if (sub == 0) {
            *b &= ~HIDE_7_EBX;
            *c &= ~HIDE_7_ECX;
            *d &= ~HIDE_7_EDX;
        }
        break;
    case 0x80000001:
        *c &= ~HIDE_81_ECX;
        *d &= ~HIDE_81_EDX;
        break;
    case 0x80000008:
        *b &= ~HIDE_88_EBX;
        break;
    case 0xd:                               /* XSAVE state: hidden */
        *a = *b = *c = *d = 0;
        break;
    }
}

/*
 * The forced-emulation prefix (ud2; .ascii "xen"; cpuid) from any ring.
 * The CPU fetched only the ud2: the other five bytes are read here, with
 * the rights of the ring that executed it -- from ring 3, only what ring
 * 3 could fetch itself (else user space learns whether a kernel page
 * holds "xen" + cpuid).
 */
bool emulate_forced_cpuid(struct cpu_regs *r)
{
    static const uint8_t sig[7] = { 0x0f, 0x0b, 0x78, 0x65, 0x6e, 0x0f, 0xa2 };
    uint32_t eip = (uint32_t)r->rip;
    uint8_t insn[7];
    uint32_t a, b, c, d;

    if (!guest_range_ok(eip, sizeof(insn)) ||
        !guest_range_allows(current, eip, sizeof(insn),
                            GW_EXEC | (regs_ring(r) == 3 ? GW_USER : 0)) ||
        copy_from_guest(insn, eip, sizeof(insn)) || memcmp(insn, sig, sizeof(sig)) != 0)
        return false;
    /* CPUID faulting on (msr.c): user space gets #GP(0) at the ud2. */
    if (pv_cpuid_faults(current, r))
        return pv_inject_trap(r, 13, true, 0);
    pv_cpuid((uint32_t)r->rax, (uint32_t)r->rcx, &a, &b, &c, &d);
    r->rax = a;
    r->rbx = b;
    r->rcx = c;
    r->rdx = d;
    r->rip = (uint32_t)(r->rip + sizeof(sig));
    return true;
}


/*
 * The host's feature words as sysctl physinfo reports them (Xen's
 * x86_capability order): 0 = leaf 1 EDX, 1 = 0x80000001 EDX, 4 = leaf 1
 * ECX, 6 = 0x80000001 ECX, 7 = leaf 7 EBX; 2, 3 and 5 (Transmeta, Xen's
 * synthetic bits, VIA) are 0.  The machine's, not a guest's view.
 */
void arch_hw_cap(uint32_t cap[8])
{
    uint32_t a, b, c, d, max, xmax;

    memset(cap, 0, 8 * sizeof(uint32_t));
    cpuid_count(0, 0, &max, &b, &c, &d);
    cpuid_count(0x80000000, 0, &xmax, &b, &c, &d);
    cpuid_count(1, 0, &a, &b, &c, &d);
    cap[0] = d;
    cap[4] = c;
    if (xmax >= 0x80000001) {
        cpuid_count(0x80000001, 0, &a, &b, &c, &d);
        cap[1] = d;
        cap[6] = c;
    }
    if (max >= 7) {
        cpuid_count(7, 0, &a, &b, &c, &d);
        cap[7] = b;
    }
}
