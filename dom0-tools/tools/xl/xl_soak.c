/*
 * soak-xl, failsweep-xl and scale-xl: the toolstack's life-cycle soak, the
 * sweep of injected allocation failures over domain creation, and 128
 * domains at once, as commands of Dom0's shell (docs/reliability.md).
 *
 *   soak-xl [-n CYCLES] [-s SEED]
 *
 * CYCLES create/destroy cycles (default 100) through xl's own command
 * layer (`xl create -q /etc/xl/hello.cfg name=... memory=4 extra=...`,
 * `xl destroy`), each drawn from SEED (xorshift64*): a guest destroyed
 * while it boots or runs, or one that powers off, crashes or is shut down
 * by the toolstack (SCHEDOP_remote_shutdown) after a random delay -- with
 * its on_* action (destroy) and, half the time, an `xl destroy` racing
 * that action: the destroy may come before the guest's own shutdown,
 * between it and the VIRQ_DOM_EXC it raises, or after the toolstack has
 * already destroyed it.  Every cycle ends only when the domain is gone
 * from the hypervisor and from the toolstack's table.  Every 100 cycles
 * and at the end, the hypervisor's counters (sysctl resources: domains,
 * event-channel ports and buckets, grant entries offered and pinned,
 * maptrack entries, grant frames, free pages) must be back to their
 * values at the start, and at the end so must Dom0's own heap (objects
 * and bytes) and frames (free + the heap's); the session around it checks xenstored's
 * nodes the same way.
 *
 *   failsweep-xl [-m MAX]
 *
 * Needs a hypervisor booted with fail_alloc=ctl.  For N = 1, 2, ...: arm
 * the hypervisor's injector so heap allocation N from now fails, `xl
 * create` a guest, disarm.  The create either fails -- with a message,
 * exit status 3 or 5, no domain left -- or succeeds (the failure came
 * after the build, in something that retries or may fail, which the guest
 * then saw); the guest is destroyed.  After every N all the counters above
 * must equal their starting values (the hypervisor's auditor checks the
 * frame table at each teardown, boot option mm_audit).  The sweep ends at
 * the first N that creation never reaches: every allocation of a
 * domain's creation has then failed once.  Three sweeps: each allocation
 * alone (every 0), each and all after it (every 1), each and every 37th
 * after it (the fallback paths' allocations too).
 *
 * The last line of each is a verdict, "soak-xl: PASS ..." or
 * "soak-xl: FAIL ...", and the exit status 0 or 1.
 */
#include "xl.h"
#include "toolstack.h"
#include "hv.h"
#include "os_loop.h"
#include "os_time.h"
#include "os_system.h"
#include "os_files.h"
#include "../../lib/ctrl/ctrl.h"
#include <public/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

static uint64_t rng;

static uint32_t rnd(uint32_t n)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return n ? (uint32_t)((rng * 2685821657736338717ull) >> 32) % n : 0;
}

static bool never(void *arg)
{
    (void)arg;
    return false;
}

/* Let Dom0's main loop (the toolstack's death handler, the backends) run
 * for about us microseconds. */
static void run_loop(unsigned int us)
{
    os_loop_run_until(never, NULL, os_now_ns() + (uint64_t)us * 1000);
}

struct gone_arg {
    uint16_t domid;
};

static bool is_gone(void *p)
{
    const struct gone_arg *g = p;
    struct hv_dominfo info;

    return !ts_find(g->domid) && hv_domain_info(g->domid, &info) == -ESRCH;
}

static int xl(const char *a0, const char *a1, const char *a2, const char *a3,
              const char *a4, const char *a5, const char *a6)
{
    char *argv[8] = { "xl", (char *)a0, (char *)a1, (char *)a2, (char *)a3, (char *)a4,
                      (char *)a5, (char *)a6 };
    int argc = 1;

    while (argc < 8 && argv[argc])
        argc++;
    return xl_main(argc, argv);
}

/*
 * Everything back where it was.  The one thing that may have grown is a
 * live domain's maptrack: its pages are a high-water mark kept until the
 * domain dies (as in Xen) -- Dom0's grows by a page per ~100 rings it maps
 * at once (128 domains: 3 pages) -- so the free pages are compared with
 * the maptrack pages counted in.
 */
