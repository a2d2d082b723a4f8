/*
 * Switching vCPUs on the CPU (arch/x86/vcpu.c), for the scheduler: save
 * the running one's frame and selectors, and run another with its whole
 * arch state (page tables, descriptor tables, SMEP, FPU, debug registers).
 */
#ifndef ASM_VCPU_H
#define ASM_VCPU_H
#include <mica/domain.h>
#include <asm/regs.h>
/*
 * Switch to v and resume it with the given register frame: page tables,
 * GDT/LDT, FPU (lazily), debug registers, int 0x80 gate, data segments.
 */
void arch_vcpu_run(struct vcpu *v, const struct cpu_regs *frame) __noreturn;
/*
 * For the scheduler, before switching away from the running vCPU v:
 * save its register frame (guest_regs()) to v->user_regs and its data
 * segment selectors.  Its FPU state stays in the registers until another
 * vCPU needs them (fpu.c); call fpu_release(v) (asm/pv.h) if v is
 * destroyed.
 */
void arch_vcpu_save(struct vcpu *v);
#endif
