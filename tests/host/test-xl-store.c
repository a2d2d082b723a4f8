/*
 * test-xl-store: the toolstack and xenstored together, as Dom0 wires them
 * (dom0-tools/os/mica/dom0_main.c), on the simulated hypervisor
 * (fake-hv.c) and the fake OS interface.  Guests are played by the test,
 * speaking the wire protocol over the store page their builder granted.
 *
 * Checked: the standard layout xl create writes (values and permissions,
 * Dom0's home, /vm/<uuid>, the console's frontend and backend), what a
 * guest may and may not do with it, its removal on destroy and when a
 * domain vanishes (the node count back exactly, 100 cycles), a stale home
 * of an earlier domain with the same id replaced, rename-restart, and
 * `xl shutdown` / `xl reboot`: control/shutdown written, the guest's
 * acknowledgement, the forced fallback after the timeout (with -w and
 * without), and the immediate forced shutdown of a domain without PV
 * control.
 */
#include "htest.h"
#include <errno.h>
#include <stdint.h>
#include <public/errno.h>
#include <public/sched.h>
#include <public/xen.h>
#include <public/io/xs_wire.h>
#include "fake-hv.h"
#include "../../dom0-tools/os/fake/fake_os.h"
#include "os_time.h"
#include "../../dom0-tools/tools/xl/xl.h"
#include "../../dom0-tools/tools/xl/toolstack.h"
#include "../../dom0-tools/tools/xl/ts_store.h"
#include "../../dom0-tools/tools/xsdaemon/xsdaemon.h"
#include "xl-run.h"

static char out[65536], err[16384];

static int xl(const char *line)
{
    return xl_run(line, out, sizeof(out), err, sizeof(err));
}

/* Let the loop handle what happened, output captured; `ns` of virtual time. */
static void settle_for(uint64_t ns)
{
    FILE *so = stdout;

    memset(out, 0, sizeof(out));
    stdout = fmemopen(out, sizeof(out) - 1, "w");
    fake_run_pending();
    if (ns)
        os_loop_run_until(NULL, NULL, fake_os.now_ns + ns);
    fclose(stdout);
    stdout = so;
}

/* ---- Dom0's wiring ---- */

static enum xs_domstate domain_state(uint16_t domid)
{
    struct hv_dominfo info;

    if (hv_domain_info(domid, &info) || info.dying)
        return XS_DOM_GONE;
    return info.shutdown ? XS_DOM_SHUTDOWN : XS_DOM_RUNNING;
}
static void destroying(void *arg, uint16_t domid) { (void)arg; xsd_domain_destroying(domid); }
static void changed(void *arg) { (void)arg; xsd_domains_changed(); }
static struct ts_observer obs = { .destroying = destroying, .domains_changed = changed };

static struct xsc tool, admin;

static void boot(void)
{
    char e[200];

    fake_os_reset();
    fake_hv_reset();
    CHECK_EQ(xsd_start("", domain_state, e, sizeof(e)), 0);
    CHECK_EQ(xsd_connect(&tool, false), 0);
    CHECK_EQ(xsd_connect(&admin, false), 0);
    ts_store_attach(&tool);
    ts_observe(&obs);
    CHECK_EQ(ts_init(), 0);
    fake_file_add_text("/boot/guest.elf", "\177ELF guest");
    fake_file_add_text("/etc/xl/a.cfg", "name = 'a'\nkernel = '/boot/guest.elf'\nmemory = 16\n"
                       "maxmem = 24\nextra = 'role=a'\n");
    fake_file_add_text("/etc/xl/b.cfg", "name = 'b'\nkernel = '/boot/guest.elf'\nmemory = 8\n");
    fake_file_add_text("/etc/xl/smp.cfg", "name = 'smp'\nkernel = '/boot/guest.elf'\n"
                       "memory = 8\nvcpus = 2\nmaxvcpus = 4\n");
    fake_file_add_text("/etc/xl/rr.cfg", "name = 'rr'\nkernel = '/boot/guest.elf'\nmemory = 8\n"
                       "on_reboot = 'rename-restart'\n");
}

static uint32_t store_nodes(void)
{
    struct xs_stats st;

    xs_get_stats(xsd_store(), &st);
    return st.nodes;
}

