/*
 * SMEP and SMAP (arch/x86/cpu_protect.c, which explains how they stay on
 * with 32-bit PV guest kernels in ring 1 and no CR4 write on the hot
 * paths).  ASM_CLAC/ASM_STAC are for assembly: each site is listed in
 * .smap_sites and becomes a NOP at boot on a CPU without SMAP.
 */
#ifndef ASM_CPU_PROTECT_H
#define ASM_CPU_PROTECT_H

#ifdef __ASSEMBLY__
#define SMAP_SITE(insn)                     \
    771: insn;                              \
    .pushsection .smap_sites, "a";          \
    .align 8;                               \
    .quad 771b;                             \
    .popsection
#define ASM_CLAC SMAP_SITE(clac)
#define ASM_STAC SMAP_SITE(stac)
#else
#include <mica/types.h>

struct cpu_regs;
struct vcpu;

extern bool cpu_has_smep, cpu_has_smap;
/* EFLAGS.AC to enter the guest kernel with: set when SMAP is on. */
extern uint64_t pv_guest_ac;

/* Boot: find SMEP/SMAP (and NOP out CLAC/STAC without SMAP) -- before the
 * IDT is loaded; then turn them on and check they are enforced. */
void cpu_protect_detect(void);
void cpu_protect_init(void);
/* The boot check's deliberate fault (traps.c, hypervisor context). */
bool cpu_protect_probe_fixup(struct cpu_regs *r);
/* Switching to v: CR4.SMEP as its domain needs (written only on change). */
void cpu_protect_switch(const struct vcpu *v);
/* A guest #PF only SMEP/SMAP caused: handled (re-executed) if true. */
bool cpu_protect_guest_fault(struct cpu_regs *r, unsigned long cr2);
#endif

#endif
