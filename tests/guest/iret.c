/*
 * iret: the iret hypercall returns to ring 1 and to ring 3 with the EFLAGS
 * a guest may have, and nothing more.
 *
 * The guest builds the frame {EIP, CS, EFLAGS[, ESP, SS]} and jumps to the
 * iret slot of the hypercall page, which pushes EAX (fact sheet §7.8).
 * For each flag a guest might try to smuggle in, the target code reads
 * EFLAGS back with PUSHF:
 *   IOPL 3   must arrive as IOPL 0 (a real IOPL would let ring 1 do CLI)
 *   NT       cleared (long mode has no task switches; XSA-44 class)
 *   TF       kept: the target's first instruction then raises #DB
 *   AC       kept (alignment checks are the user's to ask for)
 *   VM       refused: #GP(0) at the hypercall instruction, frame untouched
 * in both rings, plus: EAX comes back from the frame and the other
 * registers are preserved; the event mask becomes !EFLAGS.IF; a ring-3
 * return takes ESP and SS from the frame.  (An iret as a multicall entry:
 * multicall-iret.)
 */
#include <test.h>
#include <traps.h>

#define IRET_SLOT ((uint32_t)hypercall_page + __HYPERVISOR_iret * 32)
#define EFL_TF    0x100u
#define EFL_IOPL  0x3000u
#define EFL_NT    0x4000u
#define EFL_VM    0x20000u
#define EFL_AC    0x40000u

/* Written by the asm below by name, hence not static. */
volatile uint32_t seen_flags, seen_esp, seen_eax, seen_ebx;

/*
 * iret to ring 1 at label 1 with `flags`; EAX in the frame 0x1234abcd,
 * EBX 0x5a5a5a5a carried through.  At the target: record EFLAGS, EAX,
 * EBX, ESP.
 */
static void iret_ring1(uint32_t flags)
{
    asm volatile ("mov %%esp, probe_sp\n\t"
                  "movl $2f, probe_next\n\t"
                  "pushl %[f]\n\tpushl %[cs]\n\tpushl $1f\n\t"
                  "mov $0x1234abcd, %%eax\n\tmov $0x5a5a5a5a, %%ebx\n\t"
                  "movl $1f, probe_fault\n\t"
                  "jmp *%[slot]\n"
                  "1: nop\n"
                  "2: pushf\n\tpopl seen_flags\n\tmov %%eax, seen_eax\n\t"
                  "mov %%ebx, seen_ebx\n\tmov %%esp, seen_esp\n"
                  EXTABLE(2b, 2b)
                  :: [f] "r" (flags), [cs] "i" (FLAT_RING1_CS), [slot] "r" (IRET_SLOT)
                  : "eax", "ebx", "cc", "memory");
}

/* Ring 3: enter a user function with `flags`; it reports EFLAGS and ESP. */
static uint32_t u_flags(void)
{
    uint32_t f, sp;
    asm volatile ("nop\n\tpushf\n\tpopl %0\n\tmov %%esp, %1" : "=r" (f), "=r" (sp));
    seen_esp = sp;
    return f;
}

/* exec_user with extra EFLAGS bits in the iret frame that enters ring 3. */
static uint32_t exec_user_flags(uint32_t extra)
{
    uint32_t r;

    exec_user_eflags = 0x202 | extra;
    r = exec_user(u_flags);
    exec_user_eflags = 0x202;
    return r;
}

static bool db_ok(struct exc_frame *f) { (void)f; return true; }

/* VM: #GP(0) at the int $0x82 of the iret slot, with the frame left alone. */
static bool vm_gp(struct exc_frame *f)
{
    if (f->vector != 13 || f->eip != IRET_SLOT + 6)
        return false;
    f->eip = probe_next;                /* the frame is popped at the label */
    return true;
}

