/*
 * The toolstack: the domains xl created, and what happens when one dies.
 *
 * ts_create() is the whole of `xl create` after the configuration is
 * checked: a memory check, the build (hv_domain_build: create, populate,
 * load, start_info, page tables -- left paused), scheduler parameters, the
 * console backend, the introduction to xenstored (ts_store.c), then
 * unpause.  A failure at any step undoes the steps
 * before it, so a failed create leaves no domain and no memory behind.
 *
 * Deaths: the hypervisor raises VIRQ_DOM_EXC whenever a domain shuts
 * down, crashes or goes away.  The handler looks at every domain and
 * applies, once per death, the configured action for the shutdown reason
 * (on_poweroff, on_reboot, on_crash, on_watchdog):
 *
 *   destroy         destroy the domain (its memory goes back)
 *   restart         destroy it and create it again from the same
 *                   configuration (a new domain id, the same name)
 *   rename-restart  keep the dead one, renamed NAME--incarnation-N, and
 *                   create a new one
 *   preserve        keep it as it is (xl list shows it shut down, xl
 *                   console shows its last output) until `xl destroy`
 *
 * and says what it did on the console.  A domain that dies again within
 * 2 s of each of 5 restarts in a row is preserved instead, so a guest that
 * crashes at once cannot make Dom0 rebuild it forever.
 */
#include "toolstack.h"
#include "ts_store.h"
#include "ts_dev.h"
#include "xl.h"
#include "../console/consoled.h"
#include "os_events.h"
#include "os_files.h"
#include "os_loop.h"
#include "os_time.h"
#include <public/xen.h>
#include <public/sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <ctype.h>

#define MAX_DOMAINS         256
#define RAPID_DEATH_NS      (2 * OS_NS_PER_S)
#define RAPID_RESTARTS_MAX  5
/* Pages the hypervisor needs per domain beyond its memory (shared_info,
 * grant table, vCPU tables, event channels): a safe margin for the check. */
#define DOMAIN_OVERHEAD_PAGES 64

static struct ts_domain *domains;
static struct ts_observer *observers;
static struct os_work *check_work;
static uint16_t reported_foreign[32];       /* dead domains xl did not create */
static unsigned int nreported;

void ts_observe(struct ts_observer *o)
{
    o->next = observers;
    observers = o;
}

static void tell_destroyed(uint16_t domid)
{
    for (struct ts_observer *o = observers; o; o = o->next)
        if (o->destroyed)
            o->destroyed(o->arg, domid);
}

static void tell_destroying(uint16_t domid)
{
    for (struct ts_observer *o = observers; o; o = o->next)
        if (o->destroying)
            o->destroying(o->arg, domid);
}

struct ts_domain *ts_first(void)
{
    return domains;
}

struct ts_domain *ts_find(uint16_t domid)
{
    for (struct ts_domain *d = domains; d; d = d->next)
        if (d->domid == domid)
            return d;
    return NULL;
}

unsigned int ts_nr_domains(void)
{
    unsigned int n = 0;

    for (struct ts_domain *d = domains; d; d = d->next)
        n++;
    return n;
}

const char *ts_name(uint16_t domid)
{
    struct ts_domain *d;

    if (domid == 0)
        return "Domain-0";
    d = ts_find(domid);
    return d ? d->name : NULL;
}

int ts_lookup(const char *s, uint16_t *domid)
{
    struct hv_dominfo info;
    const char *p = s;

    while (isdigit((unsigned char)*p))
        p++;
    if (*s && !*p && p - s <= 5) {
        unsigned long id = strtoul(s, NULL, 10);
        if (id >= DOMID_FIRST_RESERVED || hv_domain_info((uint16_t)id, &info))
            return -ESRCH;
        *domid = (uint16_t)id;
        return 0;
    }
    if (!strcmp(s, "Domain-0")) {
        *domid = 0;
        return 0;
    }
    for (struct ts_domain *d = domains; d; d = d->next) {
        if (!strcmp(d->name, s)) {
            *domid = d->domid;
            return 0;
        }
    }
    return -ESRCH;
}

