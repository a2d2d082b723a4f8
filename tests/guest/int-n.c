/*
 * int-n: software interrupts honour the DPL of the guest's virtual IDT.
 *
 * Real IDT gates are DPL 0, so a guest's INT n faults with #GP and the
 * hypervisor consults trap_table[n] (fact sheet §7.7): the DPL must admit
 * the caller's ring, then vector n is delivered with EIP past the
 * instruction and no error code; otherwise the guest gets #GP with the
 * architectural error code (n << 3) | 2 and EIP at the instruction.
 * Checked for DPL 0..3 from ring 1 and ring 3.
 *
 * int $0x80 has its own gate whose DPL follows trap_table[0x80] (the
 * shortest path for user system calls): checked with DPL 3 and DPL 1,
 * from both rings, and with no handler at all, where it must become #GP
 * like any other unhandled INT n (XSA-259: int $0x80 before a handler is
 * registered once crashed Xen).  INT3 and INTO reach their handlers
 * whatever the virtual DPL says.  Finally the "interrupt gate" flag: a
 * handler registered with TI_IF_FLAG runs with events masked (a nested
 * exception's frame shows saved mask 1), one without it does not.
 */
#include <test.h>
#include <traps.h>

#define INT(n) PROBE_PRE "int $" #n PROBE_POST

static uint32_t r1_40(void) { asm volatile (INT(0x40) ::: "memory"); return 0; }
static uint32_t r1_41(void) { asm volatile (INT(0x41) ::: "memory"); return 0; }
static uint32_t r1_42(void) { asm volatile (INT(0x42) ::: "memory"); return 0; }
static uint32_t r1_43(void) { asm volatile (INT(0x43) ::: "memory"); return 0; }
static uint32_t r1_80(void) { asm volatile (INT(0x80) ::: "memory"); return 0; }
static uint32_t r1_bp(void) { asm volatile (PROBE_PRE "int3" PROBE_POST ::: "memory"); return 0; }
static uint32_t r1_of(void)
{ uint32_t t = 0x7fffffff; asm volatile ("add $1, %0\n\t" PROBE_PRE "into" PROBE_POST : "+r" (t) :: "cc", "memory"); return 0; }
static uint32_t (*const probes[])(void) = { r1_40, r1_41, r1_42, r1_43 };

/* Run fn in `ring` (1 or 3) and check what arrived. */
static void expect(const char *what, unsigned int ring, uint32_t (*fn)(void),
                   unsigned int n, bool delivered)
{
    exc_clear();
    if (ring == 3)
        exec_user(fn);
    else
        fn();
    if (last_exc.count != 1) {
        test_fail("%s from ring %u: %u exceptions", what, ring, last_exc.count);
        return;
    }
    if (delivered) {
        CHECK(last_exc.vector == n && last_exc.eip == probe_next,
              "%s from ring %u: got %s, expected vector 0x%x after the insn", what,
              ring, exc_str(), n);
    } else {
        CHECK(last_exc.vector == 13 && last_exc.error == ((n << 3) | 2) &&
              last_exc.eip == probe_fault,
              "%s from ring %u: got %s, expected #GP(0x%x) at the insn", what, ring,
              exc_str(), (n << 3) | 2);
    }
    CHECK(last_exc.cs == (ring == 3 ? FLAT_RING3_CS : FLAT_RING1_CS),
          "%s from ring %u: cs 0x%x", what, ring, last_exc.cs);
}

static uint8_t nested_mask;
static bool nest_int3(struct exc_frame *f)
{
    uint32_t outer_next = probe_next;

    asm volatile (PROBE_PRE "int3" PROBE_POST ::: "memory");
    nested_mask = last_exc.saved_mask;
    f->eip = outer_next;                /* resume after the outer INT */
    return true;
}

static void install(uint8_t vec, uint8_t flags)
{
    CHECK_RC(trap_set(vec, flags, FLAT_RING1_CS, exc_stub(vec)), 0, "set_trap_table");
}

void test_main(void)
{
    traps_init();
    user_map_image();

    for (unsigned int dpl = 0; dpl < 4; dpl++)
        install(0x40 + dpl, dpl);
    for (unsigned int dpl = 0; dpl < 4; dpl++) {
        char what[16];
        snprintf(what, sizeof(what), "int $0x%x", 0x40 + dpl);
        expect(what, 1, probes[dpl], 0x40 + dpl, dpl >= 1);
        expect(what, 3, probes[dpl], 0x40 + dpl, dpl >= 3);
    }

    install(0x80, 3);
    expect("int $0x80 DPL 3", 1, r1_80, 0x80, true);
    expect("int $0x80 DPL 3", 3, r1_80, 0x80, true);
    CHECK(last_exc.esp == probe_sp && last_exc.ss == FLAT_RING3_SS &&
          last_exc.frame == exec_user_ksp - 20,
          "int $0x80 from user: frame esp 0x%x ss 0x%x at 0x%x", last_exc.esp,
          last_exc.ss, last_exc.frame);
    install(0x80, 1);
    expect("int $0x80 DPL 1", 1, r1_80, 0x80, true);
    expect("int $0x80 DPL 1", 3, r1_80, 0x80, false);

    /* No handler for 0x80 any more: clear the table, reinstall the rest. */
    CHECK_RC(HYPERVISOR_set_trap_table(NULL), 0, "set_trap_table(NULL)");
    traps_init();
    expect("int $0x80, no handler", 1, r1_80, 0x80, false);
    expect("int $0x80, no handler", 3, r1_80, 0x80, false);

    /* INT3/INTO ignore the virtual DPL. */
    install(3, 0);
    install(4, 0);
    expect("int3 with DPL 0", 3, r1_bp, 3, true);
    expect("into with DPL 0", 3, r1_of, 4, true);

    /* Interrupt-gate semantics mask events in the handler. */
    iret_event_mask(false);
    install(0x44, 3 | TI_IF_FLAG);
    install(0x45, 3);
    exc_hook[0x44] = exc_hook[0x45] = nest_int3;
    nested_mask = 0xff;
    asm volatile (INT(0x44) ::: "memory");
    CHECK(nested_mask == 1, "TI_IF handler ran with saved mask %u", nested_mask);
    nested_mask = 0xff;
    asm volatile (INT(0x45) ::: "memory");
    CHECK(nested_mask == 0, "trap-gate handler ran with saved mask %u", nested_mask);
    exc_clear();
    asm volatile (PROBE_PRE "int3" PROBE_POST ::: "memory");
    CHECK(last_exc.saved_mask == 0, "the iret from the TI_IF handler did not "
          "restore the event mask (saved mask %u)", last_exc.saved_mask);
    test_success();
}
