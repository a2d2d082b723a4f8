/*
 * crash-int80: int $0x80 before any trap table is registered (XSA-259).
 *
 * Xen's int $0x80 fast path once wrote through a NULL handler when a guest
 * used it before registering one, and crashed the host.  Here the int 0x80
 * gate has DPL 0 while no handler exists, so the instruction faults with
 * #GP like any unhandled INT n; with no trap table the hypervisor cannot
 * deliver that #GP either and must crash the domain -- only the domain --
 * naming the #GP.  Reaching the line after the instruction is a failure.
 */
#include <test.h>

void test_main(void)
{
    test_expect_crash("int $0x80 with no trap table");
    asm volatile ("int $0x80" ::: "memory");
    test_fail("survived: int $0x80 with no handler");
}
