/*
 * xenstored inside a privileged test guest (see server.h).
 *
 * The OS under the store (struct xs_os), on the test runtime:
 *   map_ring    grant map of the domain's GNTTAB_RESERVED_XENSTORE entry
 *               (the boot builder seeds it, as Xen's builder does) at one
 *               of our page-aligned BSS pages whose own frame we unmap
 *               first; GNTMAP_device_map tells us the frame, which must be
 *               the MFN the INTRODUCE named;
 *   bind        bind_interdomain to the domain's store port;
 *   domain_state  EVTCHNOP_status on one of its ports: -ESRCH means gone
 *               (without domctl there is no "shut down but not dead");
 *   now, log    system time, the console.
 * The event loop polls (SCHEDOP_poll) every bound store port plus
 * VIRQ_DOM_EXC, hands events to the store and runs it until idle.
 *
 * The toolstack's part, which the Dom0 toolstack will do for real: find
 * each boot-module domain's store page and port (the lowest port it
 * offers to domain 0), write its home and the standard nodes, INTRODUCE
 * it; when it dies, remove its home.
 */
#include <test.h>
#include <events.h>
#include <grant.h>
#include <pt.h>
#include <string.h>
#include <stdlib.h>
#include "heap.h"
#include "server.h"

#define MAX_RINGS 32
#define MAX_EXTRA 8
#define HEAP_SIZE (6u << 20)

struct xs_store *xs_srv;
struct xsc xs_ts;

static _Alignas(4096) uint8_t ring_pages[MAX_RINGS][4096];
static _Alignas(16) uint8_t heap_arena[HEAP_SIZE];

static struct {
    bool used;
    uint16_t domid;
    uint32_t orig_mfn;
    grant_handle_t handle;
} slots[MAX_RINGS];

static struct {
    bool used;
    uint32_t port;
} bound[MAX_RINGS];

static evtchn_port_t dom_exc_port;
static const struct xs_server_opts *opts;

/* ---- the OS ------------------------------------------------------------------ */

/* Map grant 1 of domid at slot s: the frame, or < 0. */
static long map_store_grant(unsigned int s, uint16_t domid, uint32_t *mfn)
{
    uint32_t va = (uint32_t)ring_pages[s];
    struct gnttab_map_grant_ref op = {
        .host_addr = va, .flags = GNTMAP_host_map | GNTMAP_device_map,
        .ref = GNTTAB_RESERVED_XENSTORE, .dom = domid,
    };
    long rc;

    slots[s].orig_mfn = va_to_mfn(ring_pages[s]);
    if ((rc = HYPERVISOR_update_va_mapping(va, 0, UVMF_INVLPG)))
        return rc;
    rc = HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1);
    if (rc || op.status != GNTST_okay) {
        HYPERVISOR_update_va_mapping(va, PTE(slots[s].orig_mfn, _PAGE_PRESENT | _PAGE_RW |
                                             _PAGE_ACCESSED), UVMF_INVLPG);
        return rc ? rc : -XEN_EINVAL;
    }
    slots[s].handle = op.handle;
    *mfn = (uint32_t)(op.dev_bus_addr >> 12);
    return 0;
}

static void unmap_slot(unsigned int s)
{
    uint32_t va = (uint32_t)ring_pages[s];
    long rc = gnt_unmap(va, slots[s].handle);

    if (rc)
        test_fail("unmap of d%u's ring: %ld", slots[s].domid, rc);
    HYPERVISOR_update_va_mapping(va, PTE(slots[s].orig_mfn, _PAGE_PRESENT | _PAGE_RW |
                                         _PAGE_ACCESSED), UVMF_INVLPG);
    slots[s].used = false;
}

static int os_map(void *ctx, uint16_t domid, uint32_t mfn, void **page)
{
    uint32_t got;

    for (unsigned int s = 0; s < MAX_RINGS; s++) {
        if (slots[s].used)
            continue;
        if (map_store_grant(s, domid, &got))
            return -XEN_EINVAL;
        slots[s].used = true;
        slots[s].domid = domid;
        if (got != mfn) {                   /* not the page INTRODUCE named */
            unmap_slot(s);
            return -XEN_EINVAL;
        }
        *page = ring_pages[s];
        return 0;
    }
    return -XEN_ENOSPC;
}

static void os_unmap(void *ctx, uint16_t domid, void *page)
{
    for (unsigned int s = 0; s < MAX_RINGS; s++)
        if (slots[s].used && ring_pages[s] == page)
            unmap_slot(s);
}

static int os_bind(void *ctx, uint16_t domid, uint32_t port)
{
    long p = evtchn_bind_interdomain(domid, port);

    if (p < 0)
        return (int)p;
    for (unsigned int i = 0; i < MAX_RINGS; i++) {
        if (!bound[i].used) {
            bound[i].used = true;
            bound[i].port = (uint32_t)p;
            return (int)p;
        }
    }
    evtchn_close((evtchn_port_t)p);
    return -XEN_ENOSPC;
}

