/*
 * Softirqs: work an interrupt asks for, done later at a safe point.
 *
 * The hypervisor runs with interrupts disabled except in the idle loop and
 * while a guest runs, so "later" comes soon: on the next exit towards a
 * guest (arch_return_to_guest) or the next turn of the idle loop.  An
 * interrupt handler only raises a bit; the work -- running expired timers,
 * rescheduling -- happens with a clean stack and no nesting.
 *
 *   TIMER_SOFTIRQ     run expired software timers (common/timer.c)
 *   SCHEDULE_SOFTIRQ  the current vCPU should give up the CPU: call
 *                     schedule() before resuming any guest
 *
 * One word per CPU; single CPU for now (common/softirq.c).
 */
#ifndef MICA_SOFTIRQ_H
#define MICA_SOFTIRQ_H

#include <mica/types.h>

enum {
    TIMER_SOFTIRQ,
    SCHEDULE_SOFTIRQ,
    NR_SOFTIRQS
};

/* The pending bits: read inline on the exit path, which is hot. */
extern unsigned long softirq_bits;

static inline void raise_softirq(unsigned int nr) { softirq_bits |= 1UL << nr; }
static inline bool softirq_pending(unsigned int nr) { return softirq_bits & (1UL << nr); }
static inline bool any_softirq_pending(void) { return softirq_bits != 0; }
static inline bool test_and_clear_softirq(unsigned int nr)
{
    bool was = softirq_bits & (1UL << nr);
    softirq_bits &= ~(1UL << nr);
    return was;
}
/* Run every pending softirq except SCHEDULE (the caller decides that). */
void do_softirq(void);

#endif
