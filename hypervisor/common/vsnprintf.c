/*
 * vsnprintf() and friends: formatted output into a bounded buffer.
 *
 * Every message the hypervisor prints goes through here (printk formats into
 * a line buffer first), so this is built to be boring and exact: the output
 * is byte-for-byte what C99/glibc would produce for the supported subset, and
 * the host unit test compares the two over a large table of cases.
 *
 * Supported:  flags  - 0 + space #     width and precision, either as digits
 *             or '*' (taken from the arguments; a negative width means '-',
 *             a negative precision means none)     length  hh h l ll z t j
 *             conversions  d i u x X o c s p %
 *
 * Deliberate differences from glibc:
 *   %p   always "0x" and 16 lower-case hex digits, also for NULL, so addresses
 *        line up in dumps and backtraces (glibc prints "(nil)" and no zeros).
 *   %n   is not supported (a format-string write primitive we do not need).
 *   Unknown conversions are copied to the output verbatim and consume no
 *   argument, so a bad format is visible in the log.
 * A NULL %s prints "(null)", or nothing when the precision is below 6
 * (glibc's rule, so the host comparison holds).
 *
 * Buffer contract (C99): at most size-1 characters are stored and the result
 * is always NUL-terminated when size > 0; buf may be NULL when size is 0.  The
 * return value is the length the complete output would have had, so
 * "n >= size" means truncation.  Lengths beyond INT_MAX return -1.
 *
 * No allocation, no locks, no floating point; callable from any context.
 */
#include <mica/lib.h>

#define F_LEFT   0x01   /* '-' */
#define F_ZERO   0x02   /* '0' */
#define F_PLUS   0x04   /* '+' */
#define F_SPACE  0x08   /* ' ' */
#define F_ALT    0x10   /* '#' */

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct spec {
    unsigned int flags;
    int width;          /* 0 = none */
    int prec;           /* -1 = none */
    enum length len;
    char conv;
};

/*
 * The output cursor.  pos counts every character produced, stored or not;
 * characters are stored only while they fit before the final NUL.
 */
struct out {
    char *buf;
    size_t size;
    size_t pos;
};

static void put(struct out *o, char c)
{
    if (o->pos + 1 < o->size)
        o->buf[o->pos] = c;
    o->pos++;
}

static void put_mem(struct out *o, const char *s, size_t n)
{
    while (n--)
        put(o, *s++);
}

/* Padding only stores what fits, so a huge width costs no more than the
 * buffer size. */
static void put_repeat(struct out *o, char c, size_t n)
{
    size_t room = o->pos + 1 < o->size ? o->size - 1 - o->pos : 0;
    size_t store = n < room ? n : room;

    for (size_t i = 0; i < store; i++)
        o->buf[o->pos + i] = c;
    o->pos += n;
}

/* Parse a run of decimal digits, saturating instead of overflowing. */
static int parse_num(const char **fmt)
{
    int v = 0;

    while (isdigit((unsigned char)**fmt)) {
        int d = *(*fmt)++ - '0';

        v = v > (__INT_MAX__ - d) / 10 ? __INT_MAX__ : v * 10 + d;
    }
    return v;
}

/*
 * Emit one integer conversion.  The layout, left to right, is
 *     [spaces] [sign or 0x prefix] [zeros] [digits] [spaces]
 * where the leading spaces exist unless '-', and the zeros come from the
 * precision or, with '0' and no precision, from the width.
 */
static void put_integer(struct out *o, const struct spec *sp,
                        unsigned long long val, bool negative)
{
    char digits[24];    /* 22 octal digits cover 64 bits */
    const char *xdig = sp->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
    unsigned int base = 10;
    char prefix[2];
    size_t nprefix = 0, ndigits = 0, zeros = 0, total;
    int prec = sp->prec;

    switch (sp->conv) {
    case 'o':
        base = 8;
        break;
    case 'x':
    case 'X':
    case 'p':
        base = 16;
        break;
    }

    /* Precision 0 with value 0 prints no digits at all. */
    for (unsigned long long v = val; v || (ndigits == 0 && prec != 0); v /= base)
        digits[ndigits++] = xdig[v % base];

    if (sp->conv == 'd' || sp->conv == 'i') {
        if (negative)
            prefix[nprefix++] = '-';
        else if (sp->flags & F_PLUS)
            prefix[nprefix++] = '+';
        else if (sp->flags & F_SPACE)
            prefix[nprefix++] = ' ';
    } else if (sp->conv == 'p' ||
               ((sp->flags & F_ALT) && val && (base == 16))) {
        prefix[nprefix++] = '0';
        prefix[nprefix++] = sp->conv == 'X' ? 'X' : 'x';
    }

    if (prec > 0 && (size_t)prec > ndigits)
        zeros = (size_t)prec - ndigits;
    /* '#' with 'o' makes the first digit a zero, adding one if needed. */
    if (sp->conv == 'o' && (sp->flags & F_ALT) && zeros == 0 &&
        (ndigits == 0 || digits[ndigits - 1] != '0'))
        zeros = 1;

    total = nprefix + zeros + ndigits;
    if ((sp->flags & (F_ZERO | F_LEFT)) == F_ZERO && prec < 0 &&
        (size_t)sp->width > total) {
        zeros += (size_t)sp->width - total;
        total = (size_t)sp->width;
    }

    if (!(sp->flags & F_LEFT) && (size_t)sp->width > total)
        put_repeat(o, ' ', (size_t)sp->width - total);
    put_mem(o, prefix, nprefix);
    put_repeat(o, '0', zeros);
    while (ndigits)
        put(o, digits[--ndigits]);
    if ((sp->flags & F_LEFT) && (size_t)sp->width > total)
        put_repeat(o, ' ', (size_t)sp->width - total);
}

