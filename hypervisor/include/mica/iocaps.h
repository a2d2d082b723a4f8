/*
 * I/O capabilities a toolstack grants a domain (common/iocaps.c): I/O
 * ports, machine-frame ranges and PIRQs, set by domctl
 * ioport_permission, iomem_permission and irq_permission.
 *
 * The initial domain has every I/O capability by being privileged; any
 * other domain starts with none (d->iocaps NULL) and gets only what it is
 * given -- the model of a driver domain that holds its own devices and
 * nothing else.  Where the grants take effect: port access from a guest
 * (arch/x86/physdev.c), EVTCHNOP_bind_pirq, cache attributes in page
 * tables (pt_rules.h) and extents above 2 MiB in memory_op, which Xen
 * allows only to domains with I/O capabilities.
 */
#ifndef MICA_IOCAPS_H
#define MICA_IOCAPS_H

#include <mica/types.h>

struct domain;

#define IOCAPS_PORTS        65536
#define IOCAPS_IOMEM_RANGES 32          /* disjoint MFN ranges per domain */
#define IOCAPS_PIRQS        256         /* the 4.2 domctl names a PIRQ in a byte */

struct domain_iocaps {
    uint8_t ports[IOCAPS_PORTS / 8];    /* bit set: port granted */
    unsigned int nr_ports;              /* ports granted */
    struct { uint64_t first, last; } iomem[IOCAPS_IOMEM_RANGES];
    unsigned int nr_iomem;              /* ranges in use, sorted, disjoint */
    uint8_t pirqs[IOCAPS_PIRQS / 8];
};

/* domctl: 0, -EINVAL (range), -ENOMEM (no room for the grant). */
int iocaps_ioport(struct domain *d, uint32_t first, uint32_t nr, bool allow);
int iocaps_iomem(struct domain *d, uint64_t first, uint64_t nr, bool allow);
int iocaps_irq(struct domain *d, unsigned int pirq, bool allow);

/* Queries (privileged domains hold everything). */
bool iocaps_ioport_allowed(const struct domain *d, unsigned int port, unsigned int bytes);
bool iocaps_iomem_allowed(const struct domain *d, uint64_t mfn);
bool iocaps_irq_allowed(const struct domain *d, unsigned int pirq);

/* Any I/O port or memory range granted (Xen's "has I/O capabilities"). */
static inline bool iocaps_any_io(const struct domain_iocaps *c)
{
    return c && (c->nr_ports || c->nr_iomem);
}

/* Teardown. */
void domain_free_iocaps(struct domain *d);

#endif
