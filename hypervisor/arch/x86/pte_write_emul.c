/*
 * What the instructions a 32-bit guest kernel uses to write a page-table
 * entry do, for the writable-page-table assist (mm_fault.c).
 *
 * With VMASST_TYPE_writable_pagetables a guest may write its L1 tables as
 * if they were ordinary memory; they are mapped read-only, the write
 * faults, and the hypervisor performs it -- after checking the new entry.
 * It needs to know what the faulting instruction would have stored.  A
 * full x86 emulator is thousands of lines; PTE stores are a handful of
 * forms (decoded by the one decoder, x86_decode.c), in 32-bit code with
 * 32-bit addressing:
 *
 *   89 /r          mov r32 -> m32
 *   C7 /0 id       mov imm32 -> m32
 *   87 /r          xchg m32, r32
 *   0F B1 /r       cmpxchg m32, r32      (lock optional)
 *   0F C7 /1       cmpxchg8b m64         (lock optional: PAE set_pte_atomic)
 *   09 /r, 21 /r   or/and m32, r32
 *   81 /1,/4 id    or/and m32, imm32;    83 /1,/4 ib (sign-extended)
 *   0F AB, 0F B3   bts/btr m32, r32;     0F BA /5,/6 ib  bts/btr m32, imm8
 *   88 /r, C6 /0 ib       mov r8 / imm8 -> m8
 *   08 /r, 20 /r          or/and m8, r8
 *   80 /1,/4 ib           or/and m8, imm8   (set_bit/clear_bit of a constant
 *                         bit: Linux's ptep_set_wrprotect() at fork)
 *
 * with lock and segment-override prefixes (the fault's CR2 already is the
 * linear address written, so the addressing mode only matters for the
 * instruction's length).  Anything else -- operand- or address-size
 * prefixes, rep, register destinations, any other instruction the decoder
 * knows -- is "not understood", and the fault goes to the guest as a #PF,
 * as it would without the assist.
 *
 * Pure C, no guest access: the caller fetches the bytes and supplies the
 * old memory value and registers; host-tested (tests/host/test-pte-write.c).
 */
#include <mica/types.h>
#include <asm/pte_write_emul.h>
#include <asm/x86_decode.h>

#define FL_CF 0x001u
#define FL_PF 0x004u
#define FL_AF 0x010u
#define FL_ZF 0x040u
#define FL_SF 0x080u
#define FL_OF 0x800u
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

struct bytes { const uint8_t *b; unsigned int n; };

static int fetch_bytes(void *ctx, unsigned int off, uint8_t *b)
{
    const struct bytes *x = ctx;

    if (off >= x->n)
        return -1;
    *b = x->b[off];
    return 0;
}

/* The PTE-store forms among the decoded instructions. */
static int classify(const struct x86_insn *in, struct pte_write *w)
{
    unsigned int reg = modrm_reg(in);

    *w = (struct pte_write){ .size = 4, .len = in->len, .reg = reg };
    if (in->opsize || in->adsize || in->rep || !in->has_modrm || (in->modrm >> 6) == 3)
        return -1;
    if (in->twobyte) {
        switch (in->op) {
        case 0xb1: w->op = PW_CMPXCHG; return 0;
        case 0xab: w->op = PW_BTS; return 0;
        case 0xb3: w->op = PW_BTR; return 0;
        case 0xc7: w->op = PW_CMPXCHG8B; w->size = 8; return 0;       /* /1 */
        case 0xba: w->op = reg == 5 ? PW_BTS : PW_BTR; break;         /* /5, /6 ib */
        default: return -1;
        }
    } else {
        switch (in->op) {
        case 0x88: w->op = PW_MOV; w->size = 1; return 0;
        case 0x08: w->op = PW_OR; w->size = 1; return 0;
        case 0x20: w->op = PW_AND; w->size = 1; return 0;
        case 0xc6: w->op = PW_MOV; w->size = 1; break;                /* /0 ib */
        case 0x80: w->op = reg == 1 ? PW_OR : PW_AND; w->size = 1; break; /* /1, /4 ib */
        case 0x89: w->op = PW_MOV; return 0;
        case 0x87: w->op = PW_XCHG; return 0;
        case 0x09: w->op = PW_OR; return 0;
        case 0x21: w->op = PW_AND; return 0;
        case 0xc7: w->op = PW_MOV; break;                             /* /0 id */
        case 0x81:
        case 0x83: w->op = reg == 1 ? PW_OR : PW_AND; break;          /* /1, /4 */
        default: return -1;
        }
    }
    w->has_imm = true;
    w->imm = in->imm;
    if (in->op == 0x83 && (w->imm & 0x80))
        w->imm |= 0xffffff00u;               /* sign-extended imm8 */
    return 0;
}

