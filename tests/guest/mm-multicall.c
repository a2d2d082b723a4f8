/*
 * mm-multicall: batches of hypercalls, their results, and the rules that
 * keep a batch from being a way around the checks.
 *
 *   - mixed entries (xen_version, mmu_update, update_va_mapping,
 *     mmuext_op, memory_op) each get their own result;
 *   - an unknown op gets -ENOSYS, a nested multicall -EINVAL, and the
 *     batch goes on after each (an iret entry ends it: multicall-iret);
 *   - an mmu_update entry of 2048 requests completes with *done = 2048
 *     (with hv=mm_preempt_stress it is preempted after every request, and
 *     the multicall must resume that entry, not restart or skip it);
 *   - XSA-286: an entry that relinks an L2 entry, followed by
 *     update_va_mapping on an address below it, updates the L1 the tables
 *     name now, never the one they named before (the hypervisor walks the
 *     tables, not a possibly stale linear mapping); unlinked, the address
 *     has no L1 and the update is -EINVAL with the old L1 untouched;
 *   - a count of 2^32 - 1 over entries that run into unmapped memory:
 *     -EFAULT, with every readable entry executed and its result written.
 */
#include <pt.h>
#include <public/memory.h>

#define BASE 0x40000000u
#define NREQ 2048

static multicall_entry_t mc[8];
static mmu_update_t reqs[NREQ];
static uint32_t l1s[NREQ / 512], frames[NREQ];

static void entry(unsigned int i, unsigned int op, uint32_t a0, uint32_t a1, uint32_t a2,
                  uint32_t a3, uint32_t a4)
{
    mc[i] = (multicall_entry_t){ .op = op, .result = 0xdeadbeef,
                                 .args = { a0, a1, a2, a3, a4, 0 } };
}

static uint64_t entry_of(uint32_t l1, unsigned int idx)
{
    uint64_t *t = scratch_map(1, l1, _PAGE_PRESENT), e = t[idx];
    scratch_restore(1);
    return e;
}

