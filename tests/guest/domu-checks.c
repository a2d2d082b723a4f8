/*
 * domu-checks: what an unprivileged domain started from a boot module
 * finds, and what it may not do.  Runs as d1 (dom=domu-checks) with its
 * own verdict; domain 0 (domu-wait) waits for it to finish.
 *
 *   - start_info: not privileged; nr_pages as its mem= asked; the
 *     xenstore and console ring pages are frames of its own (in its P2M,
 *     mapped in its bootstrap region, zeroed); their ports are unbound and
 *     offered to domain 0; its command line is what followed "--"; its
 *     initrd (the "initrd" module after it) is the test data file;
 *   - time and the wall clock work as for domain 0;
 *   - privileged operations fail with -EPERM: console read, another
 *     domain's ports (status, alloc_unbound, reset), remote shutdown,
 *     the hypervisor command line;
 *   - binding to domain 0 without an offer fails (-EINVAL), to a domain
 *     that does not exist with -ESRCH; its own ports work;
 *   - its grant table comes set up with one frame, reserved entries 0 and
 *     1 granting domain 0 the console and xenstore pages (as Xen's
 *     builder seeds them), the store port being its lowest port offered
 *     to domain 0 -- what lets a domain 0 serve a boot-module domain.
 */
#include <test.h>
#include <events.h>
#include <grant.h>

static void check_grants(const start_info_t *si)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    grant_entry_v1_t *t;

    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &q, 1), 0, "query_size");
    CHECK(q.status == 0 && q.nr_frames == 1, "grant table: %u frames set up (want 1)",
          q.nr_frames);
    if (!(t = gnt_init(1)))
        return;
    CHECK(t[GNTTAB_RESERVED_XENSTORE].flags == GTF_permit_access &&
          t[GNTTAB_RESERVED_XENSTORE].domid == 0 &&
          t[GNTTAB_RESERVED_XENSTORE].frame == si->store_mfn,
          "grant 1: flags 0x%x domid %u frame 0x%x (store 0x%x)",
          t[1].flags, t[1].domid, t[1].frame, si->store_mfn);
    CHECK(t[GNTTAB_RESERVED_CONSOLE].flags == GTF_permit_access &&
          t[GNTTAB_RESERVED_CONSOLE].domid == 0 &&
          t[GNTTAB_RESERVED_CONSOLE].frame == si->console.domU.mfn,
          "grant 0: flags 0x%x domid %u frame 0x%x (console 0x%x)",
          t[0].flags, t[0].domid, t[0].frame, si->console.domU.mfn);
    for (grant_ref_t r = 2; r < GNTTAB_NR_RESERVED_ENTRIES; r++)
        CHECK(!t[r].flags, "grant %u in use (0x%x)", r, t[r].flags);
    for (evtchn_port_t p = 1; p < si->store_evtchn; p++) {
        evtchn_status_t st;
        CHECK(evtchn_status(DOMID_SELF, p, &st) || st.status != EVTCHNSTAT_unbound ||
              st.u.unbound.dom != 0, "port %u offered to d0 below the store port %u", p,
              si->store_evtchn);
    }
}

static void check_ring(const char *what, uint32_t mfn, uint32_t port)
{
    uint32_t pfn = mfn < M2P_ENTRIES ? m2p(mfn) : 0xffffffffu;
    CHECK(pfn < start_info->nr_pages && p2m()[pfn] == mfn, "%s mfn 0x%x is not ours", what, mfn);
    if (pfn < start_info->nr_pages) {
        const uint8_t *page = pfn_to_virt(pfn);
        bool zero = true;
        for (unsigned int i = 0; i < PAGE_SIZE; i++)
            zero &= page[i] == 0;
        CHECK(zero, "%s ring page is not zeroed", what);
    }
    evtchn_status_t st;
    CHECK_RC(evtchn_status(DOMID_SELF, port, &st), 0, what);
    CHECK(st.status == EVTCHNSTAT_unbound && st.u.unbound.dom == 0,
          "%s port %u: status %u remote %u", what, port, st.status, st.u.unbound.dom);
    printf("%s: mfn 0x%x (pfn %u), port %u unbound for d0\n", what, mfn, pfn, port);
}

void test_main(void)
{
    const start_info_t *si = start_info;

    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    CHECK(si->flags == 0, "flags 0x%x", si->flags);
    CHECK(!strcmp(si->magic, "xen-3.0-x86_32p"), "magic");
    CHECK(si->nr_pages == 2048, "nr_pages %u (mem=8M asked)", si->nr_pages);
    CHECK(!strcmp((const char *)si->cmd_line, "checks=all extra words"),
          "command line \"%s\"", si->cmd_line);
    static const char want[] = "Mica boot-module test data";
    CHECK(si->mod_len > sizeof(want) && si->mod_start &&
          !memcmp((const void *)si->mod_start, want, sizeof(want) - 1),
          "initrd: %u bytes at 0x%x", si->mod_len, si->mod_start);
    check_ring("xenstore", si->store_mfn, si->store_evtchn);
    check_ring("console", si->console.domU.mfn, si->console.domU.evtchn);
    CHECK(si->store_evtchn != si->console.domU.evtchn, "the two rings share a port");
    check_grants(si);

    uint64_t t1 = now_ns(), t2 = now_ns();
    CHECK(t2 >= t1 && t1 > 0, "system time");
    CHECK(wallclock_sec() > 1577836800u, "wall clock not set");

    char buf[16];
    CHECK_RC(HYPERVISOR_console_io(CONSOLEIO_read, sizeof(buf), buf), -XEN_EPERM, "console read");
    evtchn_status_t st;
    CHECK_RC(evtchn_status(0, 1, &st), -XEN_EPERM, "status of d0's port");
    evtchn_alloc_unbound_t au = { .dom = 0, .remote_dom = 1 };
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au), -XEN_EPERM,
             "alloc_unbound in d0");
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_reset, &(evtchn_reset_t){ .dom = 0 }),
             -XEN_EPERM, "reset d0");
    struct sched_remote_shutdown rs = { .domain_id = 0, .reason = SHUTDOWN_poweroff };
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), -XEN_EPERM, "remote shutdown");
    static char cmdline[1024];
    CHECK_RC(HYPERVISOR_xen_version(XENVER_commandline, cmdline), -XEN_EPERM, "commandline");
    for (evtchn_port_t p = 1; p < 16; p++)
        CHECK_RC(evtchn_bind_interdomain(0, p), -XEN_EINVAL, "bind to d0 without an offer");
    CHECK_RC(evtchn_bind_interdomain(77, 1), -XEN_ESRCH, "bind to a missing domain");
    long a = evtchn_alloc_unbound(DOMID_SELF), b = a > 0 ? evtchn_bind_interdomain(DOMID_SELF, a) : a;
    CHECK(a > 0 && b > 0, "own loopback channel: %ld %ld", a, b);
    CHECK_RC(evtchn_send(b), 0, "send on own channel");
    CHECK(evtchn_is_pending(a), "own channel not delivered");
    test_success();
}
