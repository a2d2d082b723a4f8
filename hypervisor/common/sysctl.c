/*
 * sysctl (35): the toolstack's view of the machine and of the hypervisor.
 *
 * Xen 4.2's interface (public/sysctl.h, version 0x09), in 4.2's order:
 * the privilege hook first (-EPERM, before the argument is even read),
 * then the 136-byte struct is copied in (-EFAULT), then the version
 * (-EACCES), then the op (-ENOSYS for one not in the table).  Ops with
 * results copy the whole struct back.
 *
 *   readconsole        the hypervisor's console ring (printk.c keeps
 *                      16 KiB): from the oldest byte held, or from `index`
 *                      when incremental and still held; at most `count`
 *                      bytes.  OUT count = bytes copied, index = the next
 *                      position (free-running).  clear forgets what was
 *                      read.  What `xl dmesg [-c]` uses.
 *   physinfo           one CPU, one node; cpu_khz; the heap's total and
 *                      free pages; the host's CPUID feature words; no HVM.
 *   sched_id           credit (5).
 *   getdomaininfolist  getdomaininfo records of the domains from
 *                      first_domain up, ascending, at most max_domains.
 *   getcpuinfo         idle time per CPU (ns), for `xl top`.
 *
 * And two of Mica's own (numbered above Xen's, docs/reliability.md):
 *
 *   resources          what the hypervisor holds for all domains: domains,
 *                      event-channel ports and buckets, grant entries
 *                      offered, pinned, maptrack entries, grant frames,
 *                      free pages -- so the soak and scale tests can see
 *                      every one come back to its starting value.
 *   fail_alloc         arm the allocation-failure injector (fail_inject.c)
 *                      from the control domain, so one boot can sweep N
 *                      over every allocation of a domain's creation; only
 *                      when booted with fail_alloc=ctl (-EPERM otherwise:
 *                      no production hypervisor lets anyone fail its
 *                      allocations).
 *
 * Buffers are 64-bit handles whose high half must be 0 (-EFAULT); every
 * buffer is checked whole before anything is written.
 */
#include <mica/hypercall.h>
#include <mica/domain.h>
#include <mica/sched.h>
#include <mica/guest_access.h>
#include <mica/lib.h>
#include <mica/mm.h>
#include <mica/printk.h>
#include <mica/time.h>
#include <mica/xsm.h>
#include <mica/event.h>
#include <mica/grant_table.h>
#include <mica/fail_inject.h>
#include <asm/hwcap.h>
#include "ctl.h"

typedef long (*sysctl_fn)(struct xen_sysctl *op);

static long readconsole(struct xen_sysctl *op)
{
    struct xen_sysctl_readconsole *r = &op->u.readconsole;
    uint32_t pos = console_ring_oldest(), done = 0;
    guest_va_t va;
    char chunk[128];
    int rc;

    if ((rc = ctl_handle(r->buffer, &va)))
        return rc;
    if (!guest_range_ok(va, r->count))
        return -EFAULT;
    if (r->incremental && (int32_t)(r->index - pos) > 0)
        pos = r->index;
    if ((int32_t)(pos - console_ring_next()) > 0)
        pos = console_ring_next();      /* an index from the future: nothing new */
    while (done < r->count) {
        size_t n = console_ring_copy(pos, chunk, MIN((size_t)(r->count - done), sizeof(chunk)));
        if (n == 0)
            break;
        if (copy_to_guest(va + done, chunk, n))
            return -EFAULT;
        done += (uint32_t)n;
        pos += (uint32_t)n;
    }
    if (r->clear)
        console_ring_clear_to(pos);
    r->count = done;
    r->index = pos;
    return 0;
}

static long physinfo(struct xen_sysctl *op)
{
    struct xen_sysctl_physinfo *p = &op->u.physinfo;

    memset(p, 0, sizeof(*p));
    p->threads_per_core = 1;
    p->cores_per_socket = 1;
    p->nr_cpus = 1;
    p->max_cpu_id = 0;
    p->nr_nodes = 1;
    p->max_node_id = 0;
    p->cpu_khz = (uint32_t)tsc_khz;
    p->total_pages = heap_total_pages();
    p->free_pages = heap_free_pages();
    p->scrub_pages = 0;                 /* frames are scrubbed as they are freed */
    arch_hw_cap(p->hw_cap);
    p->capabilities = 0;                /* PV only: no HVM, no directio */
    return 0;
}

static long sched_id(struct xen_sysctl *op)
{
    op->u.sched_id.sched_id = XEN_SCHEDULER_CREDIT;
    return 0;
}

