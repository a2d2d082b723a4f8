/*
 * The hypervisor's small C library: string and memory functions, character
 * classes, number parsing and formatted printing into buffers.
 *
 * Generic code (hypervisor/common) is built twice: freestanding into the
 * hypervisor, and on the host for unit tests.  The two builds get these
 * functions from different places, and this header hides the difference:
 *
 *   MICA_HYPERVISOR defined (the hypervisor build):
 *     mem*() and str*() come from common/string.c, snprintf() and friends
 *     from common/vsnprintf.c, and the character classes are the inline
 *     functions below (ASCII only; there are no locales).
 *
 *   MICA_HYPERVISOR not defined (host unit tests):
 *     the C library provides the same names, so this header includes its
 *     headers instead of declaring anything that could clash with them.
 *     Only strlcpy() (absent from glibc before 2.38) is supplied here, under
 *     a private name so a newer glibc's declaration cannot conflict.
 *
 * simple_strtoull() has no libc twin, so both builds take it from
 * common/cmdline.c (its main user), which is linked in both.
 *
 * The semantics are the C library's ones throughout, so code written
 * against either build behaves the same in the other.
 */
#ifndef MICA_LIB_H
#define MICA_LIB_H

#include <mica/types.h>

#ifdef MICA_HYPERVISOR

/* common/string.c */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
/* Copies at most size-1 bytes and always terminates (size > 0); returns
 * strlen(src), so truncation happened iff the result is >= size. */
size_t strlcpy(char *dst, const char *src, size_t size);

/* common/vsnprintf.c: C99 semantics (returns the length the full output
 * would have had); see that file for the supported conversions. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
/* Like snprintf() but return what was actually stored (without the NUL),
 * which makes "p += scnprintf(p, end - p, ...)" loops safe. */
int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
    __attribute__((format(printf, 3, 0)));
int scnprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

static inline int isdigit(int c) { return c >= '0' && c <= '9'; }
static inline int isspace(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}
static inline int isupper(int c) { return c >= 'A' && c <= 'Z'; }
static inline int islower(int c) { return c >= 'a' && c <= 'z'; }
static inline int isalpha(int c) { return isupper(c) || islower(c); }
static inline int isalnum(int c) { return isalpha(c) || isdigit(c); }
static inline int isxdigit(int c)
{
    return isdigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
static inline int isprint(int c) { return c >= 0x20 && c < 0x7f; }
static inline int tolower(int c) { return isupper(c) ? c + ('a' - 'A') : c; }
static inline int toupper(int c) { return islower(c) ? c - ('a' - 'A') : c; }

#else /* host unit-test build: the C library supplies these */

#include <string.h>
#include <ctype.h>
#include <stdio.h>

static inline size_t mica_host_strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
#define strlcpy mica_host_strlcpy

static inline int mica_host_vscnprintf(char *buf, size_t size, const char *fmt,
                                       va_list ap)
{
    int n = vsnprintf(buf, size, fmt, ap);

    if (n < 0 || size == 0)
        return 0;
    return (size_t)n >= size ? (int)(size - 1) : n;
}
static inline __printf(3, 4)
int mica_host_scnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = mica_host_vscnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
#define vscnprintf mica_host_vscnprintf
#define scnprintf mica_host_scnprintf

#endif /* MICA_HYPERVISOR */

/*
 * Parse an unsigned number.  base 0 picks 16 for a "0x"/"0X" prefix
 * followed by a hex digit, 8 for a leading '0', else 10; base 16 also
 * accepts the "0x" prefix.  No leading blanks or sign are accepted.  On
 * overflow the result saturates at ~0ULL.  *end (if end is non-NULL) is
 * set to the first character not consumed; it equals s if no digit was
 * read.  Implemented in common/cmdline.c.
 */
unsigned long long simple_strtoull(const char *s, const char **end,
                                   unsigned int base);

#endif /* MICA_LIB_H */
