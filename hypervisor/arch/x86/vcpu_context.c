/*
 * Loading and reading a whole 32-bit vCPU context (the contract is in
 * asm/vcpu_context.h).
 *
 * A context is the state a running guest would otherwise set piece by
 * piece: registers, the virtual IDT, callbacks, the kernel stack for
 * entries from ring 3, GDT and LDT, CR3, debug registers, FPU image,
 * vm_assist.  Three parties load one: the toolstack for a domain it
 * builds (domctl setvcpucontext), a guest for one of its own secondary
 * vCPUs (VCPUOP_initialise), and the hypervisor's boot-time builder, which
 * goes through this very code so that the first instruction of every
 * domain runs on state the same checks accepted.
 *
 * Validation is split from the commit.  validate() reads the frame
 * table and the GDT frames' contents but writes nothing: every argument
 * error is found there.  commit() takes references in an order that can
 * be undone (GDT frames, then CR3) and only then touches the vCPU.
 *
 * Why CR3 must already be a validated L3: a toolstack pins the new
 * domain's tables before it sets the context (mmuext_op with a foreign
 * domain, preemptible); a guest pins its tables before bringing up a
 * vCPU.  Accepting an unvalidated tree here would mean validating up to
 * a million entries inside one non-preemptible call (the XSA-45 class).
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/mm.h>
#include <mica/sched.h>
#include <mica/errno.h>
#include <mica/bug.h>
#include <mica/lib.h>
#include <mica/time.h>
#include <public/xen.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/mm_arch.h>
#include <asm/x86.h>
#include <asm/pv.h>
#include <asm/pv_rules.h>
#include <asm/desc_check.h>
#include <asm/context_check.h>
#include <asm/vcpu_context.h>
#include <asm/cpu_protect.h>

/* An allocated frame of d, not a hypervisor-heap page. */
static struct page_info *domain_frame(const struct domain *d, unsigned long mfn)
{
    struct page_info *pg;

    if (!mfn_valid(mfn))
        return NULL;
    pg = mfn_to_page(mfn);
    if (pg->owner != d || !(pg->count_info & PGC_allocated) ||
        (pg->count_info & (PGC_free | PGC_xen_heap | PGC_broken)))
        return NULL;
    return pg;
}

/* Could mfn be referenced as v's base table without validating anything? */
static bool l3_usable(const struct domain *d, unsigned long mfn)
{
    const struct page_info *pg = domain_frame(d, mfn);
    uint32_t t;

    if (!pg)
        return false;
    t = pg->type_info;
    return (t & PGT_type_mask) == PGT_l3_page_table && (t & PGT_validated) &&
           (t & PGT_count_mask) && (t & PGT_count_mask) != PGT_count_mask &&
           !(pg->mm_flags & PGF_partial);
}

/* Could mfn become a descriptor page of d (no writable mapping, contents OK)? */
static bool desc_frame_usable(const struct domain *d, unsigned long mfn)
{
    const struct page_info *pg = domain_frame(d, mfn);
    uint32_t t;

    if (!pg)
        return false;
    t = pg->type_info;
    if ((t & PGT_count_mask) && (t & PGT_type_mask) != PGT_seg_desc_page)
        return false;
    return descriptor_page_ok(map_frame(mfn));
}

int arch_vcpu_context_validate(const struct vcpu *v, const vcpu_guest_context_t *in,
                               struct vcpu_context *out)
{
    const struct domain *d = v->domain;
    vcpu_guest_context_t *c = &out->c;
    int rc;

    *c = *in;
    rc = pv_context_check_regs(c, fpu_mxcsr_mask(), VM_ASSIST_VALID, &out->iopl);
    if (rc)
        return rc;

    out->cr3_mfn = xen_cr3_to_pfn(c->ctrlreg[3]);
    if (!l3_usable(d, out->cr3_mfn))
        return -EINVAL;
    out->nr_gdt = (c->gdt_ents + 511) / 512;
    for (unsigned int i = 0; i < out->nr_gdt; i++) {
        out->gdt_mfns[i] = c->gdt_frames[i];
        if (!desc_frame_usable(d, out->gdt_mfns[i]))
            return -EINVAL;
    }

