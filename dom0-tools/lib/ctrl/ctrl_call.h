/*
 * libctrl's internals: making a call with its structure and arrays in
 * hypercall buffers (os_priv.h).  Used by ctrl_*.c only.
 *
 * A call copies the caller's structure into a buffer, makes the call and
 * copies the structure back (the hypervisor writes OUT fields and, for a
 * preempted call, its progress into it).  An array goes the same way
 * through a bounce buffer: ctrl_bounce() copies in (src may be NULL for
 * OUT-only arrays), ctrl_unbounce() copies out (dst may be NULL for
 * IN-only ones) and frees.
 */
#ifndef DOM0_LIB_CTRL_CALL_H
#define DOM0_LIB_CTRL_CALL_H

#include "ctrl.h"
#include "os_priv.h"
#include <public/domctl.h>
#include <public/sysctl.h>

/* domctl / sysctl with the interface version set: the hypercall's result. */
int ctrl_domctl(struct xen_domctl *op);
int ctrl_sysctl(struct xen_sysctl *op);
/* A hypercall of the common shape op(a1, struct *arg, a3): memory_op,
 * event_channel_op, grant_table_op (a3 = count), xen_version.  The
 * structure (size bytes, may be 0 with arg NULL) is bounced. */
long ctrl_call(unsigned int nr, unsigned long a1, void *arg, size_t size, unsigned long a3);
/* The other shape, op(struct *arg, a2, a3, a4): domctl, sysctl, mmuext_op. */
long ctrl_call_first(unsigned int nr, void *arg, size_t size, unsigned long a2,
                     unsigned long a3, unsigned long a4);

/* A getdomaininfo record as libctrl's callers see it. */
void ctrl_dominfo_from(struct ctrl_dominfo *out, const struct xen_domctl_getdomaininfo *in);

void *ctrl_bounce(const void *src, size_t size);
void ctrl_unbounce(void *buf, void *dst, size_t size);

#endif
