/*
 * test-schedule: the scheduler's mechanism (hypervisor/common/schedule.c)
 * with the real credit policy, timers and softirqs, on a simulated CPU.
 *
 * The arch contracts are played by the test: arch_vcpu_resume() records
 * which vCPU would run and longjmps back (schedule() never returns);
 * arch_idle_wait() is the `hlt`: it moves the fake clock to the next timer
 * deadline and raises TIMER_SOFTIRQ, as the APIC interrupt would (with no
 * timer armed the CPU would sleep forever, which the test reports);
 * hypervisor_shutdown_all() longjmps too.  Checked: pause counts (domain
 * and vCPU, nested), block (events enabled, no sleep with an upcall
 * pending), poll (pending ports, wake by a listed port only, timeouts),
 * the idle loop, runstate accounting, the periodic tick (only while
 * running, one catch-up tick), the time record and runstate area on
 * switch-in, and the machine's fate when domain 0 dies.
 */
#include <setjmp.h>
#include "htest.h"
#include <mica/printk.h>
#include <mica/sched.h>
#include <mica/vcpu_area.h>
#include <mica/domain.h>
#include <mica/timer.h>
#include <mica/softirq.h>

struct vcpu *current;
static s_time_t fake_now;
static jmp_buf jb;
static struct vcpu *resumed;
static int republished, area_writes, ticks_sent;
static bool pending_port[EVTCHN_2L_NR_PORTS];

enum { RESUMED = 1, HUNG, SHUTDOWN };

s_time_t NOW(void) { return fake_now; }
void arch_timer_program(s_time_t deadline) { }
void printk_level(enum log_level lvl, const char *fmt, ...) { }
void arch_vcpu_save(struct vcpu *v) { }
void arch_vcpu_resume(struct vcpu *v) { resumed = v; longjmp(jb, RESUMED); }
void arch_idle_wait(void)
{
    s_time_t d = timer_next_deadline();

    if (d == STIME_MAX)
        longjmp(jb, HUNG);
    if (d > fake_now)
        fake_now = d;
    raise_softirq(TIMER_SOFTIRQ);
}
void hypervisor_shutdown_all(void) { longjmp(jb, SHUTDOWN); }
void domain_reap_dead(void) { }
/* Guest memory: a runstate area at AREA_VA, and a log of the writes to it. */
#define AREA_VA 0x1000u
static uint8_t area[sizeof(struct vcpu_runstate_info)];
static struct { guest_va_t dst; size_t len; uint8_t first, top; } wlog[16];
static unsigned int nwlog;
int copy_to_guest(guest_va_t dst, const void *src, size_t len)
{
    area_writes++;
    if (dst >= AREA_VA && dst + len <= AREA_VA + sizeof(area)) {
        memcpy(area + (dst - AREA_VA), src, len);
        if (nwlog < 16)
            wlog[nwlog++] = (typeof(wlog[0])){ dst, len, *(const uint8_t *)src, area[11] };
    }
    return 0;
}
void update_vcpu_system_time(struct vcpu *v) { republished++; }
static unsigned int phys_writes;
void vcpu_runstate_phys_write(struct vcpu *v) { phys_writes++; }
void send_guest_vcpu_virq(struct vcpu *v, unsigned int virq) { ticks_sent++; }
bool evtchn_port_is_pending(struct domain *d, evtchn_port_t p) { return pending_port[p]; }

static struct domain *d0, *d1;
struct domain *hardware_domain(void) { return d0; }

static struct domain *mkdom(domid_t id)
{
    struct domain *d = calloc(1, sizeof(*d));
    d->domain_id = id;
    d->state = DOMSTATE_RUNNING;
    d->weight = CSCHED_DEFAULT_WEIGHT;
    d->pause_count = 1;
    d->shared_info = calloc(1, 4096);
    d->max_vcpus = 1;
    struct vcpu *v = calloc(1, sizeof(*v));
    v->domain = d;
    v->vcpu_info = &d->shared_info->vcpu_info[0];
    d->vcpu[0] = v;
    sched_init_vcpu(v);
    return d;
}

