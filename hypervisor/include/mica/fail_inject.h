/*
 * Allocation-failure injection (hypervisor/common/fail_inject.c): make the
 * Nth heap allocation from now fail, and then every `every`-th one, so the
 * failure paths of domain creation, event-channel buckets, grant tables,
 * page-type bookkeeping and the rest are actually taken -- in the host
 * tests (whose allocator shims consult it too) and, with the boot option
 * fail_alloc=N[,every] (docs/boot.md), in a running hypervisor.
 */
#ifndef MICA_FAIL_INJECT_H
#define MICA_FAIL_INJECT_H

#include <mica/types.h>

/* Fail allocation number nth (1 = the next one), then every every-th one
 * after it (0: only the nth).  nth 0 disarms. */
void alloc_fail_arm(unsigned long nth, unsigned long every);
/* Count one allocation; true if it is to fail. */
bool alloc_fail_now(void);
/* Allocations the hypervisor makes for its own checking (the memory
 * auditor) are not counted: bracket them. */
void alloc_fail_exempt(bool on);
/* How many allocations were counted, and how many failed on purpose. */
unsigned long alloc_fail_counted(void);
unsigned long alloc_fail_injected(void);

/* fail_alloc=ctl: the control domain may arm it (MICA_SYSCTL_fail_alloc). */
void alloc_fail_allow_control(void);
bool alloc_fail_controllable(void);

#endif
