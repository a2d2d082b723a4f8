/*
 * The register frame saved on every entry to the hypervisor.
 *
 * The hardware pushes SS, RSP, RFLAGS, CS, RIP (and for some vectors an error
 * code) on the ring-0 stack; the entry stubs in entry.S push a zero error
 * code where the CPU does not, then the vector, then every general-purpose
 * register.  The result, lowest address first, is exactly this struct.
 *
 * Entries from a guest always land at the very top of the CPU's hypervisor
 * stack (TSS.RSP0), so the interrupted guest's frame is found at a fixed
 * place: guest_regs().  Nested entries (a fault inside the hypervisor) build
 * the same frame lower on the same stack.
 */
#ifndef ASM_REGS_H
#define ASM_REGS_H

#include <mica/types.h>
#include <asm/config.h>

struct cpu_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint64_t vector;
    uint64_t error_code;
    /* hardware frame */
    uint64_t rip, cs, rflags, rsp, ss;
};

/* Guest-visible privilege of the interrupted context (CS RPL). */
static inline unsigned int regs_ring(const struct cpu_regs *r) { return r->cs & 3; }
static inline bool guest_mode(const struct cpu_regs *r) { return regs_ring(r) != 0; }

extern char cpu0_stack[];   /* STACK_SIZE bytes, aligned to STACK_SIZE */

static inline struct cpu_regs *guest_regs(void)
{
    return (struct cpu_regs *)(cpu0_stack + STACK_SIZE - sizeof(struct cpu_regs));
}

#endif