static void setup(void)
{
    fake_now = MILLISECS(1);
    memset(pending_port, 0, sizeof(pending_port));
    republished = area_writes = ticks_sent = phys_writes = 0;
    scheduler_init();
    d0 = mkdom(0);
    d1 = mkdom(1);
}

/* Run schedule() to its end: the vCPU resumed, or NULL if it idled forever. */
static struct vcpu *run_schedule(void)
{
    int r = setjmp(jb);
    if (r == 0)
        schedule();
    if (r == RESUMED)
        return resumed;
    if (r == SHUTDOWN)
        return (struct vcpu *)-1;
    return NULL;                        /* HUNG */
}

/* The exit path: softirqs, then schedule() if asked. */
static struct vcpu *exit_to_guest(void)
{
    do_softirq();
    if (sched_need_resched() || !vcpu_runnable(current))
        return run_schedule();
    return current;
}

#define V0 (d0->vcpu[0])
#define V1 (d1->vcpu[0])

HTEST(created_paused_then_started)
{
    setup();
    CHECK(!vcpu_runnable(V0));
    CHECK(run_schedule() == NULL);      /* nothing runnable, no timer: idle forever */
    domain_unpause(d0);
    CHECK(vcpu_runnable(V0));
    CHECK(run_schedule() == V0);
    CHECK_EQ(V0->runstate.state, RUNSTATE_running);
    CHECK(V0->is_running);
    CHECK_EQ(republished, 1);
    CHECK(!V0->areas_stale);            /* no guest-VA area registered */
    CHECK_EQ(phys_writes, 1);           /* the frame area (if any) at once */
}

HTEST(a_registered_area_is_refreshed_once_the_vcpu_is_back)
{
    setup();
    V0->runstate_area = AREA_VA;
    domain_unpause(d0);
    CHECK(run_schedule() == V0);
    CHECK(V0->areas_stale & VAREA_RUNSTATE);   /* written on the exit path */
}

HTEST(pause_counts_nest)
{
    setup();
    domain_unpause(d0);
    domain_unpause(d1);
    CHECK(run_schedule() == V0);
    domain_pause(d1);
    domain_pause(d1);
    domain_unpause(d1);
    CHECK(!vcpu_runnable(V1));
    vcpu_pause(V1);
    domain_unpause(d1);
    CHECK(!vcpu_runnable(V1));          /* the vCPU's own pause still holds */
    vcpu_unpause(V1);
    vcpu_unpause(V1);                   /* one too many: harmless */
    CHECK(vcpu_runnable(V1));
    CHECK_EQ(V1->pause_count, 0);
    /* Pausing the running vCPU takes it off at the next exit. */
    domain_pause(d0);
    CHECK(sched_need_resched());
    CHECK(exit_to_guest() == V1);
    CHECK_EQ(V0->runstate.state, RUNSTATE_offline);
}

HTEST(block_enables_events_and_sleeps)
{
    setup();
    domain_unpause(d0);
    domain_unpause(d1);
    CHECK(run_schedule() == V0);
    V0->vcpu_info->evtchn_upcall_mask = 1;
    vcpu_block_enable_events();
    CHECK_EQ(V0->vcpu_info->evtchn_upcall_mask, 0);
    CHECK(V0->pause_flags & VPF_blocked);
    CHECK(exit_to_guest() == V1);
    CHECK_EQ(V0->runstate.state, RUNSTATE_blocked);
    /* V1 uses a whole slice (losing the boost it woke with) and goes on. */
    fake_now += CSCHED_TSLICE;
    raise_softirq(TIMER_SOFTIRQ);
    CHECK(exit_to_guest() == V1);
    CHECK(V1->sched.prio != CSCHED_PRI_BOOST);
    /* An event kicks V0: BOOST, but V1 has run less than its minimum slice. */
    fake_now += MICROSECS(100);
    vcpu_kick(V0);
    CHECK(!(V0->pause_flags & VPF_blocked));
    CHECK(!sched_need_resched());       /* the slice timer was pulled in */
    fake_now += CSCHED_MIN_SLICE;
    raise_softirq(TIMER_SOFTIRQ);
    CHECK(exit_to_guest() == V0);

    /* With an upcall already deliverable, block does not sleep. */
    V0->vcpu_info->evtchn_upcall_pending = 1;
    vcpu_block_enable_events();
    CHECK(!(V0->pause_flags & VPF_blocked));
    CHECK(!sched_need_resched());
    /* HLT's block: upcall_pending wakes it whatever the mask. */
    V0->vcpu_info->evtchn_upcall_mask = 1;
    vcpu_block_current();
    CHECK(!(V0->pause_flags & VPF_blocked));
    V0->vcpu_info->evtchn_upcall_pending = 0;
    vcpu_block_current();
    CHECK(V0->pause_flags & VPF_blocked);
    CHECK_EQ(V0->vcpu_info->evtchn_upcall_mask, 1);
}

