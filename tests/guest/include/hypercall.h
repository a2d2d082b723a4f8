/*
 * Hypercall wrappers for test guests.
 *
 * hypercall0..5(nr, ...) go through the hypercall page (slot nr, nr < 128;
 * larger numbers have no slot and are issued with a raw int $0x82 instead).
 * Never pass __HYPERVISOR_iret (23): its slot ends without `ret` because it
 * is jumped to with an iret frame on the stack (fact sheet §7.8).
 * raw_hypercall() always issues int $0x82 itself with any EAX, and
 * raw_hypercall_regs() additionally reports the register state afterwards.
 * Arguments and results are `long` (32 bits): negative results are
 * -XEN_E* error numbers.
 */
#ifndef GUEST_HYPERCALL_H
#define GUEST_HYPERCALL_H

#include <stdint.h>
#include <public/xen.h>
#include <hc_regs.h>

extern uint8_t hypercall_page[4096];

long hypercall5(unsigned int nr, long a1, long a2, long a3, long a4, long a5);
long raw_hypercall(unsigned long nr, long a1, long a2, long a3, long a4, long a5);
void raw_hypercall_regs(struct hc_regs *r);

static inline long hypercall0(unsigned int nr)
{ return hypercall5(nr, 0, 0, 0, 0, 0); }
static inline long hypercall1(unsigned int nr, long a1)
{ return hypercall5(nr, a1, 0, 0, 0, 0); }
static inline long hypercall2(unsigned int nr, long a1, long a2)
{ return hypercall5(nr, a1, a2, 0, 0, 0); }
static inline long hypercall3(unsigned int nr, long a1, long a2, long a3)
{ return hypercall5(nr, a1, a2, a3, 0, 0); }
static inline long hypercall4(unsigned int nr, long a1, long a2, long a3, long a4)
{ return hypercall5(nr, a1, a2, a3, a4, 0); }

static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{
    return hypercall2(__HYPERVISOR_xen_version, cmd, (long)arg);
}

static inline long HYPERVISOR_console_io(int cmd, unsigned int count, const void *buf)
{
    return hypercall3(__HYPERVISOR_console_io, cmd, (long)count, (long)buf);
}

static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{
    return hypercall2(__HYPERVISOR_sched_op, cmd, (long)arg);
}

/* The pre-3.0.2 form: the argument (e.g. a shutdown reason) is passed by value. */
static inline long HYPERVISOR_sched_op_compat(int cmd, unsigned long arg)
{
    return hypercall2(__HYPERVISOR_sched_op_compat, cmd, (long)arg);
}

/* ---- memory management ---- */

static inline long HYPERVISOR_mmu_update(const mmu_update_t *req, unsigned int count,
                     unsigned int *done, unsigned int foreigndom)
{
    return hypercall4(__HYPERVISOR_mmu_update, (long)req, (long)count,
              (long)done, (long)foreigndom);
}

static inline long HYPERVISOR_mmuext_op(const mmuext_op_t *op, unsigned int count,
                    unsigned int *done, unsigned int foreigndom)
{
    return hypercall4(__HYPERVISOR_mmuext_op, (long)op, (long)count,
              (long)done, (long)foreigndom);
}

static inline long HYPERVISOR_update_va_mapping(unsigned long va, uint64_t pte,
                        unsigned long flags)
{
    return hypercall4(__HYPERVISOR_update_va_mapping, (long)va, (long)(uint32_t)pte,
              (long)(uint32_t)(pte >> 32), (long)flags);
}

static inline long HYPERVISOR_update_va_mapping_otherdomain(unsigned long va, uint64_t pte,
                                unsigned long flags,
                                unsigned int domid)
{
    return hypercall5(__HYPERVISOR_update_va_mapping_otherdomain, (long)va,
              (long)(uint32_t)pte, (long)(uint32_t)(pte >> 32), (long)flags,
              (long)domid);
}

static inline long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
    return hypercall2(__HYPERVISOR_memory_op, (long)cmd, (long)arg);
}

static inline long HYPERVISOR_multicall(multicall_entry_t *calls, unsigned int nr)
{
    return hypercall2(__HYPERVISOR_multicall, (long)calls, (long)nr);
}

static inline long HYPERVISOR_vm_assist(unsigned int cmd, unsigned int type)
{
    return hypercall2(__HYPERVISOR_vm_assist, (long)cmd, (long)type);
}

/* --- traps, callbacks, descriptors, FPU --- */

static inline long HYPERVISOR_set_trap_table(const struct trap_info *table)
{
    return hypercall1(__HYPERVISOR_set_trap_table, (long)table);
}

static inline long HYPERVISOR_stack_switch(unsigned long ss, unsigned long esp)
{
    return hypercall2(__HYPERVISOR_stack_switch, (long)ss, (long)esp);
}

static inline long HYPERVISOR_set_callbacks(unsigned long event_cs, const void *event,
                                            unsigned long failsafe_cs, const void *failsafe)
{
    return hypercall4(__HYPERVISOR_set_callbacks, (long)event_cs, (long)event,
                      (long)failsafe_cs, (long)failsafe);
}

static inline long HYPERVISOR_callback_op(int cmd, const void *arg)
{
    return hypercall2(__HYPERVISOR_callback_op, cmd, (long)arg);
}

static inline long HYPERVISOR_nmi_op(int cmd, const void *arg)
{
    return hypercall2(__HYPERVISOR_nmi_op, cmd, (long)arg);
}

static inline long HYPERVISOR_fpu_taskswitch(int set)
{
    return hypercall1(__HYPERVISOR_fpu_taskswitch, set);
}

static inline long HYPERVISOR_set_debugreg(int reg, unsigned long value)
{
    return hypercall2(__HYPERVISOR_set_debugreg, reg, (long)value);
}

static inline long HYPERVISOR_get_debugreg(int reg)
{
    return hypercall1(__HYPERVISOR_get_debugreg, reg);
}

static inline long HYPERVISOR_set_gdt(const uint32_t *frames, unsigned int entries)
{
    return hypercall2(__HYPERVISOR_set_gdt, (long)frames, (long)entries);
}

static inline long HYPERVISOR_update_descriptor(uint64_t maddr, uint64_t desc)
{
    return hypercall4(__HYPERVISOR_update_descriptor, (long)(uint32_t)maddr,
                      (long)(uint32_t)(maddr >> 32), (long)(uint32_t)desc,
                      (long)(uint32_t)(desc >> 32));
}

static inline long HYPERVISOR_physdev_op(int cmd, void *arg)
{
    return hypercall2(__HYPERVISOR_physdev_op, cmd, (long)arg);
}

#endif /* GUEST_HYPERCALL_H */
