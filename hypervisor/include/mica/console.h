/*
 * Guest console output (common/console_io.c).
 *
 * The initial domain's console_io writes go to the hypervisor console as
 * written.  Every other domain's output is collected a line at a time,
 * printed with a "(d<id>:<name>) " prefix, with control characters
 * replaced, and rate-limited per domain (a token bucket of bytes), so one
 * chatty guest can neither forge hypervisor messages nor flood the serial
 * line.  Suppressed output is counted and reported.
 */
#ifndef MICA_CONSOLE_H
#define MICA_CONSOLE_H

#include <mica/types.h>
#include <mica/time.h>

struct domain;

#define DOMU_CONSOLE_BURST   8192          /* bytes a quiet domain may print at once */
#define DOMU_CONSOLE_RATE    2048          /* bytes per second, sustained */

/* Console input (polling, VIRQ_CONSOLE, debug keys): mica/keyhandler.h. */

/* Print any partial line and the suppressed-bytes count (domain dies). */
void domu_console_flush(struct domain *d);

/*
 * Token bucket: top up `tokens` for the time since `*refilled` at `rate`
 * per second, capped at `burst`.  Pure; host-tested.
 */
void console_bucket_refill(int64_t *tokens, s_time_t *refilled, s_time_t now,
                           int64_t rate, int64_t burst);

#endif