static bool res_equal(const struct hv_resources *a, const struct hv_resources *b)
{
    return a->nr_domains == b->nr_domains && a->evtchn_ports == b->evtchn_ports &&
           a->evtchn_buckets == b->evtchn_buckets && a->grant_entries == b->grant_entries &&
           a->grant_pins == b->grant_pins && a->maptrack_entries == b->maptrack_entries &&
           a->grant_frames == b->grant_frames &&
           a->free_pages + a->maptrack_frames == b->free_pages + b->maptrack_frames;
}

static void res_print(const char *who, const char *what, const struct hv_resources *r)
{
    printf("%s: %s: domains %u, evtchn ports %u (buckets %u), grant entries %u, pins %u, "
           "maptrack %u (%u pages), grant frames %u, free pages %llu\n", who, what,
           r->nr_domains, r->evtchn_ports, r->evtchn_buckets, r->grant_entries, r->grant_pins,
           r->maptrack_entries, r->maptrack_frames, r->grant_frames,
           (unsigned long long)r->free_pages);
}

/* Counters now equal to start?  Printed both ways when not. */
static bool res_check(const char *who, const char *when, const struct hv_resources *start)
{
    struct hv_resources now;
    int rc = hv_resources(&now);

    if (rc) {
        printf("%s: FAIL: cannot read the hypervisor's counters: %s\n", who, strerror(-rc));
        return false;
    }
    if (res_equal(&now, start))
        return true;
    printf("%s: FAIL: the hypervisor's counters differ %s\n", who, when);
    res_print(who, "at the start", start);
    res_print(who, "now", &now);
    return false;
}

enum how { H_DESTROY, H_POWEROFF, H_CRASH, H_WATCHDOG, H_REMOTE, H_PAUSED, H_KINDS };
static const char *const how_name[H_KINDS] = {
    "destroyed", "poweroff", "crash", "watchdog", "remote-shutdown", "paused",
};

/* One cycle; false (after saying why) if it went wrong. */
static bool cycle(unsigned int i, unsigned int *kinds, unsigned int *raced)
{
    enum how how = (enum how)rnd(H_KINDS);
    char name[32], extra[96];
    uint16_t domid;
    bool race = rnd(2);
    int rc;

    kinds[how]++;
    snprintf(name, sizeof(name), "name=soak%u", i);
    switch (how) {
    case H_POWEROFF: case H_CRASH: case H_WATCHDOG:
        snprintf(extra, sizeof(extra), "extra=name=soak%u exit=%s after=%u", i,
                 how == H_POWEROFF ? "poweroff" : how == H_CRASH ? "crash" : "watchdog",
                 rnd(4) ? rnd(20) : rnd(200));
        break;
    default:
        snprintf(extra, sizeof(extra), "extra=name=soak%u", i);
    }
    rc = how == H_PAUSED ? xl("create", "-q", "-p", "/etc/xl/hello.cfg", name,
                              "memory=4", extra)
                         : xl("create", "-q", "/etc/xl/hello.cfg", name, "memory=4",
                              "on_crash=destroy", extra);
    if (rc) {
        printf("soak-xl: FAIL: cycle %u: xl create exited %d\n", i, rc);
        return false;
    }
    if (ts_lookup(name + 5, &domid)) {
        printf("soak-xl: FAIL: cycle %u: soak%u not in the toolstack's table\n", i, i);
        return false;
    }
    /* a delay: 0, a few hundred microseconds, or up to 30 ms */
    switch (rnd(3)) {
    case 0: break;
    case 1: run_loop(rnd(500)); break;
    default: run_loop(rnd(30000));
    }
    if (how == H_REMOTE) {
        static const unsigned int reasons[] = { SHUTDOWN_poweroff, SHUTDOWN_crash,
                                                SHUTDOWN_reboot, SHUTDOWN_watchdog };
        unsigned int r = reasons[rnd(4)];
        /* reboot's action is restart: the racing destroy, not the
         * toolstack, ends this one (on_reboot=destroy is not set) */
        if (r == SHUTDOWN_reboot)
            race = true;
        rc = hv_domain_shutdown(domid, r);
        if (rc && rc != -ESRCH) {
            printf("soak-xl: FAIL: cycle %u: remote shutdown of d%u: %s\n", i, domid,
                   strerror(-rc));
            return false;
        }
        if (race && rnd(2))
            run_loop(rnd(300));
    }
    if (how == H_DESTROY || how == H_PAUSED || race) {
        char id[8];
        snprintf(id, sizeof(id), "%u", domid);
        /* by id: the toolstack may have destroyed and (reboot) rebuilt
         * it meanwhile, under the same name */
        rc = xl("destroy", id, NULL, NULL, NULL, NULL, NULL);
        if (rc && rc != XL_EXIT_USAGE) {        /* 2: it was gone already */
            printf("soak-xl: FAIL: cycle %u: xl destroy %u exited %d\n", i, domid, rc);
            return false;
        }
        if (how != H_DESTROY && how != H_PAUSED)
            (*raced)++;
    }
    struct gone_arg g = { domid };
    if (!os_loop_run_until(is_gone, &g, os_now_ns() + 20 * OS_NS_PER_S)) {
        printf("soak-xl: FAIL: cycle %u: d%u (%s) is still there 20 s later\n", i, domid,
               how_name[how]);
        return false;
    }
    /* a reboot the toolstack saw before our destroy restarts it: a new
     * domain of the same name, which goes too */
    if (!ts_lookup(name + 5, &domid)) {
        char id[8];
        snprintf(id, sizeof(id), "%u", domid);
        xl("destroy", id, NULL, NULL, NULL, NULL, NULL);
        g.domid = domid;
        if (!os_loop_run_until(is_gone, &g, os_now_ns() + 20 * OS_NS_PER_S)) {
            printf("soak-xl: FAIL: cycle %u: restarted d%u is still there\n", i, domid);
            return false;
        }
    }
    return true;
}