    if (v->is_initialised) {
        /* Xen's rule: the tables of a live vCPU are not swapped this way. */
        if (out->cr3_mfn != v->guest_l3_mfn || c->gdt_ents != v->gdt_ents ||
            memcmp(out->gdt_mfns, v->gdt_frames, out->nr_gdt * sizeof(out->gdt_mfns[0])) ||
            c->ldt_base != v->ldt_base || c->ldt_ents != v->ldt_ents)
            return -EOPNOTSUPP;
    }
    return 0;
}

/* The guest's 32-bit register frame into the saved 64-bit one. */
static void load_frame(struct vcpu *v, const struct cpu_user_regs *r)
{
    struct cpu_regs *f = &v->user_regs;

    memset(f, 0, sizeof(*f));
    f->rax = r->eax;
    f->rbx = r->ebx;
    f->rcx = r->ecx;
    f->rdx = r->edx;
    f->rsi = r->esi;
    f->rdi = r->edi;
    f->rbp = r->ebp;
    f->rip = r->eip;
    f->cs = r->cs;
    /* A kernel context starts with AC set under SMAP, as every kernel entry
     * the hypervisor builds does (cpu_protect.c). */
    f->rflags = r->eflags | ((r->cs & 3) != 3 ? pv_guest_ac : 0);
    f->rsp = r->esp;
    f->ss = r->ss;
    v->ds = r->ds;
    v->es = r->es;
    v->fs = r->fs;
    v->gs = r->gs;
}

int arch_vcpu_context_commit(struct vcpu *v, const struct vcpu_context *ck)
{
    struct domain *d = v->domain;
    const vcpu_guest_context_t *c = &ck->c;

    bool was_initialised = v->is_initialised;

    BUG_ON(!v->top_table || v == current);
    if (!was_initialised) {
        /* References first, in an order that can be undone. */
        if (gdt_frames_acquire(d, ck->gdt_mfns, ck->nr_gdt))
            return -EINVAL;
        if (get_page_and_type(mfn_to_page(ck->cr3_mfn), d, PGT_l3_page_table)) {
            for (unsigned int i = 0; i < ck->nr_gdt; i++)
                put_page_and_type(mfn_to_page(ck->gdt_mfns[i]));
            return -EINVAL;
        }
        gdt_install(v, ck->gdt_mfns, c->gdt_ents);
        vcpu_set_guest_l3(v, ck->cr3_mfn);
        arch_set_ldt(v, c->ldt_base, c->ldt_ents);  /* checked: cannot fail */
    }

    /* From here nothing can fail. */
    load_frame(v, &c->user_regs);
    v->iopl = ck->iopl;
    for (unsigned int i = 0; i < 256; i++)
        v->trap_table[i] = c->trap_ctxt[i];
    v->event_cb = (struct xen_callback){ c->event_callback_cs, c->event_callback_eip };
    v->failsafe_cb = (struct xen_callback){ c->failsafe_callback_cs, c->failsafe_callback_eip };
    v->failsafe_masks = c->flags & VGCF_failsafe_disables_events;
    v->kernel_ss = (uint16_t)c->kernel_ss;
    v->kernel_sp = c->kernel_sp;
    v->cr4_de = c->ctrlreg[4] & X86_CR4_DE_BIT;      /* the guest's CR4 bits */
    v->cr4_tsd = c->ctrlreg[4] & X86_CR4_TSD;
    for (unsigned int i = 0; i < 8; i++)
        v->debugreg[i] = c->debugreg[i];
    v->fpu_ts = c->ctrlreg[0] & X86_CR0_TS;
    v->guest_cr2 = c->ctrlreg[2];
    if (c->flags & VGCF_i387_valid)
        fpu_set_image(v, c->fpu_ctxt.x);
    /* Xen's rule: only vCPU 0's first context sets the domain's assists
     * (a secondary vCPU's context, or a reload, leaves them alone). */
    if (v->vcpu_id == 0 && !was_initialised)
        d->vm_assist = c->vm_assist;
    if (v->vcpu_id == 0)
        update_domain_wallclock_time(d);   /* a new time offset shows now */
    v->is_initialised = true;
    if (c->flags & VGCF_online) {
        v->pause_flags &= ~VPF_down;
        vcpu_wake(v);                      /* no-op while the domain is paused */
    } else {
        v->pause_flags |= VPF_down;
        vcpu_sleep(v);
    }
    return 0;
}

