/*
 * The one x86 instruction decoder (arch/x86/x86_decode.c, which lists the
 * forms it knows): the #GP emulator, the call gates and the
 * writable-page-table assist all decode guest instructions with it.  It
 * knows the legacy prefixes and exactly the opcodes those callers handle;
 * anything else is reported as unsupported, and the guest gets the fault
 * it caused.  Host-tested by tests/host/test-x86-decode.c.
 */
#ifndef ASM_X86_DECODE_H
#define ASM_X86_DECODE_H

#include <mica/types.h>

#define X86_MAX_INSN_LEN 15

enum x86_seg { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_NONE = -1 };

struct x86_insn {
    uint8_t len;            /* total length, prefixes included */
    bool opsize;            /* 0x66: 16-bit operand */
    bool adsize;            /* 0x67: 16-bit addressing */
    bool lock;              /* 0xf0 */
    uint8_t rep;            /* 0, 0xf2 or 0xf3 (last one wins) */
    int8_t seg;             /* enum x86_seg of an override, or SEG_NONE */
    bool twobyte;           /* 0x0f escape */
    uint8_t op;             /* the opcode byte (after 0x0f if twobyte) */
    bool has_modrm;
    uint8_t modrm;
    uint8_t imm_len;        /* 0, or bytes of the immediate: 1, 2 (16-bit operand), 4 */
    uint32_t imm;           /* the immediate, zero-extended */
    /* far CALL/JMP (9A, EA: ptr16:32; FF /3, FF /5: m16:32) */
    bool has_far;           /* 9A / EA: the pointer is in the instruction */
    uint32_t far_off;
    uint16_t far_sel;
    bool has_sib;
    uint8_t sib;
    int32_t disp;           /* memory operand displacement (sign-extended) */
};

static inline unsigned int modrm_reg(const struct x86_insn *i) { return (i->modrm >> 3) & 7; }
static inline unsigned int modrm_rm(const struct x86_insn *i) { return i->modrm & 7; }

/* Read byte `off` of the instruction: 0, or -1 if it cannot be read. */
typedef int (*x86_fetch_fn)(void *ctx, unsigned int off, uint8_t *byte);

/*
 * 0 = decoded; -EFAULT = a byte could not be fetched; -E2BIG = longer
 * than 15 bytes; -EOPNOTSUPP = not an instruction this decoder knows.
 */
int x86_decode(struct x86_insn *insn, x86_fetch_fn fetch, void *ctx);

/* Is it a far CALL or JMP (direct or through memory)? */
static inline bool x86_is_far_call(const struct x86_insn *i)
{
    return !i->twobyte && (i->op == 0x9a || (i->op == 0xff && modrm_reg(i) == 3));
}
static inline bool x86_is_far_jmp(const struct x86_insn *i)
{
    return !i->twobyte && (i->op == 0xea || (i->op == 0xff && modrm_reg(i) == 5));
}

/*
 * The effective address of a ModRM memory operand (32-bit addressing),
 * given the eight GPRs in encoding order (EAX, ECX, EDX, EBX, ESP, EBP,
 * ESI, EDI).  *seg receives the segment it uses: the override, else SS
 * when the base register is ESP or EBP, else DS.
 */
uint32_t x86_effective_address(const struct x86_insn *insn, const uint32_t gpr[8],
                               int *seg);

#endif
