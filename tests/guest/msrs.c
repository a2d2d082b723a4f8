/*
 * msrs: RDMSR and WRMSR from a PV kernel answered as Xen's PV policy
 * answers them, and CPUID faulting.
 *
 * Each MSR of a table is read and written and the result -- a value, a
 * value of a given shape, or #GP(0) -- compared with what Xen gives a PV
 * guest on this CPU's vendor: write-only and read-only MSRs fault on the
 * wrong access, the "not offered" ones (TSX, CET, PPIN, processor trace,
 * ARCH_CAPABILITIES, SPEC_CTRL -- hidden by the CPUID view -- x2APIC, the
 * 64-bit segment bases) always fault, FEATURE_CONTROL is locked with
 * nothing enabled (Intel), EFER shows no long-mode bits, MISC_ENABLE has
 * BTS/PEBS unavailable and xTPR disabled, performance counters read zero
 * and drop writes (no vPMU), MCG_CAP reports no banks and the banks fault,
 * unknown MSRs fault both ways.  MSR 0x40000000 fills a hypercall page in
 * the frame written to it (refusing an offset, a page table, a frame not
 * ours).
 *
 * CPUID faulting: PLATFORM_INFO bit 31 says whether it is offered --
 * never to the control domain, else when the CPU has it (or, testing only,
 * with force_cpuid_faulting); guest=expect_faulting=0|1 says which to
 * expect.  Offered: MISC_FEATURES_ENABLES bit 0 reads back, CPUID (the
 * forced-emulation form) from ring 3 then raises #GP(0) at its first byte
 * while ring 1 still gets the PV view, and clearing the bit lets ring 3
 * have it again.  Not offered: setting the bit is #GP(0), writing 0 is
 * fine.
 */
#include <test.h>
#include <traps.h>
#include <pt.h>

static bool intel, amd;

static uint64_t rd(uint32_t msr, bool *ok)
{
    uint32_t lo = 0, hi = 0;
    exc_clear();
    asm volatile (PROBE_PRE "rdmsr" PROBE_POST : "+a" (lo), "+d" (hi) : "c" (msr) : "memory");
    *ok = last_exc.count == 0;
    if (!*ok && (last_exc.vector != 13 || last_exc.error != 0))
        test_fail("rdmsr 0x%x: %s, expected #GP(0) or nothing", msr, exc_str());
    return ((uint64_t)hi << 32) | lo;
}

static bool wr(uint32_t msr, uint64_t v)
{
    exc_clear();
    asm volatile (PROBE_PRE "wrmsr" PROBE_POST
                  :: "c" (msr), "a" ((uint32_t)v), "d" ((uint32_t)(v >> 32)) : "memory");
    if (last_exc.count && (last_exc.vector != 13 || last_exc.error != 0))
        test_fail("wrmsr 0x%x: %s, expected #GP(0) or nothing", msr, exc_str());
    return last_exc.count == 0;
}

#define GP_READ(msr)  do { bool ok_; rd(msr, &ok_); \
        CHECK(!ok_, "rdmsr 0x%x succeeded, expected #GP", (unsigned)(msr)); } while (0)
#define GP_WRITE(msr, v) CHECK(!wr(msr, v), "wrmsr 0x%x succeeded, expected #GP", (unsigned)(msr))
#define READS(msr, want) do { bool ok_; uint64_t v_ = rd(msr, &ok_); \
        CHECK(ok_ && v_ == (want), "rdmsr 0x%x: ok %d value 0x%llx, expected 0x%llx", \
              (unsigned)(msr), ok_, (unsigned long long)v_, (unsigned long long)(want)); } while (0)

