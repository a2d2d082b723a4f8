/*
 * The page-type and reference-count state machine (common/page_type.c),
 * compiled from the real sources on the fake machine of mm-world.c.
 *
 * Every transition of the essay's diagram is exercised: general references
 * (get/put, ownership, free frames, overflow, the last put freeing and
 * scrubbing), untyped -> writable / descriptor / table and back, conflicts,
 * validating -> validated, validated -> queued -> untyped, preemption and
 * resumption in both directions, a queued table wanted again (same type:
 * re-validated; other type: devalidated first), stale references cleared by
 * finishing the queue, and the TLB-flush rule.  The auditor checks the
 * frame table after every scenario.
 */
#include "htest.h"
#include "mm-world.h"

/* An L1 mapping `data` read-write; returns its MFN. */
static unsigned long l1_mapping(struct domain *d, unsigned long data)
{
    unsigned long l1 = frame(d);
    tab(l1)[0] = pte(data, P | RW | A);
    return l1;
}

/* A full tree: L3 -> 4 L2s (slot 3 pae_xen_l2) -> nl1 L1s each -> data. */
static unsigned long tree(struct domain *d, unsigned int nl1, unsigned int ndata)
{
    unsigned long l3 = frame(d);
    for (unsigned int s = 0; s < 4; s++) {
        unsigned long l2 = frame(d);
        tab(l3)[s] = pte(l2, P);
        for (unsigned int i = 0; i < nl1; i++) {
            unsigned long l1 = frame(d);
            tab(l2)[i] = pte(l1, P | RW | US | A);
            for (unsigned int j = 0; j < ndata; j++)
                tab(l1)[j] = pte(frame(d), P | RW | A);
        }
    }
    return l3;
}

HTEST(get_page_needs_an_owned_live_frame)
{
    world_init();
    unsigned long a = frame(&dom_a);
    CHECK_EQ(gcount(a), 1);
    CHECK_EQ(get_page(pg(a), &dom_a), 0);
    CHECK_EQ(gcount(a), 2);
    CHECK_EQ(get_page(pg(a), &dom_b), -EINVAL);          /* someone else's */
    CHECK_EQ(get_page(pg(a), NULL), -EINVAL);
    CHECK_EQ(get_page(pg(W_HV_FRAME), &dom_a), -EINVAL); /* the hypervisor's */
    CHECK_EQ(get_page(pg(W_FRAMES - 1), &dom_a), -EINVAL); /* free */
    CHECK(frame_is_free(W_FRAMES - 1));
    put_page(pg(a));
    CHECK_EQ(gcount(a), 1);
    CHECK(audit_ok());
}

HTEST(get_page_refuses_overflow_and_dying_frames)
{
    world_init();
    unsigned long a = frame(&dom_a);
    pg(a)->count_info = PGC_allocated | (PGC_count_mask - 1);
    CHECK_EQ(get_page(pg(a), &dom_a), 0);
    CHECK_EQ(get_page(pg(a), &dom_a), -EINVAL);          /* would overflow */
    pg(a)->count_info = 0;                                /* "being freed" */
    CHECK_EQ(get_page(pg(a), &dom_a), -EINVAL);
}

HTEST(last_put_frees_and_scrubs)
{
    world_init();
    unsigned long a = frame(&dom_a);
    unsigned long before = heap_free_pages();
    memset(tab(a), 0x5a, 4096);
    w_m2p[a] = 42;
    pg(a)->count_info &= ~PGC_allocated;
    put_page(pg(a));
    CHECK(frame_is_free(a));
    CHECK_EQ(heap_free_pages(), before + 1);
    CHECK_EQ(dom_a.tot_pages, 0);
    CHECK_EQ(dom_a.mm_freed_pages, 1);
    CHECK_EQ(w_m2p[a], 0xffffffffu);
    for (unsigned int i = 0; i < 512; i++)
        if (!CHECK_EQ(tab(a)[i], 0))
            break;
    CHECK(audit_ok());
}

