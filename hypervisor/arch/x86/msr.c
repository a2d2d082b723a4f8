/*
 * Model-specific registers as a PV guest sees them: RDMSR and WRMSR from
 * the guest kernel trap (#GP) and arrive here through emulate.c, and the
 * answer follows Xen's PV policy (its guest_rdmsr/guest_wrmsr and the PV
 * emulator's read_msr/write_msr), given the CPU vendor and the CPUID view
 * Mica gives guests (cpuid.c):
 *
 *   read-only / write-only / not offered   #GP on the wrong access
 *   TSC                                    the TSC; writes refused
 *   EFER                                   the host's SCE/NXE (SCE hidden
 *                                          on Intel), never LME/LMA/SVME;
 *                                          writes that change nothing pass
 *   MISC_ENABLE                            the host's, PERF/MONITOR hidden,
 *                                          BTS/PEBS unavailable and xTPR
 *                                          disabled; unchanged writes pass
 *   PAT                                    the host's (an ABI with PV
 *                                          guests); unchanged writes pass
 *   PLATFORM_ID, UCODE_REV                 the host's (Intel; the latter
 *                                          AMD too); UCODE_REV takes the
 *                                          "write 0" probe on Intel
 *   FEATURE_CONTROL                        locked, nothing enabled (Intel)
 *   PLATFORM_INFO, MISC_FEATURES_ENABLES   CPUID faulting (below)
 *   PERF_STATUS/CTL, THERM_STATUS          read as zero, writes dropped
 *   performance counters (vPMU off)        read as zero, writes dropped
 *   MCG_CAP, MCG_STATUS                    zero: no machine-check banks
 *                                          are offered (cpuid.c hides MCE/
 *                                          MCA); the banks' MSRs are #GP
 *   AMD HWCR, DE_CFG, K8 system registers  zero, LFENCE_SERIALISE; the
 *                                          hardware domain reads SYSCFG
 *   0x40000000                             write: fill a hypercall page in
 *                                          the frame named (Xen's hypervisor
 *                                          MSR, CPUID leaf 0x40000002)
 *   everything else                        #GP (Xen since 4.15)
 *
 * CPUID faulting.  On a CPU that has it (PLATFORM_INFO bit 31), a PV
 * guest other than the control domain is offered it, as in Xen: reading
 * PLATFORM_INFO says so, and setting bit 0 of MISC_FEATURES_ENABLES makes
 * CPUID from the guest's user space fault (#GP) -- the native instruction
 * through the CPU's own faulting, switched per vCPU, and the forced-
 * emulation form ("ud2; xen; cpuid") in cpuid.c -- while the guest kernel's
 * CPUID is emulated with the PV view.  Without the CPU feature it is not
 * offered (bit 31 clear, setting bit 0 is #GP), which is what Xen does
 * there.  The boot option force_cpuid_faulting (testing only) offers it
 * anyway: only the forced-emulation form can fault then.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/mm.h>
#include <mica/printk.h>
#include <asm/x86.h>
#include <asm/pv.h>
#include <asm/page.h>
#include <asm/mm_arch.h>
#include <mica/pv_image.h>

#define MSR_TSC                 0x010
#define MSR_PLATFORM_ID         0x017
#define MSR_FEATURE_CONTROL     0x03a
#define MSR_TEST_CTRL           0x033
#define MSR_SPEC_CTRL           0x048
#define MSR_PRED_CMD            0x049
#define MSR_PPIN_CTL            0x04e
#define MSR_PPIN                0x04f
#define MSR_UCODE_WRITE         0x079
#define MSR_UCODE_REV           0x08b   /* = AMD PATCHLEVEL */
#define MSR_P6_PERFCTR0         0x0c1
#define MSR_PLATFORM_INFO       0x0ce
#define MSR_CORE_CAPABILITIES   0x0cf
#define MSR_ARCH_CAPABILITIES   0x10a
#define MSR_FLUSH_CMD           0x10b
#define MSR_TSX_FORCE_ABORT     0x10f
#define MSR_TSX_CTRL            0x122
#define MSR_MCU_OPT_CTRL        0x123
#define MSR_MISC_FEATURES       0x140
#define MSR_MCG_CAP             0x179
#define MSR_MCG_STATUS          0x17a
#define MSR_MCG_CTL             0x17b
#define MSR_P6_EVNTSEL0         0x186
#define MSR_PERF_STATUS         0x198
#define MSR_PERF_CTL            0x199
#define MSR_THERM_STATUS        0x19c
#define MSR_MISC_ENABLE         0x1a0
#define MSR_PAT                 0x277
#define MSR_CORE_PERF_FIXED0    0x309
#define MSR_PERF_CAPABILITIES   0x345
#define MSR_CORE_PERF_FIXED_CTL 0x38d
#define MSR_CORE_PERF_GLOBAL_OVF 0x390
#define MSR_XEN_HYPERCALL_PAGE  0x40000000
#define MSR_FS_BASE             0xc0000100
#define MSR_SHADOW_GS_BASE      0xc0000102
#define MSR_K7_EVNTSEL0         0xc0010000
#define MSR_K7_PERFCTR3         0xc0010007
#define MSR_K8_SYSCFG           0xc0010010
#define MSR_K8_HWCR             0xc0010015
#define MSR_AMD_PATCHLOADER     0xc0010020
#define MSR_FAM15H_EVNTSEL0     0xc0010200
#define MSR_FAM15H_PERFCTR5     0xc001020b
#define MSR_AMD64_DE_CFG        0xc0011029

