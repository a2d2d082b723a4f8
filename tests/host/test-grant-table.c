/*
 * test-grant-table: the grant operations (common/grant_table.c) on the
 * fake machine of mm-world.c, with the real page-type core, validator and
 * auditor underneath.
 *
 * dom_a grants, dom_b maps into one of its pinned L1 tables by PTE
 * address (the VA form needs a vCPU's live tables; the guest tests cover
 * it).  Each case checks the frame's general and type counts, the PTE,
 * the entry's flags, and that the auditor agrees -- after mapping, after
 * refusals, after unmapping, after an L1 holding a grant is unpinned, and
 * when the granter dies with the frame mapped (the frame is orphaned, then
 * freed by the last unmap).
 */
#include "htest.h"
#include "mm-world.h"
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
/* As mmu_update.c's: a referenced, validated table of pt_owner. */
struct page_info *mm_get_live_table(unsigned long mfn, struct domain *pt_owner)
{
    struct page_info *p;
    if (!mfn_valid(mfn) || get_page(p = mfn_to_page(mfn), pt_owner))
        return NULL;
    if (!(p->type_info & PGT_validated) || !(p->type_info & PGT_count_mask)) {
        put_page(p);
        return NULL;
    }
    p->type_info++;
    return p;
}
struct page_info *mm_current_l1_for(const struct vcpu *v, uint32_t va) { return NULL; }

static unsigned long data, l1, l1a;
static grant_entry_v1_t *ga;

static void setup(void)
{
    unsigned long mfns[GNTTAB_INITIAL_FRAMES];

    world_init();
    world_set_current(&dom_b);
    CHECK_EQ(gnttab_init(&dom_a), 0);
    CHECK_EQ(gnttab_init(&dom_b), 0);
    CHECK_EQ(gnttab_setup(&dom_a, 1, mfns), GNTST_okay);
    ga = map_frame(mfns[0]);
    data = frame(&dom_a);
    l1a = frame(&dom_a);
    CHECK_EQ(pin(l1a, PGT_l1_page_table), 0);
    l1 = frame(&dom_b);
    CHECK_EQ(pin(l1, PGT_l1_page_table), 0);
}

static void teardown(void)
{
    gnttab_release_mappings(&dom_b);
    gnttab_release_mappings(&dom_a);
    gnttab_destroy(&dom_a);
    gnttab_destroy(&dom_b);
}

static void grant(grant_ref_t ref, unsigned long mfn, uint16_t flags)
{
    ga[ref].frame = (uint32_t)mfn;
    ga[ref].domid = dom_b.domain_id;
    ga[ref].flags = GTF_permit_access | flags;
}

static int map(grant_ref_t ref, unsigned int idx, bool ro, grant_handle_t *h)
{
    struct gnttab_map_grant_ref op = {
        .host_addr = ((uint64_t)l1 << 12) | idx * 8, .ref = ref, .dom = dom_a.domain_id,
        .flags = GNTMAP_host_map | GNTMAP_contains_pte | (ro ? GNTMAP_readonly : 0),
    };
    gnttab_map(&op);
    if (op.status == GNTST_okay)
        *h = op.handle;
    return op.status;
}

static int unmap(unsigned int idx, grant_handle_t h)
{
    struct gnttab_unmap_grant_ref op = { .host_addr = ((uint64_t)l1 << 12) | idx * 8,
                                         .handle = h };
    gnttab_unmap(&op);
    return op.status;
}

