/*
 * alloc-fail: the hypervisor with injected allocation failures
 * (fail_alloc=N[,every], docs/reliability.md), driven by a privileged
 * guest through the paths that allocate: domain creation (the domain,
 * its vCPUs, event channels, grant table, shared info), vCPU limits,
 * populating memory for another domain, destroying it.
 *
 * Each round creates a domain, gives it vCPUs and memory and destroys it.
 * Any step may fail with -ENOMEM (an injected failure) -- and only with
 * -ENOMEM; whatever happens, the domain must then go away completely: free
 * memory is back to the page after every round (the auditor checks every
 * frame at each teardown, mm_audit).  At the end some steps must have
 * failed (the injection happened) and some rounds must have got through,
 * and this domain must still work (it does, since it reports).
 */
#include <test.h>
#include <ctl.h>

static unsigned int ok, enomem;

static bool step(long rc, const char *what, unsigned int round)
{
    if (rc >= 0) {
        ok++;
        return true;
    }
    if (rc == -XEN_ENOMEM) {
        enomem++;
        return false;
    }
    test_fail("round %u: %s: %ld (only -ENOMEM may be injected)", round, what, rc);
    return false;
}

void test_main(void)
{
    const char *cl = (const char *)start_info->cmd_line, *v;
    unsigned int rounds = (v = cmdline_value(cl, "rounds")) ? parse_ulong(&v) : 40;
    static uint32_t mfns[16];
    uint64_t free0 = ctl_free_pages();
    unsigned int full = 0;

    for (unsigned int r = 0; r < rounds; r++) {
        domid_t id;
        long rc = ctl_create(0, &id);

        if (!step(rc, "createdomain", r))
            continue;
        bool all = step(ctl_max_vcpus(id, 2), "max_vcpus", r) &&
                   step(ctl_max_mem_kb(id, 1024), "max_mem", r);
        if (all) {
            long n = ctl_populate(id, mfns, 16);
            if (step(n, "populate_physmap", r) && n < 16)
                /* stopped early: the failure is reported as a shorter count */
                enomem++;
            all = n == 16;
        }
        unsigned int calls;
        rc = ctl_destroy(id, &calls);
        CHECK(rc == 0, "round %u: destroying d%u: %ld", r, id, rc);
        uint64_t now = ctl_free_pages();
        CHECK(now == free0, "round %u: %llu pages free after destroying d%u, %llu before",
              r, (unsigned long long)now, id, (unsigned long long)free0);
        full += all;
    }
    printf("alloc-fail: %u rounds, %u complete; %u steps done, %u refused with -ENOMEM\n",
           rounds, full, ok, enomem);
    CHECK(enomem > 0, "no step failed: the injection did not happen");
    CHECK(full > 0, "no round got through");
    test_success();
}
