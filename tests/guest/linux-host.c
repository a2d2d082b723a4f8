/*
 * linux-host: the initial domain of the Linux guest's tests, standing in
 * for Dom0's back ends until Mica's Dom0 serves xenstore too.
 *
 * A Linux PV domU needs two services before its init runs: its console
 * ring (hvc0, the boot console Linux prefers on Xen; a ring nobody drains
 * fills and the kernel waits for room forever) and xenstore (xenbus reads
 * the device tree during its initcall and waits for the answer).  This
 * guest gives domain 1 both, as Dom0's console back end and xenstored
 * would:
 *
 *   - xenstored (tests/guest/xs/server.c, the store of dom0-tools) with
 *     the toolstack's standard layout for d1, introduced as a boot-module
 *     domain (its store page through grant 1, the lowest port it offers
 *     domain 0);
 *   - a console back end in the same loop: d1's ring through grant 0
 *     (GNTTAB_RESERVED_CONSOLE, which the boot builder seeds), its console
 *     port (the next port it offers domain 0), output copied to our
 *     console (the serial line, unprefixed, so the log reads like Linux's
 *     console), serial input (VIRQ_CONSOLE, CONSOLEIO_read) copied into
 *     its input ring.
 *
 * It ends when d1 is gone, draining the ring one last time, with the
 * store's own end-of-run checks (nothing of d1 left).  Command line:
 *   timeout=S   give up after S seconds (default 600)
 *   shutdown=R  act as `xl shutdown` (R poweroff) or `xl reboot` (R reboot)
 *               once d1's user space has written data/mica-init = ready:
 *               write R to its control/shutdown and require that the
 *               domain goes by itself, not forced
 */
#include <test.h>
#include <events.h>
#include <grant.h>
#include <string.h>
#include <public/io/console.h>
#include "server.h"

#define LINUX_DOM 1

static volatile struct xencons_interface *ring;
static uint32_t ring_va;
static grant_handle_t ring_handle;
static uint32_t ports[2];               /* d1's console port, VIRQ_CONSOLE */
static unsigned long resyncs, input_dropped;

static unsigned long opt(const char *key, unsigned long dflt)
{
    return cmdline_ulong((const char *)start_info->cmd_line, key, dflt);
}

/* The ports d1 offers domain 0, in order: store, then console. */
static long offered_port(unsigned int which)
{
    for (evtchn_port_t q = 1; q < 64; q++) {
        evtchn_status_t st;
        if (!evtchn_status(LINUX_DOM, q, &st) && st.status == EVTCHNSTAT_unbound &&
            st.u.unbound.dom == 0 && which-- == 0)
            return q;
    }
    return -1;
}

/* Guest output to the serial line.  The indexes are the guest's: a
 * producer more than a ring ahead is counted and skipped over. */
static void drain_output(void)
{
    char buf[sizeof(ring->out)];
    XENCONS_RING_IDX cons = ring->out_cons, prod = ring->out_prod;
    size_t n = 0;

    __sync_synchronize();
    if (prod - cons > sizeof(ring->out)) {
        resyncs++;
        cons = prod - sizeof(ring->out);
    }
    while (cons != prod)
        buf[n++] = ring->out[MASK_XENCONS_IDX(cons++, ring->out)];
    __sync_synchronize();
    ring->out_cons = cons;
    if (n) {
        console_write(buf, n);
        evtchn_send(ports[0]);
    }
}

/* Serial input into the guest's input ring; what does not fit is lost. */
static void feed_input(void)
{
    char buf[64];
    long got;

    while ((got = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf)) > 0) {
        XENCONS_RING_IDX cons = ring->in_cons, prod = ring->in_prod;
        __sync_synchronize();
        for (long i = 0; i < got; i++) {
            if (prod - cons >= sizeof(ring->in)) {
                input_dropped++;
                continue;
            }
            ring->in[MASK_XENCONS_IDX(prod++, ring->in)] = buf[i];
        }
        __sync_synchronize();
        ring->in_prod = prod;
        evtchn_send(ports[0]);
    }
}

static void on_port(uint32_t port)
{
    if (port == ports[1])
        feed_input();
    drain_output();
}

