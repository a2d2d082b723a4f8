/*
 * String and memory helpers.  The compiler may emit calls to memcpy/memset
 * (struct copies) even with -ffreestanding, so these keep the standard names.
 * Also the command-line reading every test shares: "key=value" words, the
 * value ending at a space (cmdline_value, cmdline_ulong, cmdline_is).
 */
#include <lib.h>

void *memset(void *s, int c, size_t n)
{
    unsigned char *p = s;

    while (n--)
        *p++ = (unsigned char)c;
    return s;
}

void *memcpy(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    while (n--)
        *d++ = *s++;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;

    if (d < s)
        return memcpy(dst, src, n);
    while (n--)
        d[n] = s[n];
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;

    for (; n; n--, x++, y++)
        if (*x != *y)
            return *x - *y;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n])
        n++;
    return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (; n; n--, a++, b++) {
        if (*a != *b)
            return (unsigned char)*a - (unsigned char)*b;
        if (!*a)
            break;
    }
    return 0;
}

int strcmp(const char *a, const char *b)
{
    return strncmp(a, b, (size_t)-1);
}

char *strstr(const char *hay, const char *needle)
{
    size_t n = strlen(needle);

    for (; *hay; hay++)
        if (!strncmp(hay, needle, n))
            return (char *)hay;
    return n ? NULL : (char *)hay;
}

unsigned long parse_ulong(const char **s)
{
    const char *p = *s;
    unsigned long v = 0, base = 10;

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    }
    for (;; p++) {
        unsigned long d;

        if (*p >= '0' && *p <= '9')
            d = (unsigned long)(*p - '0');
        else if (base == 16 && *p >= 'a' && *p <= 'f')
            d = (unsigned long)(*p - 'a' + 10);
        else if (base == 16 && *p >= 'A' && *p <= 'F')
            d = (unsigned long)(*p - 'A' + 10);
        else
            break;
        v = v * base + d;
    }
    *s = p;
    return v;
}

const char *cmdline_value(const char *cmdline, const char *key)
{
    size_t n = strlen(key);
    const char *p;

    for (p = cmdline; *p; p++)
        if ((p == cmdline || p[-1] == ' ') && !strncmp(p, key, n) &&
            p[n] == '=')
            return p + n + 1;
    return NULL;
}

unsigned long cmdline_ulong(const char *cmdline, const char *key, unsigned long dflt)
{
    const char *v = cmdline_value(cmdline, key);

    return v ? parse_ulong(&v) : dflt;
}

bool cmdline_is(const char *cmdline, const char *key, const char *word, const char *dflt)
{
    const char *v = cmdline_value(cmdline, key);
    size_t l = strlen(word);

    return v ? !strncmp(v, word, l) && (v[l] == ' ' || !v[l]) : !strcmp(word, dflt);
}
