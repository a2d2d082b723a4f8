/*
 * mm-memop: every memory_op command Mica answers, within and at the
 * domain's limits, and the adversarial inputs (XSA-29/212 class).
 *
 *   queries: maximum_ram_page, current/maximum_reservation (self, by id,
 *     unknown domain), machphys_mapping (the whole advertised M2P range is
 *     readable), machphys_mfn_list (frames that are not ours: they cannot
 *     be mapped), memory_map (-ENOSYS: nobody set a map, as for a PV
 *     domain xl builds; start-of-day sets one);
 *   reservations: the domain starts at its maximum, so increase first
 *     fails; decrease gives frames back (reservation and M2P follow; a
 *     given-back frame cannot be mapped, given back twice, or be the
 *     shared_info page), increase and populate take them again up to the
 *     limit, order-1 extents are aligned pairs, order > 9 is refused;
 *   bounds: an extent array running into the hole is -EFAULT with nothing
 *     done; a resume index at or past nr_extents returns it and does
 *     nothing; unreadable arguments are -EFAULT; unknown commands are
 *     -ENOSYS, resume bits on a query that does not resume -EINVAL (Xen's
 *     common commands).
 */
#include <pt.h>
#include <public/memory.h>

static long reserve(unsigned int cmd, uint32_t *list, unsigned int n, unsigned int order)
{
    xen_memory_reservation_t r = { .nr_extents = n, .extent_order = order,
                                   .domid = DOMID_SELF };
    set_xen_guest_handle(r.extent_start, list);
    return HYPERVISOR_memory_op(cmd, &r);
}

