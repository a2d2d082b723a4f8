/*
 * cpuid: the CPUID view of a PV guest (forced-emulation prefix).
 *
 * A ring-1 kernel cannot have its plain CPUID intercepted (no CPUID
 * faulting), so PV-aware code asks through `ud2; .ascii "xen"; cpuid`
 * (fact sheet §7.7), which the hypervisor emulates with its PV policy
 * (hypervisor/arch/x86/cpuid.c).  Checked:
 *  - leaf 0 works (max leaf >= 1, a 12-character vendor);
 *  - the Xen leaves: 0x40000000 = "XenVMMXenVMM" with eax >= 0x40000002,
 *    0x40000001 eax = the XENVER_version value;
 *  - leaf 1 sets the hypervisor bit (ecx 31) and hides what a deprivileged
 *    kernel must not use: ecx MONITOR 3, VMX 5, SMX 6, EST 7, TM2 8, PCID 17,
 *    x2APIC 21, TSC-deadline 24, XSAVE 26, OSXSAVE 27; edx VME 1, DE 2,
 *    PSE 3 (no superpages), MCE 7, MTRR 12, PGE 13 (no GLOBAL entries), MCA 14, PSE36 17, DS 21,
 *    ACPI 22, TM 29, PBE 31;
 *  - leaf 7 hides FSGSBASE 0, SMEP 7, INVPCID 10 and SMAP 20 in ebx;
 *  - the emulated instruction is skipped exactly (execution continues
 *    after the 7 bytes, registers other than eax..edx intact);
 *  - a plain CPUID from ring 1 runs natively without crashing the domain.
 */
#include <test.h>

#define HIDE_1_ECX ((1u << 3) | (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8) | \
            (1u << 17) | (1u << 21) | (1u << 24) | (1u << 26) | (1u << 27))
#define HIDE_1_EDX ((1u << 1) | (1u << 2) | (1u << 3) | (1u << 7) | (1u << 12) | (1u << 13) | \
            (1u << 14) | (1u << 17) | (1u << 21) | (1u << 22) | (1u << 29) | \
            (1u << 31))
#define HIDE_7_EBX ((1u << 0) | (1u << 7) | (1u << 10) | (1u << 20))

void test_main(void)
{
    uint32_t r[4], max;
    char vendor[13];
    uint32_t esi = 0x5a5a1234, edi = 0xa5a54321, esi_out, edi_out;

    cpuid_pv(0, 0, r);
    max = r[0];
    memcpy(vendor, &r[1], 4);
    memcpy(vendor + 4, &r[3], 4);
    memcpy(vendor + 8, &r[2], 4);
    vendor[12] = '\0';
    printf("leaf 0: max 0x%x vendor \"%s\"\n", max, vendor);
    CHECK(max >= 1 && strlen(vendor) == 12, "leaf 0 looks wrong");

    cpuid_pv(0x40000000, 0, r);
    CHECK(r[0] >= 0x40000002, "leaf 0x40000000 eax 0x%x", r[0]);
    CHECK(!memcmp(&r[1], "XenV", 4) && !memcmp(&r[2], "MMXe", 4) &&
          !memcmp(&r[3], "nVMM", 4), "no XenVMMXenVMM signature");
    cpuid_pv(0x40000001, 0, r);
    CHECK(r[0] == (uint32_t)HYPERVISOR_xen_version(XENVER_version, NULL),
          "leaf 0x40000001 eax 0x%x", r[0]);

    cpuid_pv(1, 0, r);
    printf("leaf 1: ecx 0x%08x edx 0x%08x\n", r[2], r[3]);
    CHECK(r[2] & (1u << 31), "hypervisor bit clear");
    CHECK(!(r[2] & HIDE_1_ECX), "leaf 1 ecx shows hidden bits 0x%x", r[2] & HIDE_1_ECX);
    CHECK(!(r[3] & HIDE_1_EDX), "leaf 1 edx shows hidden bits 0x%x", r[3] & HIDE_1_EDX);
    if (max >= 7) {
        cpuid_pv(7, 0, r);
        CHECK(!(r[1] & HIDE_7_EBX), "leaf 7 ebx shows hidden bits 0x%x", r[1] & HIDE_7_EBX);
    }

    /* ESI/EDI must survive the emulation, and EIP must land after it. */
    asm volatile ("ud2; .ascii \"xen\"; cpuid"
              : "=a" (r[0]), "=b" (r[1]), "=c" (r[2]), "=d" (r[3]),
            "=S" (esi_out), "=D" (edi_out)
              : "0" (0), "2" (0), "4" (esi), "5" (edi));
    CHECK(esi_out == esi && edi_out == edi, "ESI/EDI changed by emulated CPUID");

    cpuid_native(0, 0, r);
    printf("native cpuid from ring 1: max leaf 0x%x\n", r[0]);
    test_success();
}
