/*
 * Time and software timers of the Dom0 kernel (time.c).
 *
 * now_ns() is the hypervisor's system time (ns since it booted), read
 * from vCPU 0's time record with the TSC; wallclock_s() adds the wall
 * clock of shared_info.  Timers are one-shot, kept in a deadline-sorted
 * list; the main loop runs the due ones and programs the earliest deadline
 * into the hypervisor (set_timer_op) before it halts.
 */
#ifndef DOM0_TIME_H
#define DOM0_TIME_H

#include "kernel.h"

#define NS_PER_MS 1000000ull
#define NS_PER_S  1000000000ull

uint64_t now_ns(void);
uint64_t wallclock_s(void);

struct ktimer {
    uint64_t deadline;
    void (*fn)(void *arg);
    void *arg;
    struct ktimer *next;
    bool armed;
};

void time_init(void);
void ktimer_init(struct ktimer *t, void (*fn)(void *), void *arg);
/* Arm (or re-arm) for an absolute deadline; a past one runs next turn. */
void ktimer_set(struct ktimer *t, uint64_t deadline);
void ktimer_cancel(struct ktimer *t);
/* Run every due timer: true if one ran. */
bool timers_run(void);
/* The earliest deadline, or 0 when no timer is armed. */
uint64_t timers_next(void);

#endif
