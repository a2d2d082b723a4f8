/*
 * Memory and string functions for the hypervisor build.
 *
 * These are the C library functions of the same names, with the same
 * semantics, because the compiler is entitled to emit calls to memcpy,
 * memmove, memset and memcmp on its own (structure copies and clears) even
 * with -ffreestanding, and because code shared with the host unit tests must
 * behave identically against glibc.  The host tests therefore never link
 * this file; they get glibc's versions through mica/lib.h.
 *
 * Two traps shape the code:
 *
 *  - GCC recognises a byte-copy or byte-fill loop and may replace it with a
 *    call to memcpy/memset, which here would be the function itself:
 *    infinite recursion.  NO_LIBCALL turns that transformation off for the
 *    functions that could be rewritten that way.
 *
 *  - Word-sized accesses to memory of another type break C's aliasing
 *    rules; `word_t` carries may_alias so the compiler cannot reorder them
 *    away.  The word loops run only when both pointers are word aligned, so
 *    no unaligned access is ever made.
 *
 * Nothing here allocates, locks or can fail; everything is callable from any
 * context, including panic and the exception handlers.
 */
#include <mica/lib.h>

#define NO_LIBCALL __attribute__((optimize("no-tree-loop-distribute-patterns")))

typedef unsigned long __attribute__((may_alias)) word_t;
#define WORD sizeof(word_t)

static inline bool word_aligned(const void *p)
{
    return ((uintptr_t)p & (WORD - 1)) == 0;
}

/* Can both pointers reach word alignment together (the same offset
 * within a word)?  Then bytes until they are, and words from there: a
 * 1514-byte packet at an odd place costs a few byte moves, not 1514. */
static inline bool congruent(const void *a, const void *b)
{
    return (((uintptr_t)a ^ (uintptr_t)b) & (WORD - 1)) == 0;
}

NO_LIBCALL void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (congruent(d, s)) {
        for (; n && !word_aligned(d); n--)
            *d++ = *s++;
        for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
            *(word_t *)d = *(const word_t *)s;
    }
    while (n--)
        *d++ = *s++;
    return dst;
}

/* Copies forwards when the destination is below the source, backwards
 * otherwise, so an overlapping source is always read before it is written. */
NO_LIBCALL void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d == s || n == 0)
        return dst;
    if ((uintptr_t)d < (uintptr_t)s)
        return memcpy(dst, src, n);  /* forward copy never overtakes s */

    d += n;
    s += n;
    if (congruent(d, s)) {
        for (; n && !word_aligned(d); n--)
            *--d = *--s;
        for (; n >= WORD; n -= WORD) {
            d -= WORD;
            s -= WORD;
            *(word_t *)d = *(const word_t *)s;
        }
    }
    while (n--)
        *--d = *--s;
    return dst;
}

NO_LIBCALL void *memset(void *dst, int c, size_t n)
{
    unsigned char *d = dst;
    /* (all ones / 0xff) is 0x0101...01: multiplying spreads c to every byte */
    word_t w = (word_t)-1 / 0xff * (unsigned char)c;

    /* Byte stores until aligned, then whole words, then the tail. */
    for (; n && !word_aligned(d); n--)
        *d++ = (unsigned char)c;
    for (; n >= WORD; n -= WORD, d += WORD)
        *(word_t *)d = w;
    while (n--)
        *d++ = (unsigned char)c;
    return dst;
}

NO_LIBCALL int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++) {
        if (*x != *y)
            return *x - *y;
    }
    return 0;
}

NO_LIBCALL size_t strlen(const char *s)
{
    const char *p = s;

    while (*p)
        p++;
    return (size_t)(p - s);
}

NO_LIBCALL size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

/* Comparisons are of unsigned char values, as the C standard requires. */
int strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    while (*x && *x == *y) {
        x++;
        y++;
    }
    return *x - *y;
}

int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a;
    const unsigned char *y = (const unsigned char *)b;

    for (; n; n--, x++, y++) {
        if (*x != *y || !*x)
            return *x - *y;
    }
    return 0;
}

/* As in C, the terminating NUL is part of the string: strchr(s, 0) finds it. */
char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}

char *strrchr(const char *s, int c)
{
    const char *last = NULL;

    for (;; s++) {
        if (*s == (char)c)
            last = s;
        if (!*s)
            return (char *)last;
    }
}

/* Quadratic in the worst case; the strings searched here are short
 * (command lines, ELF note values). */
char *strstr(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);

    if (n == 0)
        return (char *)haystack;
    for (; *haystack; haystack++) {
        if (*haystack == *needle && strncmp(haystack, needle, n) == 0)
            return (char *)haystack;
    }
    return NULL;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