static void os_unbind(void *ctx, uint32_t port)
{
    for (unsigned int i = 0; i < MAX_RINGS; i++)
        if (bound[i].used && bound[i].port == port)
            bound[i].used = false;
    evtchn_close(port);
}

static void os_notify(void *ctx, uint32_t port)
{
    evtchn_send(port);
}

static bool domain_exists(uint16_t domid)
{
    evtchn_status_t st;
    return evtchn_status(domid, 1, &st) != -XEN_ESRCH;
}

static enum xs_domstate os_state(void *ctx, uint16_t domid)
{
    return domain_exists(domid) ? XS_DOM_RUNNING : XS_DOM_GONE;
}

static uint64_t os_now(void *ctx)
{
    return udiv64(now_ns(), 1000000u);
}

static void os_log(void *ctx, int level, const char *msg)
{
    printf("xenstored: %s\n", msg);
}

/* ---- the event loop ------------------------------------------------------------ */

/* Poll the store's ports and VIRQ_DOM_EXC until something happens or the
 * deadline; hand it to the store.  Returns true if domains changed. */
static bool wait_and_dispatch(uint64_t deadline)
{
    evtchn_port_t ports[MAX_RINGS + 1 + MAX_EXTRA];
    unsigned int n = 0, first_extra;
    bool changed = false;

    ports[n++] = dom_exc_port;
    for (unsigned int i = 0; i < MAX_RINGS; i++)
        if (bound[i].used)
            ports[n++] = bound[i].port;
    first_extra = n;
    for (unsigned int i = 0; opts && i < opts->nr_extra && i < MAX_EXTRA; i++)
        ports[n++] = opts->extra_ports[i];
    if (!xs_run(xs_srv, 256)) {
        bool any = false;
        for (unsigned int i = 0; i < n; i++)
            any |= evtchn_is_pending(ports[i]);
        if (!any)
            sched_poll(ports, n, deadline);
    }
    for (unsigned int i = 0; i < n; i++) {
        if (!evtchn_is_pending(ports[i]))
            continue;
        evtchn_clear_pending(ports[i]);
        if (ports[i] == dom_exc_port)
            changed = true;
        else if (i >= first_extra)
            opts->on_port(ports[i]);
        else
            xs_port_event(xs_srv, ports[i]);
    }
    if (changed)
        xs_domains_changed(xs_srv);
    while (xs_run(xs_srv, 256))
        ;
    return changed;
}

/* The toolstack's client waits by letting the store (and the rings) run. */
static struct xs_pipe *ts_pipe;
static int ts_send(void *ctx, const void *b, uint32_t l) { return xs_pipe_write(ts_pipe, b, l); }
static int ts_recv(void *ctx, void *b, uint32_t l) { return xs_pipe_read(ts_pipe, b, l); }
static int ts_wait(void *ctx)
{
    if (!xs_run(xs_srv, 256))
        wait_and_dispatch(now_ns() + 10 * NS_PER_MS);
    return 0;
}

/* ---- the toolstack's part ---------------------------------------------------------- */

/* Permissions p1[, p2] on path, inside transaction tx. */
static void tsp(uint32_t tx, const char *path, const char *p1, const char *p2)
{
    char perms[32];
    uint32_t l1 = (uint32_t)strlen(p1) + 1, l2 = p2 ? (uint32_t)strlen(p2) + 1 : 0;
    int rc;

    memcpy(perms, p1, l1);
    if (p2)
        memcpy(perms + l1, p2, l2);
    if ((rc = xsc_set_perms(&xs_ts, tx, path, perms, l1 + l2)))
        test_fail("toolstack: set_perms %s: %d", path, rc);
}

/* Home, the standard nodes and their permissions (libxl's, fact sheet
 * §3.6 and §6.7), in one transaction retried on EAGAIN; then INTRODUCE. */
