/*
 * Console logging.  Every line the hypervisor itself prints starts with
 * "(mica) "; guest console output is printed as the guest wrote it (the
 * initial domain) or prefixed with its domain id (others).  Levels filter
 * what reaches the console: loglvl= on the command line.
 */
#ifndef MICA_PRINTK_H
#define MICA_PRINTK_H

#include <mica/types.h>

enum log_level { LOG_ERR = 0, LOG_WARN = 1, LOG_INFO = 2, LOG_DEBUG = 3 };

extern int console_loglevel;

void printk_level(enum log_level lvl, const char *fmt, ...) __printf(2, 3);
void vprintk_level(enum log_level lvl, const char *fmt, va_list ap);

#define printk(...)   printk_level(LOG_INFO, __VA_ARGS__)
#define pr_err(...)   printk_level(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  printk_level(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  printk_level(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk_level(LOG_DEBUG, __VA_ARGS__)

/* Raw output to every console sink, no prefix, no filtering. */
void console_write(const char *s, size_t n);
void console_puts(const char *s);

/*
 * The console ring: a copy of everything printed, for sysctl readconsole.
 * Positions are free-running byte counts.  oldest: first byte still held;
 * next: where the next byte goes; copy: up to max bytes from pos (0 if
 * pos is no longer held); clear_to: forget everything before pos.
 */
uint32_t console_ring_oldest(void);
uint32_t console_ring_next(void);
size_t console_ring_copy(uint32_t pos, char *out, size_t max);
void console_ring_clear_to(uint32_t pos);

/* Console sinks provided by arch code. */
void arch_console_write(const char *s, size_t n);
/* Returns a received character or -1; never blocks. */
int arch_console_getc(void);

void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

#endif
