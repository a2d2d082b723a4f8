/*
 * mm-pf: page faults the memory code does not resolve reach the guest,
 * with CR2 in vcpu_info (fact sheet 7.3), now that a trap table exists.
 *
 *  - A read of an unmapped address: #PF, error code "not present, read,
 *    supervisor", CR2 = the address (both in vcpu_info.arch.cr2 and from
 *    the emulated mov %cr2).
 *  - With writable page tables on, a store into the guest's own L1 that
 *    the rules refuse (an entry mapping frame 0): not emulated; the guest
 *    gets the #PF of its store (present, write), CR2 = the entry's
 *    address, and the entry is unchanged.  A store that is fine is
 *    emulated with no fault at all.
 *  - The same store without the assist: the same #PF.
 */
#include <pt.h>
#include <traps.h>
#include <events.h>

static volatile vcpu_info_t *vi;

static void check_pf(const char *what, uint32_t addr, uint32_t err)
{
    CHECK(last_exc.vector == 14, "%s: %s", what, exc_str());
    CHECK(last_exc.cr2 == addr, "%s: %%cr2 %#x, expected %#x", what, last_exc.cr2, addr);
    CHECK(vi->arch.cr2 == addr, "%s: vcpu_info cr2 %#x, expected %#x", what, vi->arch.cr2,
          addr);
    CHECK((last_exc.error & 7) == err, "%s: error code %#x", what, last_exc.error);
}

void test_main(void)
{
    uint32_t va = mapped_end() - PAGE_SIZE;
    volatile uint32_t *lo = (uint32_t *)((uint64_t *)mfn_to_virt(l1_mfn_of(va)) + L1_INDEX(va));
    uint32_t before = *lo, bad = _PAGE_PRESENT | _PAGE_RW, x;
    traps_init();
    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    vi = &shared_info->vcpu_info[0];

    exc_clear();
    CHECK(EXC_TRY("mov (%1), %0", "=r"(x) : "r"(0x10000000u)) == 14, "no #PF: %s", exc_str());
    check_pf("unmapped read", 0x10000000u, 0);

    exc_clear();
    CHECK(EXC_TRY("movl %1, (%0)", : "r"(lo), "r"(bad) : "memory") == 14,
          "no #PF without the assist: %s", exc_str());
    check_pf("L1 store without the assist", (uint32_t)lo, 3);

    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0,
             "enable writable page tables");
    exc_clear();
    CHECK(EXC_TRY("movl %1, (%0)", : "r"(lo), "r"((uint32_t)(before | _PAGE_ACCESSED)) : "memory") == -1,
          "a valid store faulted: %s", exc_str());
    exc_clear();
    CHECK(EXC_TRY("movl %1, (%0)", : "r"(lo), "r"(bad) : "memory") == 14,
          "no #PF for a refused store: %s", exc_str());
    check_pf("refused L1 store", (uint32_t)lo, 3);
    CHECK((*lo & ~_PAGE_DIRTY) == (before | _PAGE_ACCESSED), "entry changed to %#x", *lo);
    test_success();
}
