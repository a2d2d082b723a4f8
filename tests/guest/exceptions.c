/*
 * exceptions: every exception a ring-1 guest kernel can raise reaches its
 * handler through the virtual IDT, with the frame the ABI describes.
 *
 * For each vector the test records ESP just before the instruction and
 * checks, in the frame the hypervisor wrote (fact sheet §7.2): the vector,
 * the error code exactly where the CPU gives one (10-14, 17) and nowhere
 * else, EIP (the instruction for faults, the next one for traps), CS =
 * FLAT_RING1_CS with the saved event mask in bits 23:16, EFLAGS.IF =
 * !saved mask, and the frame's position: right below the interrupted ESP
 * on the same stack (12 bytes, 16 with an error code).  Page faults also
 * need CR2 (read back with the emulated MOV from %cr2) and the error code
 * bits (present, write, user = 0).
 *
 * Covered: #DE, #DB (single step; DR6.BS), #BP, #OF, #BR, #UD, #NM, #GP
 * (bad selector load: error = selector; LGDT: 0), #PF (read and write of
 * an unmapped page, write of a read-only page table), #MF and #XM (where
 * the CPU raises it: QEMU's TCG does not model SIMD exceptions; data
 * breakpoints are in debugreg).  Not here: #AC (ring 3 only: exceptions-user), #NP/#SS (need a
 * guest GDT: descriptors), #TS (no task switches in long mode), #DF/#MC
 * and NMI (never the guest's doing).  The event-mask half runs twice:
 * with events masked (the boot state) and after the iret hypercall has
 * enabled them.
 */
#include <test.h>
#include <traps.h>

#define sp        probe_sp
#define fault_eip probe_fault
#define next_eip  probe_next
#define PRE       PROBE_PRE
#define POST      PROBE_POST
#define OUT       "=m" (probe_sp)

static void check(const char *what, unsigned int vec, bool trap, int err, uint8_t mask)
{
    bool has_err = err >= 0;

    if (last_exc.count == 0) {
        test_fail("%s: no exception", what);
        return;
    }
    CHECK(last_exc.vector == vec, "%s: vector %u, expected %u", what, last_exc.vector, vec);
    if (has_err)
        CHECK(last_exc.error == (uint32_t)err, "%s: error 0x%x, expected 0x%x",
              what, last_exc.error, err);
    CHECK(last_exc.eip == (trap ? next_eip : fault_eip), "%s: eip 0x%x, expected 0x%x",
          what, last_exc.eip, trap ? next_eip : fault_eip);
    CHECK(last_exc.cs == FLAT_RING1_CS, "%s: cs 0x%x", what, last_exc.cs);
    CHECK(last_exc.saved_mask == mask, "%s: saved mask %u, expected %u", what,
          last_exc.saved_mask, mask);
    CHECK(!!(last_exc.eflags & 0x200) == !mask, "%s: eflags 0x%x with mask %u",
          what, last_exc.eflags, mask);
    CHECK(last_exc.frame == sp - (has_err ? 16 : 12), "%s: frame at 0x%x, esp was 0x%x",
          what, last_exc.frame, sp);
    CHECK(!last_exc.from_user, "%s: frame says user mode", what);
}

