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
 *
 * case=foreign-dead (d1 = grant-peer role=grant-die): a domain that has
 * shut down or crashed but is not destroyed yet takes no new references
 * from anyone.  We learn the machine frame of d1's granted page (a
 * device-map grant mapping reports it), then in one multicall -- so d1
 * cannot be destroyed in between -- shut d1 down and try to map that frame
 * through the privileged foreign forms (mmu_update and
 * update_va_mapping_otherdomain with DOMID 1).  Both must fail with
 * -ESRCH: a mapping made then would outlive d1's teardown and its frame
 * would leak (the teardown keeps a frame it cannot free).
 */
#include <grant.h>
#include <events.h>
#include <pt.h>

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

/* The machine frame behind d1's grant GNT_RING_REF, or 0. */
static uint32_t granted_mfn(void)
{
    struct gnttab_map_grant_ref op = {
        .host_addr = gnt_slot_va(2), .flags = GNTMAP_host_map | GNTMAP_device_map |
                                              GNTMAP_readonly,
        .ref = GNT_RING_REF, .dom = 1,
    };

    gnt_blank(2);
    if (HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, &op, 1) || op.status) {
        test_error("map d1's grant: status %d", op.status);
        return 0;
    }
    CHECK_RC(gnt_unmap(gnt_slot_va(2), op.handle), 0, "unmap");
    return (uint32_t)(op.dev_bus_addr >> 12);
}

static void foreign_map_of_a_dead_domain(void)
{
    uint32_t va = gnt_slot_va(3), mfn;
    uint64_t e[3];
    long p = evtchn_offer_and_wait(1, 5000 * NS_PER_MS);

    if (p <= 0 || !(mfn = granted_mfn())) {
        test_fail("d1 did not connect or grant: %ld", p);
        return;
    }
    pt_walk(va, e);
    struct sched_remote_shutdown rs = { .domain_id = 1, .reason = SHUTDOWN_poweroff };
    struct mmu_update req = { .ptr = l1e_maddr(va), .val = PTE(mfn, _PAGE_PRESENT |
                                                                 _PAGE_ACCESSED) };
    uint32_t done = 0;
    multicall_entry_t mc[3] = {
        { .op = __HYPERVISOR_sched_op, .args = { SCHEDOP_remote_shutdown, (uint32_t)&rs } },
        { .op = __HYPERVISOR_mmu_update, .args = { (uint32_t)&req, 1, (uint32_t)&done, 1 } },
        { .op = __HYPERVISOR_update_va_mapping_otherdomain,
          .args = { va, (uint32_t)req.val, 0, UVMF_INVLPG, 1 } },
    };
    CHECK_RC(HYPERVISOR_multicall(mc, 3), 0, "multicall");
    CHECK_RC(mc[0].result, 0, "remote shutdown of d1");
    CHECK_RC(mc[1].result, -XEN_ESRCH, "mmu_update mapping a frame of a shut-down domain");
    CHECK_RC(mc[2].result, -XEN_ESRCH,
             "update_va_mapping_otherdomain mapping a frame of a shut-down domain");
    bool mapped = mapped_any(va) && va_to_mfn((void *)va) == mfn;
    if (mapped)
        printf("d1's frame 0x%x is mapped at 0x%x while d1 is destroyed\n", mfn, va);
    CHECK_RC(wait_domain_gone(1, 5000 * NS_PER_MS), 0, "d1 did not go away");
    if (mapped)                          /* what the unfixed hypervisor allowed */
        CHECK_RC(HYPERVISOR_update_va_mapping(va, e[2], UVMF_INVLPG), 0, "restore");
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
    else if (c && !strncmp(c, "foreign-dead", 12))
        foreign_map_of_a_dead_domain();
    else if (c && !strncmp(c, "granter-keep", 12))
        granter_dies(true);
    else if (c && !strncmp(c, "granter", 7))
        granter_dies(false);
    else
        test_error("case=mapper or case=granter");
    if (!c || strncmp(c, "granter-keep", 12))
        scratch_restore(2);          /* else our teardown releases the mapping */
    if (c && !strncmp(c, "foreign-dead", 12))
        scratch_restore(3);
    test_success();
}
