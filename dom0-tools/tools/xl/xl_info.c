/*
 * xl info, dmesg and sched-credit.
 *
 * info prints Xen's keys in Xen's order, each left-justified to 23
 * columns; the "host" part describes Mica's Dom0 (there is no uname).
 * Mica adds two keys after free_memory, total_pages and free_pages, the
 * same figures to the page, which is how the tests show that destroying a
 * domain gives back exactly what creating it took.
 */
#include "xl.h"
#include "hv.h"
#include "toolstack.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>

#define SCHED_CREDIT_ID 5

static void kv(const char *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void kv(const char *k, const char *fmt, ...)
{
    va_list ap;

    printf("%-23s: ", k);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
}

int xl_cmd_info(int argc, char **argv)
{
    struct hv_physinfo pi;
    struct hv_resources res;
    struct hv_version *v;
    struct xl_opts o;
    char caps[8 * 9 + 1];
    int c, rc;

    xl_opts_init(&o, argc, argv, "n");
    while ((c = xl_opts_next(&o)) != -1)
        if (c != 'n')
            return xl_usage("info");
    if (o.nargs)
        return xl_usage("info");
    if (!(v = calloc(1, sizeof(*v)))) {
        fprintf(stderr, "xl: out of memory\n");
        return XL_EXIT_FAIL;
    }
    if ((rc = hv_physinfo(&pi)) || (rc = hv_version(v))) {
        fprintf(stderr, "xl info: cannot ask the hypervisor: %s\n", strerror(-rc));
        free(v);
        return XL_EXIT_FAIL;
    }
    for (int i = 0; i < 8; i++)
        snprintf(caps + 9 * i, sizeof(caps) - 9 * (size_t)i, "%08x%s", pi.hw_cap[i],
                 i < 7 ? ":" : "");
    kv("host", "mica-dom0");
    kv("release", "1.0");
    kv("version", "Mica Dom0");
    kv("machine", "i686");
    kv("nr_cpus", "%u", pi.nr_cpus);
    kv("max_cpu_id", "%u", pi.max_cpu_id);
    kv("nr_nodes", "%u", pi.nr_nodes);
    kv("cores_per_socket", "%u", pi.cores_per_socket);
    kv("threads_per_core", "%u", pi.threads_per_core);
    kv("cpu_mhz", "%u", pi.cpu_khz / 1000);
    kv("hw_caps", "%s", caps);
    kv("virt_caps", "%s%s", (pi.capabilities & 1) ? "hvm" : "",
       (pi.capabilities & 2) ? " hvm_directio" : "");
    kv("total_memory", "%" PRIu64, pi.total_pages >> 8);
    kv("free_memory", "%" PRIu64, pi.free_pages >> 8);
    kv("total_pages", "%" PRIu64, pi.total_pages);
    kv("free_pages", "%" PRIu64, pi.free_pages);
    kv("sharing_freed_memory", "0");
    kv("sharing_used_memory", "0");
    kv("free_cpus", "0");
    kv("xen_major", "%u", v->major);
    kv("xen_minor", "%u", v->minor);
    kv("xen_extra", "%s", v->extra);
    kv("xen_caps", "%s", v->capabilities);
    kv("xen_scheduler", "%s", v->sched_id == SCHED_CREDIT_ID ? "credit" : "unknown");
    kv("xen_pagesize", "%lu", v->pagesize);
    kv("platform_params", "virt_start=0x%lx", v->virt_start);
    kv("xen_changeset", "%s", v->changeset);
    kv("xen_commandline", "%s", v->commandline);
    kv("cc_compiler", "%s", v->compiler);
    kv("cc_compile_by", "%s", v->compile_by);
    kv("cc_compile_domain", "%s", v->compile_domain);
    kv("cc_compile_date", "%s", v->compile_date);
    kv("xend_config_format", "4");
    /* Mica's own: what the hypervisor holds for all domains (sysctl
     * resources), what a soak compares before and after */
    if (!hv_resources(&res)) {
        kv("nr_domains", "%u", res.nr_domains);
        kv("evtchn_ports", "%u", res.evtchn_ports);
        kv("evtchn_buckets", "%u", res.evtchn_buckets);
        kv("grant_entries", "%u", res.grant_entries);
        kv("grant_pins", "%u", res.grant_pins);
        kv("maptrack_entries", "%u", res.maptrack_entries);
        kv("grant_frames", "%u", res.grant_frames);
        kv("maptrack_frames", "%u", res.maptrack_frames);
    }
    free(v);
    return 0;
}

int xl_cmd_dmesg(int argc, char **argv)
{
    struct xl_opts o;
    bool clear = false;
    uint32_t index = 0;
    char *buf;
    int c, n;

    xl_opts_init(&o, argc, argv, "c");
    while ((c = xl_opts_next(&o)) != -1) {
        if (c != 'c')
            return xl_usage("dmesg");
        clear = true;
    }
    if (o.nargs)
        return xl_usage("dmesg");
    if (!(buf = malloc(16384))) {
        fprintf(stderr, "xl: out of memory\n");
        return XL_EXIT_FAIL;
    }
    /* Like xl: 16 KiB at a time, incrementally, until nothing is left. */
    while ((n = hv_readconsole(buf, 16384, &index, clear)) > 0)
        fwrite(buf, 1, (size_t)n, stdout);
    free(buf);
    if (n < 0) {
        fprintf(stderr, "xl dmesg: cannot read the hypervisor's console: %s\n", strerror(-n));
        return XL_EXIT_FAIL;
    }
    return 0;
}

static void sched_row(uint16_t domid)
{
    unsigned int w, cap;

    if (hv_sched_credit_get(domid, &w, &cap))
        return;
    printf("%-33s %4u %6u %4u\n", xl_domain_name(domid), domid, w, cap);
}

int xl_cmd_sched_credit(int argc, char **argv)
{
    struct xl_opts o;
    const char *dom = NULL;
    unsigned long weight = 0, cap = 0;
    bool set_w = false, set_c = false;
    uint16_t domid;
    int c, rc;

    xl_opts_init(&o, argc, argv, "d:w:c:p:st:r:");
    while ((c = xl_opts_next(&o)) != -1) {
        switch (c) {
        case 'd':
            dom = o.arg;
            break;
        case 'w':
            if (xl_parse_uint("sched-credit", "the weight", o.arg, 1, 65535, &weight))
                return XL_EXIT_USAGE;
            set_w = true;
            break;
        case 'c':
            if (xl_parse_uint("sched-credit", "the cap", o.arg, 0, 100, &cap))
                return XL_EXIT_USAGE;
            set_c = true;
            break;
        case 'p':
            if (strcmp(o.arg, "Pool-0")) {
                fprintf(stderr, "xl sched-credit: cpupool '%s' does not exist (Pool-0)\n",
                        o.arg);
                return XL_EXIT_USAGE;
            }
            break;
        case 's':
        case 't':
        case 'r':
            fprintf(stderr, "xl sched-credit: the time slice and rate limit are fixed in "
                    "Mica (10 ms, 1000 us)\n");
            return XL_EXIT_USAGE;
        default:
            return xl_usage("sched-credit");
        }
    }
    if (o.nargs || ((set_w || set_c) && !dom))
        return xl_usage("sched-credit");
    if (!dom) {
        struct hv_dominfo *info = calloc(1024, sizeof(*info));
        int n;
        if (!info || (n = hv_domain_list(info, 1024)) < 0) {
            fprintf(stderr, "xl sched-credit: cannot list the domains\n");
            free(info);
            return XL_EXIT_FAIL;
        }
        printf("Cpupool Pool-0: tslice=10ms ratelimit=1000us\n");
        printf("%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
        for (int i = 0; i < n; i++)
            sched_row(info[i].domid);
        free(info);
        return 0;
    }
    if ((rc = xl_find_domain(dom, &domid)))
        return rc;
    if (set_w || set_c) {
        unsigned int w, cp;
        if ((rc = hv_sched_credit_get(domid, &w, &cp)) ||
            (rc = hv_sched_credit_set(domid, set_w ? (unsigned int)weight : w,
                                      set_c ? (unsigned int)cap : cp))) {
            fprintf(stderr, "xl sched-credit: domain %u: %s\n", domid, strerror(-rc));
            return XL_EXIT_DOMAIN;
        }
        return 0;
    }
    printf("%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
    sched_row(domid);
    return 0;
}
