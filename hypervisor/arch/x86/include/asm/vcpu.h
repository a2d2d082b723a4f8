#ifndef ASM_VCPU_H
#define ASM_VCPU_H
#include <mica/domain.h>
#include <asm/regs.h>
/* Switch to v and resume it with the given register frame. */
void arch_vcpu_run(struct vcpu *v, const struct cpu_regs *frame) __noreturn;
#endif
