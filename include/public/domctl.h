/*
 * public/domctl.h - domain control (hypercall 36), the toolstack's view of
 * other domains.
 *
 * A privileged domain (the control domain, dom0) creates, pauses, inspects,
 * configures and destroys domains with domctl.  Mica implements the
 * interface exactly as **Xen 4.2** defines it: interface version 0x08, the
 * op numbers and argument layouts a 4.2 toolstack puts in memory when it
 * is built with gcc -m32.  A caller passing any other interface_version
 * gets -EACCES; there is no translation between versions (neither has Xen:
 * a toolstack only talks to the hypervisor it was built for).
 *
 * Two layout rules differ from the rest of the guest ABI (the fact sheet
 * calls this the 32/64-bit invariance rule):
 *   - 64-bit members are 8-byte aligned (uint64_aligned8_t), not 4 as in
 *     ordinary i386 structs;
 *   - buffers are 8-byte handles (XEN_GUEST_HANDLE_64): the low 4 bytes are
 *     the 32-bit caller's pointer, the high 4 bytes must be zero (the
 *     hypervisor refuses anything else with -EFAULT).
 * So every struct here has one layout for -m32 and -m64, and the 64-bit
 * hypervisor reads a 32-bit toolstack's buffer with no compat layer.  The
 * exceptions: set/getvcpucontext copy the target domain's
 * vcpu_guest_context (for a 32-bit PV target, the 2800-byte i386 layout
 * of arch-x86/xen-x86_32.h), and getpageframeinfo3's array holds
 * xen_pfn_t of the caller (4 bytes).
 *
 * Xen's header only compiles with __XEN__ or __XEN_TOOLS__ defined; Mica's
 * has no such gate (every public header compiles alone).  Ops newer than
 * 4.2 that Mica offers keep their later number and layout and are marked
 * so (set_max_evtchn, from 4.4).  tests/host/abi-layout.c pins every
 * number, size and offset.
 */
#ifndef MICA_PUBLIC_DOMCTL_H
#define MICA_PUBLIC_DOMCTL_H

#include "xen.h"

#define XEN_DOMCTL_INTERFACE_VERSION    0x00000008      /* Xen 4.2 */

/* domctl ops (xen_domctl.cmd). */
#define XEN_DOMCTL_createdomain         1
#define XEN_DOMCTL_destroydomain        2
#define XEN_DOMCTL_pausedomain          3
#define XEN_DOMCTL_unpausedomain        4
#define XEN_DOMCTL_getdomaininfo        5
#define XEN_DOMCTL_getmemlist           6
#define XEN_DOMCTL_getpageframeinfo     7
#define XEN_DOMCTL_getpageframeinfo2    8
#define XEN_DOMCTL_setvcpuaffinity      9
#define XEN_DOMCTL_shadow_op            10
#define XEN_DOMCTL_max_mem              11
#define XEN_DOMCTL_setvcpucontext       12
#define XEN_DOMCTL_getvcpucontext       13
#define XEN_DOMCTL_getvcpuinfo          14
#define XEN_DOMCTL_max_vcpus            15
#define XEN_DOMCTL_scheduler_op         16
#define XEN_DOMCTL_setdomainhandle      17
#define XEN_DOMCTL_setdebugging         18
#define XEN_DOMCTL_irq_permission       19
#define XEN_DOMCTL_iomem_permission     20
#define XEN_DOMCTL_ioport_permission    21
#define XEN_DOMCTL_hypercall_init       22
#define XEN_DOMCTL_settimeoffset        24
#define XEN_DOMCTL_getvcpuaffinity      25
#define XEN_DOMCTL_resumedomain         27
#define XEN_DOMCTL_subscribe            29
#define XEN_DOMCTL_set_address_size     35
#define XEN_DOMCTL_get_address_size     36
#define XEN_DOMCTL_set_target           46
#define XEN_DOMCTL_set_cpuid            49
#define XEN_DOMCTL_disable_migrate      58
#define XEN_DOMCTL_gettscinfo           59
#define XEN_DOMCTL_settscinfo           60
#define XEN_DOMCTL_getpageframeinfo3    61
#define XEN_DOMCTL_set_virq_handler     66
#define XEN_DOMCTL_set_max_evtchn       70      /* Xen 4.4-4.11 */

/* createdomain.flags. */
#define _XEN_DOMCTL_CDF_hvm_guest       0
#define XEN_DOMCTL_CDF_hvm_guest        (1U << _XEN_DOMCTL_CDF_hvm_guest)
#define _XEN_DOMCTL_CDF_hap             1
#define XEN_DOMCTL_CDF_hap              (1U << _XEN_DOMCTL_CDF_hap)
#define _XEN_DOMCTL_CDF_s3_integrity    2
#define XEN_DOMCTL_CDF_s3_integrity     (1U << _XEN_DOMCTL_CDF_s3_integrity)
#define _XEN_DOMCTL_CDF_oos_off         3
#define XEN_DOMCTL_CDF_oos_off          (1U << _XEN_DOMCTL_CDF_oos_off)

