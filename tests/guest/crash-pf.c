/*
 * crash-pf: a page fault before any trap table is registered.
 *
 * 0x10000000 lies below the bootstrap region and is unmapped (checked by
 * walking the page tables first), so reading it raises #PF.
 *
 * No trap table is registered, so the hypervisor cannot bounce the fault to
 * the guest: it must crash the domain (and only the domain), print
 * "(mica) d0 crashed: <reason>" and exit with the crash code.  Reaching the
 * line after the instruction is a failure.
 */
#include <test.h>

void test_main(void)
{
    if (va_mapped(0x10000000)) {
        test_error("0x10000000 is mapped, cannot test");
        return;
    }
    test_expect_crash("read of unmapped 0x10000000");
    (void)*(volatile uint32_t *)0x10000000;
    test_fail("survived: read of an unmapped address");
}
