/*
 * The simulated hypervisor of fake-hypercalls.h, part 2: the operations
 * libctrl makes, each checking what the real one checks and answering
 * with Xen's error codes (ABI sheet sections 1-3): domctl and sysctl
 * (interface versions 0x08 / 0x09), memory_op reservations for another
 * domain, MMUEXT_PIN_L3_TABLE / UNPIN_TABLE with a foreign domain,
 * EVTCHNOP_alloc_unbound, GNTTABOP_setup_table, SCHEDOP_remote_shutdown
 * and the xen_version queries xl info makes.  The caller is always
 * domain 0, privileged.
 */
#include "fake-hypercalls-int.h"
#include <errno.h>
#include <string.h>
#include <public/sysctl.h>
#include <public/memory.h>
#include <public/event_channel.h>
#include <public/grant_table.h>
#include <public/version.h>
#include <public/sched.h>

#define PTE_P   0x1ull
#define PTE_RW  0x2ull
#define PTE_PSE 0x80ull
#define PTE_MFN(e) ((uint32_t)(((e) >> 12) & 0xffffffffull))

static uint16_t self(uint16_t id)
{
    return id == DOMID_SELF ? 0 : id;
}

/* ---- page tables ---- */

/* The table frames of the tree under l3 (at most 4 + 4*512 + 1). */
struct tree {
    uint32_t mfn[1 + 4 + 4 * 512];
    enum fx_type type[1 + 4 + 4 * 512];
    unsigned int n;
};

static int tree_add(struct tree *t, uint16_t d, uint32_t mfn, enum fx_type type)
{
    struct fx_frame *f = fx_frame(mfn);

    if (!f || f->owner != d || f->xen || f->zombie)
        return -EINVAL;
    for (unsigned int i = 0; i < t->n; i++)
        if (t->mfn[i] == mfn)
            return t->type[i] == type ? 1 : -EINVAL;   /* shared, or two levels */
    if (f->type != FX_NONE && f->type != type)
        return -EINVAL;
    t->mfn[t->n] = mfn;
    t->type[t->n++] = type;
    return 0;
}

static int tree_walk(struct tree *t, uint16_t d, uint32_t l3)
{
    int rc = tree_add(t, d, l3, FX_L3);
    if (rc)
        return rc < 0 ? rc : -EINVAL;
    for (unsigned int i = 0; i < t->n; i++) {
        const uint64_t *e = fx_page(t->mfn[i]);
        unsigned int nr = t->type[i] == FX_L3 ? 4 : 512;
        for (unsigned int k = 0; k < nr && t->type[i] != FX_L1; k++) {
            if (!(e[k] & PTE_P))
                continue;
            if (t->type[i] == FX_L2 && (e[k] & PTE_PSE))
                return -EINVAL;
            if ((rc = tree_add(t, d, PTE_MFN(e[k]), t->type[i] == FX_L3 ? FX_L2 : FX_L1)) < 0)
                return rc;
        }
    }
    /* Every leaf belongs to the domain; no table is writable, through
     * the tree or through a foreign mapping. */
    for (unsigned int i = 0; i < t->n; i++) {
        if (fx_frame(t->mfn[i])->wmaps)
            return -EINVAL;
        if (t->type[i] != FX_L1)
            continue;
        const uint64_t *e = fx_page(t->mfn[i]);
        for (unsigned int k = 0; k < 512; k++) {
            if (!(e[k] & PTE_P))
                continue;
            struct fx_frame *f = fx_frame(PTE_MFN(e[k]));
            if (!f || f->owner != d || f->zombie)
                return -EINVAL;
            if (e[k] & PTE_RW)
                for (unsigned int j = 0; j < t->n; j++)
                    if (t->mfn[j] == PTE_MFN(e[k]))
                        return -EINVAL;
        }
    }
    return 0;
}

long fx_mmuext_op(unsigned long ops, unsigned long count, unsigned long done,
                  unsigned long fd)
{
    static struct tree t;
    struct mmuext_op *op = fx_user(ops, count * sizeof(*op));
    uint16_t d = self((uint16_t)fd);
    int rc;

    if (!op || done)
        return -EFAULT;
    if (d == 0 || !fx_dom(d))
        return -ESRCH;
    for (unsigned long i = 0; i < count; i++, op++) {
        struct fx_frame *f = fx_frame(op->arg1.mfn);
        memset(&t, 0, sizeof(t));
        switch (op->cmd) {
        case MMUEXT_PIN_L3_TABLE:
            if (f && f->pinned)
                return -EINVAL;
            if ((rc = tree_walk(&t, d, op->arg1.mfn)))
                return rc;
            for (unsigned int k = 0; k < t.n; k++)
                fx_frame(t.mfn[k])->type = t.type[k];
            f->pinned = true;
            break;
        case MMUEXT_UNPIN_TABLE:
            if (!f || f->owner != d || !f->pinned)
                return -EINVAL;
            f->pinned = false;
            f->type = FX_NONE;          /* (one tree per domain in these tests) */
            for (unsigned int k = 0; k < FX_FRAMES; k++)
                if (fx.frame[k].owner == d)
                    fx.frame[k].type = FX_NONE;
            break;
        default:
            return -ENOSYS;
        }
    }
    return 0;
}

