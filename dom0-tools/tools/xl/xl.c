/*
 * xl: the command table, dispatch, option parsing and the helpers every
 * command shares.  The commands themselves are in xl_dom.c (life cycle,
 * console), xl_list.c (list, vcpu-list, uptime, top) and xl_info.c (info,
 * dmesg, sched-credit); toolstack.c keeps the domains.
 */
#include "xl.h"
#include "toolstack.h"
#include "ts_dev.h"
#include "xl_net.h"
#include <public/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <inttypes.h>

struct xl_command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
    const char *usage;
    const char *options;
};

static const struct xl_command commands[] = {
    { "create", xl_cmd_create, "Create a domain from a config file",
      "[options] <ConfigFile> [vars]",
      "-h            Print this help.\n"
      "-p            Leave the domain paused after it is created.\n"
      "-c            Connect to the console after the domain is created.\n"
      "-f FILE       Use the given configuration file.\n"
      "-q            Quiet.\n"
      "-n            Dry run - prints the resulting configuration.\n"
      "-d            Enable debug messages (prints the configuration first).\n"
      "-e            Do not wait in the background for the death of the domain\n"
      "              (no on_poweroff/on_reboot/on_crash action is taken).\n"
      "vars          key=value settings that override the file's." },
    { "list", xl_cmd_list, "List information about all/some domains",
      "[options] [Domain]",
      "-l, --long    Output all VM details (the configuration, as JSON)." },
    { "destroy", xl_cmd_destroy, "Terminate a domain immediately", "<Domain>", "" },
    { "shutdown", xl_cmd_shutdown, "Issue a shutdown signal to a domain",
      "[options] <Domain>",
      "-w            Wait for the domain to shut down.\n"
      "-F            Accepted for compatibility (PV guests need no fallback)." },
    { "reboot", xl_cmd_reboot, "Issue a reboot signal to a domain", "[options] <Domain>",
      "-w            Wait for the domain to shut down.\n"
      "-F            Accepted for compatibility." },
    { "pause", xl_cmd_pause, "Pause execution of a domain", "<Domain>", "" },
    { "unpause", xl_cmd_unpause, "Unpause a paused domain", "<Domain>", "" },
    { "console", xl_cmd_console, "Attach to domain's console", "[options] <Domain>\n"
      "Attach to domain's console; Ctrl-] detaches",
      "-t <type>     console type, pv (serial consoles do not exist on Mica).\n"
      "-n <number>   console number (0: guests have one console)." },
    { "info", xl_cmd_info, "Get information about Xen host", "", "" },
    { "dmesg", xl_cmd_dmesg, "Read and/or clear dmesg buffer", "[-c]",
      "-c            Clear dmesg buffer as well as printing it." },
    { "uptime", xl_cmd_uptime, "Print uptime for all/some domains", "[-s] [Domain]",
      "-s            Print a short uptime." },
    { "top", xl_cmd_top, "Monitor a host and the domains in real time",
      "[-d SECONDS] [-i ITERATIONS] [-b]",
      "-d SECONDS    Refresh every SECONDS (default 3).\n"
      "-i N          Stop after N iterations.\n"
      "-b            Batch mode: no screen clearing (for logs).\n"
      "q or Ctrl-C   Quit." },
    { "vcpu-list", xl_cmd_vcpu_list, "List the VCPUs for all/some domains", "[Domain, ...]",
      "" },
    { "sched-credit", xl_cmd_sched_credit, "Get/set credit scheduler parameters",
      "[-d <Domain> [-w[=WEIGHT]|-c[=CAP]]]",
      "-d DOMAIN     Domain to modify.\n"
      "-w WEIGHT     Weight (1..65535; default 256).\n"
      "-c CAP        Cap (0..100: percent of one CPU; 0 = no cap)." },
    { "block-attach", xl_cmd_block_attach, "Create a new virtual block device",
      "<Domain> <disk-spec-component(s)>...",
      "disk-spec     Xen's disk specification (xl-disk-configuration(5)), e.g.\n"
      "              'format=raw, vdev=xvdb, access=rw, target=/images/disk.img';\n"
      "              a target /dev/vdX[:START:SECTORS] is (a region of) a Dom0 disk." },
    { "block-detach", xl_cmd_block_detach, "Destroy a domain's virtual block device",
      "<Domain> <DevId>",
      "DevId         the vdev (xvdb) or its number (51728); the frontend is asked to\n"
      "              close, and the device removed by force after 10 s if it does not." },
    { "block-list", xl_cmd_block_list, "List virtual block devices for a domain",
      "<Domain(s)>", "" },
    { "network-attach", xl_cmd_network_attach, "Create a new virtual network device",
      "<Domain> [mac=..., bridge=..., ...]",
      "vif-spec      Xen's vif specification (xl-network-configuration(5)), e.g.\n"
      "              'mac=00:16:3e:00:00:01, bridge=xenbr0'; without mac= one is\n"
      "              made with Xen's prefix 00:16:3e." },
    { "network-detach", xl_cmd_network_detach, "Destroy a domain's virtual network device",
      "<Domain> <DevId|mac>",
      "DevId         the vif's index (or its MAC); the frontend is asked to close,\n"
      "              and the vif removed by force after 10 s if it does not." },
    { "network-list", xl_cmd_network_list, "List virtual network interfaces for a domain",
      "<Domain(s)>", "" },
    { "help", xl_cmd_help, "Print this help", "[command]", "" },
    { NULL, NULL, NULL, NULL, NULL },
};

