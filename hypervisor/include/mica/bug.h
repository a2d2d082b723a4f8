/*
 * Hypervisor invariant checks.
 *
 * BUG_ON() is for conditions that can only be true if the hypervisor itself
 * is broken (a double free, a corrupted free list), never for anything a
 * guest can cause: guest mistakes are refused with an error or crash the
 * guest.  A failed check ends in bug_fail(), which the arch code implements
 * (print the location and a backtrace, then halt); host unit tests supply
 * their own bug_fail() that records the failure and longjmps out, which is
 * why code using BUG_ON should check everything before it changes anything.
 */
#ifndef MICA_BUG_H
#define MICA_BUG_H

#include <mica/types.h>

void bug_fail(const char *file, int line, const char *cond) __noreturn;

#define BUG_ON(c) do { if (unlikely(c)) bug_fail(__FILE__, __LINE__, #c); } while (0)
#define BUG()     bug_fail(__FILE__, __LINE__, "BUG")

#endif /* MICA_BUG_H */