static void check_ring1(const char *what, uint32_t flags, uint32_t want_set,
                        uint32_t want_clear)
{
    seen_flags = 0;
    exc_clear();
    iret_ring1(flags);
    CHECK((seen_flags & want_set) == want_set && !(seen_flags & want_clear),
          "ring 1 %s: eflags 0x%x", what, seen_flags);
    CHECK(seen_eax == 0x1234abcd && seen_ebx == 0x5a5a5a5a,
          "ring 1 %s: eax 0x%x ebx 0x%x", what, seen_eax, seen_ebx);
    CHECK(seen_esp == probe_sp, "ring 1 %s: esp 0x%x, expected 0x%x", what,
          seen_esp, probe_sp);
}

void test_main(void)
{
    traps_init();
    user_map_image();

    check_ring1("plain", 0x202, 0x200, EFL_IOPL | EFL_NT);
    check_ring1("IOPL 3", 0x202 | EFL_IOPL, 0x200, EFL_IOPL);
    check_ring1("NT", 0x202 | EFL_NT, 0x200, EFL_NT);
    check_ring1("AC", 0x202 | EFL_AC, 0x200 | EFL_AC, 0);
    exc_clear();
    check_ring1("TF", 0x202 | EFL_TF, 0x200, EFL_TF);   /* #DB clears TF */
    CHECK(last_exc.vector == 1 && last_exc.eip == probe_fault + 1,
          "ring 1 TF: got %s, expected #DB after the first instruction", exc_str());

    /* VM: refused with #GP(0) at the hypercall, nothing popped. */
    exc_hook[13] = vm_gp;
    exc_clear();
    asm volatile ("mov %%esp, probe_sp\n\tmovl $2f, probe_next\n\t"
                  "pushl $0x20202\n\tpushl %[cs]\n\tpushl $1f\n\tjmp *%[slot]\n"
                  "1: ud2\n"             /* never reached */
                  "2: add $16, %%esp\n"
                  :: [cs] "i" (FLAT_RING1_CS), [slot] "r" (IRET_SLOT)
                  : "eax", "memory");
    exc_hook[13] = NULL;
    CHECK(last_exc.vector == 13 && last_exc.error == 0 && last_exc.eip == IRET_SLOT + 6,
          "VM: got %s, expected #GP(0) at the iret slot's int $0x82", exc_str());
    CHECK(last_exc.frame == probe_sp - 16 - 16,
          "VM: #GP frame at 0x%x, the iret frame was at 0x%x", last_exc.frame,
          probe_sp - 16);

    /* Event mask = !EFLAGS.IF, observed in the next exception's frame. */
    for (unsigned int m = 0; m < 2; m++) {
        iret_event_mask(m);
        exc_clear();
        asm volatile (PROBE_PRE "int3" PROBE_POST ::: "memory");
        CHECK(last_exc.saved_mask == m, "after iret with IF=%u: mask %u", !m,
              last_exc.saved_mask);
    }

    /* Ring 3 with each flag (enter_user's frame, extra bits via user_flags). */
    static const struct { const char *what; uint32_t add, set, clear; } u[] = {
        { "plain", 0, 0x200, EFL_IOPL | EFL_NT },
        { "IOPL 3", EFL_IOPL, 0x200, EFL_IOPL },
        { "NT", EFL_NT, 0x200, EFL_NT },
        { "AC", EFL_AC, 0x200 | EFL_AC, 0 },
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(u); i++) {
        uint32_t f = exec_user_flags(u[i].add);
        CHECK((f & u[i].set) == u[i].set && !(f & u[i].clear),
              "ring 3 %s: eflags 0x%x", u[i].what, f);
    }
    exc_clear();
    exc_hook[1] = db_ok;                /* the #DB lands in the runtime's code */
    exec_user_flags(EFL_TF);
    exc_hook[1] = NULL;
    CHECK(last_exc.vector == 1 && last_exc.from_user,
          "ring 3 TF: got %s, expected #DB in user mode", exc_str());

    test_success();
}
