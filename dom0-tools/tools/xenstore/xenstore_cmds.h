/*
 * xenstore_cmds.h - the xenstore-* commands of Dom0's shell (see
 * xenstore_cmds.c for the list and their output).
 */
#ifndef XENSTORE_CMDS_H
#define XENSTORE_CMDS_H

#include <stdbool.h>
#include "xs_client.h"

/* One line of output (with its '\n'). */
typedef void (*xs_out_fn)(void *ctx, const char *line);

/* Run argv[0] (e.g. "xenstore-ls") over client c: the exit status. */
int xenstore_cmd(struct xsc *c, int argc, char **argv, xs_out_fn out, void *octx);
bool xenstore_cmd_known(const char *name);

#endif