/* getdomaininfo.flags. */
#define _XEN_DOMINF_dying               0
#define XEN_DOMINF_dying                (1U << _XEN_DOMINF_dying)
#define _XEN_DOMINF_hvm_guest           1
#define XEN_DOMINF_hvm_guest            (1U << _XEN_DOMINF_hvm_guest)
#define _XEN_DOMINF_shutdown            2
#define XEN_DOMINF_shutdown             (1U << _XEN_DOMINF_shutdown)
#define _XEN_DOMINF_paused              3
#define XEN_DOMINF_paused               (1U << _XEN_DOMINF_paused)
#define _XEN_DOMINF_blocked             4
#define XEN_DOMINF_blocked              (1U << _XEN_DOMINF_blocked)
#define _XEN_DOMINF_running             5
#define XEN_DOMINF_running              (1U << _XEN_DOMINF_running)
#define _XEN_DOMINF_debugged            6
#define XEN_DOMINF_debugged             (1U << _XEN_DOMINF_debugged)
/* Bits 16-23: the SHUTDOWN_* code; all of 16-31 read 1 while none is latched. */
#define XEN_DOMINF_shutdownshift        16
#define XEN_DOMINF_shutdownmask         255

/* getpageframeinfo3 results: the type in bits 31:28 of each word. */
#define XEN_DOMCTL_PFINFO_LTAB_SHIFT    28
#define XEN_DOMCTL_PFINFO_NOTAB         (0x0U << 28)
#define XEN_DOMCTL_PFINFO_L1TAB         (0x1U << 28)
#define XEN_DOMCTL_PFINFO_L2TAB         (0x2U << 28)
#define XEN_DOMCTL_PFINFO_L3TAB         (0x3U << 28)
#define XEN_DOMCTL_PFINFO_L4TAB         (0x4U << 28)
#define XEN_DOMCTL_PFINFO_LTABTYPE_MASK (0x7U << 28)
#define XEN_DOMCTL_PFINFO_LPINTAB       (0x1U << 31)    /* pinned */
#define XEN_DOMCTL_PFINFO_XTAB          (0xfU << 28)    /* not the domain's */
#define XEN_DOMCTL_PFINFO_XALLOC        (0xeU << 28)
#define XEN_DOMCTL_PFINFO_PAGEDTAB      (0x8U << 28)    /* 4.2: = LPINTAB; never reported */
#define XEN_DOMCTL_PFINFO_LTAB_MASK     (0xfU << 28)

/* Scheduler ids (scheduler_op.sched_id, sysctl sched_id). */
#define XEN_SCHEDULER_SEDF              4
#define XEN_SCHEDULER_CREDIT            5
#define XEN_SCHEDULER_CREDIT2           6
#define XEN_SCHEDULER_ARINC653          7

/* scheduler_op.cmd. */
#define XEN_DOMCTL_SCHEDOP_putinfo      0
#define XEN_DOMCTL_SCHEDOP_getinfo      1

/* The largest vCPU count a domctl max_vcpus accepts (XEN_LEGACY_MAX_VCPUS). */
#define XEN_DOMCTL_MAX_VCPUS            XEN_LEGACY_MAX_VCPUS

/* getpageframeinfo3: at most this many frames per call (more: -E2BIG). */
#define XEN_DOMCTL_PFINFO3_MAX          1024

#ifndef __ASSEMBLY__

#include <stdint.h>

/*
 * 64-bit fields and buffer handles of the control interfaces: 8 bytes,
 * 8-byte aligned on both sides.  A 32-bit caller stores its pointer in
 * the low half and zero in the high half - set_xen_guest_handle_64 does
 * exactly that.
 */
typedef uint64_t __attribute__((aligned(8))) uint64_aligned8_t;
typedef int64_t  __attribute__((aligned(8))) int64_aligned8_t;
typedef uint64_aligned8_t xen_guest_handle_64_t;
#define XEN_GUEST_HANDLE_64(type)       xen_guest_handle_64_t
#define set_xen_guest_handle_64(hnd, val) \
    do { (hnd) = (xen_guest_handle_64_t)(uintptr_t)(val); } while (0)

/* A CPU bitmap (setvcpuaffinity): bit i of byte j = CPU 8j+i.  16 bytes. */
struct xenctl_cpumap {
    XEN_GUEST_HANDLE_64(uint8) bitmap;
    uint32_t nr_cpus;                       /* bits in bitmap */
};
typedef struct xenctl_cpumap xenctl_cpumap_t;

