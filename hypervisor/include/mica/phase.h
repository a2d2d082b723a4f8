/*
 * Where a hot path's instructions go: per-phase instruction counts.
 *
 * A hypervisor built with PHASES=1 (make bench-phases; -DMICA_PHASES)
 * marks the boundaries of the phases of its hot paths -- entry stub,
 * dispatch, handler steps, exit checks, register restore, and the guest's
 * own instructions in between -- with PHASE(p): "from here on, time is
 * p's".  Each mark reads the TSC, adds the time since the previous mark to
 * the phase that was current, and makes p current.  Under QEMU's
 * -icount shift=0 the TSC counts executed instructions exactly, so the
 * counts are exact instruction counts; the marks' own instructions are a
 * constant per mark, measured by two back-to-back marks and subtracted
 * (common/phase.c).  The benchmark guest resets and reports the counters
 * with a hypercall that exists only in such a build (MICA_HYPERVISOR_phases,
 * public/mica.h); docs/performance.md has the method and the results.
 *
 * In a normal build PHASE() expands to nothing, the assembly macro
 * PHASE_MARK to nothing, and the hypercall slot stays empty (-ENOSYS): the
 * instrumentation costs nothing at all.
 *
 * The phase numbers are plain macros so that entry.S can use them.
 */
#ifndef MICA_PHASE_H
#define MICA_PHASE_H

#define PH_GUEST       0   /* the guest's instructions, with the int and the IRETQ */
#define PH_ENTRY       1   /* entry stubs: error code, vector, register save */
#define PH_DISPATCH    2   /* hypercall_dispatch: table, arguments, result */
#define PH_HANDLER     3   /* a handler's work that is not subdivided below */
#define PH_EXIT        4   /* the checks before resuming a guest (exit work) */
#define PH_RESTORE     5   /* register restore up to the IRETQ */
#define PH_TRAP        6   /* handle_trap: what an exception from a guest is */
#define PH_BOUNCE      7   /* pv_bounce: the frame on the guest kernel's stack */
#define PH_IRET        8   /* the iret hypercall's frame read and checks */
#define PH_MMU_BATCH   9   /* mmu_update: arguments, loop, preemption, pending */
#define PH_MMU_COPY    10  /* mmu_update: requests in, done count out */
#define PH_MMU_TABLE   11  /* the page-table frame: lookup, type, references */
#define PH_PT_ENTRY    12  /* mod_l1_entry: the new entry's rules and refs */
#define PH_UVM_WALK    13  /* update_va_mapping: the walk to the L1 */
#define PH_FLUSH       14  /* TLB flushes asked for */
#define PH_EVT_PORT    15  /* EVTCHNOP_send: argument, port lookup, checks */
#define PH_EVT_SET     16  /* marking the event pending (2-level / FIFO) */
#define PH_NR          17

#ifdef __ASSEMBLY__

#ifdef MICA_PHASES
    .macro PHASE_MARK p
    push    %rcx
    mov     $\p, %ecx
    call    phase_mark
    pop     %rcx
    .endm
#else
    .macro PHASE_MARK p
    .endm
#endif

#else /* !__ASSEMBLY__ */

#ifdef MICA_PHASES
/*
 * phase_mark (common/phase.c) takes the phase in ECX and preserves every
 * register; the sequence around it is the same as PHASE_MARK's, so every
 * mark costs the same number of instructions.
 */
#define PHASE(p) \
    __asm__ volatile("push %%rcx\n\tmov %0, %%ecx\n\tcall phase_mark\n\tpop %%rcx" \
                     :: "i"(p) : "cc")
#else
#define PHASE(p) do { } while (0)
#endif

#endif /* __ASSEMBLY__ */
#endif /* MICA_PHASE_H */
