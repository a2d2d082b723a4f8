/*
 * public/xen.h - the core of the guest ABI that Mica shares with Xen.
 *
 * This is the one place that defines what a 32-bit PAE paravirtual guest
 * and the hypervisor agree on: hypercall numbers, domain ids, the
 * mmu_update/mmuext_op/update_va_mapping vocabulary, the multicall entry,
 * and the three pages every guest meets first - start_info (handed over in
 * ESI at entry), shared_info (vcpu_info, event bitmaps, wall clock) and the
 * per-vCPU time record.  Names and numbers are Xen's, so Xen guests (Linux,
 * Mini-OS, XTF) and people who know Xen find their way; the text is ours.
 *
 * Rules that make one header right for both sides (see
 * tests/host/abi-layout.c, which checks every size and offset):
 *   - only fixed-width types; the guest word (xen_ulong_t) is 4 bytes;
 *   - 64-bit members use uint64_aligned_t, which is only 4-byte aligned, as
 *     on i386, so the 64-bit hypervisor sees the guest's layout;
 *   - guest pointers inside structures are 4-byte handles
 *     (XEN_GUEST_HANDLE), never native pointers;
 *   - constants are plain numbers so .S files can use them; the C parts
 *     are hidden from the assembler by __ASSEMBLY__.
 *
 * Sub-operation headers (sched.h, event_channel.h, memory.h, ...) include
 * this one; include them for the operations you use.
 */
#ifndef MICA_PUBLIC_XEN_H
#define MICA_PUBLIC_XEN_H

/* The newest Xen interface this ABI follows (Xen 4.19 numbering). */
#define __XEN_LATEST_INTERFACE_VERSION__ 0x00041300

#include "arch-x86/xen-x86_32.h"

#ifndef XEN_PAGE_SHIFT
#define XEN_PAGE_SHIFT          12
#endif
#ifndef XEN_PAGE_SIZE
#define XEN_PAGE_SIZE           4096
#endif

/*
 * Hypercall numbers: EAX at `int $0x82`, arguments in EBX, ECX, EDX, ESI,
 * EDI; the result (>= 0 or -XEN_Exxx) comes back in EAX.  A number that is
 * out of range or not implemented returns -XEN_ENOSYS.  64-bit arguments
 * are passed as two registers, low word first.
 */
#define __HYPERVISOR_set_trap_table             0
#define __HYPERVISOR_mmu_update                 1
#define __HYPERVISOR_set_gdt                    2
#define __HYPERVISOR_stack_switch               3
#define __HYPERVISOR_set_callbacks              4
#define __HYPERVISOR_fpu_taskswitch             5
#define __HYPERVISOR_sched_op_compat            6   /* reason by value */
#define __HYPERVISOR_platform_op                7
#define __HYPERVISOR_set_debugreg               8
#define __HYPERVISOR_get_debugreg               9
#define __HYPERVISOR_update_descriptor          10
/*                                              11 is unused */
#define __HYPERVISOR_memory_op                  12
#define __HYPERVISOR_multicall                  13
#define __HYPERVISOR_update_va_mapping          14
#define __HYPERVISOR_set_timer_op               15
#define __HYPERVISOR_event_channel_op_compat    16  /* struct evtchn_op */
#define __HYPERVISOR_xen_version                17
#define __HYPERVISOR_console_io                 18
#define __HYPERVISOR_physdev_op_compat          19  /* struct physdev_op */
#define __HYPERVISOR_grant_table_op             20
#define __HYPERVISOR_vm_assist                  21
#define __HYPERVISOR_update_va_mapping_otherdomain 22
#define __HYPERVISOR_iret                       23  /* jump, don't call; was
                                                       switch_vm86 in Xen 3.0.0 */
#define __HYPERVISOR_vcpu_op                    24
#define __HYPERVISOR_set_segment_base           25  /* x86_64 guests only */
#define __HYPERVISOR_mmuext_op                  26
#define __HYPERVISOR_xsm_op                     27
#define __HYPERVISOR_nmi_op                     28
#define __HYPERVISOR_sched_op                   29
#define __HYPERVISOR_callback_op                30
#define __HYPERVISOR_xenoprof_op                31
#define __HYPERVISOR_event_channel_op           32
#define __HYPERVISOR_physdev_op                 33
#define __HYPERVISOR_hvm_op                     34
#define __HYPERVISOR_sysctl                     35
#define __HYPERVISOR_domctl                     36
#define __HYPERVISOR_kexec_op                   37
#define __HYPERVISOR_tmem_op                    38
#define __HYPERVISOR_argo_op                    39
#define __HYPERVISOR_xenpmu_op                  40
#define __HYPERVISOR_dm_op                      41
#define __HYPERVISOR_hypfs_op                   42