/* ---- domctl ---- */

static void destroy(struct fx_dom *d)
{
    for (unsigned int i = 0; i < FX_FRAMES; i++)
        if (fx.frame[i].owner == d->id && !fx.frame[i].zombie)
            fx_free_frame(FX_MFN_BASE + i);
    memset(d, 0, sizeof(*d));
}

static void dominfo(const struct fx_dom *d, struct xen_domctl_getdomaininfo *o)
{
    memset(o, 0, sizeof(*o));
    o->domain = d->id;
    o->flags = (d->paused ? XEN_DOMINF_paused : 0) | (d->dying ? XEN_DOMINF_dying : 0) |
               (d->shutdown ? XEN_DOMINF_shutdown | d->shutdown_reason << 16 : 0xffffu << 16);
    o->tot_pages = d->tot_pages;
    o->max_pages = d->max_pages;
    o->shared_info_frame = d->shared_info_mfn;
    o->nr_online_vcpus = d->ctxt_set;
    o->max_vcpu_id = d->max_vcpus ? d->max_vcpus - 1 : 0;
    memcpy(o->handle, d->handle, 16);
    o->cpupool = ~0u;
}

static long createdomain(struct xen_domctl *op)
{
    uint16_t id = op->domain;
    struct fx_dom *d = NULL;

    if (op->u.createdomain.flags)
        return -EINVAL;
    if (id == 0 || id >= DOMID_FIRST_RESERVED) {
        for (id = fx.next_domid; fx_dom(id); id++)
            ;
    } else if (fx_dom(id)) {
        return -EINVAL;
    }
    for (unsigned int i = 0; i < FX_MAX_DOMS && !d; i++)
        if (!fx.dom[i].exists)
            d = &fx.dom[i];
    if (!d)
        return -ENOMEM;
    *d = (struct fx_dom){ .exists = true, .id = id, .paused = true };
    memcpy(d->handle, op->u.createdomain.handle, 16);
    d->shared_info_mfn = fx_alloc_frame(id, true);
    if (!d->shared_info_mfn) {
        memset(d, 0, sizeof(*d));
        return -ENOMEM;
    }
    d->port[0].used = true;             /* port 0 is never handed out */
    op->domain = id;
    fx.next_domid = (uint16_t)(id + 1);
    return 0;
}

static long setvcpucontext(struct fx_dom *d, struct xen_domctl *op)
{
    const vcpu_guest_context_t *c;
    uint64_t h = op->u.vcpucontext.ctxt;

    if (op->u.vcpucontext.vcpu >= d->max_vcpus)
        return -EINVAL;
    if (h >> 32 || !(c = fx_user(h, sizeof(*c))))
        return -EFAULT;
    struct fx_frame *l3 = fx_frame(xen_cr3_to_pfn(c->ctrlreg[3]));
    if (!l3 || l3->owner != d->id || l3->type != FX_L3 || !l3->pinned)
        return -EINVAL;
    d->ctxt = *c;
    d->ctxt_set = true;
    d->ctxt_vcpus |= 1ull << op->u.vcpucontext.vcpu;
    return 0;
}