/* A node's value through Dom0's client ("!ERRNO" if it cannot be read). */
static const char *val(const char *path)
{
    static char v[256];
    uint32_t len;
    int rc = xsc_read(&admin, 0, path, v, sizeof(v), &len);

    if (rc)
        snprintf(v, sizeof(v), "!%d", rc);
    return v;
}

/* Its permissions as "n0,r1". */
static const char *perms(const char *path)
{
    static char p[128];
    uint32_t len;

    if (xsc_get_perms(&admin, 0, path, p, sizeof(p), &len))
        return "!";
    for (uint32_t i = 0; i + 1 < len; i++)
        if (!p[i])
            p[i] = ',';
    return p;
}

/* ---- a guest over its store page ---- */

struct guest {
    uint16_t domid;
    struct xenstore_domain_interface *page;
    uint32_t req_prod, rsp_cons;
    struct xsc c;
};

static int g_send(void *ctx, const void *buf, uint32_t len)
{
    struct guest *g = ctx;
    uint32_t room = XENSTORE_RING_SIZE - (g->req_prod - g->page->req_cons);
    uint32_t n = len < room ? len : room;

    for (uint32_t i = 0; i < n; i++)
        g->page->req[MASK_XENSTORE_IDX(g->req_prod + i)] = ((const char *)buf)[i];
    g->req_prod += n;
    g->page->req_prod = g->req_prod;
    fake_raise(fake_port_of_remote(g->domid, 1));
    return (int)n;
}

static int g_recv(void *ctx, void *buf, uint32_t len)
{
    struct guest *g = ctx;
    uint32_t avail = g->page->rsp_prod - g->rsp_cons, n = len < avail ? len : avail;

    for (uint32_t i = 0; i < n; i++)
        ((char *)buf)[i] = g->page->rsp[MASK_XENSTORE_IDX(g->rsp_cons + i)];
    g->rsp_cons += n;
    g->page->rsp_cons = g->rsp_cons;
    if (n)
        fake_raise(fake_port_of_remote(g->domid, 1));
    return (int)n;
}

static int g_wait(void *ctx)
{
    struct guest *g = ctx;
    uint32_t before = g->page->rsp_prod;

    fake_run_pending();
    return g->page->rsp_prod != before ? 0 : -XEN_ETIME;
}

static struct guest *guest(uint16_t domid)
{
    static struct guest g;
    struct xsc_io io = { .ctx = &g, .send = g_send, .recv = g_recv, .wait = g_wait };

    memset(&g, 0, sizeof(g));
    g.domid = domid;
    g.page = fake_hv_dom(domid)->store;
    xsc_init(&g.c, &io);
    return &g;
}

/* ---- the layout ---- */

