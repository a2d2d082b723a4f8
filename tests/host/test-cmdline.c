/*
 * test-cmdline: hypervisor/common/cmdline.c.
 *
 * One option table with every parameter type; each case parses a command
 * line against fresh defaults and checks the resulting values, the number
 * of problems returned and exactly which problems were reported.  The rule
 * under test throughout: a bad value is reported and leaves the variable at
 * its previous value; nothing ever aborts the parse.
 */
#include <stdint.h>
#include <mica/cmdline.h>
#include <mica/lib.h>
#include "htest.h"

static bool o_flag, o_other;
static uint32_t o_u32;
static uint64_t o_u64;
static uint8_t o_u8;
static uint16_t o_u16;
static uint64_t o_size;
static uint32_t o_size32;
static char o_str[8];
static char o_custom_seen[300];
static int o_custom_calls;

static int custom_handler(const char *val)
{
    o_custom_calls++;
    strlcpy(o_custom_seen, val, sizeof(o_custom_seen));
    return strcmp(val, "bad") == 0 ? -1 : 0;
}

static const struct param table[] = {
    OPT_BOOL("flag", o_flag),
    OPT_BOOL("other_flag", o_other),
    OPT_UINT("u32", o_u32),
    OPT_UINT("u64", o_u64),
    OPT_UINT("u8", o_u8),
    OPT_UINT("u16", o_u16),
    OPT_SIZE("mem", o_size),
    OPT_SIZE("mem32", o_size32),
    OPT_STRING("str", o_str),
    OPT_CUSTOM("custom", custom_handler),
    { .name = "broken_uint", .type = PARAM_UINT, .var = &o_u32, .len = 3 },
    { .name = "no_var", .type = PARAM_STRING, .len = 8 },
    { .name = "no_handler", .type = PARAM_CUSTOM },
};

/* Reports are collected as "what:word;" into one string for easy checks. */
static char reports[1024];

static void record(const char *what, const char *word)
{
    size_t n = strlen(reports);

    snprintf(reports + n, sizeof(reports) - n, "%s:%s;", what, word);
}

static int parse(const char *line)
{
    o_flag = false;
    o_other = true;
    o_u32 = 7;
    o_u64 = 7;
    o_u8 = 7;
    o_u16 = 7;
    o_size = 7;
    o_size32 = 7;
    strcpy(o_str, "dflt");
    o_custom_seen[0] = '\0';
    o_custom_calls = 0;
    reports[0] = '\0';
    return parse_params(line, table, ARRAY_SIZE(table), record);
}

HTEST(empty_and_blank)
{
    CHECK_EQ(parse(""), 0);
    CHECK_EQ(parse("   \t  "), 0);
    CHECK_EQ(parse_params(NULL, table, ARRAY_SIZE(table), record), 0);
    CHECK_EQ(o_u32, 7);
    CHECK_STREQ(reports, "");
}

HTEST(bools)
{
    CHECK_EQ(parse("flag"), 0);
    CHECK_EQ(o_flag, true);
    CHECK_EQ(parse("no-other_flag"), 0);
    CHECK_EQ(o_other, false);
    CHECK_EQ(parse("no-other-flag"), 0);     /* '-' and '_' are the same */
    CHECK_EQ(o_other, false);

    static const char *const yes[] = { "1", "yes", "on", "true", "enable" };
    static const char *const no[] = { "0", "no", "off", "false", "disable" };
    char line[64];
    for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
        snprintf(line, sizeof(line), "flag=%s other-flag=%s", yes[i], no[i]);
        CHECK_EQ(parse(line), 0);
        CHECK_EQ(o_flag, true);
        CHECK_EQ(o_other, false);
    }

    CHECK_EQ(parse("flag=maybe"), 1);
    CHECK_EQ(o_flag, false);
    CHECK_STREQ(reports, "bad value for:flag;");
    CHECK_EQ(parse("flag= other_flag=2"), 2);
    CHECK_EQ(o_other, true);
    CHECK_EQ(parse("no-flag=1"), 1);
    CHECK_STREQ(reports, "bad value for:no-flag;");
    CHECK_EQ(parse("flag no-flag"), 0);      /* the later one wins */
    CHECK_EQ(o_flag, false);
}

