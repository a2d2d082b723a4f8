/*
 * crash-ptwrite: writing one of our own page-table pages.
 *
 * The bootstrap tables are mapped read-only and the hypervisor runs the
 * guest with CR0.WP = 1, so even ring 1 cannot write them; the guest has not
 * enabled VMASST_TYPE_writable_pagetables, so the write must not be
 * emulated either.  We write back the value already there, so that a
 * hypervisor that wrongly lets the write through is not also corrupted.
 *
 * No trap table is registered, so the hypervisor cannot bounce the fault to
 * the guest: it must crash the domain (and only the domain), print
 * "(mica) d0 crashed: <reason>" and exit with the crash code.  Reaching the
 * line after the instruction is a failure.
 */
#include <test.h>

void test_main(void)
{
    uint64_t e[3];
    volatile uint64_t *l1;

    if (pt_walk(VIRT_BASE, e) != 0 || !(l1 = mfn_to_virt(PTE_MFN(e[1])))) {
        test_error("cannot find the L1 table mapping VIRT_BASE");
        return;
    }
    test_expect_crash("write to the L1 table at its read-only mapping");
    l1[0] = l1[0];
    test_fail("survived: write to an L1 page-table page");
}
