/*
 * crash-failsafe-none: returning to a context the CPU refuses, with no
 * failsafe callback registered.
 *
 * The iret hypercall is given CS 0xe011 -- the hypervisor's data selector
 * with RPL 1, which passes the ring check but is not code.  The
 * hypervisor's IRETQ faults on it (in ring 0), the fault is caught by its
 * exception table, and with no failsafe callback the domain is crashed
 * ("... no failsafe callback"): the hypervisor itself carries on.
 */
#include <test.h>

void test_main(void)
{
    test_expect_crash("iret to a data selector with no failsafe callback");
    asm volatile ("pushl $0x202\n\tpushl $0xe011\n\tpushl $1f\n\t"
                  "jmp hypercall_page + %c0\n1:"
                  :: "i" (__HYPERVISOR_iret * 32) : "eax", "memory");
    test_fail("survived: iret to a bad CS");
}