HTEST(allocation_respects_max_pages)
{
    world_init();
    dom_a.max_pages = 3;
    CHECK(mm_alloc_domain_frames(&dom_a, 1) != NULL);
    CHECK(mm_alloc_domain_frames(&dom_a, 1) == NULL);    /* 2 + 2 > 3 */
    CHECK(mm_alloc_domain_frame(&dom_a) != NULL);
    CHECK(mm_alloc_domain_frame(&dom_a) == NULL);
    CHECK_EQ(dom_a.tot_pages, 3);
    CHECK(audit_ok());
}

HTEST(writable_and_descriptor_types_exclude_each_other)
{
    world_init();
    unsigned long a = frame(&dom_a);
    CHECK_EQ(get_page_type(pg(a), PGT_writable_page), 0);
    CHECK_EQ(get_page_type(pg(a), PGT_writable_page), 0);
    CHECK_EQ(tcount(a), 2);
    CHECK_EQ(get_page_type(pg(a), PGT_seg_desc_page), -EINVAL);
    CHECK_EQ(get_page_type(pg(a), PGT_l1_page_table), -EINVAL);
    put_page_type(pg(a));
    put_page_type(pg(a));
    CHECK_EQ(pg(a)->type_info, 0);
    CHECK_EQ(get_page_and_type(pg(a), &dom_a, PGT_seg_desc_page), 0);
    CHECK_EQ(gcount(a), 2);
    CHECK_EQ(get_page_type(pg(a), PGT_writable_page), -EINVAL);
    CHECK(audit_ok());          /* a descriptor reference is one general + one type */
    put_page_and_type(pg(a));
    CHECK_EQ(get_page_and_type(pg(a), &dom_b, PGT_seg_desc_page), -EINVAL);
    CHECK_EQ(gcount(a), 1);
}

HTEST(type_count_overflow_is_refused)
{
    world_init();
    unsigned long a = frame(&dom_a);
    CHECK_EQ(get_page_type(pg(a), PGT_writable_page), 0);
    pg(a)->type_info = PGT_writable_page | PGT_validated | PGT_count_mask;
    CHECK_EQ(get_page_type(pg(a), PGT_writable_page), -EINVAL);
}

HTEST(l1_validation_takes_every_reference)
{
    world_init();
    unsigned long data = frame(&dom_a), ro = frame(&dom_a);
    unsigned long l1 = l1_mapping(&dom_a, data);
    tab(l1)[5] = pte(ro, P);
    tab(l1)[6] = pte(ro, P | A);
    CHECK_EQ(pin(l1, PGT_l1_page_table), 0);
    CHECK_EQ(ptype(l1), PGT_l1_page_table);
    CHECK(pg(l1)->type_info & PGT_validated);
    CHECK_EQ(tcount(l1), 1);
    CHECK_EQ(gcount(data), 2);
    CHECK_EQ(tcount(data), 1);
    CHECK_EQ(ptype(data), PGT_writable_page);
    CHECK_EQ(gcount(ro), 3);
    CHECK_EQ(tcount(ro), 0);
    CHECK(audit_ok());
    /* The last type reference queues it; the queue drops everything. */
    unpin(l1);
    CHECK(pg(l1)->mm_flags & PGF_pending);
    CHECK(mm_pending_work());
    CHECK(audit_ok());
    CHECK_EQ(mm_finish_pending(false), 0);
    CHECK_EQ(pg(l1)->type_info, 0);
    CHECK_EQ(gcount(data), 1);
    CHECK_EQ(tcount(data), 0);
    CHECK_EQ(gcount(ro), 1);
    CHECK(!mm_pending_work());
    CHECK(audit_ok());
}

HTEST(a_table_that_maps_itself_writable_never_validates)
{
    world_init();
    unsigned long l1 = frame(&dom_a), data = frame(&dom_a);
    tab(l1)[0] = pte(data, P | RW);
    tab(l1)[1] = pte(l1, P | RW);
    CHECK_EQ(get_page_and_type(pg(l1), &dom_a, PGT_l1_page_table), -EINVAL);
    CHECK_EQ(mm_finish_pending(false), 0);
    CHECK_EQ(pg(l1)->type_info, 0);
    CHECK_EQ(gcount(data), 1);          /* entry 0's references were undone */
    CHECK_EQ(tcount(data), 0);
    CHECK_EQ(gcount(l1), 1);
    tab(l1)[1] = pte(l1, P);            /* read-only is fine */
    CHECK_EQ(pin(l1, PGT_l1_page_table), 0);
    CHECK(audit_ok());
}

