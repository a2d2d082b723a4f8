/*
 * The one x86 instruction decoder: every instruction the hypervisor has
 * to understand on a guest's behalf, and nothing else.
 *
 * Two paths look at guest instructions: the #GP emulator (emulate.c and
 * the call gates of gate_op.c: privileged instructions, port I/O, INT n,
 * far CALL/JMP) and the writable-page-table assist (mm_fault.c, whose
 * store forms pte_write_emul.c executes).  Both use this decoder, so the
 * rules that make decoding safe live in one place: bytes come through a
 * fetch callback one at a time (an instruction ending at the last mapped
 * byte still decodes; the callback decides whose rights the read uses),
 * an instruction never exceeds 15 bytes, and an opcode not in the tables
 * below is -EOPNOTSUPP -- the guest then gets the fault it caused.  A
 * general decoder would be a large attack surface for no gain.  What each
 * caller accepts among the decoded instructions is the caller's business
 * (emulate.c: privileged forms by ring; pte_write_emul.c: 32-bit stores to
 * memory, no operand- or address-size prefix, no REP).
 *
 * Known forms, 32-bit code (every legacy prefix accepted up to the limit):
 *
 *   #GP emulator     6C-6F ins/outs   E4-E7 in/out imm8   EC-EF in/out dx
 *                    CD int imm8   F4 hlt   FA cli   FB sti
 *                    0F 06 clts   0F 08 invd   0F 09 wbinvd   0F 30 wrmsr
 *                    0F 32 rdmsr   0F A2 cpuid (only with CPUID faulting,
 *                    msr.c)   0F 20-23 mov cr/dr (ModRM whose mod the
 *                    CPU ignores: always a register)
 *   call gates       9A lcall ptr16:32   EA ljmp ptr16:32
 *                    FF /3 lcall m16:32   FF /5 ljmp m16:32
 *   PTE stores       89 /r mov   C7 /0 mov imm   87 /r xchg   09 /r or
 *                    21 /r and   81 /1,/4 or/and imm32   83 /1,/4 imm8
 *                    0F B1 cmpxchg   0F C7 /1 cmpxchg8b   0F AB bts
 *                    0F B3 btr   0F BA /5,/6 bts/btr imm8
 *
 * The memory forms take a full 32-bit ModRM (SIB, disp8, disp32); 16-bit
 * addressing (0x67) with a memory operand is not supported, nor 16-bit
 * far pointers.  Host-tested: tests/host/test-x86-decode.c and, through
 * pte_write_decode(), tests/host/test-pte-write.c.
 */
#include <mica/types.h>
#include <mica/errno.h>
#include <asm/x86_decode.h>

/* Operand format of an opcode. */
#define F_KNOWN   0x01u     /* in the tables at all */
#define F_MODRM   0x02u     /* a ModRM byte (with SIB and displacement if memory) */
#define F_REGRM   0x04u     /* a ModRM byte that always names registers (mov cr/dr) */
#define F_MEM     0x08u     /* the ModRM must name memory */
#define F_IMM8    0x10u
#define F_IMMZ    0x20u     /* imm32, or imm16 with an operand-size prefix */
#define F_FAR     0x40u     /* ptr16:32 */
#define F_NO16    0x80u     /* no operand-size prefix (a 16-bit far pointer) */

struct form {
    uint8_t flags;
    uint8_t regs;           /* ModRM.reg values allowed (bit n = /n); 0: all */
};

#define R(n) (1u << (n))
#define MEM (F_KNOWN | F_MODRM | F_MEM)

static const struct form one_byte[256] = {
    [0x08] = { MEM }, [0x09] = { MEM }, [0x20] = { MEM }, [0x21] = { MEM },
    [0x6c] = { F_KNOWN }, [0x6d] = { F_KNOWN }, [0x6e] = { F_KNOWN }, [0x6f] = { F_KNOWN },
    [0x80] = { MEM | F_IMM8, R(1) | R(4) },
    [0x81] = { MEM | F_IMMZ, R(1) | R(4) }, [0x83] = { MEM | F_IMM8, R(1) | R(4) },
    [0x87] = { MEM }, [0x88] = { MEM }, [0x89] = { MEM },
    [0x9a] = { F_KNOWN | F_FAR | F_NO16 },
    [0xc6] = { MEM | F_IMM8, R(0) }, [0xc7] = { MEM | F_IMMZ, R(0) },
    [0xcd] = { F_KNOWN | F_IMM8 },
    [0xe4] = { F_KNOWN | F_IMM8 }, [0xe5] = { F_KNOWN | F_IMM8 },
    [0xe6] = { F_KNOWN | F_IMM8 }, [0xe7] = { F_KNOWN | F_IMM8 },
    [0xea] = { F_KNOWN | F_FAR | F_NO16 },
    [0xec] = { F_KNOWN }, [0xed] = { F_KNOWN }, [0xee] = { F_KNOWN }, [0xef] = { F_KNOWN },
    [0xf4] = { F_KNOWN }, [0xfa] = { F_KNOWN }, [0xfb] = { F_KNOWN },
    [0xff] = { MEM | F_NO16, R(3) | R(5) },
};

