/*
 * xl's seam to the hypervisor (hv.h) over the control plane: libctrl's
 * typed calls and libbuild's domain builder (dom0-tools/lib).
 *
 * Thin on purpose: each call is one or two library calls and a change of
 * representation.  The host tests run xl's command layer on a simulated
 * hypervisor at this seam (tests/host/fake-hv.c) and, through this file,
 * on one at the hypercall level (tests/host/fake-hypercalls.c).
 *
 * hv.h's records keep the field names of libctrl's (which keep Xen's),
 * so a conversion is the list of the fields it carries (SAME) and the
 * version strings are a table: adding a field is one word in one place.
 */
#include "hv.h"
#include "os_time.h"
#include "../../lib/ctrl/ctrl.h"
#include "../../lib/build/build.h"
#include <public/version.h>
#include <public/domctl.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* Copy field f of the library's record *i into ours, *o. */
#define SAME(f) (o->f = i->f)

static void from_ctrl(struct hv_dominfo *o, const struct ctrl_dominfo *i)
{
    memset(o, 0, sizeof(*o));
    SAME(domid); SAME(dying); SAME(shutdown); SAME(paused); SAME(blocked); SAME(running);
    SAME(shutdown_reason); SAME(tot_pages); SAME(max_pages); SAME(cpu_time_ns);
    SAME(nr_online_vcpus); SAME(max_vcpu_id);
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

int hv_vcpu_info(uint16_t domid, unsigned int vcpu, struct hv_vcpuinfo *o)
{
    struct ctrl_vcpuinfo v, *i = &v;
    int rc = ctrl_vcpu_info(domid, vcpu, &v);

    if (rc)
        return rc;
    SAME(online); SAME(blocked); SAME(running); SAME(cpu_time_ns); SAME(cpu);
    return 0;
}

int hv_resources(struct hv_resources *o)
{
    struct mica_sysctl_resources r, *i = &r;
    int rc = ctrl_resources(&r);

    if (rc)
        return rc;
    memset(o, 0, sizeof(*o));
    SAME(nr_domains); SAME(evtchn_ports); SAME(evtchn_buckets);
    SAME(grant_entries); SAME(grant_pins); SAME(maptrack_entries);
    SAME(grant_frames); SAME(maptrack_frames); SAME(free_pages);
    SAME(alloc_counted); SAME(alloc_injected);
    SAME(sched_calls); SAME(sched_switches); SAME(sched_ns);
    return 0;
}

int hv_fail_alloc(uint64_t nth, uint64_t every)
{
    return ctrl_fail_alloc(nth, every, NULL, NULL);
}

int hv_physinfo(struct hv_physinfo *o)
{
    struct ctrl_physinfo p, *i = &p;
    int rc = ctrl_physinfo(&p);

    if (rc)
        return rc;
    memset(o, 0, sizeof(*o));
    SAME(nr_cpus); SAME(threads_per_core); SAME(cores_per_socket); SAME(nr_nodes);
    SAME(max_cpu_id); SAME(cpu_khz); SAME(total_pages); SAME(free_pages); SAME(scrub_pages);
    SAME(capabilities);
    memcpy(o->hw_cap, p.hw_cap, sizeof(o->hw_cap));
    return 0;
}

/* The XENVER_* strings: the sub-op, where it lands in hv_version (and
 * that field's size), and the size of the ABI's buffer for it. */
#define VERSION_FIELD(f) offsetof(struct hv_version, f), sizeof(((struct hv_version *)0)->f)
static const struct {
    int cmd;
    size_t off, len;
    size_t size;
} version_strings[] = {
    { XENVER_extraversion, VERSION_FIELD(extra), sizeof(xen_extraversion_t) },
    { XENVER_capabilities, VERSION_FIELD(capabilities), sizeof(xen_capabilities_info_t) },
    { XENVER_changeset, VERSION_FIELD(changeset), sizeof(xen_changeset_info_t) },
    { XENVER_commandline, VERSION_FIELD(commandline), sizeof(xen_commandline_t) },
};

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

/* A fixed-size ABI field, not necessarily NUL-terminated, into a string. */
#define FIXED_STR(dst, src) snprintf(dst, sizeof(dst), "%.*s", (int)sizeof(src), src)

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
    for (size_t k = 0; k < sizeof(version_strings) / sizeof(version_strings[0]); k++)
        version_string(version_strings[k].cmd, (char *)out + version_strings[k].off,
                       version_strings[k].len, version_strings[k].size);
    memset(&ci, 0, sizeof(ci));
    if (ctrl_xen_version(XENVER_compile_info, &ci, sizeof(ci)) >= 0) {
        FIXED_STR(out->compiler, ci.compiler);
        FIXED_STR(out->compile_by, ci.compile_by);
        FIXED_STR(out->compile_domain, ci.compile_domain);
        FIXED_STR(out->compile_date, ci.compile_date);
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
