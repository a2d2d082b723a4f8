/*
 * mm-batch: mmu_update batches of 1, 512 and 2048 requests, and their
 * partial completion.
 *
 * A new L2 is linked into slot 1 of the running L3 (an L3 update of the
 * live table) with four empty L1s below it: 8 MiB at 1 GiB.  Then:
 *
 *   - 2048 requests map 2048 spare frames there in one call (the call is
 *     long enough to be preempted; with hv=mm_preempt_stress it is
 *     preempted after every request, and the continuation must still end
 *     with *done = 2048 and every mapping in place);
 *   - every page is written through its new mapping and checked;
 *   - 512 requests unmap a quarter, one request remaps one page, and a
 *     2048-request batch with done == NULL unmaps the rest;
 *   - a 10-request batch whose 6th request is invalid stops there:
 *     -EINVAL, *done = 5, requests 0-4 applied, 6-9 not.
 *
 * Finally slot 1 is cleared again (which releases the L2 and the L1s
 * through the devalidation queue) and the frames can be mapped writable.
 */
#include <pt.h>

#define BASE   0x40000000u
#define NPAGES 2048
#define NL1    (NPAGES / 512)

static mmu_update_t reqs[NPAGES];
static uint32_t frames[NPAGES], l1s[NL1];

static void fill(unsigned int first, unsigned int n, bool map)
{
    for (unsigned int i = 0; i < n; i++) {
        unsigned int k = first + i;
        reqs[i].ptr = MADDR(l1s[k / 512], k % 512);
        reqs[i].val = map ? PTE(frames[k], _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED) : 0;
    }
}

static bool mapped_to(unsigned int k, uint32_t mfn)
{
    return va_to_mfn((void *)(BASE + k * PAGE_SIZE)) == mfn;
}

void test_main(void)
{
    uint32_t l3 = current_l3_mfn(), l2;
    uint64_t l2e[NL1];
    unsigned int done = 0xdead, i, bad = 0;
    long rc;

    if (spare_frames_left() < NPAGES + NL1 + 8) {
        test_error("not enough spare frames (%u)", spare_frames_left());
        return;
    }
    for (i = 0; i < NL1; i++) {
        l1s[i] = spare_frame();
        l2e[i] = PTE(l1s[i], _PAGE_PRESENT | _PAGE_RW);
    }
    l2 = make_table(l2e, L2_INDEX(BASE), NL1);
    for (i = 0; i < NPAGES; i++)
        frames[i] = spare_frame();
    CHECK_RC(mmu1(MADDR(l3, 1), PTE(l2, _PAGE_PRESENT)), 0, "link an L2 into live L3 slot 1");

    /* 2048 */
    fill(0, NPAGES, true);
    rc = HYPERVISOR_mmu_update(reqs, NPAGES, &done, DOMID_SELF);
    CHECK_RC(rc, 0, "2048-request batch");
    CHECK(done == NPAGES, "done = %u after 2048 requests", done);
    for (i = 0; i < NPAGES; i++) {
        if (!mapped_to(i, frames[i])) {
            bad++;
            continue;
        }
        *(volatile uint32_t *)(BASE + i * PAGE_SIZE) = frames[i] ^ 0x5a5a5a5a;
    }
    for (i = 0; i < NPAGES; i++)
        if (*(volatile uint32_t *)(BASE + i * PAGE_SIZE) != (frames[i] ^ 0x5a5a5a5a))
            bad++;
    CHECK(bad == 0, "%u of 2048 pages not mapped as requested", bad);

    /* 512: unmap the first quarter; 1: remap page 3 */
    fill(0, 512, false);
    CHECK_RC(HYPERVISOR_mmu_update(reqs, 512, &done, DOMID_SELF), 0, "512-request batch");
    CHECK(done == 512, "done = %u after 512 requests", done);
    CHECK(!mapped_any(BASE) && !mapped_any(BASE + 511 * PAGE_SIZE) &&
          mapped_any(BASE + 512 * PAGE_SIZE), "512 unmaps did not land exactly");
    fill(3, 1, true);
    CHECK_RC(HYPERVISOR_mmu_update(reqs, 1, &done, DOMID_SELF), 0, "1-request batch");
    CHECK(done == 1 && mapped_to(3, frames[3]), "single request: done %u", done);
    CHECK(*(volatile uint32_t *)(BASE + 3 * PAGE_SIZE) == (frames[3] ^ 0x5a5a5a5a),
          "remapped page lost its contents");

    /* 10 requests, the 6th invalid (frame 0: RAM that is nobody's) */
    fill(1000, 10, false);
    reqs[5].val = PTE(0, _PAGE_PRESENT);
    CHECK_RC(HYPERVISOR_mmu_update(reqs, 10, &done, DOMID_SELF), -XEN_EINVAL,
             "batch with a bad 6th request");
    CHECK(done == 5, "done = %u, expected 5", done);
    for (i = 1000; i < 1010; i++)
        if (mapped_any(BASE + i * PAGE_SIZE) != (i >= 1005))
            test_fail("request %u %s applied", i - 1000, i >= 1005 ? "was" : "was not");

    /* the rest, without a done pointer */
    fill(0, NPAGES, false);
    CHECK_RC(HYPERVISOR_mmu_update(reqs, NPAGES, NULL, DOMID_SELF), 0, "2048 unmaps, done NULL");
    for (i = 0; i < NPAGES; i++)
        if (mapped_any(BASE + i * PAGE_SIZE)) {
            test_fail("page %u still mapped", i);
            break;
        }

    CHECK_RC(mmu1(MADDR(l3, 1), 0), 0, "clear L3 slot 1");
    CHECK_RC(invlpg(BASE), 0, "invlpg");
    scratch_map(0, l2, _PAGE_PRESENT | _PAGE_RW);       /* untyped again */
    scratch_map(0, l1s[NL1 - 1], _PAGE_PRESENT | _PAGE_RW);
    scratch_restore(0);
    test_success();
}