static int parse_opt(int argc, char **argv, const char *opts, unsigned long *vals)
{
    for (int k = 1; k < argc; k++) {
        const char *o = argv[k];
        const char *p = o[0] == '-' && o[1] ? strchr(opts, o[1]) : NULL;
        char *end;
        if (!p || o[2] || k + 1 >= argc) {
            printf("usage: %s [-%c N]...\n", argv[0], opts[0]);
            return -1;
        }
        vals[p - opts] = strtoul(argv[++k], &end, 0);
        if (*end || !*argv[k]) {
            printf("%s: bad number '%s'\n", argv[0], argv[k]);
            return -1;
        }
    }
    return 0;
}

int xl_cmd_soak(int argc, char **argv)
{
    unsigned long v[2] = { 100, 1 };
    unsigned int kinds[H_KINDS] = { 0 }, raced = 0, i;
    struct hv_resources start;
    struct os_meminfo mi0, mi;
    uint64_t t0 = os_now_ns();
    bool ok = true;
    int rc;

    if (parse_opt(argc, argv, "ns", v))
        return XL_EXIT_USAGE;
    rng = v[1] * 0x9e3779b97f4a7c15ull + 1;
    /* what the toolstack's handler does at each death goes on the console
     * too: settle what is pending before measuring */
    run_loop(1000);
    if ((rc = hv_resources(&start))) {
        printf("soak-xl: FAIL: cannot read the hypervisor's counters: %s\n", strerror(-rc));
        return XL_EXIT_FAIL;
    }
    res_print("soak-xl", "start", &start);
    os_meminfo(&mi0);
    for (i = 0; ok && i < v[0]; i++) {
        ok = cycle(i, kinds, &raced);
        if (ok && (i + 1) % 100 == 0) {
            char when[48];
            snprintf(when, sizeof(when), "after %u cycles", i + 1);
            ok = res_check("soak-xl", when, &start);
            printf("soak-xl: %u cycles, %llu ms\n", i + 1,
                   (unsigned long long)((os_now_ns() - t0) / 1000000));
        }
    }
    ok = ok && res_check("soak-xl", "at the end", &start);
    os_meminfo(&mi);
    /* Dom0's heap keeps the pages it grew to (a high-water mark, not a
     * leak): its frames and the free ones together must be as before */
    if (ok && (mi.heap_objects != mi0.heap_objects || mi.heap_bytes != mi0.heap_bytes ||
               mi.free_pages + mi.heap_pages != mi0.free_pages + mi0.heap_pages ||
               mi.kernel_pages != mi0.kernel_pages)) {
        printf("soak-xl: FAIL: Dom0's heap: %u objects, %llu bytes, %u free pages (kernel %u, "
               "heap %u) at the start; %u, %llu, %u (%u, %u) now\n", mi0.heap_objects,
               (unsigned long long)mi0.heap_bytes, mi0.free_pages, mi0.kernel_pages,
               mi0.heap_pages, mi.heap_objects, (unsigned long long)mi.heap_bytes,
               mi.free_pages, mi.kernel_pages, mi.heap_pages);
        ok = false;
    }
    printf("soak-xl: cycles %u:", i);
    for (unsigned int k = 0; k < H_KINDS; k++)
        printf(" %s %u", how_name[k], kinds[k]);
    printf("; destroys racing a death %u; %llu ms\n", raced,
           (unsigned long long)((os_now_ns() - t0) / 1000000));
    printf("soak-xl: %s (seed %lu, %u cycles)\n", ok ? "PASS" : "FAIL", v[1], i);
    return ok ? 0 : XL_EXIT_FAIL;
}

