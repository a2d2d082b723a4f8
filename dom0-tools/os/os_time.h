/*
 * The OS interface: time and timers (see os_loop.h for the whole).
 */
#ifndef DOM0_OS_TIME_H
#define DOM0_OS_TIME_H

#include <stdint.h>
#include "os_loop.h"

#define OS_NS_PER_MS 1000000ull
#define OS_NS_PER_S  1000000000ull

/* Monotonic time in ns (the hypervisor's system time: since it booted). */
uint64_t os_now_ns(void);
/* Wall clock: seconds since the Unix epoch. */
uint64_t os_wallclock_s(void);

/* A free-running cycle counter for benchmarks (the TSC on x86; under
 * QEMU -icount shift=0 it counts executed instructions exactly). */
uint64_t os_cycles(void);
/* Of those, the ones that passed while Dom0 was halted waiting for an
 * event (under -icount the virtual clock jumps over idle time: a
 * benchmark subtracts these to count only the instructions executed). */
uint64_t os_idle_cycles(void);

/* One-shot timers; fn(arg) runs from the main loop at the deadline. */
struct os_timer;
struct os_timer *os_timer_new(os_work_fn *fn, void *arg);
/* Arm or re-arm for an absolute os_now_ns() deadline. */
void os_timer_set(struct os_timer *t, uint64_t deadline_ns);
void os_timer_cancel(struct os_timer *t);
void os_timer_free(struct os_timer *t);

#endif
