/*
 * crash-lgdt: LGDT in ring 1.
 *
 * Loading the GDT is privileged (#GP outside ring 0) and is never emulated:
 * PV guests must use set_gdt, which validates every descriptor.
 *
 * No trap table is registered, so the hypervisor cannot bounce the fault to
 * the guest: it must crash the domain (and only the domain), print
 * "(mica) d0 crashed: <reason>" and exit with the crash code.  Reaching the
 * line after the instruction is a failure.
 */
#include <test.h>

void test_main(void)
{
    static struct { uint16_t limit; uint32_t base; } __attribute__((packed)) gdtr;

    test_expect_crash("lgdt in ring 1");
    asm volatile ("lgdt %0" :: "m" (gdtr));
    test_fail("survived: lgdt");
}
