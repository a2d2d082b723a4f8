/*
 * <stdio.h> of the Dom0 C library: formatted output to the two streams a
 * tool has, stdout and stderr, which both go to the Dom0 console
 * (kernel/console.c), plus formatting into buffers.  The conversions are
 * the hypervisor's vsnprintf (hypervisor/common/vsnprintf.c: C99 output
 * for d i u x X o c s p %, with flags, width, precision and the hh h l ll
 * z t j lengths; no floating point).  Files are not streams here: tools
 * read them through the OS interface (os/os_files.h).
 */
#ifndef DOM0_LIBC_STDIO_H
#define DOM0_LIBC_STDIO_H

#include <stddef.h>
#include <stdarg.h>

typedef struct dom0_stream FILE;
extern FILE *stdout;
extern FILE *stderr;

#define EOF (-1)

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fprintf(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
int vfprintf(FILE *f, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int puts(const char *s);
int fputs(const char *s, FILE *f);
int putchar(int c);
int fputc(int c, FILE *f);
size_t fwrite(const void *p, size_t size, size_t n, FILE *f);
int fflush(FILE *f);

#endif
