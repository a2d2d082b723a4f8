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
 * one place that decides whether the current vCPU may continue: it runs
 * the softirqs (expired timers), and if the scheduler was asked to run
 * (SCHEDULE_SOFTIRQ: a slice ended, a better vCPU woke, this one blocked,
 * yielded, shut down or was crashed) it calls schedule(), which never
 * returns here -- the next vCPU resumes through resume_guest_frame with a
 * fresh stack.  A vCPU is never switched away from in the middle of a
 * handler.
 *
 * The context switch itself is small because the guest frame already
 * lives at a fixed place: save it (and DS/ES/FS/GS) into the old vCPU
 * (arch_vcpu_save), copy the new vCPU's frame there, load its PML4 --
 * only if it differs: a CR3 write is a full TLB flush, under QEMU's TCG
 * the dearest thing in a switch -- and the rest of arch_vcpu_run, and
 * IRETQ.  Resuming the vCPU that is still loaded skips all of it.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/hypercall.h>
#include <mica/phase.h>
#include <mica/sched.h>
#include <mica/softirq.h>
#include <mica/lib.h>
#include <asm/regs.h>
#include <asm/x86.h>
#include <asm/paging.h>
#include <asm/vcpu.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/cpu_protect.h>
#include <mica/vcpu_area.h>

void resume_guest_frame(void) __noreturn;

/* The vCPU whose state the CPU holds (page tables, GDT area, selectors). */
static struct vcpu *loaded_vcpu;

/* Both cleared by entry.S at every hypercall, hence not static. */
bool continuation_pending, preempt_started;

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
 * a fixed budget of TSC cycles, counted from its first preemption check (so
 * the hypercall entry path, which most calls never leave, reads no TSC).
 */
static uint64_t preempt_start_tsc;
#define HYPERCALL_BUDGET_CYCLES 2000000ULL

bool hypercall_preempt_check(void)
{
    uint64_t now = rdtsc();
    if (!preempt_started) {
        preempt_started = true;
        preempt_start_tsc = now;
        return false;
    }
    return now - preempt_start_tsc > HYPERCALL_BUDGET_CYCLES;
}

/*
 * The hypercall dispatch (clear both flags above, look up, call, store the
 * result unless continuation_pending) is in entry.S, hypercall_entry.
 */

void arch_return_to_guest(struct cpu_regs *r);
void arch_return_to_guest(struct cpu_regs *r)
{
    /*
     * r is guest_regs(): every entry from a guest leaves its frame there
     * (IST entries move it there first, entry.S).
     */
    struct vcpu *v = current;

    /*
     * entry.S calls this only when one of these conditions holds (its
     * inline test repeats them: a condition added here goes there too);
     * the work is out of line.
     */
    if (unlikely(any_softirq_pending() || !vcpu_runnable(v))) {
        do_softirq();
        if (sched_need_resched() || !vcpu_runnable(v))
            schedule();
    }
    if (unlikely(v->areas_stale))
        vcpu_areas_sync(v);             /* guest-VA runstate / time copies */
    if (unlikely(v->nmi_pending || local_events_need_delivery(v))) {
        pv_deliver_pending(r);          /* NMI and event callbacks */
        if (!vcpu_runnable(v))          /* the bounce may have crashed it */
            schedule();
    }
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
    if (read_cr3() != ((unsigned long)v->top_mfn << PAGE_SHIFT))
        vcpu_load_pagetable(v);
    load_descriptor_tables(v);
    cpu_protect_switch(v);
    fpu_switch_to(v);
    debugreg_load(v);
    msr_ctxt_switch(v);
    int80_gate_update(v);
    fastcall_update(v);
    if (frame != guest_regs())
        *guest_regs() = *frame;
    loaded_vcpu = v;

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

/*
 * Resume v.  If v is the vCPU whose state is still loaded (it blocked and
 * was woken with nobody else run in between, or its slice ended with no
 * one else to run), its page tables, descriptor tables, debug registers,
 * FPU setting and data selectors are all still in place: only its frame
 * goes back.  No TLB flush, no remapping of the GDT area.
 */
void arch_vcpu_resume(struct vcpu *v)
{
    if (v == loaded_vcpu && read_cr3() == ((unsigned long)v->top_mfn << PAGE_SHIFT)) {
        current = v;
        *guest_regs() = v->user_regs;
        resume_guest_frame();
    }
    arch_vcpu_run(v, &v->user_regs);
}

void arch_load_idle_pagetable(void)
{
    write_cr3(__pa(idle_pg_table));
    loaded_vcpu = NULL;
}

void arch_idle_wait(void)
{
    /* sti's one-instruction shadow: no interrupt slips in before hlt. */
    __asm__ volatile("sti; hlt; cli" ::: "memory");
}

void arch_vcpu_release(struct vcpu *v)
{
    if (loaded_vcpu == v)
        loaded_vcpu = NULL;
    fpu_release(v);
}
