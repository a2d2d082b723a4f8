/*
 * Domains and virtual CPUs.
 *
 * A domain owns memory (its page list), a shared_info page, a set of vCPUs
 * and a life-cycle state.  A guest that misbehaves is removed with
 * domain_crash(d, why): the hypervisor reports it, stops scheduling the
 * domain and carries on; panic() is reserved for broken hypervisor
 * invariants.
 */
#ifndef MICA_DOMAIN_H
#define MICA_DOMAIN_H

#include <mica/types.h>
#include <mica/list.h>
#include <public/xen.h>
#include <public/vcpu.h>
#include <asm/regs.h>
#include <mica/time.h>
#include <mica/timer.h>
#include <mica/sched_credit.h>
#include <mica/event.h>
#include <public/sched.h>
#include <public/memory.h>

/*
 * vCPUs a domain may have.  The first XEN_LEGACY_MAX_VCPUS (32) have a
 * vcpu_info in shared_info; the others must register one
 * (VCPUOP_register_vcpu_info) before they can be initialised.
 */
#define MAX_VIRT_CPUS 64
#define DOMAIN_NAME_LEN 32

enum domain_state {
    DOMSTATE_CREATED,    /* being built */
    DOMSTATE_RUNNING,
    DOMSTATE_SHUTDOWN,   /* shut itself down (shutdown_code says why) */
    DOMSTATE_CRASHED,    /* crashed by the hypervisor or by itself */
    DOMSTATE_DYING,
};

struct vcpu {
    unsigned int vcpu_id;
    struct domain *domain;
    bool is_initialised;               /* has a context (vcpu_context.c) */
    struct vcpu_info *vcpu_info;       /* in shared_info, registered, or dummy */
    /* Arch state. */
    unsigned long top_mfn;             /* this vCPU's PML4 */
    uint64_t *top_table;
    unsigned long guest_l3_mfn;        /* the guest's current PAE L3 */
    struct cpu_regs user_regs;         /* saved frame while not running */
    uint16_t ds, es, fs, gs;           /* saved only when descheduled */
    bool fpu_ts;                       /* virtual CR0.TS */
    unsigned long guest_cr2;           /* virtual CR2 */

    /* --- memory (page tables, TLB) --- */

    /* --- traps, callbacks, descriptors, FPU --- */
    struct trap_info trap_table[256];  /* virtual IDT (set_trap_table) */
    uint16_t kernel_ss;                /* stack_switch: ring-1 stack for */
    uint32_t kernel_sp;                /*   bounces from ring 2/3 */
    struct xen_callback event_cb;      /* cs == 0: none registered */
    struct xen_callback failsafe_cb;
    bool failsafe_masks;               /* CALLBACKF_mask_events */
    struct xen_callback syscall32_cb, sysenter_cb;  /* SYSCALL/SYSENTER, see fastcall.c */
    bool syscall32_masks, sysenter_masks;           /* CALLBACKF_mask_events */
    uint32_t nmi_cb_eip;               /* 0: none */
    bool nmi_pending, nmi_masked;
    unsigned long gdt_frames[FIRST_RESERVED_GDT_PAGE]; /* set_gdt, with refs */
    unsigned int gdt_ents;
    uint32_t ldt_base, ldt_ents;       /* MMUEXT_SET_LDT */
    unsigned long ldt_mfns[16];        /* lazily mapped LDT pages (refs held) */
    uint8_t fpu_area[512] __aligned(16); /* FXSAVE image while not loaded */
    bool fpu_initialised;              /* fpu_area holds a real state */
    uint8_t iopl;                      /* virtual IOPL (physdev set_iopl) */
    uint32_t iobmp_va, iobmp_ports;    /* physdev set_iobitmap (guest VA) */
    uint32_t debugreg[8];              /* DR0-3, DR6, DR7 as the guest set them */
    bool cr4_de;                       /* virtual CR4.DE: I/O breakpoints, no DR4/5 */
    bool cr4_tsd;                      /* CR4.TSD: real while it runs (cpu_protect.c) */
    bool cpuid_faulting;               /* MISC_FEATURES_ENABLES bit 0 (msr.c) */

