/*
 * hello: the smallest possible test.
 *
 * If this passes, the hypervisor loaded the ELF image at the addresses its
 * notes ask for, filled the hypercall page, entered the guest in ring 1
 * with a usable stack and start_info in ESI, and implements console_io
 * write and sched_op shutdown well enough to print a verdict and power off.
 * The same source is linked as legacy-hello with only the legacy
 * `__xen_guest` string instead of ELF notes, to cover the loader's fallback.
 */
#include <test.h>

void test_main(void)
{
    printf("Hello from a Mica test guest (start_info at %p, magic \"%.32s\")\n",
           start_info, start_info->magic);
    test_success();
}