/*
 * XEN_DOMCTL_createdomain: `domain` IN is the wanted id (0 or >=
 * DOMID_FIRST_RESERVED = the next free one), OUT the id given.  The new
 * domain is paused, has no vCPUs and no memory.  24 bytes.
 */
struct xen_domctl_createdomain {
    uint32_t ssidref;                       /* security label; 0 */
    xen_domain_handle_t handle;             /* UUID */
    uint32_t flags;                         /* XEN_DOMCTL_CDF_* */
};
typedef struct xen_domctl_createdomain xen_domctl_createdomain_t;

/*
 * XEN_DOMCTL_getdomaininfo (and each record of sysctl getdomaininfolist):
 * the first domain whose id is >= `domain`.  88 bytes.
 */
struct xen_domctl_getdomaininfo {
    domid_t  domain;                        /* OUT: the domain found */
    uint16_t _pad0;
    uint32_t flags;                         /* XEN_DOMINF_* */
    uint64_aligned8_t tot_pages;
    uint64_aligned8_t max_pages;
    uint64_aligned8_t shr_pages;
    uint64_aligned8_t paged_pages;
    uint64_aligned8_t shared_info_frame;    /* MFN for a PV domain */
    uint64_aligned8_t cpu_time;             /* ns, all vCPUs */
    uint32_t nr_online_vcpus;
    uint32_t max_vcpu_id;                   /* highest allocated vCPU */
    uint32_t ssidref;
    xen_domain_handle_t handle;
    uint32_t cpupool;                       /* ~0 = none */
};
typedef struct xen_domctl_getdomaininfo xen_domctl_getdomaininfo_t;

/* XEN_DOMCTL_max_mem.  8 bytes. */
struct xen_domctl_max_mem {
    uint64_aligned8_t max_memkb;
};
typedef struct xen_domctl_max_mem xen_domctl_max_mem_t;

/*
 * XEN_DOMCTL_setvcpucontext / getvcpucontext: ctxt points at a
 * vcpu_guest_context in the target's layout (2800 bytes for a 32-bit PV
 * target).  set with a null ctxt resets the vCPU.  16 bytes.
 */
struct xen_domctl_vcpucontext {
    uint32_t vcpu;
    uint32_t _pad0;
    XEN_GUEST_HANDLE_64(vcpu_guest_context_t) ctxt;
};
typedef struct xen_domctl_vcpucontext xen_domctl_vcpucontext_t;

/* XEN_DOMCTL_getvcpuinfo.  24 bytes. */
struct xen_domctl_getvcpuinfo {
    uint32_t vcpu;                          /* IN */
    uint8_t  online;                        /* OUT: not down */
    uint8_t  blocked;
    uint8_t  running;
    uint8_t  _pad0;
    uint64_aligned8_t cpu_time;             /* ns running */
    uint32_t cpu;                           /* physical CPU */
    uint32_t _pad1;
};
typedef struct xen_domctl_getvcpuinfo xen_domctl_getvcpuinfo_t;

/* XEN_DOMCTL_max_vcpus.  4 bytes. */
struct xen_domctl_max_vcpus {
    uint32_t max;
};
typedef struct xen_domctl_max_vcpus xen_domctl_max_vcpus_t;

/*
 * XEN_DOMCTL_scheduler_op.  The union is as large as 4.2's largest member
 * (sedf); Mica runs credit only.  40 bytes.
 */
struct xen_domctl_scheduler_op {
    uint32_t sched_id;                      /* XEN_SCHEDULER_* */
    uint32_t cmd;                           /* XEN_DOMCTL_SCHEDOP_* */
    union {
        struct xen_domctl_sched_sedf {
            uint64_aligned8_t period;
            uint64_aligned8_t slice;
            uint64_aligned8_t latency;
            uint32_t extratime;
            uint32_t weight;
        } sedf;
        struct xen_domctl_sched_credit {
            uint16_t weight;                /* putinfo: 0 = unchanged */
            uint16_t cap;                   /* % of a CPU, 0 = none; put 0xFFFF = unchanged */
        } credit;
        struct xen_domctl_sched_credit2 {
            uint16_t weight;
        } credit2;
    } u;
};
typedef struct xen_domctl_scheduler_op xen_domctl_scheduler_op_t;

/* XEN_DOMCTL_setdomainhandle.  16 bytes. */
struct xen_domctl_setdomainhandle {
    xen_domain_handle_t handle;
};
typedef struct xen_domctl_setdomainhandle xen_domctl_setdomainhandle_t;

/* XEN_DOMCTL_setdebugging.  1 byte. */
struct xen_domctl_setdebugging {
    uint8_t enable;
};
typedef struct xen_domctl_setdebugging xen_domctl_setdebugging_t;

/* XEN_DOMCTL_irq_permission (4.2: the PIRQ is one byte).  2 bytes. */
struct xen_domctl_irq_permission {
    uint8_t pirq;
    uint8_t allow_access;
};
typedef struct xen_domctl_irq_permission xen_domctl_irq_permission_t;

