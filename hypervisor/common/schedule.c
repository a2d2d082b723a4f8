/*
 * The scheduler's mechanism: vCPU states, the context-switch decision
 * point, blocking and waking, the idle loop, and the guest timers that
 * follow a vCPU on and off the CPU.  The policy -- who runs next and for
 * how long -- is the credit scheduler's (common/sched_credit.c).
 *
 * schedule() is entered only with the current vCPU's guest frame at the
 * top of the hypervisor stack: from arch_return_to_guest() when a softirq
 * asked for it or the vCPU can no longer run, and once at boot.  It never
 * returns.  It saves that frame into the vCPU, asks the policy for the
 * next vCPU, and resumes it with a fresh stack (arch_vcpu_resume); the
 * abandoned call chain is simply dropped, which is why every hypercall
 * that blocks has already stored its return value in the guest frame
 * before the exit path gets here.
 *
 *   guest --int $0x82/irq--> handler --ret_from_intr--> arch_return_to_guest
 *                                                   |  softirqs (timers)
 *                                                   `- schedule()  ---> next guest
 *                                                        |  nothing to run
 *                                                        `- idle: sti; hlt
 *
 * Idle is a loop inside schedule() (the "idle vCPU" is a placeholder that
 * `current` points to meanwhile, so nothing ever refers to a vCPU that is
 * not on the CPU): halt until an interrupt, run the timers it made due,
 * and pick again.  CR3 keeps the last guest's tables while idle -- a CR3
 * write flushes the TLB, and under QEMU's TCG that is the expensive part
 * of a switch -- except when a dead domain is about to be freed.
 *
 * Domains that shut down or crashed are destroyed here, once no vCPU of
 * theirs is on the CPU.  The initial domain's death decides the machine's
 * fate at once (hypervisor_shutdown_all), as in Xen: the other domains
 * go down with it.
 *
 * The periodic timer follows Xen: it ticks only while its vCPU runs; a
 * vCPU descheduled across one or more ticks gets one catch-up tick when
 * it runs again.  A blocked vCPU is therefore woken by its one-shot timer,
 * not by the periodic tick.
 */
#include <mica/sched.h>
#include <mica/domain.h>
#include <mica/event.h>
#include <mica/timer.h>
#include <mica/softirq.h>
#include <mica/printk.h>
#include <mica/lib.h>
#include <mica/guest_access.h>
#include <mica/keyhandler.h>
#include <mica/vcpu_area.h>
#include <public/vcpu.h>

static struct csched_cpu cpu0_sched;
static struct timer slice_timer;
static bool yield_pending;
static s_time_t idle_time, idle_since;   /* time with nothing to run */

static struct domain idle_domain = {
    .domain_id = DOMID_IDLE, .name = "idle", .state = DOMSTATE_RUNNING,
    .mm_pending = LIST_HEAD_INIT(idle_domain.mm_pending),   /* never has tables */
};
static struct vcpu idle_vcpu = { .domain = &idle_domain };

bool is_idle_vcpu(const struct vcpu *v)
{
    return v == &idle_vcpu;
}


static void runstate_change(struct vcpu *v, int state, s_time_t now)
{
    struct vcpu_runstate_info *rs = &v->runstate;
    s_time_t delta = now - (s_time_t)rs->state_entry_time;

    if (delta > 0)
        rs->time[rs->state] += (uint64_t)delta;
    rs->state = state;
    rs->state_entry_time = (uint64_t)now;
}

void vcpu_runstate_get(const struct vcpu *v, struct vcpu_runstate_info *out)
{
    *out = v->runstate;
    s_time_t delta = NOW() - (s_time_t)out->state_entry_time;
    if (delta > 0)
        out->time[out->state] += (uint64_t)delta;
}

/*
 * A guest that gave a bad address only loses its copy (as in Xen).  With
 * VMASST_TYPE_runstate_update_flag the copy is bracketed the way Xen
 * brackets it: XEN_RUNSTATE_UPDATE is set in the top byte of
 * state_entry_time first, the whole record (flag included) is written,
 * then the top byte again without it.
 */