HTEST(a_writable_frame_cannot_become_a_table_and_vice_versa)
{
    world_init();
    unsigned long x = frame(&dom_a);
    unsigned long l1 = l1_mapping(&dom_a, x);
    CHECK_EQ(pin(l1, PGT_l1_page_table), 0);
    CHECK_EQ(get_page_and_type(pg(x), &dom_a, PGT_l1_page_table), -EINVAL);
    CHECK_EQ(gcount(x), 2);             /* the failed attempt left nothing */
    /* and a validated table cannot be mapped writable */
    unsigned long l1b = frame(&dom_a);
    tab(l1b)[0] = pte(l1, P | RW);
    CHECK_EQ(get_page_and_type(pg(l1b), &dom_a, PGT_l1_page_table), -EINVAL);
    CHECK_EQ(mm_finish_pending(false), 0);
    CHECK_EQ(pg(l1b)->type_info, 0);
    CHECK(audit_ok());
}

HTEST(tree_validates_and_devalidates_completely)
{
    world_init();
    unsigned long free0 = heap_free_pages();
    unsigned long l3 = tree(&dom_a, 3, 5);
    CHECK_EQ(pin(l3, PGT_l3_page_table), 0);
    CHECK(audit_ok());
    unsigned long slot3 = pte_mfn(tab(l3)[3]);
    CHECK_EQ(ptype(slot3), PGT_l2_page_table | PGT_pae_xen_l2);
    CHECK_EQ(tab(slot3)[XEN_L2_FIRST_SLOT], pte(4, P | A)); /* hypervisor slots filled */
    CHECK_EQ(tab(l3)[0] & (RW | US | A | D), RW | US | A | D);
    unpin(l3);
    CHECK_EQ(mm_finish_pending(false), 0);
    CHECK(audit_ok());
    /* Everything is untyped; give all frames back. */
    struct list_head *pos, *tmp;
    list_for_each_safe(pos, tmp, &dom_a.page_list) {
        struct page_info *p = list_entry(pos, struct page_info, list);
        CHECK_EQ(p->type_info, 0);
        p->count_info &= ~PGC_allocated;
        put_page(p);
    }
    CHECK_EQ(dom_a.tot_pages, 0);
    CHECK_EQ(heap_free_pages(), free0);
    CHECK(audit_ok());
}

HTEST(validation_is_preemptible_and_resumes)
{
    world_init();
    unsigned long l3 = tree(&dom_a, 4, 8);
    unsigned int restarts = 0;
    int rc;

    /* (The allocation reference stands in for the caller's general one.) */
    preempt_every = 3;
    while ((rc = get_page_type_preemptible(pg(l3), PGT_l3_page_table)) == -ERESTART) {
        restarts++;
        CHECK(pg(l3)->mm_flags & PGF_partial);
        CHECK(!(pg(l3)->mm_flags & PGF_pending));
        if (restarts % 7 == 0 && !CHECK(audit_ok()))
            break;
    }
    CHECK_EQ(rc, 0);
    CHECK(restarts > 10);
    pg(l3)->type_info |= PGT_pinned;    /* make our reference a pin, as the */
    pg(l3)->count_info++;               /* auditor understands those */
    CHECK(pg(l3)->type_info & PGT_validated);
    CHECK(!(pg(l3)->mm_flags & PGF_partial));
    CHECK(audit_ok());
}

HTEST(devalidation_is_preemptible)
{
    world_init();
    unsigned long l3 = tree(&dom_a, 4, 8);
    unsigned int restarts = 0;
    int rc;

    CHECK_EQ(pin(l3, PGT_l3_page_table), 0);
    unpin(l3);
    preempt_every = 2;
    while ((rc = mm_finish_pending(true)) == -ERESTART) {
        restarts++;
        if (restarts % 11 == 0 && !CHECK(audit_ok()))
            break;
    }
    CHECK_EQ(rc, 0);
    CHECK(restarts > 10);
    CHECK_EQ(pg(l3)->type_info, 0);
    CHECK(audit_ok());
}

