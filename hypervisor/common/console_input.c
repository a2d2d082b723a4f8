/*
 * Serial console input: from the UART, through the switch, to the initial
 * domain or to the debug keys.
 *
 *   UART --drain--> console_switch_feed --d0----> ring --CONSOLEIO_read--> d0
 *                                       \--hv---> handle_debug_key()
 *
 * The UART's interrupt is not used.  The UART is drained by a timer every
 * CONSOLE_POLL_PERIOD -- always, not only while the initial domain has
 * VIRQ_CONSOLE bound, because the debug keys must work when the guests
 * are wedged -- and at the start of every CONSOLEIO_read, so a reader
 * sees what has arrived without waiting for the timer.  The timer raises
 * VIRQ_CONSOLE while the ring holds input (send_guest_global_virq does
 * nothing if the VIRQ is not bound).  The cost when nothing is typed is
 * one timer and one UART status read per period.
 *
 * The ring is the only place where input can be lost: if the initial
 * domain does not read and CONSOLE_INPUT_RING bytes pile up, later bytes
 * for it are dropped and counted (as Xen does), so that the UART keeps
 * being drained and the switch sequence still gets through.
 *
 * Called from timer softirq context and from the CONSOLEIO_read hypercall
 * of the initial domain; one CPU, no locking.
 */
#include <mica/keyhandler.h>
#include <mica/printk.h>
#include <mica/domain.h>
#include <mica/event.h>
#include <mica/time.h>
#include <mica/timer.h>
#include <public/xen.h>

#define CONSOLE_POLL_PERIOD   MILLISECS(50)
#define CONSOLE_DRAIN_MAX     256       /* bytes per drain: bounded work */

static struct console_switch input_switch;
static uint8_t ring[CONSOLE_INPUT_RING];
static unsigned int ring_prod, ring_cons;  /* free-running; prod - cons = used */
static unsigned long ring_dropped;
static struct timer console_poll_timer;

static void ring_put(uint8_t c)
{
    if (ring_prod - ring_cons == CONSOLE_INPUT_RING) {
        ring_dropped++;
        return;
    }
    ring[ring_prod++ % CONSOLE_INPUT_RING] = c;
}

static void announce_owner(void)
{
    if (input_switch.to_hypervisor)
        pr_err("*** Serial input to the hypervisor: debug keys ('h' for help); "
               "press Ctrl-A three times to give it back to d0 ***\n");
    else
        pr_err("*** Serial input to d0 (press Ctrl-A three times for debug keys) ***\n");
}

void console_input_drain(void)
{
    uint8_t out[CONSOLE_SWITCH_COUNT];
    int c;

    for (unsigned int i = 0; i < CONSOLE_DRAIN_MAX && (c = arch_console_getc()) >= 0; i++) {
        int n = console_switch_feed(&input_switch, (uint8_t)c, out);
        if (n == CONSOLE_SWITCHED) {
            announce_owner();
            continue;
        }
        for (int k = 0; k < n; k++) {
            if (input_switch.to_hypervisor)
                handle_debug_key(out[k]);
            else
                ring_put(out[k]);
        }
    }
    if (ring_dropped) {
        pr_warn("console: %lu input bytes for d0 dropped (it is not reading)\n",
                ring_dropped);
        ring_dropped = 0;
    }
}

bool console_input_pending(void)
{
    return ring_prod != ring_cons;
}

size_t console_input_peek(char *buf, size_t n)
{
    size_t i;

    for (i = 0; i < n && ring_cons + i != ring_prod; i++)
        buf[i] = (char)ring[(ring_cons + i) % CONSOLE_INPUT_RING];
    return i;
}

void console_input_consume(size_t n)
{
    ring_cons += (unsigned int)n;
}

static void console_poll(void *unused)
{
    console_input_drain();
    if (console_input_pending()) {
        struct domain *d0 = domain_lookup(0);
        if (d0)
            send_guest_global_virq(d0, VIRQ_CONSOLE);
    }
    set_timer(&console_poll_timer, NOW() + CONSOLE_POLL_PERIOD);
}

void console_input_poll_start(void)
{
    init_timer(&console_poll_timer, console_poll, NULL);
    set_timer(&console_poll_timer, NOW() + CONSOLE_POLL_PERIOD);
}
