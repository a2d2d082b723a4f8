/*
 * The consistency auditor (common/mm_audit.c) must find what it exists to
 * find: each test builds a consistent state (which must pass), breaks one
 * thing the way a refcounting bug would, and expects a FAIL naming it.
 */
#include "htest.h"
#include "mm-world.h"

static unsigned long l1, l2, l3, data, ro;

static void build(void)
{
    world_init();
    l3 = frame(&dom_a);
    l2 = frame(&dom_a);
    l1 = frame(&dom_a);
    data = frame(&dom_a);
    ro = frame(&dom_a);
    tab(l3)[0] = pte(l2, P);
    tab(l3)[3] = pte(frame(&dom_a), P);
    tab(l2)[0] = pte(l1, P | RW);
    tab(l1)[0] = pte(data, P | RW);
    tab(l1)[1] = pte(ro, P);
    if (pin(l3, PGT_l3_page_table))
        abort();
}

/* The audit fails and one of its problem lines says `what`. */
static bool fails_with(const char *what)
{
    world_log[0] = '\0';
    if (mm_audit("host test") == 0)
        return false;
    if (!strstr(world_log, what)) {
        fprintf(stderr, "audit output lacks '%s':\n%s", what, world_log);
        return false;
    }
    return true;
}

HTEST(consistent_state_passes)
{
    build();
    CHECK(audit_ok());
    CHECK(strstr(last_log, "pass") != NULL);
}

HTEST(extra_general_reference)
{
    build();
    pg(data)->count_info++;
    CHECK(fails_with("general count 3, expected 2"));
    CHECK(strstr(last_log, "FAIL") != NULL);
}

HTEST(missing_type_reference)
{
    build();
    pg(data)->type_info--;
    CHECK(fails_with("has count 0, expected 1"));
}

HTEST(writable_mapping_of_a_table)
{
    build();
    tab(l1)[2] = pte(l2, P | RW);        /* as if the check had been skipped */
    CHECK(fails_with("entry needs mfn"));
}

HTEST(entry_reaching_a_free_frame)
{
    build();
    tab(l1)[3] = pte(W_FRAMES - 1, P);
    CHECK(fails_with("reach this free frame"));
}

HTEST(entry_reaching_the_hypervisor)
{
    build();
    tab(l1)[3] = pte(W_HV_FRAME, P);
    CHECK(fails_with("reach this hypervisor frame"));
}

HTEST(entry_reaching_another_domain)
{
    build();
    unsigned long f = frame(&dom_b);
    tab(l1)[3] = pte(f, P);
    pg(f)->count_info++;
    CHECK(fails_with("of d2"));
}

HTEST(hypervisor_slots_overwritten)
{
    build();
    tab(pte_mfn(tab(l3)[3]))[XEN_L2_FIRST_SLOT] = 0;
    CHECK(fails_with("hypervisor slots of a pae_xen_l2 changed"));
}

HTEST(l3_tail_not_clear)
{
    build();
    tab(l3)[200] = 1;
    CHECK(fails_with("L3 entry 200 is not clear"));
}

HTEST(page_list_and_tot_pages_disagree)
{
    build();
    dom_a.tot_pages++;
    CHECK(fails_with("tot_pages says"));
}

HTEST(owned_frame_off_the_list)
{
    build();
    list_del(&pg(ro)->list);
    dom_a.tot_pages--;
    CHECK(fails_with("not on its page list"));
}

HTEST(pending_flag_without_queue)
{
    build();
    unpin(l3);
    CHECK(audit_ok());                   /* queued: consistent */
    pg(l3)->mm_flags &= ~PGF_pending;    /* flag lost, still queued */
    CHECK(fails_with("flagged pending"));
}

HTEST(linear_count_drift)
{
    build();
    pg(l2)->linear_count = 1;
    CHECK(fails_with("linear count 1, expected 0"));
}

HTEST(free_frame_with_owner)
{
    build();
    pg(W_FRAMES - 1)->owner = &dom_b;
    CHECK(fails_with("free frame in use"));
}

/*
 * A frame the hypervisor shares with a domain (shared_info, grant-table
 * frames) holds a writable reference for life; one that became a page
 * table anyway -- the state an escape through such a frame leaves -- is
 * reported by name.
 */
HTEST(hypervisor_heap_frame_as_a_page_table)
{
    build();
    struct page_info *s = mm_alloc_xen_frames(0);
    share_xen_frame(s, &dom_a);
    CHECK(audit_ok());
    s->type_info = PGT_l1_page_table | PGT_validated | PGT_pinned | 1;
    s->count_info++;                     /* the pin's general reference */
    CHECK(fails_with("hypervisor-heap frame with type 0x16000001"));
}

HTEST(shared_frame_without_its_writable_reference)
{
    build();
    struct page_info *s = mm_alloc_xen_frames(0);
    share_xen_frame(s, &dom_a);
    s->type_info = 0;
    CHECK(fails_with("without its writable reference"));
}
