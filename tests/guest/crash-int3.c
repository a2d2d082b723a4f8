/*
 * crash-int3: INT3 (#BP) with no trap table.
 *
 * INT3 reaches the guest whatever the trap table says (its real IDT gate
 * has DPL 3); with no handler registered it must crash the domain, not be
 * skipped or crash the hypervisor.
 *
 * No trap table is registered, so the hypervisor cannot bounce the fault to
 * the guest: it must crash the domain (and only the domain), print
 * "(mica) d0 crashed: <reason>" and exit with the crash code.  Reaching the
 * line after the instruction is a failure.
 */
#include <test.h>

void test_main(void)
{
    test_expect_crash("int3");
    asm volatile ("int3");
    test_fail("survived: int3");
}
