/*
 * bench-blk: make bench's PV block figures -- the same sequential 64 KiB
 * requests, 4 in flight, as Dom0's native `blk bench` (the bench-dev
 * figures blk.seq_*_64k), made by a guest through its blkfront (the
 * blk-front test guest in mode=bench, /etc/xl/bench/blk-bench*.cfg) and
 * Dom0's blkback onto the same virtio disk.
 *
 *   blkback.seq_write_64k, blkback.seq_read_64k            per MiB, with
 *                                                         persistent grants
 *   blkback.seq_write_64k_map, blkback.seq_read_64k_map    per MiB, every page
 *                                                         mapped and unmapped
 *                                                         per request
 *   blkback.seq_write_64k_q16, blkback.seq_read_64k_q16    per MiB, persistent,
 *                                                         16 in flight
 *   blkback.seq_write_64k_copy, blkback.seq_read_64k_copy  per MiB, data by
 *                                                         grant copy (blkback
 *                                                         switched to `data
 *                                                         copy` for this guest)
 *
 * What is counted: the machine's busy time while the guest moves the data
 * -- elapsed os_now_ns() less the hypervisor's idle time (sysctl
 * getcpuinfo) -- which under QEMU -icount shift=0 is the instructions
 * executed by everything (guest, Dom0, hypervisor), as the native figure
 * counts Dom0's and the hypervisor's.  The guest is told to start through
 * xenstore (data/bench = "write N") and says it is done (data/bench-done);
 * Dom0 waits on a watch, so nothing polls while the data moves.
 *
 *   bench-blk [MIB]       default 16; vda must hold MIB MiB
 */
#include "blkback.h"
#include "xs_client.h"
#include "../xsdaemon/xsdaemon.h"
#include "../xl/xl.h"
#include "../xl/toolstack.h"
#include "../../lib/ctrl/ctrl.h"
#include "os_loop.h"
#include "os_time.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WAIT_NS (120 * OS_NS_PER_S)

static struct xsc bc;
static bool woke;

static void on_bytes(void *arg)
{
    (void)arg;
    woke = true;
}

static bool has_woken(void *arg)
{
    (void)arg;
    return woke;
}

/* Wait until node (absolute) reads `want`: true, or false on the deadline. */
static bool wait_node(const char *node, const char *want)
{
    uint64_t end = os_now_ns() + WAIT_NS;
    char v[64];
    uint32_t len;

    for (;;) {
        if (!xsc_read(&bc, 0, node, v, sizeof(v), &len) && !strcmp(v, want))
            return true;
        while (xsc_event(&bc, false, NULL, 0, NULL, 0) > 0)
            ;
        /* Our own requests' replies woke us too: only what comes from
         * now on counts (a watch event; the loop runs meanwhile). */
        woke = false;
        if (!os_loop_run_until(has_woken, NULL, end))
            return false;
    }
}

static uint64_t idle_ns(void)
{
    uint64_t idle[8] = { 0 }, sum = 0;
    int n = ctrl_cpu_idle(idle, 8);

    for (int i = 0; i < n; i++)
        sum += idle[i];
    return sum;
}

/* A domain's run time so far (ns; under -icount its instructions). */
static uint64_t cpu_ns(uint16_t domid)
{
    struct ctrl_dominfo di;

    return ctrl_domain_info(domid, &di) ? 0 : di.cpu_time_ns;
}

