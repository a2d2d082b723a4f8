/*
 * Running vCPUs: entering a guest, the hypercall entry, and the exit path.
 *
 * The guest's register frame always sits at the top of the hypervisor
 * stack (guest_regs()).  Starting a vCPU means: make it current, load its
 * PML4, load its data segment selectors, set CR0.TS as it expects, copy
 * its saved frame to the top of the stack and IRETQ (resume_guest_frame).
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
    if (current->domain->state != DOMSTATE_RUNNING)
        schedule();
}

static void load_data_segments(const struct vcpu *v)
{
    __asm__ volatile("mov %0, %%ds" :: "r"((uint32_t)v->ds));
    __asm__ volatile("mov %0, %%es" :: "r"((uint32_t)v->es));
    __asm__ volatile("mov %0, %%fs" :: "r"((uint32_t)v->fs));
    __asm__ volatile("mov %0, %%gs" :: "r"((uint32_t)v->gs));
}

void arch_vcpu_run(struct vcpu *v, const struct cpu_regs *frame)
{
    current = v;
    vcpu_load_pagetable(v);
    if (v->fpu_ts)
        stts();
    else
        clts();
    *guest_regs() = *frame;
    load_data_segments(v);
    resume_guest_frame();
}
