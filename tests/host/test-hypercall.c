/*
 * The hypercall table's bounds, compiled from the real common/hypercall.c
 * with stub handlers: every number outside the table or without a handler
 * must give -ENOSYS without calling anything; every implemented number must
 * reach exactly its own handler with its arguments unchanged.
 */
#include "htest.h"
#include <mica/hypercall.h>
#include <mica/errno.h>
#include <public/xen.h>

static unsigned long last_nr = ~0UL, calls;
static unsigned long last_args[5];

#define STUB(name, nr)                                                        \
    HYPERCALL_PROTO(name)                                                     \
    {                                                                         \
        calls++;                                                              \
        last_nr = (nr);                                                       \
        last_args[0] = a1; last_args[1] = a2; last_args[2] = a3;              \
        last_args[3] = a4; last_args[4] = a5;                                 \
        return 1000 + (nr);                                                   \
    }

STUB(sched_op_compat, __HYPERVISOR_sched_op_compat)
STUB(xen_version, __HYPERVISOR_xen_version)
STUB(console_io, __HYPERVISOR_console_io)
STUB(sched_op, __HYPERVISOR_sched_op)
STUB(set_timer_op, __HYPERVISOR_set_timer_op)
STUB(vcpu_op, __HYPERVISOR_vcpu_op)
STUB(event_channel_op, __HYPERVISOR_event_channel_op)
STUB(event_channel_op_compat, __HYPERVISOR_event_channel_op_compat)

/* Traps, callbacks, descriptors, FPU. */
STUB(set_trap_table, __HYPERVISOR_set_trap_table)
STUB(set_gdt, __HYPERVISOR_set_gdt)
STUB(stack_switch, __HYPERVISOR_stack_switch)
STUB(set_callbacks, __HYPERVISOR_set_callbacks)
STUB(fpu_taskswitch, __HYPERVISOR_fpu_taskswitch)
STUB(set_debugreg, __HYPERVISOR_set_debugreg)
STUB(get_debugreg, __HYPERVISOR_get_debugreg)
STUB(update_descriptor, __HYPERVISOR_update_descriptor)
STUB(physdev_op_compat, __HYPERVISOR_physdev_op_compat)
STUB(iret, __HYPERVISOR_iret)
STUB(nmi_op, __HYPERVISOR_nmi_op)
STUB(callback_op, __HYPERVISOR_callback_op)
STUB(physdev_op, __HYPERVISOR_physdev_op)
static const unsigned long trap_calls[] = {
    __HYPERVISOR_set_trap_table, __HYPERVISOR_set_gdt, __HYPERVISOR_stack_switch,
    __HYPERVISOR_set_callbacks, __HYPERVISOR_fpu_taskswitch,
    __HYPERVISOR_set_debugreg, __HYPERVISOR_get_debugreg,
    __HYPERVISOR_update_descriptor, __HYPERVISOR_physdev_op_compat,
    __HYPERVISOR_iret, __HYPERVISOR_nmi_op, __HYPERVISOR_callback_op,
    __HYPERVISOR_physdev_op,
};

static bool in_list(unsigned long nr, const unsigned long *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (list[i] == nr)
            return true;
    return false;
}
/* memory management */
STUB(mmu_update, __HYPERVISOR_mmu_update)
STUB(memory_op, __HYPERVISOR_memory_op)
STUB(multicall, __HYPERVISOR_multicall)
STUB(update_va_mapping, __HYPERVISOR_update_va_mapping)
STUB(vm_assist, __HYPERVISOR_vm_assist)
STUB(update_va_mapping_otherdomain, __HYPERVISOR_update_va_mapping_otherdomain)
STUB(mmuext_op, __HYPERVISOR_mmuext_op)
/* grant tables */
STUB(grant_table_op, __HYPERVISOR_grant_table_op)
/* hardware-domain and CPU-feature calls, answered with Xen's checks */
STUB(platform_op, __HYPERVISOR_platform_op)
STUB(xenpmu_op, __HYPERVISOR_xenpmu_op)
STUB(mca, __HYPERVISOR_mca)
/* the control plane */
STUB(domctl, __HYPERVISOR_domctl)
STUB(sysctl, __HYPERVISOR_sysctl)

static bool implemented(unsigned long nr)
{
    return nr == __HYPERVISOR_sched_op_compat || nr == __HYPERVISOR_xen_version ||
           nr == __HYPERVISOR_console_io || nr == __HYPERVISOR_sched_op ||
           nr == __HYPERVISOR_set_timer_op || nr == __HYPERVISOR_vcpu_op ||
           nr == __HYPERVISOR_event_channel_op ||
           nr == __HYPERVISOR_event_channel_op_compat ||
           in_list(nr, trap_calls, sizeof(trap_calls) / sizeof(trap_calls[0])) ||
           /* memory management */
           nr == __HYPERVISOR_mmu_update || nr == __HYPERVISOR_memory_op ||
           nr == __HYPERVISOR_multicall || nr == __HYPERVISOR_update_va_mapping ||
           nr == __HYPERVISOR_vm_assist ||
           nr == __HYPERVISOR_update_va_mapping_otherdomain ||
           nr == __HYPERVISOR_mmuext_op ||
           /* grant tables */
           nr == __HYPERVISOR_grant_table_op ||
           nr == __HYPERVISOR_platform_op || nr == __HYPERVISOR_xenpmu_op ||
           nr == __HYPERVISOR_mca ||
           /* the control plane */
           nr == __HYPERVISOR_domctl || nr == __HYPERVISOR_sysctl;
}

HTEST(holes_and_out_of_range_are_enosys)
{
    static const unsigned long big[] = {
        MICA_NR_HYPERCALLS, MICA_NR_HYPERCALLS + 1, 127, 128, 200, 0x7fffffff,
        0x80000000UL, 0xffffffffUL, ~0UL, ~0UL - 1,
    };
    calls = 0;
    for (unsigned long nr = 0; nr < MICA_NR_HYPERCALLS; nr++)
        if (!implemented(nr))
            CHECK_EQ(hypercall_invoke(nr, 1, 2, 3, 4, 5), -ENOSYS);
    for (unsigned int i = 0; i < sizeof(big) / sizeof(big[0]); i++)
        CHECK_EQ(hypercall_invoke(big[i], 1, 2, 3, 4, 5), -ENOSYS);
    CHECK_EQ(calls, 0);
}

HTEST(implemented_reach_their_handler)
{
    for (unsigned long nr = 0; nr < MICA_NR_HYPERCALLS; nr++) {
        if (!implemented(nr))
            continue;
        calls = 0;
        CHECK_EQ(hypercall_invoke(nr, 11, 22, 33, 0xffffffffUL, 0), 1000 + (long)nr);
        CHECK_EQ(calls, 1);
        CHECK_EQ(last_nr, nr);
        CHECK_EQ(last_args[0], 11);
        CHECK_EQ(last_args[3], 0xffffffffUL);
    }
}

HTEST(table_names_match_numbers)
{
    for (unsigned long nr = 0; nr < MICA_NR_HYPERCALLS; nr++) {
        const struct hypercall_desc *h = &hypercall_table[nr];
        CHECK(implemented(nr) == (h->fn != NULL));
        if (h->fn) {
            CHECK(h->name != NULL);
            CHECK(h->nargs <= 5);
        }
    }
}
