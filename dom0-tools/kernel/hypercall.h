/*
 * Hypercall wrappers of the Dom0 kernel.
 *
 * A hypercall with a constant number is a `call` into its slot of the
 * hypercall page (slot n at hypercall_page + 32 n), as the ABI asks: the
 * page, not the kernel, knows how to enter the hypervisor.  Arguments go in
 * EBX, ECX, EDX, ESI, EDI; the hypervisor may rewrite them (continuations),
 * so all five are in/out operands, and "memory" tells the compiler that
 * argument structures are read and written.  hypercall_raw() takes a number
 * known only at run time (the OS interface's generic entry) and issues
 * `int $0x82` itself, which is what a slot does.
 *
 * Results are `long`: >= 0, or -XEN_E* (public/errno.h, equal to Linux's
 * values).
 */
#ifndef DOM0_HYPERCALL_H
#define DOM0_HYPERCALL_H

#include <stdint.h>
#include <public/xen.h>
#include <public/sched.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/memory.h>
#include <public/vcpu.h>
#include <public/callback.h>
#include <public/version.h>
#include <public/errno.h>
#include <public/physdev.h>

extern uint8_t hypercall_page[4096];

#define _hypercall(nr, a1, a2, a3, a4, a5) ({                                 \
    long __ret;                                                               \
    unsigned long __b = (unsigned long)(a1), __c = (unsigned long)(a2);       \
    unsigned long __d = (unsigned long)(a3), __s = (unsigned long)(a4);       \
    unsigned long __D = (unsigned long)(a5);                                  \
    __asm__ volatile ("call hypercall_page + %c[off]"                         \
                      : "=a" (__ret), "+b" (__b), "+c" (__c), "+d" (__d),     \
                        "+S" (__s), "+D" (__D)                                \
                      : [off] "i" ((nr) * 32)                                 \
                      : "memory");                                            \
    __ret;                                                                    \
})

static inline long hypercall_raw(unsigned long nr, unsigned long a1, unsigned long a2,
                                 unsigned long a3, unsigned long a4, unsigned long a5)
{
    long ret;

    __asm__ volatile ("int $0x82"
                      : "=a" (ret), "+b" (a1), "+c" (a2), "+d" (a3), "+S" (a4), "+D" (a5)
                      : "0" (nr)
                      : "memory");
    return ret;
}

static inline long HYPERVISOR_console_io(int cmd, unsigned int count, const void *buf)
{
    return _hypercall(__HYPERVISOR_console_io, cmd, count, buf, 0, 0);
}

static inline long HYPERVISOR_sched_op(int cmd, void *arg)
{
    return _hypercall(__HYPERVISOR_sched_op, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_xen_version(int cmd, void *arg)
{
    return _hypercall(__HYPERVISOR_xen_version, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_mmu_update(const mmu_update_t *req, unsigned int count,
                                         unsigned int *done, unsigned int foreigndom)
{
    return _hypercall(__HYPERVISOR_mmu_update, req, count, done, foreigndom, 0);
}

static inline long HYPERVISOR_mmuext_op(const mmuext_op_t *op, unsigned int count,
                                        unsigned int *done, unsigned int foreigndom)
{
    return _hypercall(__HYPERVISOR_mmuext_op, op, count, done, foreigndom, 0);
}

static inline long HYPERVISOR_update_va_mapping(unsigned long va, uint64_t pte,
                                                unsigned long flags)
{
    return _hypercall(__HYPERVISOR_update_va_mapping, va, (uint32_t)pte,
                      (uint32_t)(pte >> 32), flags, 0);
}

static inline long HYPERVISOR_memory_op(unsigned int cmd, void *arg)
{
    return _hypercall(__HYPERVISOR_memory_op, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_event_channel_op(int cmd, void *arg)
{
    return _hypercall(__HYPERVISOR_event_channel_op, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_grant_table_op(unsigned int cmd, void *uop, unsigned int count)
{
    return _hypercall(__HYPERVISOR_grant_table_op, cmd, uop, count, 0, 0);
}

static inline long HYPERVISOR_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
    return _hypercall(__HYPERVISOR_vcpu_op, cmd, vcpu, arg, 0, 0);
}

static inline long HYPERVISOR_physdev_op(int cmd, void *arg)
{
    return _hypercall(__HYPERVISOR_physdev_op, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_set_timer_op(uint64_t deadline)
{
    return _hypercall(__HYPERVISOR_set_timer_op, (uint32_t)deadline,
                      (uint32_t)(deadline >> 32), 0, 0, 0);
}

static inline long HYPERVISOR_set_trap_table(const struct trap_info *table)
{
    return _hypercall(__HYPERVISOR_set_trap_table, table, 0, 0, 0, 0);
}

static inline long HYPERVISOR_callback_op(int cmd, const void *arg)
{
    return _hypercall(__HYPERVISOR_callback_op, cmd, arg, 0, 0, 0);
}

static inline long HYPERVISOR_stack_switch(unsigned long ss, unsigned long esp)
{
    return _hypercall(__HYPERVISOR_stack_switch, ss, esp, 0, 0, 0);
}

#endif /* DOM0_HYPERCALL_H */
