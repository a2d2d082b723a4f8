/*
 * crash-ud: UD2 without the forced-emulation prefix.
 *
 * Only `ud2; .ascii "xen"; cpuid` is emulated (as CPUID); a plain UD2,
 * here followed by bytes that are NOT "xen", must be delivered as #UD.
 *
 * No trap table is registered, so the hypervisor cannot bounce the fault to
 * the guest: it must crash the domain (and only the domain), print
 * "(mica) d0 crashed: <reason>" and exit with the crash code.  Reaching the
 * line after the instruction is a failure.
 */
#include <test.h>

void test_main(void)
{
    test_expect_crash("ud2 (no emulation prefix)");
    asm volatile ("ud2; .ascii \"nex\"; nop");
    test_fail("survived: ud2");
}
