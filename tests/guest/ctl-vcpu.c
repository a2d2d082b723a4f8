/*
 * ctl-vcpu: building the skeleton of a domain through foreign memory, and
 * the checks on every step -- then destroying it while its frames are
 * still mapped.
 *
 * We create D, give it frames, and through writable foreign mappings
 * write a minimal PAE tree into them: L3 (slot 0 -> L2, slot 3 -> the
 * hypervisor's L2), an L2 and an L1 mapping one data page.  Then:
 *
 *   - a vCPU context naming that L3 as CR3 before it is pinned: -EINVAL
 *     (CR3 must be a validated L3 -- committing never validates a tree);
 *   - pinning the L3 (FD = D) while one of its tables is still mapped
 *     writable by us: -EINVAL; unmapped, it pins;
 *   - getpageframeinfo3 reports L3 pinned, L2, L1 and a plain page;
 *   - mapping one of D's page tables writable: -EINVAL; read-only: fine;
 *     writing D's L1 with PFD = D: fine for D's frame, -EINVAL for ours
 *     and for D's own L3 made writable; a "PTE" in D's data page is a
 *     plain store (Xen's rule for a frame that is no table), one past the
 *     four entries of its L3 is refused;
 *   - setvcpucontext with each bad field -- CR3 an L1, a data page or our
 *     own L3; CS in the hypervisor's GDT page or with SS of another ring;
 *     a kernel stack in the hypervisor hole; a trap gate into ring 0 or
 *     into the hole; a callback into the hole; an LDT past 8192 entries
 *     -- is -EINVAL and changes nothing (getvcpucontext still -ENODATA);
 *     then the good context is taken and read back;
 *   - destroy while mapped: destroydomain returns 0 but D stays, dying,
 *     holding exactly the two frames we map (VIRQ_DOM_EXC was raised);
 *     its id cannot be taken; a new foreign mapping of it is -ESRCH; our
 *     mappings still work; destroying again is 0.  When we unmap the last
 *     one D is gone (-ESRCH), its id is free, and free memory is back to
 *     the page.
 */
#include <ctl.h>
#include <pt.h>
#include <events.h>

#define NFRAMES 8
static uint32_t m[NFRAMES];
static domid_t D;

/* Write entries into D's fresh frame mfn through a writable foreign map. */
static void fill(uint32_t mfn, unsigned int idx, uint64_t val)
{
    if (foreign_map(0, mfn, D, true)) {
        test_error("cannot map D's frame %#x writable", mfn);
        test_exit();
    }
    ((volatile uint64_t *)scratch_slot_va(0))[idx] = val;
    foreign_unmap(0);
}

static long setctx(vcpu_guest_context_t *c)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    set_xen_guest_handle_64(op.u.vcpucontext.ctxt, c);
    return domctl(XEN_DOMCTL_setvcpucontext, D, &op);
}

static void good_context(vcpu_guest_context_t *c)
{
    memset(c, 0, sizeof(*c));
    c->flags = VGCF_in_kernel | VGCF_online;
    c->user_regs.cs = FLAT_KERNEL_CS;
    c->user_regs.ss = FLAT_KERNEL_SS;
    c->user_regs.ds = c->user_regs.es = FLAT_KERNEL_DS;
    c->user_regs.eip = 0x1000;
    c->user_regs.esp = 0x2000;
    c->user_regs.eflags = 0x200;
    c->kernel_ss = FLAT_KERNEL_SS;
    c->kernel_sp = 0x2000;
    c->ctrlreg[3] = xen_pfn_to_cr3(m[0]);
    c->event_callback_cs = FLAT_KERNEL_CS;
    c->event_callback_eip = 0x1100;
    c->failsafe_callback_cs = FLAT_KERNEL_CS;
    c->failsafe_callback_eip = 0x1200;
    c->trap_ctxt[14] = (struct trap_info){ 14, 0, FLAT_KERNEL_CS, 0x1300 };
}

