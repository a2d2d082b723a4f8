/*
 * mm-uvm: update_va_mapping and update_va_mapping_otherdomain with every
 * flag, and their refusals.
 *
 * A scratch page of the bootstrap region is pointed alternately at two
 * spare frames holding different markers.  Before each remap the page is
 * read, so the old translation is in the TLB; after a remap with
 * UVMF_INVLPG or UVMF_TLB_FLUSH (local, all, or a vCPU mask naming us)
 * the very next read must see the new frame -- the hypervisor flushed.
 * UVMF_NONE and a mask without us change the entry but flush nothing; the
 * test then flushes itself (MMUEXT_INVLPG_LOCAL) before checking.
 *
 * Refusals, each leaving the mapping as it was: an address in the
 * hypervisor hole or with no L1 table, a flush type of 3, an unreadable
 * vCPU mask (-EFAULT, checked before anything changes), a frame the
 * domain does not own; _otherdomain naming a domain that does not exist,
 * or the caller by its own id rather than DOMID_SELF (-ESRCH).
 */
#include <pt.h>

static uint32_t va, fa, fb;

static uint32_t peek(void)
{
    return *(volatile uint32_t *)va;
}

static void flag_case(const char *what, unsigned long flags, bool flushes)
{
    uint32_t to = peek() == 0xaaaa0001 ? fb : fa;
    uint32_t want = to == fa ? 0xaaaa0001 : 0xbbbb0002;

    (void)peek();                           /* old translation cached */
    CHECK_RC(HYPERVISOR_update_va_mapping(va, PTE(to, _PAGE_PRESENT | _PAGE_RW |
                                                  _PAGE_ACCESSED), flags), 0, what);
    if (!flushes)
        invlpg(va);
    CHECK(peek() == want, "%s: read %#x after the remap, expected %#x", what, peek(), want);
}

void test_main(void)
{
    uint32_t mask_me = 1, mask_none = 0, *p;

    fa = spare_frame();
    fb = spare_frame();
    p = scratch_map(0, fa, _PAGE_PRESENT | _PAGE_RW);
    *p = 0xaaaa0001;
    p = scratch_map(0, fb, _PAGE_PRESENT | _PAGE_RW);
    *p = 0xbbbb0002;
    va = (uint32_t)scratch_map(0, fa, _PAGE_PRESENT | _PAGE_RW);

    flag_case("UVMF_INVLPG|UVMF_LOCAL", UVMF_INVLPG | UVMF_LOCAL, true);
    flag_case("UVMF_TLB_FLUSH|UVMF_LOCAL", UVMF_TLB_FLUSH | UVMF_LOCAL, true);
    flag_case("UVMF_INVLPG|UVMF_ALL", UVMF_INVLPG | UVMF_ALL, true);
    flag_case("UVMF_TLB_FLUSH|UVMF_ALL", UVMF_TLB_FLUSH | UVMF_ALL, true);
    flag_case("UVMF_INVLPG|UVMF_MULTI {v0}", UVMF_INVLPG | (unsigned long)&mask_me, true);
    flag_case("UVMF_TLB_FLUSH|UVMF_MULTI {v0}", UVMF_TLB_FLUSH | (unsigned long)&mask_me, true);
    flag_case("UVMF_INVLPG|UVMF_MULTI {}", UVMF_INVLPG | (unsigned long)&mask_none, false);
    flag_case("UVMF_NONE", UVMF_NONE, false);
    flag_case("UVMF_NONE|UVMF_ALL", UVMF_NONE | UVMF_ALL, false);

    /* Refusals: nothing changes. */
    uint32_t before = peek(), other = before == 0xaaaa0001 ? fb : fa;
    uint64_t ok = PTE(other, _PAGE_PRESENT | _PAGE_RW);
    CHECK_RC(HYPERVISOR_update_va_mapping(va, ok, UVMF_INVLPG | 0xfffff000u), -XEN_EFAULT,
             "mask pointer in the hole");
    CHECK_RC(HYPERVISOR_update_va_mapping(va, ok, UVMF_TLB_FLUSH | 0x10000000u), -XEN_EFAULT,
             "unmapped mask pointer");
    CHECK_RC(HYPERVISOR_update_va_mapping(va, ok, 3), -XEN_EINVAL, "flush type 3");
    CHECK_RC(HYPERVISOR_update_va_mapping(HYPERVISOR_VIRT_START, ok, UVMF_INVLPG), -XEN_EINVAL,
             "address in the hole");
    CHECK_RC(HYPERVISOR_update_va_mapping(0xfffff000u, ok, UVMF_INVLPG), -XEN_EINVAL,
             "top page");
    CHECK_RC(HYPERVISOR_update_va_mapping(0x10000000u, ok, UVMF_INVLPG), -XEN_EINVAL,
             "address without an L1");
    CHECK_RC(HYPERVISOR_update_va_mapping(va, PTE(0xfee00, _PAGE_PRESENT), UVMF_INVLPG),
             -XEN_EPERM, "the local APIC (the hypervisor's device memory)");
    CHECK_RC(HYPERVISOR_update_va_mapping(va, ok | _PAGE_GLOBAL, UVMF_INVLPG), -XEN_EINVAL,
             "global mapping");
    invlpg(va);
    CHECK(peek() == before, "a refused update changed the mapping");

    /* _otherdomain: ourselves by DOMID_SELF only -- our own id is refused as
     * a foreign domain (Xen's get_pg_owner); others do not exist. */
    CHECK_RC(HYPERVISOR_update_va_mapping_otherdomain(va, ok, UVMF_INVLPG, DOMID_SELF), 0,
             "otherdomain(DOMID_SELF)");
    CHECK(peek() != before, "otherdomain(DOMID_SELF) did not remap");
    CHECK_RC(HYPERVISOR_update_va_mapping_otherdomain(va, PTE(before == 0xaaaa0001 ? fa : fb,
             _PAGE_PRESENT | _PAGE_RW), UVMF_INVLPG, 0), -XEN_ESRCH, "otherdomain(0 = us)");
    CHECK(peek() != before, "otherdomain(0 = us) remapped");
    CHECK_RC(HYPERVISOR_update_va_mapping_otherdomain(va, ok, UVMF_INVLPG, 7), -XEN_ESRCH,
             "otherdomain(7)");
    /* DOMID_IO names device memory, never RAM (physdev-msi maps MMIO). */
    CHECK_RC(HYPERVISOR_update_va_mapping_otherdomain(va, ok, UVMF_INVLPG, DOMID_IO),
             -XEN_EINVAL, "otherdomain(DOMID_IO) of RAM");

    /* Unmapping is an update too. */
    CHECK_RC(HYPERVISOR_update_va_mapping(va, 0, UVMF_INVLPG), 0, "unmap");
    CHECK(!va_mapped(va), "still mapped");
    scratch_restore(0);
    test_success();
}