static const struct form two_byte[256] = {
    [0x06] = { F_KNOWN }, [0x08] = { F_KNOWN }, [0x09] = { F_KNOWN },
    [0x20] = { F_KNOWN | F_REGRM }, [0x21] = { F_KNOWN | F_REGRM },
    [0x22] = { F_KNOWN | F_REGRM }, [0x23] = { F_KNOWN | F_REGRM },
    [0x30] = { F_KNOWN }, [0x31] = { F_KNOWN }, [0x32] = { F_KNOWN }, [0xa2] = { F_KNOWN },
    [0xab] = { MEM }, [0xb1] = { MEM }, [0xb3] = { MEM },
    [0xba] = { MEM | F_IMM8, R(5) | R(6) },
    [0xc7] = { MEM, R(1) },
};

static int next(struct x86_insn *in, x86_fetch_fn fetch, void *ctx, uint8_t *b)
{
    if (in->len >= X86_MAX_INSN_LEN)
        return -E2BIG;
    if (fetch(ctx, in->len, b))
        return -EFAULT;
    in->len++;
    return 0;
}

/* n little-endian bytes. */
static int next_n(struct x86_insn *in, x86_fetch_fn fetch, void *ctx, unsigned int n,
                  uint32_t *v)
{
    uint8_t b;
    int rc;

    *v = 0;
    for (unsigned int i = 0; i < n; i++) {
        if ((rc = next(in, fetch, ctx, &b)))
            return rc;
        *v |= (uint32_t)b << (8 * i);
    }
    return 0;
}

/* ModRM, and for a memory operand its SIB and displacement (32-bit addressing). */
static int decode_modrm(struct x86_insn *in, x86_fetch_fn fetch, void *ctx, struct form f)
{
    unsigned int mod, disp_len = 0;
    uint32_t disp;
    int rc;

    if ((rc = next(in, fetch, ctx, &in->modrm)))
        return rc;
    in->has_modrm = true;
    if (f.regs && !(f.regs & R(modrm_reg(in))))
        return -EOPNOTSUPP;
    if (f.flags & F_REGRM)
        return 0;
    mod = in->modrm >> 6;
    if (mod == 3)
        return (f.flags & F_MEM) ? -EOPNOTSUPP : 0;
    if (in->adsize)
        return -EOPNOTSUPP;                     /* 16-bit addressing */
    if (modrm_rm(in) == 4) {
        if ((rc = next(in, fetch, ctx, &in->sib)))
            return rc;
        in->has_sib = true;
    }
    if (mod == 1)
        disp_len = 1;
    else if (mod == 2 || (mod == 0 && modrm_rm(in) == 5) ||
             (mod == 0 && in->has_sib && (in->sib & 7) == 5))
        disp_len = 4;
    if ((rc = next_n(in, fetch, ctx, disp_len, &disp)))
        return rc;
    in->disp = disp_len == 1 ? (int8_t)disp : (int32_t)disp;
    return 0;
}

uint32_t x86_effective_address(const struct x86_insn *in, const uint32_t gpr[8], int *seg)
{
    unsigned int mod = in->modrm >> 6, rm = modrm_rm(in);
    uint32_t ea = (uint32_t)in->disp;
    int base = -1;

    if (in->has_sib) {
        unsigned int scale = in->sib >> 6, index = (in->sib >> 3) & 7, b = in->sib & 7;
        if (index != 4)
            ea += gpr[index] << scale;
        if (!(b == 5 && mod == 0))
            base = (int)b;
    } else if (!(rm == 5 && mod == 0)) {
        base = (int)rm;
    }
    if (base >= 0)
        ea += gpr[base];
    *seg = in->seg != SEG_NONE ? in->seg : (base == 4 || base == 5) ? SEG_SS : SEG_DS;
    return ea;
}

int x86_decode(struct x86_insn *in, x86_fetch_fn fetch, void *ctx)
{
    struct form f;
    uint32_t v;
    uint8_t b;
    int rc;

    *in = (struct x86_insn){ .seg = SEG_NONE };
    for (;;) {
        if ((rc = next(in, fetch, ctx, &b)))
            return rc;
        switch (b) {
        case 0x66: in->opsize = true; continue;
        case 0x67: in->adsize = true; continue;
        case 0xf0: in->lock = true; continue;
        case 0xf2: case 0xf3: in->rep = b; continue;
        case 0x26: in->seg = SEG_ES; continue;
        case 0x2e: in->seg = SEG_CS; continue;
        case 0x36: in->seg = SEG_SS; continue;
        case 0x3e: in->seg = SEG_DS; continue;
        case 0x64: in->seg = SEG_FS; continue;
        case 0x65: in->seg = SEG_GS; continue;
        }
        break;
    }
    if (b == 0x0f) {
        in->twobyte = true;
        if ((rc = next(in, fetch, ctx, &b)))
            return rc;
    }
    in->op = b;
    f = in->twobyte ? two_byte[b] : one_byte[b];
    if (!(f.flags & F_KNOWN) || ((f.flags & F_NO16) && in->opsize))
        return -EOPNOTSUPP;
    if ((f.flags & (F_MODRM | F_REGRM)) && (rc = decode_modrm(in, fetch, ctx, f)))
        return rc;
    if (f.flags & F_FAR) {
        if ((rc = next_n(in, fetch, ctx, 4, &in->far_off)) ||
            (rc = next_n(in, fetch, ctx, 2, &v)))
            return rc;
        in->far_sel = (uint16_t)v;
        in->has_far = true;
    }
    if (f.flags & (F_IMM8 | F_IMMZ)) {
        in->imm_len = (f.flags & F_IMM8) ? 1 : in->opsize ? 2 : 4;
        if ((rc = next_n(in, fetch, ctx, in->imm_len, &in->imm)))
            return rc;
    }
    return 0;
}