static void contexts(void)
{
    static vcpu_guest_context_t c, back;
    struct xen_domctl op;

#define BAD(field_change, want, what) do {                      \
        good_context(&c);                                       \
        field_change;                                           \
        CHECK_RC(setctx(&c), want, what);                       \
    } while (0)
    BAD(c.ctrlreg[3] = xen_pfn_to_cr3(m[3]), -XEN_EINVAL, "CR3 an L1");
    BAD(c.ctrlreg[3] = xen_pfn_to_cr3(m[4]), -XEN_EINVAL, "CR3 a data page");
    BAD(c.ctrlreg[3] = xen_pfn_to_cr3(current_l3_mfn()), -XEN_EINVAL, "CR3 our own L3");
    BAD(c.user_regs.cs = 0xe008, -XEN_EINVAL, "CS in the hypervisor's GDT page");
    BAD(c.user_regs.ss = FLAT_RING3_SS, -XEN_EINVAL, "SS of ring 3 with a ring-1 CS");
    BAD(c.user_regs.esp = 0xf5900000, -XEN_EINVAL, "kernel ESP in the hole");
    BAD(c.kernel_sp = 0xf6000000, -XEN_EINVAL, "kernel stack in the hole");
    BAD(c.kernel_ss = FLAT_RING3_SS, -XEN_EINVAL, "kernel stack of ring 3");
    BAD(c.trap_ctxt[14].cs = 0xe008, -XEN_EINVAL, "trap gate into ring 0");
    BAD(c.trap_ctxt[3].address = 0xf5801000; c.trap_ctxt[3].cs = FLAT_KERNEL_CS,
        -XEN_EINVAL, "trap gate into the hole");
    BAD(c.event_callback_eip = 0xf5800000, -XEN_EINVAL, "event callback in the hole");
    BAD(c.failsafe_callback_cs = 0xe008, -XEN_EINVAL, "failsafe callback in ring 0");
    BAD(c.ldt_ents = 8193; c.ldt_base = 0x10000, -XEN_EINVAL, "LDT of 8193 entries");
    BAD(c.gdt_ents = 8192; c.gdt_frames[0] = m[5], -XEN_EINVAL, "GDT past the reserved page");
#undef BAD
    memset(&op, 0, sizeof(op));
    set_xen_guest_handle_64(op.u.vcpucontext.ctxt, &back);
    CHECK_RC(domctl(XEN_DOMCTL_getvcpucontext, D, &op), -XEN_ENODATA,
             "a refused context was taken");

    good_context(&c);
    CHECK_RC(setctx(&c), 0, "the good context");
    CHECK_RC(domctl(XEN_DOMCTL_getvcpucontext, D, &op), 0, "getvcpucontext");
    CHECK(back.ctrlreg[3] == xen_pfn_to_cr3(m[0]), "CR3 read back %#x", back.ctrlreg[3]);
    CHECK(back.user_regs.eip == 0x1000 && (back.user_regs.cs & 3) == 1,
          "EIP %#x CS %#x", back.user_regs.eip, back.user_regs.cs);
    CHECK(back.kernel_sp == 0x2000 && back.event_callback_eip == 0x1100,
          "kernel_sp %#x event %#x", back.kernel_sp, back.event_callback_eip);
    CHECK(back.flags & VGCF_online, "flags %#x", back.flags);
    memset(&op, 0, sizeof(op));
    CHECK_RC(domctl(XEN_DOMCTL_getvcpuinfo, D, &op), 0, "getvcpuinfo");
    CHECK(op.u.getvcpuinfo.online && !op.u.getvcpuinfo.running, "online %u running %u",
          op.u.getvcpuinfo.online, op.u.getvcpuinfo.running);
}

