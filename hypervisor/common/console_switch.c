/*
 * The console input switch: who owns the next byte typed on the serial
 * line, the initial domain or the hypervisor's debug keys.
 *
 * Xen's convention: Ctrl-A three times in a row moves input to the
 * hypervisor, three more move it back.  The difficulty is that a Ctrl-A
 * can be ordinary input (the initial domain's shell, an editor), and the
 * switch cannot know until the sequence is complete or broken:
 *
 *     byte       held   owner   delivered
 *     'x'        0      d0      x
 *     ^A         1      d0      -            (held back)
 *     ^A         2      d0      -
 *     'y'        0      d0      ^A ^A y      (sequence broken: release)
 *     ^A ^A ^A   0      hv      -            (switched; the ^As vanish)
 *
 * So a Ctrl-A is delayed, never lost, and bytes never change order.  The
 * same rule holds in hypervisor mode (a stray Ctrl-A there is just an
 * unknown debug key).  Pure: the callers (console_input.c) do the I/O.
 */
#include <mica/keyhandler.h>

int console_switch_feed(struct console_switch *s, uint8_t c,
                        uint8_t out[CONSOLE_SWITCH_COUNT])
{
    unsigned int n = 0;

    if (c == CONSOLE_SWITCH_CHAR) {
        if (++s->held < CONSOLE_SWITCH_COUNT)
            return 0;
        s->held = 0;
        s->to_hypervisor = !s->to_hypervisor;
        return CONSOLE_SWITCHED;
    }
    for (; s->held; s->held--)
        out[n++] = CONSOLE_SWITCH_CHAR;
    out[n++] = c;
    return (int)n;
}
