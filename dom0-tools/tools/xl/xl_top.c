/*
 * xl top: xentop's screen, refreshed every few seconds until 'q'.
 *
 * Columns and summary lines are xentop's (fact sheet §7.1); the network
 * and block columns stay 0 until Dom0 has those backends.  CPU(%) is the
 * share of one CPU a domain used since the previous screen (0 on the
 * first), from the hypervisor's per-domain CPU time.  With -b the screen
 * is not cleared (for logs); -i N stops after N screens.
 */
#include "xl.h"
#include "hv.h"
#include "toolstack.h"
#include "os_loop.h"
#include "os_term.h"
#include "os_time.h"
#include <public/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>

#define MAX_TOP 1024

struct prev {
    uint16_t domid;
    uint64_t cpu_ns;
};

static bool quit;

static void top_key(void *arg, const char *buf, size_t n)
{
    (void)arg;
    for (size_t i = 0; i < n; i++)
        if (buf[i] == 'q' || buf[i] == 'Q' || buf[i] == 0x03)
            quit = true;
}

static bool top_quit(void *arg)
{
    (void)arg;
    return quit;
}

/* value * 100 / total with one decimal, as "%*u.%u". */
static void print_pct(uint64_t value, uint64_t total, int width)
{
    uint64_t tenths = total ? (value * 1000 + total / 2) / total : 0;
    char buf[24];

    snprintf(buf, sizeof(buf), "%" PRIu64 ".%u", tenths / 10, (unsigned int)(tenths % 10));
    printf("%*s", width, buf);
}

static void screen(const struct hv_dominfo *info, int n, struct prev *prev, int *nprev,
                   uint64_t elapsed_ns, bool batch)
{
    struct hv_physinfo pi;
    struct hv_version v;
    unsigned int run = 0, blk = 0, pau = 0, cra = 0, dyi = 0, shu = 0;
    uint64_t wall = os_wallclock_s(), used = 0, total;

    memset(&pi, 0, sizeof(pi));
    memset(&v, 0, sizeof(v));
    hv_physinfo(&pi);
    hv_version(&v);
    total = pi.total_pages * 4;
    for (int i = 0; i < n; i++) {
        run += info[i].running;
        blk += info[i].blocked;
        pau += info[i].paused;
        cra += info[i].shutdown && info[i].shutdown_reason == SHUTDOWN_crash;
        dyi += info[i].dying;
        shu += info[i].shutdown && info[i].shutdown_reason != SHUTDOWN_crash;
        used += info[i].tot_pages * 4;
    }
    if (!batch)
        printf("\x1b[H\x1b[2J");
    printf("xentop - %02u:%02u:%02u   Xen %u.%u%s\n", (unsigned int)(wall % 86400 / 3600),
           (unsigned int)(wall % 3600 / 60), (unsigned int)(wall % 60), v.major, v.minor,
           v.extra);
    printf("%d domains: %u running, %u blocked, %u paused, %u crashed, %u dying, %u shutdown \n",
           n, run, blk, pau, cra, dyi, shu);
    printf("Mem: %" PRIu64 "k total, %" PRIu64 "k used, %" PRIu64 "k free    CPUs: %u @ %uMHz\n",
           total, total - pi.free_pages * 4, pi.free_pages * 4, pi.nr_cpus, pi.cpu_khz / 1000);
    printf("%10s %6s %10s %6s %10s %6s %10s %9s %5s %4s %8s %8s %4s %8s %8s %8s %10s %10s %4s\n",
           "NAME", "STATE", "CPU(sec)", "CPU(%)", "MEM(k)", "MEM(%)", "MAXMEM(k)", "MAXMEM(%)",
           "VCPUS", "NETS", "NETTX(k)", "NETRX(k)", "VBDS", "VBD_OO", "VBD_RD", "VBD_WR",
           "VBD_RSECT", "VBD_WSECT", "SSID");
    (void)used;
    for (int i = 0; i < n; i++) {
        const struct hv_dominfo *d = &info[i];
        uint64_t before = d->cpu_time_ns;
        for (int k = 0; k < *nprev; k++)
            if (prev[k].domid == d->domid)
                before = prev[k].cpu_ns;
        printf("%10.10s %c%c%c%c%c%c %10" PRIu64 " ", xl_domain_name(d->domid),
               d->dying ? 'd' : '-', d->shutdown ? 's' : '-', d->blocked ? 'b' : '-',
               d->shutdown && d->shutdown_reason == SHUTDOWN_crash ? 'c' : '-',
               d->paused ? 'p' : '-', d->running ? 'r' : '-',
               (uint64_t)(d->cpu_time_ns / OS_NS_PER_S));
        print_pct(d->cpu_time_ns - before, elapsed_ns, 6);
        printf(" %10" PRIu64 " ", d->tot_pages * 4);
        print_pct(d->tot_pages * 4, total, 6);
        printf(" %10" PRIu64 " ", d->max_pages * 4);
        print_pct(d->max_pages * 4, total, 9);
        printf(" %5u %4u %8u %8u %4u %8u %8u %8u %10u %10u %4u\n", d->nr_online_vcpus,
               0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
    *nprev = 0;
    for (int i = 0; i < n && i < MAX_TOP; i++) {
        prev[i].domid = info[i].domid;
        prev[i].cpu_ns = info[i].cpu_time_ns;
        (*nprev)++;
    }
}

int xl_cmd_top(int argc, char **argv)
{
    struct xl_opts o;
    unsigned long delay = 3, iterations = 0;
    bool batch = false;
    struct hv_dominfo *info = calloc(MAX_TOP, sizeof(*info));
    struct prev *prev = calloc(MAX_TOP, sizeof(*prev));
    int c, nprev = 0, rc = 0;
    uint64_t last = 0;

    xl_opts_init(&o, argc, argv, "d:i:b");
    while ((c = xl_opts_next(&o)) != -1) {
        if (c == 'd') {
            if (xl_parse_uint("top", "the delay", o.arg, 1, 3600, &delay))
                rc = XL_EXIT_USAGE;
        } else if (c == 'i') {
            if (xl_parse_uint("top", "the iterations", o.arg, 1, 1000000, &iterations))
                rc = XL_EXIT_USAGE;
        } else if (c == 'b') {
            batch = true;
        } else {
            rc = xl_usage("top");
        }
    }
    if (!rc && o.nargs)
        rc = xl_usage("top");
    if (!rc && (!info || !prev)) {
        fprintf(stderr, "xl: out of memory\n");
        rc = XL_EXIT_FAIL;
    }
    if (rc) {
        free(info);
        free(prev);
        return rc;
    }
    quit = false;
    os_term_set_raw(top_key, NULL);
    for (unsigned long it = 0; !quit; it++) {
        uint64_t now = os_now_ns();
        int n = hv_domain_list(info, MAX_TOP);
        if (n < 0) {
            fprintf(stderr, "xl top: cannot list the domains\n");
            rc = XL_EXIT_FAIL;
            break;
        }
        screen(info, n, prev, &nprev, last ? now - last : 0, batch);
        last = now;
        if (iterations && it + 1 >= iterations)
            break;
        os_loop_run_until(top_quit, NULL, now + delay * OS_NS_PER_S);
    }
    os_term_set_raw(NULL, NULL);
    free(info);
    free(prev);
    return rc;
}
