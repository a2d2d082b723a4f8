/*
 * Decoding and executing the instructions a 32-bit guest kernel uses to
 * write a page-table entry, for the writable-page-table assist
 * (mm_fault.c).
 *
 * With VMASST_TYPE_writable_pagetables a guest may write its L1 tables as
 * if they were ordinary memory; they are mapped read-only, the write
 * faults, and the hypervisor performs it -- after checking the new entry.
 * It needs to know what the faulting instruction would have stored.  A
 * full x86 emulator is thousands of lines; PTE stores are a handful of
 * forms, so this file knows exactly those, in 32-bit code with 32-bit
 * addressing:
 *
 *   89 /r          mov r32 -> m32
 *   C7 /0 id       mov imm32 -> m32
 *   87 /r          xchg m32, r32
 *   0F B1 /r       cmpxchg m32, r32      (lock optional)
 *   0F C7 /1       cmpxchg8b m64         (lock optional: PAE set_pte_atomic)
 *   09 /r, 21 /r   or/and m32, r32
 *   81 /1,/4 id    or/and m32, imm32;    83 /1,/4 ib (sign-extended)
 *   0F AB, 0F B3   bts/btr m32, r32;     0F BA /5,/6 ib  bts/btr m32, imm8
 *
 * with lock and segment-override prefixes (the fault's CR2 already is the
 * linear address written, so the addressing mode only matters for the
 * instruction's length).  Anything else -- operand- or address-size
 * prefixes, rep, register destinations -- is "not understood", and the
 * fault goes to the guest as a #PF, as it would without the assist.
 *
 * Pure C, no guest access: the caller fetches the bytes and supplies the
 * old memory value and registers; host-tested (tests/host/test-pte-write.c).
 */
#include <mica/types.h>
#include <asm/pte_write_emul.h>

#define FL_CF 0x001u
#define FL_PF 0x004u
#define FL_AF 0x010u
#define FL_ZF 0x040u
#define FL_SF 0x080u
#define FL_OF 0x800u
#define FL_ARITH (FL_CF | FL_PF | FL_AF | FL_ZF | FL_SF | FL_OF)

/* Bytes of ModRM + SIB + displacement, for a memory operand; 0 if mod = 3. */
static unsigned int modrm_len(const uint8_t *p, unsigned int avail)
{
    unsigned int mod, rm, n = 1;

    if (avail < 1)
        return 0;
    mod = p[0] >> 6;
    rm = p[0] & 7;
    if (mod == 3)
        return 0;
    if (rm == 4) {
        if (avail < 2)
            return 0;
        n++;
        if (mod == 0 && (p[1] & 7) == 5)
            n += 4;
    } else if (mod == 0 && rm == 5) {
        n += 4;
    }
    if (mod == 1)
        n += 1;
    else if (mod == 2)
        n += 4;
    return n <= avail ? n : 0;
}

static uint32_t get_imm(const uint8_t *p, unsigned int bytes)
{
    uint32_t v = 0;
    for (unsigned int i = 0; i < bytes; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

int pte_write_decode(const uint8_t *insn, unsigned int avail, struct pte_write *w)
{
    unsigned int i = 0, ml, imm = 0;
    uint8_t op, reg;

    *w = (struct pte_write){ .size = 4 };
    for (; i < avail && i < PTE_WRITE_MAX_INSN; i++) {
        uint8_t b = insn[i];
        if (b == 0xf0 || b == 0x2e || b == 0x36 || b == 0x3e || b == 0x26 ||
            b == 0x64 || b == 0x65)
            continue;
        break;
    }
    if (i >= avail)
        return -1;
    op = insn[i++];
    if (op == 0x0f) {
        if (i >= avail)
            return -1;
        op = insn[i++];
        if (!(ml = modrm_len(&insn[i], avail - i)))
            return -1;
        reg = (insn[i] >> 3) & 7;
        switch (op) {
        case 0xb1: w->op = PW_CMPXCHG; w->reg = reg; break;
        case 0xab: w->op = PW_BTS; w->reg = reg; break;
        case 0xb3: w->op = PW_BTR; w->reg = reg; break;
        case 0xc7:
            if (reg != 1)
                return -1;
            w->op = PW_CMPXCHG8B;
            w->size = 8;
            break;
        case 0xba:
            if (reg != 5 && reg != 6)
                return -1;
            w->op = reg == 5 ? PW_BTS : PW_BTR;
            w->has_imm = true;
            imm = 1;
            break;
        default:
            return -1;
        }
    } else {
        if (!(ml = modrm_len(&insn[i], avail - i)))
            return -1;
        reg = (insn[i] >> 3) & 7;
        switch (op) {
        case 0x89: w->op = PW_MOV; w->reg = reg; break;
        case 0x87: w->op = PW_XCHG; w->reg = reg; break;
        case 0x09: w->op = PW_OR; w->reg = reg; break;
        case 0x21: w->op = PW_AND; w->reg = reg; break;
        case 0xc7:
            if (reg != 0)
                return -1;
            w->op = PW_MOV;
            w->has_imm = true;
            imm = 4;
            break;
        case 0x81:
        case 0x83:
            if (reg != 1 && reg != 4)
                return -1;
            w->op = reg == 1 ? PW_OR : PW_AND;
            w->has_imm = true;
            imm = op == 0x81 ? 4 : 1;
            break;
        default:
            return -1;
        }
    }
    i += ml;
    if (i + imm > avail || i + imm > PTE_WRITE_MAX_INSN)
        return -1;
    if (imm) {
        w->imm = get_imm(&insn[i], imm);
        if (imm == 1 && (op == 0x83) && (w->imm & 0x80))
            w->imm |= 0xffffff00u;       /* sign-extended imm8 */
    }
    w->len = i + imm;
    return 0;
}

static bool parity_even(uint32_t v)
{
    v &= 0xff;
    v ^= v >> 4;
    v ^= v >> 2;
    v ^= v >> 1;
    return !(v & 1);
}

static uint32_t logic_flags(uint32_t fl, uint32_t res)
{
    fl &= ~(FL_CF | FL_OF | FL_ZF | FL_SF | FL_PF);
    if (!res)
        fl |= FL_ZF;
    if (res & 0x80000000u)
        fl |= FL_SF;
    if (parity_even(res))
        fl |= FL_PF;
    return fl;
}

static uint32_t cmp_flags(uint32_t fl, uint32_t a, uint32_t b)
{
    uint32_t res = a - b;

    fl = logic_flags(fl, res) & ~FL_AF;
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
        r->eflags = logic_flags(r->eflags, m | src);
        return true;
    case PW_AND:
        *new = m & src;
        r->eflags = logic_flags(r->eflags, m & src);
        return true;
    case PW_BTS:
    case PW_BTR:
        r->eflags = (m >> bit) & 1 ? (r->eflags | FL_CF) : (r->eflags & ~FL_CF);
        *new = w->op == PW_BTS ? (m | (1u << bit)) : (m & ~(1u << bit));
        return true;
    }
    return false;
}
