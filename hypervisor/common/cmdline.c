/*
 * Table-driven command-line parsing; the grammar is in mica/cmdline.h.
 *
 * Who calls it: boot code, once per option table, with the hypervisor's
 * command line (and module command lines go through
 * cmdline_skip_image_name() first).  It runs before anything else is set
 * up, so it must not allocate and must survive any input: the command line
 * comes from whoever configured the boot loader, not from a trusted source.
 *
 * How: the command line is never modified and never copied whole.  A word
 * is described by a view (start, end) into it; the only copies made are a
 * value about to be converted (bounded, quotes removed), a name for a
 * report, and a string option into its own buffer.  Each word is validated
 * completely before anything is written, so a bad value leaves the
 * variable exactly as it was (validate, then commit).
 *
 * simple_strtoull() lives here too: it is the number parser this file is
 * built on, and unlike the str*() functions it has no C library twin, so it
 * must be in a file that the host unit tests also compile.
 */
#include <mica/cmdline.h>
#include <mica/lib.h>

#define ULL_MAX (~0ULL)

/* A piece of the command line: [s, e). */
struct view {
    const char *s, *e;
};

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

/* Digits in the given base from s; reports overflow instead of wrapping. */
static unsigned long long parse_digits(const char *s, unsigned int base,
                                       const char **end, bool *overflow)
{
    unsigned long long v = 0;
    int d;

    *overflow = false;
    for (; (d = digit_value((unsigned char)*s)) < (int)base; s++) {
        if (v > (ULL_MAX - (unsigned int)d) / base) {
            *overflow = true;
            v = ULL_MAX;
        } else if (!*overflow) {
            v = v * base + (unsigned int)d;
        }
    }
    *end = s;
    return v;
}

static bool has_hex_prefix(const char *s)
{
    return s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
           isxdigit((unsigned char)s[2]);
}

unsigned long long simple_strtoull(const char *s, const char **end,
                                   unsigned int base)
{
    const char *e;
    unsigned long long v;
    bool overflow;

    if (base == 1 || base > 36) {
        if (end)
            *end = s;
        return 0;
    }
    if ((base == 0 || base == 16) && has_hex_prefix(s)) {
        s += 2;
        base = 16;
    } else if (base == 0) {
        base = s[0] == '0' ? 8 : 10;
    }
    v = parse_digits(s, base, &e, &overflow);
    if (end)
        *end = e;
    return v;
}

/*
 * A whole-value number for options: decimal, or hex with 0x.  Returns the
 * end of the digits in *end; fails on no digits or overflow.
 */
static bool parse_number(const char *s, unsigned long long *val, const char **end)
{
    bool overflow;
    unsigned int base = 10;

    if (has_hex_prefix(s)) {
        s += 2;
        base = 16;
    }
    *val = parse_digits(s, base, end, &overflow);
    return *end != s && !overflow;
}

/* Does the value fit an unsigned variable of len bytes? */
static bool fits(unsigned long long v, size_t len)
{
    switch (len) {
    case 1: return v <= 0xffu;
    case 2: return v <= 0xffffu;
    case 4: return v <= 0xffffffffu;
    case 8: return true;
    default: return false;      /* a table bug (caught in apply()) */
    }
}

static void store_uint(void *var, size_t len, unsigned long long v)
{
    switch (len) {
    case 1: *(uint8_t *)var = (uint8_t)v; break;
    case 2: *(uint16_t *)var = (uint16_t)v; break;
    case 4: *(uint32_t *)var = (uint32_t)v; break;
    case 8: *(uint64_t *)var = v; break;
    }
}

static bool parse_uint(const char *s, unsigned long long *val)
{
    const char *end;

    return parse_number(s, val, &end) && *end == '\0';
}

/* A size: number + optional unit; no unit means KiB (see cmdline.h). */
static bool parse_size(const char *s, unsigned long long *val)
{
    const char *end;
    unsigned int shift;

    if (!parse_number(s, val, &end))
        return false;
    switch (tolower((unsigned char)*end)) {
    case 'b':  shift = 0;  end++; break;
    case 'k':  shift = 10; end++; break;
    case 'm':  shift = 20; end++; break;
    case 'g':  shift = 30; end++; break;
    case 't':  shift = 40; end++; break;
    case '\0': shift = 10; break;
    default:   return false;
    }
    if (*end != '\0' || *val > (ULL_MAX >> shift))
        return false;
    *val <<= shift;
    return true;
}

static int parse_bool(const char *s)
{
    static const char *const no[] = { "0", "no", "off", "false", "disable" };
    static const char *const yes[] = { "1", "yes", "on", "true", "enable" };

    for (size_t i = 0; i < ARRAY_SIZE(no); i++) {
        if (strcmp(s, no[i]) == 0)
            return 0;
        if (strcmp(s, yes[i]) == 0)
            return 1;
    }
    return -1;
}

int cmdline_bool(const char *s)
{
    return parse_bool(s);
}

/*
 * Copy a view into dst (size bytes, size > 0), dropping quote characters.
 * Returns the unquoted length, which may exceed what was stored.
 */
static size_t copy_unquoted(char *dst, size_t size, struct view v)
{
    size_t n = 0;

    for (const char *p = v.s; p < v.e; p++) {
        if (*p == '"')
            continue;
        if (n + 1 < size)
            dst[n] = *p;
        n++;
    }
    dst[n < size ? n : size - 1] = '\0';
    return n;
}

