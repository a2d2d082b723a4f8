/*
 * The shell's word splitter (see shell.h for the rules).  Pure: the host
 * tests feed it every quoting case and random bytes.
 */
#include "shell.h"
#include <stdio.h>
#include <string.h>
#include <stdbool.h>

int shell_split(const char *line, int status, char *store, size_t size,
                char **argv, int max_args, const char **err)
{
    const char *p = line;
    size_t o = 0;
    int argc = 0;
    char num[16];

    *err = NULL;
#define PUT(c) do { if (o + 1 >= size) { *err = "line too long"; return -1; } \
                    store[o++] = (c); } while (0)
    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
            p++;
        if (!*p || *p == '#')
            break;
        if (argc == max_args) {
            *err = "too many words";
            return -1;
        }
        argv[argc++] = &store[o];
        char quote = 0;
        while (*p) {
            char c = *p;
            if (!quote && (c == ' ' || c == '\t' || c == '\r' || c == '\n'))
                break;
            p++;
            if (quote == '\'') {
                if (c == '\'')
                    quote = 0;
                else
                    PUT(c);
            } else if (c == '\'' && !quote) {
                quote = '\'';
            } else if (c == '"') {
                quote = quote ? 0 : '"';
            } else if (c == '\\' && (!quote || *p == '"' || *p == '\\' || *p == '$')) {
                if (!*p) {
                    *err = "backslash at the end of the line";
                    return -1;
                }
                PUT(*p++);
            } else if (c == '$' && *p == '?') {
                p++;
                snprintf(num, sizeof(num), "%d", status);
                for (char *n = num; *n; n++)
                    PUT(*n);
            } else {
                PUT(c);
            }
        }
        if (quote) {
            *err = quote == '\'' ? "unterminated '" : "unterminated \"";
            return -1;
        }
        PUT('\0');
    }
#undef PUT
    return argc;
}