HTEST(poll_wakes_on_its_ports_or_timeout)
{
    evtchn_port_t ports[3] = { 5, 70, 1023 };
    setup();
    domain_unpause(d0);
    CHECK(run_schedule() == V0);

    pending_port[70] = true;            /* already pending: no sleep */
    vcpu_poll(ports, 3, 0);
    CHECK(!(V0->pause_flags & VPF_blocked));
    pending_port[70] = false;

    V0->vcpu_info->evtchn_upcall_pending = 1;   /* deliverable upcall */
    vcpu_poll(ports, 3, 0);
    CHECK(!(V0->pause_flags & VPF_blocked));
    V0->vcpu_info->evtchn_upcall_pending = 0;

    vcpu_poll(ports, 3, 0);
    CHECK(V0->polling && (V0->pause_flags & VPF_blocked));
    vcpu_poll_check(V0, 6);             /* not listed */
    CHECK(V0->pause_flags & VPF_blocked);
    vcpu_poll_check(V0, 1023);
    CHECK(!(V0->pause_flags & VPF_blocked) && !V0->polling);

    /* A timeout: the idle loop sleeps until it, then the vCPU runs. */
    s_time_t t0 = fake_now;
    vcpu_poll(ports, 3, t0 + MILLISECS(7));
    CHECK(exit_to_guest() == V0);
    CHECK_EQ(fake_now, t0 + MILLISECS(7));
    CHECK(V0->runstate.time[RUNSTATE_blocked] >= (uint64_t)MILLISECS(7));
    /* No ports, no timeout: asleep for good (nothing else to run). */
    vcpu_poll(NULL, 0, 0);
    CHECK(exit_to_guest() == NULL);
}

HTEST(runstate_adds_up)
{
    setup();
    domain_unpause(d0);
    domain_unpause(d1);
    s_time_t t0 = fake_now;
    CHECK(run_schedule() == V0);
    for (int i = 0; i < 50; i++) {
        fake_now += MILLISECS(10);
        raise_softirq(TIMER_SOFTIRQ);
        exit_to_guest();
    }
    struct vcpu_runstate_info a, b;
    vcpu_runstate_get(V0, &a);
    vcpu_runstate_get(V1, &b);
    uint64_t total = fake_now - t0;
    CHECK_EQ(a.time[0] + a.time[1] + a.time[2] + a.time[3], total);
    CHECK_EQ(b.time[0] + b.time[1] + b.time[2] + b.time[3], total);
    CHECK_EQ(a.time[RUNSTATE_running], b.time[RUNSTATE_runnable]);
    CHECK_EQ(a.time[RUNSTATE_running] + b.time[RUNSTATE_running], total);
    CHECK(area_writes > 0 || V0->runstate_area == 0);
}

/* VMASST_TYPE_runstate_update_flag: the top byte of state_entry_time (offset
 * 4 + 7) carries XEN_RUNSTATE_UPDATE while the record is being rewritten. */
static void area_switch(bool flag)
{
    setup();
    nwlog = 0;
    memset(area, 0, sizeof(area));
    d0->vm_assist = flag ? 1UL << VMASST_TYPE_runstate_update_flag : 0;
    domain_unpause(d0);
    domain_unpause(d1);
    CHECK(run_schedule() == V0);
    vcpu_set_runstate_area(V0, AREA_VA);
}

