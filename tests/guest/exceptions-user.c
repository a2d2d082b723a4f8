/*
 * exceptions-user: exceptions raised by guest user space (ring 3) reach the
 * guest kernel on the stack it registered with stack_switch.
 *
 * The image is remapped user-accessible, then each probe runs in ring 3
 * (exec_user: iret hypercall in, int $EXC_RET2KERN back).  For each one
 * the kernel checks the frame the hypervisor wrote (fact sheet §7.2): the
 * vector and error code, EIP, CS = FLAT_RING3_CS, EFLAGS, and -- only
 * from an outer ring -- ESP/SS of the interrupted user code, all written
 * on the registered kernel stack right below kernel_sp (20 bytes, 24 with
 * an error code).  Page-fault error codes must have U/S set, even for the
 * user read of a supervisor-only page (a page table) and of the M2P.
 *
 * Covered: #DE, #DB (single step), #BP, #OF, #BR, #UD, #NM, #GP (CLI and a
 * ring-1 selector load from user mode), #PF (not present, supervisor page,
 * read-only write), #MF, #AC (EFLAGS.AC with CR0.AM; QEMU's TCG does not
 * model alignment checks, so it is only verified where the CPU raises it)
 * and #XM (likewise).
 */
#include <test.h>
#include <traps.h>

#define P PROBE_PRE
#define Q PROBE_POST

static const struct { int32_t lo, hi; } bounds = { 10, 20 };
static const float fzero = 0.0f, fone = 1.0f;
static const uint16_t cw_zm = 0x037b;
static const uint32_t mx_zm = 0x1f80 & ~0x200u, mx_default = 0x1f80;
static uint8_t misaligned[16] __attribute__((aligned(16)));
static uint32_t pt_base;                /* start_info is not user-mapped */

static uint32_t u_de(void)
{ uint32_t a = 1, d = 0; asm volatile (P "divl %2" Q : "+a" (a), "+d" (d) : "r" (0)); return 0; }
static uint32_t u_db(void)
{
    asm volatile ("mov %%esp, probe_sp\n\tmovl $2f, probe_next\n\tpushf\n\t"
                  "orl $0x100, (%%esp)\n\tpopf\n1: nop\n2:\n" EXTABLE(1b, 2b) ::: "cc", "memory");
    return 0;
}
static uint32_t u_bp(void) { asm volatile (P "int3" Q ::: "memory"); return 0; }
static uint32_t u_of(void)
{ uint32_t t = 0x7fffffff; asm volatile ("add $1, %0\n\t" P "into" Q : "+r" (t) :: "cc", "memory"); return 0; }
static uint32_t u_br(void) { asm volatile (P "bound %%eax, %0" Q :: "m" (bounds), "a" (5) : "memory"); return 0; }
static uint32_t u_ud(void) { asm volatile (P "ud2" Q ::: "memory"); return 0; }
static uint32_t u_nm(void) { asm volatile (P "fninit" Q ::: "memory"); return 0; }
static uint32_t u_cli(void) { asm volatile (P "cli" Q ::: "memory"); return 0; }
static uint32_t u_sel(void) { asm volatile (P "mov %0, %%es" Q :: "r" (FLAT_RING1_DS) : "memory"); return 0; }
static uint32_t u_pf_np(void)
{ asm volatile (P "mov 0x10000000, %%eax" Q ::: "eax", "memory"); return 0; }
static uint32_t u_pf_sup(void)
{ asm volatile (P "mov (%0), %%eax" Q :: "r" (pt_base) : "eax", "memory"); return 0; }
static uint32_t u_pf_m2p(void)
{ asm volatile (P "mov (%0), %%eax" Q :: "r" (MACH2PHYS_VIRT_START) : "eax", "memory"); return 0; }
static uint32_t u_mf(void)
{
    asm volatile ("fninit; fldcw %0; fld1; fdivs %1" :: "m" (cw_zm), "m" (fzero));
    asm volatile (P "fwait" Q ::: "memory");
    asm volatile ("fnclex; fninit");
    return 0;
}
static uint32_t u_ac(void)
{
    asm volatile ("pushf; orl $0x40000, (%%esp); popf\n\t" P "mov (%0), %%eax" Q
                  "pushf; andl $~0x40000, (%%esp); popf"
                  :: "r" (misaligned + 1) : "eax", "cc", "memory");
    return 0;
}
static uint32_t u_xm(void)
{
    asm volatile ("ldmxcsr %0; xorps %%xmm1, %%xmm1; movss %1, %%xmm0" :: "m" (mx_zm), "m" (fone));
    asm volatile (P "divss %%xmm1, %%xmm0" Q ::: "memory");
    asm volatile ("ldmxcsr %0" :: "m" (mx_default));
    return 0;
}

