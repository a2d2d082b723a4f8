/*
 * Software timers (interface and rules in mica/timer.h).
 *
 * One list per physical CPU, sorted by deadline, earliest first; equal
 * deadlines keep their arming order.  Inserting is linear, which is the
 * right trade for the handful of timers a CPU carries (three per vCPU,
 * the scheduler's slice, a few watchdogs): no allocation, no rebalancing,
 * and the earliest deadline is always the head.  A heap takes over if
 * that ever stops being true.
 *
 * The hardware is reprogrammed only when the head changes, and never for
 * a deadline that has already passed: then TIMER_SOFTIRQ is raised
 * directly and the timer runs on the next softirq pass.
 *
 * Locking: none; timers are touched with interrupts disabled on the one
 * CPU.  With SMP each CPU gets its own list and a timer is armed on the
 * CPU of its vCPU (what Xen calls migrate_timer).
 *
 * Generic code, host-tested (tests/host/test-timer.c) against a fake clock.
 */
#include <mica/timer.h>
#include <mica/softirq.h>

static LIST_HEAD(timer_list);
static s_time_t programmed = STIME_MAX;

static s_time_t head_deadline(void)
{
    if (list_empty(&timer_list))
        return STIME_MAX;
    return list_first_entry(&timer_list, struct timer, link)->expires;
}

/* Make the hardware fire for the current head, if it is not already set. */
static void reprogram(void)
{
    s_time_t next = head_deadline();

    if (next != STIME_MAX && next <= NOW()) {
        raise_softirq(TIMER_SOFTIRQ);
        return;
    }
    if (next != programmed) {
        programmed = next;
        arch_timer_program(next);
    }
}

void init_timer(struct timer *t, void (*fn)(void *data), void *data)
{
    t->expires = STIME_MAX;
    t->fn = fn;
    t->data = data;
    list_init(&t->link);
    t->active = false;
}

static void remove(struct timer *t)
{
    if (t->active) {
        list_del(&t->link);
        t->active = false;
    }
}

void set_timer(struct timer *t, s_time_t expires)
{
    struct list_head *pos;

    remove(t);
    t->expires = expires;
    list_for_each(pos, &timer_list)
        if (list_entry(pos, struct timer, link)->expires > expires)
            break;
    list_add_tail(&t->link, pos);          /* i.e. just before pos */
    t->active = true;
    reprogram();
}

void stop_timer(struct timer *t)
{
    remove(t);
    reprogram();
}

s_time_t timer_next_deadline(void)
{
    return head_deadline();
}

void timer_softirq_action(void)
{
    /*
     * Re-read the clock after every callback: callbacks take time, and one
     * may arm another timer that is already due.  Each timer is unlinked
     * before its callback runs, so the callback may re-arm it.
     */
    while (!list_empty(&timer_list)) {
        struct timer *t = list_first_entry(&timer_list, struct timer, link);
        if (t->expires > NOW())
            break;
        remove(t);
        t->fn(t->data);
    }
    programmed = STIME_MAX;     /* the interrupt that brought us here is spent */
    s_time_t next = head_deadline();
    if (next != STIME_MAX && next <= NOW()) {
        raise_softirq(TIMER_SOFTIRQ);
        return;
    }
    programmed = next;
    arch_timer_program(next);
}