HTEST(create_writes_the_standard_layout)
{
    const char *vm = "/vm/10111213-1415-1617-1819-1a1b1c1d1e1f";
    char p[128];
    bool yes;

    boot();
    CHECK_STREQ(val("/local/domain/0/name"), "Domain-0");
    CHECK_STREQ(val("/local/domain/0/domid"), "0");
    CHECK_EQ(xl("xl create /etc/xl/a.cfg"), 0);
    CHECK_EQ(xsc_is_introduced(&admin, 1, &yes), 0);
    CHECK(yes);
    CHECK_STREQ(perms("/local/domain/1"), "n0,r1");
    CHECK_STREQ(val("/local/domain/1/name"), "a");
    CHECK_STREQ(val("/local/domain/1/domid"), "1");
    CHECK_STREQ(val("/local/domain/1/vm"), vm);
    CHECK_STREQ(val("/local/domain/1/memory/target"), "16384");
    CHECK_STREQ(val("/local/domain/1/memory/static-max"), "24576");
    CHECK_STREQ(val("/local/domain/1/cpu/0/availability"), "online");
    CHECK(val("/local/domain/1/cpu/1/availability")[0] == '!');
    CHECK_STREQ(val("/local/domain/1/store/port"), "1");
    CHECK_STREQ(val("/local/domain/1/store/ring-ref"), "8193");
    CHECK_STREQ(val("/local/domain/1/control/shutdown"), "");
    CHECK_STREQ(perms("/local/domain/1/control/shutdown"), "n1");
    CHECK_STREQ(perms("/local/domain/1/control"), "n0,r1");
    CHECK_STREQ(perms("/local/domain/1/control/feature-poweroff"), "n1");
    CHECK_STREQ(perms("/local/domain/1/control/sysrq"), "n1");
    CHECK_STREQ(val("/local/domain/1/control/platform-feature-xs_reset_watches"), "1");
    CHECK_STREQ(val("/local/domain/1/control/platform-feature-multiprocessor-suspend"), "1");
    CHECK_STREQ(perms("/local/domain/1/device/suspend/event-channel"), "n1");
    CHECK_STREQ(perms("/local/domain/1/data"), "n1");
    CHECK_STREQ(perms("/local/domain/1/console"), "n1,r0");
    CHECK_STREQ(val("/local/domain/1/console/ring-ref"), "4097");
    CHECK_STREQ(val("/local/domain/1/console/port"), "2");
    CHECK_STREQ(perms("/local/domain/1/console/port"), "n0,r1");
    CHECK_STREQ(val("/local/domain/1/console/type"), "xenconsoled");
    CHECK_STREQ(val("/local/domain/1/console/backend"), "/local/domain/0/backend/console/1/0");
    CHECK_STREQ(val("/local/domain/1/console/backend-id"), "0");
    CHECK_STREQ(perms("/local/domain/0/backend/console/1/0"), "n0,r1");
    CHECK_STREQ(val("/local/domain/0/backend/console/1/0/frontend"), "/local/domain/1/console");
    CHECK_STREQ(val("/local/domain/0/backend/console/1/0/frontend-id"), "1");
    CHECK_STREQ(val("/local/domain/0/backend/console/1/0/state"), "1");
    CHECK_STREQ(val("/local/domain/0/backend/console/1/0/domain"), "a");
    CHECK_STREQ(perms(vm), "n0,r1");
    snprintf(p, sizeof(p), "%s/uuid", vm);
    CHECK_STREQ(val(p), vm + 4);
    snprintf(p, sizeof(p), "%s/name", vm);
    CHECK_STREQ(val(p), "a");
    snprintf(p, sizeof(p), "%s/image/kernel", vm);
    CHECK_STREQ(val(p), "/boot/guest.elf");
    snprintf(p, sizeof(p), "%s/image/cmdline", vm);
    CHECK_STREQ(val(p), "role=a");
    CHECK_EQ(xs_check(xsd_store(), p, sizeof(p)), 0);
}

HTEST(vcpus_online_and_offline_as_availability)
{
    boot();
    CHECK_EQ(xl("xl create /etc/xl/smp.cfg"), 0);
    CHECK_STREQ(val("/local/domain/1/cpu/0/availability"), "online");
    CHECK_STREQ(val("/local/domain/1/cpu/1/availability"), "online");
    CHECK_STREQ(val("/local/domain/1/cpu/2/availability"), "offline");
    CHECK_STREQ(val("/local/domain/1/cpu/3/availability"), "offline");
    CHECK(val("/local/domain/1/cpu/4/availability")[0] == '!');
    CHECK_EQ(xl("xl destroy smp"), 0);
}