    /* --- scheduling, timers, event channels --- */
    struct csched_vcpu sched;          /* credit scheduler state */
    unsigned int pause_flags;          /* VPF_* (mica/sched.h) */
    int pause_count;                   /* vcpu_pause() nesting */
    bool is_running;                   /* its state is live on the CPU */
    struct vcpu_runstate_info runstate;
    guest_va_t runstate_area;          /* VCPUOP_register_runstate_memory_area */
    guest_va_t time_area;              /* VCPUOP_register_vcpu_time_memory_area */
    uint8_t areas_stale;               /* VAREA_*: copy before the guest runs again */
    /* Areas registered by frame (common/vcpu_area.c): each holds a
     * guest_frame registration while mapped. */
    struct vcpu_frame_area { unsigned long mfn; void *map; }
        vcpu_info_area, runstate_phys, time_phys;
    struct vcpu_info dummy_vcpu_info;  /* vCPU >= 32 with none registered */
    struct timer singleshot_timer;     /* set_timer_op, VCPUOP singleshot */
    struct timer periodic_timer;       /* VIRQ_TIMER tick while running */
    s_time_t periodic_period;          /* 0: stopped (default 10 ms) */
    s_time_t periodic_next;            /* next tick due */
    struct timer poll_timer;           /* SCHEDOP_poll timeout */
    bool polling;                      /* blocked in SCHEDOP_poll */
    unsigned int poll_nr;              /* the ports it polls: */
    evtchn_port_t poll_list[SCHEDOP_POLL_MAX_PORTS];
    evtchn_port_t virq_to_evtchn[NR_VIRQS];
};

/* Console output of an unprivileged domain (common/console_io.c). */
#define DOMU_CONSOLE_LINE 128
struct domu_console {
    char line[DOMU_CONSOLE_LINE];      /* current line, not yet printed */
    unsigned int len;
    int64_t tokens;                    /* rate limit: bytes it may print */
    s_time_t refilled;                 /* when tokens were last topped up */
    unsigned long dropped;             /* bytes suppressed, not yet reported */
};

#define NR_DOMAIN_WATCHDOG_TIMERS 2

struct domain_iocaps;
struct domain_pirqs;

/*
 * Destruction (common/domain_teardown.c) in stages, so a toolstack's
 * destroydomain can stop between any two frames and resume (XSA-45):
 */
enum teardown_stage {
    TD_ALIVE,          /* not being destroyed */
    TD_UNPIN,          /* killed; dropping pins */
    TD_PENDING,        /* working off every devalidation queue */
    TD_ABANDON,        /* half-validated tables queued */
    TD_DEVALIDATE,     /* its own queue */
    TD_DESCRIPTORS,    /* descriptor-page references */
    TD_FREE,           /* allocation references: frames freed or kept */
    TD_ZOMBIE,         /* structures gone; frames others still map remain */
    TD_GONE            /* (transient) freed */
};

struct domain {
    domid_t domain_id;
    char name[DOMAIN_NAME_LEN];
    bool is_privileged;
    enum domain_state state;
    unsigned int shutdown_code;

    struct list_head page_list;        /* frames owned (not xen heap) */
    unsigned long tot_pages;
    unsigned long max_pages;

    shared_info_t *shared_info;
    unsigned long shared_info_mfn;

    unsigned int max_vcpus;
    struct vcpu *vcpu[MAX_VIRT_CPUS];

    unsigned long vm_assist;           /* VMASST_TYPE_* bits (VM_ASSIST_VALID) */
    bool suspend_cancel;               /* its kernel's XEN_ELFNOTE_SUSPEND_CANCEL */
    struct xen_e820_entry *e820;       /* XENMEM_set_memory_map (memory_map.c) */
    unsigned int nr_e820;              /* 0: none set */
    struct list_head domain_list;

    /* --- memory --- */
    unsigned long mm_freed_pages;      /* frames freed back to the heap */
    /* heap_free_pages() - heap_total_pages() just before creation: after
     * teardown the heap must be back there exactly (domain_teardown.c) */
    long mm_heap_baseline;
    unsigned long mm_continuations;    /* long memory operations preempted */
    struct list_head mm_pending;       /* its tables queued for devalidation */
    /* Heap pages the domain had taken when it started (domain_start) and
     * its tot_pages then: with several domains created and destroyed in
     * any order, teardown checks it gives back exactly what it took. */
    bool mm_started;
    long mm_taken_at_start;
    unsigned long mm_tot_at_start;

    /* --- traps, callbacks, descriptors --- */
    bool smep_off;                     /* its kernel runs user pages: no SMEP while
                                          it runs (arch/x86/cpu_protect.c) */
    unsigned long smap_fixups;         /* kernel user-page accesses re-run with AC */

