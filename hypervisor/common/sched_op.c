/*
 * sched_op (29) and sched_op_compat (6): a domain's requests to the
 * scheduler.
 *
 * This file holds the parts that exist before there is more than one
 * domain to schedule: yield, shutdown with each reason, shutdown_code.
 * Block, poll, remote_shutdown and the watchdog arrive with the scheduler
 * (they return -ENOSYS until then, honestly, rather than pretending).
 *
 * A shutdown never returns to the guest: the domain's state changes, and
 * the exit path (arch_return_to_guest) sees that the current domain may no
 * longer run and switches away.
 */
#include <mica/hypercall.h>
#include <mica/errno.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <public/sched.h>

static long shutdown_current(unsigned int reason)
{
    if (reason > SHUTDOWN_soft_reset)
        return -EINVAL;
    domain_shutdown(current_domain(), reason);
    return 0;
}

HYPERCALL_PROTO(sched_op)
{
    guest_va_t arg = (guest_va_t)a2;

    switch (a1) {
    case SCHEDOP_yield:
        return 0;       /* nothing else to run yet */

    case SCHEDOP_shutdown: {
        struct sched_shutdown s;
        if (copy_from_guest(&s, arg, sizeof(s)))
            return -EFAULT;
        return shutdown_current(s.reason);
    }
    case SCHEDOP_shutdown_code: {
        struct sched_shutdown s;
        if (copy_from_guest(&s, arg, sizeof(s)))
            return -EFAULT;
        if (s.reason > SHUTDOWN_soft_reset)
            return -EINVAL;
        current_domain()->shutdown_code = s.reason;
        return 0;
    }
    default:
        return -ENOSYS;
    }
}

/* The pre-0x00030101 form: the shutdown reason is passed by value. */
HYPERCALL_PROTO(sched_op_compat)
{
    switch (a1) {
    case SCHEDOP_yield:
        return 0;
    case SCHEDOP_shutdown:
        return shutdown_current((unsigned int)a2);
    default:
        return -ENOSYS;
    }
}
