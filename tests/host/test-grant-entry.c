/*
 * test-grant-entry: the grant-entry state machine (common/grant_entry.c).
 *
 * Pins on a v1 entry the "granter" writes: the flags the hypervisor sets
 * and clears (GTF_reading while any pin, GTF_writing while a read-write
 * pin), pin counts per kind, the frame read once at the first pin, the
 * checks (permit_access, the grantee's domid, readonly), the revoke rule
 * (a granter's end-access cmpxchg only succeeds with neither bit set), pin
 * counter saturation, and a pin attempt that finds the entry changed.
 */
#include "htest.h"
#include <mica/grant_table.h>
#include <mica/domain.h>

static grant_entry_v1_t e;
static struct active_grant act;

static void grant(uint16_t flags, domid_t to, uint32_t frame)
{
    memset(&act, 0, sizeof(act));
    e.flags = flags;
    e.domid = to;
    e.frame = frame;
}

/* What a granter does to revoke: flags -> 0 unless reading/writing. */
static bool end_access(void)
{
    uint16_t f = e.flags;
    return !(f & (GTF_reading | GTF_writing)) &&
           __atomic_compare_exchange_n(&e.flags, &f, 0, false, __ATOMIC_SEQ_CST,
                                       __ATOMIC_SEQ_CST);
}

HTEST(read_pin_sets_reading_and_reads_frame_once)
{
    grant(GTF_permit_access, 3, 0x1234);
    CHECK_EQ(gnttab_pin(&act, &e, 3, false), GNTST_okay);
    CHECK_EQ(e.flags, GTF_permit_access | GTF_reading);
    CHECK_EQ(act.frame, 0x1234);
    e.frame = 0x9999;                     /* granter changes it: ignored */
    CHECK_EQ(gnttab_pin(&act, &e, 3, false), GNTST_okay);
    CHECK_EQ(act.frame, 0x1234);
    CHECK_EQ(act.pin_ro, 2);
    CHECK(!end_access());                 /* revoke while mapped refused */
    gnttab_unpin(&act, &e, false);
    CHECK_EQ(e.flags & GTF_reading, GTF_reading);
    gnttab_unpin(&act, &e, false);
    CHECK_EQ(e.flags, GTF_permit_access);
    CHECK(!gnttab_pinned(&act));
    CHECK(end_access());
}

HTEST(write_pin_sets_both_and_clears_writing_first)
{
    grant(GTF_permit_access, 1, 7);
    CHECK_EQ(gnttab_pin(&act, &e, 1, false), GNTST_okay);
    CHECK_EQ(gnttab_pin(&act, &e, 1, true), GNTST_okay);
    CHECK_EQ(e.flags, GTF_permit_access | GTF_reading | GTF_writing);
    CHECK_EQ(gnttab_pin(&act, &e, 1, true), GNTST_okay);
    CHECK_EQ(act.pin_rw, 2);
    gnttab_unpin(&act, &e, true);
    CHECK_EQ(e.flags, GTF_permit_access | GTF_reading | GTF_writing);
    gnttab_unpin(&act, &e, true);
    CHECK_EQ(e.flags, GTF_permit_access | GTF_reading);   /* ro pin remains */
    gnttab_unpin(&act, &e, false);
    CHECK_EQ(e.flags, GTF_permit_access);
}

