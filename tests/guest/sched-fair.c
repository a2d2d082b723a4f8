/*
 * sched-fair: two CPU-bound domains share the CPU by weight.
 *
 * d1 (spin role=spin) burns the CPU; so do we, for window_ms of system
 * time (default 900), after warm_ms (default 300): both domains start
 * with credit saturated at the cap, and for the first ~150 ms they simply
 * alternate, until the lighter one has spent its savings -- the steady
 * state is what is measured.  Our runstate says how long
 * we ran and how long we waited runnable -- which is the time d1 ran,
 * since nothing else wants the CPU -- so our share of the CPU is
 * running / (running + runnable).  The expected share, per mille, and the
 * tolerance come from our command line (share=, tol=), the weights from
 * the hypervisor's (d0: 256) and the module line (d1: weight=).  Under
 * -icount the figures are deterministic.  The result is printed as
 *
 *     fairness: d0 ran A ms, d1 ran B ms of W ms: share S per mille
 *               (expected E +- T), ratio d0:d1 = R
 */
#include <test.h>
#include <events.h>

static unsigned long opt(const char *key, unsigned long dflt)
{
    const char *v = cmdline_value((const char *)start_info->cmd_line, key);
    return v ? parse_ulong(&v) : dflt;
}

void test_main(void)
{
    unsigned long want = opt("share", 500), tol = opt("tol", 30);
    uint64_t window = opt("window_ms", 900) * NS_PER_MS, warm = opt("warm_ms", 300) * NS_PER_MS;
    struct vcpu_runstate_info a, b;

    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    spin_ns(warm);
    CHECK_RC(get_runstate(&a), 0, "runstate");
    spin_ns(window);
    CHECK_RC(get_runstate(&b), 0, "runstate");

    uint64_t ran = b.time[RUNSTATE_running] - a.time[RUNSTATE_running];
    uint64_t waited = b.time[RUNSTATE_runnable] - a.time[RUNSTATE_runnable];
    uint64_t total = ran + waited;
    /* Per mille, in microseconds so the divisors fit 32 bits. */
    unsigned int share = (unsigned int)udiv64(udiv64(ran, 1000) * 1000,
                                              (uint32_t)(udiv64(total, 1000) ?: 1));
    unsigned int ratio100 = (unsigned int)udiv64(udiv64(ran, 1000) * 100,
                                                 (uint32_t)(udiv64(waited, 1000) ?: 1));
    printf("fairness: d0 ran %u ms, d1 ran %u ms of %u ms: share %u per mille "
           "(expected %lu +- %lu), ratio d0:d1 = %u.%02u\n",
           (unsigned int)udiv64(ran, NS_PER_MS), (unsigned int)udiv64(waited, NS_PER_MS),
           (unsigned int)udiv64(total, NS_PER_MS), share, want, tol,
           ratio100 / 100, ratio100 % 100);
    CHECK(total > window * 9 / 10, "accounted for %u ms of a %u ms window",
          (unsigned int)udiv64(total, NS_PER_MS), (unsigned int)udiv64(window, NS_PER_MS));
    CHECK(share + tol >= want && share <= want + tol, "share %u per mille, expected %lu +- %lu",
          share, want, tol);
    test_success();
}
