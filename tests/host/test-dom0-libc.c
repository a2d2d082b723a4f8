/*
 * test-dom0-libc: the parts of Dom0's C library written for Dom0
 * (dom0-tools/kernel/libc: number parsing, sorting, the string extras),
 * compared with glibc over a table of tricky inputs and random ones --
 * the tools must behave the same in Dom0 and in their host tests -- and
 * the shell's word splitter (dom0-tools/tools/shell/parse.c).
 *
 * The Dom0 functions are compiled with their names prefixed d0_ so they
 * can sit beside glibc's (tests/host/dom0.mk).
 */
#include "htest.h"
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include "../../dom0-tools/tools/shell/shell.h"

long d0_strtol(const char *s, char **end, int base);
unsigned long d0_strtoul(const char *s, char **end, int base);
long long d0_strtoll(const char *s, char **end, int base);
unsigned long long d0_strtoull(const char *s, char **end, int base);
void d0_qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
size_t d0_strspn(const char *s, const char *accept);
size_t d0_strcspn(const char *s, const char *reject);
int d0_strcasecmp(const char *a, const char *b);
const char *d0_strerror(int err);
extern int d0_errno;

static const char *const numbers[] = {
    "0", "42", "-42", "+7", "  12", "\t\n 13x", "0x1F", "0X1f", "0x", "0xg", "010", "08",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "18446744073709551615", "18446744073709551616",
    "4294967295", "4294967296", "-1", "2147483647", "2147483648", "-2147483648",
    "-2147483649", "", "-", "+", " ", "abc", "z", "0777", "1e5", "12 34", "0b101",
    "99999999999999999999999999",
};

HTEST(strtoll_and_strtoull_match_glibc)
{
    static const int bases[] = { 0, 8, 10, 16, 2, 36 };

    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
        for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
            char *e1, *e2;
            errno = 0; d0_errno = 0;
            long long a = strtoll(numbers[i], &e1, bases[b]);
            int err_a = errno;
            long long d = d0_strtoll(numbers[i], &e2, bases[b]);
            if (!CHECK_EQ(a, d) || !CHECK_EQ(e1 - numbers[i], e2 - numbers[i]) ||
                !CHECK_EQ(err_a == ERANGE, d0_errno == ERANGE))
                printf("    strtoll(\"%s\", %d)\n", numbers[i], bases[b]);
            errno = 0; d0_errno = 0;
            unsigned long long ua = strtoull(numbers[i], &e1, bases[b]);
            err_a = errno;
            unsigned long long ud = d0_strtoull(numbers[i], &e2, bases[b]);
            if (!CHECK(ua == ud) || !CHECK_EQ(e1 - numbers[i], e2 - numbers[i]) ||
                !CHECK_EQ(err_a == ERANGE, d0_errno == ERANGE))
                printf("    strtoull(\"%s\", %d)\n", numbers[i], bases[b]);
        }
    }
}

/* Dom0 is i386: long is 32 bits there.  Compare with the 32-bit limits. */
HTEST(strtol_saturates_at_32_bits)
{
    d0_errno = 0;
    CHECK_EQ(d0_strtol("2147483647", NULL, 10), 2147483647L);
    CHECK_EQ(d0_errno, 0);
    CHECK_EQ(d0_strtol("2147483648", NULL, 10), 2147483647L);
    CHECK_EQ(d0_errno, ERANGE);
    d0_errno = 0;
    CHECK_EQ(d0_strtol("-2147483649", NULL, 10), -2147483647L - 1);
    CHECK_EQ(d0_errno, ERANGE);
    d0_errno = 0;
    CHECK_EQ(d0_strtoul("4294967295", NULL, 10), 4294967295UL);
    CHECK_EQ(d0_strtoul("4294967296", NULL, 10), 4294967295UL);
    CHECK_EQ(d0_errno, ERANGE);
}

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

HTEST(qsort_sorts_everything)
{
    uint32_t x = 7;

    for (int n = 0; n < 300; n += 7) {
        int v[300], w[300];
        for (int i = 0; i < n; i++) {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            v[i] = w[i] = (int)(x % 50) - 25;
        }
        d0_qsort(v, (size_t)n, sizeof(int), cmp_int);
        qsort(w, (size_t)n, sizeof(int), cmp_int);
        CHECK(memcmp(v, w, (size_t)n * sizeof(int)) == 0);
    }
}

