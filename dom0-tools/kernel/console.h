/*
 * The Dom0 console (console.c): output through console_io, input from
 * CONSOLEIO_read when VIRQ_CONSOLE says some is waiting, and the terminal
 * on top: a line mode with the line editor (lineedit.h) and a raw mode
 * that hands every byte to one consumer (xl console).
 */
#ifndef DOM0_CONSOLE_H
#define DOM0_CONSOLE_H

#include "kernel.h"

void console_init(void);
/* Straight to the hypervisor console. */
void console_write_raw(const char *s, size_t n);

/* Output of the kernel and the tools (stdout, stderr): if a prompt is on
 * the screen, it is hidden first and shown again after a full line. */
void term_write(const char *s, size_t n);
/* Show the prompt and edit a line (running the main loop meanwhile).
 * The line, NUL-terminated, without its newline; its length. */
size_t term_read_line(const char *prompt, char *buf, size_t size);
void term_history_add(const char *line);
/* Raw mode: every typed byte goes to fn (from the main loop); fn NULL
 * ends it.  Outside line and raw mode typed bytes wait (type-ahead). */
typedef void term_raw_fn(void *arg, const char *buf, size_t n);
void term_set_raw(term_raw_fn *fn, void *arg);
/* Bytes that arrive as typed input after delay_ns (see os_term_inject). */
int term_inject(const char *buf, size_t n, uint64_t delay_ns);
/* Was ^C typed while nobody read input?  Clears the flag. */
bool term_interrupted(void);
/* Input bytes dropped because the type-ahead buffer was full. */
unsigned long console_input_dropped(void);

#endif
