/*
 * Between memory_op.c (the dispatcher and the reservation commands) and
 * memory_map.c (the address-map commands).
 */
#ifndef COMMON_MEMORY_OP_H
#define COMMON_MEMORY_OP_H

#include <mica/types.h>

struct domain;

/* The domain a domid argument names, Xen's way: -ESRCH, then -EPERM. */
long memop_target_domain(domid_t id, struct domain **out);
/* The same for the sub-ops whose whole argument is a domid_t (maximum_gpfn,
 * current/maximum_reservation): copied in, then resolved.  0 or -errno. */
long memop_domid_arg(guest_va_t arg, struct domain **out);
/* set_/memory_map, machine_memory_map, maximum_gpfn, the physmap commands. */
long memop_physmap(unsigned int cmd, unsigned long start, guest_va_t arg);

#endif
