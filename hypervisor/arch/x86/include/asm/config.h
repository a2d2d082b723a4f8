/*
 * The hypervisor's virtual memory layout (x86-64, 4-level paging).
 *
 * Guests are 32-bit and run in compatibility mode, so they can only form
 * linear addresses below 4 GiB.  Everything the hypervisor owns lives in the
 * upper half of the 48-bit address space, where no 32-bit guest can reach,
 * whatever its segments or page tables say.  The lower 4 GiB belong to the
 * running guest: PML4 slot 0 of each vCPU's top-level table points at the
 * guest's own PAE L3 (its "PDPT"), see arch/x86/paging.c.
 *
 *   0x0000000000000000 - 0x00000000ffffffff  current guest's 4 GiB (PML4[0])
 *   0xffff820000000000 (PML4[260])            per-CPU GDT area (16 pages)
 *   0xffff830000000000 (PML4[262])            direct map of all RAM
 *   0xffffffff7fe00000 (PML4[511])            fixmap: uncached device pages (APIC)
 *   0xffffffff80000000 (PML4[511], -2 GiB)    hypervisor image (mcmodel=kernel)
 *
 * Every upper-half PML4 slot is populated at boot and never changes, so a
 * per-vCPU top-level table can copy them once when it is created.
 */
#ifndef ASM_CONFIG_H
#define ASM_CONFIG_H

#define HV_LOAD_PADDR        0x00200000          /* image is loaded at 2 MiB */
#define HV_VIRT_BASE         0xffffffff80000000  /* links at -2 GiB + paddr */
#define DIRECTMAP_VIRT_START 0xffff830000000000
#define DIRECTMAP_SLOT       262
#define GDT_VIRT_START       0xffff820000000000
#define GDT_SLOT             260
/* The guest LDT, mapped lazily page by page: the 16 pages after the GDT. */
#define LDT_VIRT_START       (GDT_VIRT_START + 16 * 4096)
#define LDT_AREA_PAGES       16
#define HV_IMAGE_SLOT        511
#define FIXMAP_VIRT_START    0xffffffff7fe00000  /* 2 MiB below the image */
#define FIXMAP_LAPIC         0                   /* fixmap slots (4 KiB each) */
#define FIXMAP_IOAPIC        1                   /* 1..8: the IO-APICs */
#define FIXMAP_MSIX          9                   /* an MSI-X table page (msi.c) */
#define FIXMAP_NR            16

#define STACK_ORDER          2                   /* 16 KiB hypervisor stack */
#define STACK_SIZE           (4096 << STACK_ORDER)
#define IST_STACK_SIZE       4096

/* Guest-visible 32-bit layout (32-on-64 flavour, default hole start). */
#define GUEST_HOLE_START     0xF5800000
#define GUEST_M2P_START      0xF5800000
#define GUEST_M2P_END        0xF6800000          /* 16 MiB: 4 Mi MFNs (16 GiB) */
#define GUEST_M2P_MAX_MFNS   ((GUEST_M2P_END - GUEST_M2P_START) / 4)

/* Hypervisor's own GDT selectors in the reserved page (index 7168 + n). */
#define HV_CS                0xe008              /* +1: 64-bit ring-0 code */
#define HV_DS                0xe010              /* +2: ring-0 data */
#define TSS_SEL              0xe040              /* +8/+9: 64-bit TSS (16 bytes) */
#define LDT_SEL              0xe050              /* +10/+11: guest LDT (16 bytes) */

/* TSS IST slots: the vectors that must never run on a stack a guest chose. */
#define IST_DF               1
#define IST_NMI              2
#define IST_MC               3
#define IST_DB               4
#define NR_IST_STACKS        4

#define HYPERCALL_VECTOR     0x82
#define INT80_VECTOR         0x80                /* PV system calls: own stub */
/* Pseudo-vectors (never IDT vectors) in the frames of the fast system calls. */
#define SYSENTER_VECTOR      0x100
#define SYSCALL32_VECTOR     0x101
#define SYSCALL64_VECTOR     0x102

#endif
