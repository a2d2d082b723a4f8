/*
 * test-vsnprintf: hypervisor/common/vsnprintf.c against glibc.
 *
 * The hypervisor's vsnprintf is compiled for this test with its public
 * names renamed (-Dvsnprintf=hv_vsnprintf ...), so both implementations
 * live in one program.  Most cases are generated: every combination of
 * flags, width (digits or '*'), precision (digits or '.*'), length modifier
 * and conversion, over values chosen at the edges of each type, is printed
 * by both and must agree in return value and bytes -- also when the buffer
 * is too small (every size from 0 up), and without writing past size.
 * %p and unknown conversions, where Mica deliberately differs from glibc,
 * are checked against fixed expectations.
 */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include "htest.h"

int hv_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int hv_snprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int hv_vscnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int hv_scnprintf(char *buf, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static long long ncompared;

/* Hide a format from the compiler's checks, for cases it rightly calls odd
 * (a '0' flag next to a precision, outputs beyond INT_MAX). */
__attribute__((noipa)) static const char *rt(const char *fmt)
{
    return fmt;
}

/*
 * Compare one format + arguments; on mismatch record the first failure.
 * Checks the full output, and truncated output at a few sizes.
 */
__attribute__((format(printf, 3, 4)))
static void cmp(const char *file, int line, const char *fmt, ...)
{
    char ref[600], got[600 + 8];
    va_list ap, aq;
    int rn, gn;

    va_start(ap, fmt);
    va_copy(aq, ap);
    rn = vsnprintf(ref, sizeof(ref), fmt, ap);
    va_end(ap);
    ncompared++;

    /* sizes: 0, 1, 2, short, exact, exact+1, large */
    size_t sizes[] = { 0, 1, 2, (size_t)rn / 2, (size_t)rn, (size_t)rn + 1, 600 };
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        size_t sz = sizes[i];
        va_list ac;

        memset(got, 0x5a, sizeof(got));
        va_copy(ac, aq);
        gn = hv_vsnprintf(sz ? got : NULL, sz, fmt, ac);
        va_end(ac);
        if (gn != rn) {
            htest_fail(file, line, "fmt \"%s\" size %zu: returned %d, glibc %d",
                       fmt, sz, gn, rn);
            break;
        }
        if (sz) {
            size_t stored = (size_t)rn < sz ? (size_t)rn : sz - 1;
            if (memcmp(got, ref, stored) != 0 || got[stored] != '\0') {
                htest_fail(file, line, "fmt \"%s\" size %zu: \"%.*s\", glibc \"%.*s\"",
                           fmt, sz, (int)stored, got, (int)stored, ref);
                break;
            }
        }
        for (size_t j = sz; j < sizeof(got); j++) {
            if (got[j] != 0x5a) {
                htest_fail(file, line, "fmt \"%s\" size %zu: wrote byte %zu",
                           fmt, sz, j);
                goto out;
            }
        }
    }
out:
    va_end(aq);
}
#define CMP(...) cmp(__FILE__, __LINE__, __VA_ARGS__)

/* Expect an exact output from the hypervisor's snprintf only. */
#define EXPECT(want, ...) do {                                               \
        char b_[256];                                                        \
        int n_ = hv_snprintf(b_, sizeof(b_), __VA_ARGS__);                   \
        CHECK_STREQ(b_, want);                                               \
        CHECK_EQ(n_, (int)strlen(want));                                     \
    } while (0)

static const char *const flag_sets[] = {
    "", "-", "0", "+", " ", "#", "-0", "-+", "- ", "-#", "0+", "0 ", "0#",
    "+ ", "+#", " #", "-0+", "-0#", "0+#", "-+ #", "-0+ #", "+0", "#0-",
};
static const char *const widths[] = { "", "1", "3", "8", "25", "*" };
static const char *const precs[] = { "", ".", ".0", ".1", ".3", ".12", ".*" };
static const int star_widths[] = { -9, 0, 6 };
static const int star_precs[] = { -1, 0, 5 };

