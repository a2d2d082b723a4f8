/*
 * grant-transfer: GNTTABOP_transfer, with Xen's order of events.
 *
 * A domain offers an entry {GTF_accept_transfer, donor, PFN}; the donor
 * gives a frame it uses for nothing else; the frame (contents and all)
 * becomes the receiver's, its M2P entry says the PFN from the entry, the
 * entry's frame field says the MFN, and its flags gain
 * GTF_transfer_committed | GTF_transfer_completed.  The donor's failures
 * come in two kinds, and the difference is the point of this test:
 *
 *   - refused before the frame is taken (GNTST_bad_page, nothing lost):
 *     a frame that is mapped, a page table, shared_info, a grant-table
 *     frame, a frame that is not ours, a frame past RAM, a frame lost
 *     earlier in the same batch;
 *   - refused after (the donor loses the frame, as on Xen): no such
 *     receiver (GNTST_bad_domain, DOMID_SELF included), an entry that is
 *     not an open offer from us -- another type, another domid, one already
 *     completed, a ref past the table -- and a receiver without headroom
 *     (GNTST_general_error).
 *
 * Default case: we transfer to ourselves (domain 0 receiving from domain
 * 0 is legal), batches included (with mm_preempt_stress a batch of three
 * goes on as continuations), and an unreadable array is -EFAULT.
 *
 * case=peer (d1 = grant-peer role=accept): we raise d1's max_mem by one
 * page and give it a frame holding a marker; it must be d1's now and not
 * ours (we can no longer map it).  Then we give it another: no headroom,
 * GNTST_general_error, our frame lost.  d1 checks what it
 * received (grant-peer.c) and powers off; its teardown must balance with
 * the frame it gained.
 */
#include <grant.h>
#include <events.h>
#include <ctl.h>
#include <pt.h>

