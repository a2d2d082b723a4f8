/*
 * public/callback.h - callback_op(cmd, arg): where the hypervisor enters
 * the guest kernel for events, failures and system calls.
 *
 * The event callback is entered (events masked) when an event is pending
 * and unmasked at a return to the guest; the failsafe callback when the
 * hypervisor cannot load the guest's data segments or its final IRET
 * faults.  set_callbacks (hypercall 4) registers those two in one call
 * and never sets CALLBACKF_mask_events.
 *
 * Native 32-bit Xen accepted only event, failsafe and nmi; 32-on-64 Xen,
 * and so Mica, also accepts sysenter and syscall32 (XTF's pv32 runtime
 * registers syscall32 and panics if that fails).
 */
#ifndef MICA_PUBLIC_CALLBACK_H
#define MICA_PUBLIC_CALLBACK_H

#include "xen.h"

#define CALLBACKOP_register                 0   /* struct callback_register */
#define CALLBACKOP_unregister               1   /* struct callback_unregister */

#define CALLBACKTYPE_event                  0
#define CALLBACKTYPE_failsafe               1
#define CALLBACKTYPE_syscall                2   /* x86_64 guests only */
#define CALLBACKTYPE_sysenter_deprecated    3
#define CALLBACKTYPE_nmi                    4
#define CALLBACKTYPE_sysenter               5
#define CALLBACKTYPE_syscall32              7

/* Mask events on entry (failsafe, syscall, sysenter; event and nmi always do). */
#define _CALLBACKF_mask_events              0
#define CALLBACKF_mask_events               (1 << _CALLBACKF_mask_events)

#ifndef __ASSEMBLY__

/* 12 bytes. */
struct callback_register {
    uint16_t       type;                    /* CALLBACKTYPE_* */
    uint16_t       flags;                   /* CALLBACKF_* */
    xen_callback_t address;                 /* cs (RPL raised to 1), eip */
};
typedef struct callback_register callback_register_t;

/* Event and failsafe callbacks cannot be unregistered (-EINVAL).  4 bytes. */
struct callback_unregister {
    uint16_t type;
    uint16_t _unused;
};
typedef struct callback_unregister callback_unregister_t;

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_CALLBACK_H */
