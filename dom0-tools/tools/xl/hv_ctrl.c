/*
 * xl's seam to the hypervisor (hv.h) over the control plane: libctrl's
 * typed calls and libbuild's domain builder (dom0-tools/lib).
 *
 * Thin on purpose: each call is one or two library calls and a change of
 * representation.  The host tests run xl's command layer on a simulated
 * hypervisor at this seam (tests/host/fake-hv.c) and, through this file,
 * on one at the hypercall level (tests/host/fake-hypercalls.c).
 */
#include "hv.h"
#include "os_time.h"
#include "../../lib/ctrl/ctrl.h"
#include "../../lib/build/build.h"
#include <public/version.h>
#include <public/domctl.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static void from_ctrl(struct hv_dominfo *o, const struct ctrl_dominfo *i)
{
    memset(o, 0, sizeof(*o));
    o->domid = i->domid;
    o->dying = i->dying;
    o->shutdown = i->shutdown;
    o->paused = i->paused;
    o->blocked = i->blocked;
    o->running = i->running;
    o->shutdown_reason = i->shutdown_reason;
    o->tot_pages = i->tot_pages;
    o->max_pages = i->max_pages;
    o->cpu_time_ns = i->cpu_time_ns;
    o->nr_online_vcpus = i->nr_online_vcpus;
    o->max_vcpu_id = i->max_vcpu_id;
}

int hv_domain_list(struct hv_dominfo *out, unsigned int max)
{
    struct ctrl_dominfo info[32];
    unsigned int n = 0;
    uint16_t next = 0;

    while (n < max) {
        unsigned int want = max - n < 32 ? max - n : 32;
        int got = ctrl_domain_info_list(next, info, want);
        if (got < 0)
            return got;
        for (int i = 0; i < got; i++)
            from_ctrl(&out[n++], &info[i]);
        if ((unsigned int)got < want)
            break;
        next = (uint16_t)(info[got - 1].domid + 1);
    }
    return (int)n;
}

int hv_domain_info(uint16_t domid, struct hv_dominfo *out)
{
    struct ctrl_dominfo info;
    int rc = ctrl_domain_info(domid, &info);

    if (!rc)
        from_ctrl(out, &info);
    return rc;
}

/* A random-looking version-4 UUID: the time, the name and a counter. */
static void make_uuid(uint8_t u[16], const char *name)
{
    static uint32_t counter;
    uint64_t x = os_cycles() ^ ((uint64_t)++counter << 40);

    for (const char *p = name ? name : ""; *p; p++)
        x = (x ^ (uint8_t)*p) * 0x100000001b3ull;
    for (int i = 0; i < 16; i++) {
        x ^= x >> 29;
        x *= 0xbf58476d1ce4e5b9ull;
        u[i] = (uint8_t)(x >> 32);
    }
    u[6] = (uint8_t)((u[6] & 0x0f) | 0x40);
    u[8] = (uint8_t)((u[8] & 0x3f) | 0x80);
}

int hv_domain_build(struct hv_build *b, char *err, size_t errlen)
{
    struct build_dom d = {
        .kernel = b->kernel, .kernel_len = b->kernel_len,
        .ramdisk = b->ramdisk, .ramdisk_len = b->ramdisk_len,
        .cmdline = b->cmdline, .memory_kb = b->memory_kb, .maxmem_kb = b->maxmem_kb,
        .max_vcpus = b->max_vcpus,
    };
    int rc;

    make_uuid(d.handle, b->name);
    rc = build_pv_domain(&d, err, errlen);
    if (rc)
        return rc;
    b->domid = d.domid;
    b->console_mfn = d.console_mfn;
    b->console_port = d.console_port;
    b->store_mfn = d.store_mfn;
    b->store_port = d.store_port;
    memcpy(b->uuid, d.handle, sizeof(b->uuid));
    return 0;
}

int hv_domain_unpause(uint16_t domid)
{
    return ctrl_domain_unpause(domid);
}

int hv_domain_pause(uint16_t domid)
{
    return ctrl_domain_pause(domid);
}

int hv_domain_destroy(uint16_t domid)
{
    return ctrl_domain_destroy(domid);
}

int hv_domain_shutdown(uint16_t domid, unsigned int reason)
{
    return ctrl_domain_shutdown(domid, reason);
}

int hv_vcpu_info(uint16_t domid, unsigned int vcpu, struct hv_vcpuinfo *out)
{
    struct ctrl_vcpuinfo v;
    int rc = ctrl_vcpu_info(domid, vcpu, &v);

    if (rc)
        return rc;
    out->online = v.online;
    out->blocked = v.blocked;
    out->running = v.running;
    out->cpu_time_ns = v.cpu_time_ns;
    out->cpu = v.cpu;
    return 0;
}

