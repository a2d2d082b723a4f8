/*
 * Naming another domain in a memory, grant or event-channel operation
 * (common/foreign.c, whose comment gives the rules).
 */
#ifndef MICA_FOREIGN_H
#define MICA_FOREIGN_H

#include <mica/types.h>
#include <mica/xsm.h>
#include <public/xen.h>

struct domain;

/*
 * The domain `id` names for action a: DOMID_SELF or the caller's own id
 * is the caller; another living domain needs xsm's consent.  0, -EPERM
 * (not allowed) or -ESRCH (no such living domain).
 */
int foreign_domain(domid_t id, enum xsm_action a, struct domain **out);

/* mmu_update / mmuext_op / update_va_mapping_otherdomain FD (Xen's
 * get_pg_owner): as above but the own id is refused; every refusal -ESRCH. */
int foreign_pg_owner(domid_t id, enum xsm_action a, struct domain **out);

/* mmu_update PFD (the tables' owner): -EINVAL if it does not exist or has
 * no vCPU 0, -ESRCH if the caller may not or it is dying/stopped. */
int foreign_pt_owner(domid_t id, struct domain **out);

#endif
