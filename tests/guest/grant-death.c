/*
 * grant-death: a mapper or a granter dies while a grant is mapped.
 *
 * case=mapper (d1 = grant-peer role=map-die): we grant d1 a page at
 * GNT_RING_REF; d1 maps it read-write, writes a marker, tells us, and
 * crashes when we answer.  While it is mapped our entry shows
 * GTF_reading|GTF_writing and cannot be revoked; once d1 is destroyed
 * (its teardown releases the mapping) both bits are clear, the marker is
 * in our page, and the grant can be revoked.
 *
 * case=granter (d1 = grant-peer role=grant-die): d1 grants us a page with
 * a marker; we map it read-write and tell d1, which powers off.  Its
 * teardown cannot free that frame: it passes to the grant orphans (the
 * harness checks the teardown line says so and still balances).  Our
 * mapping keeps working -- we read the marker and write to the page --
 * and when we unmap, the orphaned frame is freed (checked in the log).
 * case=granter-keep: the same, but we never unmap: our own teardown
 * releases the mapping and frees the orphan, and its accounting must
 * still balance (the orphan is not counted as ours).
 */
#include <grant.h>
#include <events.h>

static const char marker[] = "written by the peer";

static void mapper_dies(void)
{
    uint32_t mfn = spare_frame();
    volatile char *pg = scratch_map(1, mfn, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);

    gnt_grant(GNT_RING_REF, 1, mfn, false);
    long p = evtchn_offer_and_wait(1, 5000 * NS_PER_MS);
    if (p <= 0) {
        test_fail("d1 did not connect: %ld", p);
        return;
    }
    uint16_t f = gnt_table[GNT_RING_REF].flags;
    CHECK(f == (GTF_permit_access | GTF_reading | GTF_writing), "flags while mapped 0x%x", f);
    CHECK(!gnt_end(GNT_RING_REF), "revoked while d1 maps it");
    CHECK(!memcmp((const void *)pg, marker, sizeof(marker)), "d1's marker is not in our page");
    evtchn_send((evtchn_port_t)p);        /* d1 now crashes */
    CHECK_RC(wait_domain_gone(1, 5000 * NS_PER_MS), 0, "d1 did not go away");
    f = gnt_table[GNT_RING_REF].flags;
    CHECK(f == GTF_permit_access, "flags after the mapper died 0x%x", f);
    CHECK(gnt_end(GNT_RING_REF), "grant not revocable after the mapper died");
    scratch_restore(1);
}

static void granter_dies(bool keep)
{
    uint32_t va = gnt_slot_va(2);
    grant_handle_t h;

    gnt_blank(2);
    long p = evtchn_offer_and_wait(1, 5000 * NS_PER_MS);
    if (p <= 0) {
        test_fail("d1 did not connect: %ld", p);
        return;
    }
    CHECK_RC(gnt_map(1, GNT_RING_REF, va, GNTMAP_host_map, &h), 0, "map d1's grant");
    CHECK(!memcmp((const void *)va, marker, sizeof(marker)), "marker not in d1's page");
    evtchn_send((evtchn_port_t)p);        /* d1 now powers off */
    CHECK_RC(wait_domain_gone(1, 5000 * NS_PER_MS), 0, "d1 did not go away");
    CHECK(!memcmp((const void *)va, marker, sizeof(marker)), "page changed under the mapping");
    ((volatile char *)va)[100] = 'x';
    CHECK(((volatile char *)va)[100] == 'x', "cannot write the orphaned page");
    CHECK_RC(gnt_map(1, GNT_RING_REF, gnt_slot_va(3), GNTMAP_host_map, &h), GNTST_bad_domain,
             "map from a dead granter");
    if (!keep)
        CHECK_RC(gnt_unmap(va, h), 0, "unmap the orphaned frame");
}

void test_main(void)
{
    const char *c = cmdline_value((const char *)start_info->cmd_line, "case");

    if (map_shared_info() || !gnt_init(1)) {
        test_error("setup failed");
        return;
    }
    if (c && !strncmp(c, "mapper", 6))
        mapper_dies();
    else if (c && !strncmp(c, "granter-keep", 12))
        granter_dies(true);
    else if (c && !strncmp(c, "granter", 7))
        granter_dies(false);
    else
        test_error("case=mapper or case=granter");
    if (!c || strncmp(c, "granter-keep", 12))
        scratch_restore(2);          /* else our teardown releases the mapping */
    test_success();
}