int hv_resources(struct hv_resources *out)
{
    struct mica_sysctl_resources r;
    int rc = ctrl_resources(&r);

    if (rc)
        return rc;
    memset(out, 0, sizeof(*out));
    out->nr_domains = r.nr_domains;
    out->evtchn_ports = r.evtchn_ports;
    out->evtchn_buckets = r.evtchn_buckets;
    out->grant_entries = r.grant_entries;
    out->grant_pins = r.grant_pins;
    out->maptrack_entries = r.maptrack_entries;
    out->grant_frames = r.grant_frames;
    out->maptrack_frames = r.maptrack_frames;
    out->free_pages = r.free_pages;
    out->alloc_counted = r.alloc_counted;
    out->alloc_injected = r.alloc_injected;
    out->sched_calls = r.sched_calls;
    out->sched_switches = r.sched_switches;
    out->sched_ns = r.sched_ns;
    return 0;
}

int hv_fail_alloc(uint64_t nth, uint64_t every)
{
    return ctrl_fail_alloc(nth, every, NULL, NULL);
}

int hv_physinfo(struct hv_physinfo *out)
{
    struct ctrl_physinfo p;
    int rc = ctrl_physinfo(&p);

    if (rc)
        return rc;
    memset(out, 0, sizeof(*out));
    out->nr_cpus = p.nr_cpus;
    out->threads_per_core = p.threads_per_core;
    out->cores_per_socket = p.cores_per_socket;
    out->nr_nodes = p.nr_nodes;
    out->max_cpu_id = p.max_cpu_id;
    out->cpu_khz = p.cpu_khz;
    out->total_pages = p.total_pages;
    out->free_pages = p.free_pages;
    out->scrub_pages = p.scrub_pages;
    memcpy(out->hw_cap, p.hw_cap, sizeof(out->hw_cap));
    out->capabilities = p.capabilities;
    return 0;
}

/* A XENVER_* string into dst (NUL-terminated whatever the hypervisor put). */
static void version_string(int cmd, char *dst, size_t dstlen, size_t size)
{
    char buf[1024];

    memset(buf, 0, sizeof(buf));
    if (size > sizeof(buf) || ctrl_xen_version(cmd, buf, size) < 0)
        buf[0] = '\0';
    buf[sizeof(buf) - 1] = '\0';
    snprintf(dst, dstlen, "%.*s", (int)size, buf);
}

int hv_version(struct hv_version *out)
{
    xen_compile_info_t ci;
    xen_platform_parameters_t pp;
    long v = ctrl_xen_version(XENVER_version, NULL, 0);

    if (v < 0)
        return (int)v;
    memset(out, 0, sizeof(*out));
    out->major = (unsigned int)(v >> 16);
    out->minor = (unsigned int)(v & 0xffff);
    version_string(XENVER_extraversion, out->extra, sizeof(out->extra),
                   sizeof(xen_extraversion_t));
    version_string(XENVER_capabilities, out->capabilities, sizeof(out->capabilities),
                   sizeof(xen_capabilities_info_t));
    version_string(XENVER_changeset, out->changeset, sizeof(out->changeset),
                   sizeof(xen_changeset_info_t));
    version_string(XENVER_commandline, out->commandline, sizeof(out->commandline),
                   sizeof(xen_commandline_t));
    memset(&ci, 0, sizeof(ci));
    if (ctrl_xen_version(XENVER_compile_info, &ci, sizeof(ci)) >= 0) {
        snprintf(out->compiler, sizeof(out->compiler), "%.*s", (int)sizeof(ci.compiler), ci.compiler);
        snprintf(out->compile_by, sizeof(out->compile_by), "%.*s", (int)sizeof(ci.compile_by),
                 ci.compile_by);
        snprintf(out->compile_domain, sizeof(out->compile_domain), "%.*s",
                 (int)sizeof(ci.compile_domain), ci.compile_domain);
        snprintf(out->compile_date, sizeof(out->compile_date), "%.*s",
                 (int)sizeof(ci.compile_date), ci.compile_date);
    }
    long ps = ctrl_xen_version(XENVER_pagesize, NULL, 0);
    out->pagesize = ps > 0 ? (unsigned long)ps : 4096;
    memset(&pp, 0, sizeof(pp));
    if (ctrl_xen_version(XENVER_platform_parameters, &pp, sizeof(pp)) >= 0)
        out->virt_start = pp.virt_start;
    if (ctrl_sched_id(&out->sched_id) < 0)
        out->sched_id = XEN_SCHEDULER_CREDIT;
    return 0;
}

int hv_readconsole(char *buf, size_t size, uint32_t *index, bool clear)
{
    return ctrl_readconsole(buf, size, index, true, clear);
}

int hv_sched_credit_get(uint16_t domid, unsigned int *weight, unsigned int *cap)
{
    return ctrl_sched_credit_get(domid, weight, cap);
}

int hv_sched_credit_set(uint16_t domid, unsigned int weight, unsigned int cap)
{
    return ctrl_sched_credit_set(domid, weight, cap);
}
