/*
 * A whole 32-bit vCPU context in and out (arch/x86/vcpu_context.c).
 *
 * The contract, for every caller (domctl setvcpucontext/getvcpucontext,
 * VCPUOP_initialise, the boot-time domain builder):
 *
 *   struct vcpu_context ck;
 *   rc = arch_vcpu_context_validate(v, &guest_copy, &ck);   no side effects
 *   if (!rc) rc = arch_vcpu_context_commit(v, &ck);          all or nothing
 *
 * validate() checks every field exactly as the hypercall that sets the
 * same state would (asm/context_check.h), plus the frames it names: CR3
 * must be an L3 of v's domain that is already validated (pinned, or the
 * base table of another vCPU -- so committing never validates a tree:
 * no long work without preemption), the GDT frames must be the domain's
 * and hold only acceptable descriptors.  It changes nothing, anywhere.
 * An initialised vCPU may be given a new context only with the same CR3,
 * GDT and LDT (-EOPNOTSUPP otherwise, as in Xen).
 *
 * commit() takes the references the context needs (GDT frames as
 * descriptor pages, CR3 as a base table); if one cannot be taken after
 * all (its type changed since validate), it releases what it took and
 * returns -EINVAL with v untouched.  Then it installs everything, which
 * cannot fail, and marks v initialised; VGCF_online clears VPF_down.
 *
 * The target vCPU must not be running: the caller pauses its domain (a
 * toolstack) or it is a vCPU that is down (VCPUOP_initialise), or it is
 * being built.  v must have its top-level table (arch_vcpu_create).
 *
 * arch_vcpu_context_read() is the inverse (getvcpucontext); it needs no
 * pause for v == current (its live frame is read).  arch_vcpu_reset()
 * drops everything a context installed (v uninitialised and down).
 */
#ifndef ASM_VCPU_CONTEXT_H
#define ASM_VCPU_CONTEXT_H

#include <mica/domain.h>
#include <public/xen.h>

struct vcpu_context {
    vcpu_guest_context_t c;                      /* checked, sanitised */
    unsigned long cr3_mfn;
    unsigned long gdt_mfns[FIRST_RESERVED_GDT_PAGE];
    unsigned int nr_gdt;
    uint8_t iopl;                                /* from EFLAGS.IOPL */
};

int arch_vcpu_context_validate(const struct vcpu *v, const vcpu_guest_context_t *in,
                               struct vcpu_context *out);
int arch_vcpu_context_commit(struct vcpu *v, const struct vcpu_context *ck);
void arch_vcpu_context_read(struct vcpu *v, vcpu_guest_context_t *out);
void arch_vcpu_reset(struct vcpu *v);

#endif
