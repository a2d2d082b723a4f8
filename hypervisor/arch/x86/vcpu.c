/*
 * Running vCPUs: entering a guest, the hypercall entry, and the exit path.
 *
 * The guest's register frame always sits at the top of the hypervisor
 * stack (guest_regs()).  Starting a vCPU means: make it current, load its
 * PML4, show its GDT and LDT in the descriptor-table area, set the real
 * CR0.TS for lazy FPU switching, load its debug registers and its int 0x80
 * gate, copy its saved frame to the top of the stack, load its data
 * segment selectors (safely: a stale one sends it to its failsafe
 * callback) and IRETQ (resume_guest_frame).  arch_vcpu_save() is the other
 * half, for the scheduler: it takes the running vCPU's frame and
 * selectors off the CPU.  FPU registers are switched lazily (fpu.c).
 *
 * arch_return_to_guest() runs on every exit towards a guest.  It is the
 * one place that decides whether the current vCPU may continue; a domain
 * that shut down or was crashed during this entry is switched away from
 * here, never in the middle of a handler.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/hypercall.h>
#include <mica/sched.h>
#include <mica/lib.h>
#include <asm/regs.h>
#include <asm/x86.h>
#include <asm/paging.h>
#include <asm/vcpu.h>
#include <asm/pv.h>

void resume_guest_frame(void) __noreturn;

static bool continuation_pending;

long hypercall_create_continuation(unsigned int nr, unsigned int nargs, ...)
{
    struct cpu_regs *r = guest_regs();
    uint64_t *argregs[5] = { &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi };
    unsigned long args[5] = { 0 };
    va_list ap;

    va_start(ap, nargs);
    for (unsigned int i = 0; i < nargs && i < 5; i++)
        args[i] = (uint32_t)va_arg(ap, unsigned long);
    va_end(ap);
    /* Inside a multicall the entry, not the guest's EIP, is rewound. */
    if (multicall_capture_continuation(nr, nargs, args))
        return nr;
    for (unsigned int i = 0; i < nargs && i < 5; i++)
        *argregs[i] = args[i];
    r->rax = nr;
    r->rip = (uint32_t)(r->rip - 2);        /* re-execute int $0x82 */
    continuation_pending = true;
    return nr;
}

/*
 * Until there is a timer interrupt to notice, a long hypercall yields after
 * a fixed budget of TSC cycles, measured from its entry.
 */
static uint64_t hypercall_entry_tsc;
#define HYPERCALL_BUDGET_CYCLES 2000000ULL

bool hypercall_preempt_check(void)
{
    return rdtsc() - hypercall_entry_tsc > HYPERCALL_BUDGET_CYCLES;
}

void hypercall_dispatch(struct cpu_regs *r);
void hypercall_dispatch(struct cpu_regs *r)
{
    hypercall_entry_tsc = rdtsc();
    continuation_pending = false;
    long ret = hypercall_invoke((uint32_t)r->rax, (uint32_t)r->rbx,
                                (uint32_t)r->rcx, (uint32_t)r->rdx,
                                (uint32_t)r->rsi, (uint32_t)r->rdi);
    if (!continuation_pending)
        r->rax = (uint64_t)ret;
}

void arch_return_to_guest(struct cpu_regs *r);
void arch_return_to_guest(struct cpu_regs *r)
{
    /*
     * An NMI taken on its IST stack while the guest ran: its frame is not
     * the guest's saved context; the work is done on the next ordinary
     * return.
     */
    if (r != guest_regs())
        return;
    if (current->domain->state != DOMSTATE_RUNNING)
        schedule();
    pv_deliver_pending(r);              /* NMI and event callbacks */
    if (current->domain->state != DOMSTATE_RUNNING)
        schedule();
}

void arch_vcpu_save(struct vcpu *v)
{
    v->user_regs = *guest_regs();
    v->ds = read_sreg_ds();
    v->es = read_sreg_es();
    v->fs = read_sreg_fs();
    v->gs = read_sreg_gs();
}

void arch_vcpu_destroy(struct vcpu *v)
{
    release_descriptor_tables(v);
    fpu_release(v);
}

void arch_vcpu_run(struct vcpu *v, const struct cpu_regs *frame)
{
    uint16_t segs[4] = { v->ds, v->es, v->fs, v->gs };
    bool ok = true;

    current = v;
    vcpu_load_pagetable(v);
    load_descriptor_tables(v);
    fpu_switch_to(v);
    debugreg_load(v);
    int80_gate_update(v);
    *guest_regs() = *frame;

    /* Selectors saved long ago may have gone stale: load them safely. */
    ok &= load_ds_safe(segs[0]);
    ok &= load_es_safe(segs[1]);
    ok &= load_fs_safe(segs[2]);
    ok &= load_gs_safe(segs[3]);
    if (!ok) {
        pv_failsafe(guest_regs(), segs, "the guest's data segments cannot be loaded");
        if (v->domain->state != DOMSTATE_RUNNING)
            schedule();
    }
    resume_guest_frame();
}
