/*
 * crash-iret-ring0: the iret hypercall asked to return to ring 0.
 *
 * A frame whose CS has RPL 0 names the hypervisor's privilege level; no
 * correct kernel builds one, so the hypervisor crashes the domain (Xen
 * does the same) rather than try to guess.  The CS used is the ring-1 flat
 * code selector with its RPL cleared: a value one bit away from a good one.
 */
#include <test.h>

void test_main(void)
{
    test_expect_crash("iret hypercall to a ring-0 CS");
    asm volatile ("pushl $0x202\n\tpushl %[cs]\n\tpushl $1f\n\t"
                  "jmp hypercall_page + %c[slot]\n1:"
                  :: [cs] "i" (FLAT_RING1_CS & ~3), [slot] "i" (__HYPERVISOR_iret * 32)
                  : "eax", "memory");
    test_fail("survived: iret to ring 0");
}
