/*
 * mm-ptwr-l2: the writable-page-table assist covers L1 tables only.
 *
 * With the assist on, the guest writes an entry of its L2 (the one under
 * L3 slot 3) through the read-only bootstrap mapping of it -- even an
 * unchanged value.  Higher-level tables are never written by emulation
 * (only mmu_update changes them), so the fault is the guest's: with no
 * trap table, the domain is crashed, alone.
 */
#include <pt.h>

void test_main(void)
{
    uint64_t e[3];
    volatile uint32_t *l2;

    if (pt_walk(VIRT_BASE, e) != 0 || !(l2 = mfn_to_virt(PTE_MFN(e[0])))) {
        test_error("cannot find the L2");
        return;
    }
    if (HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables)) {
        test_error("cannot enable writable page tables");
        return;
    }
    test_expect_crash("write to an L2 table with writable page tables on");
    l2[0] = l2[0];
    test_fail("survived: a write to an L2 table was emulated");
}
