/*
 * test-symbols: scripts/gensyms.sh and hypervisor/common/symbols.c.
 *
 * Part 1 links a table that the build generated from the fixed listing
 * tests/host/test-symbols.nm (aliases, local and weak symbols, .L labels,
 * undefined and data symbols, the table's own symbols, _etext, out of
 * order) and checks symbols_lookup() on every boundary.
 *
 * Part 2 runs the script itself (its path is compiled in as GENSYMS) on
 * listings written to temporary files, and checks the properties the
 * three-pass hypervisor link depends on: the output is a function of the
 * input alone (order and repeated runs do not matter), and moving every
 * symbol changes only address values -- never the number or size of the
 * lines -- so the table's size depends only on the set of names.  The
 * empty table (/dev/null) and a generated one must assemble.
 */
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>
#include <mica/symbols.h>
#include "htest.h"

#ifndef GENSYMS
#error "build with -DGENSYMS='\"/path/to/scripts/gensyms.sh\"'"
#endif

#define TEXT 0xffffffff80100000ULL

static void expect(uint64_t addr, const char *name, uint64_t off, uint64_t size,
                   int line)
{
    uint64_t o = 77, s = 77;
    const char *got = symbols_lookup(addr, &o, &s);

    if (!name) {
        if (got)
            htest_fail(__FILE__, line, "%#llx: expected no symbol, got %s",
                       (unsigned long long)addr, got);
        return;
    }
    if (!got || strcmp(got, name) || o != off || s != size)
        htest_fail(__FILE__, line, "%#llx: got %s+%#llx/%#llx, expected %s+%#llx/%#llx",
                   (unsigned long long)addr, got ? got : "NULL",
                   (unsigned long long)o, (unsigned long long)s, name,
                   (unsigned long long)off, (unsigned long long)size);
}
#define EXPECT(addr, name, off, size) expect(addr, name, off, size, __LINE__)

HTEST(lookup_boundaries)
{
    EXPECT(0, NULL, 0, 0);
    EXPECT(TEXT - 1, NULL, 0, 0);
    EXPECT(TEXT, "_start", 0, 0x40);            /* global alias wins */
    EXPECT(TEXT + 0x3f, "_start", 0x3f, 0x40);
    EXPECT(TEXT + 0x40, "start_c", 0, 0xc0);    /* T before W */
    EXPECT(TEXT + 0xff, "start_c", 0xbf, 0xc0);
    EXPECT(TEXT + 0x100, "helper", 0, 0x80);    /* .L label not in table */
    EXPECT(TEXT + 0x150, "helper", 0x50, 0x80);
    EXPECT(TEXT + 0x180, "helper.cold", 0, 0x80);
    EXPECT(TEXT + 0x250, "do_console_io", 0x50, 0x100);
    EXPECT(TEXT + 0x300, "last_function", 0, 0x40);   /* runs to _etext */
    EXPECT(TEXT + 0x33f, "last_function", 0x3f, 0x40);
    EXPECT(TEXT + 0x340, NULL, 0, 0);           /* _etext itself */
    EXPECT(0xffffffff80300000ULL, NULL, 0, 0);  /* data */
    EXPECT(UINT64_MAX, NULL, 0, 0);
    CHECK_STREQ(symbols_lookup(TEXT + 1, NULL, NULL), "_start");
}

/* ---- running the script ------------------------------------------------ */

static char tmpdir[64];

static bool make_tmpdir(void)
{
    strcpy(tmpdir, "/tmp/test-symbols-XXXXXX");
    return mkdtemp(tmpdir) != NULL;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");

    if (!CHECK(f != NULL))
        return;
    fputs(text, f);
    fclose(f);
}

/* Run gensyms.sh on a listing (text, or NULL = /dev/null); returns a
 * malloc'ed copy of its output. */
static char *gensyms(const char *listing)
{
    char in[256], cmd[1024];
    static char out[1 << 16];
    size_t n;
    FILE *p;

    if (listing) {
        snprintf(in, sizeof(in), "%s/in.nm", tmpdir);
        write_file(in, listing);
    } else {
        strcpy(in, "/dev/null");
    }
    snprintf(cmd, sizeof(cmd), "sh '%s' '%s'", GENSYMS, in);
    p = popen(cmd, "r");
    if (!CHECK(p != NULL))
        return strdup("");
    n = fread(out, 1, sizeof(out) - 1, p);
    out[n] = '\0';
    CHECK_EQ(pclose(p), 0);
    return strdup(out);
}

/* Same text with every ".quad 0x..." value blanked out. */
static char *without_addresses(const char *s)
{
    char *r = strdup(s), *p = r;

    while ((p = strstr(p, ".quad 0x")) != NULL) {
        p += strlen(".quad 0x");
        while (*p && *p != '\n')
            *p++ = '#';
    }
    return r;
}

