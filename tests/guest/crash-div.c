/*
 * crash-div: integer divide by zero (#DE, vector 0).
 *
 * Vector 0 is the first IDT entry and the easiest to get wrong in a
 * bounce path; with no guest handler it must crash the domain.
 *
 * No trap table is registered, so the hypervisor cannot bounce the fault to
 * the guest: it must crash the domain (and only the domain), print
 * "(mica) d0 crashed: <reason>" and exit with the crash code.  Reaching the
 * line after the instruction is a failure.
 */
#include <test.h>

void test_main(void)
{
    uint32_t q, r;

    test_expect_crash("divl by zero");
    asm volatile ("divl %4" : "=a" (q), "=d" (r) : "0" (1), "1" (0), "r" (0));
    test_fail("survived: divide by zero");
}
