/*
 * crash-iret-frame: the iret hypercall with a frame that runs off the
 * mapped stack.
 *
 * ESP is set so that the iret slot's `push %eax` lands on the last mapped
 * word of the bootstrap region: the rest of the frame (EIP, CS, EFLAGS) is
 * unmapped.  The hypervisor must notice when it reads the frame -- through
 * the guest's page tables, with fault recovery -- and crash the domain
 * ("cannot read the frame"), never fault itself.
 */
#include <test.h>

void test_main(void)
{
    uint32_t top = mapped_end();

    if (va_mapped(top) || !va_mapped(top - 4)) {
        test_error("cannot find the end of the bootstrap mapping");
        return;
    }
    test_expect_crash("iret hypercall with the frame beyond the mapped stack");
    asm volatile ("mov %0, %%esp\n\tjmp hypercall_page + %c1"
                  :: "r" (top), "i" (__HYPERVISOR_iret * 32) : "memory");
    test_fail("survived: iret with an unreadable frame");
}
