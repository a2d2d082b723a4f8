/*
 * Running one `xl ...` command line in a host test (xl-run.c), the way
 * Dom0's shell does: split by the shell's own parser, xl_main() called
 * with stdout and stderr captured into the caller's buffers.
 *
 * Shared by every host test that drives xl (test-xl-cmd, -report, -limits
 * on the simulated seam; test-xl-ctrl on the real stack; test-xl-store
 * with xenstored), so all of them see exactly what a person at the shell
 * would: the same quoting, the same exit statuses, the same text.
 */
#ifndef HT_XL_RUN_H
#define HT_XL_RUN_H

#include <stddef.h>

/* A line the shell refuses to split: xl never runs (the shell says why). */
#define SHELL_REFUSED (-1000)

/* xl's exit status, or SHELL_REFUSED; out and err hold what it printed
 * (NUL-terminated, cleared first; output beyond the buffer is dropped). */
int xl_run(const char *line, char *out, size_t outsz, char *err, size_t errsz);

#endif