#define PLATFORM_INFO_CPUID_FAULTING (1ULL << 31)
#define MISC_FEATURES_CPUID_FAULTING (1ULL << 0)
#define MISC_ENABLE_PERF_AVAIL  (1ULL << 7)
#define MISC_ENABLE_BTS_UNAVAIL (1ULL << 11)
#define MISC_ENABLE_PEBS_UNAVAIL (1ULL << 12)
#define MISC_ENABLE_MONITOR     (1ULL << 18)
#define MISC_ENABLE_XTPR_DISABLE (1ULL << 23)
#define EFER_SVME               (1ULL << 12)
#define EFER_FFXSE              (1ULL << 14)
#define SYSCFG_GUEST_MASK       ((1ULL << 22) | (1ULL << 21) | (1ULL << 20) | (1ULL << 19))
#define DE_CFG_LFENCE_SERIALISE (1ULL << 1)

enum { VENDOR_OTHER, VENDOR_INTEL, VENDOR_AMD, VENDOR_CENTAUR, VENDOR_HYGON };

static unsigned int vendor;
static bool cpu_has_cpuid_faulting;
bool opt_force_cpuid_faulting;
static bool hw_faulting_on;             /* MISC_FEATURES_ENABLES bit 0 now */

void msr_init(void)
{
    uint32_t a, b, c, d;
    uint64_t pi, mf;

    cpuid_count(0, 0, &a, &b, &c, &d);
    if (b == 0x756e6547 && d == 0x49656e69 && c == 0x6c65746e)        /* GenuineIntel */
        vendor = VENDOR_INTEL;
    else if (b == 0x68747541 && d == 0x69746e65 && c == 0x444d4163)   /* AuthenticAMD */
        vendor = VENDOR_AMD;
    else if (b == 0x6f677948 && d == 0x656e6975 && c == 0x6e65476e)   /* HygonGenuine */
        vendor = VENDOR_HYGON;
    else if ((b == 0x746e6543 && d == 0x48727561 && c == 0x736c7561) || /* CentaurHauls */
             (b == 0x68532020 && d == 0x68676e61 && c == 0x20206961))   /* "  Shanghai  " */
        vendor = VENDOR_CENTAUR;
    cpu_has_cpuid_faulting = !rdmsr_safe(MSR_PLATFORM_INFO, &pi) &&
                             (pi & PLATFORM_INFO_CPUID_FAULTING) &&
                             !rdmsr_safe(MSR_MISC_FEATURES, &mf);
    pr_info("MSRs: %s CPU, CPUID faulting %s\n",
            vendor == VENDOR_INTEL ? "Intel" : vendor == VENDOR_AMD ? "AMD" :
            vendor == VENDOR_HYGON ? "Hygon" : vendor == VENDOR_CENTAUR ? "Centaur" : "other",
            cpu_has_cpuid_faulting ? "available" :
            opt_force_cpuid_faulting ? "offered without hardware support (force_cpuid_faulting)" :
            "not available");
}

/* Offered to d?  Never to the control domain (Xen's default). */
static bool faulting_offered(const struct domain *d)
{
    return !d->is_privileged && (cpu_has_cpuid_faulting || opt_force_cpuid_faulting);
}

