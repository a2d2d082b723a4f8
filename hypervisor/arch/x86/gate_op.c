/*
 * Call gates: emulating far CALL and JMP through a gate in the guest's GDT
 * or LDT.
 *
 * The 32-bit PV ABI lets a guest kernel install 32-bit call gates, e.g. so
 * that user space can call into the kernel.  In long mode the CPU has only
 * 64-bit call gates, and those may only lead to 64-bit code -- which a
 * guest must never have -- so check_descriptor() stores every accepted gate
 * with DPL 0 (its real DPL kept in the RPL bits of the target selector):
 * any use from ring 1 or 3 then faults with #GP(gate selector) and comes
 * here.  The emulation does what a 32-bit CPU would, with every check the
 * CPU makes, and looks descriptors up only within the table limits the
 * guest set (an LDT selector with no LDT names nothing: the check whose
 * absence was XSA-298):
 *
 *   1. the instruction at CS:EIP must be a far CALL or JMP (9A, EA, FF /3,
 *      FF /5, 32-bit forms) naming the faulting selector;
 *   2. the gate must be present, and its real DPL >= max(CPL, RPL);
 *   3. its target must be a present code segment (#GP / #NP on the
 *      target selector otherwise) with DPL <= CPL;
 *   4. a JMP cannot change privilege; a CALL to a more privileged ring
 *      (user to kernel: only ring 3 -> ring 1 exists for a PV guest)
 *      switches to kernel_ss:kernel_sp and pushes SS, ESP, the gate's
 *      parameters copied from the caller's stack, CS and EIP; a CALL at
 *      the same privilege pushes CS and EIP.  The kernel returns with an
 *      ordinary far RET, which the CPU handles by itself.
 *
 * Memory the guest names is accessed through its own page tables; for a
 * ring-3 caller, what is read from its stack or its far pointer must be
 * user-accessible (checked by walking its tables), so a user cannot make
 * the hypervisor read kernel memory on its behalf.  A same-privilege CALL
 * from ring 3 (to DPL-3 code, pointless for a PV guest) is refused with
 * #GP(target): the frame would have to be pushed on a user stack.  A
 * fault while pushing the new frame crashes the domain, as for any other
 * frame the hypervisor cannot write on a guest kernel stack.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/mm.h>
#include <mica/guest_walk.h>
#include <public/xen.h>
#include <asm/page.h>
#include <asm/pv.h>
#include <asm/x86.h>
#include <asm/desc_check.h>
#include <asm/x86_decode.h>

/* Read guest memory with the rights of the caller's ring. */
static bool read_guest(const struct pv_insn_ctx *c, bool user, uint32_t va, void *buf,
                       uint32_t len)
{
    return (!user || guest_range_allows(c->v, va, len, GW_READ | GW_USER)) &&
           !copy_from_guest(buf, va, len);
}

static uint32_t gpr_of(const struct cpu_regs *r, unsigned int i)
{
    const uint64_t *g[8] = { &r->rax, &r->rcx, &r->rdx, &r->rbx, &r->rsp, &r->rbp,
                             &r->rsi, &r->rdi };
    return (uint32_t)*g[i];
}

/* The selector of the far pointer the instruction uses; false if unreadable. */
static bool far_selector(const struct pv_insn_ctx *c, const struct x86_insn *in, bool user,
                         uint16_t *sel)
{
    uint32_t gpr[8], base, ea;
    int seg;

    if (in->has_far) {
        *sel = in->far_sel;
        return true;
    }
    for (unsigned int i = 0; i < 8; i++)
        gpr[i] = gpr_of(c->r, i);
    ea = x86_effective_address(in, gpr, &seg);
    if (!guest_segment_base(c->v, pv_insn_seg_selector(c->r, seg), &base))
        return false;
    return read_guest(c, user, base + ea + 4, sel, 2);
}

