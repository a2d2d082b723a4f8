/*
 * The main loop.
 *
 * Dom0 is a main loop, not a set of threads.  Every piece of work --
 * console input, a guest's console ring, VIRQ_DOM_EXC, xenstored's rings,
 * a timeout -- is a handler that runs to completion from here, one at a
 * time.  A tool command that has to wait (xl shutdown -w, a console
 * session) runs the loop nested through loop_run_until(), so the daemons
 * keep being served meanwhile.  Why not cooperative threads:
 *
 *   - the portable tools are written as event handlers anyway (a Linux
 *     Dom0 would run them from poll()/select() on the evtchn and gntdev
 *     devices), so a loop is the interface they need, and nothing more;
 *   - no stacks to size, no switch code, no locks: a handler can never be
 *     interrupted by another, which is what makes the kernel's small data
 *     structures (lists, bitmaps) safe without further thought;
 *   - waiting is explicit (loop_run_until), so it shows in the code where
 *     a command can be overtaken by other work.
 *
 * The cost is that a handler must not run long.  Those that could (a
 * flooding guest's console output) do a bounded amount of work per call
 * and queue themselves again (kwork_queue), so every source gets its turn.
 *
 * Sleeping: the loop halts (HLT, which the hypervisor emulates by blocking
 * the vCPU) only after a turn found nothing to do; the earliest timer
 * deadline is programmed first (set_timer_op), and events_pending() is
 * checked last so an event that came in meanwhile ends the halt at once.
 */
#include "loop.h"
#include "events.h"
#include "time.h"
#include "hypercall.h"

static struct kwork *work_head, **work_tail = &work_head;
static struct loop_stats stats;
static uint64_t programmed;     /* deadline last given to set_timer_op */

void kwork_queue(struct kwork *w)
{
    if (w->queued)
        return;
    w->queued = true;
    w->next = NULL;
    *work_tail = w;
    work_tail = &w->next;
}

void kwork_cancel(struct kwork *w)
{
    struct kwork **pp;

    if (!w->queued)
        return;
    for (pp = &work_head; *pp; pp = &(*pp)->next) {
        if (*pp == w) {
            *pp = w->next;
            if (work_tail == &w->next)
                work_tail = pp;
            break;
        }
    }
    w->queued = false;
}

/*
 * Run the work that was queued when the turn started; work queued by these
 * handlers waits for the next turn, so a handler that re-queues itself
 * cannot keep the loop from looking at events.  Items are taken from the
 * live queue one at a time, so kwork_cancel() of one not yet run is safe.
 */
static bool run_work(void)
{
    unsigned int n = 0;

    for (struct kwork *w = work_head; w; w = w->next)
        n++;
    for (unsigned int i = 0; i < n && work_head; i++) {
        struct kwork *w = work_head;
        work_head = w->next;
        if (!work_head)
            work_tail = &work_head;
        w->next = NULL;
        w->queued = false;
        w->fn(w->arg);
    }
    return n != 0;
}

static void halt(void)
{
    uint64_t next = timers_next();

    if (next != programmed) {
        HYPERVISOR_set_timer_op(next);
        programmed = next;
    }
    if (events_pending() || work_head)
        return;
    stats.halts++;
    uint32_t lo0, hi0, lo1, hi1;
    __asm__ volatile ("lfence; rdtsc" : "=a" (lo0), "=d" (hi0) :: "memory");
    __asm__ volatile ("hlt" ::: "memory");
    __asm__ volatile ("lfence; rdtsc" : "=a" (lo1), "=d" (hi1) :: "memory");
    stats.idle_cycles += (((uint64_t)hi1 << 32) | lo1) - (((uint64_t)hi0 << 32) | lo0);
    programmed = 0;     /* it may have fired; re-arm next time */
}

void loop_once(bool block)
{
    bool busy;

    stats.turns++;
    busy = events_dispatch();
    busy |= timers_run();
    busy |= run_work();
    if (!busy && block)
        halt();
}

static void wake_only(void *arg)
{
    (void)arg;
}

bool loop_run_until(bool (*done)(void *), void *arg, uint64_t deadline)
{
    struct ktimer t;
    bool ok;

    ktimer_init(&t, wake_only, NULL);
    if (deadline)
        ktimer_set(&t, deadline);       /* so the halt ends at the deadline */
    for (;;) {
        if (done && done(arg)) {
            ok = true;
            break;
        }
        if (deadline && now_ns() >= deadline) {
            ok = false;
            break;
        }
        loop_once(true);
    }
    ktimer_cancel(&t);
    return ok;
}

void loop_stats(struct loop_stats *st)
{
    *st = stats;
}