static bool introduce_domain(uint16_t d)
{
    char home[32], vm[64], p[128], v[64], rd[8], nd[8];
    uint32_t port = 0, mfn = 0, tx;
    unsigned int s;
    int rc;

    for (evtchn_port_t q = 1; q < 64 && !port; q++) {
        evtchn_status_t st;
        if (!evtchn_status(d, q, &st) && st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == 0)
            port = q;
    }
    for (s = 0; s < MAX_RINGS && slots[s].used; s++)
        ;
    if (!port || s == MAX_RINGS || map_store_grant(s, d, &mfn)) {
        test_fail("d%u: no store port offered or grant 1 not mappable", d);
        return false;
    }
    slots[s].used = true;
    slots[s].domid = d;
    unmap_slot(s);                          /* we only wanted to learn the frame */

    snprintf(home, sizeof(home), "/local/domain/%u", d);
    snprintf(rd, sizeof(rd), "r%u", d);
    snprintf(nd, sizeof(nd), "n%u", d);
    snprintf(vm, sizeof(vm), "/vm/00000000-0000-0000-0000-%012u", d);
    do {
        if ((rc = xsc_tx_start(&xs_ts, &tx)))
            break;
#define W(suffix, val) do { snprintf(p, sizeof(p), "%s/%s", home, suffix); \
                            xsc_write_str(&xs_ts, tx, p, val); } while (0)
        xsc_rm(&xs_ts, tx, home);
        xsc_rm(&xs_ts, tx, vm);
        xsc_mkdir(&xs_ts, tx, home);
        tsp(tx, home, "n0", rd);
        xsc_mkdir(&xs_ts, tx, vm);
        tsp(tx, vm, "n0", rd);
        snprintf(v, sizeof(v), "d%u", d);
        W("name", v);
        snprintf(p, sizeof(p), "%s/name", vm);
        xsc_write_str(&xs_ts, tx, p, v);
        snprintf(p, sizeof(p), "%s/uuid", vm);
        xsc_write_str(&xs_ts, tx, p, vm + 4);
        snprintf(v, sizeof(v), "%u", d);
        W("domid", v);
        W("vm", vm);
        W("control/platform-feature-xs_reset_watches", "1");
        W("control/shutdown", "");
        W("data", "");
        W("device", "");
        snprintf(v, sizeof(v), "%u", port);
        W("store/port", v);
        snprintf(v, sizeof(v), "%u", mfn);
        W("store/ring-ref", v);
        snprintf(p, sizeof(p), "%s/control/shutdown", home);
        tsp(tx, p, nd, NULL);
        snprintf(p, sizeof(p), "%s/data", home);
        tsp(tx, p, nd, NULL);
        /* The nodes through which a guest tells which control/shutdown
         * requests it handles (Linux writes them when its xenbus comes up,
         * and gives up its shutdown set-up if it cannot), and its sysrq
         * node: present and the domain's own, as libxl makes them. */
        static const char *const guest_nodes[] = {
            "control/feature-poweroff", "control/feature-reboot",
            "control/feature-suspend", "control/sysrq",
        };
        for (unsigned int i = 0; i < sizeof(guest_nodes) / sizeof(guest_nodes[0]); i++) {
            W(guest_nodes[i], "");
            snprintf(p, sizeof(p), "%s/%s", home, guest_nodes[i]);
            tsp(tx, p, nd, NULL);
        }
#undef W
        rc = xsc_tx_end(&xs_ts, tx, true);
    } while (rc == -XEN_EAGAIN);
    if (rc) {
        test_fail("d%u: layout transaction: %d", d, rc);
        return false;
    }
    if ((rc = xsc_introduce(&xs_ts, d, mfn, port))) {
        test_fail("INTRODUCE d%u: %d", d, rc);
        return false;
    }
    return true;
}

/* /shared and /shared/counter = 0, which domains 1..n may read and write. */
static bool make_shared(unsigned int n)
{
    char perms[8 * (MAX_RINGS + 1)];
    uint32_t len = 3;

    memcpy(perms, "n0", 3);
    for (unsigned int d = 1; d <= n; d++)
        len += (uint32_t)snprintf(perms + len, sizeof(perms) - len, "b%u", d) + 1;
    if (xsc_write_str(&xs_ts, 0, "/shared/counter", "0") ||
        xsc_set_perms(&xs_ts, 0, "/shared", perms, len) ||
        xsc_set_perms(&xs_ts, 0, "/shared/counter", perms, len)) {
        test_fail("cannot make /shared");
        return false;
    }
    return true;
}

int xs_shutdown_domain(uint16_t domid, const char *reason, uint64_t timeout_ns)
{
    char p[64];
    uint64_t end = now_ns() + timeout_ns;

    snprintf(p, sizeof(p), "/local/domain/%u/control/shutdown", domid);
    if (xsc_write_str(&xs_ts, 0, p, reason))
        return -XEN_EIO;
    while (domain_exists(domid) && now_ns() < end)
        wait_and_dispatch(end);
    if (!domain_exists(domid))
        return 1;
    struct sched_remote_shutdown rs = {
        .domain_id = domid,
        .reason = strcmp(reason, "reboot") ? SHUTDOWN_poweroff : SHUTDOWN_reboot,
    };
    printf("toolstack: d%u ignored control/shutdown: forcing it\n", domid);
    return HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs) ? -XEN_EIO : 0;
}

