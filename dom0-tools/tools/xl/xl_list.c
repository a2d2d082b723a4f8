/*
 * xl list, vcpu-list, uptime, and the JSON form of a configuration.
 *
 * The tables use xl's exact printf formats (Xen 4.2 xl_cmdimpl.c, fact
 * sheet §7.1), so scripts written for xl read them; the CPU seconds that
 * xl prints with %8.1f are printed from integer nanoseconds (Dom0 has no
 * floating point), rounded the same way.
 */
#include "xl.h"
#include "toolstack.h"
#include "domcfg.h"
#include "hv.h"
#include "os_time.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <inttypes.h>

#define MAX_LIST 1024

static struct hv_dominfo *all_domains(int *n)
{
    struct hv_dominfo *info = calloc(MAX_LIST, sizeof(*info));

    if (!info) {
        fprintf(stderr, "xl: out of memory\n");
        return NULL;
    }
    *n = hv_domain_list(info, MAX_LIST);
    if (*n < 0) {
        fprintf(stderr, "xl: cannot list the domains: %s\n", strerror(-*n));
        free(info);
        return NULL;
    }
    return info;
}

/* The domains named on the command line, or all: *sel set to the list. */
static int select_domains(struct xl_opts *o, struct hv_dominfo *info, int n, int *count)
{
    if (o->nargs == 0) {
        *count = n;
        return 0;
    }
    int k = 0;
    for (int a = 0; a < o->nargs; a++) {
        uint16_t domid;
        int rc = xl_find_domain(o->args[a], &domid);
        if (rc)
            return rc;
        for (int i = 0; i < n; i++) {
            if (info[i].domid == domid) {
                struct hv_dominfo t = info[k];
                info[k++] = info[i];
                info[i] = t;
                break;
            }
        }
    }
    *count = k;
    return 0;
}

/* ---- JSON ---- */

static void json_str(const char *s)
{
    if (!s) {
        printf("null");
        return;
    }
    putchar('"');
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            printf("\\%c", c);
        else if (c < 0x20)
            printf("\\u%04x", c);
        else
            putchar(c);
    }
    putchar('"');
}

static void ind(int n)
{
    printf("%*s", n, "");
}