static void table(void)
{
    bool ok;
    uint64_t v;

    /* Always #GP both ways: not offered to guests. */
    static const uint32_t never[] = {
        0x033, 0x048, 0x049, 0x04e, 0x04f, 0x0cf, 0x10a, 0x10b, 0x10f, 0x122, 0x123,
        0x560, 0x6a0, 0x6a2, 0x6a4, 0x802, 0x8ff, 0xc0000100, 0xc0000101, 0xc0000102,
        0xc00102f0, 0xc0000105, 0x17b, 0x400, 0x401, 0x47f, 0x4d0, 0x12345678, 0xffffffff,
        0x40000001,
    };
    for (unsigned int i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
        GP_READ(never[i]);
        GP_WRITE(never[i], 0);
    }
    /* Write-only: reading faults. */
    GP_READ(0x079);
    GP_READ(0xc0010020);
    GP_READ(0x40000000);
    GP_WRITE(0x079, 0);
    GP_WRITE(0xc0010020, 0);
    /* Read-only. */
    GP_WRITE(0x0ce, 0);
    GP_WRITE(0x017, 0);
    GP_WRITE(0x010, 0);

    v = rd(0x10, &ok);
    CHECK(ok && v, "TSC");
    v = rd(0xc0000080, &ok);
    CHECK(ok && !(v & ~((1ull << 0) | (1ull << 11) | (1ull << 14))),
          "EFER 0x%llx: only SCE/NXE/FFXSE may show", (unsigned long long)v);
    if (intel)
        CHECK(!(v & 1), "EFER.SCE shown on Intel");
    CHECK(wr(0xc0000080, v), "EFER rewritten with its value");
    GP_WRITE(0xc0000080, v ^ (1ull << 8));
    v = rd(0x1a0, &ok);
    if (ok)
        CHECK((v & ((1ull << 11) | (1ull << 12) | (1ull << 23))) == ((1ull << 11) | (1ull << 12) | (1ull << 23)) &&
              !(v & ((1ull << 7) | (1ull << 18))), "MISC_ENABLE 0x%llx", (unsigned long long)v);
    CHECK(!ok || wr(0x1a0, v), "MISC_ENABLE rewritten with its value");
    GP_WRITE(0x1a0, v ^ (1ull << 3));
    v = rd(0x277, &ok);
    CHECK(ok && v, "PAT");
    CHECK(wr(0x277, v), "PAT rewritten with its value");
    GP_WRITE(0x277, v ^ 1);
    READS(0x345, 0);                        /* PERF_CAPABILITIES */
    READS(0x179, 0);                        /* MCG_CAP: no banks */
    READS(0x17a, 0);                        /* MCG_STATUS */
    READS(0x140, 0);                        /* MISC_FEATURES_ENABLES */

    if (intel) {
        rd(0x17, &ok);
        CHECK(ok, "PLATFORM_ID on Intel");
        READS(0x3a, 1);                     /* FEATURE_CONTROL: locked */
        CHECK(wr(0x8b, 0), "UCODE_REV write 0 on Intel");
        GP_WRITE(0x8b, 1);
        READS(0x198, 0);
        READS(0x199, 0);
        CHECK(wr(0x199, 5), "PERF_CTL write dropped");
        READS(0x19c, 0);
        READS(0xc1, 0);                     /* PMU: RAZ/WI */
        CHECK(wr(0x186, 0x12345), "EVNTSEL0 write dropped");
        READS(0x186, 0);
        GP_READ(0xc0010015);                /* AMD's: #GP on Intel */
        GP_READ(0xc0011029);
    } else if (amd) {
        GP_READ(0x17);
        GP_READ(0x3a);
        GP_WRITE(0x8b, 0);
        rd(0x8b, &ok);
        CHECK(ok, "PATCHLEVEL on AMD");
        GP_READ(0x198);
        GP_READ(0x19c);
        READS(0xc0010015, 0);               /* HWCR */
        READS(0xc0011029, 2);               /* DE_CFG: LFENCE serialising */
        CHECK(wr(0xc0011029, 0), "DE_CFG write dropped");
        READS(0xc0010004, 0);               /* K7 PERFCTR0 */
        CHECK(wr(0xc0010000, 0x1234), "K7 EVNTSEL0 write dropped");
        READS(0xc0010000, 0);
        rd(0xc0010010, &ok);                /* SYSCFG: the hardware domain only */
        CHECK(ok == !!(start_info->flags & SIF_PRIVILEGED), "SYSCFG read ok %d", ok);
        GP_READ(0x186);                     /* Intel's PMU: #GP on AMD */
    } else {
        test_skip("neither Intel nor AMD: vendor-specific MSRs not checked");
    }
}

