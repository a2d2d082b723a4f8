/*
 * What the generic memory code (common/page_type.c, pt_validate.c, the
 * memory hypercalls) needs from the architecture, and nothing more, so the
 * generic code compiles unchanged into the host unit tests (which supply
 * their own versions of these).  Implemented in arch/x86/mm_arch.c.
 */
#ifndef ASM_MM_ARCH_H
#define ASM_MM_ARCH_H

#include <mica/types.h>

struct vcpu;

/* The contents of a machine frame (through the direct map).  Inline in
 * the hypervisor -- every page-table walk and update calls it; the host
 * tests supply their own. */
#ifdef MICA_HYPERVISOR
#include <asm/page.h>
static inline void *map_frame(unsigned long mfn)
{
    return mfn_to_virt(mfn);
}
#else
void *map_frame(unsigned long mfn);
#endif

/*
 * TLB-flush clock: bumped by every flush of all guest mappings of this CPU
 * (a CR3 write).  A frame records the clock when one of its counts falls
 * to zero; if the clock has not moved since, a stale TLB entry may still
 * reach it and the frame must not change hands or type before a flush.
 */
extern uint32_t tlbflush_clock;
void flush_guest_tlb(void);                 /* reload CR3: everything */
void flush_guest_tlb_one(unsigned long va); /* invlpg */
void flush_cache_all(void);                 /* wbinvd */

/* The machine's memory map as the boot loader gave it (at most max
 * entries; XENMEM_machine_memory_map). */
struct xen_e820_entry;
#define XEN_MACHINE_E820_MAX 128
unsigned int arch_machine_memory_map(struct xen_e820_entry *out, unsigned int max);

/* Whether the CPU honours NX (bit 63) in page-table entries (known from
 * boot: mm_arch_init; inline in the hypervisor, as map_frame). */
#ifdef MICA_HYPERVISOR
extern bool cpu_nx;
void mm_arch_detect_nx(void);
static inline bool cpu_has_nx(void)
{
    return cpu_nx;
}
#else
bool cpu_has_nx(void);
#endif

/* Install l3_mfn as v's current guest L3 (and load it if v runs). */
void arch_switch_guest_l3(struct vcpu *v, unsigned long l3_mfn);
/* Take v off its guest L3 for good (teardown): returns the old L3 MFN. */
unsigned long arch_vcpu_drop_guest_l3(struct vcpu *v);
/* Free v's top-level table (teardown; v is not running). */
void arch_vcpu_free_pagetable(struct vcpu *v);

/* Install v's LDT (MMUEXT_SET_LDT; arch/x86/gdt_ldt.c): 0 or -EINVAL. */
int arch_set_ldt(struct vcpu *v, uint32_t base, uint32_t ents);

#endif