void test_main(void)
{
    uint32_t l3 = current_l3_mfn(), l2, l1a, l1b, f, done = 0, ndone = 0;
    uint64_t l2e[NREQ / 512];
    mmuext_op_t flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    long rc;
    unsigned int i;

    for (i = 0; i < NREQ / 512; i++) {
        l1s[i] = spare_frame();
        l2e[i] = PTE(l1s[i], _PAGE_PRESENT | _PAGE_RW);
    }
    l2 = make_table(l2e, 0, NREQ / 512);
    CHECK_RC(mmu1(MADDR(l3, 1), PTE(l2, _PAGE_PRESENT)), 0, "link an L2 at 1 GiB");
    for (i = 0; i < NREQ; i++) {
        frames[i] = spare_frame();
        reqs[i] = (mmu_update_t){ .ptr = MADDR(l1s[i / 512], i % 512),
                                  .val = PTE(frames[i], _PAGE_PRESENT | _PAGE_RW) };
    }

    /* Mixed batch. */
    domid_t self = DOMID_SELF;
    entry(0, __HYPERVISOR_xen_version, XENVER_version, 0, 0, 0, 0);
    entry(1, __HYPERVISOR_mmu_update, (uint32_t)reqs, NREQ, (uint32_t)&done, DOMID_SELF, 0);
    entry(2, 99, 0, 0, 0, 0, 0);
    entry(3, __HYPERVISOR_multicall, (uint32_t)mc, 1, 0, 0, 0);
    entry(4, __HYPERVISOR_xen_version, XENVER_pagesize, 0, 0, 0, 0);
    entry(5, __HYPERVISOR_mmuext_op, (uint32_t)&flush, 1, 0, DOMID_SELF, 0);
    entry(6, __HYPERVISOR_memory_op, XENMEM_current_reservation, (uint32_t)&self, 0, 0, 0);
    entry(7, __HYPERVISOR_update_va_mapping, BASE, 0, 0, UVMF_INVLPG, 0);
    CHECK_RC(HYPERVISOR_multicall(mc, 8), 0, "mixed multicall");
    CHECK((long)mc[0].result == HYPERVISOR_xen_version(XENVER_version, NULL),
          "xen_version result %#x", mc[0].result);
    CHECK(mc[1].result == 0 && done == NREQ, "mmu_update result %ld done %u",
          (long)mc[1].result, done);
    CHECK((long)mc[2].result == -XEN_ENOSYS, "op 99 result %ld", (long)mc[2].result);
    CHECK((long)mc[3].result == -XEN_EINVAL, "nested multicall result %ld", (long)mc[3].result);
    CHECK((long)mc[4].result == 4096, "pagesize result %ld", (long)mc[4].result);
    CHECK(mc[5].result == 0, "mmuext_op result %ld", (long)mc[5].result);
    CHECK((long)mc[6].result == current_pages(), "memory_op result %ld", (long)mc[6].result);
    CHECK(mc[7].result == 0 && !mapped_any(BASE), "update_va_mapping result %ld",
          (long)mc[7].result);
    CHECK(va_to_mfn((void *)(BASE + 2047 * PAGE_SIZE)) == frames[2047], "last request not applied");

    /* XSA-286: relink, then update_va_mapping below the new link. */
    l1a = l1s[0];
    l1b = l1s[1];
    f = frames[5];
    entry(0, __HYPERVISOR_mmu_update, (uint32_t)&reqs[0], 1, 0, DOMID_SELF, 0);
    reqs[0] = (mmu_update_t){ .ptr = MADDR(l2, 0), .val = PTE(l1b, _PAGE_PRESENT | _PAGE_RW) };
    entry(1, __HYPERVISOR_update_va_mapping, BASE + 7 * PAGE_SIZE,
          (uint32_t)PTE(f, _PAGE_PRESENT), 0, UVMF_INVLPG, 0);
    uint64_t a_before = entry_of(l1a, 7), b_before = entry_of(l1b, 7);
    CHECK_RC(HYPERVISOR_multicall(mc, 2), 0, "relink + update_va_mapping");
    CHECK(mc[0].result == 0 && mc[1].result == 0, "results %ld %ld", (long)mc[0].result,
          (long)mc[1].result);
    CHECK(entry_of(l1a, 7) == a_before, "the old L1 was written");
    CHECK(entry_of(l1b, 7) == PTE(f, _PAGE_PRESENT) && b_before != PTE(f, _PAGE_PRESENT),
          "the new L1 was not written");
    /* (A preempted entry's arguments are rewritten: build the batch anew.) */
    reqs[0].val = 0;
    entry(0, __HYPERVISOR_mmu_update, (uint32_t)&reqs[0], 1, 0, DOMID_SELF, 0);
    entry(1, __HYPERVISOR_update_va_mapping, BASE + 7 * PAGE_SIZE,
          (uint32_t)PTE(frames[6], _PAGE_PRESENT), 0, UVMF_INVLPG, 0);
    CHECK_RC(HYPERVISOR_multicall(mc, 2), 0, "unlink + update_va_mapping");
    CHECK(mc[0].result == 0 && (long)mc[1].result == -XEN_EINVAL, "results %ld %ld",
          (long)mc[0].result, (long)mc[1].result);
    CHECK(entry_of(l1b, 7) == PTE(f, _PAGE_PRESENT), "an unlinked L1 was written");

    /* 2^32 - 1 entries, all but the first page's unreadable. */
    multicall_entry_t *page = scratch_map(0, frames[8], _PAGE_PRESENT | _PAGE_RW);
    unsigned int per_page = PAGE_SIZE / sizeof(*page);
    for (i = 0; i < per_page; i++)
        page[i] = (multicall_entry_t){ .op = __HYPERVISOR_xen_version, .result = 0xdeadbeef,
                                       .args = { XENVER_pagesize } };
    rc = HYPERVISOR_multicall(page, 0xffffffffu);
    CHECK_RC(rc, -XEN_EFAULT, "multicall running into unmapped memory");
    for (i = 0; i < per_page; i++)
        if (page[i].result == PAGE_SIZE)
            ndone++;
    CHECK(ndone == per_page, "%u of %u readable entries executed", ndone, per_page);
    CHECK_RC(HYPERVISOR_multicall((void *)(HYPERVISOR_VIRT_START - 32), 1), -XEN_EFAULT,
             "entry in the hole");
    CHECK_RC(HYPERVISOR_multicall(mc, 0), 0, "empty multicall");
    scratch_restore(0);
    test_success();
}