long fx_domctl(unsigned long arg)
{
    struct xen_domctl *op = fx_user(arg, sizeof(*op));
    struct fx_dom *d;

    if (!op)
        return -EFAULT;
    if (op->interface_version != XEN_DOMCTL_INTERFACE_VERSION)
        return -EACCES;
    if (op->cmd == XEN_DOMCTL_createdomain)
        return createdomain(op);
    if (op->cmd == XEN_DOMCTL_getdomaininfo) {
        for (unsigned int id = op->domain; id < DOMID_FIRST_RESERVED; id++)
            if ((d = fx_dom((uint16_t)id))) {
                dominfo(d, &op->u.getdomaininfo);
                op->domain = (uint16_t)id;
                return 0;
            }
        return -ESRCH;
    }
    if (!(d = fx_dom(op->domain)))
        return -ESRCH;
    switch (op->cmd) {
    case XEN_DOMCTL_destroydomain:
        if (d->id == 0)
            return -EINVAL;
        if (fx.destroy_eagain) {
            fx.destroy_eagain--;
            d->dying = true;
            return -EAGAIN;
        }
        destroy(d);
        return 0;
    case XEN_DOMCTL_pausedomain:
        if (d->id == 0)
            return -EINVAL;
        d->paused = true;
        return 0;
    case XEN_DOMCTL_unpausedomain:
        d->paused = false;
        return 0;
    case XEN_DOMCTL_max_mem:
        d->max_pages = op->u.max_mem.max_memkb >> 2;
        return 0;
    case XEN_DOMCTL_max_vcpus:
        if (d->id == 0 || op->u.max_vcpus.max > XEN_DOMCTL_MAX_VCPUS)
            return -EINVAL;
        if (d->max_vcpus && op->u.max_vcpus.max != d->max_vcpus)
            return -EBUSY;
        d->max_vcpus = op->u.max_vcpus.max;
        return 0;
    case XEN_DOMCTL_setvcpucontext:
        return d->id == 0 ? -EINVAL : setvcpucontext(d, op);
    case XEN_DOMCTL_getvcpucontext: {
        vcpu_guest_context_t *c;
        if (op->u.vcpucontext.vcpu >= d->max_vcpus)
            return -EINVAL;
        if (!d->ctxt_set)
            return -ENODATA;
        if (op->u.vcpucontext.ctxt >> 32 || !(c = fx_user(op->u.vcpucontext.ctxt, sizeof(*c))))
            return -EFAULT;
        *c = d->ctxt;
        return 0;
    }
    default:
        return -ENOSYS;
    }
}

/* ---- sysctl ---- */