void test_main(void)
{
    long pages = current_pages(), max, top;
    domid_t id;
    uint32_t list[8], mfns[4];
    unsigned int i;

    /* Queries. */
    top = HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL);
    CHECK(top > (long)start_info->nr_pages && top <= (long)MACH2PHYS_NR_ENTRIES,
          "maximum_ram_page %ld", top);
    CHECK(pages == (long)start_info->nr_pages, "current_reservation %ld", pages);
    id = DOMID_SELF;
    max = HYPERVISOR_memory_op(XENMEM_maximum_reservation, &id);
    CHECK(max == pages, "maximum_reservation %ld", max);
    id = 0;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_current_reservation, &id), pages, "by id 0");
    id = 9;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_current_reservation, &id), -XEN_ESRCH, "unknown domain");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_current_reservation, (void *)0xf5800000u),
             -XEN_EFAULT, "domid pointer in the hole");

    xen_machphys_mapping_t mp;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_machphys_mapping, &mp), 0, "machphys_mapping");
    CHECK(mp.v_start == MACH2PHYS_VIRT_START && mp.v_end > mp.v_start &&
          mp.v_end <= MACH2PHYS_VIRT_END && mp.max_mfn == (mp.v_end - mp.v_start) / 4 - 1 &&
          mp.max_mfn + 1 >= (uint32_t)top, "machphys_mapping %#x-%#x max %#x",
          mp.v_start, mp.v_end, mp.max_mfn);
    (void)m2p(mp.max_mfn);          /* the whole range is readable (no fault) */

    xen_machphys_mfn_list_t ml = { .max_extents = 4 };
    set_xen_guest_handle(ml.extent_start, list);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, &ml), 0, "machphys_mfn_list");
    CHECK(ml.nr_extents >= 1 && ml.nr_extents <= 4, "nr_extents %u", ml.nr_extents);
    CHECK(m2p(list[0]) == 0xffffffffu, "an M2P frame belongs to a guest?");
    CHECK_RC(HYPERVISOR_update_va_mapping(mapped_end() - PAGE_SIZE, PTE(list[0], _PAGE_PRESENT),
             UVMF_INVLPG), -XEN_EINVAL, "map an M2P frame");
    ml.max_extents = 0;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_machphys_mfn_list, &ml), 0, "mfn_list, room 0");
    CHECK(ml.nr_extents == 0, "wrote %u extents into no room", ml.nr_extents);

    xen_e820_entry_t e820[2] = { 0 };
    xen_memory_map_t mm = { .nr_entries = 2 };
    set_xen_guest_handle(mm.buffer, e820);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_memory_map, &mm), -XEN_ENOSYS, "memory_map, none set");

    /* Reservations: at the limit, nothing more. */
    CHECK_RC(reserve(XENMEM_increase_reservation, list, 1, 0), 0, "increase at the limit");
    for (i = 0; i < 4; i++)
        mfns[i] = spare_frame();
    CHECK_RC(reserve(XENMEM_decrease_reservation, mfns, 4, 0), 4, "decrease 4");
    CHECK(current_pages() == pages - 4, "reservation %ld after giving 4", current_pages());
    CHECK(m2p(mfns[0]) == 0xffffffffu, "given-back frame keeps its M2P entry");
    CHECK_RC(HYPERVISOR_update_va_mapping(mapped_end() - PAGE_SIZE, PTE(mfns[0], _PAGE_PRESENT),
             UVMF_INVLPG), -XEN_EINVAL, "map a given-back frame");
    CHECK_RC(reserve(XENMEM_decrease_reservation, mfns, 1, 0), 0, "decrease twice");
    uint32_t si = start_info->shared_info >> 12;
    CHECK_RC(reserve(XENMEM_decrease_reservation, &si, 1, 0), 0, "decrease shared_info");
    uint32_t zero = 0;
    CHECK_RC(reserve(XENMEM_decrease_reservation, &zero, 1, 0), 0, "decrease frame 0");

    CHECK_RC(reserve(XENMEM_increase_reservation, list, 3, 0), 3, "increase 3");
    CHECK(m2p(list[0]) == 0xffffffffu, "increase set an M2P entry");
    list[3] = 77;
    CHECK_RC(reserve(XENMEM_populate_physmap, &list[3], 1, 0), 1, "populate 1");
    CHECK(m2p(list[3]) == 77, "populate: M2P %#x", m2p(list[3]));
    CHECK_RC(reserve(XENMEM_increase_reservation, &list[4], 1, 0), 0, "past the limit");
    CHECK(current_pages() == pages, "reservation %ld, expected %ld", current_pages(), pages);

    /* Order 1: an aligned pair. */
    CHECK_RC(reserve(XENMEM_decrease_reservation, list, 2, 0), 2, "decrease 2");
    CHECK_RC(reserve(XENMEM_increase_reservation, &list[5], 1, 1), 1, "increase order 1");
    CHECK((list[5] & 1) == 0, "order-1 extent at odd mfn %#x", list[5]);
    CHECK_RC(reserve(XENMEM_increase_reservation, &list[6], 1, 10), -XEN_EINVAL, "order 10");

    /* Bounds and resumption. */
    CHECK_RC(reserve(XENMEM_decrease_reservation, (uint32_t *)0xf57ffff8u, 4, 0), -XEN_EFAULT,
             "extent array into the hole");
    CHECK_RC(reserve(XENMEM_decrease_reservation | (5 << 6), list, 3, 0), 5,
             "resume index past nr_extents");
    CHECK_RC(reserve(XENMEM_increase_reservation | (3 << 6), list, 3, 0), 3,
             "resume index == nr_extents");
    CHECK_RC(reserve(XENMEM_decrease_reservation, list, 0x7fffffff, 0), -XEN_EINVAL,
             "2^31 extents");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_increase_reservation, (void *)0x10000000u),
             -XEN_EFAULT, "unmapped reservation struct");
    CHECK_RC(HYPERVISOR_memory_op(63, &mm), -XEN_ENOSYS, "unknown command");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_maximum_ram_page | (1 << 6), NULL), -XEN_EINVAL,
             "resume bits on a query");
    CHECK(current_pages() == pages - 2 + 2, "reservation %ld at the end", current_pages());
    test_success();
}
