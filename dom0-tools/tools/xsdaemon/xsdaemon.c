/*
 * xenstored in Dom0: the store library (tools/xenstored) on the OS
 * interface, run by Dom0's main loop (see xsdaemon.h).
 *
 * The OS under the store (struct xs_os):
 *   map_ring      grant map of the domain's GNTTAB_RESERVED_XENSTORE entry,
 *                 which the domain builder grants to Dom0, as current C
 *                 xenstored does (the MFN that INTRODUCE names is kept for
 *                 the "same page again" rule, not mapped by number);
 *   bind/unbind   an interdomain channel to the port the domain offers;
 *                 its handler marks the ring busy and queues the run;
 *   domain_state  the toolstack's answer (xsd_start's `state`);
 *   now, log      os_now_ns(), the console (filtered by level).
 *
 * The run: one work item calls xs_run() for a bounded number of requests
 * (the store's own round robin shares them between connections) and
 * queues itself again while connections still have work, so a flooding
 * domain gets one share of Dom0's loop like any other source and cannot
 * starve the shell, the console backend or the other domains.
 *
 * Local clients write into their pipe and the run is queued; a
 * non-blocking client (the toolstack, inside handlers) runs the store
 * itself until its answer is there, so it never re-enters the main loop
 * from a handler.
 */
#include "xsdaemon.h"
#include "xenstore_cmds.h"
#include "os_events.h"
#include "os_grant.h"
#include "os_loop.h"
#include "os_term.h"
#include "os_time.h"
#include <public/grant_table.h>
#include <public/errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Requests served per turn of the main loop (across all connections). */
#define XSD_BUDGET      64
/* Passes a non-blocking client lets the store make for its answer. */
#define XSD_SYNC_PASSES 64

static struct {
    struct xs_store *s;
    struct os_work *run;
    xsd_state_fn *state;
    int log_level;
} xsd;

struct xsd_client {
    struct xs_pipe *p;
    bool block;
    bool interrupted;
};

/* ---- the OS under the store ------------------------------------------------ */

static void kick(void)
{
    if (xsd.run)
        os_work_queue(xsd.run);
}

static void on_port(void *arg, unsigned int port)
{
    (void)arg;
    xs_port_event(xsd.s, port);
    kick();
}

static void run(void *arg)
{
    (void)arg;
    if (xs_run(xsd.s, XSD_BUDGET))
        kick();                     /* more to do: after everyone else's turn */
}

static int os_map(void *ctx, uint16_t domid, uint32_t mfn, void **page)
{
    (void)ctx;
    (void)mfn;
    return os_gnt_map(domid, GNTTAB_RESERVED_XENSTORE, true, page);
}

static void os_unmap(void *ctx, uint16_t domid, void *page)
{
    int rc = os_gnt_unmap(page);

    (void)ctx;
    if (rc)
        printf("xenstored: unmapping d%u's ring failed (%d)\n", domid, rc);
}

static int os_bind(void *ctx, uint16_t domid, uint32_t remote_port)
{
    (void)ctx;
    return os_evtchn_bind_interdomain(domid, remote_port, on_port, NULL);
}

static void os_unbind(void *ctx, uint32_t port)
{
    (void)ctx;
    os_evtchn_close(port);
}

static void os_notify(void *ctx, uint32_t port)
{
    (void)ctx;
    os_evtchn_notify(port);
}

static enum xs_domstate os_state(void *ctx, uint16_t domid)
{
    (void)ctx;
    return xsd.state ? xsd.state(domid) : XS_DOM_RUNNING;
}

static uint64_t os_now(void *ctx)
{
    (void)ctx;
    return os_now_ns() / OS_NS_PER_MS;
}

static void os_log(void *ctx, int level, const char *msg)
{
    (void)ctx;
    if (level <= xsd.log_level)
        printf("xenstored: %s\n", msg);
}

/* ---- start and stop ------------------------------------------------------ */

/* Take "log=LEVEL" out of the options (into *level); the rest stays in out. */
static int take_log_option(const char *in, char *out, size_t size, int *level)
{
    static const char *const names[] = { "err", "warn", "info", "debug" };
    size_t o = 0;

    while (*in) {
        const char *w = in;
        size_t len;

        while (*in && *in != ' ')
            in++;
        len = (size_t)(in - w);
        while (*in == ' ')
            in++;
        if (len > 4 && !memcmp(w, "log=", 4)) {
            int l = -1;
            for (int i = 0; i < 4; i++)
                if (len - 4 == strlen(names[i]) && !memcmp(w + 4, names[i], len - 4))
                    l = i;
            if (l < 0)
                return -XEN_EINVAL;
            *level = l;
            continue;
        }
        if (!len)
            continue;
        if (o + len + 2 > size)
            return -XEN_E2BIG;
        memcpy(out + o, w, len);
        o += len;
        out[o++] = ' ';
    }
    out[o] = '\0';
    return 0;
}