void arch_vcpu_context_read(struct vcpu *v, vcpu_guest_context_t *out)
{
    const struct cpu_regs *f = v == current ? guest_regs() : &v->user_regs;
    struct cpu_user_regs *r = &out->user_regs;

    memset(out, 0, sizeof(*out));
    if (fpu_get_image(v, out->fpu_ctxt.x))
        out->flags |= VGCF_i387_valid;
    if ((f->cs & 3) <= 1)
        out->flags |= VGCF_in_kernel;
    if (v->failsafe_masks)
        out->flags |= VGCF_failsafe_disables_events;
    if (!(v->pause_flags & VPF_down))
        out->flags |= VGCF_online;

    r->eax = (uint32_t)f->rax;
    r->ebx = (uint32_t)f->rbx;
    r->ecx = (uint32_t)f->rcx;
    r->edx = (uint32_t)f->rdx;
    r->esi = (uint32_t)f->rsi;
    r->edi = (uint32_t)f->rdi;
    r->ebp = (uint32_t)f->rbp;
    r->eip = (uint32_t)f->rip;
    r->cs = (uint16_t)f->cs;
    /* The guest sees its virtual IOPL, as it set it. */
    r->eflags = ((uint32_t)f->rflags & ~EFL_IOPL) | ((uint32_t)v->iopl << 12);
    r->esp = (uint32_t)f->rsp;
    r->ss = (uint16_t)f->ss;
    if (v == current) {
        r->ds = read_sreg_ds();
        r->es = read_sreg_es();
        r->fs = read_sreg_fs();
        r->gs = read_sreg_gs();
    } else {
        r->ds = v->ds;
        r->es = v->es;
        r->fs = v->fs;
        r->gs = v->gs;
    }

    for (unsigned int i = 0; i < 256; i++)
        out->trap_ctxt[i] = v->trap_table[i];
    out->ldt_base = v->ldt_base;
    out->ldt_ents = v->ldt_ents;
    for (unsigned int i = 0; i < (v->gdt_ents + 511) / 512; i++)
        out->gdt_frames[i] = (xen_ulong_t)v->gdt_frames[i];
    out->gdt_ents = v->gdt_ents;
    out->kernel_ss = v->kernel_ss;
    out->kernel_sp = v->kernel_sp;
    out->ctrlreg[0] = v->fpu_ts ? X86_CR0_TS : 0;
    out->ctrlreg[2] = (xen_ulong_t)v->guest_cr2;
    out->ctrlreg[3] = xen_pfn_to_cr3(v->guest_l3_mfn);
    out->ctrlreg[4] = X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT |
                      (v->cr4_de ? X86_CR4_DE_BIT : 0) | (v->cr4_tsd ? X86_CR4_TSD : 0);
    for (unsigned int i = 0; i < 8; i++)
        out->debugreg[i] = v->debugreg[i];
    out->event_callback_cs = v->event_cb.cs;
    out->event_callback_eip = v->event_cb.eip;
    out->failsafe_callback_cs = v->failsafe_cb.cs;
    out->failsafe_callback_eip = v->failsafe_cb.eip;
    out->vm_assist = (xen_ulong_t)v->domain->vm_assist;
}

void arch_vcpu_reset(struct vcpu *v)
{
    unsigned long l3;

    BUG_ON(v == current);
    v->pause_flags |= VPF_down;
    vcpu_sleep(v);
    l3 = arch_vcpu_drop_guest_l3(v);
    if (l3)
        put_page_and_type(mfn_to_page(l3));
    release_descriptor_tables(v);
    fpu_release(v);
    v->fpu_initialised = false;
    v->fpu_ts = true;
    memset(&v->user_regs, 0, sizeof(v->user_regs));
    v->ds = v->es = v->fs = v->gs = 0;
    memset(v->trap_table, 0, sizeof(v->trap_table));
    v->event_cb = v->failsafe_cb = (struct xen_callback){ 0, 0 };
    v->syscall32_cb = v->sysenter_cb = (struct xen_callback){ 0, 0 };
    v->failsafe_masks = v->syscall32_masks = v->sysenter_masks = false;
    v->kernel_ss = 0;
    v->kernel_sp = 0;
    memset(v->debugreg, 0, sizeof(v->debugreg));
    v->cr4_de = false;
    v->cr4_tsd = false;
    v->iopl = 0;
    v->guest_cr2 = 0;
    v->is_initialised = false;
}
