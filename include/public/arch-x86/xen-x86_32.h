/*
 * public/arch-x86/xen-x86_32.h - the x86_32 (PAE) half of the PV guest ABI.
 *
 * What a 32-bit paravirtual guest sees of the machine: the flat selectors
 * the hypervisor provides in its reserved GDT page, where the hypervisor
 * hole starts, the virtual IDT entry (trap_info), the register frame
 * (cpu_user_regs), the per-vCPU and per-domain arch blocks that sit inside
 * shared_info, and the full vCPU context used by VCPUOP_initialise.
 *
 * Every layout here is the i386 one: `unsigned long` is 4 bytes and there
 * are no 64-bit members at all, so the same definitions are correct whether
 * this file is compiled by the 64-bit hypervisor (-m64) or by a 32-bit
 * guest (-m32).  tests/host/abi-layout.c pins every size and offset.
 *
 * Mica is "32-on-64": the hypervisor lives above 4 GiB, guest segments are
 * flat 4 GiB, and the guest-visible hole (read-only M2P) starts at
 * HYPERVISOR_VIRT_START.  The constants below are the defaults; a portable
 * guest reads the real hole start with XENVER_platform_parameters.
 *
 * Include public/xen.h rather than this file directly; it is self-contained
 * all the same.
 */
#ifndef MICA_PUBLIC_ARCH_X86_XEN_X86_32_H
#define MICA_PUBLIC_ARCH_X86_XEN_X86_32_H

/*
 * Flat segments provided by the hypervisor in its reserved GDT page, so a
 * guest can run before (or without) installing a GDT of its own.  All are
 * base 0, 4 KiB granular, 32-bit.
 *
 * Xen's header says these are GDT entries 259-262; that comment is stale.
 * The reserved page starts at entry FIRST_RESERVED_GDT_ENTRY (7168), and
 * the selectors below are entries 7171-7174 (selector = index * 8 + RPL).
 * The selector values themselves are correct and are the ABI.
 */
#define FLAT_RING1_CS           0xe019  /* GDT 7171, code, DPL 1 */
#define FLAT_RING1_DS           0xe021  /* GDT 7172, data, DPL 1 */
#define FLAT_RING1_SS           0xe021
#define FLAT_RING3_CS           0xe02b  /* GDT 7173, code, DPL 3 */
#define FLAT_RING3_DS           0xe033  /* GDT 7174, data, DPL 3 */
#define FLAT_RING3_SS           0xe033

/* The guest kernel runs in ring 1, its user space in ring 3. */
#define FLAT_KERNEL_CS          FLAT_RING1_CS
#define FLAT_KERNEL_DS          FLAT_RING1_DS
#define FLAT_KERNEL_SS          FLAT_RING1_SS
#define FLAT_USER_CS            FLAT_RING3_CS
#define FLAT_USER_DS            FLAT_RING3_DS
#define FLAT_USER_SS            FLAT_RING3_SS

/*
 * GDT pages from FIRST_RESERVED_GDT_PAGE on belong to the hypervisor, so a
 * guest GDT (set_gdt) holds at most FIRST_RESERVED_GDT_ENTRY descriptors
 * (14 frames) and guest selectors are below FIRST_RESERVED_GDT_BYTE.
 */
#define FIRST_RESERVED_GDT_PAGE  14
#define FIRST_RESERVED_GDT_BYTE  (FIRST_RESERVED_GDT_PAGE * 4096)  /* 0xe000 */
#define FIRST_RESERVED_GDT_ENTRY (FIRST_RESERVED_GDT_BYTE / 8)      /* 7168 */

/*
 * Virtual layout.  Everything from HYPERVISOR_VIRT_START up is off limits
 * to guest page tables (L3 slot 3, L2 entries 428-511) and no hypercall
 * buffer may reach into it.  The bottom 16 MiB of the hole is the
 * read-only machine-to-phys table: a 32-bit PFN per MFN, mapped without
 * the USER bit (readable from ring 1 only); unowned MFNs read ~0.
 *
 * Only the PAE values exist: the non-PAE x86_32 ABI is gone.
 */
