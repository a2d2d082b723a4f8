/* Formatting for test guests: the runtime's (runtime/printf.c). */
#ifndef XS_GUEST_STDIO_H
#define XS_GUEST_STDIO_H
#include <stdarg.h>
#include <stddef.h>
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#endif
