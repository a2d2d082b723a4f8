/*
 * mm-m2p: the M2P and the guest's P2M stay consistent through machphys
 * updates and reservation changes.
 *
 * The invariant checked throughout: for every PFN the guest has, the M2P
 * (read-only at 0xF5800000) maps its frame back to it.  The guest first
 * swaps two spare frames between two PFNs -- one mmu_update with two
 * MMU_MACHPHYS_UPDATE requests, plus its own P2M update -- and checks the
 * invariant.  Then it gives one frame back (decrease_reservation: the
 * hypervisor marks its M2P entry invalid), takes a new one with
 * populate_physmap for the same PFN (the hypervisor records the PFN), puts
 * it in its P2M, and checks again.  MMU_MACHPHYS_UPDATE on a frame the
 * domain does not own, or past the end of RAM, is -EINVAL; the offset
 * inside the frame in the request's address is ignored.
 */
#include <pt.h>
#include <public/memory.h>

static unsigned int inconsistent(void)
{
    const uint32_t *map = p2m();
    unsigned int bad = 0;

    for (uint32_t pfn = 0; pfn < start_info->nr_pages; pfn++)
        if (m2p(map[pfn]) != pfn)
            bad++;
    return bad;
}

void test_main(void)
{
    uint32_t *map = (uint32_t *)start_info->mfn_list;
    uint32_t a, b, ma, mb, fresh;
    unsigned int bad;
    mmu_update_t req[2];
    unsigned int done = 0;

    CHECK((bad = inconsistent()) == 0, "%u PFNs inconsistent at start", bad);

    /* Two spare PFNs at the end of the P2M. */
    a = start_info->nr_pages - 1;
    b = start_info->nr_pages - 2;
    ma = map[a];
    mb = map[b];
    req[0] = (mmu_update_t){ .ptr = ((uint64_t)ma << 12) | MMU_MACHPHYS_UPDATE, .val = b };
    req[1] = (mmu_update_t){ .ptr = ((uint64_t)mb << 12) | 0x8a8 | MMU_MACHPHYS_UPDATE,
                             .val = a };
    CHECK_RC(HYPERVISOR_mmu_update(req, 2, &done, DOMID_SELF), 0, "two machphys updates");
    CHECK(done == 2, "done %u", done);
    CHECK(m2p(ma) == b && m2p(mb) == a, "M2P not updated: %#x %#x", m2p(ma), m2p(mb));
    CHECK(inconsistent() == 2, "expected exactly the two swapped PFNs out of step");
    map[a] = mb;
    map[b] = ma;
    CHECK((bad = inconsistent()) == 0, "%u PFNs inconsistent after the swap", bad);

    /* Refusals. */
    CHECK_RC(mmu1(MMU_MACHPHYS_UPDATE, 5), -XEN_EINVAL, "machphys on frame 0");
    CHECK_RC(mmu1(((uint64_t)0xfffff << 12) | MMU_MACHPHYS_UPDATE, 5), -XEN_EINVAL,
             "machphys past the end of RAM");
    CHECK_RC(mmu1(((uint64_t)1 << 52) | ((uint64_t)ma << 12) | MMU_MACHPHYS_UPDATE, 5),
             -XEN_EINVAL, "machphys with address bits beyond 52");
    CHECK(m2p(ma) == b, "refused updates changed the M2P");

    /* Give PFN a's frame back, and repopulate PFN a. */
    xen_memory_reservation_t r = { .nr_extents = 1, .extent_order = 0, .domid = DOMID_SELF };
    set_xen_guest_handle(r.extent_start, &map[a]);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r), 1, "decrease PFN a");
    CHECK(m2p(mb) == 0xffffffffu, "freed frame's M2P entry is %#x", m2p(mb));
    fresh = a;
    set_xen_guest_handle(r.extent_start, &fresh);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), 1, "populate PFN a");
    CHECK(fresh != a && m2p(fresh) == a, "populate: mfn %#x, M2P %#x", fresh, m2p(fresh));
    map[a] = fresh;
    CHECK((bad = inconsistent()) == 0, "%u PFNs inconsistent after repopulating", bad);
    test_success();
}