/*
 * One sweep: N = 1, 2, ... with the injector armed at (N, every) for each
 * create.  every 0 fails just allocation N: each allocation of the path
 * where all others succeed fails once.  every 1 fails N and everything
 * after it: no retry or fallback can succeed.  A larger every also fails
 * allocations that only the fallback paths make (the builder's 4 KiB
 * pages after a 2 MiB extent was refused).
 */
static bool sweep(unsigned long every, unsigned long max, const struct hv_resources *start)
{
    struct hv_resources r;
    unsigned int failed = 0, tolerated = 0;
    unsigned long n;
    bool ok = true, done = false;
    int rc;

    for (n = 1; ok && !done && n <= max; n++) {
        uint16_t domid;
        bool exists;

        hv_fail_alloc(n, every);
        rc = xl("create", "-q", "/etc/xl/hello.cfg", "name=sweep", "memory=4",
                NULL, NULL);
        hv_resources(&r);                       /* what the injector did */
        hv_fail_alloc(0, 0);
        exists = !ts_lookup("sweep", &domid);
        if (rc == 0 && r.alloc_injected == 0) {
            done = true;                        /* creation never reached N */
        } else if (rc == 0) {
            tolerated++;
        } else if (rc != XL_EXIT_CREATE && rc != XL_EXIT_NOMEM) {
            printf("failsweep-xl: FAIL: N=%lu every=%lu: xl create exited %d\n", n, every, rc);
            ok = false;
        } else if (exists) {
            printf("failsweep-xl: FAIL: N=%lu every=%lu: the create failed but d%u is left\n",
                   n, every, domid);
            ok = false;
        } else {
            failed++;
        }
        if (exists)
            xl("destroy", "sweep", NULL, NULL, NULL, NULL, NULL);
        run_loop(2000);
        if (ok) {
            char when[48];
            snprintf(when, sizeof(when), "after N=%lu every=%lu", n, every);
            ok = res_check("failsweep-xl", when, start);
        }
    }
    if (ok && !done) {
        printf("failsweep-xl: FAIL: every=%lu: creation still allocates at N=%lu\n", every, max);
        ok = false;
    }
    printf("failsweep-xl: every=%lu: %lu allocations swept: %u creates failed cleanly, %u "
           "succeeded with an allocation failed\n", every, n - 2, failed, tolerated);
    return ok;
}

int xl_cmd_failsweep(int argc, char **argv)
{
    static const unsigned long everies[] = { 0, 1, 37 };
    unsigned long v[1] = { 400 };
    struct hv_resources start;
    bool ok = true;
    int rc;

    if (parse_opt(argc, argv, "m", v))
        return XL_EXIT_USAGE;
    run_loop(1000);
    if ((rc = hv_resources(&start))) {
        printf("failsweep-xl: FAIL: cannot read the hypervisor's counters: %s\n",
               strerror(-rc));
        return XL_EXIT_FAIL;
    }
    if ((rc = hv_fail_alloc(0, 0))) {
        printf("failsweep-xl: FAIL: cannot control the failure injector: %s "
               "(boot with fail_alloc=ctl)\n", strerror(-rc));
        return XL_EXIT_FAIL;
    }
    res_print("failsweep-xl", "start", &start);
    for (unsigned int k = 0; ok && k < sizeof(everies) / sizeof(everies[0]); k++)
        ok = sweep(everies[k], v[0], &start);
    printf("failsweep-xl: %s\n", ok ? "PASS" : "FAIL");
    return ok ? 0 : XL_EXIT_FAIL;
}

