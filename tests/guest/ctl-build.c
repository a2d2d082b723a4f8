/*
 * ctl-build: the privileged domain builds a domain through the control
 * plane alone, runs it, reads its console, sees it shut down, destroys it
 * and finds the host's free memory back to the page.
 *
 * This guest is what Dom0's toolstack is, reduced to one flow: the kernel
 * comes from its initrd (the test harness passes the pvconsole guest as
 * the module), the builder is the toolstack's own library
 * (dom0-tools/lib/build, over libctrl) linked unchanged, and the only
 * things it does that a toolstack does not do are the checks.  The built
 * guest writes its greeting and a few lines to its PV console ring and
 * powers off; this guest is the backend of that ring: it maps the page the
 * builder named, binds the port the new domain offered it, consumes what
 * is written and tells the producer there is room.
 *
 * Then the reverse: the ring is unmapped, the domain destroyed (the
 * library repeats destroydomain while it says -EAGAIN), getdomaininfo no
 * longer finds it, sysctl physinfo's free_pages is what it was before the
 * build, and the mapping window is empty.
 *
 * Command line: mem=KiB (the new domain's memory, default 4096),
 * rounds=N (build, run and destroy N times, default 1).
 */
#include <test.h>
#include <events.h>
#include <public/io/console.h>
#include <public/domctl.h>
#include <ctrl/ctrl.h>
#include <build/build.h>
#include "ctl/ctl_guest.h"

#define CHILD_ARGS "lines=3 name=child"

static char out[4096];
static size_t out_len;

/* Take what the guest wrote; tell it there is room.  Bytes taken. */
static size_t drain(volatile struct xencons_interface *ring, evtchn_port_t port)
{
    uint32_t cons = ring->out_cons, prod = ring->out_prod;
    size_t n = 0;

    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    if (prod - cons > sizeof(ring->out)) {
        test_fail("the guest's producer index is %u ahead of the consumer", prod - cons);
        cons = prod;
    }
    for (; cons != prod; cons++, n++)
        if (out_len < sizeof(out) - 1)
            out[out_len++] = ring->out[MASK_XENCONS_IDX(cons, ring->out)];
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    ring->out_cons = cons;
    if (n)
        evtchn_send(port);
    return n;
}

static bool one_round(unsigned int round, uint32_t mem_kb)
{
    struct build_dom b = {
        .kernel = (const void *)start_info->mod_start, .kernel_len = start_info->mod_len,
        .cmdline = CHILD_ARGS, .memory_kb = mem_kb,
    };
    struct ctrl_physinfo before, after;
    struct ctrl_dominfo info;
    volatile struct xencons_interface *ring;
    char err[200];
    long rc;

    out_len = 0;
    CHECK_RC(ctrl_physinfo(&before), 0, "physinfo");
    rc = build_pv_domain(&b, err, sizeof(err));
    if (rc) {
        test_fail("round %u: the build failed (%ld): %s", round, rc, err);
        return false;
    }
    printf("round %u: built d%u, %u pages, entry 0x%x, L3 0x%x, console mfn 0x%x port %u, "
           "store mfn 0x%x port %u\n", round, b.domid, b.nr_pages, (uint32_t)b.virt_entry,
           b.l3_mfn, b.console_mfn, b.console_port, b.store_mfn, b.store_port);
    CHECK_RC(ctrl_domain_info(b.domid, &info), 0, "getdomaininfo");
    CHECK(info.paused && !info.shutdown && !info.dying, "the new domain is not just paused");
    CHECK(info.tot_pages == mem_kb / 4, "tot_pages %llu", (unsigned long long)info.tot_pages);
    CHECK(ctl_window_in_use() == 0, "the builder left %u pages mapped", ctl_window_in_use());

    /* Be its console backend: the ring the builder named, its port. */
    rc = ctrl_map_foreign(b.domid, &b.console_mfn, 1, true, (void **)&ring);
    if (rc) {
        test_fail("mapping the console ring failed (%ld)", rc);
        ctrl_domain_destroy(b.domid);
        return false;
    }
    long port = evtchn_bind_interdomain(b.domid, b.console_port);
    CHECK(port > 0, "binding the console port failed (%ld)", port);
    CHECK_RC(ctrl_domain_unpause(b.domid), 0, "unpause");

    uint64_t deadline = now_ns() + 20000ull * NS_PER_MS;
    for (;;) {
        drain(ring, (evtchn_port_t)port);
        if (ctrl_domain_info(b.domid, &info) || info.shutdown)
            break;
        if (now_ns() > deadline) {
            test_fail("the guest did not finish within 20 s");
            break;
        }
        evtchn_port_t p = (evtchn_port_t)port;
        sched_poll(&p, 1, now_ns() + 10 * NS_PER_MS);
        evtchn_clear_pending(p);
    }
    drain(ring, (evtchn_port_t)port);
    out[out_len] = '\0';
    for (char *l = out; *l;) {
        char *e = strstr(l, "\r\n");
        if (e)
            *e = '\0';
        printf("d%u console: %s\n", b.domid, l);
        if (!e)
            break;
        *e = '\r';
        l = e + 2;
    }
    CHECK(info.shutdown && info.shutdown_reason == SHUTDOWN_poweroff,
          "the guest did not power off (shutdown %d, reason %u)", info.shutdown,
          info.shutdown_reason);
    char hello[128];
    snprintf(hello, sizeof(hello), "Hello from child, a Mica PV guest, on its PV console "
             "(%u KiB of memory).\r\n", (unsigned int)mem_kb);
    CHECK(strstr(out, hello) != NULL, "no greeting on the console");
    CHECK(strstr(out, "child line 2: the quick brown fox jumps over the lazy dog\r\n") != NULL,
          "the console lacks the guest's last line");

    /* Tear down, and account for every page. */
    if (port > 0)
        evtchn_close((evtchn_port_t)port);
    CHECK_RC(ctrl_unmap_foreign((void *)ring, 1), 0, "unmapping the ring");
    CHECK_RC(ctrl_domain_destroy(b.domid), 0, "destroydomain");
    CHECK_RC(ctrl_domain_info(b.domid, &info), -XEN_ESRCH, "getdomaininfo after destroy");
    CHECK_RC(ctrl_physinfo(&after), 0, "physinfo");
    CHECK(after.free_pages == before.free_pages,
          "round %u: free pages %llu before the build, %llu after the destroy", round,
          (unsigned long long)before.free_pages, (unsigned long long)after.free_pages);
    CHECK(ctl_window_in_use() == 0, "%u window pages still mapped", ctl_window_in_use());
    printf("round %u: destroyed; %llu pages free, as before\n", round,
           (unsigned long long)after.free_pages);
    return true;
}

void test_main(void)
{
    const char *cl = (const char *)start_info->cmd_line, *v;
    unsigned long mem_kb = 4096, rounds = 1;

    if (!(start_info->flags & SIF_PRIVILEGED)) {
        test_skip("not the privileged domain");
        return;
    }
    if (!start_info->mod_start || !start_info->mod_len) {
        test_error("no kernel in the initrd (the harness passes one with mod=)");
        return;
    }
    if ((v = cmdline_value(cl, "mem")))
        mem_kb = parse_ulong(&v);
    if ((v = cmdline_value(cl, "rounds")))
        rounds = parse_ulong(&v);
    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    ctl_init();
    for (unsigned long r = 1; r <= rounds; r++)
        if (!one_round((unsigned int)r, (uint32_t)mem_kb))
            break;
    test_success();
}