void msr_ctxt_switch(struct vcpu *v)
{
    bool want = cpu_has_cpuid_faulting && v->cpuid_faulting;

    if (want != hw_faulting_on) {
        wrmsr(MSR_MISC_FEATURES, want ? MISC_FEATURES_CPUID_FAULTING : 0);
        hw_faulting_on = want;
    }
}

static bool is_intel_like(void) { return vendor == VENDOR_INTEL || vendor == VENDOR_CENTAUR; }
static bool is_amd_like(void) { return vendor == VENDOR_AMD || vendor == VENDOR_HYGON; }

/* The performance-counter MSRs of the vendor's PMU (vPMU off: RAZ/WI). */
static bool is_pmu_msr(uint32_t msr)
{
    if (vendor == VENDOR_INTEL)
        return (msr >= MSR_P6_PERFCTR0 && msr < MSR_P6_PERFCTR0 + 8) ||
               (msr >= MSR_P6_EVNTSEL0 && msr < MSR_P6_EVNTSEL0 + 8) ||
               (msr >= MSR_CORE_PERF_FIXED0 && msr <= MSR_CORE_PERF_FIXED0 + 2) ||
               (msr >= MSR_CORE_PERF_FIXED_CTL && msr <= MSR_CORE_PERF_GLOBAL_OVF);
    if (is_amd_like())
        return (msr >= MSR_K7_EVNTSEL0 && msr <= MSR_K7_PERFCTR3) ||
               (msr >= MSR_FAM15H_EVNTSEL0 && msr <= MSR_FAM15H_PERFCTR5);
    return false;
}

/* MSRs no guest may touch either way (Xen's "not offered" and the 64-bit
 * guests' segment bases). */
static bool never(uint32_t msr)
{
    switch (msr) {
    case MSR_TEST_CTRL: case MSR_CORE_CAPABILITIES: case MSR_TSX_FORCE_ABORT:
    case MSR_TSX_CTRL: case MSR_MCU_OPT_CTRL: case MSR_PPIN_CTL: case MSR_PPIN:
    case MSR_ARCH_CAPABILITIES: case MSR_SPEC_CTRL: case MSR_PRED_CMD:
    case MSR_FLUSH_CMD:
    case 0xc00102f0: case 0xc00102f1:           /* AMD PPIN */
    case 0xc0000105: case 0xc0000106:           /* AMD LWP */
        return true;
    }
    return (msr >= 0x560 && msr <= 0x58f) ||    /* processor trace */
           (msr >= 0x6a0 && msr <= 0x6a8) ||    /* CET */
           (msr >= 0x800 && msr <= 0x8ff) ||    /* x2APIC: not for PV */
           (msr >= MSR_FS_BASE && msr <= MSR_SHADOW_GS_BASE);
}

static uint64_t guest_efer(void)
{
    uint64_t efer = rdmsr(MSR_EFER) & (EFER_SCE | EFER_NXE | EFER_FFXSE);

    /* SCE's meaning is vendor-dependent for a 32-bit guest: Xen hides it on Intel. */
    return vendor == VENDOR_INTEL ? efer & ~EFER_SCE : efer;
}

static bool guest_misc_enable(uint64_t *val)
{
    if (rdmsr_safe(MSR_MISC_ENABLE, val))
        return false;
    *val &= ~(MISC_ENABLE_PERF_AVAIL | MISC_ENABLE_MONITOR);
    *val |= MISC_ENABLE_BTS_UNAVAIL | MISC_ENABLE_PEBS_UNAVAIL | MISC_ENABLE_XTPR_DISABLE;
    return true;
}

