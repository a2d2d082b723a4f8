/*
 * mm-batch-runs: the edges of mmu_update's runs (consecutive requests on
 * one L1, applied by a loop of their own: mmu_update.c, run_requests) --
 * every way a run can end must leave exactly what the requests before it
 * did, with *done saying so.
 *
 * Two L1s, A and B, map 64 pages each below a new L2 linked at 1 GiB.
 *
 *  1. Runs of every length: requests alternating between A and B (runs
 *     of one), then 20 on A, 20 on B, 1 on A: all applied, done = 81.
 *  2. A refusal in the middle of a run (request 37 maps frame 0, which is
 *     nobody's): -EINVAL, done = 37, requests 0-36 applied, 38-39 not.
 *  3. XSA-182 in the middle of a run: request 10 turns a read-only
 *     mapping of a pinned L1 writable by flipping RW alone: -EINVAL,
 *     done = 10, the mapping still read-only.
 *  4. Commands inside a run: 0, then PRESERVE_AD (2), then
 *     NO_TRANSLATE (3), then command 7 at request 11: -ENOSYS, done = 11,
 *     0-10 applied.
 *  5. The request array runs into an unmapped page in the middle of a
 *     run: 20 requests at the end of a mapped page, 20 more in the next
 *     page, which is unmapped: -EFAULT, done = 20, the first 20 applied.
 *  6. An array that starts right below the hypervisor hole: -EFAULT,
 *     done = 0 (the range check, whatever is mapped there).
 *  7. A request that rewrites a later one: request 1 is a plain store
 *     (a data frame, not a table) into the request array itself, changing
 *     the value request 3 carries; requests 2-3 are a run on A, which
 *     must apply the value as it is when request 3 is read.
 *
 * Run with and without hv=mm_preempt_stress (every request of a run then
 * checks for preemption and most are continued).  The auditor checks every
 * reference at teardown.
 */
#include <pt.h>

#define BASE  0x40000000u
#define NPG   64                          /* pages mapped per L1 */
#define PTEF  (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED)

