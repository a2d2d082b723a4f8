/*
 * Events, time and scheduling for test guests: thin wrappers around
 * event_channel_op, vcpu_op, set_timer_op and sched_op, plus the
 * shared_info helpers (pending/mask bits, the TSC time formula).
 *
 * shared_info is mapped by map_shared_info() with update_va_mapping over
 * a page of our BSS (as XTF and Mini-OS do); until then `shared_info` is
 * NULL and only the hypercall wrappers work.  Time follows the ABI:
 *
 *     ns = system_time + (((rdtsc() - tsc_timestamp) << shift) * mul) >> 32
 *
 * read with the version protocol (retry while odd or changed).
 */
#ifndef GUEST_EVENTS_H
#define GUEST_EVENTS_H

#include <stdint.h>
#include <stdbool.h>
#include <public/xen.h>
#include <public/event_channel.h>
#include <public/vcpu.h>
#include <public/sched.h>
#include <hypercall.h>

#define NS_PER_MS 1000000ull
#define NS_PER_US 1000ull

static inline long HYPERVISOR_event_channel_op(int cmd, void *arg)
{
    return hypercall2(__HYPERVISOR_event_channel_op, cmd, (long)arg);
}

static inline long HYPERVISOR_event_channel_op_compat(evtchn_op_t *op)
{
    return hypercall1(__HYPERVISOR_event_channel_op_compat, (long)op);
}

static inline long HYPERVISOR_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
    return hypercall3(__HYPERVISOR_vcpu_op, cmd, (long)vcpu, (long)arg);
}

static inline long HYPERVISOR_set_timer_op(uint64_t deadline)
{
    return hypercall2(__HYPERVISOR_set_timer_op, (long)(uint32_t)deadline,
                      (long)(uint32_t)(deadline >> 32));
}


/* ---- shared_info ----------------------------------------------------- */

extern shared_info_t *shared_info;
/* Map shared_info (0, or the update_va_mapping error). */
long map_shared_info(void);
static inline vcpu_info_t *vcpu0_info(void) { return &shared_info->vcpu_info[0]; }

bool evtchn_is_pending(evtchn_port_t p);
bool evtchn_is_masked(evtchn_port_t p);
void evtchn_clear_pending(evtchn_port_t p);
void evtchn_set_mask(evtchn_port_t p);
void evtchn_clear_mask(evtchn_port_t p);
/* Clear upcall_pending and the selector, as an upcall handler would. */
void evtchn_ack_upcall(void);

/* ---- event_channel_op: each returns a port / 0, or -XEN_E* ------------ */

long evtchn_alloc_unbound(domid_t remote);
long evtchn_bind_interdomain(domid_t dom, evtchn_port_t remote_port);
long evtchn_bind_virq(uint32_t virq, uint32_t vcpu);
long evtchn_bind_ipi(uint32_t vcpu);
long evtchn_send(evtchn_port_t p);
long evtchn_close(evtchn_port_t p);
long evtchn_unmask(evtchn_port_t p);
long evtchn_status(domid_t dom, evtchn_port_t p, evtchn_status_t *st);

/*
 * Bind to the first port `dom` offers us (tries bind_interdomain on every
 * port); retries, yielding, for up to `tries` rounds.  The port, or the
 * last error.
 */
long evtchn_connect(domid_t dom, unsigned int tries);

/*
 * The handshake of tests with helper domains.  Domain 0 offers a port to
 * dom and waits (up to timeout ns) for its first event, which the helper
 * sends right after binding (evtchn_connect_and_greet, which first clears
 * the pending bit the bind itself set).  The port, or < 0.
 */
long evtchn_offer_and_wait(domid_t dom, uint64_t timeout);
long evtchn_connect_and_greet(domid_t dom, unsigned int tries);
/*
 * Wait until domain dom no longer exists (destroyed): 0, or -XEN_ETIME
 * after timeout ns.  Sleeps on VIRQ_DOM_EXC (bound on first use).
 */
long wait_domain_gone(domid_t dom, uint64_t timeout);

/* ---- scheduling -------------------------------------------------------- */

long sched_yield(void);
long sched_block(void);
/* SCHEDOP_poll; timeout is absolute system time (0 = none). */
long sched_poll(evtchn_port_t *ports, unsigned int nr, uint64_t timeout);
/*
 * Wait until port p is pending (clearing it) or the absolute deadline
 * passes: 1 if it was pending, 0 on timeout, < 0 on error.
 */
long wait_port(evtchn_port_t p, uint64_t deadline);

/* ---- time ---------------------------------------------------------------- */

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    asm volatile ("rdtsc" : "=a" (lo), "=d" (hi));
    return ((uint64_t)hi << 32) | lo;
}

/* The guest-side formula, over a copy of a vcpu_time_info. */
uint64_t pvclock_ns(const struct vcpu_time_info *t, uint64_t tsc);
/* A consistent copy of vCPU 0's time record. */
void read_time_info(struct vcpu_time_info *out);
/* System time now (needs shared_info). */
uint64_t now_ns(void);
/* Wall clock: seconds since the epoch now. */
uint64_t wallclock_sec(void);
/* n / d without libgcc. */
uint64_t udiv64(uint64_t n, uint32_t d);
/* Busy-wait for ns of system time (the vCPU may be preempted meanwhile). */
void spin_ns(uint64_t ns);
/* Sleep: block on VIRQ_TIMER port `timer_port` until ns have passed. */
void sleep_ns(evtchn_port_t timer_port, uint64_t ns);

long get_runstate(struct vcpu_runstate_info *rs);

#endif /* GUEST_EVENTS_H */