static const struct xl_command *find_command(const char *name)
{
    for (const struct xl_command *c = commands; c->name; c++)
        if (!strcmp(c->name, name))
            return c;
    return NULL;
}

int xl_usage(const char *cmd)
{
    const struct xl_command *c = find_command(cmd);

    if (!c)
        return XL_EXIT_USAGE;
    fprintf(stderr, "Usage: xl %s %s\n\n%s.\n", c->name, c->usage, c->summary);
    if (c->options[0])
        fprintf(stderr, "\nOptions:\n\n%s\n", c->options);
    return XL_EXIT_USAGE;
}

int xl_cmd_help(int argc, char **argv)
{
    const struct xl_command *c;

    if (argc > 1) {
        if (!(c = find_command(argv[1]))) {
            fprintf(stderr, "command not implemented\n");
            return XL_EXIT_FAIL;
        }
        printf("Usage: xl %s %s\n\n%s.\n", c->name, c->usage, c->summary);
        if (c->options[0])
            printf("\nOptions:\n\n%s\n", c->options);
        return 0;
    }
    printf("Usage xl [-v] <subcommand> [args]\n\nxl full list of subcommands:\n\n");
    for (c = commands; c->name; c++)
        printf(" %-20s%s\n", c->name, c->summary);
    printf("\nDomains are named by name or by id; 'xl help COMMAND' shows a command's options.\n");
    return 0;
}

int xl_main(int argc, char **argv)
{
    const struct xl_command *c;
    int i = 1;

    while (i < argc && argv[i][0] == '-' && argv[i][1]) {
        if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "-N") || !strcmp(argv[i], "-f")) {
            i++;            /* verbosity, dry-run and force: accepted, no effect */
            continue;
        }
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            xl_cmd_help(1, argv);
            return 0;
        }
        fprintf(stderr, "xl: unknown global option '%s'\n", argv[i]);
        xl_cmd_help(1, argv);
        return XL_EXIT_USAGE;
    }
    if (i >= argc) {
        xl_cmd_help(1, argv);
        return XL_EXIT_USAGE;
    }
    if (!(c = find_command(argv[i]))) {
        fprintf(stderr, "command not implemented\n");
        return XL_EXIT_FAIL;
    }
    for (int j = i + 1; j < argc; j++)
        if (!strcmp(argv[j], "-h") || !strcmp(argv[j], "--help")) {
            xl_cmd_help(2, argv + i - 1);
            return 0;
        }
    return c->fn(argc - i, argv + i);
}

