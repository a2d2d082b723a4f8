/*
 * public/sched.h - sched_op(cmd, arg): yield, block, poll, shut down.
 *
 * How a vCPU gives up the processor and how a domain ends.  SCHEDOP_block
 * is the race-free idle: it enables events (clears evtchn_upcall_mask) and
 * sleeps only if no event is deliverable.  SCHEDOP_poll sleeps until one
 * of a list of ports is pending, masked or not, and leaves the upcall mask
 * alone.  The legacy sched_op_compat hypercall (6) takes the same commands
 * 0-2 but passes the shutdown reason by value instead of in a struct.
 *
 * SHUTDOWN_* reasons are also Mica's QEMU exit codes (public/mica.h).
 */
#ifndef MICA_PUBLIC_SCHED_H
#define MICA_PUBLIC_SCHED_H

#include "xen.h"
#include "event_channel.h"

#define SCHEDOP_yield           0   /* arg NULL */
#define SCHEDOP_block           1   /* arg NULL */
#define SCHEDOP_shutdown        2   /* arg struct sched_shutdown */
#define SCHEDOP_poll            3   /* arg struct sched_poll */
#define SCHEDOP_remote_shutdown 4   /* arg struct sched_remote_shutdown */
#define SCHEDOP_shutdown_code   5   /* arg struct sched_shutdown: latch only */
#define SCHEDOP_watchdog        6   /* arg struct sched_watchdog */
#define SCHEDOP_pin_override    7   /* arg struct sched_pin_override */

/*
 * Shutdown reasons.  For SHUTDOWN_suspend, EDX must hold the MFN of
 * start_info; the call returns 1 if the suspend was cancelled and 0 when
 * the domain resumes (possibly on another host).
 */
#define SHUTDOWN_poweroff       0
#define SHUTDOWN_reboot         1
#define SHUTDOWN_suspend        2
#define SHUTDOWN_crash          3
#define SHUTDOWN_watchdog       4
#define SHUTDOWN_soft_reset     5
#define SHUTDOWN_MAX            5

/* Most ports SCHEDOP_poll accepts at once. */
#define SCHEDOP_POLL_MAX_PORTS  128

#ifndef __ASSEMBLY__

/* 4 bytes. */
struct sched_shutdown {
    uint32_t reason;                        /* SHUTDOWN_* */
};
typedef struct sched_shutdown sched_shutdown_t;

/* 16 bytes. */
struct sched_poll {
    XEN_GUEST_HANDLE(evtchn_port_t) ports;  /* array of nr_ports ports */
    uint32_t nr_ports;
    uint64_aligned_t timeout;               /* absolute ns; 0 = none */
};
typedef struct sched_poll sched_poll_t;

/* Privileged.  8 bytes. */
struct sched_remote_shutdown {
    domid_t  domain_id;
    uint32_t reason;                        /* SHUTDOWN_* */
};
typedef struct sched_remote_shutdown sched_remote_shutdown_t;

/*
 * Domain watchdog.  id 0 with a timeout creates a watchdog and returns its
 * id; a known id with a timeout re-arms it; a known id with timeout 0
 * destroys it.  Expiry shuts the domain down with SHUTDOWN_watchdog.
 * 8 bytes.
 */
struct sched_watchdog {
    uint32_t id;
    uint32_t timeout;                       /* seconds */
};
typedef struct sched_watchdog sched_watchdog_t;

/* Hardware domain only.  4 bytes. */
struct sched_pin_override {
    int32_t pcpu;                           /* -1 = undo */
};
typedef struct sched_pin_override sched_pin_override_t;

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_SCHED_H */
