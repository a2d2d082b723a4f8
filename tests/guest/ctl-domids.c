/*
 * ctl-domids: running out of domain ids fails cleanly (docs/reliability.md).
 *
 * Booted with max_domid=N (docs/boot.md): createdomain hands out ids
 * 1..N only.  The privileged guest creates domains -- each given a vCPU,
 * memory and event channels, so a real domain and not just an id is
 * taken -- until createdomain refuses:
 *
 *   - it refuses with -ENOMEM (Xen's errno when its id rover finds no free
 *     id), after exactly N domains, with every id 1..N given once;
 *   - the refusal took nothing: free pages and every resource counter
 *     (MICA_SYSCTL_resources: domains, event-channel ports and buckets,
 *     grant entries and frames, maptrack) are what they were before it;
 *   - an id asked for above N is -EINVAL, a taken one -EINVAL, any
 *     reserved one (= "any free id") -ENOMEM while all are taken;
 *   - ids come back: destroying one domain makes its id the only free
 *     one, and the next createdomain gets exactly it; destroying three
 *     then lets three more in and then -ENOMEM again;
 *   - after destroying everything, the counters and free pages equal
 *     their starting values (the auditor checks every frame at each
 *     teardown, mm_audit), and the whole fill-and-empty runs `rounds`
 *     times.
 *
 * Command line: max=N (the hypervisor's max_domid), rounds=R (default 3).
 */
#include <test.h>
#include <ctl.h>
#include <events.h>

#define MAX_IDS 64

