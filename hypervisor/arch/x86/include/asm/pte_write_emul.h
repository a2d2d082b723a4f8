/*
 * The PTE-store instruction subset of arch/x86/pte_write_emul.c.
 */
#ifndef ASM_PTE_WRITE_EMUL_H
#define ASM_PTE_WRITE_EMUL_H

#include <mica/types.h>

#define PTE_WRITE_MAX_INSN 15

enum pte_write_op { PW_MOV, PW_XCHG, PW_CMPXCHG, PW_CMPXCHG8B, PW_OR, PW_AND,
                    PW_BTS, PW_BTR };

struct pte_write {
    enum pte_write_op op;
    unsigned int len;       /* instruction length in bytes */
    unsigned int size;      /* bytes stored: 1 (byte forms), 4, or 8 (cmpxchg8b) */
    unsigned int reg;       /* source/exchanged register (ModRM.reg) */
    bool has_imm;
    uint32_t imm;           /* immediate source (sign-extended imm8 for 83) */
};

/* Guest general registers in ModRM order, and EFLAGS. */
enum { PTE_EAX, PTE_ECX, PTE_EDX, PTE_EBX, PTE_ESP, PTE_EBP, PTE_ESI, PTE_EDI };
struct pte_regs {
    uint32_t gpr[8];
    uint32_t eflags;
};

/* 0 and *w filled if insn[0..avail) starts with a supported store, else -1. */
int pte_write_decode(const uint8_t *insn, unsigned int avail, struct pte_write *w);

/*
 * Execute w on the old memory value (w->size bytes, zero-extended): returns
 * whether memory is written (then *new holds the value), updating the
 * registers and flags as the instruction would (a failed cmpxchg loads
 * the old value into EAX or EDX:EAX and writes nothing).
 */
bool pte_write_apply(const struct pte_write *w, uint64_t old, uint64_t *new,
                     struct pte_regs *r);

#endif
