/*
 * test-string: hypervisor/common/string.c against the C library.
 *
 * The hypervisor's functions are compiled with hv_ names (see host.mk) and
 * compared with glibc's over every alignment and length combination that
 * exercises their word-at-a-time paths, and over the string edge cases
 * (empty strings, NUL as the searched character, bytes >= 0x80 that must
 * compare as unsigned).
 */
#include <stdint.h>
#include "htest.h"

void *hv_memcpy(void *dst, const void *src, size_t n);
void *hv_memmove(void *dst, const void *src, size_t n);
void *hv_memset(void *dst, int c, size_t n);
int hv_memcmp(const void *a, const void *b, size_t n);
size_t hv_strlen(const char *s);
size_t hv_strnlen(const char *s, size_t max);
int hv_strcmp(const char *a, const char *b);
int hv_strncmp(const char *a, const char *b, size_t n);
char *hv_strchr(const char *s, int c);
char *hv_strrchr(const char *s, int c);
char *hv_strstr(const char *h, const char *n);
size_t hv_strlcpy(char *dst, const char *src, size_t size);

static int sign(int x) { return (x > 0) - (x < 0); }

static void fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed * 31 + i * 7 + (i >> 3));
}

HTEST(memcpy_memset_alignments)
{
    unsigned char src[96], a[96], b[96];

    fill(src, sizeof(src), 1);
    for (size_t so = 0; so < 9; so++)
    for (size_t dof = 0; dof < 9; dof++)
    for (size_t n = 0; n + (so > dof ? so : dof) <= 80; n++) {
        memset(a, 0xee, sizeof(a));
        memset(b, 0xee, sizeof(b));
        CHECK(hv_memcpy(a + dof, src + so, n) == a + dof);
        memcpy(b + dof, src + so, n);
        if (!CHECK(memcmp(a, b, sizeof(a)) == 0))
            return;
        CHECK(hv_memset(a + dof, (int)(so * 40 + 0x100), n) == a + dof);
        memset(b + dof, (int)(so * 40 + 0x100), n);
        if (!CHECK(memcmp(a, b, sizeof(a)) == 0))
            return;
    }
}

HTEST(memmove_overlaps)
{
    unsigned char a[128], b[128];

    for (size_t so = 0; so < 24; so++)
    for (size_t dof = 0; dof < 24; dof++)
    for (size_t n = 0; n <= 100; n += (n < 20 ? 1 : 7)) {
        fill(a, sizeof(a), 3);
        fill(b, sizeof(b), 3);
        CHECK(hv_memmove(a + dof, a + so, n) == a + dof);
        memmove(b + dof, b + so, n);
        if (!CHECK(memcmp(a, b, sizeof(a)) == 0))
            return;
    }
}

HTEST(memcmp_unsigned)
{
    unsigned char x[40], y[40];

    fill(x, sizeof(x), 5);
    memcpy(y, x, sizeof(y));
    CHECK_EQ(hv_memcmp(x, y, sizeof(x)), 0);
    CHECK_EQ(hv_memcmp(x, y, 0), 0);
    for (size_t i = 0; i < sizeof(x); i++) {
        y[i] = (unsigned char)(x[i] + 0x80);
        CHECK_EQ(sign(hv_memcmp(x, y, sizeof(x))), sign(memcmp(x, y, sizeof(x))));
        CHECK_EQ(hv_memcmp(x, y, i), 0);
        y[i] = x[i];
    }
}

HTEST(strlen_strnlen)
{
    static const char *const s[] = { "", "a", "hello", "exactly16chars!!", "\x80\xff" };

    for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++) {
        CHECK_EQ(hv_strlen(s[i]), strlen(s[i]));
        for (size_t m = 0; m < 20; m++)
            CHECK_EQ(hv_strnlen(s[i], m), strnlen(s[i], m));
    }
    char raw[3] = { 'a', 'b', 'c' };    /* not terminated: strnlen must stop */
    CHECK_EQ(hv_strnlen(raw, 3), 3);
}

HTEST(strcmp_strncmp)
{
    static const char *const s[] = { "", "a", "b", "ab", "abc", "abd", "\x80", "\x7f",
                                     "abc\xff", "ABC" };
    const size_t n = sizeof(s) / sizeof(s[0]);

    for (size_t i = 0; i < n; i++)
    for (size_t j = 0; j < n; j++) {
        CHECK_EQ(sign(hv_strcmp(s[i], s[j])), sign(strcmp(s[i], s[j])));
        for (size_t k = 0; k < 6; k++)
            CHECK_EQ(sign(hv_strncmp(s[i], s[j], k)), sign(strncmp(s[i], s[j], k)));
    }
}

HTEST(strchr_strrchr_strstr)
{
    const char *s = "hello, world";

    for (int c = 0; c < 256; c++) {
        CHECK(hv_strchr(s, c) == strchr(s, c));
        CHECK(hv_strrchr(s, c) == strrchr(s, c));
    }
    CHECK(hv_strchr(s, 0) == s + strlen(s));
    CHECK(hv_strchr(s, 'o' + 256) == strchr(s, 'o'));      /* converted to char */
    static const char *const needles[] = { "", "h", "hello", "world", "o, w", "x",
                                           "hello, world", "hello, world!", "ld" };
    for (size_t i = 0; i < sizeof(needles) / sizeof(needles[0]); i++)
        CHECK(hv_strstr(s, needles[i]) == strstr(s, needles[i]));
    CHECK(hv_strstr("", "") != NULL);
    CHECK(hv_strstr("", "a") == NULL);
    CHECK(hv_strstr("aaab", "aab") == strstr("aaab", "aab"));
}

HTEST(strlcpy)
{
    char buf[8];

    memset(buf, 'x', sizeof(buf));
    CHECK_EQ(hv_strlcpy(buf, "abc", sizeof(buf)), 3);
    CHECK_STREQ(buf, "abc");
    CHECK_EQ(hv_strlcpy(buf, "0123456789", sizeof(buf)), 10);
    CHECK_STREQ(buf, "0123456");
    CHECK_EQ(hv_strlcpy(buf, "", sizeof(buf)), 0);
    CHECK_STREQ(buf, "");
    buf[0] = 'q';
    CHECK_EQ(hv_strlcpy(buf, "abc", 0), 3);
    CHECK_EQ(buf[0], 'q');
    CHECK_EQ(hv_strlcpy(buf, "abc", 1), 3);
    CHECK_EQ(buf[0], '\0');
}
