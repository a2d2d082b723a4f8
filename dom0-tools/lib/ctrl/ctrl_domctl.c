/*
 * libctrl: the call helpers (ctrl_call.h) and the domctl wrappers.
 *
 * Every domctl carries XEN_DOMCTL_INTERFACE_VERSION (Xen 4.2's 0x08); a
 * hypervisor of another version refuses it with -EACCES, which reaches
 * the caller unchanged.  Handles in domctl structures are 8 bytes with the
 * pointer in the low half (set_xen_guest_handle_64), and every buffer
 * they name is a hypercall buffer.
 */
#include "ctrl_call.h"
#include <errno.h>
#include <string.h>

void *ctrl_bounce(const void *src, size_t size)
{
    void *buf = os_hcall_buf_alloc(size ? size : 1);

    if (buf && src)
        memcpy(buf, src, size);
    return buf;
}

void ctrl_unbounce(void *buf, void *dst, size_t size)
{
    if (buf && dst)
        memcpy(dst, buf, size);
    os_hcall_buf_free(buf, size ? size : 1);
}

long ctrl_call(unsigned int nr, unsigned long a1, void *arg, size_t size, unsigned long a3)
{
    void *buf = NULL;
    long rc;

    if (arg && !(buf = ctrl_bounce(arg, size)))
        return -ENOMEM;
    rc = os_hypercall(nr, a1, (unsigned long)(uintptr_t)buf, a3, 0, 0);
    if (buf)
        ctrl_unbounce(buf, arg, size);
    return rc;
}

long ctrl_call_first(unsigned int nr, void *arg, size_t size, unsigned long a2,
                     unsigned long a3, unsigned long a4)
{
    void *buf = ctrl_bounce(arg, size);
    long rc;

    if (!buf)
        return -ENOMEM;
    rc = os_hypercall(nr, (unsigned long)(uintptr_t)buf, a2, a3, a4, 0);
    ctrl_unbounce(buf, arg, size);
    return rc;
}

int ctrl_domctl(struct xen_domctl *op)
{
    op->interface_version = XEN_DOMCTL_INTERFACE_VERSION;
    return (int)ctrl_call_first(__HYPERVISOR_domctl, op, sizeof(*op), 0, 0, 0);
}

/* A domctl with no payload. */
static int simple(uint32_t cmd, uint16_t domid)
{
    struct xen_domctl op = { .cmd = cmd, .domain = domid };

    return ctrl_domctl(&op);
}

int ctrl_domain_create(uint32_t flags, const uint8_t handle[16], uint16_t *domid)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_createdomain, .domain = *domid };
    int rc;

    op.u.createdomain.flags = flags;
    if (handle)
        memcpy(op.u.createdomain.handle, handle, sizeof(op.u.createdomain.handle));
    rc = ctrl_domctl(&op);
    if (!rc)
        *domid = op.domain;
    return rc;
}

int ctrl_domain_destroy(uint16_t domid)
{
    int rc;

    /* The hypervisor tears down in bounded pieces and says -EAGAIN until
     * the last one; each call makes progress. */
    do
        rc = simple(XEN_DOMCTL_destroydomain, domid);
    while (rc == -EAGAIN);
    return rc;
}

int ctrl_domain_pause(uint16_t domid)
{
    return simple(XEN_DOMCTL_pausedomain, domid);
}

int ctrl_domain_unpause(uint16_t domid)
{
    return simple(XEN_DOMCTL_unpausedomain, domid);
}

int ctrl_domain_max_mem(uint16_t domid, uint64_t max_kb)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_max_mem, .domain = domid };

    op.u.max_mem.max_memkb = max_kb;
    return ctrl_domctl(&op);
}

int ctrl_domain_max_vcpus(uint16_t domid, unsigned int max)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_max_vcpus, .domain = domid };

    op.u.max_vcpus.max = max;
    return ctrl_domctl(&op);
}

int ctrl_domain_set_handle(uint16_t domid, const uint8_t handle[16])
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_setdomainhandle, .domain = domid };

    memcpy(op.u.setdomainhandle.handle, handle, 16);
    return ctrl_domctl(&op);
}

int ctrl_domain_settimeoffset(uint16_t domid, int32_t seconds)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_settimeoffset, .domain = domid };

    op.u.settimeoffset.time_offset_seconds = seconds;
    return ctrl_domctl(&op);
}