HTEST(string_extras_match_glibc)
{
    static const char *const s[] = { "", "abc", "aabbcc", "  x", "xyz  ", "ABC", "aBc" };

    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
        for (size_t j = 0; j < sizeof(s) / sizeof(s[0]); j++) {
            CHECK_EQ(d0_strspn(s[i], s[j]), strspn(s[i], s[j]));
            CHECK_EQ(d0_strcspn(s[i], s[j]), strcspn(s[i], s[j]));
            int a = d0_strcasecmp(s[i], s[j]), b = strcasecmp(s[i], s[j]);
            CHECK_EQ((a > 0) - (a < 0), (b > 0) - (b < 0));
        }
    }
    for (int e = 0; e < 130; e++)
        if (strcmp(d0_strerror(e), "Unknown error"))
            CHECK_STREQ(d0_strerror(e), strerror(e));
}

/* ---- the shell's word splitter ---- */

static int split(const char *line, int status, char **argv, const char **err)
{
    static char store[512];

    return shell_split(line, status, store, sizeof(store), argv, 8, err);
}

HTEST(split_words_and_quotes)
{
    char *argv[9];
    const char *err;

    CHECK_EQ(split("  xl   create  a.cfg -c ", 0, argv, &err), 4);
    CHECK_STREQ(argv[0], "xl");
    CHECK_STREQ(argv[3], "-c");
    CHECK_EQ(split("echo 'a  b' \"c d\" e\\ f", 0, argv, &err), 4);
    CHECK_STREQ(argv[1], "a  b");
    CHECK_STREQ(argv[2], "c d");
    CHECK_STREQ(argv[3], "e f");
    CHECK_EQ(split("x 'it''s' \"q\\\"x\" \"a\\\\b\" '\\n'", 0, argv, &err), 5);
    CHECK_STREQ(argv[1], "its");
    CHECK_STREQ(argv[2], "q\"x");
    CHECK_STREQ(argv[3], "a\\b");
    CHECK_STREQ(argv[4], "\\n");
    CHECK_EQ(split("name='' x", 0, argv, &err), 2);
    CHECK_STREQ(argv[0], "name=");
    CHECK_EQ(split("a '' b", 0, argv, &err), 3);
    CHECK_STREQ(argv[1], "");
}

HTEST(split_status_comments_and_errors)
{
    char *argv[9];
    const char *err;

    CHECK_EQ(split("echo $? \"$?\" '$?' \\$? x$?y", 127, argv, &err), 6);
    CHECK_STREQ(argv[1], "127");
    CHECK_STREQ(argv[2], "127");
    CHECK_STREQ(argv[3], "$?");
    CHECK_STREQ(argv[4], "$?");
    CHECK_STREQ(argv[5], "x127y");
    CHECK_EQ(split("echo a#b # comment", 0, argv, &err), 2);
    CHECK_STREQ(argv[1], "a#b");
    CHECK_EQ(split("   # only a comment", 0, argv, &err), 0);
    CHECK_EQ(split("", 0, argv, &err), 0);
    CHECK_EQ(split("echo 'open", 0, argv, &err), -1);
    CHECK_STREQ(err, "unterminated '");
    CHECK_EQ(split("echo \"open", 0, argv, &err), -1);
    CHECK_STREQ(err, "unterminated \"");
    CHECK_EQ(split("echo x\\", 0, argv, &err), -1);
    CHECK_EQ(split("1 2 3 4 5 6 7 8 9", 0, argv, &err), -1);
    CHECK_STREQ(err, "too many words");
}

HTEST(split_random_lines_stay_in_bounds)
{
    char line[300], store[64], *argv[9];
    const char *err;
    uint32_t x = 3;

    for (int r = 0; r < 20000; r++) {
        size_t n = r % 299;
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5;
            line[i] = "ab '\"\\$?# \t"[x % 11];
        }
        line[n] = '\0';
        int argc = shell_split(line, 5, store, sizeof(store), argv, 8, &err);
        if (argc >= 0)
            for (int i = 0; i < argc; i++)
                CHECK(argv[i] >= store && argv[i] < store + sizeof(store));
        else
            CHECK(err != NULL);
    }
}
