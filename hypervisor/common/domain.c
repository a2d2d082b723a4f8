/*
 * Domain life cycle and memory accounting.
 *
 * A domain is created empty, given frames by alloc_domheap_page() (which
 * enforces max_pages and keeps tot_pages exact), built, then run.  It ends
 * either by shutting itself down (domain_shutdown, with a reason the guest
 * chose) or by being crashed by the hypervisor (domain_crash, with a reason
 * the hypervisor chose and the guest's registers printed).  Neither ever
 * takes the hypervisor down: the domain simply stops being runnable, and
 * when no domain is left the machine is powered off with an exit code that
 * says how the initial domain ended.
 */
#include <mica/domain.h>
#include <mica/mm.h>
#include <mica/printk.h>
#include <mica/lib.h>
#include <mica/bug.h>
#include <mica/boot.h>
#include <public/sched.h>
#include <public/mica.h>
#include <asm/page.h>

struct vcpu *current;
LIST_HEAD(domain_list);

void *alloc_xenheap_pages(unsigned int order)
{
    struct page_info *pg = alloc_heap_pages(order);
    if (!pg)
        return NULL;
    for (unsigned long i = 0; i < (1UL << order); i++) {
        pg[i].count_info = PGC_xen_heap;
        pg[i].owner = NULL;
    }
    void *va = mfn_to_virt(page_to_mfn(pg));
    memset(va, 0, PAGE_SIZE << order);
    return va;
}

void free_xenheap_pages(void *va, unsigned int order)
{
    struct page_info *pg = mfn_to_page(virt_to_mfn(va));
    memset(va, 0, PAGE_SIZE << order);
    for (unsigned long i = 0; i < (1UL << order); i++) {
        pg[i].count_info = 0;
        pg[i].type_info = 0;
        pg[i].owner = NULL;
    }
    free_heap_pages(pg, order);
}

static unsigned int bytes_to_order(size_t n)
{
    unsigned int order = 0;
    while ((PAGE_SIZE << order) < n)
        order++;
    return order;
}

void *xzalloc_bytes(size_t n)
{
    return alloc_xenheap_pages(bytes_to_order(n));
}

void xfree_bytes(void *p, size_t n)
{
    if (p)
        free_xenheap_pages(p, bytes_to_order(n));
}

struct page_info *alloc_domheap_page(struct domain *d)
{
    struct page_info *pg;

    if (d->tot_pages >= d->max_pages)
        return NULL;
    pg = alloc_heap_pages(0);
    if (!pg)
        return NULL;
    pg->owner = d;
    pg->count_info = PGC_allocated | 1;   /* the allocation reference */
    pg->type_info = 0;
    list_add_tail(&pg->list, &d->page_list);
    d->tot_pages++;
    return pg;
}

struct domain *domain_create(domid_t id, const char *name, bool privileged)
{
    long baseline = (long)heap_free_pages() - (long)heap_total_pages();
    struct domain *d = xzalloc_bytes(sizeof(*d));
    if (!d)
        return NULL;
    d->mm_heap_baseline = baseline;
    d->domain_id = id;
    strlcpy(d->name, name, sizeof(d->name));
    d->is_privileged = privileged;
    d->state = DOMSTATE_CREATED;
    list_init(&d->page_list);

    /* shared_info: a hypervisor page shared with (and owned by) the domain. */
    d->shared_info = alloc_xenheap_pages(0);
    if (!d->shared_info)
        return NULL;
    d->shared_info_mfn = virt_to_mfn(d->shared_info);
    mfn_to_page(d->shared_info_mfn)->owner = d;
    mfn_to_page(d->shared_info_mfn)->count_info = PGC_xen_heap | PGC_allocated | 1;
    for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        d->shared_info->vcpu_info[i].evtchn_upcall_mask = 1;

    d->max_vcpus = 1;
    struct vcpu *v = xzalloc_bytes(sizeof(*v));
    if (!v)
        return NULL;
    v->vcpu_id = 0;
    v->domain = d;
    v->vcpu_info = &d->shared_info->vcpu_info[0];
    d->vcpu[0] = v;

    list_add_tail(&d->domain_list, &domain_list);
    return d;
}

const char *shutdown_reason_name(unsigned int reason)
{
    static const char *const names[] = {
        [SHUTDOWN_poweroff] = "poweroff", [SHUTDOWN_reboot] = "reboot",
        [SHUTDOWN_suspend] = "suspend",   [SHUTDOWN_crash] = "crash",
        [SHUTDOWN_watchdog] = "watchdog", [SHUTDOWN_soft_reset] = "soft_reset",
    };
    return reason < ARRAY_SIZE(names) ? names[reason] : "unknown";
}

void domain_shutdown(struct domain *d, unsigned int reason)
{
    if (d->state != DOMSTATE_RUNNING)
        return;
    d->state = DOMSTATE_SHUTDOWN;
    d->shutdown_code = reason;
    pr_info("d%u (%s) shut down: %s\n", d->domain_id, d->name,
            shutdown_reason_name(reason));
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    char why[256];
    va_list ap;

    if (d->state == DOMSTATE_CRASHED)
        return;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    pr_err("d%u crashed: %s\n", d->domain_id, why);
    if (current && current->domain == d)
        arch_dump_guest_state(current);
    d->state = DOMSTATE_CRASHED;
    d->shutdown_code = SHUTDOWN_crash;
}

/*
 * Nothing is left to run.  The machine's fate follows the initial domain:
 * poweroff -> power off, reboot -> restart, anything else -> halt (or, with
 * debug_exit, an exit code that says which).
 */
void hypervisor_shutdown_all(void)
{
    struct domain *d0 = NULL;
    struct list_head *pos;

    list_for_each(pos, &domain_list) {
        struct domain *d = list_entry(pos, struct domain, domain_list);
        if (d->domain_id == 0)
            d0 = d;
    }
    unsigned int code = d0 ? d0->shutdown_code : MICA_EXIT_CRASH;
    if (d0 && d0->state == DOMSTATE_CRASHED)
        code = MICA_EXIT_CRASH;

    /* Every domain gives its memory back (and is audited) before the end. */
    while (!list_empty(&domain_list))
        domain_destroy(list_first_entry(&domain_list, struct domain, domain_list));

    switch (code) {
    case SHUTDOWN_poweroff:
        pr_info("initial domain powered off: powering off the machine\n");
        machine_power_off(MICA_EXIT_POWEROFF);
    case SHUTDOWN_reboot:
        pr_info("initial domain rebooted: restarting the machine\n");
        machine_restart(MICA_EXIT_REBOOT);
    default:
        pr_info("initial domain ended (%s): halting\n", shutdown_reason_name(code));
        machine_halt(code);
    }
}
