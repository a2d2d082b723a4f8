/*
 * The credit scheduler's policy, as data and pure functions.
 *
 * Kept apart from the mechanism (common/schedule.c: context switches,
 * timers, blocking) so it can be tested on the host with a fake clock
 * (tests/host/test-sched-credit.c).  The rules are in common/sched_credit.c.
 */
#ifndef MICA_SCHED_CREDIT_H
#define MICA_SCHED_CREDIT_H

#include <mica/types.h>
#include <mica/list.h>
#include <mica/time.h>

#define CSCHED_DEFAULT_WEIGHT   256
#define CSCHED_MAX_WEIGHT       65535
#define CSCHED_TSLICE           MILLISECS(10)  /* a time slice */
#define CSCHED_MIN_SLICE        MILLISECS(1)   /* no preemption before this */
#define CSCHED_ACCT_PERIOD      MILLISECS(30)  /* credits handed out */
#define CSCHED_CREDIT_CAP       MILLISECS(30)  /* |credit| never exceeds this */

/* Priorities, highest first. */
enum csched_prio {
    CSCHED_PRI_OVER  = 0,      /* used up its credit */
    CSCHED_PRI_UNDER = 1,      /* has credit left */
    CSCHED_PRI_BOOST = 2,      /* just woken with credit: runs soon */
};

/*
 * The run queue is one FIFO list per priority, highest first, and a last
 * one for a vCPU that yielded (behind everybody for one decision): queue
 * and pick are O(1), the re-ranking after a credit hand-out O(queued).
 */
#define CSCHED_Q_YIELD  3
#define CSCHED_NR_Q     4

struct csched_vcpu {
    struct list_head runq_elem;    /* on one of the CPU's run queues while queued */
    struct list_head all_elem;     /* on the CPU's list of vCPUs */
    int64_t credit;                /* ns of CPU time it may still use */
    enum csched_prio prio;
    unsigned int weight;
    bool queued;
    uint8_t q;                     /* which queue: its prio, or CSCHED_Q_YIELD */
    s_time_t start;                /* when it last started running */
    s_time_t used;                 /* ns run since the last accounting */
    unsigned int cap;              /* % of one CPU it may use per period; 0: no cap */
};

struct csched_cpu {
    struct list_head runq[CSCHED_NR_Q];    /* runnable, not running: one FIFO per
                                            * priority (index = prio) and the yielded */
    struct list_head all;          /* every vCPU of this CPU */
    struct csched_vcpu *curr;      /* NULL: idle */
    s_time_t acct_last;            /* last credit hand-out */
};

void csched_cpu_init(struct csched_cpu *c, s_time_t now);
void csched_vcpu_insert(struct csched_cpu *c, struct csched_vcpu *sv, unsigned int weight);
/* Forget sv (it must not be running). */
void csched_vcpu_remove(struct csched_cpu *c, struct csched_vcpu *sv);

/*
 * sv became runnable.  Queues it (boosted if it has credit) and returns
 * when the CPU should reschedule for it: `now`, a later time (the running
 * vCPU has not had its minimum slice yet), or STIME_MAX (no preemption).
 */
s_time_t csched_wake(struct csched_cpu *c, struct csched_vcpu *sv, s_time_t now);
/* sv is no longer runnable: take it off the run queue. */
void csched_sleep(struct csched_cpu *c, struct csched_vcpu *sv);

/*
 * A cap: at most cap% of one CPU (0 = uncapped, as Xen's credit cap).  A
 * capped vCPU that has run its share of the current accounting period
 * is "parked": it stays queued but is passed over until the next
 * hand-out, even if the CPU has nothing else to do.
 */
void csched_set_cap(struct csched_vcpu *sv, unsigned int cap);

/*
 * The scheduling decision.  The running vCPU (c->curr, if any) is charged
 * for its time; if prev_runnable it goes back on the queue (behind every
 * other runnable vCPU if it yielded).  Credits are handed out if an
 * accounting period has passed.  Returns the vCPU to run next (NULL: idle)
 * and sets *slice to how long it may run before the next decision (when
 * idle: until a parked vCPU may run again, or STIME_MAX if none waits).
 */
struct csched_vcpu *csched_schedule(struct csched_cpu *c, s_time_t now,
                                    bool prev_runnable, bool yielded,
                                    s_time_t *slice);

#endif
