/*
 * pvconsole: a guest that talks through its PV console ring -- the one a
 * Dom0 console backend serves -- instead of the hypervisor's console_io.
 * It is the guest of `make run`'s demo (/etc/xl/hello.cfg) and of the
 * Dom0 tests; on its own (booted from a module, with no backend) it has
 * nobody to talk to and stops.
 *
 * Its command line picks what it does after its greeting:
 *   (default)        echo each typed line back; a line that is one of
 *                    these words ends it instead (for the on_* actions,
 *                    triggered by a person or a session at a known
 *                    moment): "quit" or "poweroff", "reboot", "crash",
 *                    "watchdog" (SCHEDOP_shutdown with that reason, each
 *                    said first on the console), "fault" (a #UD with no
 *                    trap table: the hypervisor crashes the domain)
 *   lines=N          print N numbered lines, then power off
 *   flood=1          print lines as fast as the ring takes them, forever
 *   exit=REASON      poweroff / reboot / crash / watchdog, after=MS
 *                    milliseconds (default 0) -- for the on_* actions
 *   name=NAME        the name it greets with (default "pvconsole")
 * Every line it prints goes to the ring; "pvconsole: ..." diagnostics when
 * the ring is missing go to console_io.
 */
#include <test.h>
#include <events.h>
#include <pvcons.h>

static void __noreturn stop(unsigned int reason)
{
    struct sched_shutdown sd = { .reason = reason };

    HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
    for (;;)
        asm volatile ("ud2");
}

static void echo_lines(const char *name)
{
    char line[128], c;
    size_t len = 0;

    static const struct { const char *word; unsigned int reason; } words[] = {
        { "quit", SHUTDOWN_poweroff }, { "poweroff", SHUTDOWN_poweroff },
        { "reboot", SHUTDOWN_reboot }, { "crash", SHUTDOWN_crash },
        { "watchdog", SHUTDOWN_watchdog },
    };

    pvcons_printf("%s: type a line and it comes back; 'quit' powers me off.\r\n", name);
    for (;;) {
        if (!pvcons_read(&c, 1)) {
            pvcons_wait(0);
            continue;
        }
        if (c == '\r' || c == '\n') {
            line[len] = '\0';
            pvcons_write("\r\n", 2, 10000);
            for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
                if (!strcmp(line, words[i].word)) {
                    pvcons_printf("%s: bye (%s)\r\n", name, words[i].word);
                    stop(words[i].reason);
                }
            }
            if (!strcmp(line, "fault")) {
                pvcons_printf("%s: executing ud2 with no trap table\r\n", name);
                asm volatile ("ud2; .ascii \"nex\"; nop");
                pvcons_printf("%s: survived ud2?\r\n", name);
            }
            if (len)
                pvcons_printf("%s: you typed '%s'\r\n", name, line);
            len = 0;
        } else if ((c == 0x7f || c == 8) && len) {
            len--;
            pvcons_write("\b \b", 3, 10000);
        } else if (c >= 0x20 && c < 0x7f && len < sizeof(line) - 1) {
            line[len++] = c;
            pvcons_write(&c, 1, 10000);             /* the guest echoes, as a tty does */
        }
    }
}

void test_main(void)
{
    const char *cl = (const char *)start_info->cmd_line;
    const char *v, *name = "pvconsole";
    char namebuf[32];

    if (map_shared_info() || pvcons_init()) {
        printf("pvconsole: no console ring to talk to (not built by a toolstack)\n");
        stop(SHUTDOWN_poweroff);
    }
    if ((v = cmdline_value(cl, "name"))) {
        size_t n = 0;
        while (v[n] && v[n] != ' ' && n < sizeof(namebuf) - 1) {
            namebuf[n] = v[n];
            n++;
        }
        namebuf[n] = '\0';
        name = namebuf;
    }
    pvcons_printf("Hello from %s, a Mica PV guest, on its PV console (%lu KiB of memory).\r\n",
                  name, (unsigned long)start_info->nr_pages * 4);
    if ((v = cmdline_value(cl, "lines"))) {
        unsigned long n = parse_ulong(&v);
        for (unsigned long i = 0; i < n; i++)
            pvcons_printf("%s line %lu: the quick brown fox jumps over the lazy dog\r\n", name, i);
        stop(SHUTDOWN_poweroff);
    }
    if (cmdline_value(cl, "flood")) {                   /* flood=1 */
        for (unsigned long i = 0;; i++)
            pvcons_printf("%s flood %lu: the quick brown fox jumps over the lazy dog\r\n", name, i);
    }
    if ((v = cmdline_value(cl, "exit"))) {
        const char *a = cmdline_value(cl, "after");
        unsigned long ms = a ? parse_ulong(&a) : 0;
        unsigned int reason = !strncmp(v, "reboot", 6) ? SHUTDOWN_reboot :
                              !strncmp(v, "crash", 5) ? SHUTDOWN_crash :
                              !strncmp(v, "watchdog", 8) ? SHUTDOWN_watchdog : SHUTDOWN_poweroff;
        spin_ns((uint64_t)ms * NS_PER_MS);
        pvcons_printf("%s: shutting down (%.8s)\r\n", name, v);
        stop(reason);
    }
    echo_lines(name);
}
