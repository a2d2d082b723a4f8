/*
 * virq-debug: the debug keys raise VIRQ_DEBUG; the same key typed for the
 * initial domain does not.
 *
 * Serial input belongs to d0 until Ctrl-A is typed three times; then each
 * key is a hypervisor debug key, and 'd' (dump domains) raises VIRQ_DEBUG
 * on every vCPU that bound it, as in Xen (docs/debugging.md).  The
 * harness types each step once we print its marker (input@ options in
 * tests/qemu/tests.list), so nothing arrives before the VIRQ is bound:
 *
 *   1. "virq-debug: type plain"  -> "d": must reach us via CONSOLEIO_read,
 *      and VIRQ_DEBUG must stay quiet (checked for a few poll periods).
 *   2. "virq-debug: type keys"   -> Ctrl-A x3, "d", Ctrl-A x3, "z": the
 *      VIRQ must fire, and afterwards we must read exactly "z" -- no
 *      Ctrl-A of either switch, and not the debug key.
 */
#include <test.h>
#include <events.h>

/* Read console input until `want` has arrived or the deadline passes;
 * fails the test if VIRQ_DEBUG fires meanwhile and forbid_debug is set. */
static unsigned int read_until(char *got, unsigned int size, const char *want,
                               evtchn_port_t debug, bool forbid_debug)
{
    unsigned int len = 0;
    uint64_t end = now_ns() + 15000 * NS_PER_MS;

    got[0] = '\0';
    while (!strstr(got, want) && now_ns() < end) {
        long n = HYPERVISOR_console_io(CONSOLEIO_read, size - 1 - len, got + len);
        if (n < 0) {
            test_fail("console read: %ld", n);
            return len;
        }
        len += (unsigned int)n;
        got[len] = '\0';
        if (len >= size - 1)
            break;
        if (wait_port(debug, now_ns() + 20 * NS_PER_MS) == 1 && forbid_debug)
            test_fail("VIRQ_DEBUG fired for a key typed in d0 mode");
    }
    return len;
}

void test_main(void)
{
    static char got[64];

    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    long p = evtchn_bind_virq(VIRQ_DEBUG, 0);
    if (p <= 0) {
        test_fail("bind VIRQ_DEBUG: %ld", p);
        return;
    }
    evtchn_port_t debug = (evtchn_port_t)p;

    /* 1. A plain 'd' is input for us, not a debug key. */
    printf("virq-debug: type plain\n");
    read_until(got, sizeof(got), "d", debug, true);
    printf("read \"%s\" in d0 mode\n", got);
    CHECK(strcmp(got, "d") == 0, "expected exactly \"d\" in d0 mode");
    CHECK(wait_port(debug, now_ns() + 300 * NS_PER_MS) == 0,
          "VIRQ_DEBUG fired after a key typed in d0 mode");

    /* 2. After the switch, 'd' is the domain dump, which raises VIRQ_DEBUG. */
    printf("virq-debug: type keys\n");
    long fired = wait_port(debug, now_ns() + 15000 * NS_PER_MS);
    CHECK(fired == 1, "VIRQ_DEBUG did not arrive (wait_port %ld)", fired);
    read_until(got, sizeof(got), "z", debug, false);
    printf("read \"%s\" after switching back\n", got);
    CHECK(strcmp(got, "z") == 0,
          "expected exactly \"z\" after switching back (no Ctrl-A, no debug key)");
    test_success();
}
