/*
 * printk: formatted, levelled output to the hypervisor console.
 *
 * Lines are formatted into a bounded buffer (a long message is cut, never
 * overflows), filtered by level and written to every console sink.  A copy
 * of everything printed is kept in a ring buffer (console_log) so the
 * initial domain can read the hypervisor's log later, like "xl dmesg".
 */
#include <mica/printk.h>
#include <mica/lib.h>

int console_loglevel = LOG_INFO;

#define LOG_RING_SIZE 16384
static char log_ring[LOG_RING_SIZE];
static uint32_t log_prod;           /* free-running: bytes ever written */
static uint32_t log_cons;           /* oldest byte not cleared (readconsole) */

void console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        log_ring[(log_prod++) % LOG_RING_SIZE] = s[i];
    arch_console_write(s, n);
}

/*
 * The ring for sysctl readconsole (`xl dmesg`).  Positions are the
 * free-running byte counts; the oldest byte still held is the later of
 * the last clear and what the ring has not yet overwritten.
 */
uint32_t console_ring_oldest(void)
{
    return log_prod - log_cons > LOG_RING_SIZE ? log_prod - LOG_RING_SIZE : log_cons;
}

uint32_t console_ring_next(void)
{
    return log_prod;
}

size_t console_ring_copy(uint32_t pos, char *out, size_t max)
{
    size_t n = 0;

    if ((int32_t)(pos - console_ring_oldest()) < 0)
        return 0;
    while (n < max && pos != log_prod)
        out[n++] = log_ring[(pos++) % LOG_RING_SIZE];
    return n;
}

void console_ring_clear_to(uint32_t pos)
{
    log_cons = (uint32_t)(log_prod - pos) > LOG_RING_SIZE ? log_prod - LOG_RING_SIZE : pos;
}

void console_puts(const char *s)
{
    console_write(s, strlen(s));
}

void vprintk_level(enum log_level lvl, const char *fmt, va_list ap)
{
    static bool at_line_start = true;
    char buf[512];
    int n;

    if ((int)lvl > console_loglevel)
        return;
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof(buf))
        n = sizeof(buf) - 1;

    /* Prefix each line with "(mica) ". */
    const char *p = buf, *end = buf + n;
    while (p < end) {
        const char *nl = p;
        while (nl < end && *nl != '\n')
            nl++;
        if (at_line_start)
            console_write("(mica) ", 7);
        if (nl < end) {
            console_write(p, (size_t)(nl - p + 1));
            at_line_start = true;
            p = nl + 1;
        } else {
            console_write(p, (size_t)(end - p));
            at_line_start = false;
            p = end;
        }
    }
}

void printk_level(enum log_level lvl, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vprintk_level(lvl, fmt, ap);
    va_end(ap);
}
