/*
 * grant-v2: grant tables version 2 and the sub-ops that came with it
 * (control-plane fact sheet §5), on grants a domain makes to itself.
 *
 *   - set_version 2 / get_version; get_status_frames (count 1, no more
 *     frames than exist, an unwritable list GNTST_bad_virt_addr); a status
 *     frame mapped by the guest shows the status words, and is a frame the
 *     hypervisor writes: it can never be pinned as a page table;
 *   - a v2 full-page grant: mapping sets GTF_reading/GTF_writing in the
 *     status word (never in hdr.flags) and unmapping clears them; the v2
 *     revoke (hdr.flags = 0, then look at the status) sees the grant in
 *     use while it is mapped;
 *   - sub-page grants: never mapped; copies only inside the window;
 *   - transitive grants: never mapped; a copy follows one level (to a
 *     grant made out to the granter), not two; no pin is left behind;
 *   - dump_table prints the table (an entry in use among it);
 *   - swap_grant_ref (entries and status words; GNTST_bad_gntref past the
 *     table, GNTST_eagain while pinned) and unmap_and_replace (the PTE of
 *     new_addr moves over the grant mapping; the PTE form and a grant
 *     mapping as new_addr are refused);
 *   - the switching rules: -EBUSY while an entry from 8 up is mapped; the
 *     XSA-255 class -- -EBUSY while a status frame is mapped, then, once
 *     unmapped, the frames are released; the XSA-226 class -- -ERANGE for
 *     a transitive or 64-bit reserved entry; reserved entries carried
 *     across in both directions (with their status bits, even while
 *     mapped) and everything else zeroed; the version in force is always
 *     written back;
 *   - the table grows past 4 frames up to gnttab_max_frames (max=N on the
 *     command line names the limit the run was booted with), in both
 *     versions, with status frames following in v2.
 */
#include <grant.h>
#include <traps.h>
#include <events.h>

#define REF_A   8
#define REF_B   9
#define REF_T   10
#define REF_TT  11

