/*
 * test-console-switch: who gets the bytes typed on the serial console
 * (hypervisor/common/console_switch.c and console_input.c).
 *
 * Ctrl-A three times in a row moves input from the initial domain to the
 * debug keys and back; the Ctrl-As of a switch never reach the domain;
 * one or two Ctrl-A followed by anything else are ordinary input,
 * delivered late but in order; nothing typed for d0 is lost or reordered
 * until its ring is full, and then the UART is still drained (so the
 * switch still works) and the loss is reported.  The poll timer raises
 * VIRQ_CONSOLE only while input waits, and re-arms itself.
 */
#include "htest.h"
#include <mica/keyhandler.h>
#include <mica/domain.h>
#include <mica/timer.h>
#include <mica/event.h>

/* The fake UART: bytes "typed", taken by arch_console_getc. */
static char uart[8192];
static size_t uart_len, uart_pos;
static char keys[256];                  /* debug keys handled, in order */
static size_t nkeys;
static char log_buf[8192];
static unsigned int virqs, timer_arms;
static void (*poll_fn)(void *);
static struct domain dom0;

int arch_console_getc(void) { return uart_pos < uart_len ? (uint8_t)uart[uart_pos++] : -1; }
void handle_debug_key(uint8_t c) { if (nkeys < sizeof(keys) - 1) keys[nkeys++] = (char)c; }
void printk_level(enum log_level lvl, const char *fmt, ...)
{
    va_list ap;
    size_t l = strlen(log_buf);
    va_start(ap, fmt);
    vsnprintf(log_buf + l, sizeof(log_buf) - l, fmt, ap);
    va_end(ap);
}
s_time_t NOW(void) { return 0; }
struct domain *domain_lookup(domid_t id) { return id == 0 ? &dom0 : NULL; }
void send_guest_global_virq(struct domain *d, unsigned int virq) { virqs++; }
void init_timer(struct timer *t, void (*fn)(void *), void *data) { poll_fn = fn; }
void set_timer(struct timer *t, s_time_t expires) { timer_arms++; }

static void type(const char *s, size_t n)
{
    memcpy(uart + uart_len, s, n);
    uart_len += n;
}
#define TYPE(lit) type(lit, sizeof(lit) - 1)

/* Everything waiting for d0, taken. */
static size_t read_d0(char *buf, size_t max)
{
    console_input_drain();
    size_t n = console_input_peek(buf, max);
    console_input_consume(n);
    buf[n] = '\0';
    return n;
}

HTEST(switch_feed_pure)
{
    struct console_switch s = { 0 };
    uint8_t out[CONSOLE_SWITCH_COUNT];

    CHECK_EQ(console_switch_feed(&s, 'a', out), 1);
    CHECK_EQ(out[0], 'a');
    CHECK_EQ(console_switch_feed(&s, 1, out), 0);
    CHECK_EQ(console_switch_feed(&s, 1, out), 0);
    CHECK_EQ(console_switch_feed(&s, 'b', out), 3);   /* ^A ^A b, in order */
    CHECK(out[0] == 1 && out[1] == 1 && out[2] == 'b');
    CHECK(!s.to_hypervisor);
    for (int i = 0; i < 2; i++)
        CHECK_EQ(console_switch_feed(&s, 1, out), 0);
    CHECK_EQ(console_switch_feed(&s, 1, out), CONSOLE_SWITCHED);
    CHECK(s.to_hypervisor);
    CHECK_EQ(s.held, 0u);
    /* Four in a row: a switch, then one held. */
    for (int i = 0; i < 3; i++)
        console_switch_feed(&s, 1, out);
    CHECK(!s.to_hypervisor);
    CHECK_EQ(console_switch_feed(&s, 1, out), 0);
    CHECK_EQ(console_switch_feed(&s, 'x', out), 2);
    CHECK(out[0] == 1 && out[1] == 'x');
}

/* One process per case (htest forks), so the static ring starts empty. */
HTEST(round_trip_through_the_ring)
{
    char buf[64];

    TYPE("ls\r\x01q\x01\x01z\x01\x01\x01" "dm\x01\x01\x01" "ok\r");
    CHECK_EQ(read_d0(buf, sizeof(buf) - 1), 11u);
    CHECK_EQ(memcmp(buf, "ls\r\x01q\x01\x01zok\r", 11), 0);   /* no switch bytes */
    CHECK_STREQ(keys, "dm");
    CHECK(strstr(log_buf, "Serial input to the hypervisor") != NULL);
    CHECK(strstr(log_buf, "Serial input to d0") != NULL);
}

HTEST(peek_does_not_take)
{
    char buf[8];

    TYPE("abcdef");
    console_input_drain();
    CHECK_EQ(console_input_peek(buf, 3), 3u);
    CHECK_EQ(console_input_peek(buf, 3), 3u);       /* a failed copy loses nothing */
    CHECK_EQ(memcmp(buf, "abc", 3), 0);
    console_input_consume(2);
    CHECK_EQ(console_input_peek(buf, 8), 4u);
    CHECK_EQ(memcmp(buf, "cdef", 4), 0);
}

HTEST(full_ring_drops_and_still_switches)
{
    static char big[1500];
    char buf[2048];

    memset(big, 'x', sizeof(big));
    type(big, sizeof(big));
    TYPE("\x01\x01\x01h");
    for (int i = 0; i < 20; i++)              /* drains are bounded: run several */
        console_input_drain();
    CHECK_STREQ(keys, "h");
    CHECK(strstr(log_buf, "input bytes for d0 dropped") != NULL);
    CHECK_EQ(read_d0(buf, sizeof(buf) - 1), 1024u);
}

HTEST(poll_raises_virq_only_with_input)
{
    console_input_poll_start();
    CHECK(poll_fn != NULL);
    unsigned int armed = timer_arms;
    poll_fn(NULL);
    CHECK_EQ(virqs, 0u);
    CHECK_EQ(timer_arms, armed + 1);
    TYPE("\x01\x01\x01r");                    /* debug keys only: nothing for d0 */
    poll_fn(NULL);
    CHECK_EQ(virqs, 0u);
    CHECK_STREQ(keys, "r");
    TYPE("\x01\x01\x01y");
    poll_fn(NULL);
    CHECK_EQ(virqs, 1u);
    CHECK(console_input_pending());
}
