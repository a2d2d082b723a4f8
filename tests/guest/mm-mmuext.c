/*
 * mm-mmuext: every mmuext_op command, its effect and its errors, and the
 * batch rules (stop at the first error with *done, bounded reads).
 *
 *   pin L1/L2/L3 and unpin: -EINVAL for a frame that is not ours, not RAM,
 *     mapped writable, already pinned (pin) or not pinned (unpin); pinning
 *     an L4 is accepted and ignored (a 32-bit guest has none); an L1 and
 *     an L2 pinned on their own, then linked, then unpinned;
 *   new_baseptr to a frame that cannot be an L3 (here: one mapped
 *     writable): -EINVAL, and the guest keeps running on its tables;
 *   flushes and invlpg, local, by mask, all: 0; an unreadable mask: -EFAULT;
 *   flush_cache(_global): allowed for the initial domain (I/O privilege);
 *   set_ldt: page-aligned base, table below the hole, <= 8192 entries;
 *   clear_page and copy_page: contents checked through a mapping; a page
 *     table as destination (it would become writable) is -EINVAL;
 *   mark_super/unmark_super: -EOPNOTSUPP; 14, 15 (x86-64 only), 21, huge:
 *     -ENOSYS; a foreign domain that does not exist: -ESRCH.
 */
#include <pt.h>

