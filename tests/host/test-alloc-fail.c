/*
 * test-alloc-fail: injected allocation failures (common/fail_inject.c) on
 * the fake machine of mm-world.c, over the real page allocator, page-type
 * core, grant-table code and auditor.
 *
 * Each case walks N = 1, 2, 3 ... : the Nth allocation of an operation
 * fails, the operation must report it (-ENOMEM / NULL) and, once its
 * caller has done what its failure path says (gnttab_destroy after a
 * failed gnttab_init, as domain creation does), every frame and every
 * byte must be back and the auditor must agree.  The walk ends at the
 * first N the operation no longer reaches, which must then succeed.
 */
#include "htest.h"
#include "mm-world.h"
#include <mica/fail_inject.h>
#include <mica/grant_table.h>
#include <mica/mm_ops.h>

/* The parts of the hypervisor grant_table.c calls that are not under test. */
struct domain *domain_lookup(domid_t id)
{
    struct domain *d;
    for_each_domain(d)
        if (d->domain_id == id)
            return d;
    return NULL;
}
struct page_info *mm_get_live_table(unsigned long mfn, struct domain *pt_owner)
{
    return NULL;
}
struct page_info *mm_current_l1_for(const struct vcpu *v, uint32_t va) { return NULL; }

HTEST(nth_and_every)
{
    struct page_info *p[12];
    unsigned long before;

    world_init();
    before = heap_free_pages();
    alloc_fail_arm(3, 4);               /* fail 3, 7, 11 */
    for (int i = 0; i < 12; i++) {
        p[i] = alloc_heap_pages(0);
        CHECK_EQ(p[i] == NULL, i == 2 || i == 6 || i == 10);
    }
    CHECK_EQ(alloc_fail_counted(), 12);
    CHECK_EQ(alloc_fail_injected(), 3);
    CHECK_EQ(heap_free_pages(), before - 9);
    alloc_fail_arm(0, 0);
    for (int i = 0; i < 12; i++)
        if (p[i])
            free_heap_pages(p[i], 0);
    heap_check();
    CHECK_EQ(heap_free_pages(), before);
}

HTEST(exempt_allocations_are_not_counted)
{
    world_init();
    alloc_fail_arm(1, 1);               /* everything fails */
    CHECK(alloc_heap_pages(0) == NULL);
    alloc_fail_exempt(true);
    struct page_info *p = alloc_heap_pages(0);
    CHECK(p != NULL);
    CHECK(audit_ok());                  /* the auditor's buffers are exempt */
    alloc_fail_exempt(false);
    CHECK_EQ(alloc_fail_counted(), 1);
    alloc_fail_arm(0, 0);
    free_heap_pages(p, 0);
}

HTEST(domain_frames_fail_cleanly)
{
    world_init();
    unsigned long free0 = heap_free_pages(), tot0 = dom_a.tot_pages;
    for (unsigned long n = 1; n <= 3; n++) {
        alloc_fail_arm(n, 0);
        unsigned long got = 0;
        for (int i = 0; i < 3; i++)
            if (mm_alloc_domain_frames(&dom_a, 2))
                got++;
        CHECK_EQ(got, 2);
        CHECK_EQ(dom_a.tot_pages, tot0 + got * 4 * n);
        CHECK_EQ(heap_free_pages(), free0 - got * 4 * n);
        CHECK(audit_ok());
    }
    alloc_fail_arm(0, 0);
}

HTEST(grant_table_init_fails_at_every_step)
{
    unsigned long n, free0, failures = 0;

    world_init();
    free0 = heap_free_pages();
    for (n = 1; n < 64; n++) {
        alloc_fail_arm(n, 0);
        int rc = gnttab_init(&dom_a);
        bool reached = alloc_fail_injected() > 0;
        alloc_fail_arm(0, 0);
        if (!reached) {
            CHECK_EQ(rc, 0);            /* past the last allocation: it works */
            CHECK(dom_a.grant != NULL);
            gnttab_destroy(&dom_a);
            break;
        }
        CHECK_EQ(rc, -ENOMEM);
        failures++;
        gnttab_destroy(&dom_a);         /* what domain creation does on failure */
        CHECK(dom_a.grant == NULL);
        CHECK_EQ(heap_free_pages(), free0);
        CHECK_EQ(dom_a.gnt_orphaned, 0);
        CHECK(audit_ok());
    }
    CHECK(failures >= 3);               /* table, active, maptrack, frames */
    CHECK(n < 64);
    CHECK_EQ(heap_free_pages(), free0);
    heap_check();
}

HTEST(grant_table_init_fails_every_other)
{
    world_init();
    unsigned long free0 = heap_free_pages();
    for (unsigned long every = 1; every <= 3; every++) {
        alloc_fail_arm(1, every);
        CHECK_EQ(gnttab_init(&dom_b), -ENOMEM);
        alloc_fail_arm(0, 0);
        gnttab_destroy(&dom_b);
        CHECK_EQ(heap_free_pages(), free0);
        CHECK(audit_ok());
    }
}

/* Growth (GNTTABOP_setup_table asking for more frames, and v2's status
 * frames): a failed step is an error to the caller, what was added before
 * it stays owned by the table and goes with it, a retry succeeds. */
HTEST(grant_table_growth_fails_at_every_step)
{
    unsigned long mfns[GNTTAB_MAX_FRAMES_LIMIT], free0, failures = 0;

    world_init();
    free0 = heap_free_pages();
    CHECK_EQ(gnttab_init(&dom_a), 0);
    unsigned long free1 = heap_free_pages();
    for (unsigned long n = 1; n < 64; n++) {
        alloc_fail_arm(n, 0);
        int rc = gnttab_setup(&dom_a, 12, mfns);
        bool reached = alloc_fail_injected() > 0;
        alloc_fail_arm(0, 0);
        CHECK(audit_ok());
        if (!reached) {
            CHECK_EQ(rc, GNTST_okay);
            break;
        }
        CHECK_EQ(rc, GNTST_general_error);
        failures++;
        CHECK(heap_free_pages() <= free1);
    }
    CHECK(failures >= 2);
    CHECK_EQ(gnttab_setup(&dom_a, 12, mfns), GNTST_okay);
    /* version 2 adds status frames: the same */
    alloc_fail_arm(1, 1);
    long rc2 = gnttab_set_version(&dom_a, 2);
    alloc_fail_arm(0, 0);
    CHECK(audit_ok());
    if (rc2 != 0)
        CHECK_EQ(gnttab_set_version(&dom_a, 2), 0);
    gnttab_destroy(&dom_a);
    CHECK_EQ(dom_a.mm_heap_extra, 0);
    CHECK_EQ(heap_free_pages(), free0);
    heap_check();
}
