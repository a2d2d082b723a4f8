/*
 * Command-line option parsing (common/cmdline.c).
 *
 * A subsystem that takes options describes them in a table of struct param;
 * boot code hands the whole command line and the table to parse_params().
 *
 * Grammar (words are separated by blanks; '"' quotes blanks inside a word
 * and the quotes themselves are removed):
 *
 *   name=value      set an option
 *   name            PARAM_BOOL: true; PARAM_CUSTOM: custom("")
 *   no-name         PARAM_BOOL: false
 *   --              ends option parsing (Xen's separator: what follows is
 *                   meant for the initial domain's kernel)
 *
 * '-' and '_' are interchangeable in names, as in Xen ("dom0-mem" is
 * "dom0_mem").  A later occurrence of an option overrides an earlier one.
 *
 * Values, by type (var points at the variable; len as noted):
 *
 *   PARAM_BOOL    bool *var; 1 0 yes no on off true false enable disable
 *   PARAM_UINT    decimal or 0x-hex, no sign; len = sizeof *var (1, 2, 4 or
 *                 8); values that do not fit the variable are rejected.
 *                 A leading 0 does NOT mean octal ("010" is ten).
 *   PARAM_SIZE    a PARAM_UINT number followed by an optional unit B, K, M,
 *                 G or T (either case, powers of 1024).  A number WITHOUT a
 *                 unit is in KiB, as in Xen ("dom0_mem=65536" = 64 MiB);
 *                 write "4096B" for bytes.  The variable receives bytes;
 *                 len = sizeof *var.  Overflow is rejected.
 *   PARAM_STRING  char var[len]; copied and NUL-terminated.  A value that
 *                 does not fit is stored truncated AND reported.
 *   PARAM_CUSTOM  custom(value) is called (value at most 255 characters);
 *                 it returns 0, or -1 to have the value reported as bad.
 *
 * parse_params() never stops at an error: every problem (unknown option,
 * bad or missing value, truncation, unterminated quote) is passed to
 * report(what, word) -- report may be NULL -- and counted, and an option
 * with a bad value keeps its previous (default) value.  The words reported:
 *   "unknown option" name   "bad value for" name   "missing value for" name
 *   "value too long for" name   "unterminated quote in" word
 *   "bad table entry for" name (NULL var or custom, impossible len)
 */
#ifndef MICA_CMDLINE_H
#define MICA_CMDLINE_H

#include <mica/types.h>

enum param_type { PARAM_BOOL, PARAM_UINT, PARAM_SIZE, PARAM_STRING, PARAM_CUSTOM };

struct param {
    const char *name;
    enum param_type type;
    void *var;
    size_t len;     /* STRING: buffer size; UINT/SIZE: sizeof *var */
    int (*custom)(const char *val);     /* CUSTOM: returns 0 or -1 */
};

/* Table helpers: { OPT_BOOL("noreboot", opt_noreboot), ... } */
#define OPT_BOOL(n, v)   { .name = (n), .type = PARAM_BOOL, .var = &(v), .len = sizeof(v) }
#define OPT_UINT(n, v)   { .name = (n), .type = PARAM_UINT, .var = &(v), .len = sizeof(v) }
#define OPT_SIZE(n, v)   { .name = (n), .type = PARAM_SIZE, .var = &(v), .len = sizeof(v) }
#define OPT_STRING(n, a) { .name = (n), .type = PARAM_STRING, .var = (a), .len = sizeof(a) }
#define OPT_CUSTOM(n, f) { .name = (n), .type = PARAM_CUSTOM, .custom = (f) }

/* Longest value handed to a PARAM_CUSTOM handler. */
#define PARAM_CUSTOM_MAX 255

/* A PARAM_BOOL value for custom parsers: 1, 0, or -1 if not one. */
int cmdline_bool(const char *s);

typedef void (*param_report_fn)(const char *what, const char *word);

/* Returns the number of problems found (0 = all options applied). */
int parse_params(const char *cmdline, const struct param *tbl, size_t n,
                 param_report_fn report);

/*
 * Boot loaders disagree on whether a kernel's or module's command line
 * starts with its file name (QEMU's multiboot loader includes it, GRUB2
 * does not).  The first word is taken to be a file name, and skipped, iff it
 * contains a '/' and no '='.  Returns the rest, leading blanks skipped.
 */
const char *cmdline_skip_image_name(const char *s);

#endif /* MICA_CMDLINE_H */
