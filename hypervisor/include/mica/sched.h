/*
 * The scheduler's interface to the rest of the hypervisor.
 */
#ifndef MICA_SCHED_H
#define MICA_SCHED_H
#include <mica/domain.h>
/* Pick the next vCPU to run and switch to it; never returns. */
void schedule(void) __noreturn;
#endif