    /* Hypervisor structures allocated for the domain with domain_xzalloc
     * (counted so teardown knows what the domain took after it started). */
    long mm_heap_extra, mm_extra_at_start;
    struct guest_frames *guest_frames; /* frames the hypervisor writes (guest_frame.c) */

    /* --- scheduling, timers, event channels --- */
    struct evtchn *evtchn_bucket[EVTCHN_MAX_BUCKETS]; /* ports, allocated by buckets */
    unsigned int valid_evtchns;        /* ports with a structure (whole buckets) */
    unsigned int evtchn_nameable;      /* valid ports the ABI can name: [0, this) */
    evtchn_port_t max_evtchn_port;     /* highest port allowed (toolstack limit) */
    evtchn_port_t evtchn_free_hint;    /* no free port below this one */
    const struct evtchn_port_ops *evtchn_ops;  /* 2-level or FIFO */
    struct evtchn_fifo_domain *evtchn_fifo;    /* NULL while 2-level */
    unsigned int weight;               /* credit scheduler weight */
    int pause_count;                   /* domain_pause() nesting */
    bool is_dying;                     /* being destroyed */
    struct timer watchdog_timer[NR_DOMAIN_WATCHDOG_TIMERS];
    unsigned int watchdog_inuse_map;
    struct domu_console console;

    /* --- grant tables (common/grant_table.c) --- */
    struct grant_table *grant;         /* entries, active entries, maptrack */
    unsigned long gnt_orphaned;        /* frames left to dom_grant_orphans */

    /* --- the control plane (domctl*.c, xsm.c, domain_teardown.c) --- */
    uint32_t xsm_caps;                 /* XSM_CAP_*: what it may do (xsm.c) */
    bool ctl_created;                  /* made by domctl: stays, dead or not,
                                          until destroydomain */
    bool shutdown_latched;             /* shutdown_code says why it stopped */
    uint8_t ctl_pause_count;           /* pausedomain nesting (at most 255) */
    xen_domain_handle_t handle;        /* UUID (createdomain, setdomainhandle) */
    int32_t time_offset_seconds;       /* settimeoffset: added to the wallclock */
    uint16_t sched_cap;                /* credit cap, % of a CPU (0: none) */
    struct domain_iocaps *iocaps;      /* I/O ports, memory, PIRQs granted (NULL: none) */
    uint32_t pci_cf8;                  /* its PCI CONFIG_ADDRESS latch (arch/x86/pci_cfg.c) */
    struct domain_pirqs *pirqs;        /* its PIRQs (common/pirq.c; NULL: none used) */
    enum teardown_stage teardown;      /* how far its destruction has got */
    struct list_head relmem_list;      /* frames a teardown stage already walked */
    /* Teardown's books: what it must give back and has given back. */
    long td_taken;                     /* pages the domain took from the heap */
    long td_returned;                  /* pages given back by teardown sections */
    unsigned long td_freed_at_start;   /* mm_freed_pages when teardown began */
    unsigned long td_kept;             /* frames other domains still held then */
    unsigned long td_others;           /* others' grant orphans freed meanwhile */
};


/* The vm_assist types a 32-bit PV domain may enable (common/vm_assist.c). */
#define VM_ASSIST_VALID ((1UL << VMASST_TYPE_4gb_segments) | \
                         (1UL << VMASST_TYPE_4gb_segments_notify) | \
                         (1UL << VMASST_TYPE_writable_pagetables) | \
                         (1UL << VMASST_TYPE_pae_extended_cr3) | \
                         (1UL << VMASST_TYPE_architectural_iopl) | \
                         (1UL << VMASST_TYPE_runstate_update_flag))

extern struct vcpu *current;
static inline struct domain *current_domain(void) { return current->domain; }

struct domain *domain_create(domid_t id, const char *name, bool privileged);
/*
 * A domain for the toolstack (domctl createdomain): no vCPU, no memory,
 * paused once by its controller (ctl_pause_count 1), alive.  NULL when
 * memory runs out; then nothing it allocated is left behind (XSA-149).
 */
struct domain *domain_create_ctl(domid_t id);
/*
 * vCPU `id` of d: down and uninitialised (no context yet), known to the
 * scheduler, with its top-level table; max_vcpus grows to cover it.
 * NULL if the id is taken or out of range, or memory ran out.
 */
struct vcpu *vcpu_create(struct domain *d, unsigned int id);
/*
 * Give d vCPUs 1..n-1 (down, uninitialised), as a toolstack's max_vcpus
 * does; the guest brings them up with VCPUOP_initialise and VCPUOP_up.
 * 0, -EINVAL (n outside 1..MAX_VIRT_CPUS) or -ENOMEM (the vCPUs made so
 * far stay).
 */
