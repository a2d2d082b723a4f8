/*
 * debugreg-io: the debug-register corners of Xen's PV interface -- the
 * guest's virtual CR4.DE, I/O breakpoints, DR6 reporting, single steps
 * across a hypercall and across a bounce, and a #DB held back by MOV SS.
 *
 *   - CR4 reads the PV view; a MOV to CR4 changes only DE and TSD (the
 *     other bits are the hypervisor's: writing them changes nothing, no
 *     fault); with TSD, RDTSC works in ring 1 (emulated) and is #GP(0) in
 *     ring 3, as on Xen;
 *   - CR4.DE clear: DR4/DR5 are DR6/DR7 (hypercall and MOV DR), an I/O
 *     breakpoint in DR7 is -EPERM; CR4.DE set: DR4/DR5 are -ENODEV and
 *     MOV DR4 faults, an I/O breakpoint is accepted, reads back in DR7,
 *     and fires after an IN or OUT the hypervisor emulates on an
 *     overlapping port (#DB with EIP after the instruction, DR6.Bn set,
 *     sticky), not on other ports; clearing CR4.DE drops it;
 *   - single step over `int $0x82`: the hypercall is done and the step
 *     trap comes after the instruction that follows it (the int and the
 *     step are both traps), with DR6.BS;
 *   - single step into a bounce: an #UD taken with TF set reaches its
 *     handler with TF clear, and the handler's iret hypercall (the frame
 *     keeps TF) resumes stepping;
 *   - MOV SS with a watchpoint on its operand, then int3 / int $0x82
 *     (XSA-260): the guest sees the #BP or the hypercall's result, at
 *     most the one #DB (hardware holds it back into the hypervisor, which
 *     drops it as Xen does; QEMU's TCG raises it at once, in the guest),
 *     and the hypervisor goes on.
 *
 * Initial domain (I/O privilege), virtual IOPL 1 for the port accesses;
 * port 0x80 is the harmless one.
 */
#include <test.h>
#include <traps.h>
#include <public/physdev.h>

#define CR4_DE 0x8u
#define DR6_BS (1u << 14)

static uint32_t read_cr4(void)
{
    uint32_t v;
    asm volatile ("mov %%cr4, %0" : "=r" (v));
    return v;
}

static void write_cr4(uint32_t v)
{
    asm volatile ("mov %0, %%cr4" :: "r" (v));
}

static void cr4_and_aliases(void)
{
    uint32_t cr4 = read_cr4(), dr;

    CHECK(!(cr4 & CR4_DE), "CR4.DE set at start: 0x%x", cr4);
    write_cr4(cr4 | 0x80 | 0x100000);   /* PGE, SMEP: not the guest's */
    CHECK(read_cr4() == cr4, "CR4 changed by a write of other bits: 0x%x", read_cr4());
    CHECK_RC(HYPERVISOR_set_debugreg(5, 0x1), 0, "dr5 (= dr7) with DE clear");
    CHECK_RC(HYPERVISOR_get_debugreg(7) & 0xff, 0x1, "dr7 written through dr5");
    HYPERVISOR_set_debugreg(7, 0);
    asm volatile ("mov %%db4, %0" : "=r" (dr));
    CHECK(dr == (uint32_t)HYPERVISOR_get_debugreg(6), "MOV from DR4 = 0x%x", dr);
    CHECK_RC(HYPERVISOR_set_debugreg(7, 0x1 | (2u << 16)), -XEN_EPERM,
             "I/O breakpoint with DE clear");

    write_cr4(cr4 | CR4_DE);
    CHECK(read_cr4() == (cr4 | CR4_DE), "CR4.DE did not stick: 0x%x", read_cr4());
    CHECK_RC(HYPERVISOR_set_debugreg(4, 0), -XEN_ENODEV, "dr4 with DE set");
    CHECK_RC(HYPERVISOR_get_debugreg(5), -XEN_ENODEV, "get dr5 with DE set");
    exc_clear();
    asm volatile ("1: mov %%db4, %0\n2:\n" EXTABLE(1b, 2b) : "=r" (dr));
    CHECK(last_exc.count == 1, "MOV from DR4 with DE set did not fault");
}

static bool iopl(uint32_t level)
{
    struct physdev_set_iopl s = { .iopl = level };
    return hypercall2(__HYPERVISOR_physdev_op, PHYSDEVOP_set_iopl, (long)&s) == 0;
}

