/*
 * The x86 side of guest memory management: TLB flushes and the flush
 * clock, frame access through the direct map, and switching a vCPU's
 * guest L3 -- the contracts of asm/mm_arch.h, kept out of the generic code
 * so it stays free of inline assembly and runs in the host unit tests.
 *
 * One pCPU: a "flush of all vCPUs in a mask" only ever needs the local TLB
 * (the others reload CR3 when they are next switched to), so this file has
 * no IPIs.  Every CR3 write flushes every non-global translation, which is
 * all the guest ever has (GLOBAL is refused in guest PTEs), so each one
 * bumps tlbflush_clock.  Under QEMU TCG a CR3 write also throws away the
 * whole software TLB: callers keep them off the hot paths.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/mm.h>
#include <mica/bug.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/x86.h>
#include <asm/mm_arch.h>
#include <asm/pv.h>
#include <asm/multiboot.h>
#include <public/memory.h>

uint32_t tlbflush_clock = 1;

/* map_frame() is inline (asm/mm_arch.h). */

void flush_guest_tlb(void)
{
    write_cr3(read_cr3());
    tlbflush_clock++;
}

void flush_guest_tlb_one(unsigned long va)
{
    invlpg(va);
}

void flush_cache_all(void)
{
    __asm__ volatile("wbinvd" ::: "memory");
}

unsigned int arch_machine_memory_map(struct xen_e820_entry *out, unsigned int max)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < boot_info.nr_mem && n < max; i++, n++)
        out[n] = (struct xen_e820_entry){ .addr = boot_info.mem[i].addr,
                                          .size = boot_info.mem[i].len,
                                          .type = boot_info.mem[i].type };
    return n;
}

bool cpu_nx;

/* Boot, once EFER.NXE has its final value: does the CPU honour NX? */
void mm_arch_detect_nx(void)
{
    uint32_t a, b, c, d;

    cpuid_count(0x80000001, 0, &a, &b, &c, &d);
    cpu_nx = !!(d & (1u << 20)) && (rdmsr(MSR_EFER) & EFER_NXE);
}

void arch_switch_guest_l3(struct vcpu *v, unsigned long l3_mfn)
{
    /* The LDT is named by a linear address: what it maps may change. */
    if (v->guest_l3_mfn != l3_mfn)
        arch_invalidate_ldt(v);
    vcpu_set_guest_l3(v, l3_mfn);
    if (v == current)
        vcpu_load_pagetable(v);         /* bumps tlbflush_clock */
}

unsigned long arch_vcpu_drop_guest_l3(struct vcpu *v)
{
    unsigned long old = v->guest_l3_mfn;

    v->guest_l3_mfn = 0;
    if (v->top_table)
        v->top_table[0] = 0;
    if (read_cr3() == (unsigned long)v->top_mfn << PAGE_SHIFT) {
        write_cr3(__pa(idle_pg_table));
        tlbflush_clock++;
    }
    return old;
}

void arch_vcpu_free_pagetable(struct vcpu *v)
{
    BUG_ON(read_cr3() == (unsigned long)v->top_mfn << PAGE_SHIFT);
    if (v->top_table)
        free_xenheap_pages(v->top_table, 0);
    v->top_table = NULL;
    v->top_mfn = 0;
}
