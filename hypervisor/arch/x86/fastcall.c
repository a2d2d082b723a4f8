/*
 * SYSENTER and SYSCALL from a 32-bit guest: the sysenter and syscall32
 * callbacks (callback_op types 5 and 7), as 32-on-64 Xen enters them.
 *
 * Both instructions drop the CPU into ring 0 without an IDT gate and
 * without a hardware frame, so entry.S builds the frame itself at
 * guest_regs(), exactly where an interrupt from the guest would have put
 * it, and the rest is an ordinary bounce (bounce.c) to the callback on
 * kernel_ss:kernel_sp, returning through ret_from_intr and the guest's iret
 * hypercall.  What the frame holds (fact sheet §7.2, Xen's convention):
 *
 *   SYSENTER   EIP 0, CS 3 (null, RPL 3), EFLAGS, ESP 0, SS FLAT_RING3_SS
 *              -- SYSENTER saves neither EIP nor ESP; by convention the
 *              guest's user space passes them in registers (Linux: EBP).
 *   SYSCALL    EIP after the instruction (RCX), EFLAGS (R11), CS/SS the
 *              flat ring-3 ones, ESP the caller's.  ECX is lost, as the
 *              instruction defines.
 *
 * The CPU does not record the ring that executed either instruction, and
 * both are available to ring 1 as well as ring 3: a guest kernel's
 * SYSENTER or SYSCALL is reported exactly like its user space's (so it is
 * bounced onto kernel_ss:kernel_sp, as from ring 3).  Xen does the same.
 *
 * The MSRs (fastcall_init, once): SYSENTER_EIP/ESP = sysenter_entry and
 * the top of the hypervisor stack; STAR = the hypervisor CS (SS = CS + 8)
 * for SYSCALL and FLAT_RING3_CS for the (unused) SYSRET, so no selector a
 * guest can reach through them is more privileged than ring 3; CSTAR =
 * syscall32_entry; LSTAR = syscall64_entry, which only reports: a guest
 * cannot run 64-bit code (check_descriptor refuses L=1); SFMASK clears
 * TF, IF, DF, IOPL, NT and AC.  Per running vCPU (fastcall_update):
 * IA32_SYSENTER_CS is the hypervisor CS only when it has a sysenter
 * callback, else 0, and EFER.SCE is set only when it has a syscall32
 * callback.  So without a callback the instruction faults where it was
 * executed -- #GP(0) for SYSENTER (what Xen delivers too, though Xen's
 * frame says EIP 0, ring 3), #UD for SYSCALL (what Intel hardware gives
 * Xen's compat guests; Xen on AMD delivers #GP(0) at the instruction) --
 * through an interrupt gate that clears NT (XSA-44), once, from the ring
 * that executed it (XSA-339).
 *
 * SYSENTER leaves TF and NT set: entry.S saves RFLAGS first and then
 * clears them, and a single step taken inside the stub is handled here
 * (sysenter_single_step): TF goes into the guest's frame and nowhere
 * else.  The guest sees it again when it returns with the iret hypercall.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <public/xen.h>
#include <asm/x86.h>
#include <asm/regs.h>
#include <asm/traps.h>
#include <asm/pv.h>
#include <asm/pv_rules.h>

extern char sysenter_entry[], sysenter_flags_saved[];
extern char syscall32_entry[], syscall64_entry[];
extern char cpu0_stack_top[];

#define SFMASK_BITS (EFL_TF | EFL_IF | EFL_DF | EFL_IOPL | EFL_NT | EFL_AC)

static uint16_t loaded_sysenter_cs;
static bool loaded_sce;

void fastcall_init(void)
{
    wrmsr(MSR_SYSENTER_CS, 0);
    wrmsr(MSR_SYSENTER_ESP, (uint64_t)cpu0_stack_top - 16);
    wrmsr(MSR_SYSENTER_EIP, (uint64_t)sysenter_entry);
    wrmsr(MSR_STAR, ((uint64_t)FLAT_RING3_CS << 48) | ((uint64_t)HV_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall64_entry);
    wrmsr(MSR_CSTAR, (uint64_t)syscall32_entry);
    wrmsr(MSR_SFMASK, SFMASK_BITS);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) & ~EFER_SCE);
    loaded_sysenter_cs = 0;
    loaded_sce = false;
}

/* Open SYSENTER / SYSCALL for v iff it has the callback; MSRs only on change. */
void fastcall_update(const struct vcpu *v)
{
    uint16_t cs = v->sysenter_cb.cs ? HV_CS : 0;
    bool sce = v->syscall32_cb.cs != 0;

    if (cs != loaded_sysenter_cs) {
        wrmsr(MSR_SYSENTER_CS, cs);
        loaded_sysenter_cs = cs;
    }
    if (sce != loaded_sce) {
        uint64_t efer = rdmsr(MSR_EFER);
        wrmsr(MSR_EFER, sce ? efer | EFER_SCE : efer & ~EFER_SCE);
        loaded_sce = sce;
    }
}

static void enter_callback(struct cpu_regs *r, const struct xen_callback *cb,
                           bool masks, const char *what)
{
    struct bounce b = { .cs = (uint16_t)cb->cs, .eip = cb->eip, .mask_events = masks };

    r->rflags = (uint32_t)r->rflags | EFL_IF;   /* a guest always runs with IF */
    r->rsp = (uint32_t)r->rsp;
    pv_bounce(r, &b, what);
}

/* entry.S sysenter_entry, with the frame at guest_regs(). */
void do_sysenter(struct cpu_regs *r)
{
    struct vcpu *v = current;

    if (!v->sysenter_cb.cs) {           /* not reached: SYSENTER_CS is 0 */
        r->rflags |= EFL_IF;
        pv_inject_trap(r, 13, true, 0);
        return;
    }
    enter_callback(r, &v->sysenter_cb, v->sysenter_masks, "sysenter callback");
}

/* entry.S syscall32_entry, with the frame at guest_regs(). */
void do_syscall32(struct cpu_regs *r)
{
    struct vcpu *v = current;

    if (!v->syscall32_cb.cs) {          /* not reached: EFER.SCE is clear */
        r->rflags |= EFL_IF;
        r->rip = (uint32_t)(r->rip - 2);
        pv_inject_trap(r, 13, true, 0);
        return;
    }
    enter_callback(r, &v->syscall32_cb, v->syscall32_masks, "syscall32 callback");
}

/*
 * A #DB in the hypervisor: a single step of a guest's SYSENTER with TF set?
 * It arrives at sysenter_entry (after SYSENTER: let it run the PUSHFQ) and
 * at sysenter_flags_saved (after the PUSHFQ: TF is saved, clear it).
 */
bool sysenter_single_step(struct cpu_regs *r)
{
    if (r->rip == (uint64_t)sysenter_flags_saved) {
        r->rflags &= ~(uint64_t)EFL_TF;
        return true;
    }
    return r->rip == (uint64_t)sysenter_entry;
}
