/*
 * test-console: console_io writes of unprivileged domains
 * (hypervisor/common/console_io.c): whole lines with a "(dN:name) "
 * prefix, control characters replaced, lines of two domains never mixed,
 * long lines split, the rate limit (burst, then a steady rate, the
 * suppressed count reported), and the initial domain's raw output.
 */
#include "htest.h"
#include <mica/xsm.h>
#include <mica/domain.h>
#include <mica/hypercall.h>
#include <mica/console.h>
#include <mica/guest_access.h>
#include <mica/errno.h>
#include <mica/printk.h>
#include <mica/keyhandler.h>

struct vcpu *current;
static s_time_t fake_now = SECONDS(10);
static char out[1 << 20];
static size_t out_len;
static char warn[4096];

s_time_t NOW(void) { return fake_now; }
void console_write(const char *s, size_t n)
{
    if (out_len + n < sizeof(out)) {
        memcpy(out + out_len, s, n);
        out_len += n;
        out[out_len] = '\0';
    }
}
void printk_level(enum log_level lvl, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    size_t l = strlen(warn);
    vsnprintf(warn + l, sizeof(warn) - l, fmt, ap);
    va_end(ap);
}
/* Console input (console_input.c) is tested in test-console-switch. */
void console_input_drain(void) { }
size_t console_input_peek(char *buf, size_t n) { return 0; }
void console_input_consume(size_t n) { }
bool guest_range_ok(guest_va_t va, uint64_t len) { return (uint64_t)va + len <= 0xF5800000u; }
/* "Guest addresses" are offsets into this buffer. */
static char guest_mem[1 << 20];
int copy_from_guest(void *dst, guest_va_t src, size_t len)
{
    if ((uint64_t)src + len > sizeof(guest_mem))
        return -EFAULT;
    memcpy(dst, guest_mem + src, len);
    return 0;
}
int copy_to_guest(guest_va_t dst, const void *src, size_t len) { return -EFAULT; }
int guest_probe_writable(guest_va_t va, size_t len) { return -EFAULT; }

/* Preemption: hypercall_preempt_check() says "yield" after preempt_after
 * checks; a continuation is recorded, not made. */
static unsigned long preempt_after = ~0UL, nchecks, cont_args[5];
static unsigned int cont_nr, cont_calls;
bool hypercall_preempt_check(void) { return ++nchecks > preempt_after; }
long hypercall_create_continuation(unsigned int nr, unsigned int nargs, ...)
{
    va_list ap;
    va_start(ap, nargs);
    for (unsigned int i = 0; i < nargs && i < 5; i++)
        cont_args[i] = va_arg(ap, unsigned long);
    va_end(ap);
    cont_nr = nr;
    cont_calls++;
    return nr;
}

static struct domain dom0, dom1, dom2;
static struct vcpu v0, v1, v2;

static void setup(void)
{
    memset(&dom1, 0, sizeof(dom1));
    memset(&dom2, 0, sizeof(dom2));
    dom0.domain_id = 0; strcpy(dom0.name, "Domain-0"); dom0.is_privileged = true;
    dom0.xsm_caps = XSM_CAP_ALL;
    dom1.domain_id = 1; strcpy(dom1.name, "ping");
    dom2.domain_id = 2; strcpy(dom2.name, "pong");
    v0.domain = &dom0; v1.domain = &dom1; v2.domain = &dom2;
    out_len = 0; out[0] = '\0'; warn[0] = '\0';
}

static long write_as(struct vcpu *v, const char *s, size_t n)
{
    current = v;
    memcpy(guest_mem + 4096, s, n);
    return do_console_io(CONSOLEIO_write, n, 4096, 0, 0);
}
#define WRITE(v, lit) write_as(v, lit, sizeof(lit) - 1)

HTEST(lines_are_prefixed_and_whole)
{
    setup();
    CHECK_EQ(WRITE(&v1, "hel"), 0);
    CHECK_STREQ(out, "");                      /* held until the newline */
    CHECK_EQ(WRITE(&v2, "other\n"), 0);
    CHECK_EQ(WRITE(&v1, "lo\nsecond\n"), 0);
    CHECK_STREQ(out, "(d2:pong) other\n(d1:ping) hello\n(d1:ping) second\n");
}

HTEST(control_characters_are_replaced)
{
    setup();
    CHECK_EQ(WRITE(&v1, "a\033[2Jb\tc\r\x7f\n"), 0);
    CHECK_STREQ(out, "(d1:ping) a?[2Jb\tc??\n");
}