static bool push_frame(struct cpu_regs *r, uint16_t ss, uint32_t sp, const uint32_t *w,
                       unsigned int n, uint32_t *new_sp)
{
    struct vcpu *v = current;
    uint32_t base;

    if (!guest_segment_base(v, ss, &base) || sp < 4 * n ||
        copy_to_guest(base + sp - 4 * n, w, 4 * n)) {
        domain_crash(v->domain, "call gate: cannot push the frame at %04x:%08x", ss, sp);
        return false;
    }
    *new_sp = sp - 4 * n;
    return true;
}

bool emulate_gate_op(struct cpu_regs *r, uint32_t ec)
{
    struct pv_insn_ctx c = { .r = r, .v = current };
    unsigned int cpl = guest_ring(r), new_cpl, params;
    uint64_t gate, target;
    struct x86_insn in;
    uint16_t sel, tsel;
    bool call, user = cpl == 3;

    /* 1. a far CALL/JMP naming this gate */
    if (!guest_segment_base(c.v, (uint16_t)r->cs, &c.cs_base) ||
        x86_decode(&in, pv_insn_fetch, &c) || in.lock || in.rep ||
        (!x86_is_far_call(&in) && !x86_is_far_jmp(&in)) ||
        !far_selector(&c, &in, user, &sel) || (sel & ~3u) != (ec & ~3u))
        return false;
    call = x86_is_far_call(&in);

    /* 2. the gate */
    if (!guest_descriptor(c.v, sel, &gate) || !(gate & DESC_P) || (gate & DESC_S) ||
        desc_type(gate) != SYS_TYPE_CALL_GATE ||
        gate_real_dpl(gate) < MAX(cpl, SEL_RPL(sel)))
        return false;                       /* the #GP(sel) stands */

    /* 3. the target */
    tsel = gate_selector(gate) & ~3u;
    if (!guest_descriptor(c.v, tsel, &target) || !(target & DESC_S) ||
        !(target & DESC_CODE) || desc_dpl(target) > cpl) {
        pv_inject_trap(r, 13, true, tsel);
        return true;
    }
    if (!(target & DESC_P)) {
        pv_inject_trap(r, 11, true, tsel);
        return true;
    }
    new_cpl = (target & (1ULL << 42)) ? cpl : desc_dpl(target);   /* conforming? */
    if (new_cpl == 0) {                     /* cannot be: checked descriptors */
        domain_crash(c.v->domain, "call gate %#x leads to ring 0", sel);
        return true;
    }

    /* 4. transfer */
    uint32_t eip = gate_offset(gate), next = (uint32_t)(r->rip + in.len), sp;
    if (!call) {
        if (new_cpl != cpl) {
            pv_inject_trap(r, 13, true, tsel);
            return true;
        }
    } else if (new_cpl == cpl) {
        uint32_t w[2] = { next, (uint16_t)r->cs };
        if (user) {
            pv_inject_trap(r, 13, true, tsel);
            return true;
        }
        if (!push_frame(r, (uint16_t)r->ss, (uint32_t)r->rsp, w, 2, &sp))
            return true;
        r->rsp = sp;
    } else {
        uint32_t w[2 + 31 + 2], old_base;
        if (new_cpl != 1 || !c.v->kernel_ss) {
            pv_inject_trap(r, 13, true, tsel);
            return true;
        }
        params = gate_params(gate);
        w[0] = next;
        w[1] = (uint16_t)r->cs;
        if (params && (!guest_segment_base(c.v, (uint16_t)r->ss, &old_base) ||
                       !read_guest(&c, user, old_base + (uint32_t)r->rsp, &w[2], 4 * params))) {
            pv_inject_trap(r, 12, true, 0);     /* the caller's stack */
            return true;
        }
        w[2 + params] = (uint32_t)r->rsp;
        w[3 + params] = (uint16_t)r->ss;
        if (!push_frame(r, c.v->kernel_ss, c.v->kernel_sp, w, 4 + params, &sp))
            return true;
        r->ss = c.v->kernel_ss;
        r->rsp = sp;
    }
    r->cs = tsel | new_cpl;
    r->rip = eip;
    return true;
}
