/*
 * Console input routing and debug keys (common/console_switch.c,
 * common/console_input.c, common/keyhandler.c).
 *
 * Serial input belongs to the initial domain (CONSOLEIO_read, VIRQ_CONSOLE)
 * until Ctrl-A is pressed three times in a row; then it belongs to the
 * hypervisor, where each key runs a debug key handler, until three more
 * Ctrl-A give it back.  docs/debugging.md is the user's guide.
 */
#ifndef MICA_KEYHANDLER_H
#define MICA_KEYHANDLER_H

#include <mica/types.h>
#include <mica/printk.h>

struct vcpu;

#define CONSOLE_SWITCH_CHAR   0x01     /* Ctrl-A */
#define CONSOLE_SWITCH_COUNT  3        /* in a row */

/*
 * The switch state machine.  Pure (no I/O), host-tested.
 *
 * Ctrl-A bytes are held back, because until the third one arrives nobody
 * knows whether they are a switch or input.  The third flips the owner and
 * all three disappear.  Any other byte releases the held Ctrl-As first, in
 * order, then itself, to whoever owns the input -- so nothing is lost or
 * reordered, only delayed until the next byte.
 */
struct console_switch {
    bool to_hypervisor;                /* false: input goes to the initial domain */
    unsigned int held;                 /* Ctrl-As seen in a row, not yet delivered */
};

#define CONSOLE_SWITCHED  (-1)
/*
 * Feed one received byte.  Returns CONSOLE_SWITCHED when it completed a
 * switch (s->to_hypervisor is the new owner), otherwise the number of
 * bytes (1 .. CONSOLE_SWITCH_COUNT, or 0 for a held Ctrl-A) written to
 * out[] for the current owner.
 */
int console_switch_feed(struct console_switch *s, uint8_t c,
                        uint8_t out[CONSOLE_SWITCH_COUNT]);

/*
 * Console input (console_input.c): the UART is drained through the switch
 * into a ring for the initial domain.  Draining runs from a 50 ms timer
 * (always, so debug keys work whatever the guests do) and at the start of
 * every CONSOLEIO_read.  The ring holds CONSOLE_INPUT_RING bytes, which
 * bounds what one CONSOLEIO_read can return (and touch).
 */
#define CONSOLE_INPUT_RING    1024      /* a power of two */
void console_input_poll_start(void);
void console_input_drain(void);
/* Copy up to n waiting bytes of the initial domain's input, without
 * taking them; console_input_consume(n) then takes them. */
size_t console_input_peek(char *buf, size_t n);
void console_input_consume(size_t n);
bool console_input_pending(void);

/* Run the debug key c (keyhandler.c); unknown keys print a hint. */
void handle_debug_key(uint8_t c);

/* Debug-key output was asked for at the keyboard: printed at any loglvl. */
#define keyprintk(...) printk_level(LOG_ERR, __VA_ARGS__)

/* Dumps for the debug keys, next to the state they read. */
void sched_dump(void);                      /* schedule.c: run queue, vCPUs */
void arch_dump_vcpu_brief(struct vcpu *v);  /* arch: one line of registers */

#endif