static void io_breakpoints(void)
{
    uint32_t eax = 0;

    if (!iopl(1)) {
        test_error("set_iopl(1) refused");
        return;
    }
    HYPERVISOR_set_debugreg(6, 0);
    CHECK_RC(HYPERVISOR_set_debugreg(2, 0x80), 0, "dr2 = port 0x80");
    CHECK_RC(HYPERVISOR_set_debugreg(7, 0x10 | (2u << 24)), 0, "dr7: L2 I/O 1 byte");
    CHECK((HYPERVISOR_get_debugreg(7) & 0x0f0000ff) == (0x10 | (2u << 24)),
          "DR7 reads back 0x%lx", HYPERVISOR_get_debugreg(7));
    exc_clear();
    asm volatile (PROBE_PRE "outb %%al, $0x80" PROBE_POST :: "a" (0) : "memory");
    CHECK(last_exc.count == 1 && last_exc.vector == 1 && last_exc.eip == probe_next,
          "OUT to the watched port: %s (count %u), expected #DB after it", exc_str(),
          last_exc.count);
    CHECK(HYPERVISOR_get_debugreg(6) & 4, "DR6.B2 not set: 0x%lx", HYPERVISOR_get_debugreg(6));
    exc_clear();
    asm volatile (PROBE_PRE "inw %%dx, %%ax" PROBE_POST : "+a" (eax) : "d" (0x7f) : "memory");
    CHECK(last_exc.count == 1 && last_exc.vector == 1 && last_exc.eip == probe_next,
          "IN of 0x7f-0x80: %s (count %u)", exc_str(), last_exc.count);
    exc_clear();
    asm volatile (PROBE_PRE "inb %%dx, %%al" PROBE_POST : "+a" (eax) : "d" (0x81) : "memory");
    CHECK(last_exc.count == 0, "IN of another port raised %s", exc_str());
    CHECK(HYPERVISOR_get_debugreg(6) & 4, "DR6.B2 not sticky");

    /* Clearing CR4.DE drops the I/O breakpoint. */
    write_cr4(read_cr4() & ~CR4_DE);
    CHECK(!(HYPERVISOR_get_debugreg(7) & 0x10), "I/O breakpoint kept without DE: 0x%lx",
          HYPERVISOR_get_debugreg(7));
    exc_clear();
    asm volatile (PROBE_PRE "outb %%al, $0x80" PROBE_POST :: "a" (0) : "memory");
    CHECK(last_exc.count == 0, "OUT after DE was cleared raised %s", exc_str());
    HYPERVISOR_set_debugreg(7, 0);
    HYPERVISOR_set_debugreg(6, 0);
    iopl(0);
}

/* ---- CR4.TSD: RDTSC for the kernel only ---------------------------------- */

static uint32_t user_rdtsc(void)
{
    uint32_t lo, hi;
    return (uint32_t)EXC_TRY("rdtsc", "=a" (lo), "=d" (hi));
}

static void tsd(void)
{
    uint32_t cr4 = read_cr4(), lo, hi;
    uint64_t t0, t1;

    user_map_image();
    CHECK(exec_user(user_rdtsc) == (uint32_t)-1, "ring-3 RDTSC faults without TSD");
    write_cr4(cr4 | 0x4);
    CHECK(read_cr4() == (cr4 | 0x4), "CR4.TSD did not stick: 0x%x", read_cr4());
    exc_clear();
    asm volatile ("rdtsc" : "=a" (lo), "=d" (hi));
    t0 = ((uint64_t)hi << 32) | lo;
    asm volatile ("rdtsc" : "=a" (lo), "=d" (hi));
    t1 = ((uint64_t)hi << 32) | lo;
    CHECK(last_exc.count == 0 && t1 > t0, "ring-1 RDTSC under TSD: %s, %llu then %llu",
          exc_str(), (unsigned long long)t0, (unsigned long long)t1);
    uint32_t v = exec_user(user_rdtsc);
    CHECK(v == 13 && last_exc.error == 0, "ring-3 RDTSC under TSD: vector %d, expected #GP(0)",
          (int)v);
    write_cr4(cr4);
    CHECK(exec_user(user_rdtsc) == (uint32_t)-1, "ring-3 RDTSC after TSD was cleared");
}

/* ---- single steps ------------------------------------------------------- */

extern char step_hc_after[], step_hc_next[];
static volatile long step_rc;