int domain_create_vcpus(struct domain *d, unsigned int n);
/* arch: v's top-level page table (arch/x86/paging.c); 0 or -ENOMEM. */
int arch_vcpu_create(struct vcpu *v);
void domain_crash(struct domain *d, const char *fmt, ...) __printf(2, 3);
void domain_shutdown(struct domain *d, unsigned int reason);
const char *shutdown_reason_name(unsigned int reason);

/* Assign a freshly allocated frame to d (accounting). NULL if over limit. */
struct page_info *alloc_domheap_page(struct domain *d);
/* Hypervisor-owned pages, direct-mapped. */
void *alloc_xenheap_pages(unsigned int order);
void free_xenheap_pages(void *va, unsigned int order);
void *xzalloc_bytes(size_t n);        /* whole pages, zeroed */
void xfree_bytes(void *p, size_t n);  /* n as given to xzalloc_bytes */
/* The same for a structure that belongs to d (counted in d->mm_heap_extra,
 * so teardown's accounting includes what d made the hypervisor allocate). */
void *domain_xzalloc(struct domain *d, size_t n);
void domain_xfree(struct domain *d, void *p, size_t n);

/* Forget d's memory map (XENMEM_set_memory_map; teardown). */
void domain_free_e820(struct domain *d);

/* Print v's guest registers (arch). */
void arch_dump_guest_state(struct vcpu *v);
/* v will never run again: release its arch state -- descriptor-table
 * frames, LDT mappings, FPU ownership (arch/x86/vcpu.c). */
void arch_vcpu_destroy(struct vcpu *v);
/* v is going away: forget any CPU state that refers to it (arch). */
void arch_vcpu_release(struct vcpu *v);

/*
 * Tear a domain down (common/domain_teardown.c): every frame, table and
 * structure it owns goes back to the heap, scrubbed; d is freed.  Called
 * for a domain that will never run again (shut down or crashed), from
 * hypervisor context (not from the domain's own hypercall).
 */
void domain_destroy(struct domain *d);
/*
 * The same in steps, for domctl destroydomain: 0 when d is fully dead
 * (freed, or a zombie whose remaining frames other domains still map),
 * -ERESTART when preemptible and time is up (call again).  d stays valid
 * in both cases unless it was freed (then it is off domain_list).
 */
int domain_teardown(struct domain *d, bool preemptible);
/* Frames of zombies freed so far (page_type.c counts, teardown reads). */
extern unsigned long zombie_frames_freed;
/* Tell the initial domain that d changed state (VIRQ_DOM_EXC). */
void domain_notify_exc(struct domain *d);
/* Free every zombie that has no frame left (safe points only). */
void domain_reap_zombies(void);
/* All domains, in creation order (domain.c). */
extern struct list_head domain_list;
#define for_each_domain(d) \
    for ((d) = list_entry(domain_list.next, struct domain, domain_list); \
         &(d)->domain_list != &domain_list; \
         (d) = list_entry((d)->domain_list.next, struct domain, domain_list))

/* Called from the scheduler when no domain is left to run. */
void __noreturn hypervisor_shutdown_all(void);

/* The domain with this id, NULL if none (dying domains included). */
struct domain *domain_lookup(domid_t id);
/* Boot option max_domid=N: createdomain's ids are 1..N (domctl.c). */
int domid_parse_max(const char *v);
/* A domain that shut down or crashed: its memory is still held. */
static inline bool domain_is_dead(const struct domain *d)
{
    return d->state == DOMSTATE_SHUTDOWN || d->state == DOMSTATE_CRASHED ||
           d->state == DOMSTATE_DYING;
}
/* The initial (hardware) domain, NULL before it exists. */
struct domain *hardware_domain(void);
/*
 * The first step of domain_destroy() (common/domain.c): everything but
 * memory -- the vCPUs leave the scheduler, every timer stops, every port
 * closes (peers see their channels go unbound), a partial console line is
 * printed, and the initial domain gets VIRQ_DOM_EXC.  No vCPU of d may be
 * running.
 */
void domain_kill(struct domain *d);
/* Destroy every dead domain except the initial one (scheduler, idle CPU). */
void domain_reap_dead(void);
/* Make d runnable for the first time (it is created paused). */
void domain_start(struct domain *d);

#endif
