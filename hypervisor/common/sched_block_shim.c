/*
 * TEMPORARY vcpu_block_current() for the trap branch, REPLACED AT MERGE by
 * the scheduling issue's real blocking (delete this file then).
 *
 * With one domain, one vCPU and no event sources yet, a vCPU that blocks
 * with no event already pending could never be woken again.  Rather than
 * spin or halt the machine, the domain is crashed with a reason that says
 * so; if an event is pending, blocking returns at once (the event is then
 * delivered on the way back to the guest if it is unmasked).
 */
#include <mica/types.h>
#include <mica/sched.h>
#include <mica/domain.h>

void vcpu_block_current(void)
{
    struct vcpu *v = current;

    if (v->vcpu_info->evtchn_upcall_pending)
        return;
    domain_crash(v->domain, "hlt (block) with no event pending: nothing could "
                 "ever wake this vCPU (blocking arrives with the scheduler)");
}
