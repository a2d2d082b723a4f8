/*
 * multicall (13): several hypercalls for the price of one entry.
 *
 * The guest passes an array of 32-byte entries {op, result, args[6]}; each
 * is copied in, dispatched through the ordinary hypercall table (so a bad
 * op number is -ENOSYS in that entry's result, like any other hole), and
 * its result copied back.  The multicall itself returns 0, or -EFAULT if an
 * entry cannot be read or its result written (entries before it were
 * executed; the rest were not), or -EINVAL when called from inside a
 * multicall.
 *
 * The rules that keep a batch from becoming a way around the checks:
 *
 *  - Entries are read one at a time with 64-bit range checks, so a huge
 *    count cannot wrap an address; it just runs into -EFAULT or is worked
 *    through in preemptible slices (XSA-29/212 class).
 *  - Nothing may run after the guest's context changed under the batch.
 *    An __HYPERVISOR_iret entry takes effect (since XSA-213 Xen lets it:
 *    the vCPU continues at the frame it names, user mode included) and
 *    ends the batch right there: its result (the frame's EAX) is written if
 *    possible, the multicall returns 0 -- which becomes the guest's EAX, as
 *    in Xen -- and no later entry runs.  And after every entry, if the
 *    domain no longer runs (shut down, crashed) or the vCPU is no longer in
 *    its kernel (ring 1), the batch ends there, as Xen ends a batch once a
 *    call has left guest kernel mode: later entries must not run with
 *    privileges the guest has given up.
 *  - Preemption: between entries the batch may stop; the continuation
 *    re-issues the multicall for the remaining entries.  An entry whose own
 *    call is preempted (a long mmu_update, say) cannot rewind the guest's
 *    EIP -- the guest did not issue it -- so hypercall_create_continuation()
 *    hands its new arguments here instead (multicall_capture_continuation):
 *    they are written back into that entry in guest memory, and the
 *    multicall's continuation starts at that entry, which then resumes
 *    where it stopped.  Its result is written when it finally completes.
 */
#include <mica/hypercall.h>
#include <mica/mm.h>
#include <mica/domain.h>
#include <mica/errno.h>
#include <mica/guest_access.h>
#include <mica/mm_ops.h>
#include <public/xen.h>
#include <asm/regs.h>

#define ENTRY_SIZE 32u
#define GUEST_KERNEL_RING 1

static struct {
    bool active;                         /* an entry is being executed */
    bool preempted;                      /* ... and asked to continue */
    unsigned int nargs;
    unsigned long args[5];
} mc;

bool multicall_capture_continuation(unsigned int nr, unsigned int nargs,
                                    const unsigned long *args)
{
    if (!mc.active)
        return false;
    mc.preempted = true;
    mc.nargs = nargs < 5 ? nargs : 5;
    for (unsigned int i = 0; i < mc.nargs; i++)
        mc.args[i] = args[i];
    return true;
}

static long run_entry(struct multicall_entry *e)
{
    long res;

    mc.active = true;
    mc.preempted = false;
    res = hypercall_invoke(e->op, e->args[0], e->args[1], e->args[2], e->args[3],
                           e->args[4]);
    mc.active = false;
    return res;
}

HYPERCALL_PROTO(multicall)
{
    guest_va_t list = (guest_va_t)a1;
    unsigned int nr = (unsigned int)a2;

    if (mc.active)
        return -EINVAL;                  /* no multicall inside a multicall */
    for (unsigned int i = 0; i < nr; i++) {
        guest_va_t at = list + i * ENTRY_SIZE;
        struct multicall_entry e;
        long res;

        if (i && mm_preempt_check()) {
            mm_note_continuation();
            return hypercall_create_continuation(__HYPERVISOR_multicall, 2,
                                                 (unsigned long)at,
                                                 (unsigned long)(nr - i));
        }
        /* The whole prefix must lie below the hole: no address ever wraps. */
        if (!guest_range_ok(list, (uint64_t)(i + 1) * ENTRY_SIZE) ||
            copy_from_guest(&e, at, sizeof(e)))
            return -EFAULT;
        res = run_entry(&e);
        if (mc.preempted) {
            for (unsigned int j = 0; j < mc.nargs; j++)
                e.args[j] = (uint32_t)mc.args[j];
            if (copy_to_guest(at + offsetof(struct multicall_entry, args), e.args,
                              sizeof(e.args)))
                return -EFAULT;
            return hypercall_create_continuation(__HYPERVISOR_multicall, 2,
                                                 (unsigned long)at,
                                                 (unsigned long)(nr - i));
        }
        e.result = (uint32_t)res;
        if (e.op == __HYPERVISOR_iret) {
            /* The vCPU is elsewhere now: end the batch, whatever the write. */
            (void)copy_to_guest(at + offsetof(struct multicall_entry, result), &e.result,
                                sizeof(e.result));
            return 0;
        }
        if (copy_to_guest(at + offsetof(struct multicall_entry, result), &e.result,
                          sizeof(e.result)))
            return -EFAULT;
        if (current_domain()->state != DOMSTATE_RUNNING ||
            regs_ring(guest_regs()) != GUEST_KERNEL_RING)
            return 0;
    }
    return 0;
}
