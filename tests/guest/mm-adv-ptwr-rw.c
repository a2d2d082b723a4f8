/*
 * mm-adv-ptwr-rw: XSA-182 through the writable-page-table assist.
 *
 * A scratch page is mapped read-only onto a pinned L1 table.  With the
 * assist on, the guest sets only the RW bit of that entry with an `or` on
 * the entry itself (through the read-only mapping of its own L1).  The
 * emulated update must be checked like any other -- a page table can
 * never be mapped writable -- so it is refused, the store is not emulated,
 * and the fault crashes the domain (no trap table).  Surviving it, or
 * finding the entry writable, would be a failure.
 */
#include <pt.h>

void test_main(void)
{
    uint32_t va = mapped_end() - PAGE_SIZE, t = spare_frame();
    volatile uint32_t *lo = (uint32_t *)((uint64_t *)mfn_to_virt(l1_mfn_of(va)) + L1_INDEX(va));

    if (pin(1, t) || HYPERVISOR_update_va_mapping(va, PTE(t, _PAGE_PRESENT), UVMF_INVLPG) ||
        HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables)) {
        test_error("setup failed");
        return;
    }
    asm volatile("orl $0x20, (%0)" :: "r"(lo) : "memory", "cc");   /* A: allowed */
    test_expect_crash("setting RW on a read-only mapping of a pinned L1");
    asm volatile("orl $2, (%0)" :: "r"(lo) : "memory", "cc");
    test_fail("survived: entry is now %#x", *lo);
}
