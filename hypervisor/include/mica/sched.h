/*
 * The scheduler's interface to the rest of the hypervisor.
 */
#ifndef MICA_SCHED_H
#define MICA_SCHED_H
#include <mica/domain.h>
/* Pick the next vCPU to run and switch to it; never returns. */
void schedule(void) __noreturn;
/*
 * Block the current vCPU until an event is pending for it (HLT from a
 * guest kernel, emulate.c).  Returns when the vCPU may run again; the
 * caller returns to the guest normally.  Provided by the scheduler; a
 * temporary version lives in common/sched_block_shim.c until then.
 */
void vcpu_block_current(void);
#endif