static void tables(void)
{
    static uint32_t info[5];
    struct xen_domctl op;

    /* L3 -> L2 (slot 0) -> L1 -> m[4]; slot 3 -> the hypervisor's L2. */
    fill(m[0], 0, PTE(m[2], _PAGE_PRESENT));
    fill(m[0], 3, PTE(m[1], _PAGE_PRESENT));
    fill(m[2], 0, PTE(m[3], _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED));
    fill(m[3], 0, PTE(m[4], _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED));
    fill(m[4], 0, 0x1122334455667788ull);

    static vcpu_guest_context_t early;
    good_context(&early);
    CHECK_RC(setctx(&early), -XEN_EINVAL, "CR3 not yet pinned");

    CHECK_RC(foreign_map(1, m[3], D, true), 0, "map D's future L1 writable");
    CHECK_RC(foreign_pin(D, 3, m[0]), -XEN_EINVAL, "pin while an L1 is mapped writable");
    foreign_unmap(1);
    CHECK_RC(foreign_pin(D, 3, m[0]), 0, "pin D's L3");
    CHECK_RC(foreign_pin(D, 3, m[0]), -XEN_EINVAL, "pin it twice");

    info[0] = m[0], info[1] = m[1], info[2] = m[2], info[3] = m[3], info[4] = m[4];
    memset(&op, 0, sizeof(op));
    set_xen_guest_handle_64(op.u.getpageframeinfo3.array, info);
    op.u.getpageframeinfo3.num = 5;
    CHECK_RC(domctl(XEN_DOMCTL_getpageframeinfo3, D, &op), 0, "getpageframeinfo3");
    CHECK(info[0] == (XEN_DOMCTL_PFINFO_L3TAB | XEN_DOMCTL_PFINFO_LPINTAB), "L3: %#x", info[0]);
    CHECK(info[1] == XEN_DOMCTL_PFINFO_L2TAB && info[2] == XEN_DOMCTL_PFINFO_L2TAB,
          "L2s: %#x %#x", info[1], info[2]);
    CHECK(info[3] == XEN_DOMCTL_PFINFO_L1TAB, "L1: %#x", info[3]);
    CHECK(info[4] == XEN_DOMCTL_PFINFO_NOTAB, "page: %#x", info[4]);

    /* D's page tables: never writable, readable. */
    CHECK_RC(foreign_map(1, m[0], D, true), -XEN_EINVAL, "D's L3 writable");
    CHECK_RC(foreign_map(1, m[1], D, true), -XEN_EINVAL, "D's slot-3 L2 writable");
    CHECK_RC(foreign_map(1, m[3], D, true), -XEN_EINVAL, "D's L1 writable");
    CHECK_RC(foreign_map(3, m[3], D, false), 0, "D's L1 read-only");
    uint64_t e0 = ((volatile uint64_t *)scratch_slot_va(3))[0];
    CHECK(PTE_MFN(e0) == m[4], "D's L1 entry 0 reads %#llx", (unsigned long long)e0);

    /* Writing D's own L1 (PFD = D): D's frames only, never a table writable. */
    unsigned int fd = D | ((unsigned int)(D + 1) << 16);
    mmu_update_t req = { .ptr = MADDR(m[3], 1),
                         .val = PTE(m[5], _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED) };
    CHECK_RC(HYPERVISOR_mmu_update(&req, 1, NULL, fd), 0, "D's L1 entry 1 -> D's frame");
    CHECK(PTE_MFN(((volatile uint64_t *)scratch_slot_va(3))[1]) == m[5], "entry 1 not written");
    req.val = PTE(p2m()[0], _PAGE_PRESENT | _PAGE_ACCESSED);
    CHECK_RC(HYPERVISOR_mmu_update(&req, 1, NULL, fd), -XEN_EINVAL, "D's L1 -> our frame");
    req.val = PTE(m[0], _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED);
    CHECK_RC(HYPERVISOR_mmu_update(&req, 1, NULL, fd), -XEN_EINVAL, "D's L1 -> its L3, RW");
    /* A frame of D that is not a table: a plain store, as Xen makes it. */
    req.ptr = MADDR(m[4], 1);
    req.val = 0x99aabbccddeeff00ull;
    CHECK_RC(HYPERVISOR_mmu_update(&req, 1, NULL, fd), 0, "PFD plain store into a data page");
    req.ptr = MADDR(m[0], 8);
    CHECK_RC(HYPERVISOR_mmu_update(&req, 1, NULL, fd), -XEN_EINVAL,
             "PFD store into D's L3 past its four entries");
    CHECK_RC(HYPERVISOR_mmu_update(&req, 1, NULL, (unsigned int)(77 + 1) << 16 | DOMID_SELF),
             -XEN_EINVAL, "PFD of a domain that does not exist");
}

