/*
 * call-gates: far CALL and JMP through a guest's call gates, emulated.
 *
 * Long mode has only 64-bit call gates, so the hypervisor stores a guest's
 * 32-bit gates so that every use faults, and emulates the transfer with the
 * checks a 32-bit CPU makes (gate_op.c).  With a GDT holding ring-1 code,
 * a not-present code segment and gates of several kinds:
 *   - CALL from ring 1 (same privilege) and from ring 3 (to ring 1, on the
 *     stack_switch stack), direct (9A) and through memory (FF /3); the
 *     target sees its ring-1 CS and the copied parameter, and its far RET
 *     brings the caller back with its stack as it was;
 *   - JMP from ring 1 lands at the target; JMP from ring 3 to ring 1 is
 *     #GP(target) (a JMP cannot change privilege);
 *   - a gate whose DPL is below the caller's ring is #GP(gate), one whose
 *     target is not present #NP(target).
 */
#include <test.h>
#include <traps.h>
#include <desc.h>
#include <events.h>


static uint64_t gdt[512] __attribute__((aligned(4096)));
struct farptr { uint32_t off; uint16_t sel; } __attribute__((packed));
struct farptr fp;                       /* used by name from asm */

static uint32_t lcall(uint16_t sel, uint32_t *param_out)
{
    uint32_t cs = 0, p = 0;
    fp.sel = sel;
    exc_clear();
    /* One parameter pushed; the target may or may not pop it (lret $4). */
    asm volatile ("mov %%esp, %%esi\n\tpushl $0x5a5a1234\n\t" PROBE_PRE "lcall *%2"
                  PROBE_POST "mov %%esi, %%esp"
                  : "+a" (cs), "+c" (p) : "m" (fp) : "esi", "memory");
    if (param_out)
        *param_out = p;
    return cs;
}

/* Written by name from asm, hence not static. */
volatile uint32_t u_sp_before, u_sp_after, u_cs_after, u_param;
static uint32_t u_call_0(void)
{
    uint32_t cs;
    asm volatile ("mov %%esp, u_sp_before\n\tlcall $0x0013, $0\n\t"
                  "mov %%esp, u_sp_after\n\tmov %%cs, %%edx\n\tmov %%edx, u_cs_after"
                  : "=a" (cs) :: "ecx", "edx", "memory");
    return cs;
}
static uint32_t u_call_1(void)
{
    uint32_t cs, p;
    asm volatile ("mov %%esp, u_sp_before\n\tpushl $0x5a5a1234\n\tlcall *fp\n\t"
                  "mov %%esp, u_sp_after" : "=a" (cs), "=c" (p) :: "memory");
    u_param = p;
    return cs;
}
static uint32_t u_fault(void)
{
    exc_clear();
    asm volatile (PROBE_PRE "lcall *fp" PROBE_POST ::: "eax", "ecx", "memory");
    return last_exc.count;
}
static uint32_t u_jmp(void)
{
    exc_clear();
    asm volatile (PROBE_PRE "ljmp *fp" PROBE_POST ::: "eax", "ecx", "memory");
    return last_exc.count;
}

void test_main(void)
{
    static uint8_t kstack[4096] __attribute__((aligned(16)));
    uint64_t e[3];
    uint32_t mfn, cs, p;

    traps_init();
    user_map_image();
    gdt[1] = SEG_FLAT(0xba);                                   /* 0x09: ring-1 code */
    gdt[2] = CALL_GATE(0x0009, (uint32_t)gate_target, 3, 0);   /* 0x13: DPL 3, no parameter */
    gdt[3] = CALL_GATE(0x0009, (uint32_t)gate_target_1, 3, 1); /* 0x1b: DPL 3, one parameter */
    gdt[4] = CALL_GATE(0x0009, (uint32_t)gate_target_jmp, 3, 0); /* 0x23: for JMP */
    gdt[5] = CALL_GATE(0x0009, (uint32_t)gate_target, 1, 0);   /* 0x29: DPL 1 */
    gdt[6] = SEG_FLAT(0x3a);                                   /* 0x31: code, not present */
    gdt[7] = CALL_GATE(0x0031, (uint32_t)gate_target, 3, 0);   /* 0x3b: to the missing code */
    if (pt_walk((uint32_t)gdt, e) != 0 ||
        HYPERVISOR_update_va_mapping((uint32_t)gdt, e[2] & ~_PAGE_RW, UVMF_INVLPG)) {
        test_error("cannot remap the GDT read-only");
        return;
    }
    mfn = PTE_MFN(e[2]);
    CHECK_RC(HYPERVISOR_set_gdt(&mfn, 8), 0, "set_gdt");
    exec_user_kernel_sp = (uint32_t)kstack + sizeof(kstack);

    /* Ring 1: same privilege. */
    cs = lcall(0x0013, NULL);
    CHECK(last_exc.count == 0 && cs == 0x0009, "ring-1 lcall: cs 0x%x, %s", cs, exc_str());
    cs = lcall(0x001b, &p);
    CHECK(cs == 0x0009 && p == 0x5a5a1234, "ring-1 lcall with a parameter: cs 0x%x p 0x%x",
          cs, p);
    asm volatile ("mov $1f, %%ecx\n\tljmp *%1\n1:\tljmp %2, $2f\n2:"
                  : "=a" (cs) : "m" (((struct farptr){ 0, 0x0023 })), "i" (FLAT_RING1_CS)
                  : "ecx", "memory");
    CHECK(cs == 0x0009, "ring-1 ljmp through a gate: cs 0x%x", cs);

    /* Ring 3: into ring 1 and back. */
    cs = exec_user(u_call_0);
    CHECK(cs == 0x0009 && u_sp_after == u_sp_before && u_cs_after == FLAT_RING3_CS,
          "ring-3 lcall: target cs 0x%x, esp 0x%x -> 0x%x, back in cs 0x%x", cs,
          u_sp_before, u_sp_after, u_cs_after);
    fp.sel = 0x001b;
    cs = exec_user(u_call_1);
    CHECK(cs == 0x0009 && u_param == 0x5a5a1234 && u_sp_after == u_sp_before,
          "ring-3 lcall with a parameter: cs 0x%x p 0x%x esp 0x%x -> 0x%x", cs, u_param,
          u_sp_before, u_sp_after);

    /* Refusals. */
    fp.sel = 0x0023;
    CHECK(exec_user(u_jmp) == 1 && last_exc.vector == 13 && last_exc.error == 0x0008,
          "ring-3 ljmp to ring 1: %s", exc_str());
    fp.sel = 0x002b;
    CHECK(exec_user(u_fault) == 1 && last_exc.vector == 13 && last_exc.error == 0x0028,
          "ring-3 lcall through a DPL-1 gate: %s", exc_str());
    lcall(0x003b, NULL);
    CHECK(last_exc.vector == 11 && last_exc.error == 0x0030,
          "gate to a not-present segment: %s", exc_str());
    test_success();
}
