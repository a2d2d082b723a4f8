/*
 * grant-adv: hostile uses of grant_table_op (the XSA-218/224/227/234/236/
 * 255 classes and their neighbours).  Every case must fail with the right
 * GNTST_* status (or hypercall error), change nothing, and leave the
 * hypervisor's books balanced (the harness's auditor and teardown check).
 *
 *  - refs: not granted (GTF_invalid), beyond the set-up table, far beyond
 *    (0xffffffff), granted to another domain, read-only granted but mapped
 *    read-write; an unknown or dead domain;
 *  - addresses: a VA in the hypervisor hole, unaligned, already mapped;
 *    a misaligned PTE address (XSA-227), a PTE address in a frame that is
 *    not one of our L1 tables, in a hypervisor frame;
 *  - handles: double unmap, forged handles, unmap at the wrong address;
 *  - frames: a page-table frame granted writable (must be refused: the
 *    one-type rule), a frame the granter does not own, the grant table's
 *    own frame; copy beyond a page, into a read-only grant, from a frame
 *    not ours, with another domain's id on a local frame;
 *  - flags: unknown map flags, device-only maps;
 *  - resources: the maptrack growing past 512 maps, and its exhaustion
 *    under gnttab_max_maptrack_frames (limited=1); batches with
 *    good and bad elements; an op array in the hypervisor hole;
 *  - an L1 holding grant maps unpinned: the maps cannot be unmapped any
 *    more, stay accounted, and teardown releases them.
 */
#include <grant.h>
#include <traps.h>

#define R0 (GNT_RING_REF)

/*
 * The maptrack: 512 read-only maps (one batch) into the entries of a
 * fresh pinned L1, by PTE address.  By default (Xen's 1024 maptrack
 * pages) they all succeed and so does a 513th elsewhere; with
 * limited=1 (the test list sets gnttab_max_maptrack_frames=5) the batch
 * fills the maptrack part-way -- the first n succeed, every later one is
 * GNTST_no_space and changes nothing -- and one unmap makes room for
 * exactly one map.  Then unpin that L1 with two mappings still in it:
 * they can no longer be unmapped (the table is gone), but they are still
 * accounted and teardown releases them.
 */
static struct gnttab_map_grant_ref mops[512];
static struct gnttab_unmap_grant_ref uops[512];

static void maptrack(bool limited)
{
    uint32_t t = make_table(NULL, 0, 0);
    unsigned int bad = 0, n = 0;
    grant_handle_t h;

    CHECK_RC(pin(1, t), 0, "pin a fresh L1");
    for (unsigned int i = 0; i < 512; i++)
        mops[i] = (struct gnttab_map_grant_ref){ .host_addr = MADDR(t, i), .ref = R0,
            .flags = GNTMAP_host_map | GNTMAP_readonly | GNTMAP_contains_pte, .dom = 0,
            .status = 1 };
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, mops, 512), 0, "512 maps");
    while (n < 512 && mops[n].status == 0)
        n++;
    for (unsigned int i = n; i < 512; i++)
        bad += mops[i].status != GNTST_no_space;
    CHECK(bad == 0, "%u maps after the first failure were not no_space", bad);
    if (limited) {
        CHECK(n >= 256 && n < 512, "%u of 512 maps with a limited maptrack", n);
        CHECK_RC(gnt_map(0, R0, gnt_slot_va(2), GNTMAP_host_map | GNTMAP_readonly, &h),
                 GNTST_no_space, "map past the limit");
        CHECK_RC(gnt_unmap(MADDR(t, 7), mops[7].handle), GNTST_okay, "unmap one");
        CHECK_RC(gnt_map(0, R0, gnt_slot_va(2), GNTMAP_host_map | GNTMAP_readonly, &h),
                 GNTST_okay, "map into the freed entry");
        CHECK(h == mops[7].handle, "handle %u, freed %u", h, mops[7].handle);
        CHECK_RC(gnt_map(0, R0, gnt_slot_va(3), GNTMAP_host_map | GNTMAP_readonly, &h),
                 GNTST_no_space, "and no further");
        CHECK_RC(gnt_unmap(gnt_slot_va(2), mops[7].handle), GNTST_okay, "unmap it");
        mops[7].handle = 0xffffffffu;   /* done */
    } else {
        CHECK(n == 512, "%u of 512 maps", n);
        CHECK_RC(gnt_map(0, R0, gnt_slot_va(2), GNTMAP_host_map | GNTMAP_readonly, &h),
                 GNTST_okay, "map 513 (the maptrack grows)");
        CHECK_RC(gnt_unmap(gnt_slot_va(2), h), GNTST_okay, "unmap 513");
    }
    if (n < 2)
        return;
    unsigned int k = 0;
    for (unsigned int i = 0; i < n - 2; i++)
        if (mops[i].handle != 0xffffffffu)
            uops[k++] = (struct gnttab_unmap_grant_ref){ .host_addr = MADDR(t, i),
                                                         .handle = mops[i].handle, .status = 1 };
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, uops, k), 0, "unmaps");
    for (unsigned int i = 0; i < k; i++)
        bad += uops[i].status != 0;
    CHECK(bad == 0, "%u of %u unmaps failed", bad, k);
    CHECK_RC(unpin(t), 0, "unpin the L1 holding two grant maps");
    CHECK_RC(gnt_unmap(MADDR(t, n - 2), mops[n - 2].handle), GNTST_general_error,
             "unmap in a table that is no longer an L1");
    CHECK(!gnt_end(R0), "grant revoked while two maps remain");
}