void ctrl_dominfo_from(struct ctrl_dominfo *out, const struct xen_domctl_getdomaininfo *in)
{
    memset(out, 0, sizeof(*out));
    out->domid = in->domain;
    out->flags = in->flags;
    out->dying = in->flags & XEN_DOMINF_dying;
    out->shutdown = in->flags & XEN_DOMINF_shutdown;
    out->paused = in->flags & XEN_DOMINF_paused;
    out->blocked = in->flags & XEN_DOMINF_blocked;
    out->running = in->flags & XEN_DOMINF_running;
    out->shutdown_reason = (in->flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask;
    out->tot_pages = in->tot_pages;
    out->max_pages = in->max_pages;
    out->shared_info_frame = (uint32_t)in->shared_info_frame;
    out->cpu_time_ns = in->cpu_time;
    out->nr_online_vcpus = in->nr_online_vcpus;
    out->max_vcpu_id = in->max_vcpu_id;
    memcpy(out->handle, in->handle, sizeof(out->handle));
}

int ctrl_domain_info(uint16_t domid, struct ctrl_dominfo *out)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_getdomaininfo, .domain = domid };
    int rc = ctrl_domctl(&op);

    /* 4.2 answers with the first domain at or above the id. */
    if (rc)
        return rc;
    if (op.u.getdomaininfo.domain != domid)
        return -ESRCH;
    ctrl_dominfo_from(out, &op.u.getdomaininfo);
    return 0;
}

static int vcpucontext(uint32_t cmd, uint16_t domid, unsigned int vcpu, vcpu_guest_context_t *c)
{
    struct xen_domctl op = { .cmd = cmd, .domain = domid };
    void *buf = ctrl_bounce(cmd == XEN_DOMCTL_setvcpucontext ? c : NULL, sizeof(*c));
    int rc;

    if (!buf)
        return -ENOMEM;
    op.u.vcpucontext.vcpu = vcpu;
    set_xen_guest_handle_64(op.u.vcpucontext.ctxt, buf);
    rc = ctrl_domctl(&op);
    ctrl_unbounce(buf, cmd == XEN_DOMCTL_getvcpucontext && !rc ? c : NULL, sizeof(*c));
    return rc;
}

int ctrl_vcpu_setcontext(uint16_t domid, unsigned int vcpu, const vcpu_guest_context_t *c)
{
    return vcpucontext(XEN_DOMCTL_setvcpucontext, domid, vcpu, (vcpu_guest_context_t *)c);
}

int ctrl_vcpu_getcontext(uint16_t domid, unsigned int vcpu, vcpu_guest_context_t *c)
{
    return vcpucontext(XEN_DOMCTL_getvcpucontext, domid, vcpu, c);
}

int ctrl_vcpu_info(uint16_t domid, unsigned int vcpu, struct ctrl_vcpuinfo *out)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_getvcpuinfo, .domain = domid };
    int rc;

    op.u.getvcpuinfo.vcpu = vcpu;
    rc = ctrl_domctl(&op);
    if (rc)
        return rc;
    out->online = op.u.getvcpuinfo.online;
    out->blocked = op.u.getvcpuinfo.blocked;
    out->running = op.u.getvcpuinfo.running;
    out->cpu_time_ns = op.u.getvcpuinfo.cpu_time;
    out->cpu = op.u.getvcpuinfo.cpu;
    return 0;
}

int ctrl_sched_credit_get(uint16_t domid, unsigned int *weight, unsigned int *cap)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_scheduler_op, .domain = domid };
    int rc;

    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    rc = ctrl_domctl(&op);
    if (rc)
        return rc;
    *weight = op.u.scheduler_op.u.credit.weight;
    *cap = op.u.scheduler_op.u.credit.cap;
    return 0;
}

int ctrl_sched_credit_set(uint16_t domid, unsigned int weight, unsigned int cap)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_scheduler_op, .domain = domid };

    if (weight > 0xffff || cap > 0xffff)
        return -EINVAL;
    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    op.u.scheduler_op.u.credit.weight = (uint16_t)weight;
    op.u.scheduler_op.u.credit.cap = (uint16_t)cap;
    return ctrl_domctl(&op);
}

int ctrl_page_types(uint16_t domid, uint32_t *frames, unsigned int n)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_getpageframeinfo3, .domain = domid };
    void *buf;
    int rc;

    if (n > XEN_DOMCTL_PFINFO3_MAX)
        return -E2BIG;
    if (!(buf = ctrl_bounce(frames, n * sizeof(*frames))))
        return -ENOMEM;
    op.u.getpageframeinfo3.num = n;
    set_xen_guest_handle_64(op.u.getpageframeinfo3.array, buf);
    rc = ctrl_domctl(&op);
    ctrl_unbounce(buf, rc ? NULL : frames, n * sizeof(*frames));
    return rc;
}