HTEST(map_takes_references_against_the_granter)
{
    grant_handle_t h, h2;

    setup();
    grant(8, data, 0);
    uint32_t g0 = gcount(data);
    CHECK_EQ(map(8, 5, false, &h), GNTST_okay);
    CHECK_EQ(gcount(data), g0 + 1);
    CHECK_EQ(tcount(data), 1);
    CHECK_EQ(ptype(data), PGT_writable_page);
    CHECK_EQ(tab(l1)[5], pte(data, P | RW | A | D) | _PAGE_GNTTAB);
    CHECK_EQ(ga[8].flags, GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(dom_b.tot_pages, 1);            /* the mapper pays nothing */
    CHECK(audit_ok());
    CHECK_EQ(map(8, 6, true, &h2), GNTST_okay);
    CHECK_EQ(gcount(data), g0 + 2);
    CHECK_EQ(tcount(data), 1);
    CHECK_EQ(map(8, 6, true, &h), GNTST_general_error);   /* PTE present */
    /* Ordinary updates cannot touch a grant PTE. */
    CHECK_EQ(mod_l1_entry(pg(l1), 5, 0, &dom_b, false, false), -EINVAL);
    CHECK_EQ(unmap(5, h2), GNTST_general_error);                /* wrong address */
    CHECK_EQ(unmap(5, h), GNTST_okay);
    CHECK_EQ(unmap(5, h), GNTST_bad_handle);
    CHECK_EQ(tab(l1)[5], 0);
    CHECK_EQ(tcount(data), 0);
    CHECK_EQ(ga[8].flags, GTF_permit_access | GTF_reading);
    CHECK_EQ(unmap(6, h2), GNTST_okay);
    CHECK_EQ(gcount(data), g0);
    CHECK_EQ(ga[8].flags, GTF_permit_access);
    CHECK(audit_ok());
    teardown();
}

HTEST(page_table_frame_cannot_be_granted_writable)
{
    grant_handle_t h;

    setup();
    grant(9, l1a, 0);
    uint32_t g0 = gcount(l1a), t0 = tcount(l1a);
    CHECK_EQ(map(9, 1, false, &h), GNTST_general_error);
    CHECK_EQ(gcount(l1a), g0);
    CHECK_EQ(tcount(l1a), t0);
    CHECK_EQ(ga[9].flags, GTF_permit_access);
    CHECK_EQ(tab(l1)[1], 0);
    CHECK_EQ(map(9, 1, true, &h), GNTST_okay);                 /* read-only is fine */
    CHECK(audit_ok());
    CHECK_EQ(unmap(1, h), GNTST_okay);
    /* and a writably mapped frame cannot become a table */
    grant(8, data, 0);
    CHECK_EQ(map(8, 2, false, &h), GNTST_okay);
    CHECK_EQ(pin(data, PGT_l1_page_table), -EINVAL);
    CHECK_EQ(unmap(2, h), GNTST_okay);
    CHECK(audit_ok());
    teardown();
}

HTEST(bad_refs_domains_and_addresses)
{
    grant_handle_t h;
    struct gnttab_map_grant_ref op = { .host_addr = (uint64_t)l1 << 12, .ref = 8, .dom = 99,
                                       .flags = GNTMAP_host_map | GNTMAP_contains_pte };

    setup();
    grant(8, data, 0);
    op.host_addr = (uint64_t)l1 << 12;
    gnttab_map(&op);
    CHECK_EQ(op.status, GNTST_bad_domain);
    CHECK_EQ(map(GNTTAB_V1_ENTRIES_PER_FRAME, 0, true, &h), GNTST_bad_gntref);
    CHECK_EQ(map(10, 0, true, &h), GNTST_general_error);      /* never granted */
    ga[8].domid = 7;
    CHECK_EQ(map(8, 0, true, &h), GNTST_general_error);       /* someone else's */
    ga[8].domid = dom_b.domain_id;
    op.dom = dom_a.domain_id;
    op.host_addr = ((uint64_t)l1 << 12) | 4;                  /* misaligned */
    gnttab_map(&op);
    CHECK_EQ(op.status, GNTST_general_error);
    op.host_addr = (uint64_t)data << 12;                      /* not an L1 of ours */
    gnttab_map(&op);
    CHECK_EQ(op.status, GNTST_general_error);
    op.host_addr = (uint64_t)l1a << 12;                       /* dom_a's L1 */
    gnttab_map(&op);
    CHECK_EQ(op.status, GNTST_general_error);
    grant(11, W_HV_FRAME, 0);                                 /* not the granter's */
    CHECK_EQ(map(11, 0, true, &h), GNTST_general_error);
    CHECK_EQ(ga[8].flags, GTF_permit_access);
    CHECK_EQ(ga[11].flags, GTF_permit_access);
    CHECK(audit_ok());
    teardown();
}

HTEST(unpinned_l1_keeps_the_mapping_accounted)
{
    grant_handle_t h;

    setup();
    grant(8, data, 0);
    uint32_t g0 = gcount(data);
    CHECK_EQ(map(8, 3, false, &h), GNTST_okay);
    unpin(l1);
    CHECK_EQ(UNTIL_DONE(mm_finish_pending(true)), 0);
    CHECK_EQ(gcount(data), g0 + 1);          /* devalidation dropped nothing */
    CHECK_EQ(tcount(data), 1);
    CHECK(audit_ok());
    CHECK_EQ(unmap(3, h), GNTST_general_error);   /* no longer an L1 */
    CHECK_EQ(pin(l1, PGT_l1_page_table), -EINVAL); /* bit 52 is refused */
    gnttab_release_mappings(&dom_b);
    CHECK_EQ(gcount(data), g0);
    CHECK_EQ(ga[8].flags, GTF_permit_access);
    CHECK(audit_ok());
    teardown();
}

HTEST(dead_granter_frame_is_orphaned_then_freed)
{
    grant_handle_t h;

    setup();
    grant(8, data, 0);
    CHECK_EQ(map(8, 4, false, &h), GNTST_okay);
    /* What relinquish_memory does: a temporary reference, then ask. */
    unsigned long tot = dom_a.tot_pages;
    pg(data)->count_info++;
    CHECK(gnttab_orphan_frame(&dom_a, pg(data)));
    CHECK_EQ(pg(data)->owner, &dom_grant_orphans);
    CHECK_EQ(dom_a.tot_pages, tot - 1);
    CHECK_EQ(gcount(data), 1);
    CHECK(!(pg(data)->count_info & PGC_allocated));
    /* A frame with references other than grant maps is not orphaned. */
    pg(l1a)->count_info++;
    CHECK(!gnttab_orphan_frame(&dom_a, pg(l1a)));
    pg(l1a)->count_info--;
    gnttab_destroy(&dom_a);                  /* mappers forget the granter */
    CHECK(audit_ok());
    unsigned long freed = gnttab_orphans_freed();
    CHECK_EQ(unmap(4, h), GNTST_okay);
    CHECK(frame_is_free(data));
    CHECK_EQ(gnttab_orphans_freed(), freed + 1);
    CHECK_EQ(dom_grant_orphans.tot_pages, 0);
    CHECK(audit_ok());
    gnttab_destroy(&dom_b);
}

HTEST(copy_bounds_and_directions)
{
    unsigned long local;
    struct gnttab_copy op;

    setup();
    local = frame(&dom_b);
    grant(8, data, 0);
    grant(9, data, GTF_readonly);
    memset(tab(data), 0x11, 4096);
    memset(tab(local), 0x22, 4096);
    op = (struct gnttab_copy){ .source = { .u.ref = 8, .domid = dom_a.domain_id },
                               .dest = { .u.gmfn = (uint32_t)local, .domid = DOMID_SELF },
                               .len = 4096, .flags = GNTCOPY_source_gref };
    gnttab_copy(&op);
    CHECK_EQ(op.status, GNTST_okay);
    CHECK_EQ(((uint8_t *)tab(local))[4095], 0x11);
    op.source.offset = 1;
    gnttab_copy(&op);
    CHECK_EQ(op.status, GNTST_bad_copy_arg);
    op = (struct gnttab_copy){ .source = { .u.gmfn = (uint32_t)local, .domid = DOMID_SELF },
                               .dest = { .u.ref = 9, .domid = dom_a.domain_id },
                               .len = 8, .flags = GNTCOPY_dest_gref };
    gnttab_copy(&op);
    CHECK_EQ(op.status, GNTST_general_error);      /* read-only grant */
    op.dest.u.ref = 8;
    ((uint8_t *)tab(local))[0] = 0x33;
    gnttab_copy(&op);
    CHECK_EQ(op.status, GNTST_okay);
    CHECK_EQ(((uint8_t *)tab(data))[0], 0x33);
    op.source.u.gmfn = (uint32_t)data;               /* not ours */
    gnttab_copy(&op);
    CHECK_EQ(op.status, GNTST_bad_page);
    op.source.u.gmfn = (uint32_t)local;
    op.dest = (struct gnttab_copy_ptr){ .u.gmfn = (uint32_t)l1, .domid = DOMID_SELF };
    op.flags = 0;
    gnttab_copy(&op);
    CHECK_EQ(op.status, GNTST_general_error);        /* into our own L1 */
    CHECK_EQ(ga[8].flags, GTF_permit_access);
    CHECK_EQ(tcount(data), 0);
    CHECK(audit_ok());
    teardown();
}

/*
 * The table frames are hypervisor pages the hypervisor writes itself (the
 * GTF flags): none may ever become a page table or descriptor page, for
 * the hypervisor would then change table entries nobody checked.  Each
 * holds a permanent writable type reference; mapping it writable works.
 */
HTEST(table_frames_never_take_a_table_type)
{
    unsigned long mfns[GNTTAB_INITIAL_FRAMES];
    static const uint32_t types[] = { PGT_l1_page_table, PGT_l2_page_table,
                                      PGT_l3_page_table, PGT_seg_desc_page };

    setup();
    CHECK_EQ(gnttab_setup(&dom_a, GNTTAB_INITIAL_FRAMES, mfns), GNTST_okay);
    for (unsigned int i = 0; i < GNTTAB_INITIAL_FRAMES; i++) {
        struct page_info *f = pg(mfns[i]);
        for (unsigned int t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
            int rc = get_page_and_type(f, &dom_a, types[t]);
            CHECK_EQ(rc, -EINVAL);
            if (rc == 0)
                put_page_and_type(f);
        }
        CHECK_EQ(get_page_and_type(f, &dom_a, PGT_writable_page), 0);
        put_page_and_type(f);
        CHECK_EQ(mod_l1_entry(pg(l1a), 7, pte(mfns[i], P | RW), &dom_a, false, false), 0);
        CHECK_EQ(mod_l1_entry(pg(l1a), 7, 0, &dom_a, false, false), 0);
    }
    CHECK(audit_ok());
    teardown();
}

/*
 * A frame a domain gave back while a guest TLB may still map it must not
 * become hypervisor memory before a flush: a new domain's table frames
 * would otherwise be writable through another guest's stale translation.
 */
HTEST(table_frames_are_taken_only_after_a_stale_tlb_is_flushed)
{
    world_init();
    for (unsigned long m = W_FIRST_RAM; m < W_FRAMES; m++)
        pg(m)->tlbflush_timestamp = tlbflush_clock;   /* all freed since the last flush */
    unsigned long flushes = nr_flushes;
    CHECK_EQ(gnttab_init(&dom_a), 0);
    CHECK(nr_flushes > flushes);
    gnttab_destroy(&dom_a);
}

/*
 * A privileged domain still maps a table frame of a domain that dies: the
 * frame must not be "kept" with an owner that no longer exists; it passes
 * to dom_grant_orphans and is freed when that mapping goes.
 */
HTEST(table_frame_mapped_by_a_privileged_domain_outlives_its_domain)
{
    unsigned long mfns[1], pl1;
    unsigned long free0;

    setup();
    CHECK_EQ(gnttab_setup(&dom_a, 1, mfns), GNTST_okay);
    pl1 = frame(&dom_priv);
    CHECK_EQ(pin(pl1, PGT_l1_page_table), 0);
    CHECK_EQ(mod_l1_entry(pg(pl1), 3, pte(mfns[0], P | RW), &dom_a, false, false), 0);
    gnttab_release_mappings(&dom_b);
    gnttab_release_mappings(&dom_a);
    gnttab_destroy(&dom_a);
    CHECK(pg(mfns[0])->owner == &dom_grant_orphans);
    CHECK_EQ(gcount(mfns[0]), 1);
    CHECK(audit_ok());
    free0 = heap_free_pages();
    CHECK_EQ(mod_l1_entry(pg(pl1), 3, 0, &dom_a, false, false), 0);
    CHECK(frame_is_free(mfns[0]));
    CHECK_EQ(heap_free_pages(), free0 + 1);
    CHECK(audit_ok());
    gnttab_destroy(&dom_b);
}

/*
 * Version 2's status frames are shared like the table frames; switching
 * back to version 1 frees them, so it must refuse while anyone still maps
 * one (the XSA-255 class), and then free them without a trace.
 */
HTEST(status_frames_are_freed_only_when_unmapped)
{
    unsigned long smfn;
    unsigned long free0;

    setup();
    CHECK_EQ(gnttab_set_version(&dom_a, 2), 0);
    CHECK_EQ(dom_a.grant->nr_status, 1);
    smfn = dom_a.grant->status_mfn[0];
    CHECK_EQ(get_page_and_type(pg(smfn), &dom_a, PGT_l1_page_table), -EINVAL);
    CHECK_EQ(mod_l1_entry(pg(l1a), 9, pte(smfn, P), &dom_a, false, false), 0);
    CHECK_EQ(gnttab_set_version(&dom_a, 1), -EBUSY);
    CHECK_EQ(dom_a.grant->version, 2);
    CHECK(audit_ok());
    CHECK_EQ(mod_l1_entry(pg(l1a), 9, 0, &dom_a, false, false), 0);
    free0 = heap_free_pages();
    CHECK_EQ(gnttab_set_version(&dom_a, 1), 0);
    CHECK_EQ(dom_a.grant->nr_status, 0);
    CHECK_EQ(heap_free_pages(), free0 + 1);
    CHECK(frame_is_free(smfn));
    CHECK(audit_ok());
    teardown();
}

/* Growth past the initial frames, to the limit and no further; each new
 * frame shared for life, and all of it given back at teardown. */
HTEST(the_table_grows_to_its_limit)
{
    static unsigned long mfns[GNTTAB_MAX_FRAMES_LIMIT];
    unsigned long free0;

    world_init();
    free0 = heap_free_pages();
    CHECK_EQ(gnttab_init(&dom_a), 0);
    dom_a.grant->max_frames = 12;
    CHECK_EQ(gnttab_setup(&dom_a, 13, mfns), GNTST_general_error);
    CHECK_EQ(gnttab_setup(&dom_a, 12, mfns), GNTST_okay);
    CHECK_EQ(dom_a.grant->nr_frames, 12);
    CHECK_EQ(get_page_and_type(pg(mfns[11]), &dom_a, PGT_l1_page_table), -EINVAL);
    CHECK(audit_ok());
    gnttab_destroy(&dom_a);
    CHECK_EQ(heap_free_pages(), free0);
}

/*
 * The maptrack grows a page of entries at a time, up to
 * gnttab_max_maptrack_frames, and never shrinks: handles stay valid,
 * freed entries are reused first, the limit answers GNTST_no_space.
 */
HTEST(maptrack_grows_to_its_limit)
{
    unsigned int per = (unsigned int)GNTTAB_MAPTRACK_PER_FRAME, n = 0;
    static grant_handle_t h[512];
    unsigned int saved = opt_gnttab_max_maptrack_frames;

    opt_gnttab_max_maptrack_frames = 3;
    setup();
    opt_gnttab_max_maptrack_frames = saved;
    grant(8, data, GTF_readonly);
    CHECK_EQ(dom_b.grant->maptrack_frames, 1);         /* the first page comes with the table */
    CHECK(3 * per <= 512);
    while (n < 3 * per && map(8, n, true, &h[n]) == GNTST_okay)
        n++;
    CHECK_EQ(n, 3 * per);
    CHECK_EQ(dom_b.grant->maptrack_frames, 3);
    CHECK_EQ(map(8, n, true, &h[n]), GNTST_no_space);
    CHECK_EQ(tab(l1)[n], 0);                    /* nothing written */
    for (unsigned int i = 0; i < n; i++)
        CHECK_EQ(h[i], i);                      /* handles in order, none reused */
    CHECK_EQ(unmap(per + 1, h[per + 1]), GNTST_okay);
    grant_handle_t again;
    CHECK_EQ(map(8, per + 1, true, &again), GNTST_okay);
    CHECK_EQ(again, per + 1);                   /* the freed entry first */
    CHECK_EQ(unmap(2 * per + 3, h[2 * per + 3]), GNTST_okay);
    CHECK_EQ(unmap(2 * per + 3, h[2 * per + 3]), GNTST_bad_handle);
    CHECK_EQ(unmap(0, 3 * per), GNTST_bad_handle);              /* past the table */
    CHECK_EQ(unmap(0, 0xffffffffu), GNTST_bad_handle);
    CHECK(audit_ok());
    teardown();                                 /* releases the rest */
    CHECK(audit_ok());
}

HTEST(gnttab_switches)
{
    CHECK_EQ(gnttab_parse_opt("max-ver:1,no-transitive,transfer=0"), 0);
    CHECK_EQ(opt_gnttab_max_version, 1);
    CHECK(!opt_gnttab_transitive && !opt_gnttab_transfer);
    setup();
    CHECK_EQ(gnttab_set_version(&dom_a, 2), -ENOSYS);
    CHECK_EQ(gnttab_set_version(&dom_a, 1), 0);
    CHECK_EQ(gnttab_set_version(&dom_a, 3), -EINVAL);
    /* All or nothing. */
    CHECK_EQ(gnttab_parse_opt("max-ver:2,transitive=maybe"), -1);
    CHECK_EQ(opt_gnttab_max_version, 1);
    CHECK_EQ(gnttab_parse_opt("max-ver:3"), -1);
    CHECK_EQ(gnttab_parse_opt("max-ver:2,"), -1);
    CHECK_EQ(gnttab_parse_opt(""), -1);
    CHECK_EQ(gnttab_parse_opt("bogus"), -1);
    CHECK_EQ(gnttab_parse_opt("transitive=yes,max-ver:2,transfer"), 0);
    CHECK(opt_gnttab_max_version == 2 && opt_gnttab_transitive && opt_gnttab_transfer);
    CHECK_EQ(gnttab_set_version(&dom_a, 2), 0);
    teardown();
}