void test_main(void)
{
    uint32_t va = gnt_slot_va(2), va2 = gnt_slot_va(3);
    uint64_t maddr = l1e_maddr(va);
    uint32_t data_mfn = spare_frame(), l1 = l1_mfn_of(va);
    grant_handle_t h, h2;

    traps_init();
    if (!gnt_init(1))
        return;
    gnt_blank(2);
    gnt_blank(3);

    /* Refs. */
    CHECK_RC(gnt_map(0, R0, va, GNTMAP_host_map, &h), GNTST_general_error, "ungranted ref");
    CHECK_RC(gnt_map(0, GNTTAB_V1_ENTRIES_PER_FRAME, va, GNTMAP_host_map, &h),
             GNTST_bad_gntref, "ref beyond the set-up table");
    CHECK_RC(gnt_map(0, 0xffffffffu, va, GNTMAP_host_map, &h), GNTST_bad_gntref, "ref ~0");
    gnt_grant(R0, 5, data_mfn, false);
    CHECK_RC(gnt_map(0, R0, va, GNTMAP_host_map, &h), GNTST_general_error,
             "ref granted to d5");
    gnt_grant(R0, 0, data_mfn, true);
    CHECK_RC(gnt_map(0, R0, va, GNTMAP_host_map, &h), GNTST_general_error,
             "read-only grant mapped rw");
    CHECK(gnt_table[R0].flags == (GTF_permit_access | GTF_readonly), "refusal set flags 0x%x",
          gnt_table[R0].flags);
    CHECK_RC(gnt_map(77, R0, va, GNTMAP_host_map, &h), GNTST_bad_domain, "no such domain");
    CHECK_RC(gnt_map(DOMID_SELF, R0, va, GNTMAP_host_map, &h), GNTST_bad_domain,
             "DOMID_SELF in map");

    /* Addresses. */
    gnt_grant(R0, 0, data_mfn, false);
    CHECK_RC(gnt_map(0, R0, 0xF5800000u, GNTMAP_host_map, &h), GNTST_bad_virt_addr, "hole");
    CHECK_RC(gnt_map(0, R0, va + 8, GNTMAP_host_map, &h), GNTST_bad_virt_addr, "unaligned");
    CHECK_RC(gnt_map(0, R0, VIRT_BASE, GNTMAP_host_map, &h), GNTST_bad_virt_addr,
             "already mapped VA");
    CHECK_RC(gnt_map(0, R0, 0x1ull << 32 | va, GNTMAP_host_map, &h), GNTST_bad_virt_addr,
             "VA above 4G");
    CHECK_RC(gnt_map(0, R0, maddr + 4, GNTMAP_host_map | GNTMAP_contains_pte, &h),
             GNTST_general_error, "misaligned PTE address");
    CHECK_RC(gnt_map(0, R0, (uint64_t)data_mfn << 12, GNTMAP_host_map | GNTMAP_contains_pte,
                     &h), GNTST_general_error, "PTE address in a data frame");
    CHECK_RC(gnt_map(0, R0, (uint64_t)current_l3_mfn() << 12 | 8 * 5,
                     GNTMAP_host_map | GNTMAP_contains_pte, &h), GNTST_general_error,
             "PTE address in our L3");
    CHECK_RC(gnt_map(0, R0, 0x1000, GNTMAP_host_map | GNTMAP_contains_pte, &h),
             GNTST_general_error, "PTE address in a hypervisor frame");
    CHECK_RC(gnt_map(0, R0, 0xfffffffffffff000ull, GNTMAP_host_map | GNTMAP_contains_pte, &h),
             GNTST_general_error, "PTE address beyond RAM");
    CHECK(gnt_table[R0].flags == GTF_permit_access, "refusals set flags 0x%x",
          gnt_table[R0].flags);

    /* Flags. */
    CHECK_RC(gnt_map(0, R0, va, GNTMAP_device_map, &h), GNTST_general_error, "device only");
    CHECK_RC(gnt_map(0, R0, va, GNTMAP_host_map | (1u << 9), &h), GNTST_general_error,
             "unknown flag");

    /* Handles. */
    CHECK_RC(gnt_map(0, R0, va, GNTMAP_host_map, &h), 0, "good map");
    CHECK_RC(gnt_unmap(va2, h), GNTST_general_error, "unmap at another VA");
    CHECK_RC(gnt_unmap(va, h + 1), GNTST_bad_handle, "unmap with a free handle");
    CHECK_RC(gnt_unmap(va, 0x7fffffffu), GNTST_bad_handle, "forged handle");
    CHECK_RC(gnt_unmap(va, ~0u), GNTST_bad_handle, "handle ~0");
    CHECK(!gnt_end(R0), "revoke while mapped");
    CHECK_RC(gnt_unmap(va, h), 0, "unmap");
    CHECK_RC(gnt_unmap(va, h), GNTST_bad_handle, "double unmap");
    CHECK(gnt_table[R0].flags == GTF_permit_access, "flags after unmap 0x%x",
          gnt_table[R0].flags);

    /* Frames. */
    gnt_grant(R0 + 1, 0, l1, false);
    CHECK_RC(gnt_map(0, R0 + 1, va, GNTMAP_host_map, &h), GNTST_general_error,
             "page-table frame granted writable");
    CHECK(gnt_table[R0 + 1].flags == GTF_permit_access, "refused map left flags 0x%x",
          gnt_table[R0 + 1].flags);
    CHECK_RC(gnt_copy(mfn_ptr(data_mfn, 0), gref_ptr(R0 + 1, 0, 0), 8, GNTCOPY_dest_gref),
             GNTST_general_error, "copy into a page-table frame through a grant");
    CHECK_RC(gnt_map(0, R0 + 1, va, GNTMAP_host_map | GNTMAP_readonly, &h), 0,
             "page-table frame read-only");
    CHECK_RC(gnt_unmap(va, h), 0, "unmap it");
    gnt_grant(R0 + 2, 0, 0x10, false);          /* not ours: hypervisor memory */
    CHECK_RC(gnt_map(0, R0 + 2, va, GNTMAP_host_map | GNTMAP_readonly, &h),
             GNTST_general_error, "frame the granter does not own");
    gnt_grant(R0 + 3, 0, va_to_mfn(gnt_table), true);
    CHECK_RC(gnt_map(0, R0 + 3, va, GNTMAP_host_map | GNTMAP_readonly, &h),
             GNTST_general_error, "the grant table's own frame");
    CHECK_RC(gnt_copy(mfn_ptr(l1, 0), mfn_ptr(data_mfn, 0), 8, 0), 0, "copy from our L1");
    CHECK_RC(gnt_copy(mfn_ptr(data_mfn, 0), mfn_ptr(l1, 0), 8, 0), GNTST_general_error,
             "copy into our own L1");
    CHECK_RC(gnt_copy(mfn_ptr(0x10, 0), mfn_ptr(data_mfn, 0), 8, 0), GNTST_bad_page,
             "copy from a frame not ours");
    struct gnttab_copy_ptr other = mfn_ptr(data_mfn, 0);
    other.domid = 3;
    CHECK_RC(gnt_copy(other, mfn_ptr(data_mfn, 0), 8, 0), GNTST_permission_denied,
             "local frame with another domain's id");
    CHECK_RC(gnt_copy(gref_ptr(R0, 0, 4000), mfn_ptr(data_mfn, 0), 200, GNTCOPY_source_gref),
             GNTST_bad_copy_arg, "copy beyond a page");
    CHECK_RC(gnt_copy(gref_ptr(R0, 0, 0), mfn_ptr(data_mfn, 0), 8, 0x80 | 1),
             GNTST_bad_copy_arg, "unknown copy flag");
    CHECK_RC(gnt_copy(gref_ptr(R0, 9, 0), mfn_ptr(data_mfn, 0), 8, GNTCOPY_source_gref),
             GNTST_bad_domain, "copy from a grant of no such domain");

    /* Two maps, a third over one of them. */
    CHECK_RC(gnt_map(0, R0, va, GNTMAP_host_map | GNTMAP_readonly, &h), 0, "map 1");
    CHECK_RC(gnt_map(0, R0, va2, GNTMAP_host_map | GNTMAP_readonly, &h2), 0, "map 2");
    CHECK_RC(gnt_map(0, R0, va2, GNTMAP_host_map | GNTMAP_readonly, &h2), GNTST_bad_virt_addr,
             "map over a grant map");

    /* Batches: per-element status, one bad element fails only itself. */
    struct gnttab_unmap_grant_ref un[3] = {
        { .host_addr = va, .handle = h, .status = 1 },
        { .host_addr = va, .handle = h, .status = 1 },      /* double, in one batch */
        { .host_addr = va2, .handle = h2, .status = 1 },
    };
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, un, 3), 0, "batch unmap");
    CHECK(un[0].status == 0 && un[1].status == GNTST_bad_handle && un[2].status == 0,
          "batch statuses %d %d %d", un[0].status, un[1].status, un[2].status);
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_unmap_grant_ref, (void *)0xF5800000u, 1),
             -XEN_EFAULT, "op array in the hole");
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_map_grant_ref, (void *)0xFFFFF000u, 2),
             -XEN_EFAULT, "op array across the top");
    CHECK(gnt_table[R0].flags == GTF_permit_access, "flags after all 0x%x", gnt_table[R0].flags);
    const char *lim = cmdline_value((const char *)start_info->cmd_line, "limited");
    maptrack(lim && *lim == '1');
    for (grant_ref_t r = R0 + 1; r < R0 + 4; r++)
        CHECK(gnt_end(r), "revoke of ref %u failed", r);

    for (unsigned int s = 0; s < 4; s++)
        scratch_restore(s);
    test_success();
}
