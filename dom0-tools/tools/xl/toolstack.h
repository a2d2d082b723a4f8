/*
 * The toolstack's memory of domains (toolstack.c): what xl created, from
 * which configuration, and what happens when a domain dies.
 *
 * In Xen this knowledge lives in xenstore and in one "xl monitor" process
 * per domain.  Mica's Dom0 keeps it in one table and one VIRQ_DOM_EXC
 * handler; what guests and backends need to know is written to xenstore
 * too (ts_store.c).
 */
#ifndef XL_TOOLSTACK_H
#define XL_TOOLSTACK_H

#include <stdint.h>
#include <stdbool.h>
#include "domcfg.h"
#include "hv.h"

struct ts_domain {
    uint16_t domid;
    char name[XL_NAME_MAX + 1];
    struct domain_config cfg;       /* as created: for restart and list -l */
    uint64_t start_ns;              /* os_now_ns() when it was created */
    uint64_t start_wall;            /* wall clock seconds then */
    bool monitored;                 /* apply on_* (xl create -e: not) */
    bool dead_handled;              /* its death was acted on (preserve) */
    unsigned int restarts;
    struct ts_domain *next;
};

/*
 * Daemons that serve every domain (xenstored, later the block and network
 * backends) learn of domains here: created() after a domain is built and
 * before it first runs, with the xenstore ring and port start_info gives
 * it; destroying() just before the toolstack destroys it (a backend
 * unmaps its pages now, so the teardown finds none mapped); destroyed()
 * after it is gone; domains_changed() on every VIRQ_DOM_EXC, before the
 * toolstack acts on it (the toolstack owns the VIRQ: it can be bound
 * once).  Any may be NULL.  xenstored is also told through the store
 * itself (XS_INTRODUCE, ts_store.c), as in Xen.  An observer is never
 * removed (daemons live as long as Dom0).
 */
struct ts_observer {
    void (*created)(void *arg, uint16_t domid, uint32_t store_mfn, uint32_t store_port);
    void (*destroying)(void *arg, uint16_t domid);
    void (*destroyed)(void *arg, uint16_t domid);
    void (*domains_changed)(void *arg);
    void *arg;
    struct ts_observer *next;
};
void ts_observe(struct ts_observer *o);

/* Start watching VIRQ_DOM_EXC (once, at Dom0's boot). */
int ts_init(void);

/*
 * Create a domain from a checked configuration: build it, connect its
 * console, start it unless `paused`.  0 and *domid, or an xl exit status
 * (> 0) after printing why on stderr; nothing is left behind then.
 */
int ts_create(const struct domain_config *cfg, bool paused, bool monitored, uint16_t *domid);
/* Destroy a domain (xl's or not): 0 or -errno. */
int ts_destroy(uint16_t domid);

/* Find a domain by name or id (as xl's commands take them): 0 or -ESRCH. */
int ts_lookup(const char *name_or_id, uint16_t *domid);
/* The name of a domain: "Domain-0", an xl name, or NULL if unknown. */
const char *ts_name(uint16_t domid);
struct ts_domain *ts_find(uint16_t domid);
struct ts_domain *ts_first(void);

/* Look at every domain now (what the VIRQ_DOM_EXC handler does). */
void ts_check_domains(void);
/* Statistics for tests: deaths handled, restarts done. */
unsigned int ts_nr_domains(void);

#endif
