/*
 * grant-ops: every grant_table_op sub-operation and flag combination, on
 * grants a domain makes to itself (domain 0 maps its own grants by its
 * own id, which exercises the same paths as a peer without needing one).
 *
 * Covered: set_version (1 and 2 accepted and reported, 3 refused),
 * get_version, get_status_frames (none in v1), query_size and setup_table
 * (growth and a refusal beyond the limit); map read-only and
 * read-write at a VA and by PTE address, with the GTF_reading/GTF_writing
 * bits the hypervisor keeps in our entry, read-only enforcement (a store
 * through a read-only map faults), a revoke attempt while mapped (refused
 * by the protocol, the mapping keeps working), ordinary PTE updates over a
 * grant mapping refused, unmap and the bits cleared; copy in every
 * direction with bounds.  The adversarial half is in grant-adv.c, version 2
 * in grant-v2.c.
 */
#include <grant.h>
#include <traps.h>

#define REF_DATA  (GNT_RING_REF + 0)
#define REF_RO    (GNT_RING_REF + 1)

static uint32_t data_mfn, local_mfn;
static volatile uint8_t *data, *local;

static void versions(void)
{
    struct gnttab_set_version sv = { .version = 1 };
    struct gnttab_get_version gv = { .dom = DOMID_SELF };
    struct gnttab_get_status_frames gs = { .nr_frames = 1, .dom = DOMID_SELF };

    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &sv, 1), 0, "set_version 1");
    CHECK(sv.version == 1, "set_version says %u", sv.version);
    sv.version = 2;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &sv, 1), 0, "set_version 2");
    CHECK(sv.version == 2, "after set_version 2 the version is %u", sv.version);
    sv.version = 1;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &sv, 1), 0, "back to 1");
    CHECK(sv.version == 1, "after set_version 1 the version is %u", sv.version);
    sv.version = 3;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &sv, 1), -XEN_EINVAL,
             "set_version 3");
    CHECK(sv.version == 1, "a refused set_version reports %u", sv.version);
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_get_version, &gv, 1), 0, "get_version");
    CHECK(gv.version == 1, "get_version says %u", gv.version);
    gs.status = 0;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_get_status_frames, &gs, 1), 0,
             "get_status_frames");
    CHECK(gs.status == GNTST_general_error, "get_status_frames status %d", gs.status);
    struct gnttab_transfer tr = { .mfn = 0, .domid = 0, .ref = 8 };   /* grant-transfer.c */
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_transfer, &tr, 1), 0, "transfer");
    CHECK(tr.status == GNTST_bad_page, "transfer of frame 0: status %d", tr.status);
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_set_version, &sv, 2), -XEN_EINVAL,
             "set_version count 2");
}

static void sizes(void)
{
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    uint32_t frames[8], first;
    struct gnttab_setup_table st = { .dom = DOMID_SELF, .frame_list = (uint32_t)frames };

    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &q, 1), 0, "query_size");
    CHECK(q.status == 0 && q.nr_frames == 0 && q.max_nr_frames == GNTTAB_MAX_FRAMES_GUEST,
          "query_size before setup: status %d, %u of %u frames", q.status, q.nr_frames,
          q.max_nr_frames);
    st.nr_frames = GNTTAB_MAX_FRAMES_GUEST + 1;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1), 0, "setup 65");
    CHECK(st.status == GNTST_general_error, "growth beyond the limit: status %d", st.status);
    st.nr_frames = 1;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 2), -XEN_EINVAL,
             "setup count 2");
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1), 0, "setup 1");
    first = frames[0];
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &q, 1), 0, "query_size");
    CHECK(q.nr_frames == 1, "after setup 1: %u frames", q.nr_frames);
    st.nr_frames = 4;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1), 0, "setup 4");
    CHECK(st.status == 0 && frames[0] == first, "grown table moved frame 0");
    st.nr_frames = 2;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1), 0, "setup 2");
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &q, 1), 0, "query_size");
    CHECK(q.nr_frames == 4, "table shrank to %u frames", q.nr_frames);
    st.frame_list = 0xF5800000u;        /* hypervisor hole */
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1), -XEN_EFAULT,
             "setup into the hole");
}

