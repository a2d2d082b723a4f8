/*
 * xl.cfg files (cfg.c): the syntax only -- what the settings mean is
 * domcfg.c's business.
 *
 * A file is a list of settings `key = value` (or `key += value`, which
 * appends to a list), separated by newlines or ';'.  A value is a string
 * ('...' or "..." with C escapes), a number (0x.. hex, leading-0 octal,
 * decimal), or a list [v, v, ...] that may span lines, nest, and end with
 * a comma.  '#' starts a comment.  A key given twice: the last one wins.
 * This is Xen's grammar (libxlu_cfg), including its quirk that \NNN in a
 * string is decimal.
 *
 * The parser is pure (no OS calls) and tested on the host with fuzzed
 * input; every error names the file and line.
 */
#ifndef XL_CFG_H
#define XL_CFG_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

enum cfg_type { CFG_STRING, CFG_NUMBER, CFG_LIST };

struct cfg_value {
    enum cfg_type type;
    char *text;                 /* string contents, or the number's token */
    struct cfg_value **items;   /* CFG_LIST */
    size_t n;
    unsigned int line;
};

struct cfg_entry {
    char *key;
    struct cfg_value *value;
    const char *file;           /* owned by struct cfg (names[]) */
    unsigned int line;
    bool used;                  /* looked up by domcfg.c */
    struct cfg_entry *next;
};

struct cfg {
    struct cfg_entry *head;
    char *names[8];             /* file names the entries point to */
    unsigned int nnames;
};

#define CFG_MAX_SIZE    (1u << 20)
#define CFG_MAX_DEPTH   8

/*
 * Parse `text` (len bytes) from `file` into c, on top of what c already
 * holds (so command-line settings can follow the file).  0, or -1 with
 * "FILE:LINE: message" in err (and c unchanged).
 */
int cfg_parse(struct cfg *c, const char *file, const char *text, size_t len,
              char *err, size_t errlen);
void cfg_free(struct cfg *c);
/* The entry for key (marked used), or NULL. */
struct cfg_entry *cfg_get(struct cfg *c, const char *key);
/* A number value as C's strtoll(.., 0) reads it, the whole token: 0 or -1. */
int cfg_number(const struct cfg_value *v, long long *out);

#endif
