/*
 * The scheduler's interface to the rest of the hypervisor
 * (common/schedule.c; policy in common/sched_credit.c).
 *
 * A vCPU is runnable when nothing holds it back:
 *
 *    runnable(v) = no VPF_* flag (not blocked, not down)
 *                  && v->pause_count == 0 && d->pause_count == 0
 *                  && d is running (not built yet, shut down or crashed)
 *
 * Whoever changes one of those calls vcpu_wake() or vcpu_sleep() so the
 * run queue follows.  Nothing switches vCPUs in the middle of a handler:
 * code that wants the CPU given away raises SCHEDULE_SOFTIRQ, and the exit
 * path (arch_return_to_guest) calls schedule().
 */
#ifndef MICA_SCHED_H
#define MICA_SCHED_H

#include <mica/domain.h>
#include <mica/softirq.h>

/* vcpu->pause_flags */
#define _VPF_blocked    0       /* SCHEDOP_block / SCHEDOP_poll */
#define _VPF_down       1       /* not up (VCPUOP_down, or never started) */
#define VPF_blocked     (1u << _VPF_blocked)
#define VPF_down        (1u << _VPF_down)

#define DEFAULT_PERIODIC_PERIOD MILLISECS(10)  /* the ABI's 100 Hz tick */

/*
 * Pick the next vCPU to run and switch to it; never returns.  Called only
 * where the current vCPU's guest frame is at the top of the stack
 * (arch_return_to_guest) or at boot.  When the initial domain is gone the
 * machine's fate follows it (hypervisor_shutdown_all()).
 */
void schedule(void) __noreturn;
void scheduler_init(void);
/* Enter the scheduler for the first time (end of boot). */
void scheduler_start(void) __noreturn;

/* Per-vCPU scheduler state (timers, runstate); the vCPU starts down. */
void sched_init_vcpu(struct vcpu *v);
/* Stop its timers and take it out of the scheduler (it must not run). */
void sched_destroy_vcpu(struct vcpu *v);

/* May v run?  (Inline: the exit path asks on every return to a guest.) */
static inline bool vcpu_runnable(const struct vcpu *v)
{
    const struct domain *d = v->domain;

    return !v->pause_flags && !v->pause_count && !d->pause_count &&
           d->state == DOMSTATE_RUNNING && !d->is_dying;
}
void vcpu_wake(struct vcpu *v);
void vcpu_sleep(struct vcpu *v);
/* Clear VPF_blocked (and any poll) and wake v. */
void vcpu_unblock(struct vcpu *v);

/* The domain's credit-scheduler weight (1..CSCHED_MAX_WEIGHT). */
void domain_set_weight(struct domain *d, unsigned int weight);

/* Its credit cap, % of one CPU (0: none). */
void domain_set_cap(struct domain *d, unsigned int cap);
/* Nanoseconds the CPU has been idle since boot (sysctl getcpuinfo). */
s_time_t sched_idle_time(void);
/* schedule()'s calls, switches and time spent outside the idle wait. */
void sched_cost(uint64_t *calls, uint64_t *switches, uint64_t *busy_ns);

void vcpu_pause(struct vcpu *v);
void vcpu_unpause(struct vcpu *v);
void domain_pause(struct domain *d);
void domain_unpause(struct domain *d);

/* The current vCPU's requests (sched_op). */
void vcpu_yield(void);
void vcpu_block_enable_events(void);
/* Ports are already validated (< evtchn_max_ports()); timeout 0 = none. */
void vcpu_poll(const evtchn_port_t *ports, unsigned int nr, s_time_t timeout);
/* Upcall pending and not masked: block/poll return at once. */
bool local_events_need_delivery(const struct vcpu *v);

/* Runstate with the current state's time accounted up to now. */
void vcpu_runstate_get(const struct vcpu *v, struct vcpu_runstate_info *out);
/*
 * The guest's copy of its runstate (VCPUOP_register_runstate_memory_area):
 * written when the vCPU leaves the CPU, and -- through this, called on
 * every exit towards the guest -- when it has just come back.  Only with
 * v's own page tables loaded.
 */
void vcpu_runstate_area_sync(struct vcpu *v);
void vcpu_set_runstate_area(struct vcpu *v, guest_va_t va);

/* Guest timers. */
void vcpu_set_singleshot_timer(struct vcpu *v, s_time_t deadline);
void vcpu_stop_singleshot_timer(struct vcpu *v);
void vcpu_set_periodic_timer(struct vcpu *v, s_time_t period);  /* 0 = stop */
void send_timer_event(struct vcpu *v);

/* The vCPU the CPU is running (the idle vCPU when none). */
bool is_idle_vcpu(const struct vcpu *v);

/* Does the current vCPU have to give up the CPU at the next exit? */
static inline bool sched_need_resched(void)
{
    return softirq_pending(SCHEDULE_SOFTIRQ);
}

/* ---- arch contracts used by the scheduler ------------------------------ */

/* Copy the guest frame at the top of the stack into v: arch_vcpu_save()
 * (asm/vcpu.h, arch/x86/vcpu.c; the FPU is switched lazily there). */
void arch_vcpu_save(struct vcpu *v);
/* Make v's state live on the CPU and return to it; never returns. */
void arch_vcpu_resume(struct vcpu *v) __noreturn;
/* Stop using any guest's page tables (before a domain is freed). */
void arch_load_idle_pagetable(void);
/* With nothing to run: enable interrupts and halt until one arrives. */
void arch_idle_wait(void);

/*
 * Block the current vCPU until an event is pending for it (HLT from a
 * guest kernel, arch/x86/emulate.c): unlike SCHEDOP_block the upcall mask
 * is left alone -- any upcall_pending wakes it.  Returns at once; the exit
 * path switches away if it blocked.
 */
void vcpu_block_current(void);
#endif
