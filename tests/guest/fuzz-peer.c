/*
 * fuzz-peer: the domains that run beside the hypercall fuzzer
 * (tests/guest/fuzz.c) and show that its victim is only itself.
 *
 *   role=peer   the companion.  It binds to the port domain 0 offers and
 *               greets it, then until domain 0 closes that channel: answers
 *               every ping, and between pings checks that it still works
 *               -- a 64 KiB pattern in its memory is intact (nobody wrote
 *               into it), hypercalls still answer (xen_version, its own
 *               reservation), an event to itself arrives.  When the channel
 *               goes it checks once more and reports its own verdict.
 *   role=watch  domain 0 when the fuzzer is unprivileged: offers a port to
 *               the companion (peer=ID), pings it every 20 ms while the
 *               fuzzer (fuzzer=ID) exists -- a missing answer within 5 s is
 *               a FAILURE -- then closes the channel and waits for the
 *               companion to finish.
 */
#include <test.h>
#include <events.h>
#include <pt.h>

#define PATTERN_WORDS (64 * 1024 / 4)
static uint32_t pattern[PATTERN_WORDS];

static uint32_t pattern_word(uint32_t i) { return i * 2654435761u ^ 0x5a5aa5a5u; }

/* self_port is bound to self_end: an event sent on one arrives on the other */
static bool self_check(evtchn_port_t self_port, evtchn_port_t self_end, long pages)
{
    for (uint32_t i = 0; i < PATTERN_WORDS; i++)
        if (pattern[i] != pattern_word(i)) {
            test_fail("pattern word %u changed: 0x%x", i, pattern[i]);
            return false;
        }
    if (HYPERVISOR_xen_version(XENVER_version, NULL) <= 0) {
        test_fail("xen_version stopped working");
        return false;
    }
    if (current_pages() != pages) {
        test_fail("reservation changed: %ld pages, was %ld", current_pages(), pages);
        return false;
    }
    evtchn_clear_pending(self_end);
    if (evtchn_send(self_port) < 0 || wait_port(self_end, now_ns() + 2000 * NS_PER_MS) != 1) {
        test_fail("an event to ourselves did not arrive");
        return false;
    }
    return true;
}

static void peer(void)
{
    long p = evtchn_connect_and_greet(0, 10000);
    uint32_t answered = 0, checks = 0;
    long pages = current_pages();
    long a = evtchn_alloc_unbound(DOMID_SELF);
    long self_port = a >= 0 ? evtchn_bind_interdomain(DOMID_SELF, a) : a;

    if (p <= 0 || self_port <= 0) {
        test_error("no channel to domain 0 (%ld) or to ourselves (%ld)", p, self_port);
        return;
    }
    for (uint32_t i = 0; i < PATTERN_WORDS; i++)
        pattern[i] = pattern_word(i);
    for (;;) {
        long rc = wait_port(p, now_ns() + 50 * NS_PER_MS);
        evtchn_status_t s;
        if (rc == 1) {
            if (evtchn_status(DOMID_SELF, p, &s) || s.status != EVTCHNSTAT_interdomain)
                break;      /* domain 0 closed it: the run is over */
            evtchn_send(p);
            answered++;
        }
        if (!self_check(self_port, a, pages))
            return;
        checks++;
    }
    if (self_check(self_port, a, pages)) {
        printf("fuzz-peer: answered %u pings, %u self-checks passed\n", answered, checks);
        test_success();
    }
}

static void watch(void)
{
    const char *cl = (const char *)start_info->cmd_line, *v;
    domid_t fuzzer = (v = cmdline_value(cl, "fuzzer")) ? parse_ulong(&v) : 1;
    domid_t pd = (v = cmdline_value(cl, "peer")) ? parse_ulong(&v) : 2;
    uint64_t limit = ((v = cmdline_value(cl, "timeout_ms")) ? parse_ulong(&v) : 600000) * NS_PER_MS;
    long p = evtchn_offer_and_wait(pd, 20000 * NS_PER_MS);
    uint32_t pings = 0;
    uint64_t end = now_ns() + limit;

    if (p <= 0) {
        test_error("the companion d%u never greeted (%ld)", pd, p);
        return;
    }
    for (;;) {
        evtchn_clear_pending(p);
        if (evtchn_send(p) < 0 || wait_port(p, now_ns() + 5000 * NS_PER_MS) != 1) {
            test_fail("the companion d%u stopped answering after %u pings", pd, pings);
            return;
        }
        pings++;
        if (wait_domain_gone(fuzzer, 20 * NS_PER_MS) == 0)
            break;
        if (now_ns() > end) {
            test_fail("the fuzzer d%u is still running", fuzzer);
            return;
        }
    }
    printf("fuzz-watch: the fuzzer d%u has gone; %u pings answered\n", fuzzer, pings);
    evtchn_close(p);
    CHECK(wait_domain_gone(pd, 20000 * NS_PER_MS) == 0, "the companion d%u did not finish", pd);
    test_success();
}

void test_main(void)
{
    const char *role = cmdline_value((const char *)start_info->cmd_line, "role");

    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    if (role && !strncmp(role, "watch", 5))
        watch();
    else
        peer();
}
