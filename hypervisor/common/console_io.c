/*
 * console_io (hypercall 18): the hypervisor console as seen by guests.
 *
 * CONSOLEIO_write is allowed for every domain (Mini-OS and XTF write to it
 * unconditionally).  The initial domain's output goes to the console as
 * written.  Until the initial domain serves consoles itself, other
 * domains' output is printed by the hypervisor, a line at a time:
 *
 *     (d1:ping) the line, control characters replaced by '?'
 *
 * A line is printed whole (so lines of several domains never interleave
 * mid-line) when its newline arrives or it fills DOMU_CONSOLE_LINE bytes.
 * Each domain has a token bucket of bytes (mica/console.h: a burst of
 * 8 KiB, then 2 KiB/s); a line that does not fit is dropped and counted,
 * and the count is reported ("... bytes suppressed") with the next line
 * that passes, or when the domain dies.  The serial line runs at about
 * 11 KiB/s, so no domain can take more than a fifth of it for long.
 * CONSOLEIO_read is for the initial domain only and never blocks; to wait
 * for input it binds VIRQ_CONSOLE, which a polling timer raises while
 * input is waiting.  Input reaches it through console_input.c, which
 * diverts the debug-key switch (Ctrl-A three times) and the debug keys.
 *
 * The buffer's range is checked as a whole against the guest hole before
 * anything is printed; its contents are then copied in chunks of 128
 * bytes through the guest's page tables and printed as they come, so a
 * chunk that faults ends the call with -EFAULT after the chunks before it
 * were printed (Xen behaves the same).  The length is the guest's and may
 * be gigabytes (one frame mapped over and over): the write yields between
 * chunks when the hypercall's budget is spent and goes on as a
 * continuation.  CONSOLEIO_read reads at most what the input ring holds,
 * so it never probes more of the buffer than that.
 */
#include <mica/xsm.h>
#include <mica/hypercall.h>
#include <mica/errno.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/printk.h>
#include <mica/lib.h>
#include <mica/console.h>
#include <mica/time.h>
#include <mica/keyhandler.h>
#include <public/xen.h>

void console_bucket_refill(int64_t *tokens, s_time_t *refilled, s_time_t now,
                           int64_t rate, int64_t burst)
{
    s_time_t delta = now - *refilled;

    if (delta <= 0)
        return;
    int64_t add = (int64_t)((uint64_t)delta * (uint64_t)rate / 1000000000ULL);
    if (add <= 0)
        return;                             /* keep the fraction for later */
    *refilled += (s_time_t)((uint64_t)add * 1000000000ULL / (uint64_t)rate);
    *tokens += add;
    if (*tokens >= burst) {
        *tokens = burst;
        *refilled = now;
    }
}

static void report_dropped(struct domain *d)
{
    if (d->console.dropped) {
        pr_warn("d%u (%s): console rate limit: %lu bytes suppressed\n",
                d->domain_id, d->name, d->console.dropped);
        d->console.dropped = 0;
    }
}

/* Print the buffered line (with its newline, if it had one) or drop it. */
static void flush_line(struct domain *d, bool newline)
{
    struct domu_console *c = &d->console;
    char pfx[DOMAIN_NAME_LEN + 16];
    int64_t cost = (int64_t)c->len + newline;

    s_time_t now = NOW();

    if (!c->refilled) {                      /* first output: a full bucket */
        c->tokens = DOMU_CONSOLE_BURST;
        c->refilled = now;
    }
    console_bucket_refill(&c->tokens, &c->refilled, now, DOMU_CONSOLE_RATE,
                          DOMU_CONSOLE_BURST);
    if (c->tokens < cost) {
        c->dropped += (unsigned long)cost;
    } else {
        c->tokens -= cost;
        report_dropped(d);
        int n = snprintf(pfx, sizeof(pfx), "(d%u:%s) ", d->domain_id, d->name);
        console_write(pfx, (size_t)n);
        console_write(c->line, c->len);
        console_write("\n", 1);
    }
    c->len = 0;
}

void domu_console_flush(struct domain *d)
{
    if (d->console.len)
        flush_line(d, false);
    report_dropped(d);
}

static void domu_putc(struct domain *d, char c)
{
    if (c == '\n') {
        flush_line(d, true);
        return;
    }
    if ((c < 0x20 && c != '\t') || c == 0x7f)
        c = '?';                 /* no escape sequences from domUs */
    d->console.line[d->console.len++] = c;
    if (d->console.len == DOMU_CONSOLE_LINE)
        flush_line(d, false);
}

static long console_write_guest(struct domain *d, guest_va_t buf, uint32_t count)
{
    char chunk[128];
    bool first = true;

    if (!guest_range_ok(buf, count))
        return -EFAULT;
    while (count) {
        uint32_t n = count < sizeof(chunk) ? count : sizeof(chunk);
        /* The length is the guest's, and one frame mapped over gigabytes
         * costs it nothing: after each chunk the call may yield, and the
         * continuation carries on with the rest. */
        if (!first && hypercall_preempt_check())
            return hypercall_create_continuation(__HYPERVISOR_console_io, 3,
                                                 (unsigned long)CONSOLEIO_write,
                                                 (unsigned long)count, (unsigned long)buf);
        first = false;
        if (copy_from_guest(chunk, buf, n))
            return -EFAULT;
        if (d->domain_id == 0) {
            console_write(chunk, n);
        } else {
            for (uint32_t i = 0; i < n; i++)
                domu_putc(d, chunk[i]);
        }
        buf += n;
        count -= n;
    }
    return 0;
}

static long console_read_guest(struct domain *d, guest_va_t buf, uint32_t count)
{
    char chunk[64];
    uint32_t done = 0;

    if (xsm_check(XSM_CONSOLE_READ, d, NULL))
        return -EPERM;
    /* The range as a whole (no work), then no more than the input ring
     * can hold: the work below is bounded by it, not by the guest. */
    if (!guest_range_ok(buf, count))
        return -EFAULT;
    if (count > CONSOLE_INPUT_RING)
        count = CONSOLE_INPUT_RING;
    /* Check that part of the buffer first, so no input is consumed and
     * then lost. */
    if (guest_probe_writable(buf, count))
        return -EFAULT;
    console_input_drain();
    while (done < count) {
        uint32_t want = count - done < sizeof(chunk) ? count - done : sizeof(chunk);
        size_t n = console_input_peek(chunk, want);
        if (n == 0)
            break;
        if (copy_to_guest(buf + done, chunk, n))
            return -EFAULT;              /* the bytes stay in the ring */
        console_input_consume(n);
        done += (uint32_t)n;
    }
    return done;
}

HYPERCALL_PROTO(console_io)
{
    switch (a1) {
    case CONSOLEIO_write:
        return console_write_guest(current_domain(), (guest_va_t)a3, (uint32_t)a2);
    case CONSOLEIO_read:
        return console_read_guest(current_domain(), (guest_va_t)a3, (uint32_t)a2);
    default:
        return -ENOSYS;
    }
}
