/*
 * ldt: MMUEXT_SET_LDT, the lazily mapped LDT, and its limit (XSA-298).
 *
 * The hypervisor maps LDT pages on first use: the CPU's access to the LDT
 * faults, the hypervisor finds the guest's page at ldt_base, types it as a
 * descriptor page (so it must not be mapped writable), checks its 512
 * descriptors and maps it (fact sheet §7.3, §7.6).  Checked:
 *   - LDT selectors work from ring 1 and ring 3 (data DPL 3, a far jump to
 *     LDT code), #NP for a not-present entry, #GP for a selector beyond
 *     the entry count;
 *   - an LDT page the guest still maps writable, or one holding a 64-bit
 *     code descriptor, cannot be mapped: the guest gets #PF with CR2 =
 *     ldt_base + the entry's offset (Xen's convention);
 *   - XSA-298: call gates through the LDT.  Every use of a gate faults
 *     into the hypervisor's emulation (long mode has only 64-bit gates),
 *     which must respect the LDT's limit: a user lcall through a gate
 *     within the entry count enters ring-1 LDT code, but one through a
 *     gate placed beyond the entry count, or through an LDT selector with
 *     no LDT at all (Xen's emulation used to read the "LDT" at linear 0),
 *     must give user space #GP, never a way into ring 1;
 *   - SET_LDT(0, 0) removes it and releases the pages (they can be
 *     mapped writable again).
 */
#include <test.h>
#include <traps.h>
#include <desc.h>

#define D(access, flags) SEG_DESC(0, 0xfffff, access, flags)
#define DATA3 D(0xf2, 0xc)
#define CODE1 D(0xba, 0xc)
#define DATA_NP D(0x72, 0xc)
#define GATE(sel, off, dpl) CALL_GATE(sel, off, dpl, 0)

static uint64_t ldt[512] __attribute__((aligned(4096)));
static uint64_t rw_ldt[512] __attribute__((aligned(4096)));
static uint64_t bad_ldt[512] __attribute__((aligned(4096)));

static long remap(const void *va, bool writable)
{
    uint64_t e[3];
    if (pt_walk((uint32_t)va, e) != 0)
        return -1;
    uint64_t pte = writable ? e[2] | _PAGE_RW : e[2] & ~_PAGE_RW;
    return hypercall4(__HYPERVISOR_update_va_mapping, (long)va, (long)(uint32_t)pte,
                      (long)(pte >> 32), UVMF_INVLPG);
}

static long set_ldt(const void *base, uint32_t ents)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };
    op.arg1.linear_addr = (uint32_t)base;
    op.arg2.nr_ents = ents;
    return hypercall4(__HYPERVISOR_mmuext_op, (long)&op, 1, 0, DOMID_SELF);
}

static int load_es(uint32_t sel)
{
    exc_clear();
    asm volatile (PROBE_PRE "mov %0, %%es" PROBE_POST :: "r" (sel) : "memory");
    asm volatile ("mov %0, %%es" :: "r" (FLAT_RING1_DS));
    return last_exc.count ? (int)last_exc.vector : -1;
}

static uint32_t u_load(void)
{
    uint32_t v = 0;
    exc_clear();
    asm volatile (PROBE_PRE "mov %1, %%es\n\tmov %%es:(%2), %0" PROBE_POST
                  : "+r" (v) : "r" (0x0007), "r" (&ldt[0]) : "memory");
    asm volatile ("mov %0, %%es" :: "r" (FLAT_RING3_DS));
    return last_exc.count ? 0xdead : v;
}

static uint16_t gate_sel;
static uint32_t u_lcall(void)
{
    static struct { uint32_t off; uint16_t sel; } __attribute__((packed)) fp;
    uint32_t cs = 0;
    fp.sel = gate_sel;
    exc_clear();
    asm volatile (PROBE_PRE "lcall *%1" PROBE_POST : "+a" (cs) : "m" (fp) : "memory");
    return last_exc.count ? 0xdead0000 | last_exc.count : cs;
}

/* An LDT call gate from user space: usable within the limit, #GP beyond. */
static void xsa298(const char *what, uint16_t sel, bool usable)
{
    gate_sel = sel;
    uint32_t r = exec_user(u_lcall);
    if (usable)
        CHECK(r == 0x000d, "%s: lcall through gate 0x%x: got 0x%x (%s), expected to "
              "run LDT code 0x000d", what, sel, r, exc_str());
    else
        CHECK(r == 0xdead0001 && last_exc.vector == 13 && last_exc.error == (sel & ~3u) &&
              last_exc.from_user, "%s: lcall through gate 0x%x gave 0x%x, %s (%s)",
              what, sel, r, exc_str(), last_exc.from_user ? "user" : "kernel");
}