int pte_write_decode(const uint8_t *insn, unsigned int avail, struct pte_write *w)
{
    struct bytes x = { insn, insn ? avail : 0 };
    struct x86_insn in;

    if (x86_decode(&in, fetch_bytes, &x))
        return -1;
    return classify(&in, w);
}

static bool parity_even(uint32_t v)
{
    v &= 0xff;
    v ^= v >> 4;
    v ^= v >> 2;
    v ^= v >> 1;
    return !(v & 1);
}

/* Flags of a logical operation of `size` bytes (1 or 4) with result res. */
static uint32_t logic_flags(uint32_t fl, uint32_t res, unsigned int size)
{
    uint32_t sign = size == 1 ? 0x80u : 0x80000000u;

    if (size == 1)
        res &= 0xff;
    fl &= ~(FL_CF | FL_OF | FL_ZF | FL_SF | FL_PF);
    if (!res)
        fl |= FL_ZF;
    if (res & sign)
        fl |= FL_SF;
    if (parity_even(res))
        fl |= FL_PF;
    return fl;
}

static uint32_t cmp_flags(uint32_t fl, uint32_t a, uint32_t b)
{
    uint32_t res = a - b;

    fl = logic_flags(fl, res, 4) & ~FL_AF;
    if (a < b)
        fl |= FL_CF;
    if (((a ^ b) & (a ^ res)) & 0x80000000u)
        fl |= FL_OF;
    if ((a ^ b ^ res) & 0x10)
        fl |= FL_AF;
    return fl;
}

bool pte_write_apply(const struct pte_write *w, uint64_t old, uint64_t *new,
                     struct pte_regs *r)
{
    uint32_t m = (uint32_t)old, src = w->has_imm ? w->imm : r->gpr[w->reg];
    uint32_t bit = src & 31;

    if (w->size == 1) {         /* AL CL DL BL AH CH DH BH; byte results */
        if (!w->has_imm)
            src = w->reg < 4 ? r->gpr[w->reg] : r->gpr[w->reg - 4] >> 8;
        src &= 0xff;
        m &= 0xff;
    }

    switch (w->op) {
    case PW_MOV:
        *new = src;
        return true;
    case PW_XCHG:
        r->gpr[w->reg] = m;
        *new = src;
        return true;
    case PW_CMPXCHG:
        r->eflags = (r->eflags & ~FL_ARITH) | (cmp_flags(r->eflags, r->gpr[PTE_EAX], m) & FL_ARITH);
        if (r->gpr[PTE_EAX] == m) {
            *new = src;
            return true;
        }
        r->gpr[PTE_EAX] = m;
        return false;
    case PW_CMPXCHG8B: {
        uint64_t expect = ((uint64_t)r->gpr[PTE_EDX] << 32) | r->gpr[PTE_EAX];
        if (expect == old) {
            r->eflags |= FL_ZF;
            *new = ((uint64_t)r->gpr[PTE_ECX] << 32) | r->gpr[PTE_EBX];
            return true;
        }
        r->eflags &= ~FL_ZF;
        r->gpr[PTE_EAX] = (uint32_t)old;
        r->gpr[PTE_EDX] = (uint32_t)(old >> 32);
        return false;
    }
    case PW_OR:
        *new = m | src;
        r->eflags = logic_flags(r->eflags, m | src, w->size);
        return true;
    case PW_AND:
        *new = m & src;
        r->eflags = logic_flags(r->eflags, m & src, w->size);
        return true;
    case PW_BTS:
    case PW_BTR:
        r->eflags = (m >> bit) & 1 ? (r->eflags | FL_CF) : (r->eflags & ~FL_CF);
        *new = w->op == PW_BTS ? (m | (1u << bit)) : (m & ~(1u << bit));
        return true;
    }
    return false;
}
