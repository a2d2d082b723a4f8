/*
 * The shell's own commands: help, ls, cat, echo, sleep, free, poweroff,
 * reboot -- and the table that also names `xl`.  Exit statuses follow the
 * usual convention: 0 success, 1 failure, 2 usage error.
 */
#include "shell.h"
#include "os_files.h"
#include "os_loop.h"
#include "os_time.h"
#include "os_term.h"
#include "os_system.h"
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <inttypes.h>
#include <ctype.h>

static int cmd_help(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    printf("Dom0 shell commands:\n");
    for (const struct shell_cmd *c = shell_tools; c->name; c++)
        printf("  %-28s %s\n", c->usage, c->help);
    for (const struct shell_cmd *c = shell_cmds; c->name; c++)
        printf("  %-28s %s\n", c->usage, c->help);
    printf("Line editing: arrows, Home/End, ^A ^E ^B ^F, ^K ^U ^W, ^L; "
           "history: Up/Down, ^P ^N; ^C cancels.\n");
    printf("'$?' is the exit status of the previous command.\n");
    return 0;
}

static void mode_string(const struct os_stat *st, char out[11])
{
    static const char rwx[] = "rwxrwxrwx";

    out[0] = st->is_dir ? 'd' : '-';
    for (int i = 0; i < 9; i++)
        out[1 + i] = (st->mode & (0400u >> i)) ? rwx[i] : '-';
    out[10] = '\0';
}

struct ls_ctx {
    bool longfmt;
};

static int ls_entry(void *arg, const char *name, const struct os_stat *st)
{
    struct ls_ctx *ctx = arg;
    char mode[11];

    if (ctx->longfmt) {
        mode_string(st, mode);
        printf("%s %10" PRIu64 " %s%s\n", mode, st->size, name, st->is_dir ? "/" : "");
    } else {
        printf("%s%s\n", name, st->is_dir ? "/" : "");
    }
    return 0;
}

static int cmd_ls(int argc, char **argv)
{
    struct ls_ctx ctx = { false };
    int first = 1, rc = 0;

    if (argc > 1 && !strcmp(argv[1], "-l")) {
        ctx.longfmt = true;
        first = 2;
    }
    static char root[] = "/";
    char *deflt[] = { root };
    char **paths = argc > first ? argv + first : deflt;
    int n = argc > first ? argc - first : 1;

    for (int i = 0; i < n; i++) {
        struct os_stat st;
        int r = os_stat(paths[i], &st);

        if (r) {
            fprintf(stderr, "ls: %s: %s\n", paths[i], strerror(-r));
            rc = 1;
        } else if (!st.is_dir) {
            ls_entry(&ctx, paths[i], &st);
        } else {
            if (n > 1)
                printf("%s%s:\n", i ? "\n" : "", paths[i]);
            os_dir_list(paths[i], ls_entry, &ctx);
        }
    }
    return rc;
}

static int cmd_cat(int argc, char **argv)
{
    int rc = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: cat FILE...\n");
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        const void *data;
        size_t len;
        int r = os_file_load(argv[i], &data, &len);

        if (r) {
            fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(-r));
            rc = 1;
            continue;
        }
        if (memchr(data, '\0', len)) {
            fprintf(stderr, "cat: %s: binary file (%zu bytes), not shown\n", argv[i], len);
            rc = 1;
        } else {
            fwrite(data, 1, len, stdout);
        }
        os_file_unload(data);
    }
    return rc;
}

static int cmd_echo(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        printf("%s%s", argv[i], i + 1 < argc ? " " : "");
    printf("\n");
    return 0;
}

static bool interrupted(void *arg)
{
    (void)arg;
    return os_term_interrupted();
}

/* Seconds with up to three decimals: "2", "0.5", "1.250". */
static int parse_seconds(const char *s, uint64_t *ns)
{
    char *end;
    unsigned long whole = strtoul(s, &end, 10);
    uint64_t frac = 0, scale = OS_NS_PER_S / 10;

    if (end == s || *s == '-' || whole > 86400)
        return -1;
    if (*end == '.') {
        for (end++; *end >= '0' && *end <= '9' && scale; end++, scale /= 10)
            frac += (uint64_t)(*end - '0') * scale;
    }
    if (*end)
        return -1;
    *ns = (uint64_t)whole * OS_NS_PER_S + frac;
    return 0;
}

