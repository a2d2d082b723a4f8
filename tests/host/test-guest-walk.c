/*
 * The one software walk of guest page tables (mica/guest_walk.h): what it
 * reports for each way a walk can end, and the rights each access needs
 * at every level -- a write RW everywhere (CR0.WP: for the kernel too), a
 * ring-3 access US everywhere, a fetch no NX anywhere -- on tables of the
 * fake machine of mm-world.c.
 */
#include "htest.h"
#include "mm-world.h"
#include <mica/guest_walk.h>

static unsigned long l3, l2, l1, data;
#define VA(l2i, l1i) ((uint32_t)((l2i) << 21 | (l1i) << 12))

static void setup(void)
{
    world_init();
    l3 = frame(&dom_a);
    l2 = frame(&dom_a);
    l1 = frame(&dom_a);
    data = frame(&dom_a);
    tab(l3)[0] = pte(l2, P | RW | US | A | D);
    tab(l2)[0] = pte(l1, P | RW | US | A);
    tab(l2)[1] = pte(l1, P | A);                 /* read-only, supervisor */
    tab(l2)[2] = pte(l1, P | RW | US | A | _PAGE_NX);
    tab(l2)[3] = pte(data, P | RW | US | _PAGE_PSE);
    tab(l1)[0] = pte(data, P | RW | US | A);
    tab(l1)[1] = pte(data, P | A);               /* read-only, supervisor */
    tab(l1)[2] = pte(data, P | US | A);          /* read-only, user */
    tab(l1)[3] = pte(data, P | RW | US | _PAGE_NX);
    current->guest_l3_mfn = l3;
}

HTEST(a_mapped_page_reports_every_level)
{
    struct guest_walk w;

    setup();
    CHECK(guest_walk(current, VA(0, 0), GW_WRITE | GW_USER | GW_EXEC, &w));
    CHECK_EQ(w.missing, 0);
    CHECK_EQ(w.refused, 0);
    CHECK_EQ(w.l1_mfn, l1);
    CHECK_EQ(w.mfn, data);
    CHECK_EQ(w.l1e, tab(l1)[0]);
    CHECK_EQ(w.l2e, tab(l2)[0]);
    CHECK_EQ(w.l3e, tab(l3)[0]);
}

HTEST(missing_levels)
{
    struct guest_walk w;

    setup();
    CHECK(!guest_walk(current, 1u << 30, GW_READ, &w));        /* L3 slot 1 */
    CHECK_EQ(w.missing, 3);
    CHECK_EQ(w.l1_mfn, 0);
    CHECK(!guest_walk(current, VA(9, 0), GW_READ, &w));        /* L2 entry 9 */
    CHECK_EQ(w.missing, 2);
    CHECK_EQ(w.l1_mfn, 0);
    CHECK(!guest_walk(current, VA(0, 9), GW_READ, &w));        /* L1 entry 9 */
    CHECK_EQ(w.missing, 1);
    CHECK_EQ(w.l1_mfn, l1);                  /* the table the entry would be in */
    CHECK_EQ(w.mfn, 0);
    CHECK(!guest_walk(current, VA(3, 0), GW_READ, &w));        /* a superpage */
    CHECK_EQ(w.missing, 2);
    current->guest_l3_mfn = 0;
    CHECK(!guest_walk(current, VA(0, 0), GW_READ, &w));
    CHECK_EQ(w.missing, 3);
}

HTEST(writes_need_rw_at_every_level)
{
    struct guest_walk w;

    setup();
    CHECK(!guest_walk(current, VA(0, 1), GW_WRITE, &w));
    CHECK_EQ(w.missing, 0);
    CHECK_EQ(w.refused, 1);                  /* the L1 entry alone: the ptwr case */
    CHECK_EQ(w.mfn, data);
    CHECK(!guest_walk(current, VA(1, 0), GW_WRITE, &w));
    CHECK_EQ(w.refused, 2);                  /* read-only L2 entry above a writable L1e */
    CHECK(guest_walk(current, VA(1, 0), GW_READ, &w));
    CHECK(guest_walk(current, VA(0, 1), GW_READ, &w));
}

HTEST(ring3_needs_user_at_every_level)
{
    struct guest_walk w;

    setup();
    CHECK(!guest_walk(current, VA(0, 1), GW_READ | GW_USER, &w));
    CHECK_EQ(w.refused, 1);
    CHECK(!guest_walk(current, VA(1, 0), GW_READ | GW_USER, &w));
    CHECK_EQ(w.refused, 2);
    CHECK(guest_walk(current, VA(0, 2), GW_READ | GW_USER, &w));
    CHECK(!guest_walk(current, VA(0, 2), GW_WRITE | GW_USER, &w));
    CHECK(guest_walk(current, VA(0, 1), GW_READ, &w));       /* the kernel may */
    tab(l3)[0] &= ~US;
    CHECK(!guest_walk(current, VA(0, 0), GW_READ | GW_USER, &w));
    CHECK_EQ(w.refused, 3);
}

HTEST(fetches_are_refused_by_nx_at_any_level_if_the_cpu_has_it)
{
    struct guest_walk w;

    setup();
    CHECK(!guest_walk(current, VA(0, 3), GW_EXEC, &w));
    CHECK_EQ(w.refused, 1);
    CHECK(!guest_walk(current, VA(2, 0), GW_EXEC | GW_USER, &w));
    CHECK_EQ(w.refused, 2);
    CHECK(guest_walk(current, VA(0, 3), GW_READ | GW_USER, &w));
    world_nx = false;
    CHECK(guest_walk(current, VA(0, 3), GW_EXEC, &w));
    world_nx = true;
}

HTEST(ranges_check_every_page)
{
    setup();
    CHECK(guest_range_allows(current, VA(0, 0), 8, GW_READ | GW_USER));
    CHECK(!guest_range_allows(current, VA(0, 0) + 4090, 8, GW_READ | GW_USER)); /* into 1 */
    CHECK(guest_range_allows(current, VA(0, 0) + 4090, 8, GW_READ));
    CHECK(!guest_range_allows(current, VA(0, 3) + 4095, 2, GW_READ));           /* into 4 */
}