static uint8_t data[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t other[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t buf[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static domid_t self;
static grant_entry_v2_t *v2;
static uint32_t max_frames = 64;

static long gop(unsigned int cmd, void *op, unsigned int n)
{
    return HYPERVISOR_grant_table_op(cmd, op, n);
}

static long set_version(uint32_t v, uint32_t *now)
{
    struct gnttab_set_version sv = { .version = v };
    long rc = gop(GNTTABOP_set_version, &sv, 1);
    if (now)
        *now = sv.version;
    return rc;
}

static uint32_t get_version(void)
{
    struct gnttab_get_version gv = { .dom = DOMID_SELF };
    return gop(GNTTABOP_get_version, &gv, 1) ? 0 : gv.version;
}

static long status_frames(uint32_t n, uint64_t *list, int16_t *status)
{
    struct gnttab_get_status_frames gs = { .nr_frames = n, .dom = DOMID_SELF,
                                           .frame_list = (uint32_t)list };
    long rc = gop(GNTTABOP_get_status_frames, &gs, 1);
    *status = gs.status;
    return rc;
}

static void grant_full(grant_ref_t ref, uint32_t mfn, uint16_t extra)
{
    volatile grant_entry_v2_t *e = &v2[ref];
    e->full_page.frame = mfn;
    e->hdr.domid = self;
    asm volatile ("" ::: "memory");
    e->hdr.flags = GTF_permit_access | extra;
}

static void grant_sub(grant_ref_t ref, uint32_t mfn, uint16_t off, uint16_t len)
{
    volatile grant_entry_v2_t *e = &v2[ref];
    e->sub_page.frame = mfn;
    e->sub_page.page_off = off;
    e->sub_page.length = len;
    e->hdr.domid = self;
    asm volatile ("" ::: "memory");
    e->hdr.flags = GTF_permit_access | GTF_sub_page;
}

static void grant_trans(grant_ref_t ref, domid_t tdom, grant_ref_t tref)
{
    volatile grant_entry_v2_t *e = &v2[ref];
    e->transitive.trans_domid = tdom;
    e->transitive.gref = tref;
    e->hdr.domid = self;
    asm volatile ("" ::: "memory");
    e->hdr.flags = GTF_transitive;
}

static long copy_from(grant_ref_t ref, uint16_t off, uint16_t len)
{
    return gnt_copy(gref_ptr(ref, DOMID_SELF, off), mfn_ptr(va_to_mfn(buf), off), len,
                    GNTCOPY_source_gref);
}

static volatile grant_status_t *st;     /* status frame 0, mapped at slot 1 */

static void status_frame_checks(void)
{
    uint64_t list[4];
    int16_t s;
    struct bad_buf bad[BAD_BUF_MAX];

    CHECK_RC(status_frames(1, list, &s), 0, "get_status_frames(1)");
    CHECK(s == GNTST_okay && list[0] != 0, "status %d frame %llu", s,
          (unsigned long long)list[0]);
    CHECK_RC(status_frames(2, list, &s), 0, "get_status_frames(2)");
    CHECK(s == GNTST_general_error, "more status frames than exist: %d", s);
    bad_buffers(8, bad);
    struct gnttab_get_status_frames gs = { .nr_frames = 1, .dom = DOMID_SELF,
                                           .frame_list = bad[3].va };
    CHECK_RC(gop(GNTTABOP_get_status_frames, &gs, 1), 0, "get_status_frames(bad list)");
    CHECK(gs.status == GNTST_bad_virt_addr, "bad list: %d", gs.status);
    CHECK_RC(gop(GNTTABOP_get_status_frames, &gs, 2), -XEN_EINVAL, "count 2");
    gs.dom = 0x1234;
    CHECK_RC(gop(GNTTABOP_get_status_frames, &gs, 1), 0, "get_status_frames(no domain)");
    CHECK(gs.status == GNTST_bad_domain, "unknown domain: %d", gs.status);

    CHECK_RC(pin(1, (uint32_t)list[0]), -XEN_EINVAL, "pin a status frame as an L1");
    st = scratch_map(1, (uint32_t)list[0], _PAGE_PRESENT | _PAGE_ACCESSED);
}

static void full_page(void)
{
    grant_handle_t h;
    uint32_t va = gnt_blank(2);

    data[0] = 0x5a;
    grant_full(REF_A, va_to_mfn(data), 0);
    CHECK_RC(gnt_map(self, REF_A, va, GNTMAP_host_map, &h), GNTST_okay, "map v2 rw");
    CHECK(*(volatile uint8_t *)va == 0x5a, "v2 mapping shows 0x%x", *(volatile uint8_t *)va);
    CHECK(st[REF_A] == (GTF_reading | GTF_writing), "status word 0x%x", st[REF_A]);
    CHECK(v2[REF_A].hdr.flags == GTF_permit_access, "hdr.flags 0x%x", v2[REF_A].hdr.flags);
    /* dump_table (a debugging aid): the hypervisor prints the entry. */
    struct gnttab_dump_table dt = { .dom = DOMID_SELF };
    CHECK_RC(gop(GNTTABOP_dump_table, &dt, 1), 0, "dump_table");
    CHECK(dt.status == GNTST_okay, "dump_table status %d", dt.status);
    dt.dom = 0x1234;
    CHECK_RC(gop(GNTTABOP_dump_table, &dt, 1), 0, "dump_table(no domain)");
    CHECK(dt.status == GNTST_bad_domain, "dump_table of no domain: %d", dt.status);
    CHECK_RC(gop(GNTTABOP_dump_table, &dt, 2), -XEN_EINVAL, "dump_table count 2");
    /* The v2 revoke: flags first, then the status says "still in use". */
    v2[REF_A].hdr.flags = 0;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    CHECK(st[REF_A] & GTF_reading, "revoke did not see the grant in use");
    CHECK_RC(gnt_unmap(va, h), GNTST_okay, "unmap v2");
    CHECK(st[REF_A] == 0, "status after unmap 0x%x", st[REF_A]);
    CHECK_RC(gnt_map(self, REF_A, va, GNTMAP_host_map, &h), GNTST_general_error,
             "map a revoked v2 grant");
    grant_full(REF_A, va_to_mfn(data), GTF_readonly);
    CHECK_RC(gnt_map(self, REF_A, va, GNTMAP_host_map, &h), GNTST_general_error,
             "rw map of a read-only v2 grant");
    CHECK_RC(gnt_map(self, REF_A, va, GNTMAP_host_map | GNTMAP_readonly, &h), GNTST_okay,
             "ro map");
    CHECK(st[REF_A] == GTF_reading, "status of a ro map 0x%x", st[REF_A]);
    CHECK_RC(gnt_unmap(va, h), GNTST_okay, "unmap ro");
    CHECK(st[REF_A] == 0, "status after unmap 0x%x", st[REF_A]);
}

static bool no_transitive;              /* notrans=1: run with gnttab=no-transitive */

static void sub_page_and_transitive(void)
{
    grant_handle_t h;
    uint32_t va = gnt_blank(2);

    for (unsigned int i = 0; i < PAGE_SIZE; i++)
        data[i] = (uint8_t)(i * 7);
    grant_sub(REF_B, va_to_mfn(data), 256, 512);
    CHECK_RC(gnt_map(self, REF_B, va, GNTMAP_host_map | GNTMAP_readonly, &h),
             GNTST_general_error, "map a sub-page grant");
    memset(buf, 0, sizeof(buf));
    CHECK_RC(copy_from(REF_B, 300, 100), GNTST_okay, "copy inside the window");
    CHECK(buf[300] == (uint8_t)(300 * 7) && buf[399] == (uint8_t)(399 * 7), "copied bytes");
    CHECK_RC(copy_from(REF_B, 700, 100), GNTST_general_error, "copy past the window");
    CHECK_RC(copy_from(REF_B, 200, 100), GNTST_general_error, "copy before the window");
    CHECK_RC(copy_from(REF_B, 256, 512), GNTST_okay, "the whole window");
    CHECK(st[REF_B] == 0, "sub-page status after copies 0x%x", st[REF_B]);

    grant_full(REF_A, va_to_mfn(data), 0);
    grant_trans(REF_T, self, REF_A);
    memset(buf, 0, sizeof(buf));
    if (no_transitive) {
        /* gnttab=no-transitive: Xen's refusal, no pin left behind. */
        CHECK_RC(copy_from(REF_T, 1000, 200), GNTST_general_error, "transitive copy refused");
        CHECK_RC(copy_from(REF_A, 1000, 200), GNTST_okay, "the plain grant still copies");
        CHECK(st[REF_A] == 0 && st[REF_T] == 0, "pins left: 0x%x 0x%x", st[REF_A], st[REF_T]);
        v2[REF_T].hdr.flags = 0;
        return;
    }
    CHECK_RC(copy_from(REF_T, 1000, 200), GNTST_okay, "copy through a transitive grant");
    CHECK(buf[1000] == (uint8_t)(1000 * 7) && buf[1199] == (uint8_t)(1199 * 7),
          "transitive copy bytes");
    CHECK_RC(gnt_copy(mfn_ptr(va_to_mfn(other), 0), gref_ptr(REF_T, DOMID_SELF, 0), 16,
                      GNTCOPY_dest_gref), GNTST_okay, "copy into a transitive grant");
    CHECK_RC(gnt_map(self, REF_T, va, GNTMAP_host_map | GNTMAP_readonly, &h),
             GNTST_general_error, "map a transitive grant");
    grant_trans(REF_TT, self, REF_T);
    CHECK_RC(copy_from(REF_TT, 0, 16), GNTST_general_error, "two transitive levels");
    grant_trans(REF_TT, self, REF_B);
    CHECK_RC(copy_from(REF_TT, 300, 16), GNTST_okay, "transitive to a sub-page grant");
    CHECK_RC(copy_from(REF_TT, 100, 16), GNTST_general_error, "outside its window");
    grant_trans(REF_TT, 0x1234, REF_A);
    CHECK_RC(copy_from(REF_TT, 0, 16), GNTST_general_error, "transitive to no domain");
    grant_trans(REF_TT, self, 0x7fffffff);
    CHECK_RC(copy_from(REF_TT, 0, 16), GNTST_general_error, "transitive to no ref");
    CHECK(st[REF_A] == 0 && st[REF_T] == 0 && st[REF_TT] == 0 && st[REF_B] == 0,
          "pins left behind: 0x%x 0x%x 0x%x 0x%x", st[REF_A], st[REF_T], st[REF_TT],
          st[REF_B]);
    v2[REF_TT].hdr.flags = 0;
    v2[REF_T].hdr.flags = 0;
}

static void swap_and_replace(void)
{
    struct gnttab_swap_grant_ref sw[2] = { { .ref_a = REF_A, .ref_b = REF_B },
                                           { .ref_a = REF_A, .ref_b = 0x100000 } };
    struct gnttab_unmap_and_replace r;
    grant_handle_t h;
    uint32_t va = gnt_blank(2), nva = gnt_slot_va(3);

    grant_full(REF_A, va_to_mfn(data), 0);
    grant_sub(REF_B, va_to_mfn(other), 8, 16);
    CHECK_RC(gop(GNTTABOP_swap_grant_ref, sw, 2), 0, "swap batch");
    CHECK(sw[0].status == GNTST_okay && sw[1].status == GNTST_bad_gntref,
          "swap statuses %d %d", sw[0].status, sw[1].status);
    CHECK((v2[REF_A].hdr.flags & GTF_sub_page) && v2[REF_A].sub_page.frame == va_to_mfn(other) &&
          v2[REF_B].full_page.frame == va_to_mfn(data), "entries not swapped");
    CHECK_RC(gnt_map(self, REF_B, va, GNTMAP_host_map, &h), GNTST_okay, "map swapped");
    sw[0] = (struct gnttab_swap_grant_ref){ .ref_a = REF_B, .ref_b = REF_A };
    CHECK_RC(gop(GNTTABOP_swap_grant_ref, sw, 1), 0, "swap pinned");
    CHECK(sw[0].status == GNTST_eagain, "swap of a mapped entry: %d", sw[0].status);

    /* unmap_and_replace: nva's PTE moves over the grant mapping at va. */
    other[0] = 0x77;
    scratch_map(3, va_to_mfn(other), _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    r = (struct gnttab_unmap_and_replace){ .host_addr = va, .new_addr = va, .handle = h };
    CHECK_RC(gop(GNTTABOP_unmap_and_replace, &r, 1), 0, "replace with itself");
    CHECK(r.status == GNTST_general_error, "a grant mapping moved onto itself: %d", r.status);
    r = (struct gnttab_unmap_and_replace){ .host_addr = va, .new_addr = nva, .handle = h };
    CHECK_RC(gop(GNTTABOP_unmap_and_replace, &r, 1), 0, "unmap_and_replace");
    CHECK(r.status == GNTST_okay, "unmap_and_replace status %d", r.status);
    CHECK(*(volatile uint8_t *)va == 0x77, "va does not map new_addr's frame");
    CHECK(!va_mapped(nva), "new_addr still mapped");
    CHECK(st[REF_B] == 0, "status after replace 0x%x", st[REF_B]);
    r.handle = h;
    CHECK_RC(gop(GNTTABOP_unmap_and_replace, &r, 1), 0, "replace twice");
    CHECK(r.status == GNTST_bad_handle, "stale handle: %d", r.status);
    gnt_blank(2);

    /* The PTE form only unmaps. */
    uint64_t pte_ma = l1e_maddr(va);
    CHECK_RC(gnt_map(self, REF_B, pte_ma, GNTMAP_host_map | GNTMAP_contains_pte, &h),
             GNTST_okay, "map by PTE");
    scratch_map(3, va_to_mfn(other), _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    r = (struct gnttab_unmap_and_replace){ .host_addr = pte_ma, .new_addr = nva, .handle = h };
    CHECK_RC(gop(GNTTABOP_unmap_and_replace, &r, 1), 0, "replace the PTE form");
    CHECK(r.status == GNTST_general_error, "PTE form replaced: %d", r.status);
    r.new_addr = 0;
    CHECK_RC(gop(GNTTABOP_unmap_and_replace, &r, 1), 0, "PTE form, new_addr 0");
    CHECK(r.status == GNTST_okay, "plain unmap through replace: %d", r.status);
    scratch_restore(3);
    gnt_blank(2);
}

static void switching(void)
{
    grant_handle_t h, h1;
    uint32_t va = gnt_blank(2), va1 = gnt_blank(4), now;
    uint64_t list[1];
    int16_t s;

    /* A mapped entry above the reserved ones keeps the version. */
    grant_full(REF_A, va_to_mfn(data), 0);
    CHECK_RC(gnt_map(self, REF_A, va, GNTMAP_host_map, &h), GNTST_okay, "map");
    CHECK_RC(set_version(1, &now), -XEN_EBUSY, "switch while mapped");
    CHECK(now == 2, "version reported %u", now);
    CHECK_RC(gnt_unmap(va, h), GNTST_okay, "unmap");

    /* XSA-226 class: reserved entries v1 cannot express. */
    grant_trans(3, self, REF_A);
    CHECK_RC(set_version(1, &now), -XEN_ERANGE, "transitive reserved entry");
    grant_full(3, 0, 0);
    v2[3].full_page.frame = 1ULL << 32;
    CHECK_RC(set_version(1, &now), -XEN_ERANGE, "64-bit frame in a reserved entry");
    CHECK(now == 2 && get_version() == 2, "version after -ERANGE: %u", now);
    v2[3].hdr.flags = 0;

    /* XSA-255 class: a mapped status frame cannot be freed. */
    CHECK_RC(set_version(1, &now), -XEN_EBUSY, "switch with the status frame mapped");
    scratch_restore(1);
    st = NULL;
    /* A reserved entry stays mapped across, its status bits moving along. */
    grant_full(1, va_to_mfn(other), 0);
    CHECK_RC(gnt_map(self, 1, va1, GNTMAP_host_map, &h1), GNTST_okay, "map reserved ref 1");
    CHECK_RC(set_version(1, &now), 0, "switch to v1 once unmapped");
    CHECK(now == 1 && get_version() == 1, "version %u", now);
    CHECK_RC(status_frames(1, list, &s), 0, "status frames in v1");
    CHECK(s == GNTST_general_error, "v1 has no status frames: %d", s);
    grant_entry_v1_t *v1 = (grant_entry_v1_t *)v2;
    CHECK(v1[1].flags == (GTF_permit_access | GTF_reading | GTF_writing) &&
          v1[1].domid == self && v1[1].frame == va_to_mfn(other),
          "reserved entry in v1: flags 0x%x domid %u frame 0x%x", v1[1].flags, v1[1].domid,
          v1[1].frame);
    CHECK(v1[REF_A].flags == 0 && v1[REF_A].frame == 0, "entry 8 not zeroed");
    CHECK_RC(set_version(2, &now), 0, "and back to v2, still mapped");
    CHECK_RC(status_frames(1, list, &s), 0, "status frames again");
    st = scratch_map(1, (uint32_t)list[0], _PAGE_PRESENT | _PAGE_ACCESSED);
    CHECK(v2[1].hdr.flags == GTF_permit_access && st[1] == (GTF_reading | GTF_writing) &&
          v2[1].full_page.frame == va_to_mfn(other), "reserved entry in v2: 0x%x 0x%x",
          v2[1].hdr.flags, st[1]);
    CHECK_RC(gnt_unmap(va1, h1), GNTST_okay, "unmap reserved");
    CHECK(st[1] == 0, "status of ref 1 after unmap 0x%x", st[1]);
    CHECK_RC(set_version(2, &now), 0, "same version again");
    CHECK_RC(set_version(0, &now), -XEN_EINVAL, "version 0");
    CHECK(now == 2, "version reported %u", now);
    scratch_restore(1);
    st = NULL;
}

static void growth(unsigned int version)
{
    uint32_t frames[GNTTAB_MAX_FRAMES_GUEST + 1];
    struct gnttab_setup_table su = { .dom = DOMID_SELF, .frame_list = (uint32_t)frames };
    struct gnttab_query_size q = { .dom = DOMID_SELF };
    uint32_t n = max_frames < 10 ? max_frames : 10, per = version == 2 ? 256 : 512;
    grant_handle_t h;
    uint64_t list[2];
    int16_t s;

    su.nr_frames = max_frames + 1;
    CHECK_RC(gop(GNTTABOP_setup_table, &su, 1), 0, "setup past the limit");
    CHECK(su.status == GNTST_general_error, "setup %u: %d", max_frames + 1, su.status);
    su.nr_frames = n;
    CHECK_RC(gop(GNTTABOP_setup_table, &su, 1), 0, "setup n");
    CHECK(su.status == GNTST_okay, "setup %u: %d", n, su.status);
    CHECK_RC(gop(GNTTABOP_query_size, &q, 1), 0, "query_size");
    CHECK(q.nr_frames == n && q.max_nr_frames == max_frames, "query_size: %u of %u",
          q.nr_frames, q.max_nr_frames);
    CHECK_RC(status_frames((n * 256 + 2047) / 2048, list, &s), 0, "status frames of n");
    CHECK(s == (version == 2 ? GNTST_okay : GNTST_general_error),
          "v%u status frames for %u table frames: %d", version, n, s);

    /* The last entry of the last frame works, one past it does not. */
    grant_ref_t last = n * per - 1;
    void *far = scratch_map(4, frames[n - 1], _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    uint32_t va = gnt_blank(2);
    if (version == 2) {
        grant_entry_v2_t *e = (grant_entry_v2_t *)far + (per - 1);
        e->full_page.frame = va_to_mfn(data);
        e->hdr.domid = self;
        e->hdr.flags = GTF_permit_access;
    } else {
        grant_entry_v1_t *e = (grant_entry_v1_t *)far + (per - 1);
        e->frame = va_to_mfn(data);
        e->domid = self;
        e->flags = GTF_permit_access;
    }
    CHECK_RC(gnt_map(self, last, va, GNTMAP_host_map, &h), GNTST_okay, "map the last ref");
    CHECK_RC(gnt_unmap(va, h), GNTST_okay, "unmap the last ref");
    CHECK_RC(gnt_map(self, last + 1, va, GNTMAP_host_map, &h), GNTST_bad_gntref,
             "map past the last ref");
    memset(far, 0, PAGE_SIZE);
    scratch_restore(4);
}

void test_main(void)
{
    const char *m = cmdline_value((const char *)start_info->cmd_line, "max");
    uint32_t now;

    const char *nt = cmdline_value((const char *)start_info->cmd_line, "notrans");
    if (m)
        max_frames = (uint32_t)parse_ulong(&m);
    no_transitive = nt && *nt == '1';
    self = (domid_t)0;
    if (!gnt_init(1))
        return;
    v2 = (grant_entry_v2_t *)gnt_table;
    traps_init();
    CHECK(get_version() == 1, "a new table is version %u", get_version());
    CHECK_RC(set_version(2, &now), 0, "set_version 2");
    CHECK(now == 2 && get_version() == 2, "version now %u", now);
    status_frame_checks();
    full_page();
    sub_page_and_transitive();
    swap_and_replace();
    switching();
    growth(2);
    CHECK_RC(set_version(1, &now), 0, "back to v1");
    growth(1);                          /* v1: 512 entries a frame */
    test_success();
}