static void forget(struct ts_domain *t)
{
    for (struct ts_domain **pp = &domains; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    domcfg_free(&t->cfg);
    free(t);
}

int ts_destroy(uint16_t domid)
{
    struct ts_domain *t = ts_find(domid);
    int rc;

    if (domid == 0)
        return -EINVAL;
    /* Unmap its console and store ring first, so the teardown finds no
     * mapping of its pages. */
    consoled_remove(domid);
    ts_store_domain_remove(domid);
    tell_destroying(domid);
    rc = hv_domain_destroy(domid);
    if (rc && rc != -ESRCH)
        return rc;
    tell_destroyed(domid);
    if (t)
        forget(t);
    for (unsigned int i = 0; i < nreported; i++) {
        if (reported_foreign[i] == domid) {
            reported_foreign[i] = reported_foreign[--nreported];
            break;
        }
    }
    return 0;
}

static int load(const char *what, const char *path, const char *cfgfile, unsigned int line,
                const void **data, size_t *len)
{
    int rc = os_file_load(path, data, len);

    if (rc)
        fprintf(stderr, "%s:%u: error: %s '%s': %s\n", cfgfile, line, what, path,
                strerror(-rc));
    return rc;
}

int ts_create(const struct domain_config *cfg, bool paused, bool monitored, uint16_t *domid)
{
    struct hv_build b = { 0 };
    struct hv_physinfo pi;
    struct ts_domain *t;
    const void *kernel = NULL, *ramdisk = NULL;
    size_t klen = 0, rlen = 0;
    char err[200];
    int rc, status = XL_EXIT_CREATE;

    for (t = domains; t; t = t->next) {
        if (!strcmp(t->name, cfg->name)) {
            fprintf(stderr, "xl: a domain named '%s' exists already (domain %u)\n",
                    cfg->name, t->domid);
            return XL_EXIT_CREATE;
        }
    }
    if (ts_nr_domains() >= MAX_DOMAINS) {
        fprintf(stderr, "xl: at most %d domains\n", MAX_DOMAINS);
        return XL_EXIT_CREATE;
    }
    if (!hv_physinfo(&pi) &&
        pi.free_pages < (uint64_t)cfg->memory_mib * 256 + DOMAIN_OVERHEAD_PAGES) {
        fprintf(stderr, "xl: cannot create '%s': it needs %u MiB, the hypervisor has %llu "
                "MiB free\n", cfg->name, cfg->memory_mib,
                (unsigned long long)(pi.free_pages >> 8));
        return XL_EXIT_NOMEM;
    }
    if (ts_dev_check_disks(cfg))
        return XL_EXIT_CREATE;
    if (!(t = calloc(1, sizeof(*t))) || domcfg_copy(&t->cfg, cfg)) {
        free(t);
        fprintf(stderr, "xl: out of memory\n");
        return XL_EXIT_NOMEM;
    }
    if (load("kernel", cfg->kernel, cfg->source, cfg->kernel_line, &kernel, &klen) ||
        (cfg->ramdisk &&
         load("ramdisk", cfg->ramdisk, cfg->source, cfg->ramdisk_line, &ramdisk, &rlen)))
        goto fail;

    b.name = cfg->name;
    b.memory_kb = cfg->memory_mib * 1024;
    b.maxmem_kb = cfg->maxmem_mib * 1024;
    b.max_vcpus = cfg->max_vcpus;
    b.kernel = kernel;
    b.kernel_len = klen;
    b.ramdisk = ramdisk;
    b.ramdisk_len = rlen;
    b.cmdline = cfg->cmdline;
    rc = hv_domain_build(&b, err, sizeof(err));
    if (rc) {
        fprintf(stderr, "xl: cannot create '%s': %s\n", cfg->name, err);
        status = rc == -ENOMEM ? XL_EXIT_NOMEM : XL_EXIT_CREATE;
        goto fail;
    }
    if (cfg->weight_set || cfg->cap_set) {
        unsigned int w = 0, c = 0;
        hv_sched_credit_get(b.domid, &w, &c);
        rc = hv_sched_credit_set(b.domid, cfg->weight_set ? cfg->weight : w,
                                 cfg->cap_set ? cfg->cap : c);
        if (rc) {
            fprintf(stderr, "xl: cannot set the scheduler parameters of '%s': %s\n",
                    cfg->name, strerror(-rc));
            goto fail_destroy;
        }
    }
    rc = consoled_add(b.domid, b.console_port);
    if (rc) {
        fprintf(stderr, "xl: cannot connect the console of '%s': %s\n", cfg->name,
                strerror(-rc));
        goto fail_destroy;
    }
    t->domid = b.domid;
    snprintf(t->name, sizeof(t->name), "%s", cfg->name);
    t->start_ns = os_now_ns();
    t->start_wall = os_wallclock_s();
    t->monitored = monitored;
    t->next = domains;
    domains = t;
    for (struct ts_observer *o = observers; o; o = o->next)
        if (o->created)
            o->created(o->arg, b.domid, b.store_mfn, b.store_port);
    if ((rc = ts_store_domain_add(t, &b))) {
        fprintf(stderr, "xl: cannot introduce '%s' to xenstored: %s\n", cfg->name,
                strerror(-rc));
        ts_destroy(b.domid);
        goto out_files;
    }
    /* Its disks and vifs, before it first runs: a frontend finds them at
     * boot. */
    if ((rc = ts_dev_add_config(t))) {
        ts_destroy(b.domid);
        goto out_files;
    }
    if (!paused && (rc = hv_domain_unpause(b.domid))) {
        fprintf(stderr, "xl: cannot start '%s': %s\n", cfg->name, strerror(-rc));
        ts_destroy(b.domid);
        goto out_files;
    }
    *domid = b.domid;
    os_file_unload(kernel);
    if (ramdisk)
        os_file_unload(ramdisk);
    return 0;

fail_destroy:
    consoled_remove(b.domid);
    hv_domain_destroy(b.domid);
fail:
    domcfg_free(&t->cfg);
    free(t);
out_files:
    if (kernel)
        os_file_unload(kernel);
    if (ramdisk)
        os_file_unload(ramdisk);
    return status;
}

static enum xl_action action_for(const struct ts_domain *t, unsigned int reason)
{
    switch (reason) {
    case SHUTDOWN_poweroff: return t->cfg.on_poweroff;
    case SHUTDOWN_reboot:   return t->cfg.on_reboot;
    case SHUTDOWN_crash:    return t->cfg.on_crash;
    case SHUTDOWN_watchdog: return t->cfg.on_watchdog;
    default:                return ACTION_PRESERVE;     /* suspend, soft_reset */
    }
}

/* Died within RAPID_DEATH_NS of starting after RAPID_RESTARTS_MAX such
 * restarts in a row: restarting it again would only loop. */
static bool rapid_loop(const struct ts_domain *t)
{
    return os_now_ns() - t->start_ns < RAPID_DEATH_NS && t->restarts >= RAPID_RESTARTS_MAX;
}

static void restart(struct ts_domain *t, bool rename)
{
    struct domain_config cfg;
    uint16_t old = t->domid, domid;
    unsigned int restarts = t->restarts + 1;
    bool rapid = os_now_ns() - t->start_ns < RAPID_DEATH_NS;
    char oldname[XL_NAME_MAX + 1];

    if (domcfg_copy(&cfg, &t->cfg)) {
        printf("xl: domain %u (%s): out of memory, cannot restart it\n", old, t->name);
        t->dead_handled = true;
        return;
    }
    snprintf(oldname, sizeof(oldname), "%s", t->name);
    if (rename) {
        snprintf(t->name, sizeof(t->name), "%.40s--incarnation-%u", oldname, restarts);
        ts_store_domain_rename(old, t->name);
        t->dead_handled = true;
    } else {
        ts_destroy(old);
        t = NULL;
    }
    if (ts_create(&cfg, false, true, &domid) == 0) {
        struct ts_domain *n = ts_find(domid);
        n->restarts = rapid ? restarts : 0;
        printf("xl: domain '%s' restarted as domain %u\n", oldname, domid);
    } else {
        printf("xl: domain '%s' could not be restarted\n", oldname);
    }
    domcfg_free(&cfg);
}

static void handle_death(struct ts_domain *t, const struct hv_dominfo *info)
{
    unsigned int reason = info->shutdown_reason;
    enum xl_action a = action_for(t, reason);

    if (!t->monitored) {
        printf("xl: domain %u (%s) has shut down (%s); not monitored (created with -e)\n",
               t->domid, t->name, xl_shutdown_reason(reason));
        t->dead_handled = true;
        return;
    }
    if ((a == ACTION_RESTART || a == ACTION_RENAME_RESTART) && rapid_loop(t)) {
        /* The restart-loop guard: keep it for a person to look at. */
        printf("xl: domain %u (%s) has shut down (%s): died %u times within seconds of "
               "starting: preserved instead of restarted\n", t->domid, t->name,
               xl_shutdown_reason(reason), t->restarts + 1);
        t->dead_handled = true;
        return;
    }
    printf("xl: domain %u (%s) has shut down (%s): %s\n", t->domid, t->name,
           xl_shutdown_reason(reason),
           a == ACTION_DESTROY ? "destroying" : a == ACTION_PRESERVE ? "preserved" :
           "restarting");
    switch (a) {
    case ACTION_DESTROY: {
        uint16_t id = t->domid;
        int rc = ts_destroy(id);
        if (rc)
            printf("xl: destroying domain %u failed: %s\n", id, strerror(-rc));
        break;
    }
    case ACTION_PRESERVE:
        t->dead_handled = true;
        break;
    case ACTION_RESTART:
    case ACTION_RENAME_RESTART:
        restart(t, a == ACTION_RENAME_RESTART);
        break;
    }
}

/* One step: act on the first domain that needs it; false when none does. */
static bool check_one(const struct hv_dominfo *info, int n)
{
    for (struct ts_domain *t = domains; t; t = t->next) {
        const struct hv_dominfo *i = NULL;
        for (int k = 0; k < n; k++)
            if (info[k].domid == t->domid)
                i = &info[k];
        if (!i) {
            printf("xl: domain %u (%s) has gone\n", t->domid, t->name);
            consoled_remove(t->domid);
            ts_store_domain_remove(t->domid);
            tell_destroyed(t->domid);
            forget(t);
            return true;
        }
        if (i->shutdown && !t->dead_handled) {
            handle_death(t, i);
            return true;
        }
    }
    return false;
}

void ts_check_domains(void)
{
    static struct hv_dominfo info[MAX_DOMAINS + 1];
    int n = 0;

    /* Each step changes the domains, so look again after each. */
    for (int steps = 0; steps < 2 * MAX_DOMAINS; steps++) {
        n = hv_domain_list(info, MAX_DOMAINS + 1);
        if (n < 0 || !check_one(info, n))
            break;
    }
    for (int k = 0; k < n; k++) {
        bool known = false;
        if (info[k].domid == 0 || !info[k].shutdown || ts_find(info[k].domid))
            continue;
        for (unsigned int r = 0; r < nreported; r++)
            known |= reported_foreign[r] == info[k].domid;
        if (known || nreported == sizeof(reported_foreign) / sizeof(reported_foreign[0]))
            continue;
        reported_foreign[nreported++] = info[k].domid;
        printf("xl: domain %u (not created by xl) has shut down (%s); 'xl destroy %u' "
               "removes it\n", info[k].domid, xl_shutdown_reason(info[k].shutdown_reason),
               info[k].domid);
    }
}

static void check(void *arg)
{
    (void)arg;
    for (struct ts_observer *o = observers; o; o = o->next)
        if (o->domains_changed)
            o->domains_changed(o->arg);
    ts_check_domains();
}

static void on_dom_exc(void *arg, unsigned int port)
{
    (void)arg;
    (void)port;
    os_work_queue(check_work);
}

int ts_init(void)
{
    int rc;

    if (!(check_work = os_work_new(check, NULL)))
        return -ENOMEM;
    rc = os_evtchn_bind_virq(VIRQ_DOM_EXC, on_dom_exc, NULL);
    return rc < 0 ? rc : 0;
}
