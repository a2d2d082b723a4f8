/*
 * One xl command line for the host tests (see xl-run.h).  The capture
 * swaps the stdio streams for fmemopen() buffers one byte short of the
 * caller's, so the text is always NUL-terminated, and puts the real
 * streams back before returning: a test's own printf after a call still
 * reaches the terminal.
 */
#include <stdio.h>
#include <string.h>
#include "xl-run.h"
#include "../../dom0-tools/tools/xl/xl.h"
#include "../../dom0-tools/tools/shell/shell.h"

int xl_run(const char *line, char *out, size_t outsz, char *err, size_t errsz)
{
    char store[1024], *argv[SHELL_MAX_ARGS + 1];
    const char *e;
    int argc = shell_split(line, 0, store, sizeof(store), argv, SHELL_MAX_ARGS, &e);
    FILE *so = stdout, *se = stderr;
    int rc;

    memset(out, 0, outsz);
    memset(err, 0, errsz);
    if (argc < 0)
        return SHELL_REFUSED;
    stdout = fmemopen(out, outsz - 1, "w");
    stderr = fmemopen(err, errsz - 1, "w");
    argv[argc] = NULL;
    rc = xl_main(argc, argv);
    fclose(stdout);
    fclose(stderr);
    stdout = so;
    stderr = se;
    return rc;
}
