/*
 * htest: the smallest test framework that does the job, for host unit tests.
 *
 *   #include "htest.h"
 *   HTEST(parses_numbers) { CHECK_EQ(parse("42"), 42); }
 *
 * Each HTEST registers itself (a constructor) and the main() defined here
 * runs them in the order they appear, each in a child process, so a crash or
 * a sanitizer abort fails that case only and the others still run.  Output
 * is exactly one line per case:
 *
 *   PASS <program>.<case>
 *   FAIL <program>.<case>: <file>:<line>: <what failed> [values]
 *
 * (only the first failed check of a case is named; the rest are counted),
 * and the exit status is 1 if any case failed.  <program> is the basename of
 * argv[0].  Run with a case name as argument to run only that case;
 * HTEST_NOFORK=1 runs cases in-process, for a debugger.
 *
 * Include it from exactly one file per test program (it defines main).
 */
#ifndef HTEST_H
#define HTEST_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#define HTEST_MAX 512

struct htest_case {
    const char *name;
    void (*fn)(void);
};

static struct htest_case htest_cases[HTEST_MAX];
static int htest_ncases;
static int htest_failed_checks;     /* in the current case */
static char htest_first_failure[512];

#define HTEST(name)                                                          \
    static void htest_fn_##name(void);                                       \
    __attribute__((constructor)) static void htest_reg_##name(void)          \
    {                                                                        \
        if (htest_ncases < HTEST_MAX)                                        \
            htest_cases[htest_ncases++] = (struct htest_case){ #name,        \
                                                 htest_fn_##name };          \
    }                                                                        \
    static void htest_fn_##name(void)

__attribute__((format(printf, 3, 4), unused))
static void htest_fail(const char *file, int line, const char *fmt, ...)
{
    if (htest_failed_checks++ == 0) {
        va_list ap;
        int n = snprintf(htest_first_failure, sizeof(htest_first_failure),
                         "%s:%d: ", file, line);

        va_start(ap, fmt);
        vsnprintf(htest_first_failure + n, sizeof(htest_first_failure) - n, fmt, ap);
        va_end(ap);
    }
}

/* Each returns whether the check passed, so a test can stop early. */
#define CHECK(cond)                                                          \
    ((cond) ? 1 : (htest_fail(__FILE__, __LINE__, "CHECK(%s)", #cond), 0))

#define CHECK_EQ(a, b) ({                                                    \
    long long htest_a = (long long)(a), htest_b = (long long)(b);            \
    htest_a == htest_b ? 1 :                                                 \
        (htest_fail(__FILE__, __LINE__, "CHECK_EQ(%s, %s): %lld (%#llx) != %lld (%#llx)", \
                    #a, #b, htest_a, (unsigned long long)htest_a, htest_b,   \
                    (unsigned long long)htest_b), 0); })

#define CHECK_STREQ(a, b) ({                                                 \
    const char *htest_sa = (a), *htest_sb = (b);                             \
    (htest_sa && htest_sb && strcmp(htest_sa, htest_sb) == 0) ? 1 :          \
        (htest_fail(__FILE__, __LINE__, "CHECK_STREQ(%s, %s): \"%s\" != \"%s\"", \
                    #a, #b, htest_sa ? htest_sa : "(null)",                  \
                    htest_sb ? htest_sb : "(null)"), 0); })

/* Run one case in this process; returns 0 if it passed. */
static int htest_run_one(const char *prog, const struct htest_case *c)
{
    htest_failed_checks = 0;
    htest_first_failure[0] = '\0';
    c->fn();
    if (htest_failed_checks == 0) {
        printf("PASS %s.%s\n", prog, c->name);
        return 0;
    }
    if (htest_failed_checks > 1)
        printf("FAIL %s.%s: %s (and %d more failed checks)\n", prog, c->name,
               htest_first_failure, htest_failed_checks - 1);
    else
        printf("FAIL %s.%s: %s\n", prog, c->name, htest_first_failure);
    return 1;
}

int main(int argc, char **argv)
{
    const char *prog = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    bool nofork = getenv("HTEST_NOFORK") != NULL;
    int failed = 0, ran = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 0; i < htest_ncases; i++) {
        const struct htest_case *c = &htest_cases[i];
        pid_t pid;
        int status;

        if (argc > 1 && strcmp(argv[1], c->name) != 0)
            continue;
        ran++;
        if (nofork) {
            failed += htest_run_one(prog, c);
            continue;
        }
        fflush(stdout);
        pid = fork();
        if (pid < 0) {
            printf("FAIL %s.%s: fork failed\n", prog, c->name);
            failed++;
            continue;
        }
        if (pid == 0) {
            /* 0: passed, 3: failed (line printed); anything else: crashed */
            int rc = htest_run_one(prog, c);
            fflush(stdout);
            exit(rc ? 3 : 0);     /* exit(), not _exit(): LeakSanitizer runs at exit */
        }
        if (waitpid(pid, &status, 0) < 0) {
            printf("FAIL %s.%s: waitpid failed\n", prog, c->name);
            failed++;
        } else if (WIFSIGNALED(status)) {
            printf("FAIL %s.%s: crashed with signal %d\n", prog, c->name,
                   WTERMSIG(status));
            failed++;
        } else if (WEXITSTATUS(status) == 3) {
            failed++;
        } else if (WEXITSTATUS(status) != 0) {
            printf("FAIL %s.%s: died with exit status %d (sanitizer report above?)\n",
                   prog, c->name, WEXITSTATUS(status));
            failed++;
        }
    }
    if (ran == 0) {
        printf("FAIL %s: no test case matched\n", prog);
        return 1;
    }
    return failed ? 1 : 0;
}

#endif /* HTEST_H */