static void step_over_hypercall(void)
{
    long rc = __HYPERVISOR_xen_version;

    HYPERVISOR_set_debugreg(6, 0);
    exc_clear();
    /* TF set by popf: the step trap follows the instruction after popf,
     * i.e. the int $0x82; then the hypercall runs; the trap is taken after
     * the instruction after it. */
    asm volatile ("pushf\n\torl $0x100, (%%esp)\n\tmovl $0, %%ebx\n\txor %%ecx, %%ecx\n\t"
                  "popf\n\t"
                  "int $0x82\n"
                  "step_hc_after:\n\t"
                  "nop\n"
                  "step_hc_next:\n\t"
                  "nop\n\t"
                  : "+a" (rc) :: "ebx", "ecx", "memory");
    step_rc = rc;
    CHECK(step_rc > 0, "xen_version through a single-stepped int $0x82: %ld", step_rc);
    CHECK(last_exc.count >= 1 && last_exc.vector == 1,
          "no step trap after the hypercall: %s (count %u)", exc_str(), last_exc.count);
    CHECK(last_exc.eip == (uint32_t)step_hc_after || last_exc.eip == (uint32_t)step_hc_next,
          "step trap at 0x%x, expected 0x%x or 0x%x", last_exc.eip, (uint32_t)step_hc_after,
          (uint32_t)step_hc_next);
    CHECK(HYPERVISOR_get_debugreg(6) & DR6_BS, "DR6.BS not set: 0x%lx",
          HYPERVISOR_get_debugreg(6));
}

static volatile uint32_t ud_eflags;
static volatile unsigned int db_after_ud;
static bool on_ud(struct exc_frame *f)
{
    uint32_t now;
    asm volatile ("pushf\n\tpopl %0" : "=r" (now));
    ud_eflags = now;
    f->eip += 2;                        /* skip the ud2; the frame keeps TF */
    return true;
}

static void step_into_bounce(void)
{
    exc_hook[6] = on_ud;
    exc_clear();
    asm volatile ("pushf\n\torl $0x100, (%%esp)\n\tpopf\n\t"
                  "ud2\n\t"
                  "nop\n\t" ::: "memory");
    exc_hook[6] = NULL;
    CHECK(!(ud_eflags & 0x100), "the #UD handler ran with TF set: 0x%x", ud_eflags);
    CHECK(last_exc.vector == 1 && last_exc.count >= 2,
          "no step after the handler's iret: %s (count %u)", exc_str(), last_exc.count);
}

/* ---- MOV SS held #DB ------------------------------------------------------ */

static volatile uint16_t ss_copy;

static void mov_ss(void)
{
    long rc = __HYPERVISOR_xen_version;

    ss_copy = FLAT_RING1_SS;
    HYPERVISOR_set_debugreg(6, 0);
    CHECK_RC(HYPERVISOR_set_debugreg(0, (uint32_t)&ss_copy), 0, "dr0 = ss operand");
    CHECK_RC(HYPERVISOR_set_debugreg(7, 0x1 | (3u << 16) | (1u << 18)), 0,
             "dr7 L0 read/write 2 bytes");
    exc_clear();
    asm volatile ("1: mov %1, %%ss\n\tint $0x82\n2:\n" EXTABLE(1b, 2b)
                  : "+a" (rc) : "m" (ss_copy), "b" (0), "c" (0) : "memory");
    CHECK(rc > 0, "hypercall after mov ss: %ld", rc);
    CHECK(last_exc.count <= 1 && (last_exc.count == 0 || last_exc.vector == 1),
          "after mov ss; int $0x82: %s (count %u)", exc_str(), last_exc.count);

    exc_clear();
    asm volatile ("1: mov %0, %%ss\n\tint3\n2:\n" EXTABLE(1b, 2b) :: "m" (ss_copy) : "memory");
    CHECK(last_exc.count >= 1 && last_exc.count <= 2 && last_exc.vector == 3,
          "after mov ss; int3: %s (count %u), expected the #BP last", exc_str(),
          last_exc.count);
    HYPERVISOR_set_debugreg(7, 0);
    HYPERVISOR_set_debugreg(6, 0);
}

static bool step_fixup(struct exc_frame *f)
{
    return true;                        /* record, clear TF (the runtime), resume */
}

void test_main(void)
{
    traps_init();
    exc_hook[1] = step_fixup;
    cr4_and_aliases();
    io_breakpoints();
    tsd();
    step_over_hypercall();
    step_into_bounce();
    mov_ss();
    exc_hook[1] = NULL;
    test_success();
}
