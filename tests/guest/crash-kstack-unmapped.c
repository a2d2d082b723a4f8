/*
 * crash-kstack-unmapped: user space takes an exception while the kernel
 * stack registered with stack_switch is unmapped.
 *
 * The frame for an exception from ring 3 goes on kernel_ss:kernel_sp.
 * Here kernel_sp is 0x10001000, below the bootstrap region and unmapped;
 * user code executes int3.  The hypervisor cannot write the frame and must
 * crash the domain alone.
 */
#include <test.h>
#include <traps.h>

static uint32_t u_int3(void)
{
    asm volatile ("int3");
    return 0;
}

void test_main(void)
{
    traps_init();
    user_map_image();
    if (va_mapped(0x10000000)) {
        test_error("0x10000000 is mapped");
        return;
    }
    exec_user_kernel_sp = 0x10001000;
    test_expect_crash("int3 from ring 3 with an unmapped kernel stack");
    exec_user(u_int3);
    test_fail("survived: exception with an unmapped kernel stack");
}
