/*
 * set_timer_op (15) and vcpu_op (24): a guest's timers and its vCPUs.
 *
 * Every vCPU has two timers that raise VIRQ_TIMER on it:
 *
 *   - the one-shot timer, an absolute deadline in system time
 *     (set_timer_op, VCPUOP_set_singleshot_timer).  A deadline already
 *     past fires at once.  set_timer_op, for the sake of old Linux kernels
 *     whose jiffies arithmetic wraps, treats a negative deadline or one
 *     more than 2^50 ns (about 13 days) ahead as "in 100 ms" -- Xen's
 *     long-standing behaviour, which guests have come to expect;
 *   - the periodic timer, 10 ms from creation (the ABI's 100 Hz tick),
 *     reprogrammed or stopped with VCPUOP_set/stop_periodic_timer.  It
 *     ticks while the vCPU runs (common/schedule.c says why).  A period
 *     below 1 ms is refused (-EINVAL), and so is one beyond 2^50 ns, which
 *     could only overflow deadline arithmetic.
 *
 * The life of a secondary vCPU, as in Xen: it exists from domain creation
 * (the domain's vcpus= option, docs/boot.md), down and without a context.
 * VCPUOP_initialise gives it one -- the same validate-then-commit as a
 * toolstack's setvcpucontext (arch/x86/vcpu_context.c: CR3 must be an L3
 * the domain already validated, the GDT frames acceptable descriptor
 * pages) -- once (-EEXIST after that); a vCPU 32 or above needs its
 * vcpu_info registered first (-EINVAL).  VCPUOP_up wakes an initialised
 * vCPU (-EINVAL otherwise); VCPUOP_down takes one off the CPUs, and
 * taking the last one down shuts the domain down (poweroff), as Xen does.
 * is_up answers 1 or 0.
 *
 * Registered records (common/vcpu_area.c): register_vcpu_info moves the
 * vcpu_info into a guest frame; runstate and time copies may be
 * registered by virtual address (written through the vCPU's own tables)
 * or, with the _phys_area calls, by machine address (frames held with a
 * writable type reference while registered).  get_runstate_info reads any
 * vCPU's runstate.
 *
 * send_nmi raises a virtual NMI on the vCPU, as Xen does: the argument
 * must be NULL (-EINVAL), the vCPU's nmi_pending is set and, if it was
 * not already, the vCPU is kicked (woken if blocked -- an NMI is not
 * maskable by the event mask, so it must not sleep through one).  The
 * NMI itself is delivered by arch/x86/bounce.c on the vCPU's next way
 * back to the guest: to its NMI callback, events masked, NMIs masked
 * until the iret hypercall; one raised meanwhile stays pending (one,
 * not counted) until then.  With no NMI callback registered it is
 * discarded there, as Xen discards it.
 *
 * get_physid answers -EINVAL (no vCPU is pinned to a physical CPU here,
 * Xen's answer for an unpinned one); an unknown command -ENOSYS.
 */
#include <mica/hypercall.h>
#include <mica/errno.h>
#include <mica/domain.h>
#include <mica/sched.h>
#include <mica/event.h>
#include <mica/guest_access.h>
#include <mica/vcpu_area.h>
#include <public/vcpu.h>
#include <asm/vcpu_context.h>

#define TIMER_ABSURD_AHEAD  (1LL << 50)
#define TIMER_ABSURD_DELAY  MILLISECS(100)

HYPERCALL_PROTO(set_timer_op)
{
    s_time_t deadline = (s_time_t)(((uint64_t)(uint32_t)a2 << 32) | (uint32_t)a1);
    struct vcpu *v = current;

    if (deadline == 0) {
        vcpu_stop_singleshot_timer(v);
        return 0;
    }
    s_time_t now = NOW();
    if (deadline < 0 || deadline - now > TIMER_ABSURD_AHEAD)
        deadline = now + TIMER_ABSURD_DELAY;
    vcpu_set_singleshot_timer(v, deadline);
    return 0;
}

/* Is v the only vCPU of d that is up? */
static bool last_vcpu_up(const struct domain *d, const struct vcpu *v)
{
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i] && d->vcpu[i] != v && !(d->vcpu[i]->pause_flags & VPF_down))
            return false;
    return true;
}

/*
 * VCPUOP_initialise: the context is copied in whole (2800 bytes), checked
 * and committed by the code every context goes through.  One hypercall
 * runs at a time on the one CPU, so the copies are static.
 */
static long vcpu_initialise(struct vcpu *v, guest_va_t arg)
{
    static vcpu_guest_context_t ctxt;
    static struct vcpu_context ck;
    long rc;

    if (copy_from_guest(&ctxt, arg, sizeof(ctxt)))
        return -EFAULT;
    if (v->is_initialised)
        return -EEXIST;
    rc = arch_vcpu_context_validate(v, &ctxt, &ck);
    if (!rc)
        rc = arch_vcpu_context_commit(v, &ck);
    return rc;
}