/* Names compare with '-' and '_' equal. */
static bool name_eq(struct view v, const char *name)
{
    for (const char *p = v.s; p < v.e; p++, name++) {
        char a = *p == '-' ? '_' : *p;
        char b = *name == '-' ? '_' : *name;

        if (!b || a != b)
            return false;
    }
    return *name == '\0';
}

static const struct param *lookup(const struct param *tbl, size_t n,
                                  struct view name)
{
    for (size_t i = 0; i < n; i++) {
        if (tbl[i].name && name_eq(name, tbl[i].name))
            return &tbl[i];
    }
    return NULL;
}

static int problem(param_report_fn report, const char *what, struct view word)
{
    char buf[64];

    if (report) {
        copy_unquoted(buf, sizeof(buf), word);
        report(what, buf);
    }
    return 1;
}

/*
 * Apply one word: name is the part before the first '=', value the part
 * after it (has_value false when there is no '=').  Returns problems (0/1).
 */
static int apply(const struct param *tbl, size_t n, param_report_fn report,
                 struct view name, struct view value, bool has_value)
{
    const struct param *p = lookup(tbl, n, name);
    bool negate = false;
    char buf[PARAM_CUSTOM_MAX + 1];
    unsigned long long v;
    int b;

    /* "no-name" negates a boolean, unless "no-name" is itself an option. */
    if (!p && name.e - name.s > 3) {
        struct view prefix = { name.s, name.s + 3 }, rest = { name.s + 3, name.e };

        if (name_eq(prefix, "no-")) {
            p = lookup(tbl, n, rest);
            if (p && p->type != PARAM_BOOL)
                p = NULL;
            negate = true;
        }
    }
    if (!p) {
        struct view word = { name.s, has_value ? value.e : name.e };

        /* A word like "=x" has no name; report all of it. */
        return problem(report, "unknown option", name.e > name.s ? name : word);
    }
    if ((p->type == PARAM_CUSTOM ? !p->custom : !p->var) ||
        ((p->type == PARAM_UINT || p->type == PARAM_SIZE) && !fits(0, p->len)))
        return problem(report, "bad table entry for", name);

    if (!has_value) {
        switch (p->type) {
        case PARAM_BOOL:
            *(bool *)p->var = !negate;
            return 0;
        case PARAM_CUSTOM:
            return p->custom("") == 0 ? 0 : problem(report, "bad value for", name);
        default:
            return problem(report, "missing value for", name);
        }
    }
    if (negate)     /* "no-name=value" means nothing sensible */
        return problem(report, "bad value for", name);

    if (p->type == PARAM_STRING) {
        if (p->len == 0)
            return problem(report, "value too long for", name);
        if (copy_unquoted(p->var, p->len, value) >= p->len)
            return problem(report, "value too long for", name);
        return 0;
    }

    if (copy_unquoted(buf, sizeof(buf), value) >= sizeof(buf))
        return problem(report, p->type == PARAM_CUSTOM ? "value too long for"
                                                       : "bad value for", name);
    switch (p->type) {
    case PARAM_BOOL:
        if ((b = parse_bool(buf)) < 0)
            return problem(report, "bad value for", name);
        *(bool *)p->var = b;
        return 0;
    case PARAM_UINT:
    case PARAM_SIZE:
        if (!(p->type == PARAM_UINT ? parse_uint(buf, &v) : parse_size(buf, &v)) ||
            !fits(v, p->len))
            return problem(report, "bad value for", name);
        store_uint(p->var, p->len, v);
        return 0;
    case PARAM_CUSTOM:
        return p->custom(buf) == 0 ? 0 : problem(report, "bad value for", name);
    default:
        return problem(report, "bad value for", name);
    }
}

int parse_params(const char *cmdline, const struct param *tbl, size_t n,
                 param_report_fn report)
{
    const char *p = cmdline;
    int problems = 0;

    if (!p)
        return 0;
    for (;;) {
        struct view word, name, value = { NULL, NULL };
        bool quoted = false, has_value = false;

        while (isspace((unsigned char)*p))
            p++;
        if (!*p)
            break;

        /* A word ends at a blank outside quotes; the name at the first '='. */
        word.s = name.s = p;
        name.e = NULL;
        for (; *p && (quoted || !isspace((unsigned char)*p)); p++) {
            if (*p == '"')
                quoted = !quoted;
            else if (*p == '=' && !has_value && !quoted) {
                has_value = true;
                name.e = p;
                value.s = p + 1;
            }
        }
        word.e = p;
        if (has_value)
            value.e = p;
        else
            name.e = p;

        if (quoted) {
            problems += problem(report, "unterminated quote in", word);
            continue;
        }
        if (word.e - word.s == 2 && word.s[0] == '-' && word.s[1] == '-')
            break;
        problems += apply(tbl, n, report, name, value, has_value);
    }
    return problems;
}

const char *cmdline_skip_image_name(const char *s)
{
    const char *p;
    bool slash = false, equals = false;

    if (!s)
        return s;
    while (isspace((unsigned char)*s))
        s++;
    for (p = s; *p && !isspace((unsigned char)*p); p++) {
        slash |= *p == '/';
        equals |= *p == '=';
    }
    if (!slash || equals)
        return s;
    while (isspace((unsigned char)*p))
        p++;
    return p;
}
