/*
 * crash-hlt: HLT in ring 1.
 *
 * HLT is privileged (CPL 0 only); in ring 1 it raises #GP(0).  A PV guest
 * idles with SCHEDOP_block instead.  A hypervisor that emulated HLT by
 * halting the real CPU would hang the machine.
 *
 * No trap table is registered, so the hypervisor cannot bounce the fault to
 * the guest: it must crash the domain (and only the domain), print
 * "(mica) d0 crashed: <reason>" and exit with the crash code.  Reaching the
 * line after the instruction is a failure.
 */
#include <test.h>

void test_main(void)
{
    test_expect_crash("hlt in ring 1");
    asm volatile ("hlt");
    test_fail("survived: hlt");
}