HTEST(uints)
{
    CHECK_EQ(parse("u32=42 u64=0x123456789abcdef0 u8=255 u16=0xFFFF"), 0);
    CHECK_EQ(o_u32, 42);
    CHECK_EQ(o_u64, 0x123456789abcdef0ULL);
    CHECK_EQ(o_u8, 255);
    CHECK_EQ(o_u16, 0xffff);
    CHECK_EQ(parse("u32=010"), 0);           /* decimal, not octal */
    CHECK_EQ(o_u32, 10);
    CHECK_EQ(parse("u32=4294967295 u64=18446744073709551615"), 0);
    CHECK_EQ(o_u32, 0xffffffffu);
    CHECK_EQ(o_u64, UINT64_MAX);

    /* Overflow of the variable or of 64 bits, junk, signs, empty. */
    CHECK_EQ(parse("u32=4294967296"), 1);
    CHECK_EQ(o_u32, 7);
    CHECK_EQ(parse("u64=18446744073709551616"), 1);
    CHECK_EQ(o_u64, 7);
    CHECK_EQ(parse("u64=0x10000000000000000"), 1);
    CHECK_EQ(parse("u8=256 u16=65536"), 2);
    CHECK_EQ(o_u8, 7);
    CHECK_EQ(o_u16, 7);
    CHECK_EQ(parse("u32=12abc"), 1);
    CHECK_EQ(parse("u32=-1"), 1);
    CHECK_EQ(parse("u32=+1"), 1);
    CHECK_EQ(parse("u32="), 1);
    CHECK_EQ(parse("u32=0x"), 1);
    CHECK_EQ(parse("u32=0xg"), 1);
    CHECK_EQ(parse("u32=1.5"), 1);
    CHECK_EQ(o_u32, 7);
    CHECK_STREQ(reports, "bad value for:u32;");
    CHECK_EQ(parse("u32"), 1);
    CHECK_STREQ(reports, "missing value for:u32;");
    CHECK_EQ(parse("no-u32"), 1);
    CHECK_STREQ(reports, "unknown option:no-u32;");
    /* A table entry with an impossible size is refused, not guessed at. */
    CHECK_EQ(parse("broken_uint=1"), 1);
    CHECK_EQ(o_u32, 7);
    CHECK_STREQ(reports, "bad table entry for:broken_uint;");
    CHECK_EQ(parse("no_var=x no_handler=y no_handler"), 3);
    CHECK_STREQ(reports, "bad table entry for:no_var;bad table entry for:no_handler;"
                         "bad table entry for:no_handler;");
}

HTEST(sizes)
{
    CHECK_EQ(parse("mem=64"), 0);            /* no unit: KiB, as in Xen */
    CHECK_EQ(o_size, 64ULL << 10);
    CHECK_EQ(parse("mem=4096B"), 0);
    CHECK_EQ(o_size, 4096);
    CHECK_EQ(parse("mem=4096b"), 0);
    CHECK_EQ(o_size, 4096);
    CHECK_EQ(parse("mem=512k"), 0);
    CHECK_EQ(o_size, 512ULL << 10);
    CHECK_EQ(parse("mem=256M"), 0);
    CHECK_EQ(o_size, 256ULL << 20);
    CHECK_EQ(parse("mem=3g"), 0);
    CHECK_EQ(o_size, 3ULL << 30);
    CHECK_EQ(parse("mem=2T"), 0);
    CHECK_EQ(o_size, 2ULL << 40);
    CHECK_EQ(parse("mem=0x10M"), 0);
    CHECK_EQ(o_size, 16ULL << 20);
    CHECK_EQ(parse("mem=0x10"), 0);
    CHECK_EQ(o_size, 16ULL << 10);
    CHECK_EQ(parse("mem=16777215T"), 0);     /* 2^64 - 2^40: the largest in T */
    CHECK_EQ(o_size, 16777215ULL << 40);

    CHECK_EQ(parse("mem=16777216T"), 1);     /* 2^64: overflows */
    CHECK_EQ(o_size, 7);
    CHECK_EQ(parse("mem=18014398509481984"), 1);   /* 2^54 KiB */
    CHECK_EQ(parse("mem=12MB"), 1);
    CHECK_EQ(parse("mem=12X"), 1);
    CHECK_EQ(parse("mem=M"), 1);
    CHECK_EQ(parse("mem=-1M"), 1);
    CHECK_EQ(o_size, 7);
    CHECK_EQ(parse("mem32=4G"), 1);          /* does not fit 32 bits */
    CHECK_EQ(o_size32, 7);
    CHECK_EQ(parse("mem32=4194303K"), 0);
    CHECK_EQ(o_size32, 4194303ULL << 10);
}

