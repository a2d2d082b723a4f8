/*
 * The Dom0 shell: read a line, split it, run the command, remember $?.
 *
 * It is deliberately small -- one command per line, no pipes, no
 * variables but $? -- because its job is to be the place where a person
 * (or a boot script, or a test driving the serial line) types `xl`.
 * Commands run synchronously: while one runs, typed input waits (except
 * ^C, which commands that wait for something check), and the main loop
 * keeps serving the daemons underneath.
 *
 * A script (boot option script=PATH) is run line by line, each line shown
 * after the prompt exactly as if it had been typed, so the console log of
 * a scripted boot reads like an interactive session; blank lines and
 * comment lines (starting with #) are skipped, not shown.
 */
#include "shell.h"
#include "os_term.h"
#include "os_files.h"
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <errno.h>

static int last_status;

static const struct shell_cmd *find(const char *name)
{
    for (const struct shell_cmd *c = shell_tools; c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    for (const struct shell_cmd *c = shell_cmds; c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

int shell_run_line(const char *line)
{
    char store[1024];
    char *argv[SHELL_MAX_ARGS + 1];
    const char *err;
    int argc = shell_split(line, last_status, store, sizeof(store), argv, SHELL_MAX_ARGS, &err);
    const struct shell_cmd *c;

    if (argc < 0) {
        fprintf(stderr, "shell: %s\n", err);
        return last_status = 2;
    }
    if (argc == 0)
        return last_status;
    argv[argc] = NULL;
    if (!(c = find(argv[0]))) {
        fprintf(stderr, "%s: command not found (try 'help')\n", argv[0]);
        return last_status = 127;
    }
    return last_status = c->fn(argc, argv);
}

int shell_run_script(const char *path)
{
    const void *data;
    size_t len;
    int rc = os_file_load(path, &data, &len);
    const char *p, *end;

    if (rc) {
        fprintf(stderr, "shell: cannot run script %s: %s\n", path, strerror(-rc));
        return 1;
    }
    for (p = data, end = p + len; p < end;) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        char line[512];

        if (n >= sizeof(line)) {
            fprintf(stderr, "shell: %s: line too long, script stopped\n", path);
            break;
        }
        memcpy(line, p, n);
        line[n] = '\0';
        p += n + (nl ? 1 : 0);
        if (n && line[n - 1] == '\r')
            line[--n] = '\0';
        if (!line[strspn(line, " \t")] || line[strspn(line, " \t")] == '#')
            continue;                   /* blank or a comment: not echoed */
        printf("%s%s\n", SHELL_PROMPT, line);
        os_term_history_add(line);
        shell_run_line(line);
    }
    os_file_unload(data);
    return last_status;
}

void shell_interactive(void)
{
    char line[512];

    for (;;) {
        os_term_read_line(SHELL_PROMPT, line, sizeof(line));
        os_term_history_add(line);
        shell_run_line(line);
    }
}
