/*
 * The hypercall table: number -> handler, as data.
 *
 * This is the only place that knows which hypercalls exist.  A number
 * outside the table, or a slot left empty, yields -ENOSYS without touching
 * anything else, so a guest probing for features (or attacking) with
 * arbitrary numbers cannot reach code that does not exist.  New hypercalls
 * fill in more slots; nothing else needs to change to add a hypercall (see
 * docs/adding-a-hypercall.md).
 *
 * This file is generic: it is compiled into the host unit tests together
 * with stub handlers to check the bounds handling.
 */
#include <mica/hypercall.h>
#include <mica/errno.h>
#include <mica/phase.h>
#include <public/xen.h>

#define HC(nr, name_, n) [nr] = { .fn = do_##name_, .name = #name_, .nargs = n }

const struct hypercall_desc hypercall_table[MICA_NR_HYPERCALLS] = {
    HC(__HYPERVISOR_set_trap_table,  set_trap_table,  1),
    HC(__HYPERVISOR_mmu_update,      mmu_update,      4),
    HC(__HYPERVISOR_set_gdt,         set_gdt,         2),
    HC(__HYPERVISOR_stack_switch,    stack_switch,    2),
    HC(__HYPERVISOR_set_callbacks,   set_callbacks,   4),
    HC(__HYPERVISOR_fpu_taskswitch,  fpu_taskswitch,  1),
    HC(__HYPERVISOR_sched_op_compat, sched_op_compat, 2),
    HC(__HYPERVISOR_set_debugreg,    set_debugreg,    2),
    HC(__HYPERVISOR_get_debugreg,    get_debugreg,    1),
    HC(__HYPERVISOR_update_descriptor, update_descriptor, 4),
    HC(__HYPERVISOR_memory_op,       memory_op,       2),
    HC(__HYPERVISOR_multicall,       multicall,       2),
    HC(__HYPERVISOR_update_va_mapping, update_va_mapping, 4),
    HC(__HYPERVISOR_set_timer_op,    set_timer_op,    2),
    HC(__HYPERVISOR_grant_table_op,  grant_table_op,  3),
    HC(__HYPERVISOR_event_channel_op_compat, event_channel_op_compat, 1),
    HC(__HYPERVISOR_xen_version,     xen_version,     2),
    HC(__HYPERVISOR_console_io,      console_io,      3),
    HC(__HYPERVISOR_physdev_op_compat, physdev_op_compat, 1),
    HC(__HYPERVISOR_vm_assist,       vm_assist,       2),
    HC(__HYPERVISOR_update_va_mapping_otherdomain, update_va_mapping_otherdomain, 5),
    HC(__HYPERVISOR_iret,            iret,            0),
    HC(__HYPERVISOR_vcpu_op,         vcpu_op,         3),
    HC(__HYPERVISOR_mmuext_op,       mmuext_op,       4),
    HC(__HYPERVISOR_nmi_op,          nmi_op,          2),
    HC(__HYPERVISOR_sched_op,        sched_op,        2),
    HC(__HYPERVISOR_callback_op,     callback_op,     2),
    HC(__HYPERVISOR_event_channel_op, event_channel_op, 2),
    HC(__HYPERVISOR_physdev_op,      physdev_op,      2),
    HC(__HYPERVISOR_sysctl,          sysctl,          1),
    HC(__HYPERVISOR_domctl,          domctl,          1),
    HC(__HYPERVISOR_platform_op,     platform_op,     1),
    HC(__HYPERVISOR_xenpmu_op,       xenpmu_op,       2),
    HC(__HYPERVISOR_mca,             mca,             1),
#ifdef MICA_PHASES
    HC(MICA_HYPERVISOR_phases,       mica_phases,     3),
#endif
};

long hypercall_invoke(unsigned long nr, unsigned long a1, unsigned long a2,
                      unsigned long a3, unsigned long a4, unsigned long a5)
{
    if (nr >= MICA_NR_HYPERCALLS || hypercall_table[nr].fn == NULL)
        return -ENOSYS;
    PHASE(PH_HANDLER);
    long rc = hypercall_table[nr].fn(a1, a2, a3, a4, a5);
    PHASE(PH_DISPATCH);
    return rc;
}
