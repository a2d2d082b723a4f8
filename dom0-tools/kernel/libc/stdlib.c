/*
 * Number parsing and sorting of the Dom0 C library, with the C standard's
 * semantics so that a tool behaves the same here and on the host: leading
 * blanks, an optional sign, base 0 picking 16/8/10 from the prefix, *end at
 * the first unused character (the start when no digit was read), and
 * saturation with errno = ERANGE on overflow.
 */
#include <stdlib.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>

int errno;

static int digit_value(int c)
{
    if (isdigit(c))
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 99;
}

/*
 * The common core: magnitude in *mag (saturated at `limit` with *over set),
 * sign in *neg.  Returns the end of the number.
 */
static const char *parse(const char *s, int base, unsigned long long limit,
                         unsigned long long *mag, int *neg, int *over)
{
    const char *p = s, *digits;
    unsigned long long v = 0;

    *neg = 0;
    *over = 0;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '+' || *p == '-')
        *neg = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        isxdigit((unsigned char)p[2])) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    if (base < 2 || base > 36) {
        errno = EINVAL;
        *mag = 0;
        return s;
    }
    digits = p;
    for (; digit_value((unsigned char)*p) < base; p++) {
        unsigned int d = (unsigned int)digit_value((unsigned char)*p);
        if (v > (limit - d) / (unsigned int)base)
            *over = 1;
        else
            v = v * (unsigned int)base + d;
    }
    *mag = v;
    return p == digits ? s : p;
}

long long strtoll(const char *s, char **end, int base)
{
    unsigned long long mag;
    int neg, over;
    const char *e = parse(s, base, (unsigned long long)LLONG_MAX + 1, &mag, &neg, &over);

    if (end)
        *end = (char *)e;
    if (over || (!neg && mag > (unsigned long long)LLONG_MAX)) {
        errno = ERANGE;
        return neg ? LLONG_MIN : LLONG_MAX;
    }
    return neg ? (long long)(0 - mag) : (long long)mag;
}

unsigned long long strtoull(const char *s, char **end, int base)
{
    unsigned long long mag;
    int neg, over;
    const char *e = parse(s, base, ULLONG_MAX, &mag, &neg, &over);

    if (end)
        *end = (char *)e;
    if (over) {
        errno = ERANGE;
        return ULLONG_MAX;
    }
    return neg ? 0 - mag : mag;
}

long strtol(const char *s, char **end, int base)
{
    long long v = strtoll(s, end, base);

    if (v > LONG_MAX) {
        errno = ERANGE;
        return LONG_MAX;
    }
    if (v < LONG_MIN) {
        errno = ERANGE;
        return LONG_MIN;
    }
    return (long)v;
}

unsigned long strtoul(const char *s, char **end, int base)
{
    unsigned long long mag;
    int neg, over;
    const char *e = parse(s, base, ULONG_MAX, &mag, &neg, &over);

    if (end)
        *end = (char *)e;
    if (over) {
        errno = ERANGE;
        return ULONG_MAX;
    }
    return neg ? (unsigned long)(0 - mag) : (unsigned long)mag;
}

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}

/* Heap sort: no recursion, no extra memory, O(n log n) worst case. */
static void swap_bytes(unsigned char *a, unsigned char *b, size_t n)
{
    while (n--) {
        unsigned char t = *a;
        *a++ = *b;
        *b++ = t;
    }
}

static void sift_down(unsigned char *base, size_t root, size_t n, size_t size,
                      int (*cmp)(const void *, const void *))
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && cmp(base + child * size, base + (child + 1) * size) < 0)
            child++;
        if (cmp(base + root * size, base + child * size) >= 0)
            return;
        swap_bytes(base + root * size, base + child * size, size);
        root = child;
    }
}

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
    unsigned char *b = base;

    if (n < 2)
        return;
    for (size_t i = n / 2; i-- > 0;)
        sift_down(b, i, n, size, cmp);
    for (size_t end = n - 1; end > 0; end--) {
        swap_bytes(b, b + end * size, size);
        sift_down(b, 0, end, size, cmp);
    }
}
