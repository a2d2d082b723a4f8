/*
 * bench-xl: figures of the toolstack as a person meets it, measured in
 * Dom0 with the cycle counter (os_cycles(): under QEMU -icount shift=0 an
 * exact count of the instructions the whole machine executed).
 * scripts/bench.py boots Dom0 with the script /etc/dom0/bench.sh, which
 * runs this and powers off.
 *
 *   xl.create_first_output_4m   from the start of `xl create` (the
 *                               toolstack's create: configuration checked,
 *                               kernel loaded from the ramfs, domain built,
 *                               console connected, unpaused) to the first
 *                               byte of the guest's output reaching Dom0's
 *                               console backend
 *   xl.list_64                  `xl list` with 64 running domains besides
 *                               Dom0 (its table printed on the console:
 *                               what a person waits for)
 *
 * Then every domain is destroyed and the host's free pages must be what
 * they were; the last line is a test verdict, as the benchmark guests'.
 */
#include "xl.h"
#include "toolstack.h"
#include "domcfg.h"
#include "hv.h"
#include "../console/consoled.h"
#include "os_loop.h"
#include "os_time.h"
#include <stdio.h>
#include <string.h>

#define BENCH_DOMAINS 64

static const char bench_cfg[] =
    "name = 'bench'\n"
    "kernel = '/boot/pvconsole.elf'\n"
    "memory = 4\n"
    "extra = 'name=bench'\n";

static bool has_output(void *arg)
{
    struct consoled_stats st;

    return !consoled_stats(*(const uint16_t *)arg, &st) && st.out_bytes > 0;
}

static int create(const char *name, uint16_t *domid)
{
    char override[64], *ov[1] = { override };
    struct domain_config dc;
    int rc;

    snprintf(override, sizeof(override), "name=%s", name);
    if (domcfg_parse("bench-xl", bench_cfg, sizeof(bench_cfg) - 1, ov, 1, &dc))
        return -1;
    rc = ts_create(&dc, false, true, domid);
    domcfg_free(&dc);
    return rc;
}

static void report(const char *name, uint64_t v)
{
    printf("BENCH %s %llu.00\n", name, (unsigned long long)v);
}

int xl_cmd_bench(int argc, char **argv)
{
    static uint16_t ids[BENCH_DOMAINS];
    struct hv_resources before, after;
    char *list_argv[] = { "xl", "list", NULL };
    uint16_t domid;
    uint64_t t0;
    unsigned int n = 0;
    bool ok = true;

    (void)argc;
    (void)argv;
    if (hv_resources(&before)) {
        printf("Test result: ERROR (resources)\n");
        return XL_EXIT_FAIL;
    }

    t0 = os_cycles();
    if (create("first", &domid) ||
        !os_loop_run_until(has_output, &domid, os_now_ns() + 10 * OS_NS_PER_S)) {
        printf("bench-xl: the first guest did not print within 10 s\n");
        ok = false;
    } else {
        report("xl.create_first_output_4m", os_cycles() - t0);
    }
    ts_destroy(domid);

    for (; ok && n < BENCH_DOMAINS; n++) {
        char name[16];
        snprintf(name, sizeof(name), "b%u", n);
        if (create(name, &ids[n])) {
            printf("bench-xl: creating domain %u failed\n", n);
            ok = false;
            break;
        }
    }
    if (ok) {
        t0 = os_cycles();
        int rc = xl_main(2, list_argv);
        report("xl.list_64", os_cycles() - t0);
        ok = rc == 0;
    }
    for (unsigned int i = 0; i < n; i++)
        ok &= ts_destroy(ids[i]) == 0;
    /* Every page back -- counting Dom0's maptrack pages in: 64 guests'
     * rings mapped at once may grow Dom0's maptrack, whose pages are kept
     * until Dom0 dies (as in Xen; xl_soak.c's res_equal() says more). */
    if (hv_resources(&after) ||
        after.free_pages + after.maptrack_frames != before.free_pages + before.maptrack_frames) {
        printf("bench-xl: free pages %llu before, %llu after; maptrack pages %u before, %u after\n",
               (unsigned long long)before.free_pages, (unsigned long long)after.free_pages,
               before.maptrack_frames, after.maptrack_frames);
        ok = false;
    }
    printf("Test result: %s\n", ok ? "SUCCESS" : "FAILURE");
    return ok ? 0 : XL_EXIT_FAIL;
}