static int run_one(const char *cfg, const char *name, const char *suffix, unsigned long mib)
{
    char arg0[] = "xl", arg1[] = "create", arg2[] = "-q", path[64], p[96], done[96], cmd[96];
    char *argv[] = { arg0, arg1, arg2, path, NULL };
    uint16_t domid;
    int rc = 1;

    snprintf(path, sizeof(path), "%s", cfg);
    if (xl_main(4, argv) || ts_lookup(name, &domid)) {
        printf("bench-blk: cannot create %s\n", name);
        return 1;
    }
    snprintf(p, sizeof(p), "/local/domain/%u/data", domid);
    xsc_watch(&bc, p, "d");                 /* bench-ready, bench-done */
    snprintf(p, sizeof(p), "/local/domain/%u/data/bench", domid);
    snprintf(done, sizeof(done), "/local/domain/%u/data/bench-done", domid);
    snprintf(cmd, sizeof(cmd), "/local/domain/%u/data/bench-ready", domid);
    if (!wait_node(cmd, "1")) {
        printf("bench-blk: %s never became ready\n", name);
        goto out;
    }
    for (int w = 1; w >= 0; w--) {
        struct blkback_totals b0, b1;
        snprintf(cmd, sizeof(cmd), "%s %lu", w ? "write" : "read", mib);
        blkback_totals(&b0);
        uint64_t g0 = cpu_ns(domid), d0 = cpu_ns(0);
        uint64_t t0 = os_now_ns(), i0 = idle_ns();
        if (xsc_write_str(&bc, 0, p, cmd) || !wait_node(done, cmd)) {
            printf("bench-blk: %s did not finish '%s'\n", name, cmd);
            goto out;
        }
        uint64_t ns = os_now_ns() - t0, busy = ns - (idle_ns() - i0);
        uint64_t g = cpu_ns(domid) - g0, d = cpu_ns(0) - d0, nreq = mib * 16;
        blkback_totals(&b1);
        /* Where it went (not BENCH cases): each domain's run time, the
         * hypervisor's work on its behalf included; blkback's wake-ups
         * and notifications per request. */
        printf("bench-blk: %s%s per MiB: guest %llu, Dom0 %llu; per request: %llu.%02llu "
               "backend wake-ups, %llu.%02llu notifications to the guest\n",
               w ? "write" : "read", suffix, (unsigned long long)(g / mib),
               (unsigned long long)(d / mib),
               (unsigned long long)((b1.wakeups - b0.wakeups) / nreq),
               (unsigned long long)((b1.wakeups - b0.wakeups) * 100 / nreq % 100),
               (unsigned long long)((b1.notifies - b0.notifies) / nreq),
               (unsigned long long)((b1.notifies - b0.notifies) * 100 / nreq % 100));
        printf("BENCH blkback.seq_%s_64k%s %llu.00\n", w ? "write" : "read", suffix,
               (unsigned long long)(busy / mib));
        printf("BENCH blkback.seq_%s_64k%s_ns %llu.00\n", w ? "write" : "read", suffix,
               (unsigned long long)(ns / mib));
    }
    rc = 0;
out:
    snprintf(cmd, sizeof(cmd), "/local/domain/%u/data", domid);
    xsc_unwatch(&bc, cmd, "d");
    xsc_write_str(&bc, 0, p, "quit");
    ts_destroy(domid);
    return rc;
}

/* One guest, both directions, blkback moving its data by `data`: 0, or 1
 * after saying why. */
static int run(const char *cfg, const char *name, const char *suffix, unsigned long mib,
               enum blkback_data data)
{
    enum blkback_data was = blkback_data_mode;
    int rc;

    blkback_data_mode = data;               /* latched when the ring connects */
    rc = run_one(cfg, name, suffix, mib);
    blkback_data_mode = was;
    return rc;
}

int blkbench_main(int argc, char **argv)
{
    unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 16;
    int rc;

    if (argc > 2 || mib == 0 || mib > 1024) {
        printf("usage: bench-blk [MIB]\n");
        return 2;
    }
    if (xsd_connect_notify(&bc, on_bytes, NULL)) {
        printf("bench-blk: no xenstored\n");
        return 1;
    }
    rc = run("/etc/xl/bench/blk-bench.cfg", "blk-bench", "", mib, BLKBACK_MAP) |
         run("/etc/xl/bench/blk-bench-map.cfg", "blk-bench-map", "_map", mib, BLKBACK_MAP) |
         run("/etc/xl/bench/blk-bench-copy.cfg", "blk-bench-copy", "_copy", mib, BLKBACK_COPY) |
         run("/etc/xl/bench/blk-bench-q16.cfg", "blk-bench-q16", "_q16", mib, BLKBACK_MAP);
    xsd_disconnect(&bc);
    return rc;
}
