/*
 * mm-adv-life: adversarial use of a table's life cycle and of batch
 * bounds.
 *
 *  - Unpinning the L3 in use as CR3: allowed, harmless (the base pointer
 *    holds its own reference); re-pinning and reloading it work.
 *  - XSA-252: decrease_reservation on a pinned page table gives the frame
 *    back without unpinning it behind the guest's back: the table keeps
 *    working and stays accounted until the guest unpins it, and only then
 *    is freed (M2P invalid, no longer mappable or pinnable).  The same for
 *    a data frame that is still mapped, and for the live slot-3 L2 (the
 *    guest keeps running on it; teardown frees it).
 *  - XSA-29/212 class, mmu_update: a count of 2^31 - 1 over requests that
 *    run into unmapped memory is -EFAULT after exactly the readable ones;
 *    request arrays at or across the hole are -EFAULT with nothing done;
 *    a count carrying the continuation bit resumes from the progress in
 *    the fifth argument; an unwritable *done never turns a good batch into
 *    an error (not even a preempted one).
 */
#include <pt.h>
#include <public/memory.h>

#define PREEMPTED 0x80000000u

static long give_back(uint32_t mfn)
{
    xen_memory_reservation_t r = { .nr_extents = 1, .domid = DOMID_SELF };
    set_xen_guest_handle(r.extent_start, &mfn);
    return HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r);
}

void test_main(void)
{
    uint32_t l3 = current_l3_mfn(), x, d, s3, done;
    uint32_t scratch_va = mapped_end() - PAGE_SIZE;
    long pages = current_pages();
    uint64_t e[3];
    volatile uint32_t *p;

    /* Unpin while in use as CR3. */
    CHECK_RC(unpin(l3), 0, "unpin the live L3");
    CHECK(!memcmp(start_info->magic, "xen-3.0-x86_32p", 15),
          "memory access after unpinning the live L3");
    CHECK_RC(new_baseptr(l3), 0, "reload the unpinned live L3");
    CHECK_RC(pin(3, l3), 0, "re-pin it");

    /* XSA-252: a pinned table given back. */
    x = spare_frame();
    d = spare_frame();
    CHECK_RC(pin(1, x), 0, "pin an L1");
    CHECK_RC(give_back(x), 1, "decrease_reservation on the pinned L1");
    CHECK(current_pages() == pages, "reservation %ld: freed while pinned", current_pages());
    CHECK_RC(mmu1(MADDR(x, 3), PTE(d, _PAGE_PRESENT | _PAGE_RW)), 0,
             "the given-back table still takes updates");
    CHECK_RC(give_back(x), 0, "give it back twice");
    CHECK_RC(unpin(x), 0, "unpin it: now it goes");
    CHECK(current_pages() == pages - 1, "reservation %ld after the unpin", current_pages());
    CHECK(m2p(x) == 0xffffffffu, "freed table keeps its M2P entry");
    CHECK_RC(pin(1, x), -XEN_EINVAL, "pin the freed frame");
    CHECK_RC(HYPERVISOR_update_va_mapping(scratch_va, PTE(x, _PAGE_PRESENT), UVMF_INVLPG),
             -XEN_EINVAL, "map the freed frame");

    /* A mapped data frame given back: usable until unmapped. */
    p = scratch_map(0, d, _PAGE_PRESENT | _PAGE_RW);
    *p = 0x600d;
    CHECK_RC(give_back(d), 1, "decrease_reservation on a mapped frame");
    CHECK(*p == 0x600d, "the mapped frame changed");
    CHECK(current_pages() == pages - 1, "reservation %ld with the frame mapped", current_pages());
    scratch_restore(0);
    CHECK(current_pages() == pages - 2, "reservation %ld after unmapping", current_pages());

    /* The live slot-3 L2 given back: we keep running on it. */
    pt_walk(VIRT_BASE, e);
    s3 = PTE_MFN(e[0]);
    CHECK_RC(give_back(s3), 1, "decrease_reservation on the live slot-3 L2");
    CHECK(va_mapped(VIRT_BASE) && current_pages() == pages - 2, "still running");

    /* mmu_update bounds: a page of harmless requests at the very end. */
    mmu_update_t *last = scratch_map(0, spare_frame(), _PAGE_PRESENT | _PAGE_RW);
    unsigned int per_page = PAGE_SIZE / sizeof(*last);
    for (unsigned int i = 0; i < per_page; i++)
        last[i] = (mmu_update_t){ .ptr = ((uint64_t)p2m()[0] << 12) | MMU_MACHPHYS_UPDATE,
                                  .val = 0 };
    done = 0;
    CHECK_RC(HYPERVISOR_mmu_update(last, 0x7fffffff, &done, DOMID_SELF), -XEN_EFAULT,
             "2^31 - 1 requests into unmapped memory");
    CHECK(done == per_page, "done %u, expected %u", done, per_page);
    CHECK_RC(HYPERVISOR_mmu_update((void *)(HYPERVISOR_VIRT_START - 16), 2, &done, DOMID_SELF),
             -XEN_EFAULT, "requests across the hole");
    CHECK(done == 0, "done %u", done);
    CHECK_RC(HYPERVISOR_mmu_update((void *)0xfffffff0u, 1, &done, DOMID_SELF), -XEN_EFAULT,
             "requests at the top of the address space");
    CHECK_RC(HYPERVISOR_mmu_update(last, 0, &done, DOMID_SELF), 0, "no requests");
    CHECK(done == 0, "done %u", done);
    CHECK_RC(raw_hypercall(__HYPERVISOR_mmu_update, (long)last, PREEMPTED | 3, (long)&done,
                           DOMID_SELF, 1000), 0, "a count with the continuation bit");
    CHECK(done == 1003, "done %u, expected 1003", done);
    CHECK_RC(raw_hypercall(__HYPERVISOR_mmu_update, (long)last, PREEMPTED | 3, 0x10000000,
                           DOMID_SELF, 5), 0, "continuation bit, unwritable done");
    CHECK_RC(HYPERVISOR_mmu_update(last, 3, (void *)HYPERVISOR_VIRT_START, DOMID_SELF), 0,
             "done pointer in the hole");
    CHECK(m2p(p2m()[0]) == 0, "M2P of pfn 0 disturbed");
    scratch_restore(0);
    test_success();
}