#define __HYPERVISOR_VIRT_START_PAE     0xF5800000
#define __MACH2PHYS_VIRT_START_PAE      0xF5800000
#define __MACH2PHYS_VIRT_END_PAE        0xF6800000
#define HYPERVISOR_VIRT_START           __HYPERVISOR_VIRT_START_PAE
#define MACH2PHYS_VIRT_START            __MACH2PHYS_VIRT_START_PAE
#define MACH2PHYS_VIRT_END              __MACH2PHYS_VIRT_END_PAE
#define MACH2PHYS_NR_ENTRIES    ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) >> 2)

/* vcpu_info slots in shared_info (more vCPUs need VCPUOP_register_vcpu_info). */
#define XEN_LEGACY_MAX_VCPUS    32

/*
 * trap_info.flags: bits 1:0 are the lowest privilege allowed to raise the
 * vector with INT n (0 = nobody, 3 = everyone); bit 2 makes it an
 * "interrupt gate": events are masked (evtchn_upcall_mask = 1) on entry.
 * Xen's header comment ("0-3: privilege level; 4: clear event enable?")
 * does not match its own accessor macros or the hypervisor; the
 * macros are right, and these are the bits Mica implements.
 */
#define TI_DPL_MASK             0x3
#define TI_IF_FLAG              0x4

/*
 * vcpu_guest_context.flags bits.  _VGCF_* are bit numbers, VGCF_* masks.
 */
#define _VGCF_i387_valid                0
#define VGCF_i387_valid                 (1 << _VGCF_i387_valid)
#define VGCF_I387_VALID                 VGCF_i387_valid
#define _VGCF_in_kernel                 2
#define VGCF_in_kernel                  (1 << _VGCF_in_kernel)
#define VGCF_IN_KERNEL                  VGCF_in_kernel
#define _VGCF_failsafe_disables_events  3
#define VGCF_failsafe_disables_events   (1 << _VGCF_failsafe_disables_events)
#define _VGCF_syscall_disables_events   4
#define VGCF_syscall_disables_events    (1 << _VGCF_syscall_disables_events)
#define _VGCF_online                    5
#define VGCF_online                     (1 << _VGCF_online)

#ifndef __ASSEMBLY__

#include <stdint.h>

/* The guest's natural word: 4 bytes on both sides of the ABI. */
typedef uint32_t xen_ulong_t;
typedef int32_t  xen_long_t;
typedef uint32_t xen_pfn_t;
#define PRI_xen_ulong   "x"
#define PRI_xen_pfn     "x"

/*
 * PAE CR3 as the ABI passes it (vcpu_guest_context.ctrlreg[3], emulated
 * mov to/from %cr3): the page-directory PFN rotated left by 12 within 32
 * bits, so PFNs up to 2^32 (L3 tables above 4 GiB, with
 * VMASST_TYPE_pae_extended_cr3) still fit in one 32-bit register.
 */
#define xen_pfn_to_cr3(pfn) \
    ((uint32_t)(((uint32_t)(pfn) << 12) | ((uint32_t)(pfn) >> 20)))
#define xen_cr3_to_pfn(cr3) \
    ((uint32_t)(((uint32_t)(cr3) >> 12) | ((uint32_t)(cr3) << 20)))

/*
 * One entry of the virtual IDT (set_trap_table, vcpu_guest_context).
 * A table passed to set_trap_table ends at the first entry whose address
 * is 0.  8 bytes.
 */
struct trap_info {
    uint8_t     vector;     /* exception or interrupt vector */
    uint8_t     flags;      /* TI_DPL_MASK | TI_IF_FLAG, see above */
    uint16_t    cs;         /* handler code selector (RPL raised to 1) */
    xen_ulong_t address;    /* handler entry point */
};
typedef struct trap_info trap_info_t;

#define TI_GET_DPL(_ti)         ((_ti)->flags & TI_DPL_MASK)
#define TI_GET_IF(_ti)          ((_ti)->flags & TI_IF_FLAG)
#define TI_SET_DPL(_ti, _dpl) \
    ((_ti)->flags = (uint8_t)(((_ti)->flags & ~TI_DPL_MASK) | ((_dpl) & TI_DPL_MASK)))
#define TI_SET_IF(_ti, _if) \
    ((_ti)->flags = (uint8_t)(((_ti)->flags & ~TI_IF_FLAG) | ((_if) ? TI_IF_FLAG : 0)))

