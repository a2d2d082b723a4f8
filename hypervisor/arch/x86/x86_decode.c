/*
 * Decoding the instructions the #GP emulator (emulate.c) handles.
 *
 * Why so little: everything a ring-1 kernel legitimately needs from the
 * hypervisor's emulator is a dozen opcodes (fact sheet §7.7).  A general
 * decoder would be a large attack surface for no gain; here an unknown
 * opcode is simply "not emulated" and the guest receives the #GP it
 * caused.  The decoder never touches guest memory itself: bytes come
 * through a fetch callback (which reads through the guest's page tables
 * in the hypervisor, and from an array in the host tests), one at a time,
 * so an instruction ending at the last mapped byte is still decodable.
 *
 * Known forms (32-bit code; every legacy prefix accepted up to the 15-byte
 * limit):
 *   6C-6F ins/outs   E4-E7 in/out imm8   EC-EF in/out dx   CD int imm8
 *   F4 hlt   FA cli   FB sti
 *   0F 06 clts   0F 08 invd   0F 09 wbinvd   0F 20-23 mov cr/dr (ModRM,
 *   whose mod field the CPU ignores: always a register)   0F 30 wrmsr
 *   0F 32 rdmsr   0F A2 cpuid (only with CPUID faulting, msr.c)
 *   9A lcall ptr16:32   EA ljmp ptr16:32   FF /3 lcall m16:32   FF /5 ljmp
 *   m16:32 (call gates, gate_op.c; 32-bit operand and address size only)
 */
#include <mica/types.h>
#include <mica/errno.h>
#include <asm/x86_decode.h>

static int next(struct x86_insn *in, x86_fetch_fn fetch, void *ctx, uint8_t *b)
{
    if (in->len >= X86_MAX_INSN_LEN)
        return -E2BIG;
    if (fetch(ctx, in->len, b))
        return -EFAULT;
    in->len++;
    return 0;
}

/* FF /3 or /5 with a memory operand, 32-bit addressing. */
static int decode_far_mem(struct x86_insn *in, x86_fetch_fn fetch, void *ctx)
{
    unsigned int mod, disp_len = 0;
    uint8_t b;
    int rc;

    if ((rc = next(in, fetch, ctx, &in->modrm)))
        return rc;
    in->has_modrm = true;
    mod = in->modrm >> 6;
    if ((modrm_reg(in) != 3 && modrm_reg(in) != 5) || mod == 3 || in->adsize || in->opsize)
        return -EOPNOTSUPP;
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
    for (unsigned int i = 0; i < disp_len; i++) {
        if ((rc = next(in, fetch, ctx, &b)))
            return rc;
        in->disp |= (int32_t)((uint32_t)b << (8 * i));
    }
    if (disp_len == 1)
        in->disp = (int8_t)in->disp;
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

    if (b != 0x0f) {
        in->op = b;
        switch (b) {
        case 0x9a: case 0xea:
            if (in->opsize)
                return -EOPNOTSUPP;             /* ptr16:16 */
            for (unsigned int i = 0; i < 6; i++) {
                uint8_t x;
                if ((rc = next(in, fetch, ctx, &x)))
                    return rc;
                if (i < 4)
                    in->far_off |= (uint32_t)x << (8 * i);
                else
                    in->far_sel |= (uint16_t)(x << (8 * (i - 4)));
            }
            in->has_far = true;
            return 0;
        case 0xff:
            return decode_far_mem(in, fetch, ctx);
        case 0x6c: case 0x6d: case 0x6e: case 0x6f:
        case 0xec: case 0xed: case 0xee: case 0xef:
        case 0xf4: case 0xfa: case 0xfb:
            return 0;
        case 0xe4: case 0xe5: case 0xe6: case 0xe7: case 0xcd:
            if ((rc = next(in, fetch, ctx, &in->imm8)))
                return rc;
            in->has_imm8 = true;
            return 0;
        default:
            return -EOPNOTSUPP;
        }
    }

    in->twobyte = true;
    if ((rc = next(in, fetch, ctx, &in->op)))
        return rc;
    switch (in->op) {
    case 0x06: case 0x08: case 0x09: case 0x30: case 0x32: case 0xa2:
        return 0;
    case 0x20: case 0x21: case 0x22: case 0x23:
        if ((rc = next(in, fetch, ctx, &in->modrm)))
            return rc;
        in->has_modrm = true;
        return 0;
    default:
        return -EOPNOTSUPP;
    }
}