static void write_runstate_area(struct vcpu *v)
{
    struct vcpu_runstate_info rs;
    guest_va_t top = v->runstate_area + offsetof(struct vcpu_runstate_info, state_entry_time) + 7;
    bool flag = v->domain->vm_assist & (1UL << VMASST_TYPE_runstate_update_flag);

    if (!v->runstate_area)
        return;
    vcpu_runstate_get(v, &rs);
    if (flag) {
        rs.state_entry_time |= XEN_RUNSTATE_UPDATE;
        uint8_t b = (uint8_t)(rs.state_entry_time >> 56);
        (void)copy_to_guest(top, &b, 1);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
    }
    (void)copy_to_guest(v->runstate_area, &rs, sizeof(rs));
    if (flag) {
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        uint8_t b = (uint8_t)((rs.state_entry_time & ~XEN_RUNSTATE_UPDATE) >> 56);
        (void)copy_to_guest(top, &b, 1);
    }
}

void vcpu_runstate_area_sync(struct vcpu *v)
{
    write_runstate_area(v);
}

void vcpu_set_runstate_area(struct vcpu *v, guest_va_t va)
{
    v->runstate_area = va;
    write_runstate_area(v);
}

/* ---- waking and sleeping ----------------------------------------------- */

static void slice_timer_fn(void *unused)
{
    raise_softirq(SCHEDULE_SOFTIRQ);
}

void vcpu_wake(struct vcpu *v)
{
    s_time_t now = NOW();

    if (!vcpu_runnable(v) || v->is_running)
        return;
    if (v->runstate.state != RUNSTATE_runnable)
        runstate_change(v, RUNSTATE_runnable, now);
    s_time_t when = csched_wake(&cpu0_sched, &v->sched, now);
    if (when <= now)
        raise_softirq(SCHEDULE_SOFTIRQ);
    else if (when != STIME_MAX && (!timer_is_active(&slice_timer) || when < slice_timer.expires))
        set_timer(&slice_timer, when);
}

void vcpu_sleep(struct vcpu *v)
{
    if (vcpu_runnable(v))
        return;
    if (v->is_running) {
        raise_softirq(SCHEDULE_SOFTIRQ);   /* leaves at the next exit */
        return;
    }
    csched_sleep(&cpu0_sched, &v->sched);
    if (v->runstate.state == RUNSTATE_runnable)
        runstate_change(v, (v->pause_flags & VPF_blocked) ? RUNSTATE_blocked
                                                          : RUNSTATE_offline, NOW());
}

void vcpu_unblock(struct vcpu *v)
{
    if (!(v->pause_flags & VPF_blocked))
        return;
    v->pause_flags &= ~VPF_blocked;
    if (v->polling) {
        v->polling = false;
        stop_timer(&v->poll_timer);
    }
    vcpu_wake(v);
}

void vcpu_kick(struct vcpu *v)
{
    vcpu_unblock(v);
}

void vcpu_poll_check(struct vcpu *v, evtchn_port_t p)
{
    if (!v->polling)
        return;
    for (unsigned int i = 0; i < v->poll_nr; i++) {
        if (v->poll_list[i] == p) {
            vcpu_unblock(v);
            return;
        }
    }
}

void domain_set_weight(struct domain *d, unsigned int weight)
{
    d->weight = weight;
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            d->vcpu[i]->sched.weight = weight;
}

void domain_set_cap(struct domain *d, unsigned int cap)
{
    d->sched_cap = (uint16_t)cap;
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            csched_set_cap(&d->vcpu[i]->sched, cap);
}

/*
 * The scheduler's own cost (MICA_SYSCTL_resources): calls of schedule(),
 * how many switched to another vCPU, and the time spent in it outside the
 * idle wait -- under QEMU -icount shift=0 one ns per instruction, so the
 * scale test reports instructions per switch with 128 domains runnable.
 */