HTEST(strings)
{
    CHECK_EQ(parse("str=abc"), 0);
    CHECK_STREQ(o_str, "abc");
    CHECK_EQ(parse("str=1234567"), 0);       /* exactly fills 8 bytes */
    CHECK_STREQ(o_str, "1234567");
    CHECK_EQ(parse("str="), 0);
    CHECK_STREQ(o_str, "");
    CHECK_EQ(parse("str=12345678"), 1);      /* stored truncated, reported */
    CHECK_STREQ(o_str, "1234567");
    CHECK_STREQ(reports, "value too long for:str;");
    CHECK_EQ(parse("str"), 1);
    CHECK_STREQ(o_str, "dflt");
    CHECK_STREQ(reports, "missing value for:str;");
    CHECK_EQ(parse("str=a=b"), 0);           /* only the first '=' splits */
    CHECK_STREQ(o_str, "a=b");
}

HTEST(quoting)
{
    CHECK_EQ(parse("str=\"a b\" flag"), 0);
    CHECK_STREQ(o_str, "a b");
    CHECK_EQ(o_flag, true);
    CHECK_EQ(parse("str=x\"y z\"w"), 0);     /* quotes anywhere in the value */
    CHECK_STREQ(o_str, "xy zw");
    CHECK_EQ(parse("str=\"\""), 0);
    CHECK_STREQ(o_str, "");
    CHECK_EQ(parse("u32=\"12\""), 0);
    CHECK_EQ(o_u32, 12);
    CHECK_EQ(parse("custom=\"one two  three\""), 0);
    CHECK_STREQ(o_custom_seen, "one two  three");

    /* An unterminated quote swallows the rest of the line, which is
     * reported, and nothing in it is applied. */
    CHECK_EQ(parse("u32=5 str=\"abc flag"), 1);
    CHECK_EQ(o_u32, 5);
    CHECK_STREQ(o_str, "dflt");
    CHECK_EQ(o_flag, false);
    CHECK_STREQ(reports, "unterminated quote in:str=abc flag;");
}

HTEST(custom)
{
    CHECK_EQ(parse("custom=value"), 0);
    CHECK_EQ(o_custom_calls, 1);
    CHECK_STREQ(o_custom_seen, "value");
    CHECK_EQ(parse("custom"), 0);
    CHECK_EQ(o_custom_calls, 1);
    CHECK_STREQ(o_custom_seen, "");
    CHECK_EQ(parse("custom=bad"), 1);
    CHECK_STREQ(reports, "bad value for:custom;");

    char line[400];
    snprintf(line, sizeof(line), "custom=%0*d", PARAM_CUSTOM_MAX, 0);
    CHECK_EQ(parse(line), 0);                /* the longest value allowed */
    CHECK_EQ(strlen(o_custom_seen), PARAM_CUSTOM_MAX);
    snprintf(line, sizeof(line), "custom=%0*d", PARAM_CUSTOM_MAX + 1, 0);
    CHECK_EQ(parse(line), 1);
    CHECK_EQ(o_custom_calls, 0);
    CHECK_STREQ(reports, "value too long for:custom;");
}

