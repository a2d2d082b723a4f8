/*
 * crash-cr3: MOV to CR3 with an MFN we do not own.
 *
 * MOV to CR3 is privileged and raises #GP in ring 1.  Xen emulates it as
 * MMUEXT_NEW_BASEPTR, so this test loads a CR3 value naming MFN 0, which
 * is never a validated L3 of ours: whether or not the hypervisor emulates
 * the instruction, the result must be a fault it cannot bounce.
 *
 * No trap table is registered, so the hypervisor cannot bounce the fault to
 * the guest: it must crash the domain (and only the domain), print
 * "(mica) d0 crashed: <reason>" and exit with the crash code.  Reaching the
 * line after the instruction is a failure.
 */
#include <test.h>

void test_main(void)
{
    test_expect_crash("mov $0, %cr3 in ring 1");
    asm volatile ("mov %0, %%cr3" :: "r" (0) : "memory");
    test_fail("survived: mov to cr3");
}
