/*
 * test-timer: software timers (hypervisor/common/timer.c, softirq.c)
 * against a fake clock and a fake APIC.
 *
 * Timers must run in deadline order (arming order for equal deadlines),
 * only once due, each exactly once; the hardware must always be
 * programmed for the earliest armed deadline and never for one already
 * past (those raise TIMER_SOFTIRQ directly); callbacks may re-arm
 * themselves or arm others, including ones already due.
 */
#include "htest.h"
#include <mica/timer.h>
#include <mica/softirq.h>

static s_time_t fake_now;
static s_time_t programmed_for = -1;
static int programs;

s_time_t NOW(void) { return fake_now; }
void arch_timer_program(s_time_t deadline) { programmed_for = deadline; programs++; }

static char order[64];
static int nfired;

static void record(void *data)
{
    order[nfired++] = *(const char *)data;
    order[nfired] = '\0';
}

static void run_softirqs(void)
{
    do_softirq();
}

static void reset(void)
{
    fake_now = 1000;
    nfired = 0;
    order[0] = '\0';
    programs = 0;
}

HTEST(fire_in_deadline_order)
{
    static struct timer a, b, c, d;
    static const char na = 'a', nb = 'b', nc = 'c', nd = 'd';
    reset();
    init_timer(&a, record, (void *)&na);
    init_timer(&b, record, (void *)&nb);
    init_timer(&c, record, (void *)&nc);
    init_timer(&d, record, (void *)&nd);
    set_timer(&c, 3000);
    set_timer(&a, 2000);
    set_timer(&b, 3000);          /* same deadline as c, armed later */
    set_timer(&d, 9000);
    CHECK_EQ(programmed_for, 2000);
    CHECK_EQ(timer_next_deadline(), 2000);
    fake_now = 2500;
    raise_softirq(TIMER_SOFTIRQ);
    run_softirqs();
    CHECK_STREQ(order, "a");
    CHECK_EQ(programmed_for, 3000);
    fake_now = 3000;
    raise_softirq(TIMER_SOFTIRQ);
    run_softirqs();
    CHECK_STREQ(order, "acb");
    CHECK_EQ(programmed_for, 9000);
    CHECK(timer_is_active(&d));
    CHECK(!timer_is_active(&a));
    stop_timer(&d);
    CHECK_EQ(programmed_for, STIME_MAX);
    CHECK_EQ(timer_next_deadline(), STIME_MAX);
}

HTEST(past_deadline_fires_without_programming)
{
    static struct timer t;
    static const char n = 'p';
    reset();
    init_timer(&t, record, (void *)&n);
    int before = programs;
    set_timer(&t, 500);          /* before fake_now */
    CHECK(softirq_pending(TIMER_SOFTIRQ));
    CHECK_EQ(programs, before);
    run_softirqs();
    CHECK_STREQ(order, "p");
    CHECK(!softirq_pending(TIMER_SOFTIRQ));
}

HTEST(not_yet_due_does_not_fire)
{
    static struct timer t;
    static const char n = 'x';
    reset();
    init_timer(&t, record, (void *)&n);
    set_timer(&t, 5000);
    raise_softirq(TIMER_SOFTIRQ);        /* a spurious or early interrupt */
    run_softirqs();
    CHECK_EQ(nfired, 0);
    CHECK_EQ(programmed_for, 5000);
    stop_timer(&t);
}

static struct timer rearm_t;
static int rearm_count;
static void rearm(void *data)
{
    if (++rearm_count < 3)
        set_timer(&rearm_t, fake_now + 100);
}

HTEST(callback_rearms_itself)
{
    reset();
    rearm_count = 0;
    init_timer(&rearm_t, rearm, NULL);
    set_timer(&rearm_t, 1100);
    for (int i = 0; i < 5; i++) {
        fake_now += 100;
        raise_softirq(TIMER_SOFTIRQ);
        run_softirqs();
    }
    CHECK_EQ(rearm_count, 3);
    CHECK(!timer_is_active(&rearm_t));
}

static struct timer chain_b;
static const char chain_nb = 'B';
static void chain_a(void *data)
{
    order[nfired++] = 'A';
    order[nfired] = '\0';
    set_timer(&chain_b, fake_now - 1);   /* already due */
}

HTEST(callback_arms_a_due_timer)
{
    static struct timer a;
    reset();
    init_timer(&a, chain_a, NULL);
    init_timer(&chain_b, record, (void *)&chain_nb);
    set_timer(&a, 1000);
    run_softirqs();
    CHECK_STREQ(order, "AB");
}

HTEST(stop_and_rearm_are_idempotent)
{
    static struct timer t;
    static const char n = 's';
    reset();
    init_timer(&t, record, (void *)&n);
    stop_timer(&t);
    stop_timer(&t);
    set_timer(&t, 4000);
    set_timer(&t, 4500);                /* moves, does not duplicate */
    set_timer(&t, 4200);
    CHECK_EQ(programmed_for, 4200);
    fake_now = 10000;
    raise_softirq(TIMER_SOFTIRQ);
    run_softirqs();
    CHECK_STREQ(order, "s");
}

HTEST(softirq_bits)
{
    CHECK(!test_and_clear_softirq(SCHEDULE_SOFTIRQ));
    raise_softirq(SCHEDULE_SOFTIRQ);
    CHECK(softirq_pending(SCHEDULE_SOFTIRQ));
    do_softirq();                       /* leaves SCHEDULE to the caller */
    CHECK(test_and_clear_softirq(SCHEDULE_SOFTIRQ));
    CHECK(!softirq_pending(SCHEDULE_SOFTIRQ));
}