HTEST(partial_table_wanted_as_another_type)
{
    world_init();
    unsigned long l2 = frame(&dom_a);
    for (unsigned int i = 0; i < 6; i++)
        tab(l2)[i] = pte(l1_mapping(&dom_a, frame(&dom_a)), P | RW);
    preempt_every = 2;
    CHECK_EQ(get_page_type_preemptible(pg(l2), PGT_l2_page_table), -ERESTART);
    preempt_every = 0;
    /* Being validated as an L2: any other type is a conflict. */
    CHECK_EQ(get_page_type(pg(l2), PGT_writable_page), -EINVAL);
    CHECK_EQ(get_page_type(pg(l2), PGT_l1_page_table), -EINVAL);
    CHECK_EQ(get_page_type(pg(l2), PGT_l2_page_table | PGT_pae_xen_l2), -EINVAL);
    CHECK(audit_ok());
    /* Finishing it is fine; dropping it queues it; then another type waits
     * for the devalidation. */
    CHECK_EQ(get_page_type(pg(l2), PGT_l2_page_table), 0);
    put_page_type(pg(l2));
    CHECK(pg(l2)->mm_flags & PGF_pending);
    preempt_every = 2;
    CHECK_EQ(UNTIL_DONE(get_page_type_preemptible(pg(l2), PGT_writable_page)), 0);
    CHECK_EQ(ptype(l2), PGT_writable_page);
    preempt_every = 0;
    put_page_type(pg(l2));
    CHECK(audit_ok());
}

HTEST(queued_table_wanted_again_is_revalidated)
{
    world_init();
    unsigned long l2 = frame(&dom_a);
    for (unsigned int i = 0; i < 6; i++)
        tab(l2)[i] = pte(l1_mapping(&dom_a, frame(&dom_a)), P | RW);
    CHECK_EQ(pin(l2, PGT_l2_page_table), 0);
    unpin(l2);
    preempt_every = 2;
    CHECK_EQ(mm_finish_pending(true), -ERESTART);       /* half devalidated */
    preempt_every = 0;
    CHECK_EQ(pg(l2)->nr_validated, 4);                 /* 2 present entries dropped */
    CHECK(audit_ok());
    CHECK_EQ(pin(l2, PGT_l2_page_table), 0);           /* re-validates 4.. */
    CHECK_EQ(tcount(l2), 1);
    CHECK(!(pg(l2)->mm_flags & (PGF_partial | PGF_pending)));
    CHECK(audit_ok());
    CHECK_EQ(mm_finish_pending(false), 0);             /* the two dropped L1s */
    CHECK(!mm_pending_work());
    unpin(l2);
    CHECK_EQ(mm_finish_pending(false), 0);
    CHECK(audit_ok());
}

HTEST(stale_references_in_queued_tables_are_not_conflicts)
{
    world_init();
    unsigned long data = frame(&dom_a);
    unsigned long l1 = l1_mapping(&dom_a, data);
    unsigned long l2 = frame(&dom_a);
    tab(l2)[0] = pte(l1, P | RW);
    CHECK_EQ(get_page_and_type(pg(l2), &dom_a, PGT_l2_page_table), 0);
    put_page_and_type(pg(l2));          /* queued: still holds l1, which holds data */
    CHECK(mm_pending_work());
    CHECK_EQ(ptype(data), PGT_writable_page);
    /* The guest reuses the data frame as a table: must work. */
    CHECK_EQ(pin(data, PGT_l1_page_table), 0);
    CHECK(!mm_pending_work());
    CHECK(audit_ok());
}

HTEST(preempted_finish_of_queue_on_conflict)
{
    world_init();
    unsigned long data = frame(&dom_a);
    unsigned long l2 = frame(&dom_a);
    tab(l2)[0] = pte(l1_mapping(&dom_a, data), P | RW);
    for (unsigned int i = 1; i < 8; i++)
        tab(l2)[i] = pte(l1_mapping(&dom_a, frame(&dom_a)), P | RW);
    CHECK_EQ(get_page_and_type(pg(l2), &dom_a, PGT_l2_page_table), 0);
    put_page_and_type(pg(l2));
    preempt_every = 2;
    CHECK_EQ(UNTIL_DONE(get_page_type_preemptible(pg(data), PGT_l1_page_table)), 0);
    CHECK_EQ(ptype(data), PGT_l1_page_table);
    preempt_every = 0;
    pg(data)->type_info |= PGT_pinned;
    pg(data)->count_info++;
    CHECK(audit_ok());
}