HTEST(the_guest_reads_its_nodes_and_writes_only_its_own)
{
    struct guest *g;
    char v[64];
    uint32_t len;

    boot();
    xl("xl create /etc/xl/a.cfg");
    xl("xl create /etc/xl/b.cfg");
    g = guest(1);
    CHECK_EQ(xsc_read(&g->c, 0, "name", v, sizeof(v), &len), 0);
    CHECK_STREQ(v, "a");
    CHECK_EQ(xsc_read(&g->c, 0, "/local/domain/1/domid", v, sizeof(v), &len), 0);
    CHECK_STREQ(v, "1");
    CHECK_EQ(xsc_read(&g->c, 0, "console/backend", v, sizeof(v), &len), 0);
    CHECK_EQ(xsc_read(&g->c, 0, "/local/domain/0/backend/console/1/0/state", v, sizeof(v),
                      &len), 0);
    CHECK_EQ(xsc_write_str(&g->c, 0, "data/scratch", "x"), 0);
    CHECK_EQ(xsc_write_str(&g->c, 0, "control/shutdown", ""), 0);
    CHECK_EQ(xsc_write_str(&g->c, 0, "control/feature-poweroff", "1"), 0);   /* as Linux does */
    CHECK_EQ(xsc_write_str(&g->c, 0, "control/feature-reboot", "1"), 0);
    CHECK_EQ(xsc_write_str(&g->c, 0, "control/platform-feature-xs_reset_watches", "0"),
             -XEN_EACCES);
    CHECK_EQ(xsc_write_str(&g->c, 0, "control/other", "1"), -XEN_EACCES);
    CHECK_EQ(xsc_write_str(&g->c, 0, "console/tty", "x"), 0);   /* its frontend dir */
    CHECK_EQ(xsc_write_str(&g->c, 0, "name", "evil"), -XEN_EACCES);
    CHECK_EQ(xsc_write_str(&g->c, 0, "console/port", "9"), -XEN_EACCES);
    CHECK_EQ(xsc_write_str(&g->c, 0, "device/vbd/51712/state", "4"), -XEN_EACCES);
    CHECK_EQ(xsc_read(&g->c, 0, "/local/domain/0/name", v, sizeof(v), &len), -XEN_EACCES);
    CHECK_EQ(xsc_read(&g->c, 0, "/local/domain/2/name", v, sizeof(v), &len), -XEN_EACCES);
    CHECK_EQ(xsc_write_str(&g->c, 0, "/local/domain/0/backend/console/1/0/state", "6"),
             -XEN_EACCES);
}

HTEST(destroy_removes_the_layout_and_the_node_count_comes_back)
{
    uint32_t nodes0;
    unsigned int ports0;
    char v[8];

    boot();
    nodes0 = store_nodes();
    ports0 = fake_ports_bound();
    xl("xl create /etc/xl/a.cfg");
    xl("xl create /etc/xl/b.cfg");
    CHECK(store_nodes() > nodes0 + 40);
    CHECK_EQ(xl("xl destroy a"), 0);
    CHECK_STREQ(val("/local/domain/1"), "!-2");
    CHECK_STREQ(val("/local/domain/0/backend/console/1"), "!-2");
    CHECK_STREQ(val("/local/domain/0/backend/console/2/0/domain"), "b");
    CHECK_EQ(xl("xl destroy b"), 0);
    CHECK_STREQ(val("/local/domain/0/backend"), "!-2");
    CHECK_EQ(store_nodes(), nodes0);
    for (int i = 0; i < 100; i++) {
        CHECK_EQ(xl("xl create -q /etc/xl/a.cfg"), 0);
        CHECK_EQ(xl("xl destroy a"), 0);
    }
    CHECK_EQ(store_nodes(), nodes0);
    CHECK_EQ(xsc_read(&admin, 0, "/vm", v, sizeof(v), &(uint32_t){0}), 0);
    CHECK_EQ(fake_maps_open(), 0);
    CHECK_EQ(fake_ports_bound(), ports0);
    CHECK_EQ(xs_check(xsd_store(), v, sizeof(v)), 0);
}

HTEST(a_domain_that_vanishes_is_cleaned_up_too)
{
    uint32_t nodes0;

    boot();
    nodes0 = store_nodes();
    xl("xl create /etc/xl/a.cfg");
    /* Destroyed behind the toolstack's back. */
    CHECK_EQ(hv_domain_destroy(1), 0);
    settle_for(0);
    CHECK(strstr(out, "xl: domain 1 (a) has gone"));
    CHECK_EQ(store_nodes(), nodes0);
    CHECK_EQ(fake_maps_open(), 0);
}

HTEST(a_stale_home_of_the_same_id_is_replaced)
{
    boot();
    CHECK_EQ(xsc_write_str(&admin, 0, "/local/domain/1/junk", "old"), 0);
    xl("xl create /etc/xl/a.cfg");
    CHECK_STREQ(val("/local/domain/1/junk"), "!-2");
    CHECK_STREQ(val("/local/domain/1/name"), "a");
}

HTEST(rename_restart_renames_in_the_store)
{
    boot();
    xl("xl create /etc/xl/rr.cfg");
    fake_hv_guest_shutdown(1, SHUTDOWN_reboot);
    settle_for(0);
    CHECK(strstr(out, "restarted as domain 2"));
    CHECK_STREQ(val("/local/domain/1/name"), "rr--incarnation-1");
    CHECK_STREQ(val("/local/domain/2/name"), "rr");
}

