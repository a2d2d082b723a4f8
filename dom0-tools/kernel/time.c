/*
 * System time, wall clock and software timers.
 *
 * Reading time follows the ABI's version protocol on vCPU 0's
 * vcpu_time_info (retry while the version is odd or changed), then
 *     ns = system_time + ((tsc - tsc_timestamp) << shift) * mul >> 32,
 * the product done as two 32x32 multiplications so it never overflows.
 *
 * Timers are a singly linked list sorted by deadline; with the few dozen
 * timers Dom0 has (one per console session, the tools' timeouts) a list
 * is the simplest correct structure.  VIRQ_TIMER is bound to a handler
 * that does nothing: its only job is to end the loop's halt, after which
 * timers_run() looks at the clock.
 */
#include "time.h"
#include "events.h"
#include "hypercall.h"

static struct ktimer *timers;

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile ("rdtsc" : "=a" (lo), "=d" (hi));
    return ((uint64_t)hi << 32) | lo;
}

uint64_t now_ns(void)
{
    volatile struct vcpu_time_info *t = &shared_info->vcpu_info[0].time;
    uint32_t v, mul;
    uint64_t stamp, sys, delta;
    int8_t shift;

    do {
        v = t->version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        stamp = t->tsc_timestamp;
        sys = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        delta = rdtsc() - stamp;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((v & 1) || v != t->version);
    if (shift >= 0)
        delta <<= shift;
    else
        delta >>= -shift;
    return sys + (((uint64_t)(uint32_t)delta * mul) >> 32) +
           (uint64_t)(uint32_t)(delta >> 32) * mul;
}

uint64_t wallclock_s(void)
{
    volatile shared_info_t *s = shared_info;
    uint32_t v, sec, nsec;

    do {
        v = s->wc_version;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        sec = s->wc_sec;
        nsec = s->wc_nsec;
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
    } while ((v & 1) || v != s->wc_version);
    return sec + (now_ns() + nsec) / NS_PER_S;
}

static void timer_virq(void *arg, evtchn_port_t port)
{
    (void)arg;
    (void)port;
}

void time_init(void)
{
    if (evtchn_bind_virq(VIRQ_TIMER, timer_virq, NULL) < 0)
        panic("cannot bind VIRQ_TIMER");
}

void ktimer_init(struct ktimer *t, void (*fn)(void *), void *arg)
{
    memset(t, 0, sizeof(*t));
    t->fn = fn;
    t->arg = arg;
}

void ktimer_cancel(struct ktimer *t)
{
    struct ktimer **pp;

    if (!t->armed)
        return;
    for (pp = &timers; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->next = NULL;
    t->armed = false;
}

void ktimer_set(struct ktimer *t, uint64_t deadline)
{
    struct ktimer **pp = &timers;

    ktimer_cancel(t);
    t->deadline = deadline;
    while (*pp && (*pp)->deadline <= deadline)
        pp = &(*pp)->next;
    t->next = *pp;
    *pp = t;
    t->armed = true;
}

bool timers_run(void)
{
    uint64_t now = now_ns();
    bool ran = false;

    while (timers && timers->deadline <= now) {
        struct ktimer *t = timers;
        timers = t->next;
        t->next = NULL;
        t->armed = false;
        t->fn(t->arg);          /* may re-arm t, or others */
        ran = true;
    }
    return ran;
}

uint64_t timers_next(void)
{
    return timers ? timers->deadline : 0;
}