#define PFN_T 0x7e000u          /* PFNs we say received frames back */
static const char marker[] = "a frame given away by domain 0";
static uint8_t mapped[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

static void offer(grant_ref_t ref, uint16_t type, domid_t from, uint32_t pfn)
{
    gnt_table[ref].domid = from;
    gnt_table[ref].frame = pfn;
    __atomic_thread_fence(__ATOMIC_RELEASE);
    gnt_table[ref].flags = type;
}

/* One transfer: its status, or the hypercall's error. */
static long transfer(uint32_t mfn, domid_t to, grant_ref_t ref)
{
    struct gnttab_transfer op = { .mfn = mfn, .domid = to, .ref = ref, .status = 99 };
    long rc = HYPERVISOR_grant_table_op(GNTTABOP_transfer, &op, 1);

    return rc ? rc : op.status;
}

/* A spare frame holding the marker, mapped nowhere. */
static uint32_t marked_frame(void)
{
    uint32_t mfn = spare_frame();
    char *pg = scratch_map(3, mfn, _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);

    memcpy(pg, marker, sizeof(marker));
    scratch_restore(3);
    return mfn;
}

/* Whether a frame is ours: only then may we map it. */
static bool ours(uint32_t mfn)
{
    long rc = HYPERVISOR_update_va_mapping(scratch_slot_va(3), PTE(mfn, _PAGE_PRESENT),
                                           UVMF_INVLPG);

    scratch_restore(3);
    return rc == 0;
}

/* A refusal that takes nothing: same status, page count unmoved. */
static void refused(uint32_t mfn, const char *what)
{
    long pages = current_pages();

    CHECK_RC(transfer(mfn, 0, GNT_RING_REF), GNTST_bad_page, what);
    CHECK(current_pages() == pages, "%s: page count %ld -> %ld", what, pages, current_pages());
}

/* A failure after the steal: status, and the frame is gone from us. */
static void lost(long want, domid_t to, grant_ref_t ref, const char *what)
{
    uint32_t mfn = spare_frame();
    long pages = current_pages();

    CHECK_RC(transfer(mfn, to, ref), want, what);
    CHECK(current_pages() == pages - 1, "%s: page count %ld -> %ld", what, pages,
          current_pages());
    CHECK(!ours(mfn), "%s: the frame is still ours", what);
    CHECK(m2p(mfn) == 0xffffffffu, "%s: M2P still 0x%x", what, m2p(mfn));
    CHECK_RC(transfer(mfn, 0, GNT_RING_REF), GNTST_bad_page, "a frame we lost");
}

static void to_self(void)
{
    uint32_t mfn = marked_frame(), m[3];
    long pages = current_pages();
    struct gnttab_query_size qs = { .dom = DOMID_SELF };

    offer(GNT_RING_REF, GTF_accept_transfer, 0, PFN_T);
    CHECK_RC(transfer(mfn, 0, GNT_RING_REF), GNTST_okay, "transfer to ourselves");
    uint16_t f = gnt_table[GNT_RING_REF].flags;
    CHECK(f == (GTF_accept_transfer | GTF_transfer_committed | GTF_transfer_completed),
          "flags after the transfer 0x%x", f);
    CHECK(gnt_table[GNT_RING_REF].frame == mfn, "entry frame 0x%x, gave 0x%x",
          gnt_table[GNT_RING_REF].frame, mfn);
    CHECK(m2p(mfn) == PFN_T, "M2P of the received frame 0x%x", m2p(mfn));
    CHECK(current_pages() == pages, "page count %ld -> %ld", pages, current_pages());
    CHECK(ours(mfn), "the received frame is not ours");
    const char *pg = scratch_map(3, mfn, _PAGE_PRESENT | _PAGE_ACCESSED);
    CHECK(!memcmp(pg, marker, sizeof(marker)), "the frame lost its contents");
    scratch_restore(3);

    /* Refused before the frame is taken. */
    mapped[0] = 0x42;
    refused(va_to_mfn(mapped), "a mapped frame");
    CHECK(mapped[0] == 0x42, "a refused transfer changed our data");
    refused(l1_mfn_of((uint32_t)mapped), "an L1 table");
    refused((uint32_t)(start_info->shared_info >> 12), "shared_info");
    refused(va_to_mfn(gnt_table), "a grant-table frame");
    refused(0, "frame 0 (not ours)");
    refused((uint32_t)HYPERVISOR_memory_op(XENMEM_maximum_ram_page, NULL) + 1,
            "a frame past RAM");
    refused(0xfffffffu, "a huge frame number");

    /* Refused after: the frame is lost. */
    offer(GNT_RING_REF + 1, GTF_permit_access, 0, PFN_T + 1);
    lost(GNTST_general_error, 0, GNT_RING_REF + 1, "an entry of type permit_access");
    offer(GNT_RING_REF + 2, GTF_accept_transfer, 5, PFN_T + 2);
    lost(GNTST_general_error, 0, GNT_RING_REF + 2, "an offer to domain 5");
    lost(GNTST_general_error, 0, GNT_RING_REF, "an offer already completed");
    offer(GNT_RING_REF + 3, GTF_accept_transfer | GTF_transfer_committed, 0, PFN_T + 3);
    lost(GNTST_general_error, 0, GNT_RING_REF + 3, "an offer already committed");
    if (HYPERVISOR_grant_table_op(GNTTABOP_query_size, &qs, 1) || qs.status)
        test_error("query_size: %d", qs.status);
    else
        lost(GNTST_general_error, 0, qs.nr_frames * (PAGE_SIZE / 8), "a ref past the table");
    lost(GNTST_bad_domain, 999, GNT_RING_REF, "no domain 999");
    lost(GNTST_bad_domain, DOMID_SELF, GNT_RING_REF, "DOMID_SELF");

    /* Batches: three good ones (continuations under mm_preempt_stress);
     * the same frame twice (the second is no longer ours). */
    struct gnttab_transfer ops[3];
    for (unsigned int i = 0; i < 3; i++) {
        m[i] = spare_frame();
        offer(GNT_RING_REF + 5 + i, GTF_accept_transfer, 0, PFN_T + 5 + i);
        ops[i] = (struct gnttab_transfer){ .mfn = m[i], .domid = 0, .ref = GNT_RING_REF + 5 + i,
                                           .status = 99 };
    }
    pages = current_pages();
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_transfer, ops, 3), 0, "a batch of three");
    for (unsigned int i = 0; i < 3; i++)
        CHECK(ops[i].status == GNTST_okay && m2p(m[i]) == PFN_T + 5 + i,
              "batch element %u: status %d, M2P 0x%x", i, ops[i].status, m2p(m[i]));
    CHECK(current_pages() == pages, "page count %ld -> %ld", pages, current_pages());
    /* The same frame twice: the first loses it (no domain 999), so the
     * second finds a frame that is not ours -- nothing freed twice. */
    m[0] = spare_frame();
    offer(GNT_RING_REF + 8, GTF_accept_transfer, 0, PFN_T + 8);
    ops[0] = (struct gnttab_transfer){ .mfn = m[0], .domid = 999, .ref = GNT_RING_REF + 8 };
    ops[1] = (struct gnttab_transfer){ .mfn = m[0], .domid = 0, .ref = GNT_RING_REF + 8 };
    pages = current_pages();
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_transfer, ops, 2), 0, "the same frame twice");
    CHECK(ops[0].status == GNTST_bad_domain && ops[1].status == GNTST_bad_page,
          "the same frame twice: %d, %d", ops[0].status, ops[1].status);
    CHECK(current_pages() == pages - 1, "page count %ld -> %ld", pages, current_pages());
    CHECK(gnt_table[GNT_RING_REF + 8].flags == GTF_accept_transfer,
          "an offer nobody filled changed: 0x%x", gnt_table[GNT_RING_REF + 8].flags);

    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_transfer, (void *)0xf5800000u, 1),
             -XEN_EFAULT, "an array in the hypervisor hole");
}

static void to_peer(void)
{
    struct xen_domctl_getdomaininfo info;
    long p = evtchn_offer_and_wait(1, 5000 * NS_PER_MS), pages;
    uint32_t mfn;

    if (p <= 0) {
        test_fail("d1 did not connect: %ld", p);
        return;
    }
    /* d1 has offered refs GNT_RING_REF and GNT_RING_REF + 1 to us.  Like
     * every boot-module domain it is at its max_mem: room for one more. */
    if (ctl_info(1, &info)) {
        test_error("getdomaininfo d1");
        return;
    }
    CHECK_RC(ctl_max_mem_kb(1, (info.tot_pages + 1) * 4), 0, "raise d1's max_mem by a page");
    mfn = marked_frame();
    pages = current_pages();
    CHECK_RC(transfer(mfn, 1, GNT_RING_REF), GNTST_okay, "transfer to d1");
    CHECK(current_pages() == pages - 1, "our page count %ld -> %ld", pages, current_pages());
    CHECK(!ours(mfn), "the frame given to d1 is still ours");
    lost(GNTST_general_error, 1, GNT_RING_REF + 1, "d1 without headroom");

    evtchn_send((evtchn_port_t)p);       /* d1 checks what it got and powers off */
    CHECK_RC(wait_domain_gone(1, 5000 * NS_PER_MS), 0, "d1 did not go away");
}

void test_main(void)
{
    const char *c = cmdline_value((const char *)start_info->cmd_line, "case");

    if (map_shared_info() || !gnt_init(1)) {
        test_error("setup");
        return;
    }
    if (c && !strncmp(c, "peer", 4))
        to_peer();
    else
        to_self();
    test_success();
}
