/*
 * What a 32-bit PV vCPU context may say, register by register.
 *
 * Who calls it: callbacks.c (set_trap_table, set_callbacks, callback_op,
 * stack_switch) for the pieces, vcpu_context.c for a whole
 * vcpu_guest_context (domctl setvcpucontext, VCPUOP_initialise).  One
 * rule, one function, both roads -- see asm/context_check.h.
 *
 * The rules and why:
 *  - code selectors of handlers and callbacks are ring-1 guest selectors
 *    (desc_check.c): a handler in ring 0 would be the hypervisor's;
 *  - entry points and kernel stacks lie below the hole, which a 32-bit
 *    guest can only read (the M2P), never execute or push onto;
 *  - the frame a vCPU resumes with: CS and SS of the same ring, 1 or 3
 *    (RPL 0 raised to 1, as every fixup does), never a hypervisor
 *    selector; EFLAGS sanitised as the iret hypercall does (IOPL, NT, VM
 *    never reach the real register; VM is refused outright, as iret
 *    refuses it), the requested IOPL becoming the virtual IOPL;
 *  - debug registers pass pv_check_debugreg() (set_debugreg's rule);
 *  - an FPU image is loaded with FXRSTOR, which faults on reserved MXCSR
 *    bits -- in the hypervisor: they are refused here;
 *  - LDT: page-aligned base, at most 8192 entries, inside guest space
 *    (MMUEXT_SET_LDT's rule); GDT: at most FIRST_RESERVED_GDT_ENTRY
 *    entries (set_gdt's rule; the frames are the caller's to check);
 *  - vm_assist: only the types vm_assist accepts.
 *
 * Pure: no inline assembly, no global state, nothing changed but the
 * caller's copy.  tests/host/test-context-check.c runs this very file.
 */
#include <mica/types.h>
#include <mica/errno.h>
#include <public/xen.h>
#include <asm/desc_check.h>
#include <asm/pv_rules.h>
#include <asm/context_check.h>

bool pv_callback_ok(struct xen_callback *cb)
{
    uint16_t cs = (uint16_t)cb->cs;

    if (cb->cs > 0xffff || !fixup_guest_code_selector(&cs) || !pv_entry_ok(cb->eip))
        return false;
    cb->cs = cs;
    return true;
}

bool pv_trap_entry_ok(struct trap_info *ti)
{
    uint16_t cs = ti->cs;

    if (!fixup_guest_code_selector(&cs) || !pv_entry_ok(ti->address))
        return false;
    ti->cs = cs;
    return true;
}

bool pv_kernel_stack_ok(uint16_t *ss, uint32_t sp)
{
    return fixup_guest_stack_selector(ss) && sp <= HYPERVISOR_VIRT_START;
}

/* A selector of ring `ring` (2 or 3): no null, no reserved page but `flat`. */
static bool user_selector_ok(uint16_t s, unsigned int ring, uint16_t flat)
{
    if (SEL_RPL(s) != ring)
        return false;
    if (s & SEL_TI)
        return true;
    if (SEL_INDEX(s) == 0)
        return false;
    return SEL_INDEX(s) < FIRST_RESERVED_GDT_ENTRY || s == flat;
}

/* A data selector: null, a guest selector, or a flat one of the reserved page. */
static bool data_selector_ok(uint16_t s)
{
    if ((s & SEL_TI) || SEL_INDEX(s) == 0)
        return true;
    return SEL_INDEX(s) < FIRST_RESERVED_GDT_ENTRY ||
           (s & ~3u) == (FLAT_RING1_DS & ~3u) || (s & ~3u) == (FLAT_RING3_DS & ~3u);
}

bool pv_frame_selectors_ok(struct cpu_user_regs *r)
{
    uint16_t cs = r->cs, ss = r->ss;

    if (SEL_RPL(cs) <= 1) {
        if (!fixup_guest_code_selector(&cs) || !fixup_guest_stack_selector(&ss) ||
            r->esp > HYPERVISOR_VIRT_START)
            return false;
    } else if (!user_selector_ok(cs, SEL_RPL(cs), FLAT_RING3_CS) ||
               !user_selector_ok(ss, SEL_RPL(cs), FLAT_RING3_SS)) {
        return false;
    }
    if (!data_selector_ok(r->ds) || !data_selector_ok(r->es) ||
        !data_selector_ok(r->fs) || !data_selector_ok(r->gs))
        return false;
    r->cs = cs;
    r->ss = ss;
    return true;
}