void test_main(void)
{
    traps_init();
    user_map_image();

    ldt[0] = DATA3;
    ldt[1] = CODE1;
    ldt[2] = DATA_NP;
    ldt[3] = GATE(0x000d /* LDT code */, (uint32_t)gate_target, 3);
    ldt[0x100] = GATE(0x000d, (uint32_t)gate_target, 3); /* beyond the entry count */
    rw_ldt[0] = DATA3;
    bad_ldt[0] = DATA3;
    bad_ldt[5] = D(0x9a, 0xa);                      /* 64-bit code */
    if (remap(ldt, false) || remap(bad_ldt, false)) {
        test_error("cannot remap the LDT pages read-only");
        return;
    }

    CHECK_RC(set_ldt(ldt, 4), 0, "SET_LDT(ldt, 4)");
    CHECK(load_es(0x0007) < 0, "ES = LDT data: %s", exc_str());
    CHECK(((ldt[3] >> 45) & 3) == 0, "LDT gate not neutered: %016llx",
          (unsigned long long)ldt[3]);
    uint32_t cs;
    asm volatile ("ljmp $0x000d, $1f\n1:\tmov %%cs, %0\n\tljmp %1, $2f\n2:"
                  : "=r" (cs) : "i" (FLAT_RING1_CS) : "memory");
    CHECK(cs == 0x000d, "far jump to LDT code: cs 0x%x", cs);
    CHECK(exec_user(u_load) == (uint32_t)DATA3, "user read through an LDT segment failed");
    CHECK(load_es(0x0015) == 11 && last_exc.error == 0x0014, "not-present LDT entry: %s",
          exc_str());
    CHECK(load_es(0x0027) == 13 && last_exc.error == 0x0024, "LDT entry 4 of 4: %s",
          exc_str());

    /* XSA-298: gates within the limit, beyond it, and with no LDT. */
    xsa298("gate within the LDT", 0x001f, true);
    xsa298("gate beyond the LDT limit", 0x0807, false);
    CHECK_RC(set_ldt(NULL, 0), 0, "SET_LDT(0, 0)");
    xsa298("LDT selector with no LDT", 0x0807, false);
    CHECK(load_es(0x0007) == 13, "LDT selector with no LDT: %s", exc_str());
    /* An LDT at linear 0 (unmapped here): nothing there can be used either. */
    CHECK_RC(set_ldt(NULL, 16), 0, "SET_LDT(0, 16)");
    gate_sel = 0x0007;
    CHECK(exec_user(u_lcall) == 0xdead0001 && last_exc.vector == 14 &&
          last_exc.cr2 == 0 && last_exc.from_user,
          "gate in an LDT at linear 0: got %s cr2 0x%x, expected #PF at 0 from user",
          exc_str(), last_exc.cr2);
    CHECK(load_es(0x0007) == 14 && last_exc.cr2 == 0, "LDT at 0: got %s cr2 0x%x",
          exc_str(), last_exc.cr2);
    CHECK_RC(set_ldt(NULL, 0), 0, "SET_LDT(0, 0)");

    /* A writable LDT page, or a bad descriptor in it: #PF at ldt_base + offset. */
    CHECK_RC(set_ldt(rw_ldt, 1), 0, "SET_LDT(rw_ldt, 1)");
    CHECK(load_es(0x0007) == 14 && last_exc.cr2 == (uint32_t)rw_ldt,
          "writable LDT page: got %s cr2 0x%x, expected #PF at 0x%x", exc_str(),
          last_exc.cr2, (uint32_t)rw_ldt);
    CHECK_RC(set_ldt(bad_ldt, 8), 0, "SET_LDT(bad_ldt, 8)");
    CHECK(load_es(0x0007) == 14 && last_exc.cr2 == (uint32_t)bad_ldt,
          "LDT page with 64-bit code: got %s cr2 0x%x", exc_str(), last_exc.cr2);

    /* Argument checks of MMUEXT_SET_LDT. */
    CHECK_RC(set_ldt((void *)((uint32_t)ldt + 8), 1), -XEN_EINVAL, "unaligned base");
    CHECK_RC(set_ldt(ldt, 8193), -XEN_EINVAL, "8193 entries");
    CHECK_RC(set_ldt((void *)(HYPERVISOR_VIRT_START - 4096), 1024), -XEN_EINVAL,
             "LDT reaching into the hole");

    /* Released: the page can be writable again. */
    CHECK_RC(set_ldt(ldt, 1), 0, "SET_LDT(ldt, 1)");
    CHECK(load_es(0x0007) < 0, "ES = LDT data again: %s", exc_str());
    CHECK(remap(ldt, true) != 0, "an LDT page in use was remapped writable");
    CHECK_RC(set_ldt(NULL, 0), 0, "SET_LDT(0, 0)");
    CHECK_RC(remap(ldt, true), 0, "the released LDT page cannot be made writable");
    test_success();
}
