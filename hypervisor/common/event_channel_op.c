/*
 * event_channel_op (32) and event_channel_op_compat (16): the hypercall
 * front end of event channels.
 *
 * Copy the argument in, run the operation (common/event_channel.c, which
 * validates before it changes anything), copy the result out.  A result
 * that cannot be copied out leaves the operation done (the guest gave us a
 * read-only buffer for an OUT field; Xen behaves the same) and returns
 * -EFAULT.  The compat form takes struct evtchn_op {cmd, union} (28 bytes,
 * read and written whole) and, as in Xen, only the ten commands its union
 * holds: reset and the FIFO commands are -ENOSYS there.
 *
 * The FIFO ABI (init_control, expand_array, set_priority) is in
 * event_fifo.c, bind_pirq in pirq.c (physical IRQs).
 */
#include <mica/pirq.h>
#include <mica/hypercall.h>
#include <mica/errno.h>
#include <mica/domain.h>
#include <mica/event.h>
#include <mica/guest_access.h>
#include <mica/lib.h>
#include <public/event_channel.h>

/* Size of each command's argument (0: no such command). */
static size_t arg_size(unsigned int cmd)
{
    switch (cmd) {
    case EVTCHNOP_bind_interdomain: return sizeof(evtchn_bind_interdomain_t);
    case EVTCHNOP_bind_virq:        return sizeof(evtchn_bind_virq_t);
    case EVTCHNOP_bind_pirq:        return sizeof(evtchn_bind_pirq_t);
    case EVTCHNOP_close:            return sizeof(evtchn_close_t);
    case EVTCHNOP_send:             return sizeof(evtchn_send_t);
    case EVTCHNOP_status:           return sizeof(evtchn_status_t);
    case EVTCHNOP_alloc_unbound:    return sizeof(evtchn_alloc_unbound_t);
    case EVTCHNOP_bind_ipi:         return sizeof(evtchn_bind_ipi_t);
    case EVTCHNOP_bind_vcpu:        return sizeof(evtchn_bind_vcpu_t);
    case EVTCHNOP_unmask:           return sizeof(evtchn_unmask_t);
    case EVTCHNOP_reset:            return sizeof(evtchn_reset_t);
    case EVTCHNOP_init_control:     return sizeof(evtchn_init_control_t);
    case EVTCHNOP_expand_array:     return sizeof(evtchn_expand_array_t);
    case EVTCHNOP_set_priority:     return sizeof(evtchn_set_priority_t);
    default:                        return 0;
    }
}

/* Does the command write results back? */
static bool has_output(unsigned int cmd)
{
    return cmd == EVTCHNOP_bind_interdomain || cmd == EVTCHNOP_bind_virq ||
           cmd == EVTCHNOP_bind_pirq || cmd == EVTCHNOP_status ||
           cmd == EVTCHNOP_alloc_unbound || cmd == EVTCHNOP_bind_ipi ||
           cmd == EVTCHNOP_init_control;
}

/* The commands struct evtchn_op carries (event_channel_op_compat). */
static bool in_compat_union(unsigned int cmd)
{
    return cmd <= EVTCHNOP_unmask;
}

union evtchn_arg {
    evtchn_bind_interdomain_t bind_interdomain;
    evtchn_bind_virq_t bind_virq;
    evtchn_bind_pirq_t bind_pirq;
    evtchn_close_t close;
    evtchn_send_t send;
    evtchn_status_t status;
    evtchn_alloc_unbound_t alloc_unbound;
    evtchn_bind_ipi_t bind_ipi;
    evtchn_bind_vcpu_t bind_vcpu;
    evtchn_unmask_t unmask;
    evtchn_reset_t reset;
    evtchn_init_control_t init_control;
    evtchn_expand_array_t expand_array;
    evtchn_set_priority_t set_priority;
};

static long do_op(struct domain *d, unsigned int cmd, union evtchn_arg *a)
{
    switch (cmd) {
    case EVTCHNOP_bind_interdomain: return evtchn_bind_interdomain(d, &a->bind_interdomain);
    case EVTCHNOP_bind_virq:        return evtchn_bind_virq(d, &a->bind_virq);
    case EVTCHNOP_bind_pirq:        return evtchn_bind_pirq(d, &a->bind_pirq);
    case EVTCHNOP_close:            return evtchn_close(d, a->close.port);
    case EVTCHNOP_send:             return evtchn_send(d, a->send.port);
    case EVTCHNOP_status:           return evtchn_status(d, &a->status);
    case EVTCHNOP_alloc_unbound:    return evtchn_alloc_unbound(d, &a->alloc_unbound);
    case EVTCHNOP_bind_ipi:         return evtchn_bind_ipi(d, &a->bind_ipi);
    case EVTCHNOP_bind_vcpu:        return evtchn_bind_vcpu(d, a->bind_vcpu.port, a->bind_vcpu.vcpu);
    case EVTCHNOP_unmask:           return evtchn_unmask(d, a->unmask.port);
    case EVTCHNOP_reset:            return evtchn_reset(d, a->reset.dom);
    case EVTCHNOP_init_control:     return evtchn_fifo_init_control(d, &a->init_control);
    case EVTCHNOP_expand_array:     return evtchn_fifo_expand_array(d, a->expand_array.array_gfn);
    case EVTCHNOP_set_priority:     return evtchn_set_priority(d, a->set_priority.port,
                                                               a->set_priority.priority);
    default:                        return -ENOSYS;
    }
}

HYPERCALL_PROTO(event_channel_op)
{
    unsigned int cmd = (unsigned int)a1;
    guest_va_t arg = (guest_va_t)a2;
    size_t size = arg_size(cmd);
    union evtchn_arg a;

    /*
     * EVTCHNOP_send, the one every driver issues all the time: the same
     * steps as below (copy the 4-byte argument in, send, nothing to copy
     * out), without the two switches over every command.
     */
    if (cmd == EVTCHNOP_send) {
        evtchn_send_t s;

        if (copy_from_guest(&s, arg, sizeof(s)))
            return -EFAULT;
        return evtchn_send(current_domain(), s.port);
    }
    if (size == 0)
        return -ENOSYS;
    if (copy_from_guest(&a, arg, size))
        return -EFAULT;
    long rc = do_op(current_domain(), cmd, &a);
    if (rc == 0 && has_output(cmd) && copy_to_guest(arg, &a, size))
        return -EFAULT;
    return rc;
}

HYPERCALL_PROTO(event_channel_op_compat)
{
    guest_va_t arg = (guest_va_t)a1;
    evtchn_op_t op;
    union evtchn_arg a;

    /* One read of the whole struct, as Xen does: the guest cannot change
     * the command between our looking at it and using it. */
    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    size_t size = arg_size(op.cmd);
    if (size == 0 || !in_compat_union(op.cmd))
        return -ENOSYS;
    memcpy(&a, &op.u, size);
    long rc = do_op(current_domain(), op.cmd, &a);
    if (rc == 0 && has_output(op.cmd)) {
        memcpy(&op.u, &a, size);
        if (copy_to_guest(arg, &op, sizeof(op)))
            return -EFAULT;
    }
    return rc;
}