static void run_all(uint8_t mask)
{
    static const struct { int32_t lo, hi; } bounds = { 10, 20 };
    static const float one = 1.0f, zero = 0.0f;
    static const uint32_t mx_zm = 0x1f80 & ~0x200u, mx_default = 0x1f80;
    static const uint16_t cw = 0x037b;  /* #MF: unmask divide by zero */
    uint32_t q = 1, r = 0, t = 0x7fffffff, mx;

    exc_clear();
    asm volatile (PRE "divl %[z]" POST : OUT, "+a" (q), "+d" (r) : [z] "r" (0));
    check("#DE", 0, false, -1, mask);

    exc_clear();
    HYPERVISOR_set_debugreg(6, 0);
    asm volatile ("mov %%esp, probe_sp\n\tmovl $2f, probe_next\n\tpushf\n\t"
                  "orl $0x100, (%%esp)\n\tpopf\n1: nop\n2:\n" EXTABLE(1b, 2b)
                  ::: "cc", "memory");
    check("#DB single step", 1, true, -1, mask);
    CHECK(HYPERVISOR_get_debugreg(6) & (1 << 14), "#DB: DR6.BS not set (dr6 0x%lx)",
          HYPERVISOR_get_debugreg(6));

    exc_clear();
    asm volatile (PRE "int3" POST : OUT);
    check("#BP", 3, true, -1, mask);

    exc_clear();
    asm volatile ("add $1, %[t]\n\t" PRE "into" POST : OUT, [t] "+r" (t) :: "cc");
    check("#OF", 4, true, -1, mask);

    exc_clear();
    asm volatile (PRE "bound %%eax, %[b]" POST : OUT : [b] "m" (bounds), "a" (5));
    check("#BR", 5, false, -1, mask);

    exc_clear();
    asm volatile (PRE "ud2" POST : OUT);
    check("#UD", 6, false, -1, mask);

    exc_clear();
    HYPERVISOR_fpu_taskswitch(1);
    asm volatile (PRE "fninit" POST : OUT);
    check("#NM", 7, false, -1, mask);
    exc_clear();
    asm volatile ("fninit; fld1; fstp %%st(0)" ::: "memory");
    CHECK(last_exc.count == 0, "#NM again after the handler: the hypervisor "
          "must clear the virtual TS when it delivers #NM");

    exc_clear();
    asm volatile (PRE "mov %[s], %%ds" POST : OUT : [s] "r" (0xe011));
    check("#GP selector", 13, false, 0xe010, mask);

    exc_clear();
    asm volatile (PRE "lgdt %[m]" POST : OUT : [m] "m" (bounds));
    check("#GP lgdt", 13, false, 0, mask);

    exc_clear();
    asm volatile (PRE "mov %[a], %%eax" POST : OUT
                  : [a] "m" (*(volatile uint32_t *)0x10000000) : "eax");
    check("#PF read", 14, false, 0, mask);
    CHECK(last_exc.cr2 == 0x10000000, "#PF read: cr2 0x%x", last_exc.cr2);

    exc_clear();
    asm volatile (PRE "movl $0, %[a]" POST : OUT, [a] "=m" (*(volatile uint32_t *)0x10000ffc));
    check("#PF write", 14, false, 2, mask);
    CHECK(last_exc.cr2 == 0x10000ffc, "#PF write: cr2 0x%x", last_exc.cr2);

    exc_clear();
    asm volatile (PRE "orl $0, %[a]" POST : OUT,
                  [a] "+m" (*(volatile uint32_t *)start_info->pt_base) :: "cc");
    check("#PF read-only page table", 14, false, 3, mask);
    CHECK(last_exc.cr2 == start_info->pt_base, "#PF ro: cr2 0x%x", last_exc.cr2);

    exc_clear();
    asm volatile ("fninit; fldcw %0; fld1; fdivs %1" :: "m" (cw), "m" (zero));
    asm volatile (PRE "fwait" POST : OUT);
    check("#MF", 16, false, -1, mask);
    asm volatile ("fnclex; fninit");

    exc_clear();
    asm volatile ("ldmxcsr %0; xorps %%xmm1, %%xmm1; movss %1, %%xmm0"
                  :: "m" (mx_zm), "m" (one));
    asm volatile (PRE "divss %%xmm1, %%xmm0" POST : OUT);
    asm volatile ("stmxcsr %0" : "=m" (mx));
    if (last_exc.count == 0 && (mx & 4))
        printf("  note: the CPU set MXCSR.ZE without raising #XM (QEMU's TCG "
               "does not model SIMD exceptions); #XM not checked\n");
    else
        check("#XM", 19, false, -1, mask);
    asm volatile ("ldmxcsr %0" :: "m" (mx_default));
}

void test_main(void)
{
    uint64_t e[3];

    traps_init();
    HYPERVISOR_fpu_taskswitch(0);
    if (va_mapped(0x10000000) || pt_walk(start_info->pt_base, e) != 0) {
        test_error("cannot find an unmapped page or the L3's mapping");
        return;
    }
    printf("events masked:\n");
    run_all(1);
    iret_event_mask(false);
    printf("events enabled:\n");
    run_all(0);
    test_success();
}