static uint64_t sched_calls, sched_switches;
static s_time_t sched_busy;

void sched_cost(uint64_t *calls, uint64_t *switches, uint64_t *busy_ns)
{
    *calls = sched_calls;
    *switches = sched_switches;
    *busy_ns = (uint64_t)sched_busy;
}

/* Nanoseconds the CPU has spent with nothing to run (sysctl getcpuinfo). */
s_time_t sched_idle_time(void)
{
    return idle_time + (idle_since ? NOW() - idle_since : 0);
}

void vcpu_pause(struct vcpu *v)
{
    v->pause_count++;
    vcpu_sleep(v);
}

void vcpu_unpause(struct vcpu *v)
{
    if (v->pause_count > 0 && --v->pause_count == 0)
        vcpu_wake(v);
}

void domain_pause(struct domain *d)
{
    d->pause_count++;
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            vcpu_sleep(d->vcpu[i]);
}

void domain_unpause(struct domain *d)
{
    if (d->pause_count > 0 && --d->pause_count == 0)
        for (unsigned int i = 0; i < d->max_vcpus; i++)
            if (d->vcpu[i])
                vcpu_wake(d->vcpu[i]);
}

/* ---- the current vCPU's requests ---------------------------------------- */

bool local_events_need_delivery(const struct vcpu *v)
{
    return v->vcpu_info->evtchn_upcall_pending && !v->vcpu_info->evtchn_upcall_mask;
}

void vcpu_yield(void)
{
    yield_pending = true;
    raise_softirq(SCHEDULE_SOFTIRQ);
}

void vcpu_block_current(void)
{
    struct vcpu *v = current;

    v->pause_flags |= VPF_blocked;
    if (v->vcpu_info->evtchn_upcall_pending)
        v->pause_flags &= ~VPF_blocked;
    else
        raise_softirq(SCHEDULE_SOFTIRQ);
}

void vcpu_block_enable_events(void)
{
    struct vcpu *v = current;

    v->vcpu_info->evtchn_upcall_mask = 0;
    /* Set blocked first, then look: an event between the two wakes us. */
    v->pause_flags |= VPF_blocked;
    if (local_events_need_delivery(v))
        v->pause_flags &= ~VPF_blocked;
    else
        raise_softirq(SCHEDULE_SOFTIRQ);
}

static void poll_timer_fn(void *data)
{
    struct vcpu *v = data;

    if (v->polling)
        vcpu_unblock(v);
}

void vcpu_poll(const evtchn_port_t *ports, unsigned int nr, s_time_t timeout)
{
    struct vcpu *v = current;

    if (local_events_need_delivery(v))
        return;
    for (unsigned int i = 0; i < nr; i++)
        if (evtchn_port_is_pending(v->domain, ports[i]))
            return;
    for (unsigned int i = 0; i < nr; i++)
        v->poll_list[i] = ports[i];
    v->poll_nr = nr;
    v->polling = true;
    v->pause_flags |= VPF_blocked;
    if (timeout)
        set_timer(&v->poll_timer, timeout);
    raise_softirq(SCHEDULE_SOFTIRQ);
}

/* ---- guest timers ------------------------------------------------------- */

void send_timer_event(struct vcpu *v)
{
    send_guest_vcpu_virq(v, VIRQ_TIMER);
}

static void singleshot_timer_fn(void *data)
{
    send_timer_event(data);
}

void vcpu_set_singleshot_timer(struct vcpu *v, s_time_t deadline)
{
    set_timer(&v->singleshot_timer, deadline);
}

void vcpu_stop_singleshot_timer(struct vcpu *v)
{
    stop_timer(&v->singleshot_timer);
}

