/*
 * The OS interface on Mica's Dom0 kernel: main loop, deferred work, time
 * and timers (os_loop.h, os_time.h) over kernel/loop.c and kernel/time.c.
 * The interface's objects are opaque and heap-allocated, so a tool never
 * depends on the kernel's structures.
 */
#include <stdlib.h>
#include "os_loop.h"
#include "os_time.h"
#include "../../kernel/loop.h"
#include "../../kernel/time.h"

struct os_work {
    struct kwork w;
};

struct os_timer {
    struct ktimer t;
};

struct os_work *os_work_new(os_work_fn *fn, void *arg)
{
    struct os_work *w = calloc(1, sizeof(*w));

    if (w) {
        w->w.fn = fn;
        w->w.arg = arg;
    }
    return w;
}

void os_work_queue(struct os_work *w)
{
    kwork_queue(&w->w);
}

void os_work_free(struct os_work *w)
{
    if (!w)
        return;
    kwork_cancel(&w->w);
    free(w);
}

bool os_loop_run_until(bool (*done)(void *), void *arg, uint64_t deadline_ns)
{
    return loop_run_until(done, arg, deadline_ns);
}

uint64_t os_now_ns(void)
{
    return now_ns();
}

uint64_t os_cycles(void)
{
    uint32_t lo, hi;

    __asm__ volatile ("lfence; rdtsc" : "=a" (lo), "=d" (hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

uint64_t os_idle_cycles(void)
{
    struct loop_stats st;

    loop_stats(&st);
    return st.idle_cycles;
}

uint64_t os_wallclock_s(void)
{
    return wallclock_s();
}

struct os_timer *os_timer_new(os_work_fn *fn, void *arg)
{
    struct os_timer *t = malloc(sizeof(*t));

    if (t)
        ktimer_init(&t->t, fn, arg);
    return t;
}

void os_timer_set(struct os_timer *t, uint64_t deadline_ns)
{
    ktimer_set(&t->t, deadline_ns);
}

void os_timer_cancel(struct os_timer *t)
{
    ktimer_cancel(&t->t);
}

void os_timer_free(struct os_timer *t)
{
    if (!t)
        return;
    ktimer_cancel(&t->t);
    free(t);
}