/* Architecture-specific slots. */
#define __HYPERVISOR_arch_0                     48
#define __HYPERVISOR_arch_1                     49
#define __HYPERVISOR_arch_2                     50
#define __HYPERVISOR_arch_3                     51
#define __HYPERVISOR_arch_4                     52
#define __HYPERVISOR_arch_5                     53
#define __HYPERVISOR_arch_6                     54
#define __HYPERVISOR_arch_7                     55
#define __HYPERVISOR_mca                        __HYPERVISOR_arch_0
#define __HYPERVISOR_paging_domctl_cont         __HYPERVISOR_arch_1

/* Old names for the same numbers. */
#define __HYPERVISOR_dom0_op                    __HYPERVISOR_platform_op
#define __HYPERVISOR_acm_op                     __HYPERVISOR_xsm_op

/*
 * Virtual interrupts, bound to ports with EVTCHNOP_bind_virq.
 * V = one per vCPU, G = global (bind on vCPU 0), D = per domain.
 * (Xen 3.0.0 used 4 and 5 for PARITY_ERR / IO_ERR; 5 is now unused.)
 */
#define VIRQ_TIMER              0   /* V: timer expired, periodic tick */
#define VIRQ_DEBUG              1   /* V: debug request */
#define VIRQ_CONSOLE            2   /* G: emergency console input (dom0) */
#define VIRQ_DOM_EXC            3   /* G: a domain changed state (dom0) */
#define VIRQ_TBUF               4   /* G: trace buffer */
#define VIRQ_DEBUGGER           6   /* G: a domain hit a debug trap */
#define VIRQ_XENOPROF           7   /* V: profiling */
#define VIRQ_CON_RING           8   /* G: console ring has data */
#define VIRQ_PCPU_STATE         9   /* G: physical CPU state change */
#define VIRQ_MEM_EVENT          10  /* G: memory event */
#define VIRQ_ARGO               11  /* D: argo message */
#define VIRQ_ENOMEM             12  /* G: low on heap memory */
#define VIRQ_XENPMU             13  /* V: PMU interrupt */
#define VIRQ_ARCH_0             16
#define VIRQ_ARCH_1             17
#define VIRQ_ARCH_2             18
#define VIRQ_ARCH_3             19
#define VIRQ_ARCH_4             20
#define VIRQ_ARCH_5             21
#define VIRQ_ARCH_6             22
#define VIRQ_ARCH_7             23
#define VIRQ_MCA                VIRQ_ARCH_0 /* G: machine check (x86) */
#define NR_VIRQS                24

/*
 * mmu_update: the low 2 bits of mmu_update.ptr select the command.
 * (For PAE PTEs the hypervisor masks ptr & 7, so the PTE address must be
 * 8-byte aligned and values 4-7 in the low bits are rejected.)
 */
#define MMU_NORMAL_PT_UPDATE        0   /* ptr = maddr of a PTE, val = PTE */
#define MMU_MACHPHYS_UPDATE         1   /* ptr = MFN << 12 | 1, val = PFN */
#define MMU_PT_UPDATE_PRESERVE_AD   2   /* as 0, keeping the A/D bits */
#define MMU_PT_UPDATE_NO_TRANSLATE  3   /* as 0, FD's p2m not consulted */

/* mmuext_op.cmd (struct mmuext_op below). */
#define MMUEXT_PIN_L1_TABLE         0   /* arg1.mfn */
#define MMUEXT_PIN_L2_TABLE         1   /* arg1.mfn */
#define MMUEXT_PIN_L3_TABLE         2   /* arg1.mfn: PAE top level */
#define MMUEXT_PIN_L4_TABLE         3   /* ignored for 32-bit guests */
#define MMUEXT_UNPIN_TABLE          4   /* arg1.mfn */
#define MMUEXT_NEW_BASEPTR          5   /* arg1.mfn: new CR3 (L3) */
#define MMUEXT_TLB_FLUSH_LOCAL      6
#define MMUEXT_INVLPG_LOCAL         7   /* arg1.linear_addr */
#define MMUEXT_TLB_FLUSH_MULTI      8   /* arg2.vcpumask */
#define MMUEXT_INVLPG_MULTI         9   /* arg1.linear_addr, arg2.vcpumask */
#define MMUEXT_TLB_FLUSH_ALL        10
#define MMUEXT_INVLPG_ALL           11  /* arg1.linear_addr */
#define MMUEXT_FLUSH_CACHE          12
#define MMUEXT_SET_LDT              13  /* arg1.linear_addr, arg2.nr_ents */
#define MMUEXT_NEW_USER_BASEPTR     15  /* x86_64 guests only */
#define MMUEXT_CLEAR_PAGE           16  /* arg1.mfn */
#define MMUEXT_COPY_PAGE            17  /* arg1.mfn = dst, arg2.src_mfn */
#define MMUEXT_FLUSH_CACHE_GLOBAL   18
#define MMUEXT_MARK_SUPER           19  /* arg1.mfn */
#define MMUEXT_UNMARK_SUPER         20  /* arg1.mfn */