static void put_padded(struct out *o, const struct spec *sp, const char *s,
                       size_t n)
{
    size_t pad = (size_t)sp->width > n ? (size_t)sp->width - n : 0;

    if (!(sp->flags & F_LEFT))
        put_repeat(o, ' ', pad);
    put_mem(o, s, n);
    if (sp->flags & F_LEFT)
        put_repeat(o, ' ', pad);
}

/* Fetch a signed argument of the given length, widened. */
static long long arg_signed(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_HH: return (signed char)va_arg(*ap, int);
    case LEN_H:  return (short)va_arg(*ap, int);
    case LEN_L:  return va_arg(*ap, long);
    case LEN_LL: return va_arg(*ap, long long);
    case LEN_Z:  /* the signed type of size_t's width */
    case LEN_T:  return va_arg(*ap, ptrdiff_t);
    case LEN_J:  return va_arg(*ap, intmax_t);
    default:     return va_arg(*ap, int);
    }
}

static unsigned long long arg_unsigned(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_H:  return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_L:  return va_arg(*ap, unsigned long);
    case LEN_LL: return va_arg(*ap, unsigned long long);
    case LEN_Z:
    case LEN_T:  return va_arg(*ap, size_t);
    case LEN_J:  return va_arg(*ap, uintmax_t);
    default:     return va_arg(*ap, unsigned int);
    }
}

/* Parse flags, width, precision and length of one conversion; *fmt points
 * just past the '%' and is left on the conversion character. */
static void parse_spec(const char **fmt, va_list *ap, struct spec *sp)
{
    const char *f = *fmt;

    sp->flags = 0;
    sp->width = 0;
    sp->prec = -1;
    sp->len = LEN_NONE;

    for (;; f++) {
        switch (*f) {
        case '-': sp->flags |= F_LEFT;  continue;
        case '0': sp->flags |= F_ZERO;  continue;
        case '+': sp->flags |= F_PLUS;  continue;
        case ' ': sp->flags |= F_SPACE; continue;
        case '#': sp->flags |= F_ALT;   continue;
        }
        break;
    }

    if (*f == '*') {
        int w = va_arg(*ap, int);

        f++;
        if (w < 0) {
            sp->flags |= F_LEFT;
            w = w == -__INT_MAX__ - 1 ? __INT_MAX__ : -w;
        }
        sp->width = w;
    } else {
        sp->width = parse_num(&f);
    }

    if (*f == '.') {
        f++;
        if (*f == '*') {
            int p = va_arg(*ap, int);

            f++;
            sp->prec = p < 0 ? -1 : p;
        } else {
            sp->prec = parse_num(&f);   /* "." alone means 0 */
        }
    }

    switch (*f) {
    case 'h':
        f++;
        sp->len = LEN_H;
        if (*f == 'h') {
            f++;
            sp->len = LEN_HH;
        }
        break;
    case 'l':
        f++;
        sp->len = LEN_L;
        if (*f == 'l') {
            f++;
            sp->len = LEN_LL;
        }
        break;
    case 'z': f++; sp->len = LEN_Z; break;
    case 't': f++; sp->len = LEN_T; break;
    case 'j': f++; sp->len = LEN_J; break;
    }

    sp->conv = *f;
    *fmt = f;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = { .buf = buf, .size = size, .pos = 0 };
    struct spec sp;
    va_list ap;

    /* A private copy, so helpers can take its address portably. */
    va_copy(ap, ap_in);

    while (*fmt) {
        const char *start = fmt;

        if (*fmt != '%') {
            put(&o, *fmt++);
            continue;
        }
        fmt++;
        parse_spec(&fmt, &ap, &sp);

        switch (sp.conv) {
        case 'd':
        case 'i': {
            long long v = arg_signed(&ap, sp.len);
            /* Negate in unsigned arithmetic: -LLONG_MIN does not exist. */
            unsigned long long mag = v < 0 ? 0ULL - (unsigned long long)v
                                           : (unsigned long long)v;
            put_integer(&o, &sp, mag, v < 0);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o':
            put_integer(&o, &sp, arg_unsigned(&ap, sp.len), false);
            break;
        case 'p':
            sp.flags &= F_LEFT;             /* only width and '-' apply */
            sp.prec = 2 * (int)sizeof(uint64_t);
            put_integer(&o, &sp, (uintptr_t)va_arg(ap, void *), false);
            break;
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_padded(&o, &sp, &c, 1);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);

            if (!s)
                s = (sp.prec < 0 || sp.prec >= 6) ? "(null)" : "";
            /* strnlen: with a precision, s need not be terminated. */
            put_padded(&o, &sp, s, strnlen(s, sp.prec < 0 ? (size_t)-1
                                                         : (size_t)sp.prec));
            break;
        }
        case '%':
            put(&o, '%');
            break;
        case '\0':
            /* Format ends inside a conversion: show what there was. */
            put_mem(&o, start, (size_t)(fmt - start));
            continue;
        default:
            put_mem(&o, start, (size_t)(fmt - start) + 1);
            break;
        }
        fmt++;
    }
    va_end(ap);

    if (size)
        buf[o.pos < size ? o.pos : size - 1] = '\0';
    return o.pos > (size_t)__INT_MAX__ ? -1 : (int)o.pos;
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

int vscnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    int n = vsnprintf(buf, size, fmt, ap);

    if (size == 0)
        return 0;
    if (n < 0 || (size_t)n >= size)
        return (int)(size - 1 > (size_t)__INT_MAX__ ? __INT_MAX__ : size - 1);
    return n;
}

int scnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vscnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
