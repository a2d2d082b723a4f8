/*
 * Where the guest kernel wants to be entered: set_trap_table (0),
 * stack_switch (3), set_callbacks (4), callback_op (30), nmi_op (28).
 *
 * Everything registered here is checked when it is registered, so the
 * delivery paths (bounce.c) never meet a value no guest could legally
 * have given:
 *   - code selectors must be ring-1 guest selectors: RPL 0 is raised to 1,
 *     RPL 2/3, the null selector and the hypervisor's reserved GDT page
 *     (other than FLAT_RING1_CS) are refused (fixup_guest_code_selector);
 *     a selector naming a descriptor the guest later breaks is caught when
 *     it is entered (the IRETQ fault path, then the failsafe callback);
 *   - entry points must lie below the hypervisor hole;
 *   - the ring-1 stack for entries from ring 3 must be a ring-1 data
 *     selector (fixup_guest_stack_selector) with its top no higher than
 *     the hole; where below that it points is the guest's business, and
 *     a bad one costs the guest its life at the first bounce, never the
 *     hypervisor anything.
 * The rules themselves are in context_check.c, shared with the whole-
 * context path (vcpu_context.c), so both refuse the same values.
 *
 * set_trap_table copies the guest's list (terminated by an entry with
 * address 0; a NULL list clears the whole virtual IDT) in chunks of 256
 * entries: each chunk is read and checked completely before any entry of
 * it is stored, so a bad entry changes nothing; a list longer than 256
 * entries continues as a hypercall continuation, chunk by chunk.
 *
 * Callback types (fact sheet §7.4): event and failsafe (also through
 * set_callbacks, which never masks events for the failsafe), NMI (the
 * initial domain's vCPU 0 only; also nmi_op), sysenter and syscall32
 * (32-on-64 Xen's types 5 and 7, with CALLBACKF_mask_events).  Those two
 * are entered by SYSENTER and SYSCALL from the guest (fastcall.c), which
 * are enabled for the running vCPU only while it has the callback:
 * registering or unregistering one takes effect at once
 * (fastcall_update), without a callback the instruction raises #GP(0) /
 * #UD in the guest as before.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/hypercall.h>
#include <mica/guest_access.h>
#include <mica/errno.h>
#include <mica/lib.h>
#include <public/xen.h>
#include <public/callback.h>
#include <public/nmi.h>
#include <asm/pv.h>
#include <asm/desc_check.h>
#include <asm/context_check.h>

#define TRAP_CHUNK 256

void int80_gate_update(const struct vcpu *v)
{
    const struct trap_info *ti = &v->trap_table[0x80];
    desc_set_int80_dpl(ti->address ? TI_GET_DPL(ti) : 0);
}


HYPERCALL_PROTO(set_trap_table)
{
    struct vcpu *v = current;
    guest_va_t list = (guest_va_t)a1;
    struct trap_info chunk[TRAP_CHUNK];
    unsigned int n;

    if (!list) {
        memset(v->trap_table, 0, sizeof(v->trap_table));
        int80_gate_update(v);
        return 0;
    }
    for (n = 0; n < TRAP_CHUNK; n++) {
        struct trap_info *t = &chunk[n];
        if (copy_from_guest(t, list + n * sizeof(*t), sizeof(*t)))
            return -EFAULT;
        if (t->address == 0)
            break;
        if (!pv_trap_entry_ok(t))
            return -EINVAL;
    }
    for (unsigned int i = 0; i < n; i++)
        v->trap_table[chunk[i].vector] = chunk[i];
    int80_gate_update(v);
    if (n == TRAP_CHUNK)
        return hypercall_create_continuation(__HYPERVISOR_set_trap_table, 1,
                                             (unsigned long)(list + n * sizeof(chunk[0])));
    return 0;
}

/* stack_switch(ss, esp): the ring-1 stack for entries from ring 2/3. */
HYPERCALL_PROTO(stack_switch)
{
    uint16_t ss = (uint16_t)a1;

    if (a1 > 0xffff || !pv_kernel_stack_ok(&ss, (uint32_t)a2))
        return -EINVAL;
    current->kernel_ss = ss;
    current->kernel_sp = (uint32_t)a2;
    return 0;
}