/*
 * scale-xl [-n DOMAINS] [-w WINDOW_MS]
 *
 * DOMAINS CPU-bound guests (/etc/xl/tests/spin.cfg, 4 MiB each) created
 * paused through xl, even ones at credit weight 256, odd ones at 512.
 * First two of them run alone for a second, then all of them for the
 * window; each domain's CPU time (getdomaininfo) must have grown, and the
 * 512s' average must be twice the 256s' (+-25 %).  The scheduler's cost,
 * from the hypervisor's counters, is printed for both phases: ns spent in
 * schedule() per call and per switch (under QEMU -icount shift=N, 2^N ns
 * per instruction).  Then the limits, each of which must fail cleanly:
 * a domain bigger than free memory, built past xl's own check (the
 * builder's populate fails, the half-built domain goes); a domain's
 * event channels, allocated by Dom0 until the hypervisor says -ENOSPC.
 * Everything is destroyed and the hypervisor's counters must be back.
 */
struct cputimes {
    uint64_t ns[256];
};

static bool cpu_times(unsigned int n, const uint16_t *ids, struct cputimes *t)
{
    for (unsigned int i = 0; i < n; i++) {
        struct hv_dominfo info;
        if (hv_domain_info(ids[i], &info)) {
            printf("scale-xl: FAIL: d%u has gone\n", ids[i]);
            return false;
        }
        t->ns[i] = info.cpu_time_ns;
    }
    return true;
}

static void sched_report(const char *phase, const struct hv_resources *a,
                         const struct hv_resources *b)
{
    uint64_t calls = b->sched_calls - a->sched_calls;
    uint64_t sw = b->sched_switches - a->sched_switches, ns = b->sched_ns - a->sched_ns;

    printf("scale-xl: %s: %llu schedule() calls, %llu switches, %llu ns in schedule(): "
           "%llu ns per call, %llu per switch\n", phase, (unsigned long long)calls,
           (unsigned long long)sw, (unsigned long long)ns,
           (unsigned long long)(calls ? ns / calls : 0), (unsigned long long)(sw ? ns / sw : 0));
}