static void maps(void)
{
    uint32_t va_ro = gnt_slot_va(2), va_rw = gnt_slot_va(3);
    uint64_t pte_maddr = l1e_maddr(va_ro);
    grant_handle_t h_ro, h_rw, h_pte;
    uint16_t f;

    gnt_blank(2);
    gnt_blank(3);
    gnt_grant(REF_DATA, 0, data_mfn, false);
    data[100] = 0x5a;
    CHECK_RC(gnt_map(0, REF_DATA, va_ro, GNTMAP_host_map | GNTMAP_readonly, &h_ro), 0,
             "map ro");
    f = gnt_table[REF_DATA].flags;
    CHECK(f == (GTF_permit_access | GTF_reading), "flags after ro map 0x%x", f);
    CHECK(((volatile uint8_t *)va_ro)[100] == 0x5a, "ro map does not show the data");
    uint32_t x;
    int v = EXC_TRY("movb $1, (%1)", "=r" (x) : "r" (va_ro + 100) : "memory");
    CHECK(v == 14, "store through a read-only grant map: vector %d", v);
    CHECK(data[100] == 0x5a, "read-only map was written");

    CHECK_RC(gnt_map(0, REF_DATA, va_rw, GNTMAP_host_map, &h_rw), 0, "map rw");
    f = gnt_table[REF_DATA].flags;
    CHECK(f == (GTF_permit_access | GTF_reading | GTF_writing), "flags after rw map 0x%x", f);
    ((volatile uint8_t *)va_rw)[7] = 0x77;
    CHECK(data[7] == 0x77, "rw map does not write the granted frame");
    CHECK(h_rw != h_ro, "same handle twice");

    /* The granter cannot revoke while mapped; the maps keep working. */
    CHECK(!gnt_end(REF_DATA), "revoke while mapped succeeded");
    gnt_table[REF_DATA].frame = local_mfn;   /* a granter changing the frame */
    CHECK(((volatile uint8_t *)va_rw)[7] == 0x77, "map followed a changed frame");

    /* Ordinary PTE updates cannot touch a grant mapping. */
    CHECK(HYPERVISOR_update_va_mapping(va_rw, 0, UVMF_INVLPG) == -XEN_EINVAL,
          "update_va_mapping over a grant PTE accepted");
    CHECK(mmu1(l1e_maddr(va_rw), PTE(local_mfn, _PAGE_PRESENT)) == -XEN_EINVAL,
          "mmu_update over a grant PTE accepted");

    CHECK_RC(gnt_unmap(va_rw, h_rw), 0, "unmap rw");
    f = gnt_table[REF_DATA].flags;
    CHECK(f == (GTF_permit_access | GTF_reading), "flags after rw unmap 0x%x", f);
    v = EXC_TRY("movzbl (%1), %0", "=r" (x) : "r" (va_rw) : "memory");
    CHECK(v == 14, "unmapped VA still reads: vector %d", v);
    CHECK_RC(gnt_unmap(va_ro, h_ro), 0, "unmap ro");
    CHECK(gnt_table[REF_DATA].flags == GTF_permit_access, "flags after last unmap 0x%x",
          gnt_table[REF_DATA].flags);

    /* The PTE-address form: the frame is read once per first pin again. */
    gnt_table[REF_DATA].frame = data_mfn;
    CHECK_RC(gnt_map(0, REF_DATA, pte_maddr, GNTMAP_host_map | GNTMAP_contains_pte, &h_pte),
             0, "map by PTE address");
    CHECK(((volatile uint8_t *)va_ro)[7] == 0x77, "PTE-form map does not show the data");
    CHECK_RC(gnt_unmap(va_ro, h_pte), GNTST_general_error, "unmap PTE form by VA");
    CHECK_RC(gnt_unmap(pte_maddr, h_pte), 0, "unmap PTE form");
    CHECK(gnt_end(REF_DATA), "revoke after unmap failed");

    /* application_map: the PTE gets USER (ring 3 may use it). */
    gnt_grant(REF_DATA, 0, data_mfn, false);
    CHECK_RC(gnt_map(0, REF_DATA, va_rw, GNTMAP_host_map | GNTMAP_application_map, &h_rw), 0,
             "application map");
    uint64_t e[3];
    CHECK(walk_any(va_rw, e) == 0 && (e[2] & _PAGE_USER) && (e[2] & _PAGE_RW),
          "application map PTE 0x%llx", (unsigned long long)e[2]);
    CHECK_RC(gnt_unmap(va_rw, h_rw), 0, "unmap application map");
    CHECK(gnt_end(REF_DATA), "revoke failed");
}