HTEST(unknown_and_mixed)
{
    CHECK_EQ(parse("bogus u32=3 =x bogus2=1 flag"), 3);
    CHECK_EQ(o_u32, 3);
    CHECK_EQ(o_flag, true);
    CHECK_STREQ(reports, "unknown option:bogus;unknown option:=x;"
                         "unknown option:bogus2;");
    CHECK_EQ(parse("FLAG"), 1);              /* names are case-sensitive */
    CHECK_EQ(parse("fla"), 1);
    CHECK_EQ(parse("flagg"), 1);
    CHECK_EQ(parse("no-"), 1);
    CHECK_EQ(parse("no-bogus"), 1);
    CHECK_STREQ(reports, "unknown option:no-bogus;");

    /* Long names are reported truncated, never overflowing anything. */
    char line[300];
    memset(line, 'n', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    CHECK_EQ(parse(line), 1);
    CHECK_EQ(strlen(reports), strlen("unknown option:;") + 63);

    /* A NULL report function is allowed; problems are still counted. */
    CHECK_EQ(parse_params("bogus u32=x", table, ARRAY_SIZE(table), NULL), 2);
}

HTEST(separator_and_blanks)
{
    CHECK_EQ(parse("u32=1 -- u32=2 bogus"), 0);
    CHECK_EQ(o_u32, 1);
    CHECK_EQ(parse("\tu32=9\n\nflag  "), 0);
    CHECK_EQ(o_u32, 9);
    CHECK_EQ(o_flag, true);
    CHECK_EQ(parse("--x"), 1);               /* only a bare "--" separates */
}

HTEST(simple_strtoull)
{
    const char *end;

    CHECK_EQ(simple_strtoull("123", &end, 0), 123);
    CHECK_EQ(*end, '\0');
    CHECK_EQ(simple_strtoull("0x1f", &end, 0), 31);
    CHECK_EQ(simple_strtoull("0X1F", &end, 0), 31);
    CHECK_EQ(simple_strtoull("017", &end, 0), 15);
    CHECK_EQ(simple_strtoull("0", &end, 0), 0);
    CHECK_EQ(*end, '\0');
    CHECK_EQ(simple_strtoull("0x", &end, 0), 0);   /* "0", then 'x' left */
    CHECK_EQ(*end, 'x');
    CHECK_EQ(simple_strtoull("ff", &end, 16), 255);
    CHECK_EQ(simple_strtoull("0xff", &end, 16), 255);
    CHECK_EQ(simple_strtoull("z", &end, 36), 35);
    CHECK_EQ(simple_strtoull("1012", &end, 2), 5);
    CHECK_EQ(*end, '2');
    CHECK_EQ(simple_strtoull("12abc", &end, 10), 12);
    CHECK_STREQ(end, "abc");
    const char *s = " 5";
    CHECK_EQ(simple_strtoull(s, &end, 10), 0);     /* no blanks skipped */
    CHECK(end == s);
    CHECK_EQ(simple_strtoull("99999999999999999999", &end, 10), UINT64_MAX);
    CHECK_EQ(*end, '\0');
    CHECK_EQ(simple_strtoull("18446744073709551615", NULL, 10), UINT64_MAX);
    CHECK_EQ(simple_strtoull("5", &end, 1), 0);
    CHECK_EQ(simple_strtoull("5", &end, 37), 0);
}

HTEST(skip_image_name)
{
    CHECK_STREQ(cmdline_skip_image_name("/boot/mica.bin console=com1"), "console=com1");
    CHECK_STREQ(cmdline_skip_image_name("  build/demo.elf   a b"), "a b");
    CHECK_STREQ(cmdline_skip_image_name("console=com1 loglvl=info"),
                "console=com1 loglvl=info");
    CHECK_STREQ(cmdline_skip_image_name("root=/dev/sda1 ro"), "root=/dev/sda1 ro");
    CHECK_STREQ(cmdline_skip_image_name("kernel ro"), "kernel ro");
    CHECK_STREQ(cmdline_skip_image_name("/only/a/name"), "");
    CHECK_STREQ(cmdline_skip_image_name("   "), "");
    CHECK_STREQ(cmdline_skip_image_name(""), "");
    CHECK_STREQ(cmdline_skip_image_name("  x y"), "x y");
    CHECK(cmdline_skip_image_name(NULL) == NULL);
}
