/*
 * libctrl: the sysctl wrappers (the host as a whole), the hypervisor's
 * version, and a remote shutdown (a sched_op, but the toolstack's).  Every sysctl carries XEN_SYSCTL_INTERFACE_VERSION (Xen 4.2's
 * 0x09).
 */
#include "ctrl_call.h"
#include <errno.h>
#include <string.h>
#include <public/version.h>
#include <public/sched.h>

int ctrl_sysctl(struct xen_sysctl *op)
{
    op->interface_version = XEN_SYSCTL_INTERFACE_VERSION;
    return (int)ctrl_call_first(__HYPERVISOR_sysctl, op, sizeof(*op), 0, 0, 0);
}

int ctrl_domain_info_list(uint16_t first, struct ctrl_dominfo *out, unsigned int max)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_getdomaininfolist };
    size_t size = (size_t)max * sizeof(struct xen_domctl_getdomaininfo);
    struct xen_domctl_getdomaininfo *buf;
    int rc;

    if (max == 0)
        return 0;
    if (max > DOMID_FIRST_RESERVED)
        max = DOMID_FIRST_RESERVED;
    if (!(buf = ctrl_bounce(NULL, size)))
        return -ENOMEM;
    op.u.getdomaininfolist.first_domain = first;
    op.u.getdomaininfolist.max_domains = max;
    set_xen_guest_handle_64(op.u.getdomaininfolist.buffer, buf);
    rc = ctrl_sysctl(&op);
    if (!rc) {
        unsigned int n = op.u.getdomaininfolist.num_domains;
        if (n > max)
            n = max;            /* never believe a count beyond the buffer */
        for (unsigned int i = 0; i < n; i++)
            ctrl_dominfo_from(&out[i], &buf[i]);
        rc = (int)n;
    }
    ctrl_unbounce(buf, NULL, size);
    return rc;
}

int ctrl_physinfo(struct ctrl_physinfo *out)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_physinfo };
    const struct xen_sysctl_physinfo *p = &op.u.physinfo;
    int rc = ctrl_sysctl(&op);

    if (rc)
        return rc;
    memset(out, 0, sizeof(*out));
    out->threads_per_core = p->threads_per_core;
    out->cores_per_socket = p->cores_per_socket;
    out->nr_cpus = p->nr_cpus;
    out->max_cpu_id = p->max_cpu_id;
    out->nr_nodes = p->nr_nodes;
    out->max_node_id = p->max_node_id;
    out->cpu_khz = p->cpu_khz;
    out->total_pages = p->total_pages;
    out->free_pages = p->free_pages;
    out->scrub_pages = p->scrub_pages;
    memcpy(out->hw_cap, p->hw_cap, sizeof(out->hw_cap));
    out->capabilities = p->capabilities;
    return 0;
}

int ctrl_resources(struct mica_sysctl_resources *out)
{
    struct xen_sysctl op = { .cmd = MICA_SYSCTL_resources };
    int rc = ctrl_sysctl(&op);

    if (rc)
        return rc;
    *out = op.u.resources;
    return 0;
}

int ctrl_fail_alloc(uint64_t nth, uint64_t every, uint64_t *counted, uint64_t *injected)
{
    struct xen_sysctl op = { .cmd = MICA_SYSCTL_fail_alloc };
    int rc;

    op.u.fail_alloc.nth = nth;
    op.u.fail_alloc.every = every;
    if ((rc = ctrl_sysctl(&op)))
        return rc;
    if (counted)
        *counted = op.u.fail_alloc.counted;
    if (injected)
        *injected = op.u.fail_alloc.injected;
    return 0;
}

int ctrl_readconsole(char *buf, size_t size, uint32_t *index, bool incremental, bool clear)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_readconsole };
    void *b;
    int rc;

    if (size > 0x7fffffff)
        size = 0x7fffffff;
    if (!(b = ctrl_bounce(NULL, size)))
        return -ENOMEM;
    op.u.readconsole.clear = clear;
    op.u.readconsole.incremental = incremental;
    op.u.readconsole.index = *index;
    op.u.readconsole.count = (uint32_t)size;
    set_xen_guest_handle_64(op.u.readconsole.buffer, b);
    rc = ctrl_sysctl(&op);
    if (!rc) {
        size_t n = op.u.readconsole.count < size ? op.u.readconsole.count : size;
        memcpy(buf, b, n);
        *index = op.u.readconsole.index;
        rc = (int)n;
    }
    ctrl_unbounce(b, NULL, size);
    return rc;
}

int ctrl_sched_id(unsigned int *sched_id)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_sched_id };
    int rc = ctrl_sysctl(&op);

    if (!rc)
        *sched_id = op.u.sched_id.sched_id;
    return rc;
}

int ctrl_cpu_idle(uint64_t *idle_ns, unsigned int max)
{
    struct xen_sysctl op = { .cmd = XEN_SYSCTL_getcpuinfo };
    size_t size = (size_t)max * sizeof(struct xen_sysctl_cpuinfo);
    struct xen_sysctl_cpuinfo *buf;
    int rc;

    if (!(buf = ctrl_bounce(NULL, size)))
        return -ENOMEM;
    op.u.getcpuinfo.max_cpus = max;
    set_xen_guest_handle_64(op.u.getcpuinfo.info, buf);
    rc = ctrl_sysctl(&op);
    if (!rc) {
        unsigned int n = op.u.getcpuinfo.nr_cpus < max ? op.u.getcpuinfo.nr_cpus : max;
        for (unsigned int i = 0; i < n; i++)
            idle_ns[i] = buf[i].idletime;
        rc = (int)n;
    }
    ctrl_unbounce(buf, NULL, size);
    return rc;
}

long ctrl_xen_version(int cmd, void *arg, size_t size)
{
    return ctrl_call(__HYPERVISOR_xen_version, (unsigned long)cmd, arg, size, 0);
}

int ctrl_domain_shutdown(uint16_t domid, unsigned int reason)
{
    struct sched_remote_shutdown op = { .domain_id = domid, .reason = reason };

    return (int)ctrl_call(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, &op, sizeof(op), 0);
}
