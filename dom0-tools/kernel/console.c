/*
 * The console: console_io output, VIRQ_CONSOLE input, the terminal modes.
 *
 * Input flows
 *
 *   serial -> hypervisor ring --VIRQ_CONSOLE--> read_input() -> inq (4 KiB)
 *          --input_work (main loop)--> line editor | raw consumer | held
 *
 * The VIRQ handler only moves bytes into inq and queues input_work; the
 * consumer runs from the loop's work queue, never inside event dispatch.
 * In line mode bytes are fed to the editor until it finishes a line; the
 * rest stays in inq as type-ahead for the next prompt (so a script pasted
 * into the console runs line by line, each after the previous command).
 * While a command runs (no prompt, no raw consumer), input is held, except
 * ^C, which is taken out and sets the "interrupted" flag that waiting
 * commands poll.  If inq fills up, further bytes are dropped and counted:
 * the hypervisor's ring must keep draining, or its own debug keys would
 * stop working.
 */
#include "console.h"
#include "events.h"
#include "loop.h"
#include "lineedit.h"
#include "hypercall.h"
#include "time.h"
#include <stdlib.h>
#include <errno.h>

#define INQ_SIZE 4096

static char inq[INQ_SIZE];
static uint32_t inq_head, inq_tail;         /* free-running */
static unsigned long dropped;
static struct kwork input_work;
static struct lineedit le;
static bool line_mode, line_ready, interrupted;
static term_raw_fn *raw_fn;
static void *raw_arg;
static bool partial_line;                   /* output since the last '\n' */

void console_write_raw(const char *s, size_t n)
{
    while (n) {
        unsigned int k = n > 4096 ? 4096 : (unsigned int)n;
        HYPERVISOR_console_io(CONSOLEIO_write, k, s);
        s += k;
        n -= k;
    }
}

static void le_out(void *arg, const char *s, size_t n)
{
    (void)arg;
    console_write_raw(s, n);
}

void term_write(const char *s, size_t n)
{
    if (!n)
        return;
    if (line_mode && le.active && !partial_line)
        le_hide(&le);
    console_write_raw(s, n);
    partial_line = s[n - 1] != '\n';
    if (line_mode && le.active && !partial_line)
        le_show(&le);
}

/* Input from the hypervisor or from term_inject: into inq, ^C aside. */
static void enqueue(const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!line_mode && !raw_fn && buf[i] == 0x03) {
            interrupted = true;
            continue;
        }
        if (inq_tail - inq_head == INQ_SIZE) {
            dropped++;
            continue;
        }
        inq[inq_tail++ % INQ_SIZE] = buf[i];
    }
}

static void read_input(void)
{
    char buf[256];
    long n;

    while ((n = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf)) > 0)
        enqueue(buf, (size_t)n);
}

struct injection {
    struct ktimer timer;
    size_t n;
    char bytes[];
};

static void inject_now(void *arg)
{
    struct injection *in = arg;

    enqueue(in->bytes, in->n);
    kwork_queue(&input_work);
    free(in);
}

int term_inject(const char *buf, size_t n, uint64_t delay_ns)
{
    struct injection *in = malloc(sizeof(*in) + n);

    if (!in)
        return -ENOMEM;
    memcpy(in->bytes, buf, n);
    in->n = n;
    ktimer_init(&in->timer, inject_now, in);
    ktimer_set(&in->timer, now_ns() + delay_ns);
    return 0;
}

static void deliver(void *arg)
{
    (void)arg;
    read_input();
    if (raw_fn) {
        while (inq_head != inq_tail && raw_fn) {
            uint32_t start = inq_head % INQ_SIZE;
            uint32_t n = MIN(inq_tail - inq_head, INQ_SIZE - start);
            inq_head += n;
            raw_fn(raw_arg, &inq[start], n);
        }
        return;
    }
    while (line_mode && !line_ready && inq_head != inq_tail) {
        if (le_feed(&le, inq[inq_head++ % INQ_SIZE]) == LE_LINE)
            line_ready = true;
    }
}

static void console_virq(void *arg, evtchn_port_t port)
{
    (void)arg;
    (void)port;
    kwork_queue(&input_work);
}

void console_init(void)
{
    input_work.fn = deliver;
    le_init(&le, le_out, NULL);
    if (evtchn_bind_virq(VIRQ_CONSOLE, console_virq, NULL) < 0)
        kprintf("cannot bind VIRQ_CONSOLE: no console input\n");
    kwork_queue(&input_work);
}

static bool line_done(void *arg)
{
    (void)arg;
    return line_ready;
}

size_t term_read_line(const char *prompt, char *buf, size_t size)
{
    size_t n;

    if (partial_line) {
        console_write_raw("\n", 1);
        partial_line = false;
    }
    line_mode = true;
    line_ready = false;
    le_start(&le, prompt);
    kwork_queue(&input_work);           /* type-ahead first */
    loop_run_until(line_done, NULL, 0);
    line_mode = false;
    n = strlen(le.buf);
    if (n >= size)
        n = size - 1;
    memcpy(buf, le.buf, n);
    buf[n] = '\0';
    return n;
}

void term_history_add(const char *line)
{
    le_history_add(&le, line);
}

void term_set_raw(term_raw_fn *fn, void *arg)
{
    raw_fn = fn;
    raw_arg = arg;
    if (fn)
        kwork_queue(&input_work);
}

bool term_interrupted(void)
{
    bool was = interrupted;

    read_input();
    was |= interrupted;
    interrupted = false;
    return was;
}

unsigned long console_input_dropped(void)
{
    return dropped;
}
