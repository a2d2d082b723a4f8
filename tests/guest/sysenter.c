/*
 * sysenter: the sysenter and syscall32 callbacks (callback_op types 5 and
 * 7) are entered by SYSENTER and SYSCALL, with 32-on-64 Xen's frames.
 *
 * Background: an i386 Linux built for Xen registers CALLBACKTYPE_sysenter
 * and its vDSO executes SYSENTER (passing the user ESP in EBP, the return
 * EIP being fixed); a hypervisor that leaves SYSENTER disabled breaks its
 * user space.  SYSENTER saves nothing, so the frame on the kernel stack
 * is { EIP 0, CS 3 | mask << 16, EFLAGS, ESP 0, SS FLAT_RING3_SS }; SYSCALL
 * gives { EIP after it, FLAT_RING3_CS | mask << 16, EFLAGS, ESP, SS }.  The
 * CPU does not record the ring that executed either instruction, so one
 * from ring 1 is reported the same way (as Xen does).  Checked here:
 *   - ring-3 SYSENTER, 1000 times: the callback's frame, the saved event
 *     mask, EFLAGS, ESP/EIP back to user space with the iret hypercall;
 *   - SYSENTER with TF and NT set (callback registered with
 *     CALLBACKF_mask_events): one entry, TF/NT in the frame only, no #DB
 *     or #GP anywhere, the hypervisor goes on (XSA-44/339 class);
 *   - ring-3 SYSCALL with NT: EIP, EFLAGS, ESP, CS/SS;
 *   - SYSENTER and SYSCALL from ring 1: the same frames, on the kernel stack;
 *   - unregistered: SYSENTER is #GP(0) and SYSCALL #UD at the instruction
 *     again (sysenter-nt checks that in detail).
 */
#include <test.h>
#include <traps.h>
#include <public/callback.h>

#define VEC_SYSENTER 0x40
#define VEC_SYSCALL  0x41

extern char user_sysenter[], sysenter_resume[], user_sysenter_tf[];
extern char user_syscall[], syscall_ret[];
/* EBP = ESP, as the vDSO does; the callback resumes at sysenter_resume. */
asm(".text\n.globl user_sysenter, sysenter_resume, user_sysenter_tf\n"
    "user_sysenter:\n\tpush %ebp\n\tmov %esp, %ebp\n\tsysenter\n"
    "sysenter_resume:\n\tpop %ebp\n\tret\n"
    /* TF and NT set by the POPF right before: the single step is due
     * after the SYSENTER, in the hypervisor. */
    "user_sysenter_tf:\n\tpush %ebp\n\tpushf\n\torl $0x4100, (%esp)\n"
    "\tlea 4(%esp), %ebp\n\tpopf\n\tsysenter\n");
/* EAX = the ESP at the instruction (for the check); ECX is lost. */
asm(".text\n.globl user_syscall, syscall_ret\n"
    "user_syscall:\n\tmov %esp, %eax\n\tsyscall\n"
    "syscall_ret:\n\tret\n");

static struct exc_frame seen;           /* the last callback frame */
static struct kjmp ring1_jmp;
static bool in_ring1;
volatile uint32_t ring1_sp;              /* ESP before the ring-1 call */
static uint8_t kstack[4096] __attribute__((aligned(16)));

static bool on_sysenter(struct exc_frame *f)
{
    seen = *f;
    if (in_ring1)
        klongjmp(&ring1_jmp, 1);
    f->eip = (uint32_t)sysenter_resume;
    f->cs = (f->cs & ~0xffffu) | FLAT_RING3_CS;
    f->esp = f->ebp;
    f->ss = FLAT_RING3_SS;
    f->eflags &= ~0x100u;               /* no single step back in user space */
    return true;
}

static bool on_syscall(struct exc_frame *f)
{
    seen = *f;
    if (in_ring1)
        klongjmp(&ring1_jmp, 1);
    return true;                        /* the frame is the user's already */
}

static long reg(uint16_t type, uint16_t flags, uint8_t vec)
{
    struct callback_register cb = { .type = type, .flags = flags,
                                    .address = { FLAT_RING1_CS, exc_stub(vec) } };
    return HYPERVISOR_callback_op(CALLBACKOP_register, &cb);
}

static long unreg(uint16_t type)
{
    struct callback_unregister cb = { .type = type };
    return HYPERVISOR_callback_op(CALLBACKOP_unregister, &cb);
}

static uint32_t loop_sysenter(void)
{
    for (unsigned int i = 0; i < 1000; i++)
        ((void (*)(void))user_sysenter)();
    return 0;
}
static uint32_t flags_sysenter(void)
{
    ((void (*)(void))user_sysenter_tf)();
    return 0;
}
static uint32_t nt_syscall(void)
{
    uint32_t sp;
    asm volatile ("pushf\n\torl $0x4000, (%%esp)\n\tpopf\n\tcall user_syscall\n\t"
                  "pushf\n\tandl $~0x4000, (%%esp)\n\tpopf"
                  : "=a" (sp) :: "ecx", "cc", "memory");
    return sp;
}

