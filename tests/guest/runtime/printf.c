/*
 * vsnprintf/printf for the test guests (format subset documented in lib.h).
 *
 * 64-bit numbers are converted without libgcc (there is no 32-bit libgcc
 * on the build host): div64() divides by a small base with two 32-bit
 * `divl`s, the first leaving a remainder < base so the second cannot
 * overflow.
 */
#include <lib.h>

struct out {
    char *buf;
    size_t size, len;   /* len counts every character, even dropped ones */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static uint32_t div64(uint64_t *n, uint32_t base)
{
    uint32_t hi = (uint32_t)(*n >> 32), lo = (uint32_t)*n, qhi, qlo, rem;

    qhi = hi / base;
    rem = hi % base;
    asm ("divl %4" : "=a" (qlo), "=d" (rem) : "0" (lo), "1" (rem), "rm" (base));
    *n = ((uint64_t)qhi << 32) | qlo;
    return rem;
}

static void put_field(struct out *o, const char *s, size_t n, int width,
              bool left, char pad)
{
    int fill = width > (int)n ? width - (int)n : 0;

    /* Zero padding goes after a sign so "-0042" rather than "00-42". */
    if (!left && pad == '0' && n && *s == '-') {
        put(o, *s++);
        n--;
    }
    while (!left && fill-- > 0)
        put(o, pad);
    while (n--)
        put(o, *s++);
    while (left && fill-- > 0)
        put(o, ' ');
}

static void put_number(struct out *o, uint64_t v, bool neg, uint32_t base,
               bool upper, int width, bool left, char pad)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24], *p = tmp + sizeof(tmp);

    do
        *--p = digits[div64(&v, base)];
    while (v);
    if (neg)
        *--p = '-';
    put_field(o, p, (size_t)(tmp + sizeof(tmp) - p), width, left, pad);
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };

    for (; *fmt; fmt++) {
        const char *start = fmt;
        bool left = false;
        char pad = ' ';
        int width = 0, prec = -1, lng = 0;

        if (*fmt != '%') {
            put(&o, *fmt);
            continue;
        }
        for (fmt++; *fmt == '-' || *fmt == '0'; fmt++) {
            if (*fmt == '-')
                left = true;
            else
                pad = '0';
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        if (*fmt == '.')
            for (prec = 0, fmt++; *fmt >= '0' && *fmt <= '9'; fmt++)
                prec = prec * 10 + (*fmt - '0');
        while (*fmt == 'l') {
            lng++;
            fmt++;
        }

        switch (*fmt) {
        case 'd': case 'i': {
            int64_t v = lng > 1 ? va_arg(ap, long long)
                  : lng ? va_arg(ap, long) : va_arg(ap, int);
            put_number(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, v < 0,
                   10, false, width, left, pad);
            break;
        }
        case 'u': case 'x': case 'X': {
            uint64_t v = lng > 1 ? va_arg(ap, unsigned long long)
                   : lng ? va_arg(ap, unsigned long)
                   : va_arg(ap, unsigned int);
            put_number(&o, v, false, *fmt == 'u' ? 10 : 16,
                   *fmt == 'X', width, left, pad);
            break;
        }
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            put_number(&o, (uintptr_t)va_arg(ap, void *), false, 16,
                   false, 8, false, '0');
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);

            if (!s)
                s = "(null)";
            put_field(&o, s, prec >= 0 ? strnlen(s, (size_t)prec)
                           : strlen(s), width, left, ' ');
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);

            put_field(&o, &c, 1, width, left, ' ');
            break;
        }
        case '%':
            put(&o, '%');
            break;
        default:    /* unknown: print the directive as written */
            while (start <= fmt && *start)
                put(&o, *start++);
            if (!*fmt)
                fmt--;
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int vprintf(const char *fmt, va_list ap)
{
    char buf[1024];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    console_write(buf, strlen(buf));
    return n;
}

int printf(const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vprintf(fmt, ap);
    va_end(ap);
    return n;
}
