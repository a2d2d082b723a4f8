/*
 * stdout and stderr of the Dom0 C library: both are the console terminal
 * (console.c's term_write, which keeps a prompt being edited intact).
 * There is no buffering to flush: each call writes its text at once, so
 * output and the kernel's own messages never come out of order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../console.h"

struct dom0_stream {
    int unused;
};
static struct dom0_stream streams[2];
FILE *stdout = &streams[0];
FILE *stderr = &streams[1];

int vfprintf(FILE *f, const char *fmt, va_list ap)
{
    char small[256];
    va_list ap2;
    int n;

    (void)f;
    va_copy(ap2, ap);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return n;
    }
    if ((size_t)n < sizeof(small)) {
        term_write(small, (size_t)n);
    } else {
        char *big = malloc((size_t)n + 1);
        if (big) {
            vsnprintf(big, (size_t)n + 1, fmt, ap2);
            term_write(big, (size_t)n);
            free(big);
        } else {
            term_write(small, sizeof(small) - 1);
        }
    }
    va_end(ap2);
    return n;
}

int fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

int vprintf(const char *fmt, va_list ap)
{
    return vfprintf(stdout, fmt, ap);
}

int printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vfprintf(stdout, fmt, ap);
    va_end(ap);
    return n;
}

int fputs(const char *s, FILE *f)
{
    (void)f;
    term_write(s, strlen(s));
    return 0;
}

int puts(const char *s)
{
    term_write(s, strlen(s));
    term_write("\n", 1);
    return 0;
}

int fputc(int c, FILE *f)
{
    char ch = (char)c;

    (void)f;
    term_write(&ch, 1);
    return (unsigned char)c;
}

int putchar(int c)
{
    return fputc(c, stdout);
}

size_t fwrite(const void *p, size_t size, size_t n, FILE *f)
{
    (void)f;
    term_write(p, size * n);
    return n;
}

int fflush(FILE *f)
{
    (void)f;
    return 0;
}