/* ---- shutdown and reboot ---- */

HTEST(shutdown_asks_and_the_guest_obeys)
{
    struct guest *g;
    char v[16];
    uint32_t len;

    boot();
    xl("xl create /etc/xl/a.cfg");
    g = guest(1);
    CHECK_EQ(xsc_watch(&g->c, "control/shutdown", "sd"), 0);
    CHECK_EQ(xsc_event(&g->c, true, v, sizeof(v), NULL, 0), 1);
    CHECK_EQ(xl("xl shutdown a"), 0);
    CHECK_STREQ(out, "Shutting down domain 1\n");
    CHECK(!fake_hv_dom(1)->shutdown);           /* asked, not forced */
    CHECK_EQ(xsc_event(&g->c, true, v, sizeof(v), NULL, 0), 1);
    CHECK_EQ(xsc_read(&g->c, 0, "control/shutdown", v, sizeof(v), &len), 0);
    CHECK_STREQ(v, "poweroff");
    CHECK_EQ(xsc_write_str(&g->c, 0, "control/shutdown", ""), 0);   /* acknowledged */
    fake_hv_guest_shutdown(1, SHUTDOWN_poweroff);
    settle_for(2 * ts_shutdown_timeout_ns);
    CHECK(strstr(out, "has shut down (poweroff): destroying"));
    CHECK(!strstr(out, "forcing"));
    CHECK(fake_hv_dom(1) == NULL);
}

HTEST(an_ignored_request_is_forced_after_the_timeout)
{
    uint64_t t0;

    boot();
    xl("xl create /etc/xl/a.cfg");
    CHECK_EQ(xl("xl shutdown a"), 0);
    CHECK_STREQ(val("/local/domain/1/control/shutdown"), "poweroff");
    settle_for(ts_shutdown_timeout_ns - 1000);
    CHECK(fake_hv_dom(1) && !fake_hv_dom(1)->shutdown);
    settle_for(2000);
    CHECK(strstr(out, "xl: domain 1 did not act on control/shutdown within 10 s: forcing a "
                      "shutdown"));
    CHECK(strstr(out, "has shut down (poweroff): destroying"));
    CHECK(fake_hv_dom(1) == NULL);

    /* With -w, xl waits through the timeout to the forced shutdown. */
    xl("xl create /etc/xl/b.cfg");
    t0 = fake_os.now_ns;
    CHECK_EQ(xl("xl reboot -w b"), 0);
    CHECK(strstr(out, "Waiting for domain 1 to shut down"));
    CHECK(strstr(out, "forcing a reboot"));
    CHECK(strstr(out, "Domain 1 has shut down"));
    CHECK(fake_os.now_ns - t0 >= ts_shutdown_timeout_ns);
    CHECK(!fake_os.deadlocked);
    CHECK_EQ(fake_hv_dom(1)->reason, SHUTDOWN_reboot);
}

HTEST(reboot_writes_reboot_and_a_domain_gone_early_cancels_the_fallback)
{
    boot();
    xl("xl create /etc/xl/a.cfg");
    CHECK_EQ(xl("xl reboot a"), 0);
    CHECK_STREQ(val("/local/domain/1/control/shutdown"), "reboot");
    CHECK_EQ(xl("xl destroy a"), 0);
    xl("xl create /etc/xl/b.cfg");              /* the same id, a new domain */
    settle_for(2 * ts_shutdown_timeout_ns);
    CHECK(!strstr(out, "forcing"));
    CHECK(fake_hv_dom(1) && !fake_hv_dom(1)->shutdown);
}

HTEST(without_pv_control_the_shutdown_is_forced_at_once)
{
    boot();
    xl("xl create /etc/xl/a.cfg");
    CHECK_EQ(xsc_rm(&admin, 0, "/local/domain/1/control/shutdown"), 0);
    CHECK_EQ(xl("xl shutdown a"), 0);
    CHECK(fake_hv_dom(1)->shutdown);
    CHECK_EQ(fake_hv_dom(1)->reason, SHUTDOWN_poweroff);
}