/*
 * update_va_mapping flags.  Bits 1:0 choose the flush; the rest choose
 * which vCPUs: 0 = this one (UVMF_LOCAL), UVMF_ALL, or else the value with
 * the low 2 bits cleared is a guest pointer to a vCPU bitmap (UVMF_MULTI).
 */
#define UVMF_NONE               0
#define UVMF_TLB_FLUSH          1
#define UVMF_INVLPG             2
#define UVMF_FLUSHTYPE_MASK     3
#define UVMF_MULTI              0
#define UVMF_LOCAL              0
#define UVMF_ALL                4

/* vm_assist(cmd, type). */
#define VMASST_CMD_enable               0
#define VMASST_CMD_disable              1
#define VMASST_TYPE_4gb_segments        0   /* emulate truncated-segment #GPs */
#define VMASST_TYPE_4gb_segments_notify 1   /* ... and bounce vector 15 */
#define VMASST_TYPE_writable_pagetables 2   /* emulate writes to L1 tables */
#define VMASST_TYPE_pae_extended_cr3    3   /* L3 may live above 4 GiB */
#define VMASST_TYPE_architectural_iopl  4
#define VMASST_TYPE_runstate_update_flag 5
#define VMASST_TYPE_m2p_strict          32  /* x86_64 guests only */

/*
 * console_io(cmd, count, buffer).  Xen 4.2 release builds refused
 * CONSOLEIO_write from any domain but dom0 (-EPERM); newer Xen and Mica
 * accept it from every domain.  Mini-OS and XTF write this way and do
 * not check the result.
 */
#define CONSOLEIO_write         0
#define CONSOLEIO_read          1

/*
 * Domain ids.  Real domains are 0 .. DOMID_FIRST_RESERVED - 1; the rest
 * are names with special meaning in particular calls.
 */
#define DOMID_FIRST_RESERVED    0x7FF0
#define DOMID_SELF              0x7FF0  /* the caller */
#define DOMID_IO                0x7FF1  /* owner of I/O (MMIO) frames */
#define DOMID_XEN               0x7FF2  /* owner of hypervisor frames */
#define DOMID_COW               0x7FF3  /* owner of shared CoW frames */
#define DOMID_INVALID           0x7FF4
#define DOMID_ANY               0x7FF5  /* wildcard, where a call allows it */
#define DOMID_IDLE              0x7FFF
#define DOMID_MASK              0x7FFF

/* start_info.flags. */
#define SIF_PRIVILEGED          (1 << 0)  /* may use privileged operations */
#define SIF_INITDOMAIN          (1 << 1)  /* this is domain 0 */
#define SIF_MULTIBOOT_MOD       (1 << 2)  /* mod_start is a module list */
#define SIF_MOD_START_PFN       (1 << 3)  /* mod_start is a PFN, not a VA */
#define SIF_VIRT_P2M_4TOOLS     (1 << 4)  /* p2m via shared_info.arch */
#define SIF_PM_MASK             (0xFF << 8) /* dom0 power management */

#define MAX_GUEST_CMDLINE       1024

/* dom0_vga_console_info.video_type. */
#define XEN_VGATYPE_TEXT_MODE_3 0x03
#define XEN_VGATYPE_VESA_LFB    0x23
#define XEN_VGATYPE_EFI_LFB     0x70

/* vcpu_time_info.flags. */
#define XEN_PVCLOCK_TSC_STABLE_BIT  (1 << 0)  /* TSC is synchronised */
#define XEN_PVCLOCK_GUEST_STOPPED   (1 << 1)  /* vCPU was paused */

#ifndef __ASSEMBLY__

#include <stdint.h>

/*
 * 64-bit quantities as the i386 ABI lays them out: 8 bytes, 4-byte
 * aligned.  (A typedef may lower alignment; a struct member may not.)
 */
