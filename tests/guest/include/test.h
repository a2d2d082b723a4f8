/*
 * The test-guest API: everything a tests/guest/<name>.c includes.
 *
 * A test defines `void test_main(void)`.  runtime_main() (runtime/runtime.c)
 * checks that the hypercall page was filled, calls test_main(), and when it
 * returns prints the verdict and powers the domain off.
 *
 * Reporting, in the manner of XTF: a test records outcomes as it goes and
 * the runtime prints exactly one final line
 *
 *     Test result: SUCCESS | SKIP | ERROR | FAILURE
 *
 * where the worst recorded outcome wins (FAILURE > ERROR > SKIP > SUCCESS).
 *   test_success()       the test ran to completion (call it last);
 *   test_fail(fmt, ...)  the hypervisor got something wrong ("Failure: ..."),
 *                        the test carries on so one run shows every problem;
 *   test_error(fmt, ...) the test itself could not do its job, e.g. could
 *                        not construct an unmapped address ("Error: ...");
 *   test_skip(fmt, ...)  the check does not apply here ("Skip: ...").
 * A test that returns without recording anything ends with ERROR.
 *
 * test_exit() prints the verdict and shuts down at once (SCHEDOP_shutdown,
 * SHUTDOWN_poweroff; if that returns, it loops on ud2).  test_expect_crash()
 * prints "Test expects crash: <what>" just before the test deliberately does
 * something the hypervisor must kill the domain for; the QEMU harness then
 * requires the crash exit code and the hypervisor's "crashed" line.
 *
 * CHECK(cond, fmt, ...) is test_fail() with the file and line when !cond.
 */
#ifndef GUEST_TEST_H
#define GUEST_TEST_H

#include <stdint.h>
#include <public/xen.h>
#include <public/version.h>
#include <public/sched.h>
#include <public/errno.h>
#include <lib.h>
#include <hypercall.h>
#include <mm.h>
#include <entry.h>

void test_main(void);       /* provided by each test */

void test_success(void);
void test_fail(const char *fmt, ...) __printf(1, 2);
void test_error(const char *fmt, ...) __printf(1, 2);
void test_skip(const char *fmt, ...) __printf(1, 2);
void test_expect_crash(const char *what);
void __noreturn test_exit(void);

#define CHECK(cond, fmt, ...)                       \
    do {                                \
        if (!(cond))                        \
            test_fail("%s:%d: " fmt, __FILE__, __LINE__,    \
                  ##__VA_ARGS__);           \
    } while (0)

/*
 * A step the rest of the test stands on: when it fails, the failure is
 * reported and the calling (void) function returns, since what follows
 * would only repeat it.
 */
#define REQUIRE(cond, fmt, ...)                                             \
    do {                                                                    \
        if (!(cond)) {                                                      \
            test_fail("%s:%d: " fmt, __FILE__, __LINE__, ##__VA_ARGS__);    \
            return;                                                         \
        }                                                                   \
    } while (0)

/* Check a hypercall result against an exact expected value. */
#define CHECK_RC(rc, expected, what)                    \
    do {                                \
        long rc_ = (rc), exp_ = (expected);         \
        if (rc_ != exp_)                    \
            test_fail("%s:%d: %s returned %ld, expected %ld", \
                  __FILE__, __LINE__, (what), rc_, exp_); \
    } while (0)

#endif /* GUEST_TEST_H */
