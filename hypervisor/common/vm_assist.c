/*
 * vm_assist (21): a guest asking the hypervisor to paper over a difference
 * between PV and real hardware.
 *
 *   0 4gb_segments, 1 4gb_segments_notify
 *        On native 32-bit Xen, guest segments were truncated below the hole
 *        and these asked for the #GPs that truncation causes to be emulated
 *        (and, for 1, reported).  On 32-on-64 guest segments are flat 4 GiB
 *        and nothing is truncated, so there is nothing to emulate: the
 *        flags are recorded (and reported) and change nothing.
 *   2 writable_pagetables
 *        A ring-1 write to a read-only mapping of one of the guest's own L1
 *        tables is trapped, checked and emulated as an entry update
 *        (arch/x86/mm_fault.c) instead of faulting.
 *   3 pae_extended_cr3
 *        The guest understands L3 tables above 4 GiB (XENFEAT 4 is then
 *        reported; on 32-on-64 the L3 may be anywhere regardless).
 *
 * cmd 0 enables, 1 disables; any other type is -EINVAL (as native 4.2,
 * which knows 0..3), any other cmd -ENOSYS.  Returns 0.
 */
#include <mica/hypercall.h>
#include <mica/domain.h>
#include <mica/errno.h>
#include <public/xen.h>

HYPERCALL_PROTO(vm_assist)
{
    struct domain *d = current_domain();

    if (a1 != VMASST_CMD_enable && a1 != VMASST_CMD_disable)
        return -ENOSYS;
    if (a2 >= 32 || !(VM_ASSIST_VALID & (1UL << a2)))
        return -EINVAL;
    if (a1 == VMASST_CMD_enable)
        d->vm_assist |= 1UL << a2;
    else
        d->vm_assist &= ~(1UL << a2);
    return 0;
}