/* XEN_DOMCTL_iomem_permission: machine frames [first, first+nr).  24 bytes. */
struct xen_domctl_iomem_permission {
    uint64_aligned8_t first_mfn;
    uint64_aligned8_t nr_mfns;
    uint8_t allow_access;
};
typedef struct xen_domctl_iomem_permission xen_domctl_iomem_permission_t;

/* XEN_DOMCTL_ioport_permission: ports [first, first+nr).  12 bytes. */
struct xen_domctl_ioport_permission {
    uint32_t first_port;
    uint32_t nr_ports;
    uint8_t  allow_access;
};
typedef struct xen_domctl_ioport_permission xen_domctl_ioport_permission_t;

/* XEN_DOMCTL_hypercall_init: write the hypercall page into gmfn.  8 bytes. */
struct xen_domctl_hypercall_init {
    uint64_aligned8_t gmfn;
};
typedef struct xen_domctl_hypercall_init xen_domctl_hypercall_init_t;

/* XEN_DOMCTL_settimeoffset (4.2: 32-bit seconds).  4 bytes. */
struct xen_domctl_settimeoffset {
    int32_t time_offset_seconds;
};
typedef struct xen_domctl_settimeoffset xen_domctl_settimeoffset_t;

/* XEN_DOMCTL_set_address_size / get_address_size.  4 bytes. */
struct xen_domctl_address_size {
    uint32_t size;                          /* 32 or 64 */
};
typedef struct xen_domctl_address_size xen_domctl_address_size_t;

/*
 * XEN_DOMCTL_getpageframeinfo3: array holds `num` frame numbers of the
 * caller's width (4-byte xen_pfn_t); each is replaced by its
 * XEN_DOMCTL_PFINFO_* type.  16 bytes.
 */
struct xen_domctl_getpageframeinfo3 {
    uint64_aligned8_t num;
    XEN_GUEST_HANDLE_64(xen_pfn_t) array;
};
typedef struct xen_domctl_getpageframeinfo3 xen_domctl_getpageframeinfo3_t;

/* XEN_DOMCTL_setvcpuaffinity / getvcpuaffinity.  24 bytes. */
struct xen_domctl_vcpuaffinity {
    uint32_t vcpu;
    uint32_t _pad0;
    struct xenctl_cpumap cpumap;
};
typedef struct xen_domctl_vcpuaffinity xen_domctl_vcpuaffinity_t;

/* XEN_DOMCTL_set_virq_handler: route a global VIRQ to the domain.  4 bytes. */
struct xen_domctl_set_virq_handler {
    uint32_t virq;
};
typedef struct xen_domctl_set_virq_handler xen_domctl_set_virq_handler_t;

/* XEN_DOMCTL_set_max_evtchn (4.4 numbering and layout).  4 bytes. */
struct xen_domctl_set_max_evtchn {
    uint32_t max_port;
};
typedef struct xen_domctl_set_max_evtchn xen_domctl_set_max_evtchn_t;

/*
 * The call: EBX points at one of these.  Ops with OUT fields copy the
 * whole structure back.  144 bytes.
 */
struct xen_domctl {
    uint32_t cmd;                           /* XEN_DOMCTL_* */
    uint32_t interface_version;             /* XEN_DOMCTL_INTERFACE_VERSION */
    domid_t  domain;
    uint16_t _pad[3];                       /* zero */
    union {
        struct xen_domctl_createdomain      createdomain;
        struct xen_domctl_getdomaininfo     getdomaininfo;
        struct xen_domctl_max_mem           max_mem;
        struct xen_domctl_vcpucontext       vcpucontext;
        struct xen_domctl_getvcpuinfo       getvcpuinfo;
        struct xen_domctl_max_vcpus         max_vcpus;
        struct xen_domctl_scheduler_op      scheduler_op;
        struct xen_domctl_setdomainhandle   setdomainhandle;
        struct xen_domctl_setdebugging      setdebugging;
        struct xen_domctl_irq_permission    irq_permission;
        struct xen_domctl_iomem_permission  iomem_permission;
        struct xen_domctl_ioport_permission ioport_permission;
        struct xen_domctl_hypercall_init    hypercall_init;
        struct xen_domctl_settimeoffset     settimeoffset;
        struct xen_domctl_address_size      address_size;
        struct xen_domctl_getpageframeinfo3 getpageframeinfo3;
        struct xen_domctl_vcpuaffinity      vcpuaffinity;
        struct xen_domctl_set_virq_handler  set_virq_handler;
        struct xen_domctl_set_max_evtchn    set_max_evtchn;
        uint8_t                             pad[128];
    } u;
};
typedef struct xen_domctl xen_domctl_t;

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_DOMCTL_H */