void xl_print_config_json(const struct domain_config *dc, int in)
{
    printf("{\n");
    ind(in + 4); printf("\"c_info\": {\n");
    ind(in + 8); printf("\"type\": \"pv\",\n");
    ind(in + 8); printf("\"name\": "); json_str(dc->name); printf("\n");
    ind(in + 4); printf("},\n");
    ind(in + 4); printf("\"b_info\": {\n");
    ind(in + 8); printf("\"max_vcpus\": %u,\n", dc->max_vcpus);
    ind(in + 8); printf("\"avail_vcpus\": [");
    for (unsigned int v = 0; v < dc->vcpus; v++)
        printf("%s%u", v ? ", " : " ", v);
    printf(" ],\n");
    ind(in + 8); printf("\"max_memkb\": %" PRIu64 ",\n", (uint64_t)dc->maxmem_mib * 1024);
    ind(in + 8); printf("\"target_memkb\": %" PRIu64 ",\n", (uint64_t)dc->memory_mib * 1024);
    if (dc->weight_set || dc->cap_set) {
        ind(in + 8); printf("\"sched_params\": {\n");
        ind(in + 12); printf("\"weight\": %u,\n", dc->weight_set ? dc->weight : 256);
        ind(in + 12); printf("\"cap\": %u\n", dc->cap);
        ind(in + 8); printf("},\n");
    }
    ind(in + 8); printf("\"type.pv\": {\n");
    ind(in + 12); printf("\"kernel\": "); json_str(dc->kernel); printf(",\n");
    ind(in + 12); printf("\"cmdline\": "); json_str(dc->cmdline);
    if (dc->ramdisk) {
        printf(",\n");
        ind(in + 12); printf("\"ramdisk\": "); json_str(dc->ramdisk);
    }
    printf("\n");
    ind(in + 8); printf("}\n");
    ind(in + 4); printf("},\n");
    ind(in + 4); printf("\"disks\": [");
    for (size_t i = 0; i < dc->ndisks; i++) {
        const struct disk_spec *d = &dc->disks[i];
        printf("%s\n", i ? "," : "");
        ind(in + 8); printf("{ \"pdev_path\": "); json_str(d->target);
        printf(", \"vdev\": "); json_str(d->vdev);
        printf(", \"format\": "); json_str(d->format);
        printf(", \"readwrite\": %d, \"is_cdrom\": %d }", !d->readonly, d->cdrom);
    }
    if (dc->ndisks) {
        printf("\n");
        ind(in + 4);
    }
    printf("],\n");
    ind(in + 4); printf("\"nics\": [");
    for (size_t i = 0; i < dc->nvifs; i++) {
        const struct vif_spec *v = &dc->vifs[i];
        printf("%s\n", i ? "," : "");
        ind(in + 8); printf("{ \"devid\": %zu", i);
        if (v->mac_given)
            printf(", \"mac\": \"%02x:%02x:%02x:%02x:%02x:%02x\"", v->mac[0], v->mac[1],
                   v->mac[2], v->mac[3], v->mac[4], v->mac[5]);
        if (v->bridge) {
            printf(", \"bridge\": ");
            json_str(v->bridge);
        }
        if (v->ip) {
            printf(", \"ip\": ");
            json_str(v->ip);
        }
        printf(" }");
    }
    if (dc->nvifs) {
        printf("\n");
        ind(in + 4);
    }
    printf("],\n");
    ind(in + 4); printf("\"on_poweroff\": \"%s\",\n", action_name(dc->on_poweroff));
    ind(in + 4); printf("\"on_reboot\": \"%s\",\n", action_name(dc->on_reboot));
    ind(in + 4); printf("\"on_watchdog\": \"%s\",\n", action_name(dc->on_watchdog));
    ind(in + 4); printf("\"on_crash\": \"%s\"\n", action_name(dc->on_crash));
    ind(in); printf("}");
}

/* ---- list ---- */

static char state_char(const struct hv_dominfo *d, int which)
{
    static const char letters[] = "-rscw";

    switch (which) {
    case 0: return d->running ? 'r' : '-';
    case 1: return d->blocked ? 'b' : '-';
    case 2: return d->paused ? 'p' : '-';
    case 3: return d->shutdown ? 's' : '-';
    case 4: return !d->shutdown ? '-' :
                   d->shutdown_reason < sizeof(letters) - 1 ? letters[d->shutdown_reason] : '?';
    default: return d->dying ? 'd' : '-';
    }
}

int xl_cmd_list(int argc, char **argv)
{
    struct xl_opts o;
    struct hv_dominfo *info;
    bool longfmt = false;
    int n, count, c, rc;

    xl_opts_init(&o, argc, argv, "lvZ");
    while ((c = xl_opts_next(&o)) != -1) {
        if (c == 'l')
            longfmt = true;
        else if (c != 'v' && c != 'Z')
            return xl_usage("list");
    }
    if (!(info = all_domains(&n)))
        return XL_EXIT_FAIL;
    if ((rc = select_domains(&o, info, n, &count))) {
        free(info);
        return rc;
    }
    if (longfmt) {
        bool first = true;
        printf("[");
        for (int i = 0; i < count; i++) {
            struct ts_domain *t = ts_find(info[i].domid);
            if (!t)
                continue;       /* xl shows what it created (dom0 omitted) */
            printf("%s\n    {\n        \"domid\": %u,\n        \"config\": ", first ? "" : ",",
                   t->domid);
            xl_print_config_json(&t->cfg, 8);
            printf("\n    }");
            first = false;
        }
        printf("%s]\n", first ? "" : "\n");
        free(info);
        return 0;
    }
    printf("Name                                        ID   Mem VCPUs\tState\tTime(s)\n");
    for (int i = 0; i < count; i++) {
        const struct hv_dominfo *d = &info[i];
        printf("%-40s %5u %5lu %5u     %c%c%c%c%c%c  ", xl_domain_name(d->domid), d->domid,
               (unsigned long)(d->tot_pages * 4 / 1024), d->nr_online_vcpus,
               state_char(d, 0), state_char(d, 1), state_char(d, 2), state_char(d, 3),
               state_char(d, 4), state_char(d, 5));
        xl_print_secs(d->cpu_time_ns, 8);
        printf("\n");
    }
    free(info);
    return 0;
}

