/*
 * Domain life cycle and memory accounting.
 *
 * A domain is created empty and paused, given frames by
 * alloc_domheap_page() (which enforces max_pages and keeps tot_pages
 * exact), built, then started (domain_start: the creation pause is
 * dropped and its vCPU becomes runnable).  It ends either by shutting
 * itself down (domain_shutdown, with a reason the guest chose; or a
 * privileged domain's SCHEDOP_remote_shutdown) or by being crashed by the
 * hypervisor (domain_crash, with a reason the hypervisor chose and the
 * guest's registers printed).  Neither ever takes the hypervisor down.
 *
 *   CREATED --start--> RUNNING --shutdown/crash--> SHUTDOWN | CRASHED
 *                                                     | scheduler, once it is
 *                                                     v off the CPU
 *                                                   DYING --> freed
 *
 * The initial domain is the machine: when it dies, the scheduler hands
 * the machine's fate to hypervisor_shutdown_all() (power off, restart or
 * halt after its reason) and every other domain goes down with it.  Any
 * other domain is destroyed as soon as it is dead -- there is no toolstack
 * yet to keep it around for -- by domain_destroy() (the memory code's
 * common/domain_teardown.c), whose first step is domain_kill() here: its
 * ports close (peers see their channel go unbound), its timers stop, and
 * the initial domain gets VIRQ_DOM_EXC, as it does when any domain shuts
 * down or crashes; then every frame it owned returns to the heap.
 */
#include <mica/domain.h>
#include <mica/xsm.h>
#include <mica/mm.h>
#include <mica/printk.h>
#include <mica/lib.h>
#include <mica/bug.h>
#include <mica/boot.h>
#include <public/sched.h>
#include <public/mica.h>
#include <mica/sched.h>
#include <mica/event.h>
#include <mica/console.h>
#include <mica/grant_table.h>
#include <mica/guest_frame.h>
#include <mica/vcpu_area.h>
#include <mica/pirq.h>
#include <mica/errno.h>
#include <asm/page.h>
#include <asm/m2p.h>
#include <asm/mm_arch.h>

struct vcpu *current;
LIST_HEAD(domain_list);

/* Hypervisor memory, direct-mapped (the frames: page_type.c). */
void *alloc_xenheap_pages(unsigned int order)
{
    struct page_info *pg = mm_alloc_xen_frames(order);

    return pg ? mfn_to_virt(page_to_mfn(pg)) : NULL;
}

