/*
 * The hypercall table.
 *
 * Hypercalls are dispatched through one table indexed by number, as data
 * (common/hypercall.c).  A hole or an out-of-range number returns -ENOSYS.
 * Every handler takes the five 32-bit argument registers of the x86_32 ABI
 * (EBX, ECX, EDX, ESI, EDI), zero-extended, and returns a signed long that
 * the entry code stores into the guest's EAX.  Handlers that need the full
 * register frame (iret, continuations) use guest_regs().
 */
#ifndef MICA_HYPERCALL_H
#define MICA_HYPERCALL_H

#include <mica/types.h>
#include <public/mica.h>

typedef long (*hypercall_fn_t)(unsigned long a1, unsigned long a2,
                               unsigned long a3, unsigned long a4,
                               unsigned long a5);

struct hypercall_desc {
    hypercall_fn_t fn;
    const char *name;
    uint8_t nargs;
};

extern const struct hypercall_desc hypercall_table[MICA_NR_HYPERCALLS];

/*
 * Continuations.  A long operation that must yield (so one guest cannot
 * stall the CPU) calls hypercall_create_continuation(nr, nargs, a1, ...)
 * and returns its result: the guest's EIP is wound back over the 2-byte
 * `int $0x82`, EAX is set to nr and the argument registers to the given
 * values, so the guest re-issues the call with the updated arguments when
 * it next runs.  The value the handler returns is then ignored (EAX already
 * holds nr).  hypercall_preempt_check() says whether the current call
 * should yield now.  (arch/x86/vcpu.c)
 */
long hypercall_create_continuation(unsigned int nr, unsigned int nargs, ...);
bool hypercall_preempt_check(void);
/*
 * Called by hypercall_create_continuation() first: while a multicall entry
 * runs, a continuation updates that entry's arguments instead of the
 * guest's registers (common/multicall.c); true if it did.
 */
bool multicall_capture_continuation(unsigned int nr, unsigned int nargs,
                                    const unsigned long *args);

/* Look up and run hypercall nr; -ENOSYS if none. */
long hypercall_invoke(unsigned long nr, unsigned long a1, unsigned long a2,
                      unsigned long a3, unsigned long a4, unsigned long a5);

#define HYPERCALL_PROTO(name) \
    long do_##name(unsigned long a1, unsigned long a2, unsigned long a3, \
                   unsigned long a4, unsigned long a5)

HYPERCALL_PROTO(sched_op_compat);
HYPERCALL_PROTO(mica_phases);           /* PHASES=1 builds only (mica/phase.h) */
HYPERCALL_PROTO(xen_version);
HYPERCALL_PROTO(console_io);
HYPERCALL_PROTO(sched_op);
/* Traps, callbacks, descriptors, FPU (arch/x86, see docs/traps.md). */
HYPERCALL_PROTO(set_trap_table);
HYPERCALL_PROTO(set_gdt);
HYPERCALL_PROTO(stack_switch);
HYPERCALL_PROTO(set_callbacks);
HYPERCALL_PROTO(fpu_taskswitch);
HYPERCALL_PROTO(set_debugreg);
HYPERCALL_PROTO(get_debugreg);
HYPERCALL_PROTO(update_descriptor);
HYPERCALL_PROTO(physdev_op_compat);
HYPERCALL_PROTO(iret);
HYPERCALL_PROTO(nmi_op);
HYPERCALL_PROTO(callback_op);
HYPERCALL_PROTO(physdev_op);
/* Time, scheduling, event channels (see docs/scheduling.md). */
HYPERCALL_PROTO(set_timer_op);
HYPERCALL_PROTO(vcpu_op);
HYPERCALL_PROTO(event_channel_op);
HYPERCALL_PROTO(event_channel_op_compat);
/* Memory management (see docs/memory.md). */
HYPERCALL_PROTO(mmu_update);
HYPERCALL_PROTO(memory_op);
HYPERCALL_PROTO(multicall);
HYPERCALL_PROTO(update_va_mapping);
HYPERCALL_PROTO(vm_assist);
HYPERCALL_PROTO(update_va_mapping_otherdomain);
HYPERCALL_PROTO(mmuext_op);
/* grant tables (see docs/grants.md) */
HYPERCALL_PROTO(grant_table_op);
/* common/privileged_ops.c: Xen's checks for calls Mica has no backend for */
HYPERCALL_PROTO(platform_op);
HYPERCALL_PROTO(xenpmu_op);
HYPERCALL_PROTO(mca);
/* The control plane (docs/control-plane.md). */
HYPERCALL_PROTO(domctl);
HYPERCALL_PROTO(sysctl);

#endif