/* Print one generated spec for one value with both, for every star value. */
#define GEN_LOOP(convs, lenmod, values, type)                                  \
    for (size_t f = 0; f < sizeof(flag_sets) / sizeof(flag_sets[0]); f++)      \
    for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)            \
    for (size_t p = 0; p < sizeof(precs) / sizeof(precs[0]); p++)              \
    for (const char *c = convs; *c; c++)                                       \
    for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {          \
        char fmt[40];                                                          \
        snprintf(fmt, sizeof(fmt), "[%%%s%s%s" lenmod "%c]", flag_sets[f],     \
                 widths[w], precs[p], *c);                                     \
        bool sw = widths[w][0] == '*', sp = precs[p][0] && precs[p][1] == '*';                \
        for (int i = 0; i < (sw ? 3 : 1); i++)                                 \
        for (int j = 0; j < (sp ? 3 : 1); j++) {                               \
            if (sw && sp)                                                      \
                CMP(fmt, star_widths[i], star_precs[j], (type)values[v]);      \
            else if (sw)                                                       \
                CMP(fmt, star_widths[i], (type)values[v]);                     \
            else if (sp)                                                       \
                CMP(fmt, star_precs[j], (type)values[v]);                      \
            else                                                               \
                CMP(fmt, (type)values[v]);                                     \
        }                                                                      \
    }

static const long long int_vals[] = { 0, 1, -1, 7, 42, -42, 255, 256, 300, -129,
                                       32767, -32768, 65535, 123456789,
                                       INT_MAX, INT_MIN };
static const long long ll_vals[] = { 0, 1, -1, 8, -8, INT_MAX, INT_MIN,
                                     (long long)UINT_MAX + 1, 0x123456789abcdefLL,
                                     LLONG_MAX, LLONG_MIN };

HTEST(int_plain)
{
    GEN_LOOP("diuxXo", "", int_vals, int);
    CHECK(ncompared > 1000);
}

HTEST(int_hh_h)
{
    GEN_LOOP("diuxXo", "hh", int_vals, int);
    GEN_LOOP("diuxXo", "h", int_vals, int);
}

HTEST(int_l_ll)
{
    GEN_LOOP("diuxXo", "l", ll_vals, long);
    GEN_LOOP("diuxXo", "ll", ll_vals, long long);
}

HTEST(int_z_t_j)
{
    /* %zd/%tu are valid C and print the other-signedness type's value */
    GEN_LOOP("uxXo", "z", ll_vals, size_t);
    GEN_LOOP("di", "z", ll_vals, ptrdiff_t);
    GEN_LOOP("di", "t", ll_vals, ptrdiff_t);
    GEN_LOOP("di", "j", ll_vals, intmax_t);
    GEN_LOOP("uxXo", "j", ll_vals, uintmax_t);
}

HTEST(strings)
{
    static const char *const strs[] = { "", "a", "hello", "hello, world!" };
    static const char *const sflags[] = { "", "-" };
    static const char *const sw[] = { "", "1", "5", "20" };
    static const char *const sp[] = { "", ".", ".0", ".1", ".5", ".6", ".30" };
    const char *volatile null = NULL;
    char fmt[32];

    for (size_t f = 0; f < 2; f++)
    for (size_t w = 0; w < 4; w++)
    for (size_t p = 0; p < 7; p++) {
        snprintf(fmt, sizeof(fmt), "<%%%s%s%ss>", sflags[f], sw[w], sp[p]);
        for (size_t s = 0; s < 4; s++)
            CMP(fmt, strs[s]);
        CMP(fmt, null);         /* glibc: "(null)", or "" if precision < 6 */
    }
    CMP("%s and %s", "this", "that");
    CMP("%*s|%-*s|", 7, "ab", 7, "cd");
    CMP("%.*s", 3, "abcdef");
    CMP("%.*s", -3, "abcdef");

    /* With a precision, the string need not be terminated. */
    char unterminated[4] = { 'w', 'x', 'y', 'z' };
    CMP("%.4s", unterminated);
    CMP("%.2s", unterminated);
}

HTEST(chars_and_percent)
{
    CMP("%c", 'x');
    CMP("%c%c%c", 'a', 'b', 'c');
    CMP("%5c|%-5c|", 'p', 'q');
    CMP("%*c|", -4, 'r');
    CMP("%c", 0);           /* a NUL in the middle of the output */
    CMP("a%cb", 0);
    CMP("%c", 255);
    CMP("%%");
    CMP("100%% sure, %d%%", 5);
    CMP(rt(""));
    CMP("plain text, no conversions");
}