/* CHECK_RC with a formatted description */
#define RC(rc, expected, fmt, ...)                                                    \
    do {                                                                              \
        long rc_ = (rc), exp_ = (expected);                                           \
        if (rc_ != exp_)                                                              \
            test_fail("%s:%d: " fmt ": %ld, expected %ld", __FILE__, __LINE__,        \
                      ##__VA_ARGS__, rc_, exp_);                                      \
    } while (0)

static struct mica_sysctl_resources res0;

static void resources(struct mica_sysctl_resources *r)
{
    struct xen_sysctl op;

    memset(&op, 0, sizeof(op));
    RC(sysctl(MICA_SYSCTL_resources, &op), 0, "sysctl resources");
    *r = op.u.resources;
}

/* Everything the hypervisor holds, as at the start (what = when). */
static void same_resources(const struct mica_sysctl_resources *a, const char *what)
{
    struct mica_sysctl_resources b;

    resources(&b);
    CHECK(a->nr_domains == b.nr_domains && a->evtchn_ports == b.evtchn_ports &&
          a->evtchn_buckets == b.evtchn_buckets && a->grant_entries == b.grant_entries &&
          a->grant_frames == b.grant_frames && a->maptrack_entries == b.maptrack_entries &&
          a->maptrack_frames == b.maptrack_frames && a->free_pages == b.free_pages,
          "%s: domains %u -> %u, ports %u -> %u, buckets %u -> %u, grant entries %u -> %u, "
          "grant frames %u -> %u, maptrack %u/%u -> %u/%u, free pages %llu -> %llu", what,
          a->nr_domains, b.nr_domains, a->evtchn_ports, b.evtchn_ports, a->evtchn_buckets,
          b.evtchn_buckets, a->grant_entries, b.grant_entries, a->grant_frames,
          b.grant_frames, a->maptrack_entries, a->maptrack_frames, b.maptrack_entries,
          b.maptrack_frames, (unsigned long long)a->free_pages,
          (unsigned long long)b.free_pages);
}

/* A domain that holds something: a vCPU, 8 pages, two unbound ports. */
static long make_domain(domid_t *id)
{
    static uint32_t mfns[8];
    struct evtchn_alloc_unbound au;
    long rc = ctl_create(0, id);

    if (rc)
        return rc;
    RC(ctl_max_vcpus(*id, 1), 0, "max_vcpus of d%u", *id);
    RC(ctl_max_mem_kb(*id, 64), 0, "max_mem of d%u", *id);
    RC(ctl_populate(*id, mfns, 8), 8, "populate d%u", *id);
    for (int k = 0; k < 2; k++) {
        au = (struct evtchn_alloc_unbound){ .dom = *id, .remote_dom = 0 };
        RC(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0,
                 "a port in d%u", *id);
    }
    return 0;
}

static void destroy(domid_t id)
{
    RC(ctl_destroy(id, NULL), 0, "destroy d%u", id);
}

/* Create until refused; returns how many were made, ids in given[]. */
static unsigned int fill(domid_t *given, unsigned int max, unsigned int round)
{
    struct mica_sysctl_resources before;
    unsigned int n = 0;
    domid_t id;
    long rc;

    for (;;) {
        resources(&before);
        rc = make_domain(&id);
        if (rc)
            break;
        CHECK(n < max, "round %u: domain %u created (d%u): more than max_domid=%u", round,
              n + 1, id, max);
        CHECK(id >= 1 && id <= max, "round %u: given id d%u outside 1..%u", round, id, max);
        for (unsigned int k = 0; k < n; k++)
            CHECK(given[k] != id, "round %u: d%u given twice", round, id);
        given[n++] = id;
    }
    RC(rc, -XEN_ENOMEM, "round %u: createdomain with every id taken", round);
    CHECK(n == max, "round %u: %u domains before the ids ran out, max_domid=%u", round, n,
          max);
    same_resources(&before, "the refused createdomain");
    return n;
}

void test_main(void)
{
    const char *cl = (const char *)start_info->cmd_line, *v;
    unsigned int max = (v = cmdline_value(cl, "max")) ? parse_ulong(&v) : 8;
    unsigned int rounds = (v = cmdline_value(cl, "rounds")) ? parse_ulong(&v) : 3;
    static domid_t given[MAX_IDS];
    struct mica_sysctl_resources before;
    domid_t id;

    CHECK(max >= 4 && max <= MAX_IDS, "max=%u: 4..%u", max, MAX_IDS);
    resources(&res0);
    /* an id above the limit is refused, even while ids are free */
    RC(ctl_create(max + 1, NULL), -XEN_EINVAL, "createdomain d%u (max_domid=%u)",
             max + 1, max);
    RC(ctl_create(0x7fef, NULL), -XEN_EINVAL, "createdomain d32751 (max_domid=%u)",
             max);
    same_resources(&res0, "the refused ids");

    for (unsigned int r = 0; r < rounds; r++) {
        unsigned int n = fill(given, max, r);

        /* every way of asking is refused cleanly while all are taken */
        resources(&before);
        RC(ctl_create(given[0], NULL), -XEN_EINVAL, "a taken id");
        RC(ctl_create(max + 1, NULL), -XEN_EINVAL, "an id above max_domid");
        RC(ctl_create(DOMID_SELF, NULL), -XEN_ENOMEM, "DOMID_SELF (any id)");
        RC(ctl_create(0x7ff0, NULL), -XEN_ENOMEM, "a reserved id (any id)");
        same_resources(&before, "the refused createdomains");

        /* one id back: the next domain gets exactly it */
        domid_t back = given[(r * 3 + 1) % n];
        destroy(back);
        RC(make_domain(&id), 0, "round %u: create after destroying d%u", r, back);
        CHECK(id == back, "round %u: d%u freed, d%u given", r, back, id);
        RC(ctl_create(0, NULL), -XEN_ENOMEM, "round %u: full again", r);

        /* three back, asked for by id this time for one of them */
        destroy(given[0]);
        destroy(given[n - 1]);
        destroy(given[n / 2]);
        RC(ctl_create(given[n / 2], NULL), 0, "round %u: d%u by its id", r, given[n / 2]);
        RC(make_domain(&id), 0, "round %u: the second of three", r);
        CHECK(id == given[0] || id == given[n - 1], "round %u: given d%u", r, id);
        RC(make_domain(&id), 0, "round %u: the third of three", r);
        CHECK(id == given[0] || id == given[n - 1], "round %u: given d%u", r, id);
        RC(ctl_create(0, NULL), -XEN_ENOMEM, "round %u: full once more", r);

        for (unsigned int k = 0; k < n; k++)
            destroy(given[k]);
        same_resources(&res0, "all destroyed");
        printf("ctl-domids: round %u: %u domains, then -ENOMEM; ids reused; all back\n", r, n);
    }
    printf("ctl-domids: %u rounds of max_domid=%u: ids ran out cleanly\n", rounds, max);
    test_success();
}