static void on_gone(struct xsc *ts, uint16_t domid)
{
    if (domid != LINUX_DOM || !ring)
        return;
    drain_output();
    if (gnt_unmap(ring_va, ring_handle))
        test_fail("unmap of d%u's console ring", domid);
    evtchn_close(ports[0]);
    evtchn_close(ports[1]);
    ring = NULL;
    printf("\nconsole: d%u's ring released (%lu resyncs, %lu input bytes dropped)\n", domid,
           resyncs, input_dropped);
}

/* The toolstack's request, once d1's init says it is up. */
static void on_ready(struct xsc *ts)
{
    const char *v = cmdline_value((const char *)start_info->cmd_line, "shutdown");
    char reason[16], feature[48], p[64], buf[16];
    unsigned int n = 0;
    uint32_t len;
    int rc;

    if (!v)
        return;
    while (v[n] && v[n] != ' ' && n < sizeof(reason) - 1) {
        reason[n] = v[n];
        n++;
    }
    reason[n] = 0;
    if (strcmp(reason, "poweroff") && strcmp(reason, "reboot")) {
        test_error("shutdown=%s: poweroff or reboot", reason);
        return;
    }
    snprintf(p, sizeof(p), "/local/domain/%u/data/mica-init", LINUX_DOM);
    if (xs_wait_value(p, "ready", opt("timeout", 600) * 1000000000ull)) {
        test_fail("d%u never wrote data/mica-init = ready", LINUX_DOM);
        return;
    }
    /* Its kernel says it handles the request (Linux writes the feature
     * nodes when its xenbus comes up). */
    snprintf(feature, sizeof(feature), "/local/domain/%u/control/feature-%s", LINUX_DOM,
             reason);
    if (xsc_read(ts, 0, feature, buf, sizeof(buf), &len) || strcmp(buf, "1"))
        test_fail("%s is not 1", feature);
    printf("toolstack: d%u is up, %s = 1: writing control/shutdown = %s\n", LINUX_DOM,
           feature, reason);
    rc = xs_shutdown_domain(LINUX_DOM, reason, 120 * 1000000000ull);
    if (rc == 1)
        printf("toolstack: d%u went by itself after control/shutdown = %s\n", LINUX_DOM, reason);
    else
        test_fail("d%u did not act on control/shutdown = %s (%d)", LINUX_DOM, reason, rc);
}

void test_main(void)
{
    uint64_t wait_end;
    evtchn_status_t st;
    long port, virq, rc;

    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    wait_end = now_ns() + 2000 * NS_PER_MS;
    while (evtchn_status(LINUX_DOM, 1, &st) == -XEN_ESRCH && now_ns() < wait_end)
        sched_yield();
    if ((port = offered_port(1)) < 0) {
        test_error("d%u offers no console port", LINUX_DOM);
        return;
    }
    ring_va = gnt_blank(0);
    rc = gnt_map(LINUX_DOM, GNTTAB_RESERVED_CONSOLE, ring_va, GNTMAP_host_map, &ring_handle);
    if (rc != GNTST_okay) {
        test_error("cannot map d%u's console ring: %ld", LINUX_DOM, rc);
        return;
    }
    ring = (volatile struct xencons_interface *)ring_va;
    if ((rc = evtchn_bind_interdomain(LINUX_DOM, (evtchn_port_t)port)) < 0 ||
        (virq = evtchn_bind_virq(VIRQ_CONSOLE, 0)) < 0) {
        test_error("cannot bind the console ports: %ld", rc);
        return;
    }
    ports[0] = (uint32_t)rc;
    ports[1] = (uint32_t)virq;
    printf("console: serving d%u's ring on port %u\n", LINUX_DOM, ports[0]);

    struct xs_server_opts o = {
        .ndoms = 1,
        .timeout_ns = (uint64_t)opt("timeout", 600) * 1000000000ull,
        .on_ready = on_ready,
        .on_gone = on_gone,
        .extra_ports = ports,
        .nr_extra = 2,
        .on_port = on_port,
    };
    if (xs_server_run(&o))
        test_success();
}