static void check_sysenter(const char *what, uint32_t flags)
{
    CHECK(seen.vector == VEC_SYSENTER && seen.eip == 0 && (seen.cs & 0xffff) == 3 &&
          seen.esp == 0 && (seen.ss & 0xffff) == FLAT_RING3_SS,
          "%s: frame eip 0x%x cs 0x%x esp 0x%x ss 0x%x", what, seen.eip, seen.cs,
          seen.esp, seen.ss);
    CHECK((seen.eflags & 0x4700) == (flags | 0x200), "%s: eflags 0x%x, expected 0x%x",
          what, seen.eflags, flags | 0x200);
}

void test_main(void)
{
    uint32_t sp;

    traps_init();
    user_map_image();
    exc_hook[VEC_SYSENTER] = on_sysenter;
    exc_hook[VEC_SYSCALL] = on_syscall;
    CHECK_RC(reg(CALLBACKTYPE_sysenter, 0, VEC_SYSENTER), 0, "register sysenter");
    CHECK_RC(reg(CALLBACKTYPE_syscall32, 0, VEC_SYSCALL), 0, "register syscall32");

    exc_clear();
    exec_user(loop_sysenter);
    CHECK(last_exc.count == 1000, "1000 SYSENTERs: %u callback entries", last_exc.count);
    check_sysenter("sysenter", 0);
    CHECK(((seen.cs >> 16) & 0xff) == 0, "saved mask %u, expected 0", (seen.cs >> 16) & 0xff);

    CHECK_RC(reg(CALLBACKTYPE_sysenter, CALLBACKF_mask_events, VEC_SYSENTER), 0,
             "register sysenter (mask events)");
    exc_clear();
    exec_user(flags_sysenter);
    CHECK(last_exc.count == 1, "sysenter with TF+NT: %u entries (last %s)",
          last_exc.count, exc_str());
    check_sysenter("sysenter with TF+NT", 0x4100);

    exc_clear();
    sp = exec_user(nt_syscall);
    CHECK(last_exc.count == 1 && seen.vector == VEC_SYSCALL, "syscall: %u entries (%s)",
          last_exc.count, exc_str());
    CHECK(seen.eip == (uint32_t)syscall_ret && (seen.cs & 0xffff) == FLAT_RING3_CS &&
          seen.esp == sp && (seen.ss & 0xffff) == FLAT_RING3_SS &&
          ((seen.cs >> 16) & 0xff) == 0,
          "syscall: frame eip 0x%x cs 0x%x esp 0x%x (0x%x) ss 0x%x", seen.eip, seen.cs,
          seen.esp, sp, seen.ss);
    CHECK((seen.eflags & 0x4700) == 0x4200, "syscall: eflags 0x%x", seen.eflags);

    /* Ring 1: reported as from user space, on the registered kernel stack. */
    CHECK_RC(HYPERVISOR_stack_switch(FLAT_RING1_SS, (uint32_t)(kstack + sizeof(kstack))),
             0, "stack_switch");
    in_ring1 = true;
    exc_clear();
    if (!ksetjmp(&ring1_jmp))
        ((void (*)(void))user_sysenter)();
    CHECK(last_exc.count == 1, "ring-1 sysenter: %u entries", last_exc.count);
    check_sysenter("ring-1 sysenter", 0);
    exc_clear();
    if (!ksetjmp(&ring1_jmp))
        asm volatile ("mov %%esp, ring1_sp\n\tcall user_syscall" ::: "eax", "ecx", "memory");
    CHECK(last_exc.count == 1 && seen.eip == (uint32_t)syscall_ret &&
          (seen.cs & 0xffff) == FLAT_RING3_CS && seen.esp == ring1_sp - 4,
          "ring-1 syscall: %u entries, eip 0x%x cs 0x%x esp 0x%x", last_exc.count,
          seen.eip, seen.cs, seen.esp);
    in_ring1 = false;
    iret_event_mask(false);             /* the masking sysenter entry skipped iret */

    /* Unregistered: the instructions fault again. */
    CHECK_RC(unreg(CALLBACKTYPE_sysenter), 0, "unregister sysenter");
    CHECK_RC(unreg(CALLBACKTYPE_syscall32), 0, "unregister syscall32");
    exc_clear();
    CHECK(EXC_TRY("sysenter", :: "ecx", "edx", "memory") == 13 && last_exc.error == 0,
          "sysenter without callback: %s", exc_str());
    CHECK(EXC_TRY("syscall", :: "ecx", "memory") == 6, "syscall without callback: %s",
          exc_str());
    test_success();
}