int xsd_start(const char *options, xsd_state_fn *state, char *err, size_t errlen)
{
    static const struct xs_os os = {
        .map_ring = os_map, .unmap_ring = os_unmap, .bind = os_bind, .unbind = os_unbind,
        .notify = os_notify, .domain_state = os_state, .now_ms = os_now, .log = os_log,
    };
    struct xs_config cfg;
    char words[256];
    int level = XS_LOG_WARN;

    if (xsd.s) {
        snprintf(err, errlen, "xenstored: running already");
        return -XEN_EEXIST;
    }
    xs_config_defaults(&cfg);
    cfg.hash_seed = (uint32_t)(os_cycles() * 0x9e3779b97f4a7c15ull >> 32);
    if (take_log_option(options ? options : "", words, sizeof(words), &level)) {
        snprintf(err, errlen, "xenstored: bad options '%s' (log=err|warn|info|debug)",
                 options);
        return -XEN_EINVAL;
    }
    if (xs_config_parse(&cfg, words, err, errlen))
        return -XEN_EINVAL;
    xsd.log_level = level;
    xsd.state = state;
    if (!(xsd.run = os_work_new(run, NULL)) || !(xsd.s = xs_store_new(&os, &cfg))) {
        os_work_free(xsd.run);
        xsd.run = NULL;
        snprintf(err, errlen, "xenstored: out of memory");
        return -XEN_ENOMEM;
    }
    return 0;
}

void xsd_stop(void)
{
    xs_store_free(xsd.s);
    os_work_free(xsd.run);
    memset(&xsd, 0, sizeof(xsd));
}

bool xsd_running(void)
{
    return xsd.s != NULL;
}

struct xs_store *xsd_store(void)
{
    return xsd.s;
}

void xsd_domains_changed(void)
{
    if (!xsd.s)
        return;
    xs_domains_changed(xsd.s);
    kick();
}

void xsd_domain_destroying(uint16_t domid)
{
    if (!xsd.s)
        return;
    xs_domain_gone(xsd.s, domid);
    kick();
}

/* ---- local clients ---------------------------------------------------------- */

static int cl_send(void *ctx, const void *buf, uint32_t len)
{
    struct xsd_client *k = ctx;
    int n = xs_pipe_write(k->p, buf, len);

    if (n > 0)
        kick();
    return n;
}

static int cl_recv(void *ctx, void *buf, uint32_t len)
{
    struct xsd_client *k = ctx;
    return xs_pipe_read(k->p, buf, len);
}

static bool cl_ready(void *arg)
{
    struct xsd_client *k = arg;

    if (xs_pipe_ready(k->p))
        return true;
    if (os_term_interrupted()) {
        k->interrupted = true;
        return true;
    }
    return false;
}

static int cl_wait(void *ctx)
{
    struct xsd_client *k = ctx;

    for (unsigned int i = 0; i < XSD_SYNC_PASSES && !xs_pipe_ready(k->p); i++)
        if (!xs_run(xsd.s, XSD_BUDGET))
            break;                  /* idle: only an event can bring more */
    if (xs_pipe_ready(k->p))
        return 0;
    if (!k->block)
        return -XEN_EAGAIN;
    k->interrupted = false;
    os_loop_run_until(cl_ready, k, 0);
    return k->interrupted ? -XEN_EINTR : 0;
}

int xsd_connect(struct xsc *c, bool block)
{
    struct xsd_client *k;
    struct xsc_io io = { .send = cl_send, .recv = cl_recv, .wait = cl_wait };

    if (!xsd.s)
        return -XEN_ENOENT;
    if (!(k = calloc(1, sizeof(*k))))
        return -XEN_ENOMEM;
    if (!(k->p = xs_pipe_open(xsd.s, 0, true))) {
        free(k);
        return -XEN_ENOMEM;
    }
    k->block = block;
    io.ctx = k;
    xsc_init(c, &io);
    return 0;
}

int xsd_connect_notify(struct xsc *c, void (*fn)(void *arg), void *arg)
{
    int rc = xsd_connect(c, false);

    if (!rc)
        xs_pipe_set_notify(((struct xsd_client *)c->io.ctx)->p, fn, arg);
    return rc;
}

void xsd_disconnect(struct xsc *c)
{
    struct xsd_client *k = c->io.ctx;

    if (!k)
        return;
    xs_pipe_close(k->p);
    free(k);
    c->io.ctx = NULL;
}

/* ---- the shell's xenstore-* commands ------------------------------------------ */

static void out_line(void *ctx, const char *line)
{
    (void)ctx;
    fputs(line, stdout);
}

int xsd_shell_cmd(int argc, char **argv)
{
    struct xsc *c = malloc(sizeof(*c));
    int rc;

    if (!c) {
        fprintf(stderr, "%s: out of memory\n", argv[0]);
        return 1;
    }
    if ((rc = xsd_connect(c, true))) {
        fprintf(stderr, "%s: xenstored is not running\n", argv[0]);
        free(c);
        return 1;
    }
    rc = xenstore_cmd(c, argc, argv, out_line, NULL);
    xsd_disconnect(c);
    free(c);
    return rc;
}
