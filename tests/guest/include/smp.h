/*
 * Secondary vCPUs for test guests (runtime/smp.c).
 *
 * smp_start(id, fn) gives vCPU `id` a context the way a PV kernel does for
 * its secondary CPUs -- the same page tables (CR3 = our L3), the flat
 * ring-1 selectors of the hypervisor's GDT (gdt_ents 0), the runtime's
 * virtual IDT and callbacks, a stack of its own -- with VCPUOP_initialise,
 * then brings it up with VCPUOP_up.  The vCPU runs fn(id); when fn returns
 * it takes itself down (VCPUOP_down).  smp_rerun(id, fn) brings it up
 * again to run another function (its context stays: VCPUOP_initialise
 * works once per vCPU).
 *
 * Each secondary vCPU runs on smp_stacks[id] (8 KiB, aligned), so
 * smp_processor_id() is computed from ESP; vCPU 0 runs on the runtime's
 * own stack.  Events on a secondary vCPU go to smp_event_hook if set
 * (which must consume the upcall), else the runtime clears that vCPU's
 * upcall_pending and selector (in smp_vcpu_info[id] if the test moved it,
 * else in shared_info) and leaves the port bits to the test; either way
 * the upcall is counted in smp_events[id].
 */
#ifndef GUEST_SMP_H
#define GUEST_SMP_H

#include <stdint.h>
#include <public/xen.h>
#include <traps.h>

#define SMP_MAX_VCPUS 8
#define SMP_STACK_SIZE 8192

extern uint8_t smp_stacks[SMP_MAX_VCPUS][SMP_STACK_SIZE];
extern volatile unsigned int smp_events[SMP_MAX_VCPUS];
extern void (*volatile smp_event_hook)(unsigned int cpu, struct exc_frame *f);
/* Where vCPU id's vcpu_info is (NULL: shared_info's slot), for the default handler. */
extern volatile struct vcpu_info *volatile smp_vcpu_info[SMP_MAX_VCPUS];

static inline unsigned int smp_processor_id(void)
{
    uint32_t sp;

    asm volatile ("mov %%esp, %0" : "=r" (sp));
    if (sp > (uint32_t)smp_stacks && sp <= (uint32_t)smp_stacks + sizeof(smp_stacks))
        return (sp - (uint32_t)smp_stacks - 1) / SMP_STACK_SIZE;
    return 0;
}

/* A context for vCPU id that will run fn(id) (not yet loaded anywhere). */
void smp_build_context(vcpu_guest_context_t *c, unsigned int id, void (*fn)(unsigned int));
/* VCPUOP_initialise + VCPUOP_up: 0 or the first error. */
long smp_start(unsigned int id, void (*fn)(unsigned int));
/* Bring a vCPU that went down after its function up again to run fn. */
long smp_rerun(unsigned int id, void (*fn)(unsigned int));
void smp_idle(unsigned int id);
/* The machine frame of our L3 (the CR3 every vCPU shares). */
uint32_t smp_l3_mfn(void);

#endif /* GUEST_SMP_H */
