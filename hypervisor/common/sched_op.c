/*
 * sched_op (29) and sched_op_compat (6): a domain's requests to the
 * scheduler -- yield, block, poll, shut down (itself or, if privileged,
 * another domain), latch a shutdown code, and the domain watchdog.
 *
 * Nothing here switches vCPUs.  A call that gives up the CPU (yield,
 * block, poll, shutdown) records the new state, stores its return value
 * (the handler's result, written to EAX by the dispatcher as usual) and
 * raises SCHEDULE_SOFTIRQ; the exit path then calls schedule(), which
 * saves the frame -- result included -- and the vCPU resumes right after
 * its int $0x82 when it next runs.  So block and poll always return 0
 * when the vCPU is woken, whatever woke it.
 *
 * pin_override (the hardware domain only) has one CPU to pin to.
 *
 * Poll's port list is copied in and checked whole before anything
 * changes: at most 128 ports (a longer list is -EINVAL: the XSA-221 class
 * of "huge or bogus poll lists" never reaches the event-channel code),
 * every port one the domain's event-channel ABI can name -- below 1024
 * with 2-level, 2^17 with FIFO (-EINVAL) --, every byte readable (-EFAULT).
 */
#include <mica/hypercall.h>
#include <mica/xsm.h>
#include <mica/errno.h>
#include <mica/domain.h>
#include <mica/sched.h>
#include <mica/event.h>
#include <mica/guest_access.h>
#include <mica/printk.h>
#include <public/sched.h>

static long shutdown_current(unsigned int reason)
{
    if (reason > SHUTDOWN_soft_reset)
        return -EINVAL;
    domain_shutdown(current_domain(), reason);
    return 0;
}

static long do_poll(guest_va_t arg)
{
    struct sched_poll poll;
    evtchn_port_t ports[SCHEDOP_POLL_MAX_PORTS];

    if (copy_from_guest(&poll, arg, sizeof(poll)))
        return -EFAULT;
    if (poll.nr_ports > SCHEDOP_POLL_MAX_PORTS)
        return -EINVAL;
    if (copy_from_guest(ports, poll.ports, poll.nr_ports * sizeof(evtchn_port_t)))
        return -EFAULT;
    for (unsigned int i = 0; i < poll.nr_ports; i++)
        if (ports[i] >= evtchn_max_ports(current_domain()))
            return -EINVAL;
    /* Absolute system time; one with bit 63 set is in the past. */
    s_time_t timeout = (s_time_t)poll.timeout;
    if (poll.timeout && timeout <= 0)
        timeout = 1;
    vcpu_poll(ports, poll.nr_ports, timeout);
    return 0;
}

static long remote_shutdown(guest_va_t arg)
{
    struct sched_remote_shutdown rs;

    if (copy_from_guest(&rs, arg, sizeof(rs)))
        return -EFAULT;
    if (xsm_check(XSM_REMOTE_SHUTDOWN, current_domain(), NULL))
        return -EPERM;
    if (rs.reason > SHUTDOWN_soft_reset)
        return -EINVAL;
    struct domain *d = domain_lookup(rs.domain_id);
    if (!d)
        return -ESRCH;
    domain_shutdown(d, rs.reason);
    return 0;
}

/*
 * id 0 + timeout: a new watchdog, returns its id (1..N); id + timeout:
 * re-arm; id + 0: destroy.  Expiry shuts the domain down (watchdog).
 */
static long watchdog(guest_va_t arg)
{
    struct sched_watchdog wd;
    struct domain *d = current_domain();

    if (copy_from_guest(&wd, arg, sizeof(wd)))
        return -EFAULT;
    if (wd.id == 0) {
        if (wd.timeout == 0)
            return -EINVAL;
        for (unsigned int i = 0; i < NR_DOMAIN_WATCHDOG_TIMERS; i++) {
            if (d->watchdog_inuse_map & (1u << i))
                continue;
            d->watchdog_inuse_map |= 1u << i;
            set_timer(&d->watchdog_timer[i], NOW() + SECONDS(wd.timeout));
            return i + 1;
        }
        return -ENOSPC;
    }
    if (wd.id > NR_DOMAIN_WATCHDOG_TIMERS || !(d->watchdog_inuse_map & (1u << (wd.id - 1))))
        return -EINVAL;
    struct timer *t = &d->watchdog_timer[wd.id - 1];
    if (wd.timeout == 0) {
        stop_timer(t);
        d->watchdog_inuse_map &= ~(1u << (wd.id - 1));
    } else {
        set_timer(t, NOW() + SECONDS(wd.timeout));
    }
    return 0;
}

/*
 * SCHEDOP_pin_override: the hardware domain pins its current vCPU to a
 * physical CPU for a while (firmware calls that must run on CPU n), pcpu
 * < 0 ends it.  There is one physical CPU, CPU 0, which every vCPU runs
 * on anyway; Xen's checks and errors are kept (-EPERM for other domains,
 * -EINVAL for a CPU that does not exist).
 */
static long pin_override(guest_va_t arg)
{
    struct sched_pin_override p;

    if (xsm_check(XSM_PLATFORM, current_domain(), NULL))
        return -EPERM;
    if (copy_from_guest(&p, arg, sizeof(p)))
        return -EFAULT;
    if (p.pcpu > 0)
        return -EINVAL;
    return 0;
}

HYPERCALL_PROTO(sched_op)
{
    guest_va_t arg = (guest_va_t)a2;

    switch (a1) {
    case SCHEDOP_yield:
        vcpu_yield();
        return 0;
    case SCHEDOP_block:
        vcpu_block_enable_events();
        return 0;
    case SCHEDOP_shutdown: {
        struct sched_shutdown s;
        if (copy_from_guest(&s, arg, sizeof(s)))
            return -EFAULT;
        return shutdown_current(s.reason);
    }
    case SCHEDOP_poll:
        return do_poll(arg);
    case SCHEDOP_remote_shutdown:
        return remote_shutdown(arg);
    case SCHEDOP_shutdown_code: {
        struct sched_shutdown s;
        if (copy_from_guest(&s, arg, sizeof(s)))
            return -EFAULT;
        if (s.reason > SHUTDOWN_soft_reset)
            return -EINVAL;
        current_domain()->shutdown_code = s.reason;
        return 0;
    }
    case SCHEDOP_watchdog:
        return watchdog(arg);
    case SCHEDOP_pin_override:
        return pin_override(arg);
    default:
        return -ENOSYS;
    }
}

/* The pre-0x00030101 form: the shutdown reason is passed by value. */
HYPERCALL_PROTO(sched_op_compat)
{
    switch (a1) {
    case SCHEDOP_yield:
        vcpu_yield();
        return 0;
    case SCHEDOP_block:
        vcpu_block_enable_events();
        return 0;
    case SCHEDOP_shutdown:
        return shutdown_current((unsigned int)a2);
    default:
        return -ENOSYS;
    }
}