HYPERCALL_PROTO(vcpu_op)
{
    unsigned int cmd = (unsigned int)a1;
    unsigned int id = (unsigned int)a2;
    guest_va_t arg = (guest_va_t)a3;
    struct domain *d = current_domain();

    if (id >= d->max_vcpus || id >= MAX_VIRT_CPUS || !d->vcpu[id])
        return -ENOENT;
    struct vcpu *v = d->vcpu[id];

    switch (cmd) {
    case VCPUOP_initialise:
        if (!vcpu_has_vcpu_info(v))
            return -EINVAL;
        return vcpu_initialise(v, arg);
    case VCPUOP_up:
        if (!v->is_initialised)
            return -EINVAL;
        if (v->pause_flags & VPF_down) {
            v->pause_flags &= ~VPF_down;
            vcpu_wake(v);
        }
        return 0;
    case VCPUOP_down:
        if (last_vcpu_up(d, v)) {
            domain_shutdown(d, SHUTDOWN_poweroff);
            return 0;
        }
        if (!(v->pause_flags & VPF_down)) {
            v->pause_flags |= VPF_down;
            vcpu_sleep(v);
        }
        return 0;
    case VCPUOP_is_up:
        return !(v->pause_flags & VPF_down);
    case VCPUOP_get_runstate_info: {
        struct vcpu_runstate_info rs;
        vcpu_runstate_get(v, &rs);
        return copy_to_guest(arg, &rs, sizeof(rs)) ? -EFAULT : 0;
    }
    case VCPUOP_set_periodic_timer: {
        struct vcpu_set_periodic_timer set;
        if (copy_from_guest(&set, arg, sizeof(set)))
            return -EFAULT;
        if (set.period_ns < (uint64_t)MILLISECS(1) || set.period_ns > (uint64_t)TIMER_ABSURD_AHEAD)
            return -EINVAL;
        vcpu_set_periodic_timer(v, (s_time_t)set.period_ns);
        return 0;
    }
    case VCPUOP_stop_periodic_timer:
        vcpu_set_periodic_timer(v, 0);
        return 0;
    case VCPUOP_set_singleshot_timer: {
        struct vcpu_set_singleshot_timer set;
        if (v != current)
            return -EINVAL;
        if (copy_from_guest(&set, arg, sizeof(set)))
            return -EFAULT;
        /* As a signed system time: a value with bit 63 set is in the past. */
        s_time_t deadline = (s_time_t)set.timeout_abs_ns;
        if ((set.flags & VCPU_SSHOTTMR_future) && deadline < NOW())
            return -ETIME;
        vcpu_set_singleshot_timer(v, deadline);
        return 0;
    }
    case VCPUOP_stop_singleshot_timer:
        if (v != current)
            return -EINVAL;
        vcpu_stop_singleshot_timer(v);
        return 0;
    case VCPUOP_register_runstate_memory_area: {
        struct vcpu_register_runstate_memory_area area;
        if (copy_from_guest(&area, arg, sizeof(area)))
            return -EFAULT;
        guest_va_t va = (guest_va_t)area.addr.h;
        if (va && !guest_range_ok(va, sizeof(struct vcpu_runstate_info)))
            return -EFAULT;
        vcpu_set_runstate_area(v, va);
        return 0;
    }
    case VCPUOP_register_vcpu_time_memory_area: {
        struct vcpu_register_time_memory_area area;
        if (copy_from_guest(&area, arg, sizeof(area)))
            return -EFAULT;
        guest_va_t va = (guest_va_t)area.addr.h;
        if (va && !guest_range_ok(va, sizeof(struct vcpu_time_info)))
            return -EFAULT;
        vcpu_set_time_area(v, va);
        return 0;
    }
    case VCPUOP_register_vcpu_info: {
        struct vcpu_register_vcpu_info info;
        if (copy_from_guest(&info, arg, sizeof(info)))
            return -EFAULT;
        return vcpu_register_vcpu_info(v, info.mfn, info.offset);
    }
    case VCPUOP_register_runstate_phys_area:
    case VCPUOP_register_vcpu_time_phys_area: {
        uint64_t gaddr;
        if (copy_from_guest(&gaddr, arg, sizeof(gaddr)))
            return -EFAULT;
        return cmd == VCPUOP_register_runstate_phys_area
               ? vcpu_register_runstate_phys(v, gaddr) : vcpu_register_time_phys(v, gaddr);
    }
    case VCPUOP_send_nmi:
        if (arg)
            return -EINVAL;
        if (!v->nmi_pending) {
            v->nmi_pending = true;
            vcpu_kick(v);
        }
        return 0;
    case VCPUOP_get_physid:
        return -EINVAL;                 /* no pinned hardware-domain vCPUs */
    default:
        return -ENOSYS;
    }
}