static void copies(void)
{
    gnt_grant(REF_DATA, 0, data_mfn, false);
    gnt_grant(REF_RO, 0, data_mfn, true);
    for (unsigned int i = 0; i < 4096; i++) {
        local[i] = (uint8_t)(i * 7);
        data[i] = 0;
    }
    CHECK_RC(gnt_copy(mfn_ptr(local_mfn, 0), gref_ptr(REF_DATA, DOMID_SELF, 0), 4096,
                      GNTCOPY_dest_gref), 0, "copy local -> gref, whole page");
    CHECK(data[4095] == (uint8_t)(4095 * 7) && data[1] == 7, "copy to gref wrong");
    CHECK_RC(gnt_copy(gref_ptr(REF_RO, 0, 10), mfn_ptr(local_mfn, 2000), 100,
                      GNTCOPY_source_gref), 0, "copy ro gref -> local");
    CHECK(local[2000] == (uint8_t)(10 * 7) && local[2099] == (uint8_t)(109 * 7),
          "copy from gref wrong");
    CHECK_RC(gnt_copy(gref_ptr(REF_RO, 0, 0), gref_ptr(REF_DATA, 0, 3000), 1000,
                      GNTCOPY_source_gref | GNTCOPY_dest_gref), 0, "gref -> gref overlapping");
    CHECK(data[3000] == 0 && data[3999] == (uint8_t)(999 * 7), "gref -> gref wrong");
    CHECK_RC(gnt_copy(mfn_ptr(local_mfn, 0), gref_ptr(REF_RO, 0, 0), 8, GNTCOPY_dest_gref),
             GNTST_general_error, "copy into a read-only grant");
    CHECK_RC(gnt_copy(mfn_ptr(local_mfn, 4000), mfn_ptr(data_mfn, 0), 97, 0),
             GNTST_bad_copy_arg, "source beyond the page");
    CHECK_RC(gnt_copy(mfn_ptr(local_mfn, 0), gref_ptr(REF_DATA, 0, 4095), 2,
                      GNTCOPY_dest_gref), GNTST_bad_copy_arg, "dest beyond the page");
    CHECK_RC(gnt_copy(mfn_ptr(local_mfn, 0), mfn_ptr(data_mfn, 0), 0, 0), 0, "empty copy");
    CHECK(gnt_table[REF_DATA].flags == GTF_permit_access &&
          gnt_table[REF_RO].flags == (GTF_permit_access | GTF_readonly),
          "copies left flags 0x%x / 0x%x", gnt_table[REF_DATA].flags, gnt_table[REF_RO].flags);
    CHECK(gnt_end(REF_DATA) && gnt_end(REF_RO), "revoke after copies failed");
}

void test_main(void)
{
    traps_init();
    versions();
    sizes();
    if (!gnt_init(1))
        return;
    data_mfn = spare_frame();
    local_mfn = spare_frame();
    data = scratch_map(1, data_mfn, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    local = scratch_map(4, local_mfn, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    maps();
    copies();
    for (unsigned int s = 0; s < 5; s++)
        scratch_restore(s);
    test_success();
}
