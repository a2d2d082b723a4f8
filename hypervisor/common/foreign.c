/*
 * Naming another domain in a memory, grant or event-channel operation:
 * who may, which domains can be named, and what a refusal looks like.
 *
 * A privileged domain (one xsm.c allows the action) builds and serves
 * other domains by naming them in operations that normally act on the
 * caller: mmu_update and update_va_mapping_otherdomain map their frames
 * (FD, the data owner) or write their page tables (PFD), mmuext_op pins
 * their tables, memory_op populates their memory, grant_table_op sets up
 * their grant table.  The rules, Xen's:
 *
 *   DOMID_SELF            the caller, always allowed.
 *   the caller's own id   the caller, except as mmu_update/mmuext_op's FD,
 *                         which must say DOMID_SELF (Xen refuses "itself
 *                         as foreign domain").
 *   DOMID_IO              as the frame owner of mmu_update and
 *                         update_va_mapping_otherdomain: "I/O memory",
 *                         any caller (iomem.h decides what it may map,
 *                         never RAM); refused elsewhere.
 *   DOMID_XEN             owner of hypervisor pages guests never map:
 *                         refused.
 *   another domain        the caller must be allowed the action (xsm.c),
 *                         the domain must exist and must not be dying,
 *                         shut down or crashed.
 *
 * Why not a shut-down domain: new references on the memory of a domain
 * that is only waiting to be destroyed are of no use to building or
 * serving it, and each would keep a frame alive past the destroy (a
 * zombie, domain_teardown.c).  Saving a suspended domain or dumping a
 * crashed one would need them; the zombie rule makes that safe to allow
 * later.  A dying domain is never named: the toolstack's remaining
 * business with it is destroydomain and getdomaininfo (domctl.c), which
 * do not come here.
 *
 * Each interface reports a refusal its own way, so the answer is an
 * errno the caller translates: mmu_update/mmuext_op -ESRCH for all of
 * them (foreign_pg_owner), memory_op's reservation ops "no extent done",
 * grant ops GNTST_permission_denied / GNTST_bad_domain, event channels
 * -EPERM / -ESRCH.
 */
#include <mica/foreign.h>
#include <mica/domain.h>
#include <mica/errno.h>
#include <mica/xsm.h>
#include <mica/iomem.h>

/* The existing, living (not dying, not stopped) domain with this id. */
static struct domain *live_domain(domid_t id)
{
    struct domain *d = domain_lookup(id);

    return d && !d->is_dying && !domain_is_dead(d) ? d : NULL;
}

int foreign_domain(domid_t id, enum xsm_action a, struct domain **out)
{
    struct domain *cur = current_domain(), *d;

    if (id == DOMID_SELF || id == cur->domain_id) {
        *out = cur;
        return 0;
    }
    if (xsm_check(a, cur, NULL))
        return -EPERM;
    if (!(d = live_domain(id)))
        return -ESRCH;
    *out = d;
    return 0;
}

int foreign_pg_owner(domid_t id, enum xsm_action a, struct domain **out)
{
    struct domain *cur = current_domain(), *d;

    if (id == DOMID_SELF) {
        *out = cur;
        return 0;
    }
    if (id == DOMID_IO && a == XSM_MMU_FOREIGN) {
        *out = &dom_io;
        return 0;
    }
    if (id == cur->domain_id || id >= DOMID_FIRST_RESERVED)
        return -ESRCH;
    if (xsm_check(a, cur, NULL) || !(d = live_domain(id)))
        return -ESRCH;
    *out = d;
    return 0;
}

int foreign_pt_owner(domid_t id, struct domain **out)
{
    struct domain *cur = current_domain(), *d;

    if (id == cur->domain_id) {
        *out = cur;
        return 0;
    }
    d = id < DOMID_FIRST_RESERVED ? domain_lookup(id) : NULL;
    if (!d || !d->vcpu[0])
        return -EINVAL;
    if (xsm_check(XSM_MMU_FOREIGN, cur, d) || d->is_dying || domain_is_dead(d))
        return -ESRCH;
    *out = d;
    return 0;
}
