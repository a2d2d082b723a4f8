/*
 * xl's command layer: shared helpers of the xl_*.c command files.
 *
 * Commands, arguments, output formats and exit statuses follow Xen 4.2's
 * xl where they apply (docs/xl.md lists every command):
 *
 *   0    success
 *   1    the command failed, or "command not implemented"
 *   2    usage error (missing or bad arguments), unknown domain
 *   3    creation failed (libxl's ERROR_FAIL), 5 out of memory
 *        (ERROR_NOMEM): xl create exits with -(libxl error)
 *   255  an operation on a domain failed (4.2's exit(-1))
 */
#ifndef XL_XL_H
#define XL_XL_H

#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>

#define XL_EXIT_FAIL    1
#define XL_EXIT_USAGE   2
#define XL_EXIT_CREATE  3
#define XL_EXIT_NOMEM   5
#define XL_EXIT_DOMAIN  255

int xl_main(int argc, char **argv);

/*
 * Options: `spec` lists the option letters, a ':' after one that takes an
 * argument ("pcf:").  Options may come anywhere among the arguments (as
 * GNU getopt permutes them) and combine ("-pc"); "--" ends them.  The
 * other arguments are moved, in order, to argv[1..*nargs].  Each call of
 * next() returns an option letter, '?' (error printed) or -1 at the end.
 */
struct xl_opts {
    int argc;
    char **argv;
    const char *spec;
    const char *cmd;
    int i;              /* next argv index to look at */
    const char *cluster;
    const char *arg;    /* the option's argument */
    int nargs;          /* positional arguments found (at the end) */
    char **args;
};
void xl_opts_init(struct xl_opts *o, int argc, char **argv, const char *spec);
int xl_opts_next(struct xl_opts *o);

/* Print a command's usage (from the table in xl.c) to stderr; return 2. */
int xl_usage(const char *cmd);
/* Resolve a domain argument, printing Xen's message if it is invalid:
 * 0, or 2 (the exit status). */
int xl_find_domain(const char *arg, uint16_t *domid);
/* "Domain-0", an xl name, or "(null)" as xl prints unknown names. */
const char *xl_domain_name(uint16_t domid);
/* Seconds with one decimal, from ns, right-aligned in `width`. */
void xl_print_secs(uint64_t ns, int width);
const char *xl_shutdown_reason(unsigned int reason);
/*
 * A device specification given as several arguments (xl block-attach d
 * 'vdev=xvdb' 'target=...'): args[0..n) joined with commas into spec.
 * 0, or -1 if it does not fit (message printed, naming the command and
 * `what`).
 */
int xl_join_spec(const char *cmd, const char *what, char *const *args, int n, char *spec,
                 size_t size);
/* A number argument within [min, max]: 0 or -1 (message printed). */
int xl_parse_uint(const char *cmd, const char *what, const char *s, unsigned long min,
                  unsigned long max, unsigned long *out);

/* The commands. */
int xl_cmd_create(int argc, char **argv);
int xl_cmd_destroy(int argc, char **argv);
int xl_cmd_shutdown(int argc, char **argv);
int xl_cmd_reboot(int argc, char **argv);
int xl_cmd_pause(int argc, char **argv);
int xl_cmd_unpause(int argc, char **argv);
int xl_cmd_console(int argc, char **argv);
int xl_cmd_list(int argc, char **argv);
int xl_cmd_vcpu_list(int argc, char **argv);
int xl_cmd_uptime(int argc, char **argv);
int xl_cmd_top(int argc, char **argv);
int xl_cmd_info(int argc, char **argv);
int xl_cmd_dmesg(int argc, char **argv);
int xl_cmd_sched_credit(int argc, char **argv);
int xl_cmd_help(int argc, char **argv);
/* The `bench-xl` command of Dom0's shell (xl_bench.c). */
int xl_cmd_bench(int argc, char **argv);
/* `soak-xl`, `failsweep-xl` and `scale-xl` (xl_soak.c, docs/reliability.md). */
int xl_cmd_soak(int argc, char **argv);
int xl_cmd_failsweep(int argc, char **argv);
int xl_cmd_scale(int argc, char **argv);

/* JSON output of a configuration (list -l, create -n/-d). */
struct domain_config;
void xl_print_config_json(const struct domain_config *dc, int indent);

#endif
