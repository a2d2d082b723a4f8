/*
 * The credit scheduler: who runs next, and for how long.
 *
 * The idea is Xen's credit scheduler, reduced to one run queue per CPU.
 * Each vCPU holds credit, in nanoseconds of CPU time:
 *
 *   - running costs credit: a vCPU is charged exactly the time it ran
 *     whenever it stops (or is looked at by the scheduler);
 *   - every accounting period (30 ms) the time that elapsed is handed out
 *     again to the vCPUs that wanted the CPU in that period (queued,
 *     running, or ran at all), in proportion to their domain's weight;
 *   - a new vCPU starts with one slice's worth, so it is treated as
 *     interactive from its first wake-up, before any hand-out;
 *   - credit is clamped to +-30 ms, so a vCPU that slept for a minute
 *     cannot then monopolise the CPU, and one that ran alone for a minute
 *     is not punished for it when competition arrives.
 *
 * The run queue is ordered by priority, first in first out within one:
 *
 *     BOOST  woken from a block with credit left: interactive work first
 *     UNDER  credit left
 *     OVER   credit used up -- runs only when nobody UNDER or BOOST wants to
 *
 * It is kept as one FIFO list per priority (and one for the yielded), so
 * queueing and picking cost the same with 2 vCPUs or 128; the hand-out
 * walks every vCPU and re-ranks the queued ones, O(n) once per
 * accounting period, spread over the decisions of that period.
 *
 * A vCPU runs for a time slice of 10 ms, then the decision is made again;
 * a running vCPU is never preempted before it has had 1 ms (the minimum
 * slice: it bounds the switch rate a wake-up storm can cause).  A woken
 * BOOST vCPU preempts an UNDER or OVER one as soon as that minimum is
 * met, which is what keeps a spinning domain from starving a domain that
 * blocks and wakes: the spinner is UNDER or OVER, the woken one BOOST.
 * Two CPU-bound vCPUs share the CPU in the ratio of their weights: each
 * period hands out credit in that ratio and the one that exhausts its
 * credit first drops to OVER until the next hand-out.
 *
 * A cap limits a vCPU to cap% of one CPU per accounting period, busy
 * machine or idle (Xen's credit cap): once it has run that long since the
 * last hand-out it is parked -- passed over in the queue -- until the next
 * one, and a capped vCPU's slice never runs past its allowance.
 *
 * A yield puts the vCPU behind every other runnable vCPU for this one
 * decision (its priority is kept for the next).
 *
 * Pure policy: no clock reads, no timers, no context switches (those are
 * in common/schedule.c), so the host test drives it with a fake clock.
 * One struct csched_cpu per physical CPU; with SMP each gets its own lock
 * and load balancing moves vCPUs between them.
 */
#include <mica/sched_credit.h>

/* The queues in the order they are served: BOOST, UNDER, OVER, yielded. */
static const uint8_t serve_order[CSCHED_NR_Q] = {
    CSCHED_PRI_BOOST, CSCHED_PRI_UNDER, CSCHED_PRI_OVER, CSCHED_Q_YIELD,
};

void csched_cpu_init(struct csched_cpu *c, s_time_t now)
{
    for (unsigned int q = 0; q < CSCHED_NR_Q; q++)
        list_init(&c->runq[q]);
    list_init(&c->all);
    c->curr = NULL;
    c->acct_last = now;
}

void csched_vcpu_insert(struct csched_cpu *c, struct csched_vcpu *sv, unsigned int weight)
{
    sv->credit = CSCHED_TSLICE;       /* a new vCPU starts with one slice's worth */
    sv->prio = CSCHED_PRI_UNDER;
    sv->weight = weight;
    sv->queued = false;
    sv->start = 0;
    sv->used = 0;
    list_init(&sv->runq_elem);
    list_add_tail(&sv->all_elem, &c->all);
}

static void runq_remove(struct csched_vcpu *sv)
{
    if (sv->queued) {
        list_del(&sv->runq_elem);
        sv->queued = false;
    }
}

/* Behind every vCPU of the same or higher priority (or, yielded, behind
 * all): the tail of its priority's FIFO, or of the yielded one.  O(1). */
static void runq_insert(struct csched_cpu *c, struct csched_vcpu *sv, bool last)
{
    sv->q = last ? CSCHED_Q_YIELD : (uint8_t)sv->prio;
    list_add_tail(&sv->runq_elem, &c->runq[sv->q]);
    sv->queued = true;
}

void csched_vcpu_remove(struct csched_cpu *c, struct csched_vcpu *sv)
{
    runq_remove(sv);
    list_del(&sv->all_elem);
    if (c->curr == sv)
        c->curr = NULL;
}

static enum csched_prio prio_of_credit(const struct csched_vcpu *sv)
{
    return sv->credit > 0 ? CSCHED_PRI_UNDER : CSCHED_PRI_OVER;
}

s_time_t csched_wake(struct csched_cpu *c, struct csched_vcpu *sv, s_time_t now)
{
    if (sv->queued || c->curr == sv)
        return STIME_MAX;
    sv->prio = sv->credit > 0 ? CSCHED_PRI_BOOST : CSCHED_PRI_OVER;
    runq_insert(c, sv, false);
    if (!c->curr)
        return now;                            /* the CPU is idle */
    if (sv->prio <= c->curr->prio)
        return STIME_MAX;
    s_time_t earliest = c->curr->start + CSCHED_MIN_SLICE;
    return earliest > now ? earliest : now;
}

