/*
 * privop: the privileged instructions a ring-1 kernel may have emulated,
 * and the ones it must get #GP for.
 *
 * Emulated from ring 1 (docs/traps.md has the list): MOV from CR0/CR2/CR3/
 * CR4 (CR3 = the running L3's MFN in xen_pfn_to_cr3 form, CR4 = the PV
 * view PAE|OSFXSR|OSXMMEXCPT), MOV to CR2, WBINVD, RDMSR of a few MSRs
 * (TSC, EFER, PAT, MISC_ENABLE, BIOS_SIGN_ID; the msrs test has them all)
 * and WRMSR that changes nothing, MOV to/from debug registers, CLI/STI with a virtual
 * IOPL.  MOV to CR4 as Xen: only the guest's DE bit changes, writes to the
 * hypervisor's bits (PGE, clearing PAE) are dropped and the view stays;
 * debugreg-io has DE.  Refused with #GP(0), and the instruction not
 * executed: MOV to CR3, LIDT/LGDT/LLDT/LTR, INVLPG, INVD, RDPMC, WRMSR to anything else
 * or of another value, RDMSR of an unlisted MSR, an invalid DR7, CLI/STI
 * without IOPL.  From ring 3 nothing but CLI/STI (with IOPL 3) is emulated.
 */
#include <test.h>
#include <traps.h>
#include <public/physdev.h>

#define GP_PROBE(what, insn, ...) do {                                      \
        exc_clear();                                                        \
        asm volatile (PROBE_PRE insn PROBE_POST :: __VA_ARGS__);            \
        CHECK(last_exc.count == 1 && last_exc.vector == 13 &&               \
              last_exc.error == 0 && last_exc.eip == probe_fault,           \
              "%s: got %s (%u exceptions), expected #GP(0)", what,          \
              exc_str(), last_exc.count);                                   \
    } while (0)
#define OK_PROBE(what, insn, ...) do {                                      \
        exc_clear();                                                        \
        asm volatile (PROBE_PRE insn PROBE_POST __VA_ARGS__);               \
        CHECK(last_exc.count == 0, "%s: got %s", what, exc_str());          \
    } while (0)

static uint64_t rdmsr(uint32_t msr, bool *ok)
{
    uint32_t lo = 0, hi = 0;
    exc_clear();
    asm volatile (PROBE_PRE "rdmsr" PROBE_POST : "+a" (lo), "+d" (hi) : "c" (msr) : "memory");
    *ok = last_exc.count == 0;
    return ((uint64_t)hi << 32) | lo;
}

static bool wrmsr(uint32_t msr, uint64_t v)
{
    exc_clear();
    asm volatile (PROBE_PRE "wrmsr" PROBE_POST
                  :: "c" (msr), "a" ((uint32_t)v), "d" ((uint32_t)(v >> 32)) : "memory");
    return last_exc.count == 0;
}

static uint32_t u_cli(void)
{
    exc_clear();
    asm volatile (PROBE_PRE "cli" PROBE_POST ::: "memory");
    return last_exc.count;
}
static uint32_t u_cr0(void)
{
    uint32_t v = 0;
    exc_clear();
    asm volatile (PROBE_PRE "mov %%cr0, %0" PROBE_POST : "+r" (v) :: "memory");
    return last_exc.vector == 13 ? 13 : 0;
}