HTEST(invalid_entry_late_in_a_table_undoes_the_rest)
{
    world_init();
    unsigned long l2 = frame(&dom_a), data = frame(&dom_a);
    for (unsigned int i = 0; i < 5; i++)
        tab(l2)[i] = pte(l1_mapping(&dom_a, frame(&dom_a)), P | RW);
    tab(l2)[5] = pte(data, P | RW | _PAGE_PSE);     /* superpage: refused */
    CHECK_EQ(get_page_and_type(pg(l2), &dom_a, PGT_l2_page_table), -EINVAL);
    CHECK(pg(l2)->mm_flags & PGF_pending);          /* the undo is queued */
    CHECK(audit_ok());
    CHECK_EQ(mm_finish_pending(false), 0);
    CHECK_EQ(pg(l2)->type_info, 0);
    CHECK_EQ(pg(l2)->mm_flags & (PGF_partial | PGF_pending), 0);
    CHECK_EQ(gcount(l2), 1);
    CHECK(audit_ok());
}

/*
 * A tree shaped like a process's: a few present entries far apart at every
 * level (pt_validate() and pt_devalidate() pass over the empty ones in a
 * tight scan; nr_validated must still mean "every entry below holds its
 * references").  data[] receives the data frames, every second one mapped
 * read-only.
 */
#define SPARSE_DATA (4 * 3 * 3)
static unsigned long sparse_tree(struct domain *d, unsigned long data[SPARSE_DATA])
{
    static const unsigned int l2_slots[] = { 0, 211, 427 };  /* 427: last guest slot of slot 3 */
    static const unsigned int l1_slots[] = { 1, 255, 511 };
    unsigned long l3 = frame(d);
    unsigned int n = 0;

    for (unsigned int s = 0; s < 4; s++) {
        unsigned long l2 = frame(d);
        tab(l3)[s] = pte(l2, P);
        for (unsigned int i = 0; i < 3; i++) {
            unsigned long l1 = frame(d);
            tab(l2)[l2_slots[i]] = pte(l1, P | RW | US | A);
            for (unsigned int j = 0; j < 3; j++, n++) {
                data[n] = frame(d);
                tab(l1)[l1_slots[j]] = pte(data[n], (n & 1) ? P | A : P | RW | A);
            }
        }
    }
    return l3;
}

HTEST(sparse_tables_validate_and_devalidate_completely)
{
    world_init();
    unsigned long data[SPARSE_DATA];
    unsigned long l3 = sparse_tree(&dom_a, data);
    unsigned int restarts = 0;
    int rc;

    preempt_every = 2;
    while ((rc = get_page_type_preemptible(pg(l3), PGT_l3_page_table)) == -ERESTART) {
        restarts++;
        if (!CHECK(audit_ok()))         /* partial tables: [0, nr_validated) */
            break;
    }
    CHECK_EQ(rc, 0);
    CHECK(restarts > 5);
    pg(l3)->type_info |= PGT_pinned;    /* our reference becomes a pin */
    pg(l3)->count_info++;
    for (unsigned int i = 0; i < SPARSE_DATA; i++) {
        CHECK_EQ(gcount(data[i]), 2);
        CHECK_EQ(tcount(data[i]), (i & 1) ? 0u : 1u);
    }
    CHECK(audit_ok());
    unpin(l3);
    restarts = 0;
    while ((rc = mm_finish_pending(true)) == -ERESTART) {
        restarts++;
        if (!CHECK(audit_ok()))
            break;
    }
    CHECK_EQ(rc, 0);
    CHECK(restarts > 5);
    CHECK_EQ(pg(l3)->type_info, 0);
    for (unsigned int i = 0; i < SPARSE_DATA; i++) {
        CHECK_EQ(gcount(data[i]), 1);
        CHECK_EQ(tcount(data[i]), 0);
    }
    CHECK(audit_ok());
}