HTEST(refusals_change_nothing)
{
    grant(GTF_permit_access | GTF_readonly, 2, 5);
    CHECK_EQ(gnttab_pin(&act, &e, 2, true), GNTST_general_error);  /* readonly */
    CHECK_EQ(gnttab_pin(&act, &e, 4, false), GNTST_general_error); /* not ours */
    CHECK_EQ(e.flags, GTF_permit_access | GTF_readonly);
    CHECK(!gnttab_pinned(&act));
    grant(GTF_invalid, 2, 5);
    CHECK_EQ(gnttab_pin(&act, &e, 2, false), GNTST_general_error);
    grant(GTF_accept_transfer, 2, 5);
    CHECK_EQ(gnttab_pin(&act, &e, 2, false), GNTST_general_error);
    grant(GTF_transitive, 2, 5);
    CHECK_EQ(gnttab_pin(&act, &e, 2, false), GNTST_general_error);
    CHECK_EQ(e.flags, GTF_transitive);
    /* readonly grant: a read pin works, a later write pin does not */
    grant(GTF_permit_access | GTF_readonly, 2, 5);
    CHECK_EQ(gnttab_pin(&act, &e, 2, false), GNTST_okay);
    CHECK_EQ(gnttab_pin(&act, &e, 2, true), GNTST_general_error);
    CHECK_EQ(act.pin_rw, 0);
    CHECK_EQ(e.flags & GTF_writing, 0);
    /* pinned for d2: another domain is refused even if the entry changes */
    e.domid = 6;
    CHECK_EQ(gnttab_pin(&act, &e, 6, false), GNTST_permission_denied);
    gnttab_unpin(&act, &e, false);
}

HTEST(first_write_pin_rechecks_a_changed_entry)
{
    grant(GTF_permit_access, 2, 5);
    CHECK_EQ(gnttab_pin(&act, &e, 2, false), GNTST_okay);
    e.flags |= GTF_readonly;               /* granter downgrades meanwhile */
    CHECK_EQ(gnttab_pin(&act, &e, 2, true), GNTST_general_error);
    gnttab_unpin(&act, &e, false);
}

HTEST(counts_saturate)
{
    grant(GTF_permit_access, 2, 5);
    act.pin_ro = UINT16_MAX;
    act.domid = 2;
    CHECK_EQ(gnttab_pin(&act, &e, 2, false), GNTST_general_error);
    CHECK_EQ(act.pin_ro, UINT16_MAX);
}

HTEST(unpin_without_entry_after_granter_died)
{
    grant(GTF_permit_access, 2, 5);
    CHECK_EQ(gnttab_pin(&act, &e, 2, true), GNTST_okay);
    gnttab_unpin(&act, NULL, true);        /* granter gone: counts only */
    CHECK(!gnttab_pinned(&act));
}

/* ---- version 2: the guest owns hdr, the hypervisor the status word ---- */

static grant_entry_v2_t e2;
static grant_status_t st2;

static void grant2(uint16_t flags, domid_t to, uint64_t frame)
{
    memset(&e2, 0, sizeof(e2));
    memset(&act, 0, sizeof(act));
    st2 = 0;
    e2.full_page.frame = frame;
    e2.hdr.domid = to;
    e2.hdr.flags = flags;
}

HTEST(v2_pins_set_the_status_word_not_the_flags)
{
    grant2(GTF_permit_access, 2, 5);
    CHECK_EQ(gnttab_pin_v2(&act, &e2, &st2, 2, false, 0), GNTST_okay);
    CHECK_EQ(st2, GTF_reading);
    CHECK_EQ(e2.hdr.flags, GTF_permit_access);
    CHECK_EQ(act.frame, 5);
    CHECK_EQ(act.start, 0);
    CHECK_EQ(act.length, 4096);
    CHECK_EQ(gnttab_pin_v2(&act, &e2, &st2, 2, true, 0), GNTST_okay);
    CHECK_EQ(st2, GTF_reading | GTF_writing);
    gnttab_unpin_v2(&act, &st2, true);
    CHECK_EQ(st2, GTF_reading);
    gnttab_unpin_v2(&act, &st2, false);
    CHECK_EQ(st2, 0);
    CHECK(!gnttab_pinned(&act));
}