static int check_debugregs(vcpu_guest_context_t *c)
{
    static const unsigned int regs[] = { 0, 1, 2, 3, 6, 7 };

    for (unsigned int i = 0; i < ARRAY_SIZE(regs); i++) {
        uint32_t keep;
        int rc = pv_check_debugreg(regs[i], c->debugreg[regs[i]],
                                   c->ctrlreg[4] & X86_CR4_DE_BIT, &keep);
        if (rc)
            return rc;
        c->debugreg[regs[i]] = keep;
    }
    c->debugreg[4] = c->debugreg[5] = 0;
    return 0;
}

int pv_context_check_regs(vcpu_guest_context_t *c, uint32_t mxcsr_mask,
                          unsigned long valid_vm_assist, uint8_t *iopl)
{
    struct cpu_user_regs *r = &c->user_regs;
    struct xen_callback ev = { c->event_callback_cs, c->event_callback_eip };
    struct xen_callback fs = { c->failsafe_callback_cs, c->failsafe_callback_eip };
    uint16_t kss;
    int rc;

    /* The frame it resumes with. */
    if (!pv_frame_selectors_ok(r) || (r->eflags & EFL_VM))
        return -EINVAL;
    *iopl = (uint8_t)((r->eflags & EFL_IOPL) >> 12);
    r->eflags = pv_sanitise_eflags(r->eflags);

    /* The virtual IDT: entry i is vector i; address 0 = no handler. */
    for (unsigned int i = 0; i < 256; i++) {
        struct trap_info *t = &c->trap_ctxt[i];
        if (t->address == 0) {
            *t = (struct trap_info){ .vector = (uint8_t)i };
            continue;
        }
        t->vector = (uint8_t)i;
        if (!pv_trap_entry_ok(t))
            return -EINVAL;
    }

    /* Callbacks: {0, 0} is "none registered". */
    if ((ev.cs || ev.eip) && !pv_callback_ok(&ev))
        return -EINVAL;
    if ((fs.cs || fs.eip) && !pv_callback_ok(&fs))
        return -EINVAL;
    c->event_callback_cs = ev.cs;
    c->failsafe_callback_cs = fs.cs;

    /* The ring-1 stack for entries from ring 3 (a null SS: none yet). */
    if (c->kernel_ss > 0xffff)
        return -EINVAL;
    kss = (uint16_t)c->kernel_ss;
    if (kss && !pv_kernel_stack_ok(&kss, c->kernel_sp))
        return -EINVAL;
    if (!kss && c->kernel_sp > HYPERVISOR_VIRT_START)
        return -EINVAL;
    c->kernel_ss = kss;

    /* Descriptor tables (the frames are checked by the caller). */
    if (c->gdt_ents > FIRST_RESERVED_GDT_ENTRY)
        return -EINVAL;
    for (unsigned int i = (c->gdt_ents + 511) / 512; i < ARRAY_SIZE(c->gdt_frames); i++)
        c->gdt_frames[i] = 0;
    if (c->ldt_ents > LDT_MAX_ENTS || (c->ldt_base & (PAGE_SIZE - 1)) ||
        (c->ldt_ents && (uint64_t)c->ldt_base + (uint64_t)c->ldt_ents * 8 > HYPERVISOR_VIRT_START))
        return -EINVAL;
    if (!c->ldt_ents)
        c->ldt_base = 0;

    if ((rc = check_debugregs(c)))
        return rc;
    if (c->vm_assist & ~valid_vm_assist)
        return -EINVAL;
    if ((c->flags & VGCF_i387_valid) && (fxsave_mxcsr(c) & ~mxcsr_mask))
        return -EINVAL;
    return 0;
}