void test_main(void)
{
    static const struct { uint16_t limit; uint32_t base; } __attribute__((packed)) dtr = { 0, 0 };
    uint32_t cr0, cr2, cr3, cr4, l3_mfn;
    uint64_t e[3], v;
    bool ok;

    traps_init();
    user_map_image();
    if (pt_walk(start_info->pt_base, e) != 0) {
        test_error("cannot find the L3's frame");
        return;
    }
    l3_mfn = PTE_MFN(e[2]);

    OK_PROBE("mov from cr0", "mov %%cr0, %0", : "=r" (cr0) :: "memory");
    CHECK((cr0 & 0x80000001) == 0x80000001, "cr0 0x%x lacks PG|PE", cr0);
    OK_PROBE("mov from cr3", "mov %%cr3, %0", : "=r" (cr3) :: "memory");
    CHECK(cr3 == xen_pfn_to_cr3(l3_mfn), "cr3 0x%x, expected 0x%x (L3 mfn 0x%x)",
          cr3, xen_pfn_to_cr3(l3_mfn), l3_mfn);
    OK_PROBE("mov from cr4", "mov %%cr4, %0", : "=r" (cr4) :: "memory");
    CHECK(cr4 == 0x620, "cr4 0x%x, expected PAE|OSFXSR|OSXMMEXCPT", cr4);
    OK_PROBE("mov to cr2", "mov %0, %%cr2", : : "r" (0x1234f000) : "memory");
    OK_PROBE("mov from cr2", "mov %%cr2, %0", : "=r" (cr2) :: "memory");
    CHECK(cr2 == 0x1234f000, "cr2 0x%x after writing 0x1234f000", cr2);
    OK_PROBE("wbinvd", "wbinvd", ::: "memory");

    GP_PROBE("mov to cr3", "mov %0, %%cr3", "r" (cr3));
    OK_PROBE("mov to cr4", "mov %0, %%cr4", : : "r" (cr4) : "memory");
    OK_PROBE("mov to cr4 with PGE", "mov %0, %%cr4", : : "r" (cr4 | 0x80) : "memory");
    OK_PROBE("mov to cr4 without PAE", "mov %0, %%cr4", : : "r" (cr4 & ~0x20u) : "memory");
    OK_PROBE("mov from cr4", "mov %%cr4, %0", : "=r" (cr4) :: "memory");
    CHECK(cr4 == 0x620, "cr4 0x%x after writes of the hypervisor's bits, expected the unchanged view", cr4);
    GP_PROBE("lidt", "lidt %0", "m" (dtr));
    GP_PROBE("lgdt", "lgdt %0", "m" (dtr));
    GP_PROBE("lldt", "lldt %w0", "r" (0));
    GP_PROBE("ltr", "ltr %w0", "r" (0x28));
    GP_PROBE("invlpg", "invlpg (%0)", "r" (VIRT_BASE));
    GP_PROBE("invd", "invd", "r" (0));
    GP_PROBE("rdpmc", "rdpmc", "c" (0));
    GP_PROBE("mov to dr7 with GD", "mov %0, %%dr7", "r" (1u << 13));
    GP_PROBE("cli without IOPL", "cli", "r" (0));
    GP_PROBE("sti without IOPL", "sti", "r" (0));

    /* MSRs */
    v = rdmsr(0x10, &ok);
    CHECK(ok && v != 0, "rdmsr TSC: ok %d value 0x%llx", ok, (unsigned long long)v);
    v = rdmsr(0xc0000080, &ok);
    CHECK(ok && !(v & 0x500), "rdmsr EFER: ok %d value 0x%llx (LME/LMA must be hidden)",
          ok, (unsigned long long)v);
    uint64_t pat = rdmsr(0x277, &ok);
    CHECK(ok, "rdmsr PAT");
    CHECK(wrmsr(0x277, pat), "wrmsr PAT with its own value refused");
    CHECK(!wrmsr(0x277, pat ^ 1), "wrmsr PAT with another value accepted");
    CHECK(!wrmsr(0x10, 0), "wrmsr TSC accepted");
    /* The microcode-revision probe (write 0) is Intel's, as in Xen. */
    CHECK(wrmsr(0x8b, 0) == cpu_vendor_is("GenuineIntel"), "wrmsr BIOS_SIGN_ID 0");
    rdmsr(0x8b, &ok);
    CHECK(ok, "rdmsr BIOS_SIGN_ID");
    rdmsr(0x1a0, &ok);
    CHECK(ok, "rdmsr MISC_ENABLE");
    rdmsr(0xc0000101, &ok);
    CHECK(!ok && last_exc.vector == 13, "rdmsr GS_BASE: %s", exc_str());
    CHECK(!wrmsr(0xc0000080, 0x901), "wrmsr EFER (LME|SCE|NXE) accepted");
    CHECK(!wrmsr(0x174, 0xe008), "wrmsr SYSENTER_CS accepted");
    rdmsr(0x12345678, &ok);
    CHECK(!ok, "rdmsr of a bogus MSR succeeded");

    /* Debug registers through MOV DR. */
    OK_PROBE("mov to dr0", "mov %0, %%dr0", : : "r" (0x12340000) : "memory");
    CHECK(HYPERVISOR_get_debugreg(0) == 0x12340000, "dr0 via get_debugreg: 0x%lx",
          HYPERVISOR_get_debugreg(0));
    uint32_t dr0 = 0;
    OK_PROBE("mov from dr0", "mov %%dr0, %0", : "+r" (dr0) :: "memory");
    CHECK(dr0 == 0x12340000, "mov from dr0: 0x%x", dr0);
    GP_PROBE("mov to dr1 in the hole", "mov %0, %%dr1", "r" (HYPERVISOR_VIRT_START));

    /* CLI/STI with a virtual IOPL: no-ops in ring 1, refused in ring 3 unless IOPL 3. */
    struct physdev_set_iopl iopl = { 1 };
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl), 0, "set_iopl 1");
    OK_PROBE("cli with IOPL 1", "cli", ::: "memory");
    OK_PROBE("sti with IOPL 1", "sti", ::: "memory");
    CHECK(exec_user(u_cli) == 1 && last_exc.vector == 13, "ring-3 cli with IOPL 1: %s",
          exc_str());
    iopl.iopl = 3;
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl), 0, "set_iopl 3");
    CHECK(exec_user(u_cli) == 0, "ring-3 cli with IOPL 3: %s", exc_str());
    CHECK(exec_user(u_cr0) == 13, "ring-3 mov from cr0 not refused");
    iopl.iopl = 0;
    HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &iopl);
    test_success();
}