static int count_lines(const char *s)
{
    int n = 0;

    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static bool assembles(const char *src)
{
    char path[256], cmd[1024];

    snprintf(path, sizeof(path), "%s/t.S", tmpdir);
    write_file(path, src);
    /* As the top Makefile does: a .S through the C preprocessor. */
    snprintf(cmd, sizeof(cmd), "cc -c -D__ASSEMBLY__ -o %s/t.o %s", tmpdir, path);
    return system(cmd) == 0;
}

static const char listing_a[] =
    "ffffffff80100000 T _start\n"
    "ffffffff80100010 t local_fn\n"
    "ffffffff80100010 T alias_fn\n"
    "ffffffff80100020 t .L_skip\n"
    "ffffffff80100030 W weak_fn\n"
    "ffffffff80100040 T linux\n"             /* a cpp macro name in gnu11 */
    "ffffffff80100050 T _etext\n"
    "ffffffff80100060 T mica_sym_lookalike\n"
    "ffffffff80200000 R mica_sym_count\n"
    "ffffffff80200010 D data\n"
    "                 U extern_fn\n";

/* The same names, all moved, as after the symbol table grows. */
static const char listing_b[] =
    "ffffffff80101000 T _start\n"
    "ffffffff80101234 t local_fn\n"
    "ffffffff80101234 T alias_fn\n"
    "ffffffff80101240 t .L_skip\n"
    "ffffffff80101300 W weak_fn\n"
    "ffffffff80101408 T linux\n"
    "ffffffff80101500 T _etext\n"
    "ffffffff80101600 T mica_sym_lookalike\n"
    "ffffffff80208000 R mica_sym_count\n"
    "ffffffff80208010 R mica_sym_addrs\n"    /* table symbols appear */
    "ffffffff80210010 D data\n"
    "                 U extern_fn\n";

HTEST(script_output_properties)
{
    if (!CHECK(make_tmpdir()))
        return;

    char *empty = gensyms(NULL);
    CHECK(strstr(empty, "mica_sym_count:\n\t.quad 0\n") != NULL);
    CHECK(strstr(empty, "mica_sym_end:\n\t.quad 0x0\n") != NULL);
    CHECK(strstr(empty, ".section .rodata.symtab") != NULL);
    CHECK(assembles(empty));

    char *a = gensyms(listing_a);
    CHECK(strstr(a, "mica_sym_count:\n\t.quad 5\n") != NULL);
    CHECK(strstr(a, "mica_sym_end:\n\t.quad 0xffffffff80100050\n") != NULL);
    CHECK(strstr(a, "\"alias_fn\"") && strstr(a, "\"local_fn\"") &&
          strstr(a, "\"weak_fn\"") && strstr(a, "\"linux\"") && strstr(a, "\"_start\""));
    CHECK(strstr(a, "_skip") == NULL);
    CHECK(strstr(a, "\"_etext\"") == NULL);
    CHECK(strstr(a, "lookalike") == NULL);
    CHECK(strstr(a, "\"data\"") == NULL && strstr(a, "extern_fn") == NULL);
    /* The global alias comes first. */
    CHECK(strstr(a, "\"alias_fn\"") < strstr(a, "\"local_fn\""));
    CHECK(assembles(a));

    /* Deterministic, and independent of input order. */
    char *a2 = gensyms(listing_a);
    CHECK_STREQ(a2, a);
    char reversed[sizeof(listing_a)];
    const char *end = listing_a + strlen(listing_a);
    size_t n = 0;
    while (end > listing_a) {
        const char *start = end - 1;
        while (start > listing_a && start[-1] != '\n')
            start--;
        memcpy(reversed + n, start, (size_t)(end - start));
        n += (size_t)(end - start);
        end = start;
    }
    reversed[n] = '\0';
    char *r = gensyms(reversed);
    CHECK_STREQ(r, a);

    /* Moved symbols: only address values differ, so the size is equal. */
    char *b = gensyms(listing_b);
    CHECK(strcmp(a, b) != 0);
    CHECK_EQ(count_lines(a), count_lines(b));
    char *na = without_addresses(a), *nb = without_addresses(b);
    CHECK_STREQ(na, nb);

    /* Empty standard input means nm failed: an error, not a table. */
    char cmd0[512];
    snprintf(cmd0, sizeof(cmd0), "sh '%s' - </dev/null >/dev/null 2>&1", GENSYMS);
    CHECK(system(cmd0) != 0);
    snprintf(cmd0, sizeof(cmd0), "sh '%s' %s/missing >/dev/null 2>&1", GENSYMS, tmpdir);
    CHECK(system(cmd0) != 0);

    free(empty); free(a); free(a2); free(r); free(b); free(na); free(nb);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    CHECK_EQ(system(cmd), 0);
}

HTEST(script_sorts_numerically)
{
    /* Mixed-width addresses (e.g. a 32-bit nm) sort as numbers. */
    static const char listing[] =
        "00100000 T low\n"
        "ffffffff80000000 T high\n"
        "0000000000200000 T middle\n"
        "1000 T lowest\n";

    if (!CHECK(make_tmpdir()))
        return;
    char *out = gensyms(listing);
    const char *l = strstr(out, "\"lowest\""), *lo = strstr(out, "\"low\""),
               *m = strstr(out, "\"middle\""), *h = strstr(out, "\"high\"");
    CHECK(l && lo && m && h && l < lo && lo < m && m < h);
    CHECK(strstr(out, ".quad 0x0000000000001000\n") != NULL);
    free(out);
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    CHECK_EQ(system(cmd), 0);
}