/* ---- helpers ---- */

void xl_opts_init(struct xl_opts *o, int argc, char **argv, const char *spec)
{
    memset(o, 0, sizeof(*o));
    o->argc = argc;
    o->argv = argv;
    o->spec = spec;
    o->cmd = argv[0];
    o->i = 1;
    o->args = argv + 1;
}

int xl_opts_next(struct xl_opts *o)
{
    for (;;) {
        if (o->cluster && *o->cluster) {
            char c = *o->cluster++;
            const char *s = strchr(o->spec, c);
            if (!s || c == ':') {
                fprintf(stderr, "xl %s: invalid option -- '%c'\n", o->cmd, c);
                return '?';
            }
            if (s[1] == ':') {
                if (*o->cluster) {
                    o->arg = o->cluster;
                } else if (o->i < o->argc) {
                    o->arg = o->argv[o->i++];
                } else {
                    fprintf(stderr, "xl %s: option requires an argument -- '%c'\n", o->cmd, c);
                    return '?';
                }
                o->cluster = NULL;
            }
            return c;
        }
        if (o->i >= o->argc)
            return -1;
        char *a = o->argv[o->i++];
        if (!strcmp(a, "--")) {
            while (o->i < o->argc)
                o->args[o->nargs++] = o->argv[o->i++];
            return -1;
        }
        if (a[0] == '-' && a[1] && !(a[1] >= '0' && a[1] <= '9')) {
            if (!strcmp(a, "--long") && strchr(o->spec, 'l')) {
                o->cluster = "l";
                continue;
            }
            o->cluster = a + 1;
            continue;
        }
        o->args[o->nargs++] = a;        /* positional: keep, in order */
    }
}

int xl_find_domain(const char *arg, uint16_t *domid)
{
    if (ts_lookup(arg, domid)) {
        fprintf(stderr, "%s is an invalid domain identifier (rc=-6)\n", arg);
        return XL_EXIT_USAGE;
    }
    return 0;
}

const char *xl_domain_name(uint16_t domid)
{
    const char *n = ts_name(domid);

    return n ? n : "(null)";
}

void xl_print_secs(uint64_t ns, int width)
{
    uint64_t tenths = (ns + 50000000ull) / 100000000ull;
    char buf[32];

    snprintf(buf, sizeof(buf), "%" PRIu64 ".%u", tenths / 10, (unsigned int)(tenths % 10));
    printf("%*s", width, buf);
}

const char *xl_shutdown_reason(unsigned int reason)
{
    static const char *const names[] = { "poweroff", "reboot", "suspend", "crash",
                                         "watchdog", "soft_reset" };

    return reason < sizeof(names) / sizeof(names[0]) ? names[reason] : "unknown";
}

int xl_join_spec(const char *cmd, const char *what, char *const *args, int n, char *spec,
                 size_t size)
{
    size_t used = 0;

    spec[0] = '\0';
    for (int i = 0; i < n; i++) {
        int k = snprintf(spec + used, size - used, "%s%s", i ? "," : "", args[i]);
        if (k < 0 || (size_t)k >= size - used) {
            fprintf(stderr, "xl %s: the %s specification is too long\n", cmd, what);
            return -1;
        }
        used += (size_t)k;
    }
    return 0;
}

int xl_parse_uint(const char *cmd, const char *what, const char *s, unsigned long min,
                  unsigned long max, unsigned long *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (!*s || *end || *s == '-' || errno || v < min || v > max) {
        fprintf(stderr, "xl %s: %s must be a number from %lu to %lu, not '%s'\n", cmd, what,
                min, max, s);
        return -1;
    }
    *out = v;
    return 0;
}