static void hypercall_page_msr(void)
{
    uint32_t mfn = spare_frame();

    CHECK(wr(0x40000000, (uint64_t)mfn << 12), "MSR 0x40000000 with a frame of ours");
    const uint8_t *p = scratch_map(4, mfn, _PAGE_PRESENT | _PAGE_ACCESSED);
    CHECK(!memcmp(p + 32 * 17, "\xb8\x11\x00\x00\x00\xcd\x82\xc3", 8),
          "slot 17 of the page: %02x %02x %02x", p[32 * 17], p[32 * 17 + 5], p[32 * 17 + 7]);
    CHECK(!memcmp(p + 32 * 23, "\x50\xb8\x17\x00\x00\x00\xcd\x82", 8), "iret slot");
    CHECK(p[32 * 23 + 8] == 0xcc && p[4095] == 0xcc, "padding not int3");
    scratch_restore(4);
    GP_WRITE(0x40000000, ((uint64_t)mfn << 12) | 1);
    GP_WRITE(0x40000000, (uint64_t)current_l3_mfn() << 12);
    GP_WRITE(0x40000000, 0);
    GP_WRITE(0x40000000, 0x7ffffff000ull);
}

static volatile uint32_t user_eax;
static uint32_t u_cpuid(void)
{
    uint32_t r[4] = { 0 };
    exc_clear();
    cpuid_pv(0, 0, r);
    user_eax = r[0];
    return last_exc.count;
}

static bool cpuid_gp_hook(struct exc_frame *f)
{
    /* The #GP comes at the ud2: step over the whole forced-emulation form. */
    f->eip += 7;
    return true;
}

static void faulting(bool expect)
{
    bool ok;
    uint64_t pi = rd(0xce, &ok);

    CHECK(ok, "PLATFORM_INFO read");
    CHECK(!!(pi & (1ull << 31)) == expect, "PLATFORM_INFO 0x%llx, CPUID faulting expected %d",
          (unsigned long long)pi, expect);
    CHECK(wr(0x140, 0), "MISC_FEATURES_ENABLES = 0");
    GP_WRITE(0x140, 2);
    GP_WRITE(0x140, 1ull << 32);
    if (!expect) {
        GP_WRITE(0x140, 1);
        READS(0x140, 0);
        return;
    }
    CHECK(wr(0x140, 1), "enable CPUID faulting");
    READS(0x140, 1);
    exc_hook[13] = cpuid_gp_hook;
    CHECK(exec_user(u_cpuid) == 1 && last_exc.vector == 13 && last_exc.error == 0 &&
          last_exc.from_user, "CPUID from ring 3 with faulting: %s", exc_str());
    uint32_t r[4] = { 0 };
    exc_clear();
    cpuid_pv(0, 0, r);
    CHECK(last_exc.count == 0 && r[0] >= 1, "ring-1 CPUID with faulting: %s", exc_str());
    CHECK(wr(0x140, 0), "disable CPUID faulting");
    user_eax = 0;
    CHECK(exec_user(u_cpuid) == 0 && user_eax == r[0], "CPUID from ring 3 without faulting");
    exc_hook[13] = NULL;
}

void test_main(void)
{
    const char *e = cmdline_value((const char *)start_info->cmd_line, "expect_faulting");

    traps_init();
    user_map_image();
    intel = cpu_vendor_is("GenuineIntel");
    amd = cpu_vendor_is("AuthenticAMD");
    table();
    hypercall_page_msr();
    faulting(e && *e == '1');
    test_success();
}