bool pv_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val)
{
    if (never(msr) || msr == MSR_UCODE_WRITE || msr == MSR_AMD_PATCHLOADER)
        return false;
    if (is_pmu_msr(msr) || msr == MSR_PERF_CAPABILITIES) {
        *val = 0;
        return true;
    }
    switch (msr) {
    case MSR_TSC:
        *val = rdtsc();
        return true;
    case MSR_EFER:
        *val = guest_efer();
        return true;
    case MSR_MISC_ENABLE:
        return guest_misc_enable(val);
    case MSR_PAT:
        return !rdmsr_safe(MSR_PAT, val);
    case MSR_PLATFORM_ID:
        return vendor == VENDOR_INTEL && !rdmsr_safe(MSR_PLATFORM_ID, val);
    case MSR_UCODE_REV:
        return (vendor == VENDOR_INTEL || vendor == VENDOR_AMD) &&
               !rdmsr_safe(MSR_UCODE_REV, val);
    case MSR_FEATURE_CONTROL:
        if (!is_intel_like())
            return false;
        *val = 1;                                   /* locked, nothing enabled */
        return true;
    case MSR_PLATFORM_INFO:
        *val = faulting_offered(v->domain) ? PLATFORM_INFO_CPUID_FAULTING : 0;
        return true;
    case MSR_MISC_FEATURES:
        *val = v->cpuid_faulting ? MISC_FEATURES_CPUID_FAULTING : 0;
        return true;
    case MSR_MCG_CAP:
    case MSR_MCG_STATUS:
        *val = 0;                                   /* no banks, nothing pending */
        return true;
    case MSR_PERF_STATUS:
    case MSR_PERF_CTL:
        if (!is_intel_like())
            return false;
        *val = 0;
        return true;
    case MSR_THERM_STATUS:
        if (vendor != VENDOR_INTEL)
            return false;
        *val = 0;
        return true;
    case MSR_K8_HWCR:
        if (!is_amd_like())
            return false;
        *val = 0;
        return true;
    case MSR_AMD64_DE_CFG:
        if (!is_amd_like())
            return false;
        *val = DE_CFG_LFENCE_SERIALISE;
        return true;
    case MSR_K8_SYSCFG:
        if (!is_amd_like() || !v->domain->is_privileged || rdmsr_safe(msr, val))
            return false;
        *val &= SYSCFG_GUEST_MASK;
        return true;
    default:
        return false;                               /* Xen >= 4.15: #GP */
    }
}

/* MSR 0x40000000: fill a hypercall page in frame (val >> 12), offset 0. */
static bool write_hypercall_page(struct vcpu *v, uint64_t val)
{
    unsigned long mfn = (unsigned long)(val >> PAGE_SHIFT);
    struct page_info *pg;

    if ((val & (PAGE_SIZE - 1)) || !mfn_valid(mfn) ||
        get_page_and_type(pg = mfn_to_page(mfn), v->domain, PGT_writable_page))
        return false;
    pv_hypercall_page(map_frame(mfn));
    put_page_and_type(pg);
    return true;
}

bool pv_msr_write(struct vcpu *v, uint32_t msr, uint64_t val)
{
    uint64_t cur;

    if (never(msr) || msr == MSR_PLATFORM_ID || msr == MSR_PLATFORM_INFO ||
        msr == MSR_AMD_PATCHLOADER || msr == MSR_UCODE_WRITE || msr == MSR_TSC)
        return false;
    if (is_pmu_msr(msr))
        return true;                                /* vPMU off: dropped */
    switch (msr) {
    case MSR_UCODE_REV:
        /* Intel's "write 0, CPUID, read" probe of the microcode revision. */
        return vendor == VENDOR_INTEL && val == 0;
    case MSR_MISC_FEATURES:
        if (val & ~(faulting_offered(v->domain) ? MISC_FEATURES_CPUID_FAULTING : 0))
            return false;
        v->cpuid_faulting = val & MISC_FEATURES_CPUID_FAULTING;
        if (v == current)
            msr_ctxt_switch(v);
        return true;
    case MSR_PERF_CTL:
        return is_intel_like();                     /* dropped */
    case MSR_EFER:
        return val == guest_efer();
    case MSR_MISC_ENABLE:
        return guest_misc_enable(&cur) && val == cur;
    case MSR_PAT:
        return !rdmsr_safe(MSR_PAT, &cur) && val == cur;
    case MSR_AMD64_DE_CFG:
        return is_amd_like();                       /* dropped (OpenBSD writes it) */
    case MSR_XEN_HYPERCALL_PAGE:
        return write_hypercall_page(v, val);
    default:
        return false;
    }
}

/*
 * CPUID reached us by the CPU's faulting (#GP) or by the forced-emulation
 * form: may the vCPU have it, or does its user space get #GP?
 */
bool pv_cpuid_faults(const struct vcpu *v, const struct cpu_regs *r)
{
    return v->cpuid_faulting && guest_ring(r) != 1;
}
