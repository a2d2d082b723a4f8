/*
 * descriptors: set_gdt and update_descriptor, and what a guest GDT can do.
 *
 * A GDT frame must be a page the guest no longer maps writable (it is
 * remapped read-only first, as XTF does), owned by the guest and not a
 * hypervisor-heap page; every one of its 512 descriptors is checked
 * (fact sheet §3.3, §7.6; desc_check.c):
 *   - DPL-0 code/data come back with DPL 1; a call gate comes back with
 *     DPL 0 and its real DPL in the target's RPL bits (every use faults
 *     into the hypervisor's emulation: call-gates tests that);
 *   - 64-bit code, TSS/LDT/interrupt gates, gates to the hypervisor's
 *     selectors are refused, and then the old GDT stays in place;
 *   - limits are free in 32-on-64: a data segment based at the hole start
 *     with a 4 GiB limit reads the (read-only) M2P, cannot write it, and
 *     wraps at 4 GiB instead of reaching the hypervisor.
 * With the GDT loaded: its selectors work (data, code, far jumps), a
 * not-present descriptor gives #NP(sel) in DS/ES and #SS(sel) in SS, an
 * empty GDT page #GP(sel) -- from ring 1 and, for #NP/#SS, from ring 3.  update_descriptor follows the same rules, on
 * descriptor pages and ordinary writable pages but never page tables, and
 * needs 8-byte alignment.  set_gdt(NULL, 0) releases the frame (it can be
 * mapped writable again).
 */
#include <test.h>
#include <traps.h>
#include <desc.h>

#define CODE(dpl)   SEG_FLAT(0x9a | ((dpl) << 5))
#define DATA(dpl)   SEG_FLAT(0x92 | ((dpl) << 5))
#define GATE(sel, dpl) CALL_GATE(sel, 0, dpl, 0)

static uint64_t gdt[512] __attribute__((aligned(4096)));
static uint64_t spare[512] __attribute__((aligned(4096)));
static uint64_t bad[512] __attribute__((aligned(4096)));

/* From ring 3: load the not-present DPL-3 selector into ES, then SS. */
static uint32_t u_np(void)
{
    exc_clear();
    asm volatile (PROBE_PRE "mov %0, %%es" PROBE_POST :: "r" (0x0043) : "memory");
    return last_exc.count ? last_exc.vector : 0xff;
}
static uint32_t u_ss(void)
{
    exc_clear();
    asm volatile (PROBE_PRE "mov %0, %%ss" PROBE_POST :: "r" (0x0043) : "memory");
    return last_exc.count ? last_exc.vector : 0xff;
}

static uint32_t pte_of(const void *va, uint64_t *pte)
{
    uint64_t e[3];
    if (pt_walk((uint32_t)va, e) != 0)
        return 0;
    *pte = e[2];
    return PTE_MFN(e[2]);
}

static long remap(const void *va, bool writable)
{
    uint64_t pte = 0;
    if (!pte_of(va, &pte))
        return -1;
    pte = writable ? pte | _PAGE_RW : pte & ~_PAGE_RW;
    return hypercall4(__HYPERVISOR_update_va_mapping, (long)va, (long)(uint32_t)pte,
                      (long)(pte >> 32), UVMF_INVLPG);
}

#define LOAD(seg, sel) ({ exc_clear(); \
        asm volatile (PROBE_PRE "mov %0, %%" seg PROBE_POST :: "r" ((uint32_t)(sel)) : "memory"); \
        last_exc.count ? (int)last_exc.vector : -1; })

static void expect_fault(const char *what, int got, unsigned int vec, uint32_t err)
{
    CHECK(got == (int)vec && last_exc.error == err, "%s: got %s, expected vector %u "
          "error 0x%x", what, got < 0 ? "nothing" : exc_str(), vec, err);
}