typedef uint64_t __attribute__((aligned(4))) uint64_aligned_t;
typedef int64_t  __attribute__((aligned(4))) int64_aligned_t;

typedef uint16_t domid_t;

/* The domain's UUID (XENVER_guest_handle). */
typedef uint8_t xen_domain_handle_t[16];

/*
 * Guest handles: a guest virtual address stored in 4 bytes.  Xen wraps a
 * typed pointer in a struct; here the handle is a plain 32-bit number so
 * that the 64-bit hypervisor and the 32-bit guest agree on its size.  The
 * type argument documents what it points to.  The hypervisor never
 * dereferences a handle directly: it copies through its guest-access
 * routines, which check the range against HYPERVISOR_VIRT_START.
 */
typedef uint32_t xen_guest_handle_t;
#define XEN_GUEST_HANDLE(type)          xen_guest_handle_t
#define XEN_GUEST_HANDLE_PARAM(type)    xen_guest_handle_t
#define DEFINE_XEN_GUEST_HANDLE(type)   struct xen_guest_handle_unused_##type
#define set_xen_guest_handle_raw(hnd, val) \
    do { (hnd) = (xen_guest_handle_t)(uintptr_t)(val); } while (0)
#define set_xen_guest_handle(hnd, val)  set_xen_guest_handle_raw(hnd, val)
#define xen_guest_handle(hnd)           ((void *)(uintptr_t)(hnd))

/*
 * One request of mmu_update.  16 bytes.  See MMU_* above for ptr's low
 * bits.  The 4th hypercall argument, foreigndom, names in bits 15:0 the
 * owner of the frames being mapped (DOMID_SELF normally) and in bits 31:16
 * one plus the owner of the page tables (0 = the caller).
 */
struct mmu_update {
    uint64_aligned_t ptr;
    uint64_aligned_t val;
};
typedef struct mmu_update mmu_update_t;

/* One request of mmuext_op.  12 bytes. */
struct mmuext_op {
    uint32_t cmd;                           /* MMUEXT_* */
    union {
        xen_pfn_t   mfn;
        xen_ulong_t linear_addr;
    } arg1;
    union {
        uint32_t    nr_ents;                /* SET_LDT */
        XEN_GUEST_HANDLE(const_void) vcpumask; /* *_MULTI: vCPU bitmap */
        xen_pfn_t   src_mfn;                /* COPY_PAGE */
    } arg2;
};
typedef struct mmuext_op mmuext_op_t;

/*
 * One call of a multicall batch.  The hypervisor runs the entries in
 * order and stores each return value in `result`.  32 bytes.
 */
struct multicall_entry {
    xen_ulong_t op;                         /* __HYPERVISOR_* */
    xen_ulong_t result;                     /* out: signed return value */
    xen_ulong_t args[6];
};
typedef struct multicall_entry multicall_entry_t;

/*
 * Per-vCPU system time, published by the hypervisor.  Reading protocol:
 * read version; barrier; copy the fields; barrier; retry if version is odd
 * or has changed.  Then
 *     delta = rdtsc() - tsc_timestamp;
 *     delta = tsc_shift >= 0 ? delta << tsc_shift : delta >> -tsc_shift;
 *     now_ns = system_time + ((delta * tsc_to_system_mul) >> 32);
 * with a 64x32->96-bit product.  32 bytes.
 */
struct vcpu_time_info {
    uint32_t         version;       /* odd while being updated */
    uint32_t         pad0;
    uint64_aligned_t tsc_timestamp; /* TSC at the last update */
    uint64_aligned_t system_time;   /* ns since hypervisor boot, then */
    uint32_t         tsc_to_system_mul; /* 32.32 fixed point */
    int8_t           tsc_shift;
    uint8_t          flags;         /* XEN_PVCLOCK_* */
    uint8_t          pad1[2];
};
typedef struct vcpu_time_info vcpu_time_info_t;

/*
 * Per-vCPU event state.  evtchn_upcall_mask is the guest's virtual
 * "interrupts disabled" flag (1 = no upcalls); the hypervisor sets
 * evtchn_upcall_pending and bit (port / 32) of evtchn_pending_sel when a
 * port becomes pending for this vCPU.  64 bytes.
 */
struct vcpu_info {
    uint8_t     evtchn_upcall_pending;
    uint8_t     evtchn_upcall_mask;
    uint8_t     pad0[2];
    xen_ulong_t evtchn_pending_sel;
    struct arch_vcpu_info arch;
    struct vcpu_time_info time;
};
typedef struct vcpu_info vcpu_info_t;

