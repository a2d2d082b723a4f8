/*
 * mm-big-pin: pinning and unpinning a big tree is preemptible.
 *
 * The guest builds an L3 whose slots 0 and 1 each link a full L2 of 512
 * L1 tables, every L1 full of 512 read-only mappings of one data frame:
 * about half a million entries to validate, and as many references to
 * drop again.  A single MMUEXT_PIN_L3_TABLE must succeed -- but not in
 * one stretch of hypervisor time: the hypervisor yields and continues
 * (the harness requires its "preempted ... continuation" log line, which
 * is printed the first time a memory operation of the domain is
 * preempted).  Unpinning queues the devalidation, worked off by the same
 * call in slices.  Afterwards the tables are plain frames (one is mapped
 * writable to prove it) and the data frame's reference count is back:
 * the auditor at teardown checks every count.
 */
#include <pt.h>

#define SLOTS 2

static uint64_t entries[512], l2e[512];

void test_main(void)
{
    uint32_t data = spare_frame(), l2[SLOTS], l3, first_l1 = 0;
    unsigned int s, i;
    uint64_t l3e[4];

    if (spare_frames_left() < SLOTS * 513 + 8) {
        test_error("need %u spare frames, have %u", SLOTS * 513 + 8, spare_frames_left());
        return;
    }
    for (i = 0; i < 512; i++)
        entries[i] = PTE(data, _PAGE_PRESENT | _PAGE_ACCESSED);
    for (s = 0; s < SLOTS; s++) {
        for (i = 0; i < 512; i++) {
            uint32_t l1 = make_table(entries, 0, 512);
            if (!first_l1)
                first_l1 = l1;
            l2e[i] = PTE(l1, _PAGE_PRESENT | _PAGE_RW);
        }
        l2[s] = make_table(l2e, 0, 512);
    }
    l3e[0] = PTE(l2[0], _PAGE_PRESENT);
    l3e[1] = PTE(l2[1], _PAGE_PRESENT);
    l3e[2] = 0;
    l3e[3] = PTE(spare_frame(), _PAGE_PRESENT);
    l3 = make_table(l3e, 0, 4);

    printf("pinning a tree of %u entries\n", SLOTS * 512 * 512);
    CHECK_RC(pin(3, l3), 0, "pin the big L3");
    CHECK_RC(pin(1, first_l1), 0, "pin one of its L1s as well");
    CHECK_RC(unpin(l3), 0, "unpin the big L3");
    CHECK_RC(HYPERVISOR_update_va_mapping(mapped_end() - PAGE_SIZE,
             PTE(l2[1], _PAGE_PRESENT | _PAGE_RW), UVMF_INVLPG), 0,
             "map a former L2 writable");
    CHECK_RC(HYPERVISOR_update_va_mapping(mapped_end() - PAGE_SIZE,
             PTE(first_l1, _PAGE_PRESENT | _PAGE_RW), UVMF_INVLPG), -XEN_EINVAL,
             "map the still-pinned L1 writable");
    CHECK_RC(unpin(first_l1), 0, "unpin the L1");
    scratch_restore(0);
    test_success();
}
