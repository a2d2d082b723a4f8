/*
 * The register-level rules for a 32-bit vCPU context (arch/x86/
 * context_check.c: pure, host-tested by tests/host/test-context-check.c).
 *
 * The same state reaches the hypervisor along two roads: piece by piece,
 * through the hypercalls a running guest makes (set_trap_table,
 * set_callbacks, stack_switch, set_debugreg, the iret frame, ...), and
 * whole, as a struct vcpu_guest_context (domctl setvcpucontext from the
 * toolstack, VCPUOP_initialise from the guest itself).  Each piece is
 * checked by one function here, used by both roads, so a value refused
 * by a hypercall can never slip in through a context.
 */
#ifndef ASM_CONTEXT_CHECK_H
#define ASM_CONTEXT_CHECK_H

#include <mica/types.h>
#include <public/xen.h>

/* An entry point (callback, trap handler) a ring-1 guest registers. */
static inline bool pv_entry_ok(uint32_t eip)
{
    return eip < HYPERVISOR_VIRT_START;
}

/*
 * A callback {cs, eip}: cs a ring-1 code selector (RPL 0 raised to 1),
 * eip below the hole.  Rewrites cb->cs; false if refused.
 */
bool pv_callback_ok(struct xen_callback *cb);

/* One virtual-IDT entry with a handler (address != 0); rewrites ti->cs. */
bool pv_trap_entry_ok(struct trap_info *ti);

/*
 * The ring-1 stack for entries from ring 3 (stack_switch, kernel_ss/sp):
 * a ring-1 data selector, and a stack top no higher than the hole (the
 * first push would otherwise write into it).  Rewrites *ss.
 */
bool pv_kernel_stack_ok(uint16_t *ss, uint32_t sp);

/*
 * The CS:EIP, SS:ESP and data selectors a vCPU is to resume with.  A
 * kernel frame (CS RPL 0 or 1; 0 is raised to 1) uses the ring-1 rules;
 * a user frame (RPL 2 or 3) may name any guest selector of that ring or
 * the flat ring-3 ones, never the hypervisor's reserved GDT page
 * otherwise.  SS RPL must equal CS RPL.  Data selectors may be null.
 * The stack of a kernel frame must lie below the hole.
 */
bool pv_frame_selectors_ok(struct cpu_user_regs *r);

/*
 * Every register-level check of a context, on a copy the caller owns:
 * selectors fixed up, EFLAGS sanitised (its IOPL returned in *iopl),
 * debug registers checked, the trap table entries numbered by their
 * index.  What needs the frame table (CR3, GDT frames) is the caller's.
 * mxcsr_mask: the MXCSR bits the CPU accepts (FXRSTOR faults on others).
 * 0 or -EINVAL / -EPERM (the errno the matching hypercall would give).
 */
int pv_context_check_regs(vcpu_guest_context_t *c, uint32_t mxcsr_mask,
                          unsigned long valid_vm_assist, uint8_t *iopl);

/* The FXSAVE image's MXCSR (offset 24). */
static inline uint32_t fxsave_mxcsr(const vcpu_guest_context_t *c)
{
    return (uint32_t)c->fpu_ctxt.x[24] | (uint32_t)c->fpu_ctxt.x[25] << 8 |
           (uint32_t)c->fpu_ctxt.x[26] << 16 | (uint32_t)c->fpu_ctxt.x[27] << 24;
}

#define LDT_MAX_ENTS 8192

#endif
