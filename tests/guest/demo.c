/*
 * demo: the guest `make run-demo` boots - a guided look at what a PV guest sees.
 *
 * As the initial domain it prints the start_info summary (magic, memory,
 * flags, command line, boot module), what xen_version says about the
 * hypervisor, and walks the P2M/M2P pair.  If the boot also started an
 * unprivileged domain 1 -- `make run-demo` starts this same kernel again as
 * "peer" -- the two then talk over an event channel: domain 0 offers a
 * port, d1 binds it and greets, domain 0 pings it a few times and times
 * the answers, closes the channel, and waits (VIRQ_DOM_EXC) until d1 has
 * gone.  As d1 the kernel prints what an unprivileged domain finds
 * (its rings and their ports, the time) and answers pings.  Any
 * inconsistency is reported as a failure, but it is a tour, not a test:
 * start-info, xen-version, evtchn-* and domu-checks are the thorough ones.
 */
#include <test.h>
#include <events.h>

static void show_start_info(void)
{
    const start_info_t *si = start_info;

    printf("  magic         %.32s\n", si->magic);
    printf("  memory        %u pages (%u MiB)\n", si->nr_pages, si->nr_pages >> 8);
    printf("  flags         0x%x%s%s\n", si->flags,
           si->flags & SIF_PRIVILEGED ? " privileged" : "",
           si->flags & SIF_INITDOMAIN ? " initdomain" : "");
    printf("  shared_info   machine address 0x%x\n", si->shared_info);
    printf("  page tables   L3 at 0x%x, %u frames\n", si->pt_base, si->nr_pt_frames);
    printf("  P2M           at 0x%x\n", si->mfn_list);
    printf("  bootstrap     0x%x - 0x%x\n", VIRT_BASE, mapped_end());
    printf("  command line  \"%s\"\n", si->cmd_line);
    if (si->mod_len)
        printf("  module        %u bytes at 0x%x: \"%.40s...\"\n", si->mod_len,
               si->mod_start, (const char *)si->mod_start);
    else
        printf("  module        none\n");
}

static void show_version(void)
{
    static char caps[XEN_CAPABILITIES_INFO_LEN];
    xen_extraversion_t extra;
    long v = HYPERVISOR_xen_version(XENVER_version, NULL);

    if (HYPERVISOR_xen_version(XENVER_extraversion, extra))
        extra[0] = '\0';
    if (HYPERVISOR_xen_version(XENVER_capabilities, caps))
        caps[0] = '\0';
    printf("  hypervisor    Xen-compatible %ld.%ld%.16s, capabilities \"%s\"\n",
           v >> 16, v & 0xffff, extra, caps);
}

static void walk_p2m(void)
{
    uint32_t pfn, ok = 0, n = start_info->nr_pages;

    for (pfn = 0; pfn < n; pfn++) {
        uint32_t mfn = p2m()[pfn];

        if (mfn < M2P_ENTRIES && m2p(mfn) == pfn)
            ok++;
        if (pfn < 3 || pfn == n - 1)
            printf("  pfn %5u -> mfn 0x%05x -> pfn %u\n", pfn, mfn,
                   mfn < M2P_ENTRIES ? m2p(mfn) : 0xffffffff);
    }
    printf("  P2M/M2P       %u of %u pages agree\n", ok, n);
    CHECK(ok == n, "P2M and M2P disagree for %u pages", n - ok);
}

#define US(ns) ((unsigned int)udiv64((ns), 1000))
#define MS(ns) ((unsigned int)udiv64((ns), NS_PER_MS))

/* d0's half of the conversation. */
static void talk_to_d1(void)
{
    evtchn_status_t st;

    if (evtchn_status(1, 1, &st) == -XEN_ESRCH) {
        printf("  (no domain 1 was started: nobody to talk to)\n");
        return;
    }
    printf("  Two domains on one CPU\n");
    uint64_t t0 = now_ns();
    long p = evtchn_offer_and_wait(1, 5000 * NS_PER_MS);
    if (p <= 0) {
        test_fail("d1 did not bind to our port (%ld)", p);
        return;
    }
    printf("  d0: offered port %ld to d1; d1 bound it and greeted us after %u us\n",
           p, US(now_ns() - t0));
    for (unsigned int i = 1; i <= 5; i++) {
        uint64_t sent = now_ns();
        evtchn_send((evtchn_port_t)p);
        if (wait_port((evtchn_port_t)p, sent + 1000 * NS_PER_MS) != 1) {
            test_fail("no answer to ping %u", i);
            return;
        }
        printf("  d0: ping %u answered after %u us\n", i, US(now_ns() - sent));
    }
    printf("  d0: closing the channel and waiting for d1 to finish\n");
    evtchn_close((evtchn_port_t)p);
    CHECK(wait_domain_gone(1, 5000 * NS_PER_MS) == 0, "d1 did not finish");
    printf("  d0: VIRQ_DOM_EXC: d1 has gone, and all its memory with it\n");
}

/* d1's half: say who we are, then answer pings until the channel closes. */
static void be_the_peer(void)
{
    const start_info_t *si = start_info;
    evtchn_status_t st;

    printf("Hello from an unprivileged domain: %u pages, flags 0x%x\n", si->nr_pages, si->flags);
    printf("  xenstore ring mfn 0x%x, port %u; console ring mfn 0x%x, port %u (for d0)\n",
           si->store_mfn, si->store_evtchn, si->console.domU.mfn, si->console.domU.evtchn);
    printf("  system time %u ms, wall clock %u s since the epoch\n", MS(now_ns()),
           (unsigned int)wallclock_sec());
    long p = evtchn_connect_and_greet(0, 10000);
    if (p <= 0) {
        printf("  no port offered by d0 (%ld)\n", p);
        return;
    }
    printf("  bound to d0's offer as local port %ld, greeting sent\n", p);
    for (unsigned int n = 1;; n++) {
        wait_port((evtchn_port_t)p, 0);
        if (evtchn_status(DOMID_SELF, (evtchn_port_t)p, &st) || st.status != EVTCHNSTAT_interdomain) {
            printf("  d0 closed the channel after %u pings: goodbye\n", n - 1);
            return;
        }
        printf("  ping %u from d0 at %u ms: answering\n", n, MS(now_ns()));
        evtchn_send((evtchn_port_t)p);
    }
}

void test_main(void)
{
    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    if (!(start_info->flags & SIF_INITDOMAIN)) {
        be_the_peer();
        test_success();
        return;
    }
    printf("\n  Hello from a paravirtualized guest kernel in ring 1 on Mica!\n\n");
    show_start_info();
    show_version();
    walk_p2m();
    printf("\n");
    talk_to_d1();
    printf("\n");
    test_success();
}
