/*
 * xs-server: xenstored as domain 0 (tests/guest/xs/server.c), serving the
 * xenstore rings of the boot-module domains 1..doms, which run the
 * xs-conform, xs-abuse, xs-soak and xs-death guests.  The verdict: every
 * domain introduced and served until it left, then the store's invariants
 * hold and nothing of any domain remains (connections, rings, ports,
 * transactions, nodes, memory).
 *
 * Command line:
 *   doms=N            domains to serve (default 1)
 *   xsopt=a=1,b=2     xenstored options (quotas; commas for spaces)
 *   shared            a /shared directory all of them may write (soak)
 *   timeout=S         seconds before giving up (default 120)
 *   shutdown=D        once domain D writes data/ready, shut it down the
 *                     way `xl shutdown` does (control/shutdown =
 *                     "poweroff", forced after 3 s); forced=0|1 says
 *                     whether D is expected to ignore the request
 *   counter=K         (soak) /shared/counter must end at K
 */
#include <test.h>
#include <events.h>
#include <string.h>
#include "server.h"

static unsigned long opt(const char *key, unsigned long dflt)
{
    return cmdline_ulong((const char *)start_info->cmd_line, key, dflt);
}

static uint16_t shutdown_dom;

static void on_ready(struct xsc *ts)
{
    char path[64], tok[16];
    int rc;

    if (!shutdown_dom)
        return;
    snprintf(path, sizeof(path), "/local/domain/%u/data/ready", shutdown_dom);
    if ((rc = xsc_watch(ts, path, "ready"))) {
        test_fail("watch %s: %d", path, rc);
        return;
    }
    for (;;) {                              /* the first event is the watch's own */
        char v[8];
        uint32_t len;
        if (!xsc_read(ts, 0, path, v, sizeof(v), &len))
            break;
        if (xsc_event(ts, true, NULL, 0, tok, sizeof(tok)) < 0) {
            test_fail("d%u never became ready", shutdown_dom);
            return;
        }
    }
    xsc_unwatch(ts, path, "ready");
    rc = xs_shutdown_domain(shutdown_dom, "poweroff", 3000 * NS_PER_MS);
    printf("toolstack: d%u %s\n", shutdown_dom,
           rc == 1 ? "shut down when asked" : rc == 0 ? "had to be forced" : "could not be shut down");
    CHECK(rc == (opt("forced", 0) ? 0 : 1), "shutdown of d%u: %d", shutdown_dom, rc);
}

static void on_gone(struct xsc *ts, uint16_t d)
{
    static unsigned int gone;
    char path[64], v[32];
    uint32_t len;
    unsigned long want = opt("counter", 0);

    /* The soak's shared counter, once the last domain has gone. */
    if (want && ++gone == opt("doms", 1)) {
        snprintf(path, sizeof(path), "/shared/counter");
        CHECK(!xsc_read(ts, 0, path, v, sizeof(v), &len), "no /shared/counter");
        const char *p = v;
        unsigned long got = parse_ulong(&p);
        printf("toolstack: /shared/counter = %lu (want %lu)\n", got, want);
        CHECK(got == want, "/shared/counter is %lu, want %lu: a transaction was lost or doubled",
              got, want);
    }
}

void test_main(void)
{
    static char config[256];
    const char *x = cmdline_value((const char *)start_info->cmd_line, "xsopt");
    struct xs_server_opts o = {
        .ndoms = (unsigned int)opt("doms", 1),
        .shared = strstr((const char *)start_info->cmd_line, "shared") != NULL,
        .timeout_ns = opt("timeout", 120) * 1000 * NS_PER_MS,
        .on_ready = on_ready,
        .on_gone = on_gone,
    };

    for (unsigned int i = 0; x && x[i] && x[i] != ' ' && i < sizeof(config) - 1; i++)
        config[i] = x[i] == ',' ? ' ' : x[i];
    o.config = config;
    shutdown_dom = (uint16_t)opt("shutdown", 0);
    if (xs_server_run(&o))
        test_success();
}
