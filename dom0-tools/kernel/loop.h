/*
 * The main loop (loop.c): Dom0 is one flow of control that waits for
 * events, timers and deferred work, and runs their handlers one at a time.
 */
#ifndef DOM0_LOOP_H
#define DOM0_LOOP_H

#include "kernel.h"

struct kwork {
    void (*fn)(void *arg);
    void *arg;
    struct kwork *next;
    bool queued;
};

/* Run fn(arg) from the loop, once, after the handlers now running.
 * Queuing an already queued item does nothing. */
void kwork_queue(struct kwork *w);
void kwork_cancel(struct kwork *w);

/* One turn: events, due timers, deferred work.  With `block`, halt first
 * if none of them has anything (until an event or the next timer). */
void loop_once(bool block);
/* Turn until done(arg) or the deadline (0 = none) has passed; true if done. */
bool loop_run_until(bool (*done)(void *), void *arg, uint64_t deadline);

/* Statistics: turns, halts. */
struct loop_stats {
    uint64_t turns;
    uint64_t halts;
    uint64_t idle_cycles;   /* TSC ticks spent halted (waiting for events) */
};
void loop_stats(struct loop_stats *st);

#endif