int xl_cmd_scale(int argc, char **argv)
{
    static uint16_t ids[256];
    static struct cputimes t0, t1;
    unsigned long v[2] = { 128, 6000 };
    struct hv_resources start, a, b;
    unsigned int n = 0, slow = 0;
    uint64_t sum[2] = { 0, 0 }, mn = ~0ull, mx = 0;
    bool ok = true;
    int rc;

    if (parse_opt(argc, argv, "nw", v))
        return XL_EXIT_USAGE;
    if (v[0] < 4 || v[0] > 256) {
        printf("scale-xl: -n: 4 to 256 domains\n");
        return XL_EXIT_USAGE;
    }
    run_loop(1000);
    if ((rc = hv_resources(&start))) {
        printf("scale-xl: FAIL: cannot read the hypervisor's counters: %s\n", strerror(-rc));
        return XL_EXIT_FAIL;
    }
    res_print("scale-xl", "start", &start);
    uint64_t tc = os_now_ns();
    for (; n < v[0]; n++) {
        char name[24], weight[24];
        snprintf(name, sizeof(name), "name=s%u", n);
        snprintf(weight, sizeof(weight), "cpu_weight=%u", n % 2 ? 512 : 256);
        if ((rc = xl("create", "-q", "-p", "/etc/xl/tests/spin.cfg", name, weight, NULL)) ||
            ts_lookup(name + 5, &ids[n])) {
            printf("scale-xl: FAIL: creating domain %u: exit %d\n", n, rc);
            ok = false;
            break;
        }
    }
    if (ok) {
        hv_resources(&a);
        printf("scale-xl: %u domains created (paused) in %llu ms: %u domains, %u evtchn ports, "
               "%u grant entries, %llu pages free\n", n,
               (unsigned long long)((os_now_ns() - tc) / 1000000), a.nr_domains,
               a.evtchn_ports, a.grant_entries, (unsigned long long)a.free_pages);
        /* two alone, then everybody */
        hv_domain_unpause(ids[0]);
        hv_domain_unpause(ids[1]);
        run_loop(200000);
        hv_resources(&a);
        run_loop(1000000);
        hv_resources(&b);
        sched_report("2 domains", &a, &b);
        for (unsigned int i = 2; i < n; i++)
            hv_domain_unpause(ids[i]);
        run_loop(500000);
        ok = cpu_times(n, ids, &t0);
        hv_resources(&a);
        run_loop((unsigned int)v[1] * 1000);
        hv_resources(&b);
        ok = ok && cpu_times(n, ids, &t1);
        sched_report("all domains", &a, &b);
    }
    for (unsigned int i = 0; ok && i < n; i++) {
        uint64_t d = t1.ns[i] - t0.ns[i];
        sum[i % 2] += d;
        mn = d < mn ? d : mn;
        mx = d > mx ? d : mx;
        if (d == 0) {
            printf("scale-xl: FAIL: d%u (s%u) made no progress in %lu ms\n", ids[i], i, v[1]);
            slow++;
        }
    }
    if (ok) {
        uint64_t light = sum[0] / ((n + 1) / 2), heavy = sum[1] / (n / 2);
        unsigned long ratio = light ? (unsigned long)(heavy * 100 / light) : 0;
        printf("scale-xl: %u domains for %lu ms: CPU ms per domain min %llu max %llu; weight "
               "256 average %llu ms, weight 512 average %llu ms: ratio %lu.%02lu (expected 2)\n",
               n, v[1], (unsigned long long)(mn / 1000000), (unsigned long long)(mx / 1000000),
               (unsigned long long)(light / 1000000), (unsigned long long)(heavy / 1000000),
               ratio / 100, ratio % 100);
        if (slow)
            ok = false;
        if (ratio < 150 || ratio > 250) {
            printf("scale-xl: FAIL: the shares do not follow the weights\n");
            ok = false;
        }
    }

    /* The spinners are paused again: at weight 256 among 128 of them Dom0
     * has 0.5 % of the CPU, which is the weights working, but would make
     * the builder's populate of all free memory take minutes. */
    for (unsigned int i = 0; i < n; i++)
        hv_domain_pause(ids[i]);

    /* Out of memory past xl's check: the builder fails, nothing is left. */
    if (ok) {
        struct hv_resources before, after;
        struct hv_build bd = { 0 };
        const void *kernel;
        size_t klen;
        char err[160];

        hv_resources(&before);
        if (os_file_load("/boot/spin.elf", &kernel, &klen)) {
            printf("scale-xl: FAIL: no /boot/spin.elf\n");
            ok = false;
        } else {
            bd.name = "too-big";
            bd.memory_kb = bd.maxmem_kb = (uint32_t)(before.free_pages + 256) * 4;
            bd.max_vcpus = 1;
            bd.kernel = kernel;
            bd.kernel_len = klen;
            bd.cmdline = "role=burn";
            rc = hv_domain_build(&bd, err, sizeof(err));
            os_file_unload(kernel);
            hv_resources(&after);
            printf("scale-xl: a %u KiB domain with %llu pages free: %s (%s)\n", bd.memory_kb,
                   (unsigned long long)before.free_pages, rc ? strerror(-rc) : "built",
                   rc ? err : "");
            if (rc != -ENOMEM || !res_equal(&before, &after)) {
                printf("scale-xl: FAIL: out of memory did not fail cleanly\n");
                res_print("scale-xl", "before", &before);
                res_print("scale-xl", "after", &after);
                if (!rc)
                    hv_domain_destroy(bd.domid);
                ok = false;
            }
        }
    }
    /* Out of event channels: Dom0 allocates s0's ports until refused. */
    if (ok) {
        uint32_t port;
        unsigned int got = 0;
        while ((rc = ctrl_evtchn_alloc_unbound(ids[0], 0, &port)) == 0 && got < 200000)
            got++;
        printf("scale-xl: d%u's event channels: %u more allocated, then %s\n", ids[0], got,
               strerror(-rc));
        if (rc != -ENOSPC) {
            printf("scale-xl: FAIL: running out of event channels did not say -ENOSPC\n");
            ok = false;
        }
    }

    for (unsigned int i = 0; i < n; i++)
        if (ts_destroy(ids[i])) {
            printf("scale-xl: FAIL: destroying d%u\n", ids[i]);
            ok = false;
        }
    run_loop(2000);
    ok = res_check("scale-xl", "after destroying them all", &start) && ok;
    printf("scale-xl: %s (%u domains)\n", ok ? "PASS" : "FAIL", n);
    return ok ? 0 : XL_EXIT_FAIL;
}