/*
 * The shared_info page (machine address in start_info.shared_info; the
 * guest maps it itself).  The 2-level event ABI gives 32 x 32 = 1024
 * ports: bit p of evtchn_pending / evtchn_mask is port p.  Wall-clock
 * time is (wc_sec, wc_nsec) + current system time, read with the same
 * version protocol as vcpu_time_info.  2344 bytes used of the page.
 */
struct shared_info {
    struct vcpu_info vcpu_info[XEN_LEGACY_MAX_VCPUS];
    xen_ulong_t evtchn_pending[sizeof(xen_ulong_t) * 8];
    xen_ulong_t evtchn_mask[sizeof(xen_ulong_t) * 8];
    uint32_t    wc_version;
    uint32_t    wc_sec;
    uint32_t    wc_nsec;
    struct arch_shared_info arch;
};
typedef struct shared_info shared_info_t;

/*
 * start_info: built by the domain builder, its virtual address is in ESI
 * when the guest starts.  Fields up to console are rewritten on resume;
 * the rest are set on first boot only.  Never assume the order of the
 * bootstrap pages: use the addresses given here.  Before interface
 * 0x00030203 the console words were called console_mfn / console_evtchn
 * (same offsets).  Text arrays are char (Xen declares cmd_line int8_t;
 * same size and layout).  1112 bytes.
 */
struct start_info {
    char        magic[32];      /* "xen-3.0-x86_32p" */
    xen_ulong_t nr_pages;       /* pages given to the domain */
    xen_ulong_t shared_info;    /* MACHINE address of shared_info */
    uint32_t    flags;          /* SIF_* */
    xen_pfn_t   store_mfn;      /* xenstore ring page */
    uint32_t    store_evtchn;   /* xenstore port */
    union {
        struct {
            xen_pfn_t mfn;      /* console ring page */
            uint32_t  evtchn;   /* console port */
        } domU;
        struct {
            uint32_t info_off;  /* dom0_vga_console_info, offset in page */
            uint32_t info_size;
        } dom0;
    } console;
    xen_ulong_t pt_base;        /* VA of the bootstrap L3 table */
    xen_ulong_t nr_pt_frames;   /* bootstrap page-table frames */
    xen_ulong_t mfn_list;       /* VA of the P2M: nr_pages MFNs */
    xen_ulong_t mod_start;      /* VA (or PFN, SIF_MOD_START_PFN) of initrd */
    xen_ulong_t mod_len;        /* initrd size in bytes */
    char        cmd_line[MAX_GUEST_CMDLINE];
    xen_ulong_t first_p2m_pfn;  /* 64-bit guests only; 0 here */
    xen_ulong_t nr_p2m_frames;  /* 64-bit guests only; 0 here */
};
typedef struct start_info start_info_t;

/*
 * With SIF_MULTIBOOT_MOD, mod_start points at an array of these, ended by
 * an entry with mod_start == 0.  Addresses are relative to mod_start;
 * mod_end is inclusive.  16 bytes.
 */
struct xen_multiboot_mod_list {
    uint32_t mod_start;
    uint32_t mod_end;
    uint32_t cmdline;
    uint32_t pad;
};

/*
 * Dom0 only: the boot console, placed after start_info in the same page
 * (start_info.console.dom0.info_off).  40 bytes.
 */
typedef struct dom0_vga_console_info {
    uint8_t video_type;         /* XEN_VGATYPE_* */
    union {
        struct {
            uint16_t font_height;
            uint16_t cursor_x, cursor_y;
            uint16_t rows, columns;
        } text_mode_3;
        struct {
            uint16_t width, height;     /* pixels */
            uint16_t bytes_per_line;
            uint16_t bits_per_pixel;
            uint32_t lfb_base;          /* physical, low 32 bits */
            uint32_t lfb_size;          /* in 64 KiB units */
            uint8_t  red_pos, red_size;
            uint8_t  green_pos, green_size;
            uint8_t  blue_pos, blue_size;
            uint8_t  rsvd_pos, rsvd_size;
            uint32_t gbl_caps;          /* VBE 0x4f00 capabilities */
            uint16_t mode_attrs;        /* VBE 0x4f01 mode attributes */
            uint16_t pad;
            uint32_t ext_lfb_base;      /* lfb_base bits 63:32 */
        } vesa_lfb;
    } u;
} dom0_vga_console_info_t;
#define xen_vga_console_info     dom0_vga_console_info
#define xen_vga_console_info_t   dom0_vga_console_info_t

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_XEN_H */
