/*
 * crash-kstack-hole: the guest kernel's stack points into the hypervisor
 * hole when it takes an exception.
 *
 * A handler is registered (so the hypervisor does try to deliver), then
 * ESP is set to 0xF5800010 -- inside the read-only M2P, in the hole -- and
 * int3 executed.  The bounce frame would be written at 0xF5800004: the
 * hypervisor must refuse to write there and crash the domain alone
 * ("cannot write the exception frame"), neither writing the M2P nor
 * faulting itself.
 */
#include <test.h>
#include <traps.h>

void test_main(void)
{
    traps_init();
    test_expect_crash("int3 with ESP inside the hypervisor hole");
    asm volatile ("mov %0, %%esp\n\tint3" :: "r" (HYPERVISOR_VIRT_START + 0x10) : "memory");
    test_fail("survived: exception with the kernel stack in the hole");
}