static int cmd_sleep(int argc, char **argv)
{
    uint64_t ns;

    if (argc != 2 || parse_seconds(argv[1], &ns)) {
        fprintf(stderr, "usage: sleep SECONDS (up to 86400, e.g. 2 or 0.5)\n");
        return 2;
    }
    if (os_loop_run_until(interrupted, NULL, os_now_ns() + ns)) {
        printf("^C\n");
        return 130;
    }
    return 0;
}

/* "\r", "\n", "\t", "\e", "\\" and "\xHH" in TEXT; the byte count. */
static size_t unescape(const char *s, char *out, size_t size)
{
    size_t n = 0;

    for (; *s && n < size; s++) {
        if (*s != '\\' || !s[1]) {
            out[n++] = *s;
            continue;
        }
        s++;
        switch (*s) {
        case 'r': out[n++] = '\r'; break;
        case 'n': out[n++] = '\n'; break;
        case 't': out[n++] = '\t'; break;
        case 'e': out[n++] = 0x1b; break;
        case 'x':
            if (isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
                char hex[3] = { s[1], s[2], '\0' };
                out[n++] = (char)strtoul(hex, NULL, 16);
                s += 2;
                break;
            }
            out[n++] = 'x';
            break;
        default: out[n++] = *s; break;
        }
    }
    return n;
}

static int cmd_type(int argc, char **argv)
{
    uint64_t delay = 0;
    int first = 1;
    char text[512], bytes[512];
    size_t len = 0;

    if (argc > 2 && !strcmp(argv[1], "-d")) {
        if (parse_seconds(argv[2], &delay)) {
            fprintf(stderr, "type: bad delay '%s'\n", argv[2]);
            return 2;
        }
        first = 3;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: type [-d SECONDS] TEXT...\n");
        return 2;
    }
    text[0] = '\0';
    for (int i = first; i < argc; i++)
        len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s", i > first ? " " : "",
                                argv[i]);
    len = unescape(text, bytes, sizeof(bytes));
    if (os_term_inject(bytes, len, delay)) {
        fprintf(stderr, "type: out of memory\n");
        return 1;
    }
    return 0;
}

static int cmd_free(int argc, char **argv)
{
    struct os_meminfo mi;

    (void)argc;
    (void)argv;
    os_meminfo(&mi);
    printf("Dom0 memory: %" PRIu32 " KiB, %" PRIu32 " KiB free, kernel %" PRIu32 " KiB\n",
           mi.total_pages * 4, mi.free_pages * 4, mi.kernel_pages * 4);
    printf("Dom0 heap: %" PRIu32 " KiB in %" PRIu32 " allocations (%" PRIu64 " bytes)\n",
           mi.heap_pages * 4, mi.heap_objects, mi.heap_bytes);
    return 0;
}

static int cmd_poweroff(int argc, char **argv)
{
    (void)argc;
    printf("Dom0: %s.\n", !strcmp(argv[0], "reboot") ? "rebooting" : "powering off");
    os_shutdown(!strcmp(argv[0], "reboot"));
}

const struct shell_cmd shell_cmds[] = {
    { "help", cmd_help, "help", "this list" },
    { "ls", cmd_ls, "ls [-l] [PATH...]", "list files of the ramfs" },
    { "cat", cmd_cat, "cat FILE...", "print text files" },
    { "echo", cmd_echo, "echo [WORD...]", "print the words" },
    { "sleep", cmd_sleep, "sleep SECONDS", "wait (the daemons keep running; ^C stops)" },
    { "free", cmd_free, "free", "Dom0's own memory and heap" },
    { "type", cmd_type, "type [-d SECONDS] TEXT", "type TEXT later, as a person would (\\r \\x1d ...)" },
    { "poweroff", cmd_poweroff, "poweroff", "shut Dom0, and the machine, down" },
    { "reboot", cmd_poweroff, "reboot", "restart the machine" },
    { NULL, NULL, NULL, NULL },
};