/* Tick if one is due, then arm the timer for the next (v is running). */
static void periodic_timer_work(struct vcpu *v, s_time_t now)
{
    if (!v->periodic_period)
        return;
    if (now >= v->periodic_next) {
        send_timer_event(v);
        v->periodic_next += v->periodic_period;
        if (v->periodic_next <= now)          /* missed ticks are not replayed */
            v->periodic_next = now + v->periodic_period;
    }
    set_timer(&v->periodic_timer, v->periodic_next);
}

static void periodic_timer_fn(void *data)
{
    struct vcpu *v = data;

    if (v->is_running)
        periodic_timer_work(v, NOW());
}

void vcpu_set_periodic_timer(struct vcpu *v, s_time_t period)
{
    v->periodic_period = period;
    stop_timer(&v->periodic_timer);
    if (period) {
        v->periodic_next = NOW() + period;
        if (v->is_running)
            set_timer(&v->periodic_timer, v->periodic_next);
    }
}

/* ---- vCPU life cycle ---------------------------------------------------- */

void sched_init_vcpu(struct vcpu *v)
{
    s_time_t now = NOW();

    init_timer(&v->singleshot_timer, singleshot_timer_fn, v);
    init_timer(&v->periodic_timer, periodic_timer_fn, v);
    init_timer(&v->poll_timer, poll_timer_fn, v);
    v->periodic_period = DEFAULT_PERIODIC_PERIOD;
    v->periodic_next = now + DEFAULT_PERIODIC_PERIOD;
    v->runstate.state = RUNSTATE_offline;
    v->runstate.state_entry_time = (uint64_t)now;
    csched_vcpu_insert(&cpu0_sched, &v->sched, v->domain->weight);
    csched_set_cap(&v->sched, v->domain->sched_cap);
}

void sched_destroy_vcpu(struct vcpu *v)
{
    kill_timer(&v->singleshot_timer);
    kill_timer(&v->periodic_timer);
    kill_timer(&v->poll_timer);
    csched_vcpu_remove(&cpu0_sched, &v->sched);
}

void scheduler_init(void)
{
    csched_cpu_init(&cpu0_sched, NOW());
    init_timer(&slice_timer, slice_timer_fn, NULL);
    idle_vcpu.is_running = true;
    current = &idle_vcpu;
}

/* ---- the decision ------------------------------------------------------- */

/* prev leaves the CPU (it may be dead; its memory is still valid). */
static void switch_out(struct vcpu *prev, s_time_t now)
{
    prev->is_running = false;
    if (is_idle_vcpu(prev))
        return;
    stop_timer(&prev->periodic_timer);
    runstate_change(prev, (prev->pause_flags & VPF_blocked) ? RUNSTATE_blocked :
                          vcpu_runnable(prev) ? RUNSTATE_runnable : RUNSTATE_offline, now);
    write_runstate_area(prev);            /* its page tables are still loaded */
    vcpu_runstate_phys_write(prev);
}

static struct vcpu *pick(struct vcpu *prev, bool yielded, s_time_t now, s_time_t *slice)
{
    bool prev_runnable = !is_idle_vcpu(prev) && vcpu_runnable(prev);
    struct csched_vcpu *sv = csched_schedule(&cpu0_sched, now, prev_runnable, yielded, slice);

    return sv ? container_of(sv, struct vcpu, sched) : NULL;
}

/* Fate of the machine and of dead domains, decided while nothing runs. */
static void housekeeping(void)
{
    struct domain *d0 = hardware_domain();

    if (!d0 || domain_is_dead(d0))
        hypervisor_shutdown_all();
    domain_reap_dead();
}