static void run(const char *what, uint32_t (*fn)(void), unsigned int vec,
                bool trap, int err, bool optional)
{
    bool has_err = err >= 0;

    exc_clear();
    exec_user(fn);
    if (last_exc.count == 0 && optional) {
        printf("  note: %s not raised by this CPU (QEMU's TCG does not model it)\n", what);
        return;
    }
    if (last_exc.count != 1) {
        test_fail("%s: %u exceptions", what, last_exc.count);
        return;
    }
    CHECK(last_exc.vector == vec, "%s: vector %u, expected %u", what, last_exc.vector, vec);
    if (has_err)
        CHECK(last_exc.error == (uint32_t)err, "%s: error 0x%x, expected 0x%x",
              what, last_exc.error, err);
    CHECK(last_exc.eip == (trap ? probe_next : probe_fault), "%s: eip 0x%x", what,
          last_exc.eip);
    CHECK(last_exc.cs == FLAT_RING3_CS, "%s: cs 0x%x", what, last_exc.cs);
    CHECK(last_exc.from_user, "%s: not from user", what);
    CHECK(last_exc.esp == probe_sp, "%s: esp 0x%x, expected 0x%x", what, last_exc.esp, probe_sp);
    CHECK(last_exc.ss == FLAT_RING3_SS, "%s: ss 0x%x", what, last_exc.ss);
    CHECK(last_exc.frame == exec_user_ksp - (has_err ? 24 : 20),
          "%s: frame at 0x%x, kernel stack top 0x%x", what, last_exc.frame, exec_user_ksp);
    CHECK(!!(last_exc.eflags & 0x200) == !last_exc.saved_mask, "%s: eflags 0x%x mask %u",
          what, last_exc.eflags, last_exc.saved_mask);
}

void test_main(void)
{
    traps_init();
    user_map_image();
    pt_base = start_info->pt_base;
    HYPERVISOR_fpu_taskswitch(0);
    if (va_mapped(0x10000000)) {
        test_error("0x10000000 is mapped");
        return;
    }

    run("#DE", u_de, 0, false, -1, false);
    run("#DB", u_db, 1, true, -1, false);
    run("#BP", u_bp, 3, true, -1, false);
    run("#OF", u_of, 4, true, -1, false);
    run("#BR", u_br, 5, false, -1, false);
    run("#UD", u_ud, 6, false, -1, false);
    HYPERVISOR_fpu_taskswitch(1);
    run("#NM", u_nm, 7, false, -1, false);
    run("#GP cli", u_cli, 13, false, 0, false);
    run("#GP ring-1 selector", u_sel, 13, false, FLAT_RING1_DS & ~3, false);
    run("#PF not present", u_pf_np, 14, false, 4, false);
    CHECK(last_exc.cr2 == 0x10000000, "cr2 0x%x", last_exc.cr2);
    run("#PF supervisor page", u_pf_sup, 14, false, 5, false);
    CHECK(last_exc.cr2 == start_info->pt_base, "cr2 0x%x", last_exc.cr2);
    run("#PF M2P", u_pf_m2p, 14, false, 5, false);
    CHECK(last_exc.cr2 == MACH2PHYS_VIRT_START, "cr2 0x%x", last_exc.cr2);
    run("#MF", u_mf, 16, false, -1, false);
    run("#AC", u_ac, 17, false, 0, true);
    run("#XM", u_xm, 19, false, -1, true);
    test_success();
}