long fx_sysctl(unsigned long arg)
{
    struct xen_sysctl *op = fx_user(arg, sizeof(*op));

    if (!op)
        return -EFAULT;
    if (op->interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -EACCES;
    switch (op->cmd) {
    case XEN_SYSCTL_physinfo:
        memset(&op->u.physinfo, 0, sizeof(op->u.physinfo));
        op->u.physinfo.nr_cpus = 1;
        op->u.physinfo.threads_per_core = 1;
        op->u.physinfo.cores_per_socket = 1;
        op->u.physinfo.nr_nodes = 1;
        op->u.physinfo.cpu_khz = 2400000;
        op->u.physinfo.total_pages = FX_FRAMES;
        op->u.physinfo.free_pages = fx.free_frames;
        return 0;
    case XEN_SYSCTL_getdomaininfolist: {
        struct xen_sysctl_getdomaininfolist *l = &op->u.getdomaininfolist;
        struct xen_domctl_getdomaininfo *out;
        unsigned int n = 0;
        if (l->buffer >> 32 || !(out = fx_user(l->buffer, (size_t)l->max_domains * sizeof(*out))))
            return -EFAULT;
        for (unsigned int id = l->first_domain; id < DOMID_FIRST_RESERVED && n < l->max_domains; id++)
            if (fx_dom((uint16_t)id))
                dominfo(fx_dom((uint16_t)id), &out[n++]);
        l->num_domains = n;
        return 0;
    }
    case XEN_SYSCTL_readconsole: {
        struct xen_sysctl_readconsole *r = &op->u.readconsole;
        size_t len = strlen(fx.console);
        size_t from = !r->incremental ? 0 : r->index < len ? r->index : len;
        char *buf;
        if (r->buffer >> 32 || !(buf = fx_user(r->buffer, r->count)))
            return -EFAULT;
        size_t n = len - from < r->count ? len - from : r->count;
        memcpy(buf, fx.console + from, n);
        r->count = (uint32_t)n;
        r->index = (uint32_t)(from + n);
        return 0;
    }
    default:
        return -ENOSYS;
    }
}

/* ---- memory_op ---- */

long fx_memory_op(unsigned long cmd, unsigned long arg)
{
    if (cmd == XENMEM_current_reservation || cmd == XENMEM_maximum_reservation) {
        domid_t *id = fx_user(arg, sizeof(*id));
        struct fx_dom *d;
        if (!id)
            return -EFAULT;
        if (!(d = fx_dom(self(*id))))
            return -ESRCH;
        return (long)(cmd == XENMEM_current_reservation ? d->tot_pages : d->max_pages);
    }
    if (cmd != XENMEM_populate_physmap && cmd != XENMEM_decrease_reservation)
        return -ENOSYS;

    struct xen_memory_reservation *r = fx_user(arg, sizeof(*r));
    if (!r)
        return -EFAULT;
    struct fx_dom *d = fx_dom(self(r->domid));
    xen_pfn_t *list = fx_user(r->extent_start, (size_t)r->nr_extents * sizeof(xen_pfn_t));
    /* Xen's way: refusals report the extents done so far, i.e. none. */
    if (!d || d->dying || !list || r->extent_order > 9 ||
        (cmd == XENMEM_decrease_reservation && r->extent_order))
        return 0;
    for (unsigned long i = 0; i < r->nr_extents; i++) {
        if (cmd == XENMEM_populate_physmap) {
            uint32_t n = 1u << r->extent_order, mfn;
            if (d->tot_pages + n > d->max_pages || !(mfn = fx_alloc_run(d->id, r->extent_order)))
                return (long)i;
            for (uint32_t j = 0; j < n; j++)
                fx_frame(mfn + j)->gpfn = list[i] + j;
            list[i] = mfn;
            d->tot_pages += n;
        } else {
            struct fx_frame *f = fx_frame(list[i]);
            if (!f || f->owner != d->id || f->xen || f->zombie || f->type != FX_NONE)
                return (long)i;
            fx_free_frame(list[i]);
            d->tot_pages--;
        }
    }
    return (long)r->nr_extents;
}

/* ---- event channels and grant tables ---- */

long fx_evtchn_op(unsigned long cmd, unsigned long arg)
{
    struct evtchn_alloc_unbound *op = fx_user(arg, sizeof(*op));
    struct fx_dom *d;

    if (cmd != EVTCHNOP_alloc_unbound)
        return -ENOSYS;
    if (!op)
        return -EFAULT;
    if (!(d = fx_dom(self(op->dom))))
        return -ESRCH;
    if (d->dying)
        return -EINVAL;
    for (unsigned int p = 1; p < FX_MAX_PORTS; p++)
        if (!d->port[p].used) {
            d->port[p] = (struct fx_port){ .used = true, .remote = self(op->remote_dom) };
            op->port = p;
            return 0;
        }
    return -ENOSPC;
}

long fx_gnttab_op(unsigned long cmd, unsigned long arg, unsigned long count)
{
    struct gnttab_setup_table *op = fx_user(arg, sizeof(*op));
    struct fx_dom *d;
    xen_pfn_t *list;

    if (cmd != GNTTABOP_setup_table)
        return -ENOSYS;
    if (count != 1)
        return -EINVAL;
    if (!op)
        return -EFAULT;
    if (!(d = fx_dom(self(op->dom)))) {
        op->status = GNTST_bad_domain;
        return 0;
    }
    if (op->nr_frames > FX_GNT_FRAMES) {
        op->status = GNTST_general_error;
        return 0;
    }
    if (!(list = fx_user(op->frame_list, op->nr_frames * sizeof(xen_pfn_t))))
        return -EFAULT;
    while (d->gnt_frames < op->nr_frames) {
        uint32_t mfn = fx_alloc_frame(d->id, true);
        if (!mfn) {
            op->status = GNTST_general_error;
            return 0;
        }
        d->gnt_mfn[d->gnt_frames++] = mfn;
    }
    for (unsigned int i = 0; i < op->nr_frames; i++)
        list[i] = d->gnt_mfn[i];
    op->status = GNTST_okay;
    return 0;
}

/* ---- xen_version and remote shutdown ---- */

long fx_xen_version(unsigned long cmd, unsigned long arg)
{
    static const struct { unsigned long cmd; size_t size; const char *text; } str[] = {
        { XENVER_extraversion, sizeof(xen_extraversion_t), "-fake" },
        { XENVER_capabilities, sizeof(xen_capabilities_info_t), "xen-3.0-x86_32p" },
        { XENVER_changeset, sizeof(xen_changeset_info_t), "fake" },
        { XENVER_commandline, sizeof(xen_commandline_t), "console=com1" },
    };

    if (cmd == XENVER_version)
        return (4 << 16) | 2;
    if (cmd == XENVER_pagesize)
        return 4096;
    for (unsigned int i = 0; i < sizeof(str) / sizeof(str[0]); i++) {
        if (str[i].cmd != cmd)
            continue;
        char *p = fx_user(arg, str[i].size);
        if (!p)
            return -EFAULT;
        memset(p, 0, str[i].size);
        strcpy(p, str[i].text);
        return 0;
    }
    return -ENOSYS;
}

long fx_sched_op(unsigned long cmd, unsigned long arg)
{
    struct sched_remote_shutdown *op = fx_user(arg, sizeof(*op));
    struct fx_dom *d;

    if (cmd != SCHEDOP_remote_shutdown)
        return -ENOSYS;
    if (!op)
        return -EFAULT;
    if (!(d = fx_dom(op->domain_id)) || d->id == 0)
        return -ESRCH;
    if (op->reason > SHUTDOWN_soft_reset)
        return -EINVAL;
    d->shutdown = true;
    d->shutdown_reason = op->reason;
    return 0;
}