void schedule(void)
{
    struct vcpu *prev = current, *from = current, *next;
    bool yielded = yield_pending;
    s_time_t now = NOW(), slice, t0 = now;

    yield_pending = false;
    test_and_clear_softirq(SCHEDULE_SOFTIRQ);
    if (!is_idle_vcpu(prev))
        arch_vcpu_save(prev);

    next = pick(prev, yielded, now, &slice);
    if (next != prev) {
        switch_out(prev, now);
        prev = current = &idle_vcpu;      /* until next is switched in */
        idle_vcpu.is_running = true;
    }
    housekeeping();

    if (!next) {
        idle_since = NOW();
        sched_busy += idle_since - t0;
    }
    while (!next) {
        if (slice == STIME_MAX)
            stop_timer(&slice_timer);
        else                               /* a capped vCPU may run again then */
            set_timer(&slice_timer, now + slice);
        arch_idle_wait();                  /* sti; hlt; cli */
        do_softirq();
        housekeeping();
        if (test_and_clear_softirq(SCHEDULE_SOFTIRQ)) {
            now = NOW();
            next = pick(&idle_vcpu, false, now, &slice);
        }
    }
    if (idle_since) {
        t0 = NOW();
        idle_time += t0 - idle_since;
        idle_since = 0;
    }

    now = NOW();
    if (next != prev) {
        idle_vcpu.is_running = false;
        next->is_running = true;
        runstate_change(next, RUNSTATE_running, now);
        if (next->runstate_area)           /* once its tables are loaded */
            next->areas_stale |= VAREA_RUNSTATE;
        vcpu_runstate_phys_write(next);
        update_vcpu_system_time(next);
        periodic_timer_work(next, now);
    }
    set_timer(&slice_timer, now + slice);
    current = next;
    sched_calls++;
    sched_switches += next != from;
    sched_busy += NOW() - t0;
    arch_vcpu_resume(next);
}

void scheduler_start(void)
{
    schedule();
}

/* Debug key 'r': the CPU's current vCPU, its run queue in order, and every
 * vCPU it carries with its credit and flags. */
void sched_dump(void)
{
    static const char *const prio[] = { "over", "under", "boost" };
    struct list_head *pos;
    s_time_t now = NOW();

    if (cpu0_sched.curr) {
        struct vcpu *v = container_of(cpu0_sched.curr, struct vcpu, sched);
        keyprintk("Scheduler (credit), CPU0, now %lu ns: running d%u v%u\n",
                  (unsigned long)now, v->domain->domain_id, v->vcpu_id);
    } else {
        keyprintk("Scheduler (credit), CPU0, now %lu ns: idle\n", (unsigned long)now);
    }
    bool empty = true;
    for (unsigned int q = 0; q < CSCHED_NR_Q; q++)
        empty &= list_empty(&cpu0_sched.runq[q]);
    keyprintk("  run queue:%s\n", empty ? " empty" : "");
    static const uint8_t order[] = { CSCHED_PRI_BOOST, CSCHED_PRI_UNDER, CSCHED_PRI_OVER,
                                     CSCHED_Q_YIELD };
    for (unsigned int q = 0; q < CSCHED_NR_Q; q++)
        list_for_each(pos, &cpu0_sched.runq[order[q]]) {
            struct csched_vcpu *sv = list_entry(pos, struct csched_vcpu, runq_elem);
            struct vcpu *v = container_of(sv, struct vcpu, sched);
            keyprintk("    d%u v%u %s credit %ld%s\n", v->domain->domain_id, v->vcpu_id,
                      prio[sv->prio], (long)sv->credit,
                      order[q] == CSCHED_Q_YIELD ? " (yielded)" : "");
        }
    keyprintk("  all vCPUs:\n");
    list_for_each(pos, &cpu0_sched.all) {
        struct csched_vcpu *sv = list_entry(pos, struct csched_vcpu, all_elem);
        struct vcpu *v = container_of(sv, struct vcpu, sched);
        keyprintk("    d%u v%u weight %u credit %ld %s%s%s%s pause %d\n",
                  v->domain->domain_id, v->vcpu_id, sv->weight, (long)sv->credit,
                  prio[sv->prio], v->is_running ? " running" : "",
                  (v->pause_flags & VPF_blocked) ? (v->polling ? " polling" : " blocked") : "",
                  (v->pause_flags & VPF_down) ? " down" : "", v->pause_count);
    }
}