HTEST(invalid_entry_after_empty_ones_undoes_what_came_before)
{
    world_init();
    unsigned long l1 = frame(&dom_a), a = frame(&dom_a), b = frame(&dom_a);

    tab(l1)[3] = pte(a, P | RW | A);
    tab(l1)[300] = pte(b, P | A);
    tab(l1)[400] = pte(frame(&dom_b), P);           /* another domain's: refused */
    tab(l1)[401] = pte(frame(&dom_a), P);
    CHECK_EQ(get_page_and_type(pg(l1), &dom_a, PGT_l1_page_table), -EINVAL);
    CHECK_EQ(pg(l1)->nr_validated, 400);            /* entries below it hold theirs */
    CHECK_EQ(gcount(a), 2);
    CHECK_EQ(tcount(a), 1);
    CHECK_EQ(gcount(b), 2);
    CHECK(audit_ok());
    CHECK_EQ(mm_finish_pending(false), 0);
    CHECK_EQ(pg(l1)->type_info, 0);
    CHECK_EQ(gcount(a), 1);
    CHECK_EQ(tcount(a), 0);
    CHECK_EQ(gcount(b), 1);
    CHECK(audit_ok());
}

HTEST(pinned_flag_is_only_dropped_by_the_unpinner)
{
    world_init();
    unsigned long l1 = frame(&dom_a);
    CHECK_EQ(get_page_and_type(pg(l1), &dom_a, PGT_l1_page_table), 0);
    pg(l1)->type_info |= PGT_pinned;
    CHECK(audit_ok());
    CHECK_EQ(get_page_and_type(pg(l1), &dom_a, PGT_l1_page_table), 0);
    put_page_and_type(pg(l1));          /* not the last: the pin holds one */
    CHECK_EQ(tcount(l1), 1);
    CHECK(audit_ok());
    pg(l1)->type_info &= ~PGT_pinned;
    put_page_and_type(pg(l1));
    CHECK_EQ(mm_finish_pending(false), 0);
    CHECK(audit_ok());
}

HTEST(type_change_flushes_a_stale_tlb_only_when_needed)
{
    world_init();
    unsigned long a = frame(&dom_a);
    unsigned long f0;

    CHECK_EQ(get_page_type(pg(a), PGT_writable_page), 0);
    put_page_type(pg(a));               /* a stale RW translation may exist */
    f0 = nr_flushes;
    CHECK_EQ(get_page_type(pg(a), PGT_writable_page), 0);  /* same type: fine */
    CHECK_EQ(nr_flushes, f0);
    put_page_type(pg(a));
    CHECK_EQ(get_page_type(pg(a), PGT_l1_page_table), 0);  /* RW -> table: flush */
    CHECK_EQ(nr_flushes, f0 + 1);
    put_page_type(pg(a));
    CHECK_EQ(mm_finish_pending(false), 0);
    flush_guest_tlb();                  /* the clock moves on */
    f0 = nr_flushes;
    CHECK_EQ(get_page_type(pg(a), PGT_writable_page), 0);  /* already flushed */
    CHECK_EQ(nr_flushes, f0);
}

HTEST(freed_frame_is_reallocated_only_after_a_flush)
{
    world_init();
    dom_a.max_pages = W_FRAMES;
    unsigned long a = frame(&dom_a);
    pg(a)->count_info &= ~PGC_allocated;
    put_page(pg(a));                    /* freed; some TLB may still map it */
    unsigned long f0 = nr_flushes;
    struct page_info *p;
    /* LIFO buddy: the next order-0 allocation returns the frame just freed. */
    CHECK((p = mm_alloc_domain_frame(&dom_b)) != NULL);
    CHECK_EQ(page_to_mfn(p), a);
    CHECK_EQ(nr_flushes, f0 + 1);
    CHECK(audit_ok());
}

/*
 * Frames the hypervisor writes behind a guest's back: shared with a
 * permanent writable reference, so no table or descriptor type ever; the
 * teardown gives them back, or orphans one a foreign mapping still holds.
 */