static long getdomaininfolist(struct xen_sysctl *op)
{
    struct xen_sysctl_getdomaininfolist *l = &op->u.getdomaininfolist;
    struct xen_domctl_getdomaininfo info;
    unsigned int id = l->first_domain, n = 0;
    struct domain *d;
    guest_va_t va;
    int rc;

    if ((rc = ctl_handle(l->buffer, &va)))
        return rc;
    if (!guest_range_ok(va, (uint64_t)l->max_domains * sizeof(info)))
        return -EFAULT;
    while (n < l->max_domains && (d = ctl_domain_from(id))) {
        ctl_dominfo(d, &info);
        if (copy_to_guest(va + n * (uint32_t)sizeof(info), &info, sizeof(info)))
            return -EFAULT;
        n++;
        id = d->domain_id + 1u;
    }
    l->num_domains = n;
    return 0;
}

static long getcpuinfo(struct xen_sysctl *op)
{
    struct xen_sysctl_getcpuinfo *g = &op->u.getcpuinfo;
    struct xen_sysctl_cpuinfo ci = { .idletime = (uint64_t)sched_idle_time() };
    guest_va_t va;
    int rc;

    if ((rc = ctl_handle(g->info, &va)))
        return rc;
    g->nr_cpus = 0;
    if (g->max_cpus == 0)
        return 0;
    if (copy_to_guest(va, &ci, sizeof(ci)))
        return -EFAULT;
    g->nr_cpus = 1;
    return 0;
}

static long resources(struct xen_sysctl *op)
{
    struct mica_sysctl_resources *r = &op->u.resources;
    struct gnttab_counts g = { 0 };
    struct domain *d;

    memset(r, 0, sizeof(*r));
    for_each_domain(d) {
        r->nr_domains++;
        r->evtchn_ports += evtchn_ports_in_use(d);
        r->evtchn_buckets += evtchn_nr_buckets(d);
        gnttab_count(d, &g);
    }
    r->grant_entries = (uint32_t)g.entries;
    r->grant_pins = (uint32_t)g.pins;
    r->maptrack_entries = (uint32_t)g.maptrack;
    r->grant_frames = (uint32_t)g.frames;
    r->maptrack_frames = (uint32_t)g.maptrack_frames;
    r->free_pages = heap_free_pages();
    r->alloc_counted = alloc_fail_counted();
    r->alloc_injected = alloc_fail_injected();
    sched_cost(&r->sched_calls, &r->sched_switches, &r->sched_ns);
    return 0;
}

static long fail_alloc(struct xen_sysctl *op)
{
    struct mica_sysctl_fail_alloc *f = &op->u.fail_alloc;

    if (!alloc_fail_controllable())
        return -EPERM;
    f->counted = alloc_fail_counted();
    f->injected = alloc_fail_injected();
    if (f->nth)
        pr_info("fail_alloc: heap allocation %llu from now fails, then every %llu-th "
                "(armed by d%u)\n", (unsigned long long)f->nth, (unsigned long long)f->every,
                current_domain()->domain_id);
    alloc_fail_arm((unsigned long)f->nth, (unsigned long)f->every);
    return 0;
}

static const sysctl_fn sysctl_table[] = {
    [XEN_SYSCTL_readconsole]       = readconsole,
    [XEN_SYSCTL_physinfo]          = physinfo,
    [XEN_SYSCTL_sched_id]          = sched_id,
    [XEN_SYSCTL_getdomaininfolist] = getdomaininfolist,
    [XEN_SYSCTL_getcpuinfo]        = getcpuinfo,
    [MICA_SYSCTL_resources]        = resources,
    [MICA_SYSCTL_fail_alloc]       = fail_alloc,
};

HYPERCALL_PROTO(sysctl)
{
    guest_va_t arg = (guest_va_t)a1;
    struct xen_sysctl op;
    long rc;

    if (xsm_check(XSM_SYSCTL, current_domain(), NULL))
        return -EPERM;
    if (copy_from_guest(&op, arg, sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XEN_SYSCTL_INTERFACE_VERSION)
        return -EACCES;
    if (op.cmd >= ARRAY_SIZE(sysctl_table) || !sysctl_table[op.cmd])
        return -ENOSYS;
    if (guest_probe_writable(arg, sizeof(op)))
        return -EFAULT;
    domain_reap_zombies();              /* a safe point: free memory is exact */
    rc = sysctl_table[op.cmd](&op);
    if (rc == 0 && copy_to_guest(arg, &op, sizeof(op)))
        return -EFAULT;
    return rc;
}
