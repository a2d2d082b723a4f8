/*
 * crash-hlt: HLT in ring 1.
 *
 * HLT is privileged (CPL 0 only); in ring 1 it raises #GP(0), and the
 * hypervisor emulates it as "block until an event is pending".  A
 * hypervisor that emulated HLT by halting the real CPU would hang the
 * machine.
 *
 * Here no event is pending and (until the scheduling issue brings event
 * channels and timers) nothing could ever send one, so the vCPU could
 * never wake: the hypervisor must crash the domain (and only the domain)
 * saying so, print "(mica) d0 crashed: <reason>" and exit with the crash
 * code.  Reaching the line after the instruction is a failure.  When the
 * scheduler lands, this test becomes "hlt with a timer armed returns".
 */
#include <test.h>

void test_main(void)
{
    test_expect_crash("hlt in ring 1");
    asm volatile ("hlt");
    test_fail("survived: hlt");
}