HTEST(long_lines_are_split)
{
    char line[300];
    setup();
    memset(line, 'x', sizeof(line));
    CHECK_EQ(write_as(&v1, line, sizeof(line)), 0);
    CHECK_EQ(out_len, 2 * (10 + DOMU_CONSOLE_LINE + 1));    /* 2 full pieces */
    domu_console_flush(&dom1);
    CHECK_EQ(out_len, 2 * (10 + DOMU_CONSOLE_LINE + 1) + 10 + 300 - 2 * DOMU_CONSOLE_LINE + 1);
}

HTEST(initial_domain_is_raw)
{
    setup();
    CHECK_EQ(WRITE(&v0, "raw\033 text"), 0);
    CHECK_STREQ(out, "raw\033 text");
}

HTEST(bad_buffers)
{
    setup();
    current = &v1;
    CHECK_EQ(do_console_io(CONSOLEIO_write, 16, 0xF57FFFF8u, 0, 0), -EFAULT);
    CHECK_EQ(do_console_io(CONSOLEIO_write, 0xffffffffu, 0, 0, 0), -EFAULT);
    CHECK_EQ(do_console_io(CONSOLEIO_read, 16, 4096, 0, 0), -EPERM);
    CHECK_STREQ(out, "");
}

HTEST(rate_limit)
{
    char line[100];
    setup();
    memset(line, 'y', sizeof(line));
    line[99] = '\n';
    /* A burst passes, then lines are dropped. */
    for (int i = 0; i < 200; i++)
        CHECK_EQ(write_as(&v1, line, sizeof(line)), 0);
    size_t printed = out_len / (10 + 100);
    CHECK(printed >= DOMU_CONSOLE_BURST / 100 - 1 && printed <= DOMU_CONSOLE_BURST / 100);
    CHECK_STREQ(warn, "");
    /* Another domain is not affected. */
    size_t before = out_len;
    CHECK_EQ(WRITE(&v2, "still here\n"), 0);
    CHECK(out_len > before);
    /* One second later about DOMU_CONSOLE_RATE bytes more pass, and the
     * suppressed bytes are reported first. */
    fake_now += SECONDS(1);
    before = out_len;
    for (int i = 0; i < 100; i++)
        CHECK_EQ(write_as(&v1, line, sizeof(line)), 0);
    size_t more = (out_len - before) / (10 + 100);
    CHECK(more >= DOMU_CONSOLE_RATE / 100 - 1 && more <= DOMU_CONSOLE_RATE / 100 + 1);
    CHECK(strstr(warn, "d1 (ping): console rate limit:") != NULL);
    CHECK(strstr(warn, "bytes suppressed") != NULL);
}

HTEST(bucket_refill)
{
    int64_t tokens = 0;
    s_time_t refilled = 0;
    console_bucket_refill(&tokens, &refilled, MILLISECS(500), 2048, 8192);
    CHECK_EQ(tokens, 1024);
    /* Tiny steps still add up (the fraction is kept). */
    for (int i = 0; i < 1000; i++)
        console_bucket_refill(&tokens, &refilled, MILLISECS(500) + MICROSECS(100) * (i + 1),
                              2048, 8192);
    CHECK(tokens >= 1024 + 204 && tokens <= 1024 + 205);
    console_bucket_refill(&tokens, &refilled, SECONDS(100), 2048, 8192);
    CHECK_EQ(tokens, 8192);
    console_bucket_refill(&tokens, &refilled, SECONDS(50), 2048, 8192);  /* backwards */
    CHECK_EQ(tokens, 8192);
}

/*
 * A write's length is the guest's (gigabytes cost it one aliased frame):
 * between 128-byte chunks it yields when the budget is spent, and the
 * continuation carries the rest -- the count left and where it starts.
 */
HTEST(a_long_write_yields_and_goes_on)
{
    setup();
    current = &v1;
    memset(guest_mem + 4096, 'a', 2000);
    nchecks = 0;
    preempt_after = 3;
    do_console_io(CONSOLEIO_write, 2000, 4096, 0, 0);
    preempt_after = ~0UL;
    CHECK_EQ(cont_calls, 1);
    CHECK_EQ(cont_nr, __HYPERVISOR_console_io);
    CHECK_EQ(cont_args[0], CONSOLEIO_write);
    CHECK_EQ(cont_args[1], 2000 - 4 * 128);
    CHECK_EQ(cont_args[2], 4096 + 4 * 128);
    CHECK_EQ(do_console_io(CONSOLEIO_write, cont_args[1], cont_args[2], 0, 0), 0);
    CHECK_EQ(cont_calls, 1);             /* nothing asked it to yield again */
    domu_console_flush(&dom1);
    CHECK_EQ(dom1.console.dropped, 0);
    CHECK(strstr(out, "(d1:ping) aaaa") != NULL);
}