void test_main(void)
{
    uint32_t l1 = spare_frame(), l2 = spare_frame(), src = spare_frame(), dst = spare_frame();
    uint32_t mask = 1, *p;
    mmuext_op_t ops[4];
    unsigned int done;

    /* Pinning and its refusals. */
    CHECK_RC(pin(1, 0), -XEN_EINVAL, "pin frame 0 (the hypervisor's)");
    CHECK_RC(pin(1, 0xfffff), -XEN_EINVAL, "pin a frame past RAM");
    CHECK_RC(unpin(l1), -XEN_EINVAL, "unpin a frame never pinned");
    CHECK_RC(pin(1, l1), 0, "pin an empty L1");
    CHECK_RC(pin(1, l1), -XEN_EINVAL, "pin it again");
    CHECK_RC(pin(2, l1), -XEN_EINVAL, "pin the L1 as an L2");
    CHECK_RC(pin(2, l2), 0, "pin an empty L2");
    CHECK_RC(pin(4, l2), 0, "pin as L4: ignored");
    CHECK_RC(mmu1(MADDR(l2, 5), PTE(l1, _PAGE_PRESENT | _PAGE_RW)), 0, "link L1 into L2");
    CHECK_RC(unpin(l1), 0, "unpin the linked L1");
    CHECK_RC(pin(1, l1), 0, "pin it again while linked");
    CHECK_RC(unpin(l2), 0, "unpin the L2 (drops the link)");
    CHECK_RC(unpin(l1), 0, "unpin the L1");
    p = scratch_map(0, l1, _PAGE_PRESENT | _PAGE_RW);   /* untyped: may be writable */
    CHECK_RC(pin(1, l1), -XEN_EINVAL, "pin a frame mapped writable");
    CHECK_RC(new_baseptr(l1), -XEN_EINVAL, "new_baseptr to a writable frame");
    CHECK(*(volatile uint32_t *)p == 0, "still running on our tables");
    scratch_restore(0);

    /* Flushes. */
    CHECK_RC(mmuext1(MMUEXT_TLB_FLUSH_LOCAL, 0, 0), 0, "tlb_flush_local");
    CHECK_RC(mmuext1(MMUEXT_INVLPG_LOCAL, VIRT_BASE, 0), 0, "invlpg_local");
    CHECK_RC(mmuext1(MMUEXT_TLB_FLUSH_ALL, 0, 0), 0, "tlb_flush_all");
    CHECK_RC(mmuext1(MMUEXT_INVLPG_ALL, VIRT_BASE, 0), 0, "invlpg_all");
    CHECK_RC(mmuext1(MMUEXT_TLB_FLUSH_MULTI, 0, (uint32_t)&mask), 0, "tlb_flush_multi");
    CHECK_RC(mmuext1(MMUEXT_INVLPG_MULTI, VIRT_BASE, (uint32_t)&mask), 0, "invlpg_multi");
    CHECK_RC(mmuext1(MMUEXT_TLB_FLUSH_MULTI, 0, 0x10000000u), -XEN_EFAULT, "unmapped mask");
    CHECK_RC(mmuext1(MMUEXT_INVLPG_MULTI, 0, HYPERVISOR_VIRT_START), -XEN_EFAULT, "mask in the hole");
    CHECK_RC(mmuext1(MMUEXT_FLUSH_CACHE, 0, 0), 0, "flush_cache (initial domain)");
    CHECK_RC(mmuext1(MMUEXT_FLUSH_CACHE_GLOBAL, 0, 0), 0, "flush_cache_global");

    /* set_ldt */
    CHECK_RC(mmuext1(MMUEXT_SET_LDT, VIRT_BASE, 16), 0, "set_ldt");
    CHECK_RC(mmuext1(MMUEXT_SET_LDT, 0, 0), 0, "set_ldt: none");
    CHECK_RC(mmuext1(MMUEXT_SET_LDT, VIRT_BASE + 8, 16), -XEN_EINVAL, "set_ldt: misaligned");
    CHECK_RC(mmuext1(MMUEXT_SET_LDT, VIRT_BASE, 8193), -XEN_EINVAL, "set_ldt: 8193 entries");
    CHECK_RC(mmuext1(MMUEXT_SET_LDT, HYPERVISOR_VIRT_START - 4096, 1024), -XEN_EINVAL,
             "set_ldt: into the hole");
    CHECK_RC(mmuext1(MMUEXT_SET_LDT, 0xfffff000u, 1), -XEN_EINVAL, "set_ldt: top page");

    /* clear_page / copy_page */
    p = scratch_map(0, src, _PAGE_PRESENT | _PAGE_RW);
    for (unsigned int i = 0; i < 1024; i++)
        p[i] = i * 2654435761u;
    p = scratch_map(0, dst, _PAGE_PRESENT | _PAGE_RW);
    p[100] = 0xdeadbeef;
    CHECK_RC(mmuext1(MMUEXT_CLEAR_PAGE, dst, 0), 0, "clear_page");
    CHECK(p[100] == 0, "clear_page left %#x", p[100]);
    CHECK_RC(mmuext1(MMUEXT_COPY_PAGE, dst, src), 0, "copy_page");
    CHECK(p[7] == 7 * 2654435761u && p[1023] == 1023 * 2654435761u, "copy_page contents");
    scratch_restore(0);
    CHECK_RC(pin(1, l1), 0, "pin L1");
    CHECK_RC(mmuext1(MMUEXT_CLEAR_PAGE, l1, 0), -XEN_EINVAL, "clear_page of a page table");
    CHECK_RC(mmuext1(MMUEXT_COPY_PAGE, l1, src), -XEN_EINVAL, "copy_page onto a page table");
    CHECK_RC(mmuext1(MMUEXT_COPY_PAGE, dst, l1), 0, "copy_page from a page table");
    CHECK_RC(mmuext1(MMUEXT_CLEAR_PAGE, 0, 0), -XEN_EINVAL, "clear_page of frame 0");
    CHECK_RC(mmuext1(MMUEXT_COPY_PAGE, dst, 0), -XEN_EINVAL, "copy_page from frame 0");
    CHECK_RC(unpin(l1), 0, "unpin L1");

    /* Unsupported and unknown. */
    CHECK_RC(mmuext1(MMUEXT_MARK_SUPER, src, 0), -XEN_EOPNOTSUPP, "mark_super");
    CHECK_RC(mmuext1(MMUEXT_UNMARK_SUPER, src, 0), -XEN_EOPNOTSUPP, "unmark_super");
    CHECK_RC(mmuext1(14, 0, 0), -XEN_ENOSYS, "cmd 14");
    CHECK_RC(mmuext1(MMUEXT_NEW_USER_BASEPTR, src, 0), -XEN_ENOSYS, "new_user_baseptr");
    CHECK_RC(mmuext1(21, 0, 0), -XEN_ENOSYS, "cmd 21");
    CHECK_RC(mmuext1(0xffffffffu, 0, 0), -XEN_ENOSYS, "cmd ~0");
    ops[0] = (mmuext_op_t){ .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    CHECK_RC(HYPERVISOR_mmuext_op(ops, 1, NULL, 9), -XEN_ESRCH, "foreign domain 9");

    /* Batches: stop at the first error, *done says where. */
    ops[0] = (mmuext_op_t){ .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = l1 };
    ops[1] = (mmuext_op_t){ .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    ops[2] = (mmuext_op_t){ .cmd = MMUEXT_PIN_L1_TABLE, .arg1.mfn = l1 };   /* twice */
    ops[3] = (mmuext_op_t){ .cmd = MMUEXT_UNPIN_TABLE, .arg1.mfn = l1 };
    done = 99;
    CHECK_RC(HYPERVISOR_mmuext_op(ops, 4, &done, DOMID_SELF), -XEN_EINVAL, "batch");
    CHECK(done == 2, "done %u, expected 2", done);
    CHECK_RC(HYPERVISOR_mmuext_op(&ops[3], 1, &done, DOMID_SELF), 0, "unpin");
    CHECK(done == 1, "done %u", done);
    /* A page of flush ops at the very end of the mapped region. */
    mmuext_op_t *last = scratch_map(0, src, _PAGE_PRESENT | _PAGE_RW);
    for (unsigned int i = 0; i < PAGE_SIZE / sizeof(*last); i++)
        last[i] = (mmuext_op_t){ .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    CHECK((uint32_t)last + PAGE_SIZE == mapped_end(), "scratch slot 0 is not the last page");
    CHECK_RC(HYPERVISOR_mmuext_op(last, 0x7fffffff, &done, DOMID_SELF), -XEN_EFAULT,
             "2^31 - 1 flushes running into unmapped memory");
    CHECK(done == PAGE_SIZE / sizeof(*last), "done %u, expected %u", done,
          PAGE_SIZE / sizeof(*last));
    scratch_restore(0);
    CHECK_RC(HYPERVISOR_mmuext_op((void *)(HYPERVISOR_VIRT_START - 12), 2, &done, DOMID_SELF),
             -XEN_EFAULT, "ops straddling the hole");
    CHECK(done == 0, "done %u for an unreadable first op", done);
    test_success();
}
