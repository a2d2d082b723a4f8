/*
 * The OS interface, part 1 of the portable tools' view of Dom0: the main
 * loop.  (The interface is split by subject: os_loop.h, os_time.h,
 * os_events.h, os_grant.h, os_files.h, os_term.h, os_system.h; hypercalls,
 * hypercall buffers and foreign mappings in os_priv.h.)
 *
 * Tools are event-driven programs.  They register handlers (event
 * channels, timers, deferred work) and return; the OS runs the handlers
 * one at a time, never concurrently and never nested inside each other,
 * from its main loop.  A command that must wait for something calls
 * os_loop_run_until(), which keeps running every other handler meanwhile.
 *
 * Implementations: Mica's Dom0 kernel (os/mica/), the host fake of the
 * tests (os/fake/); a Linux Dom0 would run the same loop over poll() on
 * the evtchn and gntdev devices.
 */
#ifndef DOM0_OS_LOOP_H
#define DOM0_OS_LOOP_H

#include <stdbool.h>
#include <stdint.h>

/* Deferred work: fn(arg) runs from the loop, once per os_work_queue(). */
struct os_work;
typedef void os_work_fn(void *arg);
struct os_work *os_work_new(os_work_fn *fn, void *arg);
/* Queue it (a no-op if already queued); it runs after the current
 * handler, and after every source that was already waiting. */
void os_work_queue(struct os_work *w);
/* Cancel (if queued) and free. */
void os_work_free(struct os_work *w);

/*
 * Run the loop until done(arg) returns true (checked before every turn)
 * or, with a deadline (os_now_ns() time; 0 = none), until it passes.
 * True if done, false on the deadline.
 */
bool os_loop_run_until(bool (*done)(void *arg), void *arg, uint64_t deadline_ns);

#endif
