/*
 * spin: a helper domain for multi-domain tests (started with dom=spin),
 * not a test of its own: it never prints a verdict.
 *
 * Its command line picks a role:
 *   role=spin      burn the CPU forever (fairness, preemption, time tests)
 *   role=burn      the same (an older name kept for the scale tests)
 * The roles that talk bind to the first port domain 0 offers and greet it
 * with one event (evtchn_connect_and_greet), then:
 *   role=pong      answer every event with one; when the channel goes
 *                  unbound (domain 0 closed it) shut down
 *   role=close     wait for one event, then close the port and spin
 *   role=die       wait for one event, then crash (ud2 with no trap
 *                  table): a domain dying in the middle of a conversation
 *   role=chatty    print lines=N lines (default 2000) as fast as it can,
 *                  then shut down (console rate limiting)
 *   role=waker     each time it receives an event, spin delay_us=N
 *                  microseconds, then send one back
 * and one that does not:
 *   role=watchdog  arm a domain watchdog of wd_sec=N seconds (default 1)
 *                  and spin until it fires
 */
#include <test.h>
#include <events.h>

static void __noreturn die_quietly(unsigned int reason)
{
    struct sched_shutdown sd = { .reason = reason };

    HYPERVISOR_sched_op(SCHEDOP_shutdown, &sd);
    for (;;)
        asm volatile ("ud2");
}

static evtchn_port_t connect_to_dom0(void)
{
    long p = evtchn_connect_and_greet(0, 10000);

    if (p <= 0) {
        printf("spin: no port offered by domain 0 (%ld)\n", p);
        die_quietly(SHUTDOWN_crash);
    }
    return (evtchn_port_t)p;
}

static bool still_bound(evtchn_port_t p)
{
    evtchn_status_t st;
    return evtchn_status(DOMID_SELF, p, &st) == 0 && st.status == EVTCHNSTAT_interdomain;
}

static void pong(void)
{
    evtchn_port_t p = connect_to_dom0();
    unsigned long n = 0;

    for (;;) {
        wait_port(p, 0);
        if (!still_bound(p))
            break;
        evtchn_send(p);
        n++;
    }
    printf("pong: answered %lu events, channel closed by domain 0\n", n);
    die_quietly(SHUTDOWN_poweroff);
}

static void waker(unsigned long delay_us)
{
    evtchn_port_t p = connect_to_dom0();

    for (;;) {
        wait_port(p, 0);
        if (!still_bound(p))
            die_quietly(SHUTDOWN_poweroff);
        spin_ns(delay_us * NS_PER_US);
        evtchn_send(p);
    }
}

static void chatty(unsigned long lines)
{
    for (unsigned long i = 0; i < lines; i++)
        printf("chatty line %lu: the quick brown fox jumps over the lazy dog\n", i);
    die_quietly(SHUTDOWN_poweroff);
}

void test_main(void)
{
    const char *cl = (const char *)start_info->cmd_line;
    const char *role = cmdline_value(cl, "role");
    const char *v;

    if (map_shared_info()) {
        printf("spin: cannot map shared_info\n");
        die_quietly(SHUTDOWN_crash);
    }
    if (role && !strncmp(role, "pong", 4))
        pong();
    if (role && !strncmp(role, "waker", 5))
        waker((v = cmdline_value(cl, "delay_us")) ? parse_ulong(&v) : 0);
    if (role && !strncmp(role, "chatty", 6))
        chatty((v = cmdline_value(cl, "lines")) ? parse_ulong(&v) : 2000);
    if (role && !strncmp(role, "watchdog", 8)) {
        struct sched_watchdog wd = { .id = 0, .timeout = 1 };
        if ((v = cmdline_value(cl, "wd_sec")))
            wd.timeout = parse_ulong(&v);
        long id = HYPERVISOR_sched_op(SCHEDOP_watchdog, &wd);
        printf("watchdog %ld armed for %u s\n", id, wd.timeout);
    }
    if (role && (!strncmp(role, "close", 5) || !strncmp(role, "die", 3))) {
        evtchn_port_t p = connect_to_dom0();
        wait_port(p, 0);
        if (role[0] == 'd')
            asm volatile ("ud2");           /* no trap table: crashes */
        evtchn_close(p);
    }
    /* role=spin (and role=burn): a loop of ordinary instructions, no PAUSE.
     * QEMU's TCG leaves its execution loop on every PAUSE: each costs a
     * round trip through QEMU's main loop and its locks, so a PAUSE loop
     * runs at a few million iterations a second on an idle host and far
     * fewer on a loaded one -- the fairness tests' 1.2 s of virtual time
     * under -icount then took over a minute and timed out -- and with 128
     * domains in it the virtual clock froze altogether.  A counting loop
     * burns the CPU at QEMU's full speed and lets time go on as it should;
     * on hardware the difference is only the SMT hint. */
    for (volatile uint32_t n = 0;; n++)
        ;
}
