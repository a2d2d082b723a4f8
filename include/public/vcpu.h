/*
 * public/vcpu.h - vcpu_op(cmd, vcpuid, arg): bring vCPUs up and down,
 * program their timers, relocate their vcpu_info.
 *
 * Every PV vCPU has a periodic timer (100 Hz by default) and a one-shot
 * timer, both raising VIRQ_TIMER on that vCPU.  The one-shot timer and the
 * area registrations apply to the calling vCPU only.
 */
#ifndef MICA_PUBLIC_VCPU_H
#define MICA_PUBLIC_VCPU_H

#include "xen.h"

#define VCPUOP_initialise                       0   /* vcpu_guest_context; once */
#define VCPUOP_up                               1
#define VCPUOP_down                             2
#define VCPUOP_is_up                            3   /* returns 1 or 0 */
#define VCPUOP_get_runstate_info                4   /* vcpu_runstate_info */
#define VCPUOP_register_runstate_memory_area    5
#define VCPUOP_set_periodic_timer               6   /* period < 1 ms: -EINVAL */
#define VCPUOP_stop_periodic_timer              7   /* arg NULL */
#define VCPUOP_set_singleshot_timer             8
#define VCPUOP_stop_singleshot_timer            9   /* arg NULL */
#define VCPUOP_register_vcpu_info               10  /* once; within a page */
#define VCPUOP_send_nmi                         11  /* arg NULL */
#define VCPUOP_get_physid                       12
#define VCPUOP_register_vcpu_time_memory_area   13
#define VCPUOP_register_runstate_phys_area      14
#define VCPUOP_register_vcpu_time_phys_area     15

/* vcpu_runstate_info.state. */
#define RUNSTATE_running        0   /* on a physical CPU */
#define RUNSTATE_runnable       1   /* waiting for a physical CPU */
#define RUNSTATE_blocked        2   /* idle, waiting for an event */
#define RUNSTATE_offline        3   /* down, paused, or otherwise stopped */

/* vcpu_set_singleshot_timer.flags. */
#define _VCPU_SSHOTTMR_future   0
#define VCPU_SSHOTTMR_future    (1 << _VCPU_SSHOTTMR_future) /* -ETIME if past */

#ifndef __ASSEMBLY__

/* 44 bytes. */
struct vcpu_runstate_info {
    int32_t          state;             /* RUNSTATE_* */
    uint64_aligned_t state_entry_time;  /* system time (ns) it was entered */
    uint64_aligned_t time[4];           /* ns spent in each state */
};
typedef struct vcpu_runstate_info vcpu_runstate_info_t;

/* Set in state_entry_time while an update is in progress (newer guests). */
#define XEN_RUNSTATE_UPDATE     (1ULL << 63)

/* Guest address of a runstate / time area.  8 bytes. */
struct vcpu_register_runstate_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_runstate_info_t) h;
        uint64_aligned_t p;
    } addr;
};
typedef struct vcpu_register_runstate_memory_area
        vcpu_register_runstate_memory_area_t;

/* 8 bytes. */
struct vcpu_set_periodic_timer {
    uint64_aligned_t period_ns;
};
typedef struct vcpu_set_periodic_timer vcpu_set_periodic_timer_t;

/* 12 bytes. */
struct vcpu_set_singleshot_timer {
    uint64_aligned_t timeout_abs_ns;    /* absolute system time */
    uint32_t         flags;             /* VCPU_SSHOTTMR_* */
};
typedef struct vcpu_set_singleshot_timer vcpu_set_singleshot_timer_t;

/* Move this vCPU's vcpu_info to mfn:offset.  16 bytes. */
struct vcpu_register_vcpu_info {
    uint64_aligned_t mfn;
    uint32_t         offset;
    uint32_t         rsvd;              /* must be 0 */
};
typedef struct vcpu_register_vcpu_info vcpu_register_vcpu_info_t;

/* Physical CPU identity (privileged).  8 bytes. */
struct vcpu_get_physid {
    uint64_aligned_t phys_id;
};
typedef struct vcpu_get_physid vcpu_get_physid_t;
#define xen_vcpu_physid_to_x86_apicid(physid) ((uint32_t)(physid))
#define xen_vcpu_physid_to_x86_acpiid(physid) ((uint32_t)((physid) >> 32))

/* 8 bytes. */
struct vcpu_register_time_memory_area {
    union {
        XEN_GUEST_HANDLE(vcpu_time_info_t) h;
        uint64_aligned_t p;
    } addr;
};
typedef struct vcpu_register_time_memory_area vcpu_register_time_memory_area_t;

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_VCPU_H */