int xs_wait_value(const char *path, const char *value, uint64_t timeout_ns)
{
    uint64_t end = now_ns() + timeout_ns;
    char buf[128];
    uint32_t len;

    for (;;) {
        if (!xsc_read(&xs_ts, 0, path, buf, sizeof(buf), &len) && !strcmp(buf, value))
            return 0;
        if (now_ns() >= end)
            return -XEN_ETIMEDOUT;
        wait_and_dispatch(now_ns() + 50 * NS_PER_MS);
    }
}

bool xs_server_run(const struct xs_server_opts *o)
{
    struct xs_os os = {
        .map_ring = os_map, .unmap_ring = os_unmap, .bind = os_bind, .unbind = os_unbind,
        .notify = os_notify, .domain_state = os_state, .now_ms = os_now, .log = os_log,
    };
    struct xs_config cfg;
    struct xsc_io io = { .send = ts_send, .recv = ts_recv, .wait = ts_wait };
    bool alive[MAX_RINGS + 1] = { false };
    unsigned int left = o->ndoms;
    uint64_t end;
    char err[200];
    long p;

    opts = o;
    if (o->ndoms > MAX_RINGS || o->nr_extra > MAX_EXTRA || map_shared_info()) {
        test_error("setup");
        return false;
    }
    heap_init(heap_arena, sizeof(heap_arena));
    xs_config_defaults(&cfg);
    if (o->config && xs_config_parse(&cfg, o->config, err, sizeof(err))) {
        test_error("%s", err);
        return false;
    }
    if ((p = evtchn_bind_virq(VIRQ_DOM_EXC, 0)) <= 0 || !(xs_srv = xs_store_new(&os, &cfg)) ||
        !(ts_pipe = xs_pipe_open(xs_srv, 0, true))) {
        test_error("cannot start xenstored");
        return false;
    }
    dom_exc_port = (evtchn_port_t)p;
    xsc_init(&xs_ts, &io);
    if (o->shared && !make_shared(o->ndoms))
        return false;
    for (uint16_t d = 1; d <= o->ndoms; d++) {
        uint64_t wait_end = now_ns() + 2000 * NS_PER_MS;
        while (!domain_exists(d) && now_ns() < wait_end)
            sched_yield();
        if (!(alive[d] = introduce_domain(d)))
            left--;
    }
    printf("xenstored: serving %u domains\n", left);
    if (o->on_ready)
        o->on_ready(&xs_ts);
    end = now_ns() + o->timeout_ns;
    for (bool first = true; left && now_ns() < end; first = false) {
        /* Look at every domain each time round (and before the first
         * wait): a VIRQ_DOM_EXC may have been taken while a callback ran
         * the store. */
        if (!first)
            wait_and_dispatch(end);
        for (uint16_t d = 1; d <= o->ndoms; d++) {
            char home[32];
            if (!alive[d] || domain_exists(d))
                continue;
            alive[d] = false;
            left--;
            snprintf(home, sizeof(home), "/local/domain/%u", d);
            if (o->on_gone)
                o->on_gone(&xs_ts, d);
            if (xsc_rm(&xs_ts, 0, home))
                test_fail("toolstack: cannot remove %s", home);
            printf("toolstack: d%u is gone, %s removed\n", d, home);
        }
    }
    if (left) {
        test_fail("%u domains still running after the timeout", left);
        return false;
    }

    /* Everything of the domains must be gone. */
    struct xs_stats st;
    struct heap_stats hs;
    xs_get_stats(xs_srv, &st);
    heap_get_stats(&hs);
    printf("xenstored: %u requests (%u errors), %u watch events (%u dropped), %u conflicts, "
           "%u connections dropped; %u nodes; heap %u KiB in use\n",
           (unsigned int)st.requests, (unsigned int)st.errors, (unsigned int)st.events,
           (unsigned int)st.events_dropped, (unsigned int)st.conflicts,
           (unsigned int)st.dropped_conns, (unsigned int)st.nodes,
           (unsigned int)(hs.used >> 10));
    CHECK(xs_check(xs_srv, err, sizeof(err)) == 0, "store invariant: %s", err);
    CHECK(st.domains == 0 && st.connections == 1 && st.transactions == 0,
          "left behind: %u domains, %u connections, %u transactions", st.domains,
          st.connections, st.transactions);
    for (unsigned int s = 0; s < MAX_RINGS; s++)
        CHECK(!slots[s].used, "ring of d%u still mapped", slots[s].domid);
    for (uint16_t d = 1; d <= o->ndoms; d++)
        CHECK(xs_domain_nodes(xs_srv, d) == 0 && xs_domain_memory(xs_srv, d) == 0,
              "d%u still owns %u nodes / %u bytes", d, xs_domain_nodes(xs_srv, d),
              xs_domain_memory(xs_srv, d));
    CHECK(heap_check() == 0, "heap corrupted");
    return true;
}