static mmu_update_t reqs[128];
static uint8_t edge[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint32_t frames[2 * NPG], l1[2];
static unsigned int done;

/* page k (0..127): k < 64 through A, else through B */
static uint32_t va_of(unsigned int k)
{
    return BASE + (k < NPG ? k : 512 + k - NPG) * PAGE_SIZE;
}

static uint64_t maddr_of(unsigned int k)
{
    return MADDR(l1[k / NPG], k < NPG ? k : k - NPG);
}

static void req(mmu_update_t *r, unsigned int k, bool map)
{
    r->ptr = maddr_of(k);
    r->val = map ? PTE(frames[k], PTEF) : 0;
}

static bool mapped_to(unsigned int k, uint32_t mfn)
{
    return va_to_mfn((void *)va_of(k)) == mfn;
}

static void unmap_all(void)
{
    for (unsigned int k = 0; k < 2 * NPG; k++)
        req(&reqs[k], k, false);
    CHECK_RC(HYPERVISOR_mmu_update(reqs, 2 * NPG, &done, DOMID_SELF), 0, "unmap all");
    CHECK(done == 2 * NPG, "unmap all: done = %u", done);
}

static void runs_of_every_length(void)
{
    unsigned int n = 0, k;

    for (k = 0; k < 40; k++)                            /* A, B, A, B ... */
        req(&reqs[n++], k % 2 ? NPG + k : k, true);
    for (k = 40; k < 60; k++)
        req(&reqs[n++], k, true);
    for (k = 40; k < 60; k++)
        req(&reqs[n++], NPG + k, true);
    req(&reqs[n++], 60, true);
    CHECK_RC(HYPERVISOR_mmu_update(reqs, n, &done, DOMID_SELF), 0, "runs of every length");
    CHECK(done == n, "runs: done = %u, expected %u", done, n);
    for (k = 0; k < 40; k++) {
        unsigned int p = k % 2 ? NPG + k : k;
        CHECK(mapped_to(p, frames[p]), "alternating request %u not applied", k);
    }
    for (k = 40; k < 60; k++)
        CHECK(mapped_to(k, frames[k]) && mapped_to(NPG + k, frames[NPG + k]),
              "run request for page %u not applied", k);
    CHECK(mapped_to(60, frames[60]), "the last run of one not applied");
    unmap_all();
}

static void refusal_mid_run(void)
{
    for (unsigned int k = 0; k < 40; k++)
        req(&reqs[k], k, true);
    reqs[37].val = PTE(0, PTEF);
    CHECK_RC(HYPERVISOR_mmu_update(reqs, 40, &done, DOMID_SELF), -XEN_EINVAL,
             "a run with a bad 38th request");
    CHECK(done == 37, "refusal: done = %u, expected 37", done);
    for (unsigned int k = 0; k < 40; k++)
        CHECK(mapped_any(va_of(k)) == (k < 37), "refusal: request %u %s", k,
              k < 37 ? "not applied" : "applied");
    unmap_all();
}

static void xsa182_mid_run(void)
{
    uint32_t t = make_table(NULL, 0, 0);

    CHECK_RC(pin(1, t), 0, "pin an L1");
    CHECK_RC(mmu1(maddr_of(5), PTE(t, _PAGE_PRESENT | _PAGE_ACCESSED)), 0,
             "map the pinned L1 read-only");
    for (unsigned int k = 0; k < 10; k++)
        req(&reqs[k], 20 + k, true);
    reqs[10].ptr = maddr_of(5);
    reqs[10].val = PTE(t, _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_RW);
    req(&reqs[11], 30, true);
    CHECK_RC(HYPERVISOR_mmu_update(reqs, 12, &done, DOMID_SELF), -XEN_EINVAL,
             "RW flip of a table mapping inside a run");
    CHECK(done == 10, "XSA-182: done = %u, expected 10", done);
    uint64_t e[3];
    CHECK(walk_any(va_of(5), e) == 0 && !(e[2] & _PAGE_RW), "the table became writable");
    CHECK(mapped_to(29, frames[29]) && !mapped_any(va_of(30)), "XSA-182: wrong requests applied");
    CHECK_RC(mmu1(maddr_of(5), 0), 0, "unmap the L1");
    CHECK_RC(unpin(t), 0, "unpin");
    unmap_all();
}

static void commands_in_a_run(void)
{
    for (unsigned int k = 0; k < 12; k++)
        req(&reqs[k], k, true);
    reqs[5].ptr |= MMU_PT_UPDATE_PRESERVE_AD;
    for (unsigned int k = 6; k < 11; k++)
        reqs[k].ptr |= MMU_PT_UPDATE_NO_TRANSLATE;
    reqs[11].ptr |= 7;
    CHECK_RC(HYPERVISOR_mmu_update(reqs, 12, &done, DOMID_SELF), -XEN_ENOSYS,
             "command 7 after commands 0, 2 and 3");
    CHECK(done == 11, "commands: done = %u, expected 11", done);
    for (unsigned int k = 0; k < 12; k++)
        CHECK(mapped_to(k, frames[k]) == (k < 11), "commands: request %u %s", k,
              k < 11 ? "not applied" : "applied");
    unmap_all();
}

static void array_into_unmapped_page(void)
{
    uint32_t second = (uint32_t)edge + PAGE_SIZE;
    mmu_update_t *r = (mmu_update_t *)(second - 20 * sizeof(mmu_update_t));
    uint64_t e[3];

    for (unsigned int k = 0; k < 20; k++)
        req(&r[k], k, true);
    if (walk_any(second, e) != 0) {
        test_error("the second page of the array is not mapped");
        return;
    }
    CHECK_RC(HYPERVISOR_update_va_mapping(second, 0, UVMF_INVLPG), 0, "unmap the array's 2nd page");
    CHECK_RC(HYPERVISOR_mmu_update(r, 40, &done, DOMID_SELF), -XEN_EFAULT,
             "requests running into an unmapped page");
    CHECK(done == 20, "unmapped page: done = %u, expected 20", done);
    CHECK_RC(HYPERVISOR_update_va_mapping(second, e[2], UVMF_INVLPG), 0, "map it again");
    for (unsigned int k = 0; k < 21; k++)
        CHECK(mapped_to(k, frames[k]) == (k < 20), "unmapped page: request %u %s", k,
              k < 20 ? "not applied" : "applied");
    unmap_all();
}

static void array_below_the_hole(void)
{
    if (mapped_any(0xf57ff000u)) {
        test_error("the page below the hole is mapped");
        return;
    }
    done = 0xdead;
    CHECK_RC(HYPERVISOR_mmu_update((const mmu_update_t *)0xf57ffff0u, 2, &done, DOMID_SELF),
             -XEN_EFAULT, "an array crossing into the hole");
    CHECK(done == 0, "hole: done = %u, expected 0", done);
    done = 0xdead;
    CHECK_RC(HYPERVISOR_mmu_update((const mmu_update_t *)0xf5800000u, 1, &done, DOMID_SELF),
             -XEN_EFAULT, "an array in the hole");
    CHECK(done == 0, "hole: done = %u, expected 0", done);
}

static void request_rewrites_a_later_one(void)
{
    uint32_t arr = va_to_mfn(&reqs[3]);
    unsigned int slot = (((uint32_t)&reqs[3].val) & (PAGE_SIZE - 1)) / 8;

    if (arr == ~0u || ((uint32_t)&reqs[3].val & 7)) {
        test_error("the request array is not where expected");
        return;
    }
    req(&reqs[0], 0, true);
    reqs[1].ptr = MADDR(arr, slot);                     /* a plain store ... */
    reqs[1].val = PTE(frames[7], PTEF);                 /* ... into reqs[3].val */
    req(&reqs[2], 1, true);
    req(&reqs[3], 2, true);                             /* frames[2], until rewritten */
    CHECK_RC(HYPERVISOR_mmu_update(reqs, 4, &done, DOMID_SELF), 0,
             "a request rewriting a later one");
    CHECK(done == 4, "rewrite: done = %u", done);
    CHECK(mapped_to(0, frames[0]) && mapped_to(1, frames[1]), "rewrite: requests 0, 2 lost");
    CHECK(mapped_to(2, frames[7]), "request 3 was not read after request 1 rewrote it");
    unmap_all();
}

void test_main(void)
{
    uint32_t l3 = current_l3_mfn(), l2;
    uint64_t l2e[2];

    if (spare_frames_left() < 2 * NPG + 8) {
        test_error("not enough spare frames (%u)", spare_frames_left());
        return;
    }
    for (unsigned int i = 0; i < 2; i++) {
        l1[i] = spare_frame();
        l2e[i] = PTE(l1[i], _PAGE_PRESENT | _PAGE_RW);
    }
    l2 = make_table(l2e, L2_INDEX(BASE), 2);
    for (unsigned int k = 0; k < 2 * NPG; k++)
        frames[k] = spare_frame();
    CHECK_RC(mmu1(MADDR(l3, 1), PTE(l2, _PAGE_PRESENT)), 0, "link an L2 into live L3 slot 1");

    runs_of_every_length();
    refusal_mid_run();
    xsa182_mid_run();
    commands_in_a_run();
    array_into_unmapped_page();
    array_below_the_hole();
    request_rewrites_a_later_one();

    CHECK_RC(mmu1(MADDR(l3, 1), 0), 0, "clear L3 slot 1");
    CHECK_RC(invlpg(BASE), 0, "invlpg");
    test_success();
}
