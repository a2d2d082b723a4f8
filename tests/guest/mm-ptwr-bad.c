/*
 * mm-ptwr-bad: a write to an L1 table that the writable-page-table assist
 * must NOT perform.
 *
 * The assist is on, and the guest stores an entry mapping frame 0 -- a
 * hypervisor frame -- through the read-only mapping of its L1.  The store
 * faults; the new entry fails validation, so nothing is emulated and the
 * fault is the guest's: with no trap table, the domain is crashed (and
 * the hypervisor carries on to tear it down cleanly, which the auditor
 * checks).  Reaching the next line would be a failure.
 */
#include <pt.h>

void test_main(void)
{
    uint32_t va = mapped_end() - PAGE_SIZE;
    volatile uint32_t *lo = (uint32_t *)((uint64_t *)mfn_to_virt(l1_mfn_of(va)) + L1_INDEX(va));

    if (HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables)) {
        test_error("cannot enable writable page tables");
        return;
    }
    *lo = *lo;          /* a valid emulated write first: the assist works */
    test_expect_crash("store of an entry mapping frame 0 into an L1");
    *lo = _PAGE_PRESENT | _PAGE_RW;
    test_fail("survived: an L1 entry mapping frame 0 was written");
}
