/*
 * The OS interface: the terminal (see os_loop.h for the whole).
 *
 * Dom0 has one terminal, its console.  stdout and stderr go there.  The
 * shell reads lines with the console's line editor; `xl console` takes the
 * raw byte stream for a while.
 */
#ifndef DOM0_OS_TERM_H
#define DOM0_OS_TERM_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

/* Show `prompt`, let the person edit a line, return it (without the
 * newline, NUL-terminated) and its length; runs the main loop meanwhile. */
size_t os_term_read_line(const char *prompt, char *buf, size_t size);
/* Add a line to the editor's history. */
void os_term_history_add(const char *line);
/* Raw mode: every typed byte goes to fn (from the main loop) until it is
 * called again with NULL. */
typedef void os_term_raw_fn(void *arg, const char *buf, size_t n);
void os_term_set_raw(os_term_raw_fn *fn, void *arg);
/* Output bytes as they are (no newline translation beyond the console's). */
void os_term_write(const char *buf, size_t n);
/* Queue bytes as if they were typed, delay_ns from now: how a boot
 * script drives an interactive command (e.g. answers, then detaches from,
 * `xl console`) without a person.  0 or -ENOMEM. */
int os_term_inject(const char *buf, size_t n, uint64_t delay_ns);
/* Was ^C typed while nobody was reading input?  Clears the flag. */
bool os_term_interrupted(void);

#endif
