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
 *   4 architectural_iopl
 *        The virtual IOPL behaves as EFLAGS.IOPL does for a native kernel:
 *        the guest kernel counts as ring 0 against it (port I/O and
 *        CLI/STI always allowed there), the iret hypercall loads it from
 *        the frame's EFLAGS, bounce frames show it (arch/x86: pv.h,
 *        iret.c, bounce.c).
 *   5 runstate_update_flag
 *        While the hypervisor rewrites a registered runstate area it sets
 *        XEN_RUNSTATE_UPDATE (bit 63 of state_entry_time) first and clears
 *        it last, so a reader on another vCPU can tell (schedule.c).
 *
 * As in Xen, the type is checked first: one a 32-bit guest cannot have
 * (beyond 5; m2p_strict, 32, is for 64-bit guests) is -EINVAL whatever
 * the command; then cmd 0 enables, 1 disables, any other -ENOSYS.
 */
#include <mica/hypercall.h>
#include <mica/domain.h>
#include <mica/errno.h>
#include <public/xen.h>

HYPERCALL_PROTO(vm_assist)
{
    struct domain *d = current_domain();

    if (a2 >= 32 || !(VM_ASSIST_VALID & (1UL << a2)))
        return -EINVAL;
    if (a1 != VMASST_CMD_enable && a1 != VMASST_CMD_disable)
        return -ENOSYS;
    if (a1 == VMASST_CMD_enable)
        d->vm_assist |= 1UL << a2;
    else
        d->vm_assist &= ~(1UL << a2);
    return 0;
}