HTEST(shared_hypervisor_frames_stay_writable_for_life)
{
    world_init();
    struct page_info *s = mm_alloc_xen_frames(0);
    unsigned long m = page_to_mfn(s);

    CHECK(s->count_info == PGC_xen_heap && !s->owner);
    share_xen_frame(s, &dom_a);
    CHECK_EQ(get_page_and_type(s, &dom_a, PGT_l1_page_table), -EINVAL);
    CHECK_EQ(get_page_and_type(s, &dom_a, PGT_l2_page_table), -EINVAL);
    CHECK_EQ(get_page_and_type(s, &dom_a, PGT_l3_page_table), -EINVAL);
    CHECK_EQ(get_page_and_type(s, &dom_a, PGT_seg_desc_page), -EINVAL);
    CHECK_EQ(get_page_and_type(s, &dom_b, PGT_writable_page), -EINVAL);  /* not b's */
    CHECK_EQ(get_page_and_type(s, &dom_a, PGT_writable_page), 0);
    CHECK_EQ(tcount(m), 2);
    put_page_and_type(s);
    CHECK_EQ(tcount(m), 1);              /* the permanent one stays */
    CHECK(audit_ok());
    CHECK(unshare_xen_frame(s, &dom_b));
    CHECK(s->count_info == PGC_xen_heap && !s->owner && !s->type_info);
    mm_free_xen_frames(s, 0);
    CHECK(frame_is_free(m));

    /* Still referenced at teardown: an ordinary frame of the orphan domain. */
    s = mm_alloc_xen_frames(0);
    m = page_to_mfn(s);
    share_xen_frame(s, &dom_a);
    CHECK_EQ(get_page_and_type(s, &dom_a, PGT_writable_page), 0);
    CHECK(!unshare_xen_frame(s, &dom_b));
    CHECK(s->owner == &dom_b && s->count_info == 1 && tcount(m) == 1);
    CHECK_EQ(dom_b.tot_pages, 1);
    put_page_and_type(s);                /* the last mapping goes: freed */
    CHECK(frame_is_free(m));
    CHECK_EQ(dom_b.tot_pages, 0);
}

/* Hypervisor-heap frames are handed out only after a stale TLB is flushed. */
HTEST(hypervisor_heap_allocation_honours_the_tlb_rule)
{
    world_init();
    unsigned long m = frame(&dom_a), flushes;

    pg(m)->count_info &= ~PGC_allocated;
    put_page(pg(m));                     /* freed; a TLB may still map it */
    for (unsigned long i = W_FIRST_RAM; i < W_FRAMES; i++)
        pg(i)->tlbflush_timestamp = pg(m)->tlbflush_timestamp;
    flushes = nr_flushes;
    struct page_info *x = mm_alloc_xen_frames(0);
    CHECK(x != NULL);
    CHECK_EQ(nr_flushes, flushes + 1);
    mm_free_xen_frames(x, 0);
    x = mm_alloc_xen_frames(0);          /* the clock moved: no second flush */
    CHECK_EQ(nr_flushes, flushes + 1);
    mm_free_xen_frames(x, 0);
}

/*
 * The devalidation queue is per domain: a domain's type conflict is
 * resolved by working off its own queued tables, never another domain's.
 * Here dom_b left a table queued (a preempted continuation it has not yet
 * re-issued); dom_a's non-preemptible get_page_type() (the path of grant
 * maps, update_descriptor and set_gdt) must not pay for it.
 */
HTEST(a_conflict_works_off_only_the_callers_own_queue)
{
    world_init();
    unsigned long b_data = frame(&dom_b), b_l1 = frame(&dom_b);
    tab(b_l1)[0] = pte(b_data, P | RW);
    CHECK_EQ(pin(b_l1, PGT_l1_page_table), 0);
    unpin(b_l1);                        /* dom_b's: queued, devalidation pending */
    CHECK(pg(b_l1)->mm_flags & PGF_pending);

    unsigned long a_data = frame(&dom_a), a_l1 = l1_mapping(&dom_a, a_data);
    CHECK_EQ(pin(a_l1, PGT_l1_page_table), 0);
    unpin(a_l1);                        /* dom_a's: queued, still holds a_data writable */
    world_set_current(&dom_a);
    CHECK_EQ(get_page_type(pg(a_data), PGT_l1_page_table), 0);   /* own queue: resolved */
    put_page_type(pg(a_data));
    CHECK(pg(b_l1)->mm_flags & PGF_pending);                      /* not dom_a's to do */
    CHECK_EQ(ptype(b_data), PGT_writable_page);
    CHECK(audit_ok());
    world_set_current(&dom_b);
    CHECK_EQ(mm_finish_pending(false), 0);
    CHECK(!(pg(b_l1)->mm_flags & PGF_pending));
    CHECK(audit_ok());
}