void csched_sleep(struct csched_cpu *c, struct csched_vcpu *sv)
{
    runq_remove(sv);
}

static void clamp_credit(struct csched_vcpu *sv)
{
    if (sv->credit > CSCHED_CREDIT_CAP)
        sv->credit = CSCHED_CREDIT_CAP;
    if (sv->credit < -CSCHED_CREDIT_CAP)
        sv->credit = -CSCHED_CREDIT_CAP;
}

static void charge(struct csched_vcpu *sv, s_time_t now)
{
    s_time_t ran = now - sv->start;

    if (ran > 0) {
        sv->credit -= ran;
        sv->used += ran;
        clamp_credit(sv);
    }
    sv->start = now;
}

void csched_set_cap(struct csched_vcpu *sv, unsigned int cap)
{
    sv->cap = cap;
}

/* What a capped vCPU may still run in this accounting period. */
static s_time_t cap_allowance(const struct csched_vcpu *sv)
{
    s_time_t limit = (s_time_t)(CSCHED_ACCT_PERIOD / 100) * sv->cap;

    return sv->used >= limit ? 0 : limit - sv->used;
}

static bool parked(const struct csched_vcpu *sv)
{
    return sv->cap && cap_allowance(sv) == 0;
}

/* Hand out the time since the last accounting, by weight. */
static void account(struct csched_cpu *c, s_time_t now)
{
    struct list_head *pos, *tmp;
    uint64_t total_weight = 0;
    s_time_t budget = now - c->acct_last;

    if (budget < CSCHED_ACCT_PERIOD)
        return;
    c->acct_last = now;
    if (budget > 4 * CSCHED_CREDIT_CAP)
        budget = 4 * CSCHED_CREDIT_CAP;        /* all credits saturate anyway */

    list_for_each(pos, &c->all) {
        struct csched_vcpu *sv = list_entry(pos, struct csched_vcpu, all_elem);
        if (sv->queued || sv == c->curr || sv->used > 0)
            total_weight += sv->weight;
    }
    list_for_each(pos, &c->all) {
        struct csched_vcpu *sv = list_entry(pos, struct csched_vcpu, all_elem);
        if (total_weight && (sv->queued || sv == c->curr || sv->used > 0)) {
            sv->credit += (int64_t)((uint64_t)budget * sv->weight / total_weight);
            clamp_credit(sv);
        }
        sv->used = 0;
    }

    /*
     * Credits changed: re-rank the queue, stably (BOOST stays BOOST; a
     * yielded vCPU takes its place by priority again).  The queues are
     * emptied into one list in serving order, which is then dealt out
     * to the tails of the new priorities' FIFOs: the order within a
     * priority is the order before.  O(queued) -- the sorted single
     * queue this replaces re-inserted each vCPU by a walk, quadratic in
     * the runnable vCPUs (~20 000 instructions a schedule() with 128).
     */
    LIST_HEAD(old);
    for (unsigned int i = 0; i < CSCHED_NR_Q; i++) {
        struct list_head *q = &c->runq[serve_order[i]];
        list_for_each_safe(pos, tmp, q) {
            list_del(pos);
            list_add_tail(pos, &old);
        }
    }
    list_for_each_safe(pos, tmp, &old) {
        struct csched_vcpu *sv = list_entry(pos, struct csched_vcpu, runq_elem);
        list_del(pos);
        if (sv->prio != CSCHED_PRI_BOOST)
            sv->prio = prio_of_credit(sv);
        runq_insert(c, sv, false);
    }
}

struct csched_vcpu *csched_schedule(struct csched_cpu *c, s_time_t now,
                                    bool prev_runnable, bool yielded,
                                    s_time_t *slice)
{
    struct csched_vcpu *prev = c->curr, *next = NULL;

    if (prev)
        charge(prev, now);
    account(c, now);
    if (prev) {
        prev->prio = prio_of_credit(prev);     /* a boost lasts one turn */
        c->curr = NULL;
        if (prev_runnable)
            runq_insert(c, prev, yielded);
    }
    *slice = CSCHED_TSLICE;
    bool any_parked = false;
    struct list_head *pos;
    for (unsigned int i = 0; i < CSCHED_NR_Q && !next; i++)
        list_for_each(pos, &c->runq[serve_order[i]]) {
            struct csched_vcpu *sv = list_entry(pos, struct csched_vcpu, runq_elem);
            if (!parked(sv)) {
                next = sv;
                break;
            }
            any_parked = true;
        }
    /* A yield counts for this one decision: whoever yielded and was not
     * picked now waits in its own priority's FIFO again, behind those
     * already there (the order the single sorted queue used to give). */
    while (!list_empty(&c->runq[CSCHED_Q_YIELD])) {
        struct csched_vcpu *sv = list_entry(c->runq[CSCHED_Q_YIELD].next,
                                            struct csched_vcpu, runq_elem);
        list_del(&sv->runq_elem);
        runq_insert(c, sv, false);
    }
    if (next) {
        runq_remove(next);
        next->start = now;
        if (next->cap && cap_allowance(next) < *slice)
            *slice = cap_allowance(next);
    } else {
        /* Idle; wake at the next hand-out if a parked vCPU waits for it. */
        s_time_t until = c->acct_last + CSCHED_ACCT_PERIOD - now;
        *slice = any_parked ? (until > 0 ? until : 1) : STIME_MAX;
    }
    c->curr = next;
    return next;
}