/*
 * Guest register frame (inside vcpu_guest_context).  Selectors occupy
 * 4-byte slots; the CS slot's third byte carries the saved event mask,
 * exactly as in the bounce frames the hypervisor writes on guest stacks.
 * 68 bytes.
 */
struct cpu_user_regs {
    uint32_t ebx;
    uint32_t ecx;
    uint32_t edx;
    uint32_t esi;
    uint32_t edi;
    uint32_t ebp;
    uint32_t eax;
    uint16_t error_code;        /* hypervisor private */
    uint16_t entry_vector;      /* hypervisor private */
    uint32_t eip;
    uint16_t cs;
    uint8_t  saved_upcall_mask;
    uint8_t  _pad0;
    uint32_t eflags;            /* IF is the guest's virtual IF */
    uint32_t esp;
    uint16_t ss, _pad1;
    uint16_t es, _pad2;
    uint16_t ds, _pad3;
    uint16_t fs, _pad4;
    uint16_t gs, _pad5;
};
typedef struct cpu_user_regs cpu_user_regs_t;

/* A code selector and entry point (set_callbacks, callback_op). 8 bytes. */
struct xen_callback {
    xen_ulong_t cs;
    xen_ulong_t eip;
};
typedef struct xen_callback xen_callback_t;
#define XEN_CALLBACK(_cs, _eip) \
    ((xen_callback_t){ .cs = (_cs), .eip = (xen_ulong_t)(uintptr_t)(_eip) })

/* The arch part of vcpu_info.  24 bytes. */
struct arch_vcpu_info {
    xen_ulong_t cr2;            /* linear address of the last bounced #PF */
    xen_ulong_t pad[5];
};
typedef struct arch_vcpu_info arch_vcpu_info_t;

/*
 * The arch part of shared_info.  Xen 4.2 had max_pfn, the frame list and
 * nmi_reason followed by zero padding; the later fields live in that old
 * padding, so both readings agree as long as the page starts zeroed.
 * 28 bytes.
 */
struct arch_shared_info {
    xen_ulong_t max_pfn;                    /* written by the guest */
    xen_pfn_t   pfn_to_mfn_frame_list_list; /* for save/restore tools */
    xen_ulong_t nmi_reason;                 /* XEN_NMIREASON_* (nmi.h) */
    xen_ulong_t p2m_cr3;                    /* newer guests; else 0 */
    xen_ulong_t p2m_vaddr;
    xen_ulong_t p2m_generation;
    uint32_t    wc_sec_hi;                  /* upper 32 bits of wc_sec */
};
typedef struct arch_shared_info arch_shared_info_t;

/*
 * Complete vCPU state for VCPUOP_initialise.  2800 bytes.
 */
struct vcpu_guest_context {
    struct { uint8_t x[512]; } fpu_ctxt;    /* FXSAVE image */
    xen_ulong_t flags;                      /* VGCF_* */
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];        /* virtual IDT */
    xen_ulong_t ldt_base, ldt_ents;         /* MMUEXT_SET_LDT */
    xen_ulong_t gdt_frames[16], gdt_ents;   /* set_gdt */
    xen_ulong_t kernel_ss, kernel_sp;       /* stack_switch */
    xen_ulong_t ctrlreg[8];                 /* CR3 in xen_pfn_to_cr3 form */
    xen_ulong_t debugreg[8];
    xen_ulong_t event_callback_cs;          /* set_callbacks */
    xen_ulong_t event_callback_eip;
    xen_ulong_t failsafe_callback_cs;
    xen_ulong_t failsafe_callback_eip;
    xen_ulong_t vm_assist;                  /* bitmap of VMASST_TYPE_* */
};
typedef struct vcpu_guest_context vcpu_guest_context_t;

/*
 * The read-only M2P as the guest sees it.  Only meaningful inside a
 * 32-bit guest; the hypervisor has its own view of the table.
 */
#if defined(__i386__) && !defined(machine_to_phys_mapping)
#define machine_to_phys_mapping ((const uint32_t *)MACH2PHYS_VIRT_START)
#endif

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_ARCH_X86_XEN_X86_32_H */