/* ---- vcpu-list ---- */

int xl_cmd_vcpu_list(int argc, char **argv)
{
    struct xl_opts o;
    struct hv_dominfo *info;
    int n, count, c, rc;

    xl_opts_init(&o, argc, argv, "");
    while ((c = xl_opts_next(&o)) != -1)
        return xl_usage("vcpu-list");
    if (!(info = all_domains(&n)))
        return XL_EXIT_FAIL;
    if ((rc = select_domains(&o, info, n, &count))) {
        free(info);
        return rc;
    }
    printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU", "State", "Time(s)",
           "CPU Affinity");
    for (int i = 0; i < count; i++) {
        for (unsigned int v = 0; v <= info[i].max_vcpu_id && info[i].nr_online_vcpus; v++) {
            struct hv_vcpuinfo vi;
            if (hv_vcpu_info(info[i].domid, v, &vi))
                continue;
            printf("%-32s %5u %5u", xl_domain_name(info[i].domid), info[i].domid, v);
            if (vi.online)
                printf(" %5u %3c%c- ", vi.cpu, vi.running ? 'r' : '-', vi.blocked ? 'b' : '-');
            else
                printf("     -   --p ");
            xl_print_secs(vi.cpu_time_ns, 9);
            printf("  any cpu\n");
        }
    }
    free(info);
    return 0;
}

/* ---- uptime ---- */

static void print_uptime(uint64_t s, bool shortfmt)
{
    unsigned int days = (unsigned int)(s / 86400), h = (unsigned int)(s % 86400 / 3600);
    unsigned int m = (unsigned int)(s % 3600 / 60), sec = (unsigned int)(s % 60);

    if (days)
        printf("%u day%s, ", days, days == 1 ? "" : "s");
    if (shortfmt)
        printf("%2u:%02u", h, m);
    else
        printf("%2u:%02u:%02u", h, m, sec);
}

int xl_cmd_uptime(int argc, char **argv)
{
    struct xl_opts o;
    struct hv_dominfo *info;
    bool shortfmt = false;
    int n, count, c, rc;
    uint64_t now = os_now_ns(), wall = os_wallclock_s();

    xl_opts_init(&o, argc, argv, "s");
    while ((c = xl_opts_next(&o)) != -1) {
        if (c != 's')
            return xl_usage("uptime");
        shortfmt = true;
    }
    if (!(info = all_domains(&n)))
        return XL_EXIT_FAIL;
    if ((rc = select_domains(&o, info, n, &count))) {
        free(info);
        return rc;
    }
    if (!shortfmt)
        printf("%-33s %4s %s\n", "Name", "ID", "Uptime");
    for (int i = 0; i < count; i++) {
        struct ts_domain *t = ts_find(info[i].domid);
        uint64_t up;
        if (info[i].domid == 0)
            up = now / OS_NS_PER_S;             /* Dom0 started with the machine */
        else if (t)
            up = (now - t->start_ns) / OS_NS_PER_S;
        else
            continue;                           /* no start time known */
        if (shortfmt) {
            printf(" %02u:%02u:%02u up ", (unsigned int)(wall % 86400 / 3600),
                   (unsigned int)(wall % 3600 / 60), (unsigned int)(wall % 60));
            print_uptime(up, true);
            printf(", %s (%u)\n", xl_domain_name(info[i].domid), info[i].domid);
        } else {
            printf("%-33s %4u ", xl_domain_name(info[i].domid), info[i].domid);
            print_uptime(up, false);
            printf("\n");
        }
    }
    free(info);
    return 0;
}
