/*
 * console-virq: console input and VIRQ_CONSOLE.
 *
 * The harness types "mica-input-42" on the serial line (input= option).
 * We bind VIRQ_CONSOLE, sleep in SCHEDOP_poll until it fires (the
 * hypervisor polls the UART while the VIRQ is bound), and read the input
 * with CONSOLEIO_read until the marker has arrived.  Characters typed
 * before the hypervisor set up the UART may be lost, so only the marker's
 * arrival is required, not the exact stream.
 */
#include <test.h>
#include <events.h>

void test_main(void)
{
    static char got[256];
    unsigned int len = 0, virqs = 0;

    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    long p = evtchn_bind_virq(VIRQ_CONSOLE, 0);
    if (p <= 0) {
        test_fail("bind VIRQ_CONSOLE: %ld", p);
        return;
    }
    uint64_t end = now_ns() + 15000 * NS_PER_MS;
    while (!strstr(got, "mica-input-42") && now_ns() < end) {
        if (wait_port((evtchn_port_t)p, end) == 1)
            virqs++;
        long n = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(got) - 1 - len, got + len);
        if (n < 0) {
            test_fail("console read: %ld", n);
            break;
        }
        len += (unsigned int)n;
        got[len] = '\0';
        if (len >= sizeof(got) - 1)
            len = 0;
    }
    printf("VIRQ_CONSOLE fired %u times; read \"%s\"\n", virqs, got);
    CHECK(strstr(got, "mica-input-42") != NULL, "the typed input did not arrive");
    CHECK(virqs > 0, "VIRQ_CONSOLE never fired");
    test_success();
}
