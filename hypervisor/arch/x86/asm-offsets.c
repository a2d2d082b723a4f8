/*
 * Structure offsets for assembly.  Compiled to assembly only; the Makefile
 * extracts the "@@OFFSET name value" markers into asm-offsets.h, so no
 * offset is ever written by hand in a .S file.
 */
#include <mica/types.h>
#include <asm/regs.h>
#include <public/xen.h>

#define OFFSET(name, type, member) \
    __asm__ volatile("\n@@OFFSET " #name " %c0" :: "i"(offsetof(type, member)))
#define DEFINE(name, value) \
    __asm__ volatile("\n@@OFFSET " #name " %c0" :: "i"(value))

void asm_offsets(void);
void asm_offsets(void)
{
    OFFSET(REGS_rax, struct cpu_regs, rax);
    OFFSET(REGS_rip, struct cpu_regs, rip);
    OFFSET(REGS_cs, struct cpu_regs, cs);
    OFFSET(REGS_error_code, struct cpu_regs, error_code);
    DEFINE(REGS_SIZE, sizeof(struct cpu_regs));
    DEFINE(GUEST_USER_CS, FLAT_RING3_CS);
    DEFINE(GUEST_USER_SS, FLAT_RING3_SS);
}