HTEST(runstate_update_flag_brackets_the_copy)
{
    area_switch(true);
    CHECK_EQ(nwlog, 3);
    CHECK_EQ(wlog[0].dst, AREA_VA + 11);
    CHECK_EQ(wlog[0].len, 1);
    CHECK(wlog[0].first & 0x80);                  /* flag set first */
    CHECK_EQ(wlog[1].dst, AREA_VA);
    CHECK_EQ(wlog[1].len, sizeof(struct vcpu_runstate_info));
    CHECK(wlog[1].top & 0x80);                    /* record written with it */
    CHECK_EQ(wlog[2].dst, AREA_VA + 11);
    CHECK(!(wlog[2].first & 0x80));               /* cleared last */
    struct vcpu_runstate_info rs;
    memcpy(&rs, area, sizeof(rs));
    CHECK(!(rs.state_entry_time & XEN_RUNSTATE_UPDATE));
    CHECK_EQ(rs.state, RUNSTATE_running);
}

HTEST(runstate_area_without_the_flag)
{
    area_switch(false);
    CHECK_EQ(nwlog, 1);
    CHECK_EQ(wlog[0].len, sizeof(struct vcpu_runstate_info));
}

HTEST(periodic_tick_follows_the_vcpu)
{
    setup();
    domain_unpause(d0);
    CHECK(run_schedule() == V0);
    vcpu_set_periodic_timer(V0, MILLISECS(2));
    int before = ticks_sent;
    /* 10 ms of running: 5 ticks. */
    for (int i = 0; i < 20; i++) {
        fake_now += MICROSECS(500);
        raise_softirq(TIMER_SOFTIRQ);
        exit_to_guest();
    }
    CHECK_EQ(ticks_sent - before, 5);
    /* Blocked 9 ms: no ticks while asleep, one catch-up on return. */
    before = ticks_sent;
    vcpu_poll(NULL, 0, fake_now + MILLISECS(9));
    CHECK(exit_to_guest() == V0);
    CHECK_EQ(ticks_sent - before, 1);
    vcpu_set_periodic_timer(V0, 0);
    before = ticks_sent;
    for (int i = 0; i < 10; i++) {
        fake_now += MILLISECS(1);
        raise_softirq(TIMER_SOFTIRQ);
        exit_to_guest();
    }
    CHECK_EQ(ticks_sent, before);
}

HTEST(singleshot_wakes_a_blocked_vcpu)
{
    setup();
    domain_unpause(d0);
    CHECK(run_schedule() == V0);
    vcpu_set_periodic_timer(V0, 0);
    vcpu_set_singleshot_timer(V0, fake_now + MILLISECS(3));
    int before = ticks_sent;
    vcpu_block_enable_events();
    /* The timer fires while idle; our stub does not raise an upcall, so
     * the vCPU stays blocked and the CPU idles on. */
    CHECK(exit_to_guest() == NULL);
    CHECK_EQ(ticks_sent - before, 1);
}

HTEST(yield_lets_the_other_run_then_returns)
{
    setup();
    domain_unpause(d0);
    domain_unpause(d1);
    CHECK(run_schedule() == V0);
    vcpu_yield();
    CHECK(exit_to_guest() == V1);
    vcpu_yield();
    CHECK(exit_to_guest() == V0);
    domain_pause(d1);
    vcpu_yield();
    CHECK(exit_to_guest() == V0);       /* alone: straight back */
}

HTEST(dom0_death_ends_the_machine)
{
    setup();
    domain_unpause(d0);
    domain_unpause(d1);
    CHECK(run_schedule() == V0);
    d1->state = DOMSTATE_CRASHED;       /* another domain dying does not */
    vcpu_sleep(V1);
    CHECK(exit_to_guest() == V0);
    d0->state = DOMSTATE_SHUTDOWN;
    CHECK(exit_to_guest() == (struct vcpu *)-1);
}
