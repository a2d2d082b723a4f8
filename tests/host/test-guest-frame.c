/*
 * test-guest-frame: frames the hypervisor keeps to write
 * (common/guest_frame.c) on the fake machine of mm-world.c, with the real
 * page-type core and auditor underneath.
 *
 * A registration holds a general and a writable type reference, so the
 * frame cannot become a page table while registered, a page table cannot
 * be registered, another domain's frame cannot be, and the auditor counts
 * the registrations as legitimate holders (and sees a forged count as the
 * corruption it is).  A frame given back with decrease_reservation stays
 * allocated until the last registration goes.
 */
#include "htest.h"
#include "mm-world.h"
#include <mica/guest_frame.h>

HTEST(registration_holds_a_writable_reference)
{
    world_init();
    unsigned long f = frame(&dom_a);
    void *va = NULL;
    uint32_t g = gcount(f);

    CHECK_EQ(guest_frame_get(&dom_a, f, &va), 0);
    CHECK(va == map_frame(f));
    CHECK_EQ(gcount(f), g + 1);
    CHECK_EQ(ptype(f) & PGT_type_mask, PGT_writable_page);
    CHECK_EQ(tcount(f), 1);
    CHECK_EQ(guest_frame_count(&dom_a, f), 1);
    CHECK(audit_ok());
    CHECK_EQ(guest_frame_get(&dom_a, f, &va), 0);         /* twice: counted twice */
    CHECK_EQ(tcount(f), 2);
    CHECK_EQ(guest_frame_total(&dom_a), 2);
    CHECK(audit_ok());
    /* Registered: it cannot become a table. */
    CHECK_EQ(pin(f, PGT_l1_page_table), -EINVAL);
    guest_frame_put(&dom_a, f);
    guest_frame_put(&dom_a, f);
    CHECK_EQ(tcount(f), 0);
    CHECK_EQ(gcount(f), g);
    CHECK_EQ(guest_frame_count(&dom_a, f), 0);
    CHECK_EQ(pin(f, PGT_l1_page_table), 0);
    CHECK(audit_ok());
}

HTEST(tables_and_foreign_frames_are_refused)
{
    world_init();
    unsigned long t = frame(&dom_a), o = frame(&dom_b);
    void *va;

    CHECK_EQ(pin(t, PGT_l1_page_table), 0);
    CHECK_EQ(guest_frame_get(&dom_a, t, &va), -EINVAL);
    CHECK_EQ(guest_frame_get(&dom_a, o, &va), -EINVAL);
    CHECK_EQ(guest_frame_get(&dom_a, W_HV_FRAME, &va), -EINVAL);
    CHECK_EQ(guest_frame_get(&dom_a, W_FRAMES + 7, &va), -EINVAL);
    CHECK_EQ(guest_frame_get(&dom_a, ~0UL, &va), -EINVAL);
    CHECK_EQ(guest_frame_total(&dom_a), 0);
    CHECK(audit_ok());
}

HTEST(auditor_counts_registrations)
{
    world_init();
    unsigned long f = frame(&dom_a);
    void *va;

    CHECK_EQ(guest_frame_get(&dom_a, f, &va), 0);
    CHECK(audit_ok());
    pg(f)->count_info++;                                   /* a forged reference */
    CHECK(!audit_ok());
    pg(f)->count_info--;
    pg(f)->type_info--;                                    /* a lost type reference */
    CHECK(!audit_ok());
    pg(f)->type_info++;
    CHECK(audit_ok());
}

HTEST(given_back_frame_lives_until_released)
{
    world_init();
    unsigned long f = frame(&dom_a);
    void *va;

    CHECK_EQ(guest_frame_get(&dom_a, f, &va), 0);
    /* decrease_reservation drops the allocation reference only. */
    pg(f)->count_info &= ~PGC_allocated;
    put_page(pg(f));
    CHECK(!frame_is_free(f));
    guest_frame_release_all(&dom_a);                       /* reported, released */
    CHECK(frame_is_free(f));
    CHECK(dom_a.guest_frames == NULL);
}
