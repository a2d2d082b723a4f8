/*
 * Software timers: "call fn(data) once system time reaches `expires`".
 *
 * Every timer of the hypervisor -- the scheduler's time slice, each vCPU's
 * one-shot, periodic and poll timers, domain watchdogs -- is one of these,
 * kept in one list per physical CPU sorted by deadline.  Only the earliest
 * deadline is programmed into the hardware (the local APIC, through
 * arch_timer_program()).  When the hardware fires, the interrupt handler
 * only raises TIMER_SOFTIRQ; expired timers run later from
 * timer_softirq_action(), on the way back to a guest or in the idle loop,
 * never inside the interrupt handler.  A timer set in the past is not
 * programmed at all: the softirq is raised at once, so "a deadline in the
 * past fires at once" costs no interrupt.
 *
 * A struct timer is owned by whoever embeds it; stop it (kill_timer) before
 * freeing its memory.  Callbacks may set or stop any timer, including
 * their own.  (common/timer.c; host-tested.)
 */
#ifndef MICA_TIMER_H
#define MICA_TIMER_H

#include <mica/types.h>
#include <mica/list.h>
#include <mica/time.h>

struct timer {
    s_time_t expires;
    void (*fn)(void *data);
    void *data;
    struct list_head link;      /* in the CPU's list while active */
    bool active;
};

void init_timer(struct timer *t, void (*fn)(void *data), void *data);
/* (Re)arm t for `expires` (absolute system time). */
void set_timer(struct timer *t, s_time_t expires);
/* Disarm t; harmless if it is not armed. */
void stop_timer(struct timer *t);
#define kill_timer stop_timer
static inline bool timer_is_active(const struct timer *t) { return t->active; }

/* Run every expired timer, then program the hardware for the next one. */
void timer_softirq_action(void);
/* Earliest armed deadline, STIME_MAX if none. */
s_time_t timer_next_deadline(void);

/* Arch: fire the timer interrupt at `deadline` (STIME_MAX: never). */
void arch_timer_program(s_time_t deadline);

#endif
