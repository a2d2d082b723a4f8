#ifndef ASM_TRAPS_H
#define ASM_TRAPS_H
#include <asm/regs.h>
const char *trap_name(unsigned int vec);
void show_backtrace(uint64_t rbp);
/* #UD from a guest: emulate "ud2; .ascii 'xen'; cpuid". true if handled. */
bool emulate_forced_cpuid(struct cpu_regs *r);
/* The filtered CPUID view of a PV guest. */
void pv_cpuid(uint32_t leaf, uint32_t sub, uint32_t *a, uint32_t *b,
              uint32_t *c, uint32_t *d);
#endif