HTEST(v2_kinds_the_caller_does_not_accept_are_refused)
{
    grant2(GTF_permit_access | GTF_sub_page, 2, 5);
    e2.sub_page.page_off = 100;
    e2.sub_page.length = 200;
    CHECK_EQ(gnttab_pin_v2(&act, &e2, &st2, 2, false, 0), GNTST_general_error);
    CHECK_EQ(st2, 0);
    CHECK_EQ(gnttab_pin_v2(&act, &e2, &st2, 2, false, GNTPIN_SUB_PAGE), GNTST_okay);
    CHECK_EQ(act.start, 100);
    CHECK_EQ(act.length, 200);
    gnttab_unpin_v2(&act, &st2, false);
    /* A window running off the page grants only up to its end. */
    grant2(GTF_permit_access | GTF_sub_page, 2, 5);
    e2.sub_page.page_off = 4000;
    e2.sub_page.length = 1000;
    CHECK_EQ(gnttab_pin_v2(&act, &e2, &st2, 2, false, GNTPIN_SUB_PAGE), GNTST_okay);
    CHECK_EQ(act.start + act.length, 4096);
    gnttab_unpin_v2(&act, &st2, false);
    grant2(GTF_transitive, 2, 0);
    CHECK_EQ(gnttab_pin_v2(&act, &e2, &st2, 2, false, GNTPIN_SUB_PAGE), GNTST_general_error);
    CHECK_EQ(gnttab_pin_v2(&act, &e2, &st2, 2, false, GNTPIN_TRANSITIVE), GNTST_okay);
    CHECK(act.transitive);
    gnttab_unpin_v2(&act, &st2, false);
    grant2(GTF_accept_transfer, 2, 5);
    CHECK_EQ(gnttab_pin_v2(&act, &e2, &st2, 2, false, GNTPIN_SUB_PAGE | GNTPIN_TRANSITIVE),
             GNTST_general_error);
}

HTEST(v2_wrong_grantee_readonly_and_64bit_frames)
{
    grant2(GTF_permit_access, 3, 5);
    CHECK_EQ(gnttab_pin_v2(&act, &e2, &st2, 2, false, 0), GNTST_general_error);
    grant2(GTF_permit_access | GTF_readonly, 2, 5);
    CHECK_EQ(gnttab_pin_v2(&act, &e2, &st2, 2, true, 0), GNTST_general_error);
    CHECK_EQ(st2, 0);
    CHECK_EQ(gnttab_pin_v2(&act, &e2, &st2, 2, false, 0), GNTST_okay);
    e2.hdr.domid = 6;
    CHECK_EQ(gnttab_pin_v2(&act, &e2, &st2, 6, false, 0), GNTST_permission_denied);
    gnttab_unpin_v2(&act, &st2, false);
    /* A frame beyond 32 bits is never a valid MFN: recorded as ~0. */
    grant2(GTF_permit_access, 2, 1ULL << 32 | 5);
    CHECK_EQ(gnttab_pin_v2(&act, &e2, &st2, 2, false, 0), GNTST_okay);
    CHECK_EQ(act.frame, ~0u);
    gnttab_unpin_v2(&act, &st2, false);
}

/* Transfer: only an open offer from the donor is committed, once. */
HTEST(transfer_commits_only_an_open_offer_from_the_donor)
{
    grant_entry_header_t *h = (grant_entry_header_t *)&e;
    static const uint16_t not_open[] = {
        GTF_invalid, GTF_permit_access, GTF_transitive,
        GTF_accept_transfer | GTF_transfer_committed,
        GTF_accept_transfer | GTF_transfer_completed,
        GTF_accept_transfer | 0x10, GTF_accept_transfer | 0x100,
    };

    for (unsigned int i = 0; i < sizeof(not_open) / sizeof(not_open[0]); i++) {
        grant(not_open[i], 4, 0x77);
        CHECK_EQ(gnttab_commit_transfer(h, 4), GNTST_general_error);
        CHECK_EQ(e.flags, not_open[i]);
    }
    grant(GTF_accept_transfer, 4, 0x77);
    CHECK_EQ(gnttab_commit_transfer(h, 5), GNTST_general_error);   /* another donor */
    CHECK_EQ(e.flags, GTF_accept_transfer);
    CHECK_EQ(gnttab_commit_transfer(h, 4), GNTST_okay);
    CHECK_EQ(e.flags, GTF_accept_transfer | GTF_transfer_committed);
    CHECK_EQ(e.domid, 4);
    CHECK_EQ(e.frame, 0x77);                          /* the caller writes it */
    CHECK_EQ(gnttab_commit_transfer(h, 4), GNTST_general_error);   /* not twice */
    gnttab_complete_transfer(h);
    CHECK_EQ(e.flags, GTF_accept_transfer | GTF_transfer_committed | GTF_transfer_completed);
}
