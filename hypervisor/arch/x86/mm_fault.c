/*
 * Guest page faults the hypervisor resolves without the guest's help.
 *
 * Placeholder until the memory issue: nothing is resolved here yet, every
 * guest #PF goes on to delivery (or, with no trap table, a domain crash).
 */
#include <mica/types.h>
#include <asm/traps.h>

bool mm_guest_page_fault(struct cpu_regs *r, unsigned long cr2)
{
    return false;
}