void test_main(void)
{
    uint32_t gdt_mfn, spare_mfn, bad_mfn, l1_mfn, v;
    uint64_t pte, e[3];

    traps_init();
    user_map_image();
    gdt[1] = CODE(1);
    gdt[2] = DATA(1);
    gdt[3] = CODE(0);
    gdt[4] = DATA(1) & ~(1ULL << 47);                   /* not present */
    gdt[5] = DATA(3);
    gdt[6] = SEG_DESC(HYPERVISOR_VIRT_START, 0xfffff, 0x92 | 0x20, 0xc);
    gdt[7] = GATE(0x0009, 3);
    gdt[8] = DATA(3) & ~(1ULL << 47);                   /* DPL 3, not present */
    bad[1] = SEG_DESC(0, 0xfffff, 0x9a | 0x20, 0xa);           /* 64-bit code */
    gdt_mfn = pte_of(gdt, &pte);
    spare_mfn = pte_of(spare, &pte);
    bad_mfn = pte_of(bad, &pte);
    if (pt_walk(VIRT_BASE, e) != 0 || !gdt_mfn || !spare_mfn || !bad_mfn) {
        test_error("page-table walk failed");
        return;
    }
    l1_mfn = PTE_MFN(e[1]);

    /* Writable, not ours, too many entries, page tables, heap pages: refused. */
    CHECK_RC(HYPERVISOR_set_gdt(&gdt_mfn, 16), -XEN_EINVAL, "set_gdt, frame writable");
    CHECK_RC(remap(gdt, false), 0, "remap the GDT read-only");
    CHECK_RC(remap(bad, false), 0, "remap bad read-only");
    uint32_t not_ours = 1, shinfo = start_info->shared_info >> 12;
    CHECK_RC(HYPERVISOR_set_gdt(&not_ours, 16), -XEN_EINVAL, "set_gdt, mfn 1");
    CHECK_RC(HYPERVISOR_set_gdt(&l1_mfn, 16), -XEN_EINVAL, "set_gdt, an L1 table");
    CHECK_RC(HYPERVISOR_set_gdt(&shinfo, 16), -XEN_EINVAL, "set_gdt, shared_info");
    CHECK_RC(HYPERVISOR_set_gdt(&gdt_mfn, FIRST_RESERVED_GDT_ENTRY + 1), -XEN_EINVAL,
             "set_gdt, 7169 entries");
    CHECK_RC(HYPERVISOR_set_gdt((void *)HYPERVISOR_VIRT_START, 16), -XEN_EFAULT,
             "set_gdt, list in the hole");

    CHECK_RC(HYPERVISOR_set_gdt(&gdt_mfn, 16), 0, "set_gdt");
    CHECK(((gdt[3] >> 45) & 3) == 1, "DPL-0 code not raised: %016llx",
          (unsigned long long)gdt[3]);
    CHECK(((gdt[7] >> 45) & 3) == 0 && ((gdt[7] >> 16) & 3) == 3,
          "call gate not neutered: %016llx", (unsigned long long)gdt[7]);

    /* The new GDT at work. */
    CHECK(LOAD("es", 0x0011) < 0, "ES = GDT data: %s", exc_str());
    CHECK(LOAD("fs", 0x002b) < 0, "FS = GDT DPL-3 data: %s", exc_str());
    exc_clear();
    asm volatile ("ljmp $0x0009, $1f\n1:\tmov %%cs, %0\n\tljmp %1, $2f\n2:"
                  : "=r" (v) : "i" (FLAT_RING1_CS) : "memory");
    CHECK(v == 0x0009 && last_exc.count == 0, "far jump to GDT code: cs 0x%x", v);
    asm volatile ("ljmp $0x0019, $1f\n1:\tmov %%cs, %0\n\tljmp %1, $2f\n2:"
                  : "=r" (v) : "i" (FLAT_RING1_CS) : "memory");
    CHECK(v == 0x0019, "far jump to raised DPL-0 code: cs 0x%x", v);
    expect_fault("ES = not present", LOAD("es", 0x0021), 11, 0x0020);
    expect_fault("SS = not present", LOAD("ss", 0x0021), 12, 0x0020);
    expect_fault("ES = beyond the GDT frame", LOAD("es", 600 * 8 + 1), 13, 600 * 8);
    expect_fault("ring 3: ES = not present", (int)exec_user(u_np), 11, 0x0040);
    CHECK(last_exc.from_user && last_exc.eip == probe_fault, "ring-3 #NP frame");
    expect_fault("ring 3: SS = not present", (int)exec_user(u_ss), 12, 0x0040);
    CHECK(last_exc.from_user && last_exc.ss == FLAT_RING3_SS, "ring-3 #SS frame");
    expect_fault("ES = hypervisor data", LOAD("es", 0xe011), 13, 0xe010);

    /* A segment based at the hole: reads the M2P, cannot write, wraps at 4 GiB. */
    CHECK(LOAD("es", 0x0031) < 0, "ES = hole-based segment: %s", exc_str());
    asm volatile ("mov %%es:0, %0" : "=r" (v));
    CHECK(v == m2p(0), "es:0 = 0x%x, the M2P says 0x%x", v, m2p(0));
    exc_clear();
    asm volatile (PROBE_PRE "movl $0, %%es:0" PROBE_POST ::: "memory");
    CHECK(last_exc.vector == 14 && last_exc.cr2 == HYPERVISOR_VIRT_START &&
          (last_exc.error & 3) == 3, "write through es:0: got %s cr2 0x%x", exc_str(),
          last_exc.cr2);
    exc_clear();
    asm volatile (PROBE_PRE "mov %%es:0x0a800000, %%eax" PROBE_POST ::: "eax", "memory");
    CHECK(last_exc.vector == 14 && last_exc.cr2 == 0, "es:0x0a800000 did not wrap to "
          "linear 0: got %s cr2 0x%x", exc_str(), last_exc.cr2);
    asm volatile ("mov %0, %%es" :: "r" (FLAT_RING1_DS));

    /* A GDT with a bad descriptor is refused and the old one stays. */
    CHECK_RC(HYPERVISOR_set_gdt(&bad_mfn, 16), -XEN_EINVAL, "set_gdt with 64-bit code");
    CHECK(LOAD("es", 0x0011) < 0, "old GDT gone after a refused set_gdt: %s", exc_str());

    /* update_descriptor */
    uint64_t ma = ((uint64_t)gdt_mfn << 12) + 8 * 9;
    CHECK_RC(HYPERVISOR_update_descriptor(ma, DATA(0)), 0, "update_descriptor DPL 0");
    CHECK(((gdt[9] >> 45) & 3) == 1 && (gdt[9] & (1ULL << 47)), "entry 9: %016llx",
          (unsigned long long)gdt[9]);
    CHECK(LOAD("es", 0x0049) < 0, "ES = updated entry: %s", exc_str());
    asm volatile ("mov %0, %%es" :: "r" (FLAT_RING1_DS));
    CHECK_RC(HYPERVISOR_update_descriptor(ma, SEG_DESC(0, 0xfffff, 0x9a, 0xa)), -XEN_EINVAL,
             "update_descriptor 64-bit code");
    CHECK_RC(HYPERVISOR_update_descriptor(ma, SEG_DESC(0x1000, 0x67, 0x89, 0)), -XEN_EINVAL,
             "update_descriptor TSS");
    CHECK_RC(HYPERVISOR_update_descriptor(ma, GATE(0xe008, 3)), -XEN_EINVAL,
             "update_descriptor gate to the hypervisor");
    CHECK_RC(HYPERVISOR_update_descriptor(ma + 4, DATA(1)), -XEN_EINVAL, "unaligned");
    CHECK_RC(HYPERVISOR_update_descriptor(((uint64_t)l1_mfn << 12), DATA(1)), -XEN_EINVAL,
             "update_descriptor on an L1 table");
    CHECK_RC(HYPERVISOR_update_descriptor((uint64_t)1 << 12, DATA(1)), -XEN_EINVAL,
             "update_descriptor on mfn 1");
    CHECK_RC(HYPERVISOR_update_descriptor(((uint64_t)spare_mfn << 12) + 16, CODE(0)), 0,
             "update_descriptor on a writable page");
    CHECK(spare[2] == (CODE(1) | (1ULL << 40)), "spare[2] = %016llx",
          (unsigned long long)spare[2]);

    /* Releasing the GDT releases the frame (no GDT selector stays loaded:
     * the exception path reloads ES and would fault on a stale one). */
    asm volatile ("mov %0, %%es; mov %0, %%fs" :: "r" (FLAT_RING1_DS));
    CHECK_RC(HYPERVISOR_set_gdt(NULL, 0), 0, "set_gdt(NULL, 0)");
    expect_fault("ES = GDT data after release", LOAD("es", 0x0011), 13, 0x0010);
    CHECK_RC(remap(gdt, true), 0, "remap the old GDT writable");
    gdt[1] = 0;
    test_success();
}
