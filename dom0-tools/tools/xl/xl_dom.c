/*
 * xl's life-cycle commands: create, destroy, shutdown, reboot, pause,
 * unpause, and console (which create -c ends in).
 *
 * Shutdown and reboot ask the guest through xenstore, as Xen's xl does:
 * "poweroff" or "reboot" in its control/shutdown, which a PV guest
 * watches; a guest that has not shut down after the toolstack's timeout
 * is shut down by force with the same reason (ts_request_shutdown).
 * Either way its on_poweroff / on_reboot action then applies as for a
 * shutdown it asked for itself.
 */
#include "xl.h"
#include "toolstack.h"
#include "ts_store.h"
#include "domcfg.h"
#include "../console/consoled.h"
#include "os_loop.h"
#include "os_term.h"
#include "os_time.h"
#include <public/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#define DETACH_KEY 0x1d             /* Ctrl-] */

/* ---- console ---- */

struct session {
    uint16_t domid;
    bool detached;
};

static void session_out(void *arg, const char *buf, size_t n)
{
    (void)arg;
    os_term_write(buf, n);
}

static void session_in(void *arg, const char *buf, size_t n)
{
    struct session *s = arg;
    const char *key = memchr(buf, DETACH_KEY, n);

    if (s->detached)
        return;
    if (key) {
        if (key > buf)
            consoled_input(s->domid, buf, (size_t)(key - buf));
        s->detached = true;             /* the rest is the shell's, not the guest's */
        return;
    }
    consoled_input(s->domid, buf, n);
}

static bool session_over(void *arg)
{
    struct session *s = arg;

    return s->detached || !consoled_serves(s->domid);
}

static int attach(uint16_t domid)
{
    struct session s = { .domid = domid };
    int rc = consoled_attach(domid, session_out, &s);

    if (rc == -EBUSY) {
        fprintf(stderr, "xl console: domain %u's console is attached already\n", domid);
        return XL_EXIT_FAIL;
    }
    if (rc) {
        fprintf(stderr, "xl console: domain %u has no console served by Dom0 (it was not "
                "created by xl)\n", domid);
        return XL_EXIT_FAIL;
    }
    os_term_set_raw(session_in, &s);
    os_loop_run_until(session_over, &s, 0);
    os_term_set_raw(NULL, NULL);
    if (consoled_serves(domid))
        consoled_detach(domid);
    else
        printf("\n[domain %u destroyed]\n", domid);
    printf("\n");
    return 0;
}

int xl_cmd_console(int argc, char **argv)
{
    struct xl_opts o;
    uint16_t domid;
    int c, rc;

    xl_opts_init(&o, argc, argv, "t:n:");
    while ((c = xl_opts_next(&o)) != -1) {
        switch (c) {
        case 't':
            if (strcmp(o.arg, "pv")) {
                fprintf(stderr, "xl console: console type '%s' does not exist here: Mica "
                        "guests have a PV console (-t pv)\n", o.arg);
                return XL_EXIT_USAGE;
            }
            break;
        case 'n':
            if (strcmp(o.arg, "0")) {
                fprintf(stderr, "xl console: console %s does not exist: guests have one "
                        "console, number 0\n", o.arg);
                return XL_EXIT_USAGE;
            }
            break;
        default:
            return xl_usage("console");
        }
    }
    if (o.nargs != 1)
        return xl_usage("console");
    if ((rc = xl_find_domain(o.args[0], &domid)))
        return rc;
    return attach(domid);
}

/* ---- create ---- */

int xl_cmd_create(int argc, char **argv)
{
    struct xl_opts o;
    struct domain_config dc;
    const char *file = NULL;
    bool paused = false, console = false, quiet = false, dry = false, debug = false;
    bool monitor = true;
    char **vars;
    int nvars = 0, c, rc;
    uint16_t domid;

    xl_opts_init(&o, argc, argv, "pcqf:nedVA");
    while ((c = xl_opts_next(&o)) != -1) {
        switch (c) {
        case 'p': paused = true; break;
        case 'c': console = true; break;
        case 'q': quiet = true; break;
        case 'f': file = o.arg; break;
        case 'n': dry = true; break;
        case 'e': monitor = false; break;
        case 'd': debug = true; break;
        case 'V':
        case 'A':
            fprintf(stderr, "xl create: -%c: Mica guests have no graphical console\n", c);
            return XL_EXIT_USAGE;
        default:
            return xl_usage("create");
        }
    }
    vars = o.args;
    for (int i = 0; i < o.nargs; i++) {
        if (strchr(o.args[i], '='))
            vars[nvars++] = o.args[i];
        else if (!file)
            file = o.args[i];
        else {
            fprintf(stderr, "xl create: more than one configuration file ('%s', '%s')\n",
                    file, o.args[i]);
            return xl_usage("create");
        }
    }
    if (!file) {
        fprintf(stderr, "xl create: no configuration file\n");
        return xl_usage("create");
    }
    if (!quiet)
        fprintf(stderr, "Parsing config from %s\n", file);
    if (domcfg_load(file, vars, nvars, &dc))
        return XL_EXIT_FAIL;
    if (dry || debug) {
        xl_print_config_json(&dc, 0);
        printf("\n");
    }
    if (dry) {
        domcfg_free(&dc);
        return 0;
    }
    rc = ts_create(&dc, paused, monitor, &domid);
    domcfg_free(&dc);
    if (rc)
        return rc;
    if (console)
        return attach(domid);
    return 0;
}