static void destroy_while_mapped(uint64_t baseline)
{
    struct xen_domctl_getdomaininfo info;
    long port = evtchn_bind_virq(VIRQ_DOM_EXC, 0);
    volatile uint64_t *data;

    CHECK(port > 0, "bind VIRQ_DOM_EXC: %ld", port);
    CHECK_RC(foreign_map(2, m[4], D, true), 0, "D's data page writable");
    data = (volatile uint64_t *)scratch_slot_va(2);
    CHECK(data[0] == 0x1122334455667788ull && data[1] == 0x99aabbccddeeff00ull,
          "data page reads %#llx %#llx", (unsigned long long)data[0],
          (unsigned long long)data[1]);
    if (port > 0)
        evtchn_clear_pending((evtchn_port_t)port);

    CHECK_RC(ctl_destroy(D, NULL), 0, "destroy D while we map two of its frames");
    CHECK(port > 0 && evtchn_is_pending((evtchn_port_t)port), "no VIRQ_DOM_EXC");
    CHECK_RC(ctl_info(D, &info), 0, "D is still listed");
    CHECK(info.flags & XEN_DOMINF_dying, "D not dying: %#x", info.flags);
    CHECK(info.tot_pages == 2, "D holds %llu frames, we map 2", (unsigned long long)info.tot_pages);
    CHECK_RC(ctl_create(D, NULL), -XEN_EINVAL, "D's id while D is dying");
    CHECK_RC(foreign_map(4, m[5], D, false), -XEN_ESRCH, "a new mapping of dying D");
    CHECK_RC(ctl_pause(D), -XEN_EINVAL, "pause dying D");
    CHECK(data[0] == 0x1122334455667788ull, "the data page changed under our mapping");
    data[1] = 42;
    CHECK(data[1] == 42, "cannot write our mapping");
    CHECK_RC(ctl_destroy(D, NULL), 0, "destroy dead D again");

    foreign_unmap(2);
    CHECK_RC(ctl_info(D, &info), 0, "D listed while one frame is mapped");
    CHECK(info.tot_pages == 1, "D holds %llu frames", (unsigned long long)info.tot_pages);
    foreign_unmap(3);
    CHECK_RC(ctl_info(D, &info), -XEN_ESRCH, "D after its last frame went");
    CHECK_RC(ctl_destroy(D, NULL), -XEN_ESRCH, "destroy D once gone");
    CHECK_RC(foreign_map(4, m[5], D, false), -XEN_ESRCH, "a foreign mapping of D once gone");
    uint64_t now = ctl_free_pages();
    CHECK(now == baseline, "free pages %llu, %llu before D", (unsigned long long)now,
          (unsigned long long)baseline);
    CHECK_RC(ctl_create(D, NULL), 0, "D's id is free again");
    CHECK_RC(ctl_destroy(D, NULL), 0, "destroy the new D");
    if (port > 0)
        evtchn_close((evtchn_port_t)port);
}

void test_main(void)
{
    uint64_t baseline;

    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    baseline = ctl_free_pages();
    if (ctl_create(0, &D) || ctl_max_vcpus(D, 1) || ctl_max_mem_kb(D, NFRAMES * 4)) {
        test_error("cannot create the domain");
        return;
    }
    CHECK_RC(ctl_populate(D, m, NFRAMES), NFRAMES, "populate");
    tables();
    contexts();
    destroy_while_mapped(baseline);
    test_success();
}
