/*
 * The xl.cfg parser: a hand-written lexer and recursive-descent parser
 * for the grammar of cfg.h.
 *
 * Everything is parsed into a private list first and merged into the
 * caller's struct cfg only when the whole text is good, so a bad file (or
 * a bad key=value on the command line) leaves nothing half-applied.
 *
 * Messages follow Xen's wording where it has one, with hints where xl's
 * are unhelpful: an unquoted word as a value says "must be quoted", and
 * characters typical of the old Python-syntax (xm) files say so.
 */
#include "cfg.h"
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <errno.h>

enum tok {
    T_EOF, T_SEP, T_EQ, T_PLUSEQ, T_LBRACK, T_RBRACK, T_COMMA,
    T_IDENT, T_STRING, T_NUMBER, T_ERROR,
};

struct lexer {
    const char *file;
    const char *p, *end;
    unsigned int line;
    enum tok tok;
    unsigned int tok_line;
    char *text;                 /* T_IDENT, T_STRING, T_NUMBER */
    char *err;
    size_t errlen;
    bool failed;
    bool newline;               /* the last T_SEP was a newline, not ';' */
};

static void fail(struct lexer *lx, unsigned int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(struct lexer *lx, unsigned int line, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (lx->failed)
        return;
    lx->failed = true;
    n = snprintf(lx->err, lx->errlen, "%s:%u: ", lx->file, line);
    if (n >= 0 && (size_t)n < lx->errlen) {
        va_start(ap, fmt);
        vsnprintf(lx->err + n, lx->errlen - (size_t)n, fmt, ap);
        va_end(ap);
    }
}

static int hexval(int c)
{
    return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* A quoted string: the opening quote is at lx->p[-1]. */
static enum tok lex_string(struct lexer *lx, char q)
{
    size_t cap = 32, n = 0;
    char *s = malloc(cap);

    if (!s) {
        fail(lx, lx->line, "out of memory");
        return T_ERROR;
    }
    for (;;) {
        if (lx->p == lx->end || *lx->p == '\n') {
            free(s);
            fail(lx, lx->line, "unterminated string (strings end on the line they start)");
            return T_ERROR;
        }
        int c = (unsigned char)*lx->p++;
        if (c == q)
            break;
        if (c == '\\') {
            if (lx->p == lx->end) {
                free(s);
                fail(lx, lx->line, "unterminated string");
                return T_ERROR;
            }
            int e = (unsigned char)*lx->p++;
            switch (e) {
            case '\\': case '\'': case '"': c = e; break;
            case 'a': c = '\a'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'v': c = '\v'; break;
            case 'x':
                if (lx->end - lx->p < 2 || !isxdigit((unsigned char)lx->p[0]) ||
                    !isxdigit((unsigned char)lx->p[1])) {
                    free(s);
                    fail(lx, lx->line, "\\x in a string needs exactly two hex digits");
                    return T_ERROR;
                }
                c = hexval((unsigned char)lx->p[0]) * 16 + hexval((unsigned char)lx->p[1]);
                lx->p += 2;
                break;
            default:
                if (isdigit(e)) {   /* \NNN: up to 3 digits, decimal (Xen's quirk) */
                    c = e - '0';
                    for (int i = 0; i < 2 && lx->p < lx->end && isdigit((unsigned char)*lx->p); i++)
                        c = c * 10 + (*lx->p++ - '0');
                    if (c > 255) {
                        free(s);
                        fail(lx, lx->line, "\\%d in a string is not a byte (the digits are decimal)", c);
                        return T_ERROR;
                    }
                    break;
                }
                free(s);
                if (isprint(e))
                    fail(lx, lx->line, "invalid escape '\\%c' in a string", e);
                else
                    fail(lx, lx->line, "invalid escape (byte 0x%02x) in a string", e);
                return T_ERROR;
            }
            if (c == 0) {
                free(s);
                fail(lx, lx->line, "a string cannot contain a NUL byte");
                return T_ERROR;
            }
        } else if (c == 0) {
            free(s);
            fail(lx, lx->line, "NUL byte in a string");
            return T_ERROR;
        }
        if (n + 1 >= cap) {
            char *t = realloc(s, cap *= 2);
            if (!t) {
                free(s);
                fail(lx, lx->line, "out of memory");
                return T_ERROR;
            }
            s = t;
        }
        s[n++] = (char)c;
    }
    s[n] = '\0';
    lx->text = s;
    return T_STRING;
}

static enum tok lex_word(struct lexer *lx, enum tok t)
{
    const char *start = lx->p - 1;

    while (lx->p < lx->end && (isalnum((unsigned char)*lx->p) || *lx->p == '_' ||
                               *lx->p == '.'))
        lx->p++;
    if (!(lx->text = strndup(start, (size_t)(lx->p - start)))) {
        fail(lx, lx->line, "out of memory");
        return T_ERROR;
    }
    return t;
}

static enum tok next(struct lexer *lx)
{
    free(lx->text);
    lx->text = NULL;
    for (;;) {
        if (lx->p == lx->end) {
            lx->tok_line = lx->line;
            return lx->tok = T_EOF;
        }
        char c = *lx->p++;
        lx->tok_line = lx->line;
        switch (c) {
        case ' ': case '\t': case '\r':
            continue;
        case '#':
            while (lx->p < lx->end && *lx->p != '\n')
                lx->p++;
            continue;
        case '\n':
            lx->line++;
            lx->newline = true;
            return lx->tok = T_SEP;
        case ';':
            lx->newline = false;
            return lx->tok = T_SEP;
        case '=': return lx->tok = T_EQ;
        case '[': return lx->tok = T_LBRACK;
        case ']': return lx->tok = T_RBRACK;
        case ',': return lx->tok = T_COMMA;
        case '\'': case '"': return lx->tok = lex_string(lx, c);
        case '+':
            if (lx->p < lx->end && *lx->p == '=') {
                lx->p++;
                return lx->tok = T_PLUSEQ;
            }
            break;
        default:
            if (isdigit((unsigned char)c))
                return lx->tok = lex_word(lx, T_NUMBER);
            if (isalpha((unsigned char)c) || c == '_')
                return lx->tok = lex_word(lx, T_IDENT);
            break;
        }
        if (strchr("+-.():{}", c))
            fail(lx, lx->line, "syntax error at '%c' (this looks like the old Python "
                 "syntax of xm; xl.cfg values are quoted strings, numbers and [lists])", c);
        else if (isprint((unsigned char)c))
            fail(lx, lx->line, "syntax error at '%c'", c);
        else
            fail(lx, lx->line, "syntax error at byte 0x%02x", (unsigned char)c);
        return lx->tok = T_ERROR;
    }
}

static void free_value(struct cfg_value *v)
{
    if (!v)
        return;
    for (size_t i = 0; i < v->n; i++)
        free_value(v->items[i]);
    free(v->items);
    free(v->text);
    free(v);
}

static struct cfg_value *new_value(struct lexer *lx, enum cfg_type type)
{
    struct cfg_value *v = calloc(1, sizeof(*v));

    if (!v) {
        fail(lx, lx->line, "out of memory");
        return NULL;
    }
    v->type = type;
    v->line = lx->tok_line;
    return v;
}

static bool list_push(struct lexer *lx, struct cfg_value *list, struct cfg_value *item)
{
    struct cfg_value **t = realloc(list->items, (list->n + 1) * sizeof(*t));

    if (!t) {
        fail(lx, lx->line, "out of memory");
        return false;
    }
    list->items = t;
    list->items[list->n++] = item;
    return true;
}

static void skip_newlines(struct lexer *lx)
{
    while (lx->tok == T_SEP && lx->newline)
        next(lx);
}

static struct cfg_value *parse_value(struct lexer *lx, const char *key, int depth)
{
    struct cfg_value *v;

    switch (lx->tok) {
    case T_STRING:
    case T_NUMBER:
        if (!(v = new_value(lx, lx->tok == T_STRING ? CFG_STRING : CFG_NUMBER)))
            return NULL;
        v->text = lx->text;
        lx->text = NULL;
        next(lx);
        return v;
    case T_LBRACK:
        if (depth >= CFG_MAX_DEPTH) {
            fail(lx, lx->tok_line, "lists nested too deeply");
            return NULL;
        }
        if (!(v = new_value(lx, CFG_LIST)))
            return NULL;
        next(lx);
        skip_newlines(lx);
        while (lx->tok != T_RBRACK) {
            struct cfg_value *item = parse_value(lx, key, depth + 1);
            if (!item || !list_push(lx, v, item)) {
                free_value(item);
                free_value(v);
                return NULL;
            }
            skip_newlines(lx);
            if (lx->tok == T_COMMA) {
                next(lx);
                skip_newlines(lx);
            } else if (lx->tok != T_RBRACK) {
                if (lx->tok == T_EOF)
                    fail(lx, v->line, "list of '%s' is not closed with ']'", key);
                else if (lx->tok != T_ERROR)
                    fail(lx, lx->tok_line, "expected ',' or ']' in the list of '%s'", key);
                free_value(v);
                return NULL;
            }
        }
        next(lx);
        return v;
    case T_IDENT:
        fail(lx, lx->tok_line, "value of '%s' must be a quoted string, a number or a "
             "list: write \"%s\"", key, lx->text);
        return NULL;
    case T_SEP:
    case T_EOF:
        fail(lx, lx->tok_line, "missing value after '%s ='", key);
        return NULL;
    case T_ERROR:
        return NULL;
    default:
        fail(lx, lx->tok_line, "unexpected '%s' where the value of '%s' should be",
             lx->tok == T_EQ ? "=" : lx->tok == T_RBRACK ? "]" : lx->tok == T_COMMA ? "," : "+=",
             key);
        return NULL;
    }
}

static bool valid_key(const char *k)
{
    if (!islower((unsigned char)k[0]))
        return false;
    for (const char *p = k; *p; p++)
        if (!islower((unsigned char)*p) && !isdigit((unsigned char)*p) && *p != '_' && *p != '.')
            return false;
    return true;
}

static struct cfg_entry *find(struct cfg_entry *list, const char *key)
{
    struct cfg_entry *found = NULL;

    for (; list; list = list->next)
        if (!strcmp(list->key, key))
            found = list;
    return found;
}

static void free_entries(struct cfg_entry *e)
{
    while (e) {
        struct cfg_entry *n = e->next;
        free(e->key);
        free_value(e->value);
        free(e);
        e = n;
    }
}

/* key += value: the new value is the old list with value (or its items) added. */
static struct cfg_value *append(struct lexer *lx, struct cfg_entry *old, struct cfg_value *v,
                                const char *key, unsigned int line)
{
    struct cfg_value *list;

    if (!old)
        return v;
    if (old->value->type != CFG_LIST) {
        fail(lx, line, "'%s +=' needs a list, but '%s' (line %u) is not one", key, key,
             old->line);
        free_value(v);
        return NULL;
    }
    if (!(list = new_value(lx, CFG_LIST))) {
        free_value(v);
        return NULL;
    }
    list->line = old->value->line;
    /* Move copies: deep-copy the old items so the old entry stays intact. */
    for (size_t i = 0; i < old->value->n; i++) {
        struct cfg_value *src = old->value->items[i], *c;
        if (src->type == CFG_LIST) {
            fail(lx, line, "'%s +=' on a list of lists is not supported", key);
            free_value(list);
            free_value(v);
            return NULL;
        }
        if (!(c = new_value(lx, src->type)) || !(c->text = strdup(src->text)) ||
            !list_push(lx, list, c)) {
            free_value(c);
            free_value(list);
            free_value(v);
            return NULL;
        }
        c->line = src->line;
    }
    if (v->type == CFG_LIST) {
        for (size_t i = 0; i < v->n; i++) {
            if (!list_push(lx, list, v->items[i])) {
                free_value(list);
                free_value(v);
                return NULL;
            }
            v->items[i] = NULL;
        }
        v->n = 0;
        free_value(v);
    } else if (!list_push(lx, list, v)) {
        free_value(list);
        free_value(v);
        return NULL;
    }
    return list;
}

int cfg_parse(struct cfg *c, const char *file, const char *text, size_t len,
              char *err, size_t errlen)
{
    struct lexer lx = { .file = file, .p = text, .end = text + len, .line = 1,
                        .err = err, .errlen = errlen };
    struct cfg_entry *head = NULL, **tail = &head;
    char *name;

    if (errlen)
        err[0] = '\0';
    if (len > CFG_MAX_SIZE) {
        snprintf(err, errlen, "%s: file too large (%zu bytes; at most %u)", file, len,
                 CFG_MAX_SIZE);
        return -1;
    }
    if (c->nnames == sizeof(c->names) / sizeof(c->names[0])) {
        snprintf(err, errlen, "%s: too many configuration sources", file);
        return -1;
    }
    if (!(name = strdup(file))) {
        snprintf(err, errlen, "%s: out of memory", file);
        return -1;
    }
    lx.file = name;
    next(&lx);
    while (!lx.failed && lx.tok != T_EOF) {
        if (lx.tok == T_SEP) {
            next(&lx);
            continue;
        }
        if (lx.tok != T_IDENT) {
            if (lx.tok != T_ERROR)
                fail(&lx, lx.tok_line, "expected a setting name at the start of the line");
            break;
        }
        char *key = lx.text;
        unsigned int line = lx.tok_line;
        lx.text = NULL;
        if (!valid_key(key)) {
            fail(&lx, line, "invalid setting name '%s' (lower-case letters, digits, '_' "
                 "and '.', starting with a letter)", key);
            free(key);
            break;
        }
        next(&lx);
        bool plus = lx.tok == T_PLUSEQ;
        if (lx.tok != T_EQ && !plus) {
            if (lx.tok != T_ERROR)
                fail(&lx, line, "expected '=' after '%s'", key);
            free(key);
            break;
        }
        next(&lx);
        struct cfg_value *v = parse_value(&lx, key, 0);
        if (v && lx.tok != T_SEP && lx.tok != T_EOF) {
            if (lx.tok != T_ERROR)
                fail(&lx, lx.tok_line, "expected a newline or ';' after the value of '%s'", key);
            free_value(v);
            v = NULL;
        }
        if (v && plus) {
            struct cfg_entry *old = find(head, key);
            if (!old)
                old = find(c->head, key);
            v = append(&lx, old, v, key, line);
        }
        if (!v) {
            free(key);
            break;
        }
        struct cfg_entry *e = calloc(1, sizeof(*e));
        if (!e) {
            fail(&lx, line, "out of memory");
            free(key);
            free_value(v);
            break;
        }
        e->key = key;
        e->value = v;
        e->file = name;
        e->line = line;
        *tail = e;
        tail = &e->next;
    }
    free(lx.text);
    if (lx.failed) {
        free_entries(head);
        free(name);
        return -1;
    }
    /* Good: append after what c holds (lookups take the last entry). */
    struct cfg_entry **t = &c->head;
    while (*t)
        t = &(*t)->next;
    *t = head;
    c->names[c->nnames++] = name;
    return 0;
}

void cfg_free(struct cfg *c)
{
    free_entries(c->head);
    for (unsigned int i = 0; i < c->nnames; i++)
        free(c->names[i]);
    memset(c, 0, sizeof(*c));
}

struct cfg_entry *cfg_get(struct cfg *c, const char *key)
{
    struct cfg_entry *e = find(c->head, key);

    /* Every assignment of the key counts as looked at. */
    for (struct cfg_entry *i = c->head; i; i = i->next)
        if (!strcmp(i->key, key))
            i->used = true;
    return e;
}

int cfg_number(const struct cfg_value *v, long long *out)
{
    char *end;

    if (v->type == CFG_LIST || !v->text[0] || isspace((unsigned char)v->text[0]))
        return -1;
    errno = 0;
    *out = strtoll(v->text, &end, 0);
    return (*end || errno) ? -1 : 0;
}