/* ---- destroy, pause, unpause ---- */

static int one_domain(int argc, char **argv, const char *cmd, uint16_t *domid)
{
    struct xl_opts o;
    int c;

    xl_opts_init(&o, argc, argv, "");
    while ((c = xl_opts_next(&o)) != -1)
        return xl_usage(cmd);
    if (o.nargs != 1)
        return xl_usage(cmd);
    return xl_find_domain(o.args[0], domid);
}

int xl_cmd_destroy(int argc, char **argv)
{
    uint16_t domid;
    int rc = one_domain(argc, argv, "destroy", &domid);

    if (rc)
        return rc;
    if (domid == 0) {
        fprintf(stderr, "Cannot destroy privileged domain 0.\n\n");
        return XL_EXIT_DOMAIN;
    }
    if ((rc = ts_destroy(domid))) {
        fprintf(stderr, "destroy failed (rc=%d)\n", rc);
        return XL_EXIT_DOMAIN;
    }
    return 0;
}

static int pause_cmd(int argc, char **argv, bool pause)
{
    uint16_t domid;
    int rc = one_domain(argc, argv, pause ? "pause" : "unpause", &domid);

    if (rc)
        return rc;
    if (domid == 0) {
        fprintf(stderr, "xl %s: domain 0 runs this shell: it cannot be %s\n",
                pause ? "pause" : "unpause", pause ? "paused" : "unpaused");
        return XL_EXIT_DOMAIN;
    }
    rc = pause ? hv_domain_pause(domid) : hv_domain_unpause(domid);
    if (rc) {
        fprintf(stderr, "xl %s: domain %u: %s\n", pause ? "pause" : "unpause", domid,
                strerror(-rc));
        return XL_EXIT_DOMAIN;
    }
    return 0;
}

int xl_cmd_pause(int argc, char **argv)
{
    return pause_cmd(argc, argv, true);
}

int xl_cmd_unpause(int argc, char **argv)
{
    return pause_cmd(argc, argv, false);
}

/* ---- shutdown, reboot ---- */

struct wait_ctx {
    uint16_t domid;
    bool interrupted;
};

/* Done when the domain has shut down or is gone, or on ^C. */
static bool shut_down(void *arg)
{
    struct wait_ctx *w = arg;
    struct hv_dominfo info;

    if (os_term_interrupted()) {
        w->interrupted = true;
        return true;
    }
    return hv_domain_info(w->domid, &info) || info.shutdown || info.dying;
}

static int shutdown_cmd(int argc, char **argv, unsigned int reason)
{
    const char *cmd = reason == SHUTDOWN_reboot ? "reboot" : "shutdown";
    struct xl_opts o;
    bool wait = false;
    uint16_t domid;
    int c, rc;

    xl_opts_init(&o, argc, argv, "wFa");
    while ((c = xl_opts_next(&o)) != -1) {
        if (c == 'w')
            wait = true;
        else if (c != 'F')
            return xl_usage(cmd);
    }
    if (o.nargs != 1)
        return xl_usage(cmd);
    if ((rc = xl_find_domain(o.args[0], &domid)))
        return rc;
    if (domid == 0) {
        fprintf(stderr, "xl %s: domain 0 is Dom0 itself: use '%s' at the prompt\n", cmd,
                reason == SHUTDOWN_reboot ? "reboot" : "poweroff");
        return XL_EXIT_DOMAIN;
    }
    printf("%s domain %u\n", reason == SHUTDOWN_reboot ? "Rebooting" : "Shutting down",
           domid);
    if ((rc = ts_request_shutdown(domid, reason))) {
        fprintf(stderr, "xl %s: domain %u: %s\n", cmd, domid, strerror(-rc));
        return XL_EXIT_DOMAIN;
    }
    if (wait) {
        struct wait_ctx w = { .domid = domid };
        printf("Waiting for domain %u to shut down\n", domid);
        os_loop_run_until(shut_down, &w, 0);
        if (w.interrupted) {
            printf("Stopped waiting (^C)\n");
            return XL_EXIT_FAIL;
        }
        printf("Domain %u has shut down\n", domid);
    }
    return 0;
}

int xl_cmd_shutdown(int argc, char **argv)
{
    return shutdown_cmd(argc, argv, SHUTDOWN_poweroff);
}

int xl_cmd_reboot(int argc, char **argv)
{
    return shutdown_cmd(argc, argv, SHUTDOWN_reboot);
}
