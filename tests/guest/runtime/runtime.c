/*
 * The test-guest runtime: what happens around test_main(), and the report API.
 *
 * head.S calls runtime_main() on the runtime stack.  Before running the test
 * we make sure the hypercall page was filled (byte 0 would still be our 0xC3
 * poison otherwise): without it every hypercall through the page would be a
 * `ret` returning garbage, so in that case the runtime switches its own
 * console and shutdown calls to raw int $0x82 and reports ERROR.
 *
 * Outcomes are ranked; the worst recorded one is printed as the single final
 * "Test result:" line (see test.h), then the domain powers itself off.
 */
#include <test.h>

enum status { ST_NONE, ST_SUCCESS, ST_SKIP, ST_ERROR, ST_FAILURE };
static const char *const status_name[] = {
    [ST_NONE] = "ERROR", [ST_SUCCESS] = "SUCCESS", [ST_SKIP] = "SKIP",
    [ST_ERROR] = "ERROR", [ST_FAILURE] = "FAILURE",
};

static enum status status = ST_NONE;
static bool page_broken;    /* hypercall page not filled: use raw int $0x82 */

void __noreturn runtime_main(void);

static long rt_hypercall2(unsigned int nr, long a1, long a2)
{
    return page_broken ? raw_hypercall(nr, a1, a2, 0, 0, 0)
               : hypercall2(nr, a1, a2);
}

void console_write(const char *s, size_t len)
{
    if (page_broken)
        raw_hypercall(__HYPERVISOR_console_io, CONSOLEIO_write, (long)len,
                  (long)s, 0, 0);
    else
        HYPERVISOR_console_io(CONSOLEIO_write, len, s);
}

static void record(enum status st, const char *tag, const char *fmt, va_list ap)
{
    char buf[512];

    if (st > status)
        status = st;
    if (!tag)
        return;
    vsnprintf(buf, sizeof(buf), fmt, ap);
    printf("%s: %s\n", tag, buf);
}

void test_success(void)
{
    if (status < ST_SUCCESS)
        status = ST_SUCCESS;
}

#define DEFINE_REPORT(fn, st, tag)          \
    void fn(const char *fmt, ...)           \
    {                       \
        va_list ap;             \
        va_start(ap, fmt);          \
        record(st, tag, fmt, ap);       \
        va_end(ap);             \
    }
DEFINE_REPORT(test_fail, ST_FAILURE, "Failure")
DEFINE_REPORT(test_error, ST_ERROR, "Error")
DEFINE_REPORT(test_skip, ST_SKIP, "Skip")

void test_expect_crash(const char *what)
{
    printf("Test expects crash: %s\n", what);
}

void __noreturn test_exit(void)
{
    struct sched_shutdown sd = { .reason = SHUTDOWN_poweroff };

    if (status == ST_NONE)
        printf("Error: test did not report a result\n");
    printf("Test result: %s\n", status_name[status]);
    rt_hypercall2(__HYPERVISOR_sched_op, SCHEDOP_shutdown, (long)&sd);
    for (;;)
        asm volatile ("ud2");
}

void __noreturn runtime_main(void)
{
    if (hypercall_page[0] == 0xc3) {
        page_broken = true;
        test_error("hypercall page at %p was not filled (byte 0 is 0xc3)",
               hypercall_page);
        test_exit();
    }
    test_main();
    test_exit();
}