void free_xenheap_pages(void *va, unsigned int order)
{
    mm_free_xen_frames(mfn_to_page(virt_to_mfn(va)), order);
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

static long bytes_to_pages(size_t n)
{
    return 1L << bytes_to_order(n);
}

void *domain_xzalloc(struct domain *d, size_t n)
{
    void *p = xzalloc_bytes(n);

    if (p)
        d->mm_heap_extra += bytes_to_pages(n);
    return p;
}

void domain_xfree(struct domain *d, void *p, size_t n)
{
    if (!p)
        return;
    xfree_bytes(p, n);
    d->mm_heap_extra -= bytes_to_pages(n);
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

static void watchdog_fn(void *data)
{
    struct domain *d = data;

    if (d->state != DOMSTATE_RUNNING)
        return;
    pr_info("d%u (%s): watchdog expired\n", d->domain_id, d->name);
    domain_shutdown(d, SHUTDOWN_watchdog);
}

/* Undo a domain_create() that failed half-way (no frames, no vCPU state). */
static void domain_free(struct domain *d)
{
    for (unsigned int i = 0; i < MAX_VIRT_CPUS; i++) {
        struct vcpu *v = d->vcpu[i];
        if (!v)
            continue;
        sched_destroy_vcpu(v);
        arch_vcpu_free_pagetable(v);
        xfree_bytes(v, sizeof(*v));
    }
    if (d->shared_info)
        free_xenheap_pages(d->shared_info, 0);
    evtchn_destroy(d);
    gnttab_destroy(d);
    guest_frame_release_all(d);
    xfree_bytes(d, sizeof(*d));
}

struct vcpu *vcpu_create(struct domain *d, unsigned int id)
{
    struct vcpu *v;

    if (id >= MAX_VIRT_CPUS || d->vcpu[id] || !(v = xzalloc_bytes(sizeof(*v))))
        return NULL;
    v->vcpu_id = id;
    v->domain = d;
    vcpu_info_reset(v);                 /* shared_info's slot, or the dummy */
    v->pause_flags = VPF_down;          /* until a context brings it up */
    v->fpu_ts = true;                   /* CR0.TS set, as Xen starts vCPUs */
    if (arch_vcpu_create(v)) {
        xfree_bytes(v, sizeof(*v));
        return NULL;
    }
    sched_init_vcpu(v);
    update_vcpu_system_time(v);
    d->vcpu[id] = v;
    if (id >= d->max_vcpus)
        d->max_vcpus = id + 1;
    return v;
}

int domain_create_vcpus(struct domain *d, unsigned int n)
{
    if (n < 1 || n > MAX_VIRT_CPUS)
        return -EINVAL;
    for (unsigned int i = 1; i < n; i++)
        if (!d->vcpu[i] && !vcpu_create(d, i))
            return -ENOMEM;
    return 0;
}

static struct domain *domain_alloc(domid_t id, const char *name, bool privileged,
                                   bool with_vcpu0)
{
    long baseline = (long)heap_free_pages() - (long)heap_total_pages();
    struct domain *d = xzalloc_bytes(sizeof(*d));
    if (!d)
        return NULL;
    d->mm_heap_baseline = baseline;
    d->domain_id = id;
    strlcpy(d->name, name, sizeof(d->name));
    d->is_privileged = privileged;
    d->xsm_caps = xsm_initial_caps(privileged);
    d->state = DOMSTATE_CREATED;
    d->weight = CSCHED_DEFAULT_WEIGHT;
    d->pause_count = 1;                   /* until domain_start() */
    list_init(&d->page_list);
    list_init(&d->mm_pending);
    list_init(&d->relmem_list);
    for (unsigned int i = 0; i < NR_DOMAIN_WATCHDOG_TIMERS; i++)
        init_timer(&d->watchdog_timer[i], watchdog_fn, d);

    /* shared_info: a hypervisor page shared with (and owned by) the domain,
     * shared only once nothing below can fail (domain_free frees it plain). */
    d->shared_info = alloc_xenheap_pages(0);
    if (!d->shared_info || evtchn_init(d) || gnttab_init(d)) {
        domain_free(d);
        return NULL;
    }
    d->shared_info_mfn = virt_to_mfn(d->shared_info);
    share_xen_frame(mfn_to_page(d->shared_info_mfn), d);
    for (unsigned int i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        d->shared_info->vcpu_info[i].evtchn_upcall_mask = 1;
    update_domain_wallclock_time(d);
    if (with_vcpu0 && !vcpu_create(d, 0)) {
        unshare_xen_frame(mfn_to_page(d->shared_info_mfn), NULL);
        domain_free(d);
        return NULL;
    }

    list_add_tail(&d->domain_list, &domain_list);
    return d;
}

struct domain *domain_create(domid_t id, const char *name, bool privileged)
{
    return domain_alloc(id, name, privileged, true);
}

struct domain *domain_create_ctl(domid_t id)
{
    char name[DOMAIN_NAME_LEN];
    struct domain *d;

    snprintf(name, sizeof(name), "domU%u", id);
    if (!(d = domain_alloc(id, name, false, false)))
        return NULL;
    /*
     * Alive from the start, held by its controller's pause alone.  Its
     * books open now: creation ran without interruption, so the heap it
     * took is exactly what went meanwhile, and everything later (frames,
     * vCPUs, structures) is counted as it is taken.
     */
    d->ctl_created = true;
    d->state = DOMSTATE_RUNNING;
    d->ctl_pause_count = 1;
    d->mm_taken_at_start = d->mm_heap_baseline -
                           ((long)heap_free_pages() - (long)heap_total_pages());
    d->mm_tot_at_start = 0;
    d->mm_extra_at_start = d->mm_heap_extra;
    d->mm_started = true;
    return d;
}

void domain_start(struct domain *d)
{
    /* Boot builds one domain at a time: all the heap lost since
     * domain_create() is this domain's. */
    d->mm_taken_at_start = d->mm_heap_baseline -
                           ((long)heap_free_pages() - (long)heap_total_pages());
    d->mm_tot_at_start = d->tot_pages;
    d->mm_extra_at_start = d->mm_heap_extra;
    d->mm_started = true;
    domain_unpause(d);
}

struct domain *domain_lookup(domid_t id)
{
    struct list_head *pos;

    list_for_each(pos, &domain_list) {
        struct domain *d = list_entry(pos, struct domain, domain_list);
        if (d->domain_id == id)
            return d;
    }
    return NULL;
}

struct domain *hardware_domain(void)
{
    return domain_lookup(0);
}

/* Tell the initial domain that some other domain changed state. */
void domain_notify_exc(struct domain *d)
{
    struct domain *d0 = hardware_domain();

    if (d0 && d0 != d)
        send_guest_global_virq(d0, VIRQ_DOM_EXC);
}

/* Domains that stopped (shut down or crashed) so far: domain_reap_dead()
 * walks the domain list only when this moved. */
static unsigned long domains_stopped = 1;   /* a first look at the start */

/* d stopped running for good: take its vCPUs off the CPU. */
static void domain_stopped(struct domain *d)
{
    domains_stopped++;
    for (unsigned int i = 0; i < d->max_vcpus; i++)
        if (d->vcpu[i])
            vcpu_sleep(d->vcpu[i]);
    for (unsigned int i = 0; i < NR_DOMAIN_WATCHDOG_TIMERS; i++)
        stop_timer(&d->watchdog_timer[i]);
    domain_notify_exc(d);
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
    d->shutdown_latched = true;
    pr_info("d%u (%s) shut down: %s\n", d->domain_id, d->name,
            shutdown_reason_name(reason));
    domain_stopped(d);
}

void domain_crash(struct domain *d, const char *fmt, ...)
{
    char why[256];
    va_list ap;

    if (d->state == DOMSTATE_CRASHED || d->state == DOMSTATE_DYING)
        return;
    va_start(ap, fmt);
    vsnprintf(why, sizeof(why), fmt, ap);
    va_end(ap);
    pr_err("d%u crashed: %s\n", d->domain_id, why);
    if (current && current->domain == d)
        arch_dump_guest_state(current);
    d->state = DOMSTATE_CRASHED;
    d->shutdown_code = SHUTDOWN_crash;
    d->shutdown_latched = true;
    domain_stopped(d);
}

void domain_kill(struct domain *d)
{
    BUG_ON(current->domain == d);
    d->state = DOMSTATE_DYING;
    d->is_dying = true;
    for (unsigned int i = 0; i < d->max_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        if (!v)
            continue;
        sched_destroy_vcpu(v);
        arch_vcpu_release(v);
        vcpu_release_areas(v);            /* its registered frames (vcpu_area.c) */
    }
    for (unsigned int i = 0; i < NR_DOMAIN_WATCHDOG_TIMERS; i++)
        kill_timer(&d->watchdog_timer[i]);
    evtchn_destroy(d);                    /* peers' channels go unbound */
    pirq_domain_destroy(d);               /* its machine IRQs, the EOI page */
    guest_frame_release_all(d);           /* what the hypervisor wrote of d's */
    domu_console_flush(d);
    pr_info("d%u (%s) is being destroyed\n", d->domain_id, d->name);
    domain_notify_exc(d);
}

/*
 * Called at every scheduling decision (housekeeping), so it costs nothing
 * unless something happened: the domain list (129 entries with 128
 * domains) is walked for zombies only when a zombie's frame was freed
 * since the last look, and for dead domains only when a domain stopped.
 * A domain the walk passes over (a toolstack's, one being destroyed)
 * is not this walk's to reap later either.
 */
void domain_reap_dead(void)
{
    static unsigned long stops_seen, zombie_frames_seen;
    struct list_head *pos, *tmp;
    bool switched = false;

    if (zombie_frames_freed != zombie_frames_seen) {
        zombie_frames_seen = zombie_frames_freed;
        domain_reap_zombies();
    }
    if (domains_stopped == stops_seen)
        return;
    stops_seen = domains_stopped;
    list_for_each_safe(pos, tmp, &domain_list) {
        struct domain *d = list_entry(pos, struct domain, domain_list);
        /* A toolstack's domain waits for its destroydomain; one being
         * destroyed (or a zombie) is the toolstack's business too. */
        if (d->domain_id == 0 || !domain_is_dead(d) || d->ctl_created ||
            d->teardown != TD_ALIVE)
            continue;
        if (!switched) {
            arch_load_idle_pagetable();   /* its tables may be loaded */
            switched = true;
        }
        domain_destroy(d);
    }
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

    /* Every domain gives its memory back (and is audited) before the end.
     * Zombies go by themselves as the domains that map their frames go. */
    for (;;) {
        struct domain *victim = NULL;
        list_for_each(pos, &domain_list) {
            struct domain *d = list_entry(pos, struct domain, domain_list);
            if (d->teardown != TD_ZOMBIE) {
                victim = d;
                break;
            }
        }
        if (!victim)
            break;
        domain_destroy(victim);
        domain_reap_zombies();
    }
    domain_reap_zombies();
    list_for_each(pos, &domain_list) {
        struct domain *d = list_entry(pos, struct domain, domain_list);
        pr_err("d%u: %lu frames still held at the end: MEMORY LEAK\n", d->domain_id,
               d->tot_pages);
    }

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
