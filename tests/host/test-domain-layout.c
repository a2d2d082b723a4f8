/*
 * The bootstrap-region arithmetic of common/domain_layout.c: order and
 * alignment of every part, enough page tables for the region they map, the
 * 4 MiB rounding with >= 512 KiB of slack, the slot-3 L2, and every
 * rejection (misaligned base, kernel outside, too little memory, region
 * running into the hole).
 */
#include "htest.h"
#include <mica/domain_build.h>
#include <mica/errno.h>

#define HOLE 0xF5800000ULL
#define MIB (1ULL << 20)

static void check_invariants(const struct dom_layout *l)
{
    CHECK(l->initrd_start >= l->kern_end);
    CHECK(l->p2m_start == l->initrd_end);
    CHECK(l->p2m_end - l->p2m_start >= (uint64_t)l->nr_pages * 4);
    CHECK(l->start_info >= l->p2m_end);
    CHECK(l->pt_start > l->start_info);
    CHECK(l->pt_end == l->pt_start + (uint64_t)l->nr_pt_frames * 4096);
    CHECK(l->stack_start >= l->pt_end);
    CHECK(l->stack_end == l->stack_start + 4096);
    CHECK(l->v_end % (4 * MIB) == 0);
    CHECK(l->v_end - l->stack_end >= 512 * 1024);
    CHECK(l->v_end <= HOLE);
    CHECK((l->v_end - l->virt_base) / 4096 <= l->nr_pages);
    /* Enough tables: 1 L3 + one L2 per used slot + one L1 per 2 MiB. */
    unsigned int l2 = 0;
    for (unsigned int s = 0; s < 4; s++)
        l2 += dom_layout_l3_slot_used(l, s);
    uint64_t l1 = (l->v_end - (l->virt_base & ~(2 * MIB - 1)) + 2 * MIB - 1) / (2 * MIB);
    CHECK_EQ(l->nr_pt_frames, 1 + l2 + l1);
    CHECK(dom_layout_l3_slot_used(l, 3));
    uint64_t parts[] = { l->initrd_start, l->p2m_start, l->start_info, l->pt_start,
                         l->stack_start, l->v_end };
    for (unsigned int i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
        CHECK(parts[i] % 4096 == 0);
}

HTEST(small_linux_like_domain)
{
    struct dom_layout l = { .virt_base = 0xC0000000, .kern_start = 0xC0000000,
                            .kern_end = 0xC0009123, .nr_pages = 8192,
                            .is_initdomain = true };
    char msg[128];
    CHECK_EQ(dom_layout_compute(&l, HOLE, msg, sizeof(msg)), 0);
    check_invariants(&l);
    CHECK_EQ(l.xenstore, 0);
    CHECK_EQ(l.nr_l2, 1);            /* slot 3 only */
}

HTEST(low_base_needs_two_l2s_and_domu_pages)
{
    struct dom_layout l = { .virt_base = 0, .kern_start = 0x100000,
                            .kern_end = 0x500000, .initrd_len = 3 * MIB + 5,
                            .nr_pages = 65536, .is_initdomain = false };
    char msg[128];
    CHECK_EQ(dom_layout_compute(&l, HOLE, msg, sizeof(msg)), 0);
    check_invariants(&l);
    CHECK_EQ(l.nr_l2, 2);            /* slot 0 and slot 3 */
    CHECK(l.xenstore == l.start_info + 4096);
    CHECK(l.console == l.xenstore + 4096);
    CHECK(l.pt_start == l.console + 4096);
    CHECK(l.initrd_end - l.initrd_start == 3 * MIB + 4096);
}

HTEST(sizes_sweep)
{
    for (unsigned long pages = 2048; pages <= 262144; pages = pages * 3 / 2) {
        struct dom_layout l = { .virt_base = 0xC0000000, .kern_start = 0xC0100000,
                                .kern_end = 0xC0400000, .nr_pages = pages,
                                .is_initdomain = true };
        char msg[128];
        if (dom_layout_compute(&l, HOLE, msg, sizeof(msg)) == 0)
            check_invariants(&l);
        else
            CHECK(pages < 2048 + 1024 + 1);   /* only the smallest may not fit */
    }
}

HTEST(rejections)
{
    char msg[128];
    struct dom_layout base = { .virt_base = 0xC0000000, .kern_start = 0xC0000000,
                               .kern_end = 0xC0100000, .nr_pages = 8192,
                               .is_initdomain = true };
    struct dom_layout l;

    l = base; l.virt_base = 0xC0000800;
    CHECK_EQ(dom_layout_compute(&l, HOLE, msg, sizeof(msg)), -EINVAL);
    l = base; l.kern_start = 0xBFFFF000;
    CHECK_EQ(dom_layout_compute(&l, HOLE, msg, sizeof(msg)), -EINVAL);
    l = base; l.kern_end = HOLE + 4096;
    CHECK_EQ(dom_layout_compute(&l, HOLE, msg, sizeof(msg)), -EINVAL);
    l = base; l.nr_pages = 0;
    CHECK_EQ(dom_layout_compute(&l, HOLE, msg, sizeof(msg)), -EINVAL);
    l = base; l.nr_pages = 256;          /* 1 MiB: the region needs more */
    CHECK_EQ(dom_layout_compute(&l, HOLE, msg, sizeof(msg)), -ENOMEM);
    CHECK(strstr(msg, "too small") != NULL);
    l = base; l.kern_start = 0xF5000000; l.kern_end = 0xF5780000; l.virt_base = 0xF5000000;
    CHECK_EQ(dom_layout_compute(&l, HOLE, msg, sizeof(msg)), -ENOMEM);
    CHECK(strstr(msg, "hole") != NULL);
    l = base; l.initrd_len = 1ULL << 40;  /* absurd initrd: past the hole */
    CHECK(dom_layout_compute(&l, HOLE, msg, sizeof(msg)) < 0);
}