HTEST(mixed)
{
    CMP("%s=%d (%#x) at %u:%lu %lld%c", "v", -3, 255, 7u, 99ul, -5ll, '!');
    CMP(rt("[%08.3d] [%-8.3d] [%+.0d] [% 05d]"), 7, -7, 0, 42);
    CMP("%#o %#.0o %#.3o %#5o %#x %#X %#.0x", 0, 0, 8, 8, 0, 255, 0);
    CMP("%hhu %hhd %hu %hd", 257, 200, 70000, 40000);
    CMP("%zu %zx %td %jd", (size_t)-1, (size_t)12345, (ptrdiff_t)-77, (intmax_t)INT64_MIN);
    CMP("%-+10d|%+-10d|% -10d|", 1, 2, 3);
}

HTEST(pointers)
{
    EXPECT("0x0000000000001234", "%p", (void *)0x1234);
    EXPECT("0x0000000000000000", "%p", NULL);
    EXPECT("0xffffffff80100000", "%p", (void *)0xffffffff80100000ULL);
    EXPECT("  0x00000000deadbeef|", "%20p|", (void *)0xdeadbeef);
    EXPECT("0x00000000deadbeef  |", "%-20p|", (void *)0xdeadbeef);
    EXPECT("0x00000000deadbeef", "%5p", (void *)0xdeadbeef);
    EXPECT("<0x0000000000000010>", "<%p>", (void *)16);
}

HTEST(unsupported_and_malformed)
{
    /* Copied through verbatim, consuming no argument; built at run time so
     * the compiler's format checking does not object. */
    char fmt[16];

    strcpy(fmt, "%y");
    EXPECT("%y", fmt, 0);
    strcpy(fmt, "a%5yb");
    EXPECT("a%5yb", fmt, 0);
    strcpy(fmt, "%n");
    EXPECT("%n", fmt, NULL);
    strcpy(fmt, "%d %q %d");
    EXPECT("1 %q 2", fmt, 1, 2);
    strcpy(fmt, "abc%");
    EXPECT("abc%", fmt, 0);
    strcpy(fmt, "abc%-08");
    EXPECT("abc%-08", fmt, 0);
}

HTEST(return_values_and_truncation)
{
    char buf[8];

    CHECK_EQ(hv_snprintf(NULL, 0, "%d", 123456), 6);
    CHECK_EQ(hv_snprintf(buf, sizeof(buf), "%s", "0123456789"), 10);
    CHECK_STREQ(buf, "0123456");
    CHECK_EQ(hv_snprintf(buf, 1, "abc"), 3);
    CHECK_EQ(buf[0], '\0');
    /* Huge widths count fully without writing more than size. */
    CHECK_EQ(hv_snprintf(buf, sizeof(buf), "%1000000d", 1), 1000000);
    CHECK_STREQ(buf, "       ");
    CHECK_EQ(hv_snprintf(NULL, 0, "%*d", INT_MAX, 1), INT_MAX);
    CHECK_EQ(hv_snprintf(NULL, 0, rt("%*d%*d"), INT_MAX, 1, INT_MAX, 1), -1);
    CHECK_EQ(hv_snprintf(NULL, 0, "%.*d", 300000, 5), 300000);
    CHECK_EQ(hv_snprintf(NULL, 0, rt("%99999999999999999999d"), 5), INT_MAX);
}

HTEST(scnprintf)
{
    char buf[10];
    char *p = buf, *end = buf + sizeof(buf);

    CHECK_EQ(hv_scnprintf(buf, sizeof(buf), "%s", "abc"), 3);
    CHECK_EQ(hv_scnprintf(buf, sizeof(buf), "%s", "0123456789abc"), 9);
    CHECK_STREQ(buf, "012345678");
    CHECK_EQ(hv_scnprintf(buf, 0, "%s", "abc"), 0);
    CHECK_EQ(hv_scnprintf(buf, 1, "%s", "abc"), 0);
    /* The idiom it exists for: appending never runs past the end. */
    for (int i = 0; i < 10; i++)
        p += hv_scnprintf(p, (size_t)(end - p), "%d,", i);
    CHECK_STREQ(buf, "0,1,2,3,4");
    CHECK(p == end - 1);
}
