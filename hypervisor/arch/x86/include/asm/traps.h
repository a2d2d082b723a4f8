/*
 * Trap helpers shared by arch code: vector names and backtraces for the
 * fault reporter (traps.c), the forced-CPUID emulation and the guest's
 * CPUID view (cpuid.c), and the memory code's #PF hook (mm_fault.c).
 */
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
/*
 * A guest #PF the memory code may resolve itself (emulated write to a
 * read-only page table with VMASST writable_pagetables, lazily mapped LDT
 * pages).  true = handled, resume the guest.  (arch/x86/mm_fault.c)
 */
bool mm_guest_page_fault(struct cpu_regs *r, unsigned long cr2);
#endif
