/*
 * Running vCPUs: entering a guest, the hypercall entry, and the exit path.
 *
 * The guest's register frame always sits at the top of the hypervisor
 * stack (guest_regs()).  Starting a vCPU means: make it current, load its
 * PML4, load its data segment selectors, set CR0.TS as it expects, copy
 * its saved frame to the top of the stack and IRETQ (resume_guest_frame).
 *
 * arch_return_to_guest() runs on every exit towards a guest.  It is the
 * one place that decides whether the current vCPU may continue: it runs
 * the softirqs (expired timers), and if the scheduler was asked to run
 * (SCHEDULE_SOFTIRQ: a slice ended, a better vCPU woke, this one blocked,
 * yielded, shut down or was crashed) it calls schedule(), which never
 * returns here -- the next vCPU resumes through resume_guest_frame with a
 * fresh stack.  A vCPU is never switched away from in the middle of a
 * handler.
 *
 * The context switch itself is small because the guest frame already
 * lives at a fixed place: save it (and DS/ES/FS/GS) into the old vCPU,
 * copy the new vCPU's frame there, load its PML4 -- only if it differs,
 * a CR3 write is a full TLB flush (and under QEMU's TCG the dearest thing
 * in a switch) -- and CR0.TS, and IRETQ.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/hypercall.h>
#include <mica/sched.h>
#include <mica/softirq.h>
#include <mica/lib.h>
#include <asm/regs.h>
#include <asm/x86.h>
#include <asm/paging.h>
#include <asm/vcpu.h>
#include <asm/page.h>

void resume_guest_frame(void) __noreturn;

static bool continuation_pending;

long hypercall_create_continuation(unsigned int nr, unsigned int nargs, ...)
{
    struct cpu_regs *r = guest_regs();
    uint64_t *argregs[5] = { &r->rbx, &r->rcx, &r->rdx, &r->rsi, &r->rdi };
    va_list ap;

    va_start(ap, nargs);
    for (unsigned int i = 0; i < nargs && i < 5; i++)
        *argregs[i] = (uint32_t)va_arg(ap, unsigned long);
    va_end(ap);
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
    do_softirq();
    if (sched_need_resched() || !vcpu_runnable(current))
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
    if (read_cr3() != ((unsigned long)v->top_mfn << PAGE_SHIFT))
        vcpu_load_pagetable(v);
    if (v->fpu_ts != !!(read_cr0() & X86_CR0_TS)) {
        if (v->fpu_ts)
            stts();
        else
            clts();
    }
    if (frame != guest_regs())
        *guest_regs() = *frame;
    load_data_segments(v);
    resume_guest_frame();
}

void arch_save_vcpu_frame(struct vcpu *v)
{
    v->user_regs = *guest_regs();
    v->ds = read_sreg_ds();
    v->es = read_sreg_es();
    v->fs = read_sreg_fs();
    v->gs = read_sreg_gs();
}

void arch_vcpu_resume(struct vcpu *v)
{
    arch_vcpu_run(v, &v->user_regs);
}

/*
 * FPU hand-over between vCPUs.  Placeholder for the trap issue, which
 * owns FPU state (lazy save/restore with CR0.TS): called whenever the
 * vCPU on the CPU changes, idle vCPU included, while prev's memory is
 * still valid.  Nothing to do until guests' FPU state is kept.
 */
void arch_vcpu_switch_fpu(struct vcpu *prev, struct vcpu *next)
{
}

void arch_load_idle_pagetable(void)
{
    write_cr3(__pa(idle_pg_table));
}

void arch_idle_wait(void)
{
    /* sti's one-instruction shadow: no interrupt slips in before hlt. */
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}

void arch_vcpu_destroy(struct vcpu *v)
{
    if (v->top_table)
        free_xenheap_pages(v->top_table, 0);
    v->top_table = NULL;
}