/* set_callbacks(event cs, event eip, failsafe cs, failsafe eip). */
HYPERCALL_PROTO(set_callbacks)
{
    struct xen_callback ev = { (uint32_t)a1, (uint32_t)a2 };
    struct xen_callback fs = { (uint32_t)a3, (uint32_t)a4 };

    if (a1 > 0xffff || a3 > 0xffff || !pv_callback_ok(&ev) || !pv_callback_ok(&fs))
        return -EINVAL;
    current->event_cb = ev;
    current->failsafe_cb = fs;
    current->failsafe_masks = false;
    return 0;
}

static long register_nmi(uint32_t eip)
{
    struct vcpu *v = current;

    if (!v->domain->is_privileged || v->vcpu_id != 0)
        return -EPERM;
    if (!eip || !pv_entry_ok(eip))
        return -EINVAL;
    v->nmi_cb_eip = eip;
    return 0;
}

static long callback_register(struct callback_register *cb)
{
    struct vcpu *v = current;

    if (cb->flags & ~CALLBACKF_mask_events)
        return -EINVAL;
    switch (cb->type) {
    case CALLBACKTYPE_nmi:
        return register_nmi(cb->address.eip);
    case CALLBACKTYPE_event:
    case CALLBACKTYPE_failsafe:
    case CALLBACKTYPE_sysenter:
    case CALLBACKTYPE_syscall32:
        break;
    default:
        return -ENOSYS;
    }
    if (!pv_callback_ok(&cb->address))
        return -EINVAL;
    switch (cb->type) {
    case CALLBACKTYPE_event:
        v->event_cb = cb->address;
        break;
    case CALLBACKTYPE_failsafe:
        v->failsafe_cb = cb->address;
        v->failsafe_masks = cb->flags & CALLBACKF_mask_events;
        break;
    case CALLBACKTYPE_sysenter:
        v->sysenter_cb = cb->address;
        v->sysenter_masks = cb->flags & CALLBACKF_mask_events;
        fastcall_update(v);
        break;
    default:
        v->syscall32_cb = cb->address;
        v->syscall32_masks = cb->flags & CALLBACKF_mask_events;
        fastcall_update(v);
        break;
    }
    return 0;
}

static long callback_unregister(const struct callback_unregister *cb)
{
    struct vcpu *v = current;

    switch (cb->type) {
    case CALLBACKTYPE_event:
    case CALLBACKTYPE_failsafe:
        return -EINVAL;
    case CALLBACKTYPE_nmi:
        if (!v->domain->is_privileged || v->vcpu_id != 0)
            return -EPERM;
        v->nmi_cb_eip = 0;
        return 0;
    case CALLBACKTYPE_sysenter:
        v->sysenter_cb = (struct xen_callback){ 0, 0 };
        fastcall_update(v);
        return 0;
    case CALLBACKTYPE_syscall32:
        v->syscall32_cb = (struct xen_callback){ 0, 0 };
        fastcall_update(v);
        return 0;
    default:
        return -ENOSYS;
    }
}

HYPERCALL_PROTO(callback_op)
{
    switch (a1) {
    case CALLBACKOP_register: {
        struct callback_register cb;
        if (copy_from_guest(&cb, (guest_va_t)a2, sizeof(cb)))
            return -EFAULT;
        return callback_register(&cb);
    }
    case CALLBACKOP_unregister: {
        struct callback_unregister cb;
        if (copy_from_guest(&cb, (guest_va_t)a2, sizeof(cb)))
            return -EFAULT;
        return callback_unregister(&cb);
    }
    default:
        return -ENOSYS;
    }
}

HYPERCALL_PROTO(nmi_op)
{
    switch (a1) {
    case XENNMI_register_callback: {
        struct xennmi_callback cb;
        if (copy_from_guest(&cb, (guest_va_t)a2, sizeof(cb)))
            return -EFAULT;
        if (cb.pad)
            return -EINVAL;
        return register_nmi(cb.handler_address);
    }
    case XENNMI_unregister_callback:
        if (!current->domain->is_privileged || current->vcpu_id != 0)
            return -EPERM;
        current->nmi_cb_eip = 0;
        return 0;
    default:
        return -ENOSYS;
    }
}
