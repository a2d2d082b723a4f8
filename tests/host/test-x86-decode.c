/*
 * The emulator's instruction decoder (arch/x86/x86_decode.c), from the
 * real source: every opcode form it knows, prefixes, lengths, the 15-byte
 * limit, unreadable bytes and unknown opcodes.
 */
#include "htest.h"
#include <mica/errno.h>
#include <asm/x86_decode.h>

struct buf { const uint8_t *b; unsigned int n; };

static int fetch(void *ctx, unsigned int off, uint8_t *b)
{
    const struct buf *x = ctx;
    if (off >= x->n)
        return -1;
    *b = x->b[off];
    return 0;
}

static int dec(struct x86_insn *in, const uint8_t *b, unsigned int n)
{
    struct buf x = { b, n };
    return x86_decode(in, fetch, &x);
}
#define DEC(in, ...) ({ static const uint8_t b_[] = { __VA_ARGS__ }; dec(in, b_, sizeof(b_)); })

HTEST(one_byte_forms)
{
    static const uint8_t ops[] = { 0x6c, 0x6d, 0x6e, 0x6f, 0xec, 0xed, 0xee, 0xef,
                                   0xf4, 0xfa, 0xfb };
    struct x86_insn in;
    for (unsigned int i = 0; i < sizeof(ops); i++) {
        CHECK_EQ(dec(&in, &ops[i], 1), 0);
        CHECK_EQ(in.len, 1);
        CHECK_EQ(in.op, ops[i]);
        CHECK(!in.twobyte && !in.has_modrm && !in.imm_len);
    }
}

HTEST(imm8_forms)
{
    static const uint8_t ops[] = { 0xe4, 0xe5, 0xe6, 0xe7, 0xcd };
    struct x86_insn in;
    for (unsigned int i = 0; i < sizeof(ops); i++) {
        uint8_t b[2] = { ops[i], 0x80 };
        CHECK_EQ(dec(&in, b, 2), 0);
        CHECK_EQ(in.len, 2);
        CHECK_EQ(in.imm_len, 1);
        CHECK_EQ(in.imm, 0x80);
        CHECK_EQ(dec(&in, b, 1), -EFAULT);       /* imm8 unreadable */
    }
}

HTEST(two_byte_forms)
{
    struct x86_insn in;
    CHECK_EQ(DEC(&in, 0x0f, 0x06), 0);
    CHECK(in.twobyte && in.op == 0x06 && in.len == 2);
    CHECK_EQ(DEC(&in, 0x0f, 0x09), 0);
    CHECK_EQ(DEC(&in, 0x0f, 0x08), 0);
    CHECK_EQ(DEC(&in, 0x0f, 0x30), 0);
    CHECK_EQ(DEC(&in, 0x0f, 0x32), 0);
    CHECK_EQ(in.len, 2);
    /* mov %cr3, %ebx = 0f 20 db: reg 3, rm 3 */
    CHECK_EQ(DEC(&in, 0x0f, 0x20, 0xdb), 0);
    CHECK(in.has_modrm);
    CHECK_EQ(in.len, 3);
    CHECK_EQ(modrm_reg(&in), 3);
    CHECK_EQ(modrm_rm(&in), 3);
    /* mov %eax, %db7 = 0f 23 f8; mod bits are ignored (register) */
    CHECK_EQ(DEC(&in, 0x0f, 0x23, 0x38), 0);
    CHECK_EQ(modrm_reg(&in), 7);
    CHECK_EQ(modrm_rm(&in), 0);
    CHECK_EQ(in.len, 3);
    CHECK_EQ(DEC(&in, 0x0f, 0x22), -EFAULT);  /* ModRM missing */
}

HTEST(prefixes)
{
    struct x86_insn in;
    CHECK_EQ(DEC(&in, 0x66, 0xed), 0);
    CHECK(in.opsize);
    CHECK_EQ(in.len, 2);
    CHECK_EQ(DEC(&in, 0xf3, 0x66, 0x6d), 0);
    CHECK(in.opsize);
    CHECK_EQ(in.rep, 0xf3);
    CHECK_EQ(in.len, 3);
    CHECK_EQ(DEC(&in, 0xf3, 0xf2, 0x6e), 0);
    CHECK_EQ(in.rep, 0xf2);                      /* last one wins */
    CHECK_EQ(DEC(&in, 0x64, 0x6f), 0);
    CHECK_EQ(in.seg, SEG_FS);
    CHECK_EQ(DEC(&in, 0x26, 0x2e, 0x36, 0x3e, 0x65, 0x6e), 0);
    CHECK_EQ(in.seg, SEG_GS);
    CHECK_EQ(DEC(&in, 0x6e), 0);
    CHECK_EQ(in.seg, SEG_NONE);
    CHECK_EQ(DEC(&in, 0xf0, 0x0f, 0x06), 0);
    CHECK(in.lock);
    CHECK_EQ(DEC(&in, 0x67, 0x6c), 0);
    CHECK(in.adsize);
}

HTEST(fifteen_byte_limit)
{
    uint8_t b[16];
    struct x86_insn in;

    memset(b, 0x66, sizeof(b));
    b[14] = 0xfa;                                /* 14 prefixes + cli = 15 */
    CHECK_EQ(dec(&in, b, 15), 0);
    CHECK_EQ(in.len, 15);
    b[14] = 0x66;
    b[15] = 0xfa;                                /* 16 bytes: too long */
    CHECK_EQ(dec(&in, b, 16), -E2BIG);
    memset(b, 0x66, 14);
    b[14] = 0xe4;                                /* its imm8 would be byte 16 */
    b[15] = 0x80;
    CHECK_EQ(dec(&in, b, 16), -E2BIG);
}

HTEST(unreadable_at_each_position)
{
    static const uint8_t b[] = { 0xf3, 0x66, 0x0f, 0x20, 0xc0 };
    struct x86_insn in;
    for (unsigned int n = 0; n < sizeof(b); n++)
        CHECK_EQ(dec(&in, b, n), -EFAULT);
    CHECK_EQ(dec(&in, b, sizeof(b)), 0);
}

HTEST(unknown_opcodes)
{
    struct x86_insn in;
    CHECK_EQ(DEC(&in, 0x90), -EOPNOTSUPP);           /* nop */
    CHECK_EQ(DEC(&in, 0xcc), -EOPNOTSUPP);           /* int3 */
    CHECK_EQ(DEC(&in, 0x0f, 0x01, 0x10), -EOPNOTSUPP); /* lgdt */
    CHECK_EQ(DEC(&in, 0x0f, 0x00, 0xd0), -EOPNOTSUPP); /* lldt */
    CHECK_EQ(DEC(&in, 0x0f, 0x0b), -EOPNOTSUPP);     /* ud2 */
    CHECK_EQ(DEC(&in, 0x0f, 0x34), -EOPNOTSUPP);     /* sysenter */
    CHECK_EQ(DEC(&in, 0x66, 0x9a, 0, 0, 0, 0), -EOPNOTSUPP);  /* lcall ptr16:16 */
    CHECK_EQ(DEC(&in, 0xff, 0x1b), 0);               /* lcall *(%ebx) */
    CHECK_EQ(DEC(&in, 0xff, 0xd8), -EOPNOTSUPP);     /* FF /3 with a register */
    CHECK_EQ(DEC(&in, 0xff, 0x03), -EOPNOTSUPP);     /* FF /0: inc */
    CHECK_EQ(DEC(&in, 0x67, 0xff, 0x1f), -EOPNOTSUPP); /* 16-bit addressing */
}

HTEST(far_pointer_forms)
{
    struct x86_insn in;

    CHECK_EQ(DEC(&in, 0x9a, 0x78, 0x56, 0x34, 0x12, 0x3b, 0x00), 0);
    CHECK(in.has_far && x86_is_far_call(&in) && !x86_is_far_jmp(&in));
    CHECK_EQ(in.far_off, 0x12345678);
    CHECK_EQ(in.far_sel, 0x003b);
    CHECK_EQ(in.len, 7);
    CHECK_EQ(DEC(&in, 0xea, 1, 0, 0, 0, 0x07, 0x10), 0);
    CHECK(x86_is_far_jmp(&in) && in.far_sel == 0x1007 && in.len == 7);
    CHECK_EQ(DEC(&in, 0x9a, 1, 2, 3, 4, 5), -EFAULT);
}

HTEST(far_memory_forms_and_addresses)
{
    struct x86_insn in;
    /* eax..edi */
    const uint32_t g[8] = { 0x1000, 0x2000, 0x3000, 0x4000, 0x5000, 0x6000, 0x7000, 0x8000 };
    int seg;

    CHECK_EQ(DEC(&in, 0xff, 0x1b), 0);                       /* lcall *(%ebx) */
    CHECK(x86_is_far_call(&in) && !in.has_far && in.len == 2);
    CHECK_EQ(x86_effective_address(&in, g, &seg), 0x4000);
    CHECK_EQ(seg, SEG_DS);
    CHECK_EQ(DEC(&in, 0xff, 0x1d, 0x44, 0x33, 0x22, 0x11), 0); /* lcall *0x11223344 */
    CHECK_EQ(in.len, 6);
    CHECK_EQ(x86_effective_address(&in, g, &seg), 0x11223344);
    CHECK_EQ(DEC(&in, 0xff, 0x5d, 0xf8), 0);                 /* lcall *-8(%ebp) */
    CHECK_EQ(x86_effective_address(&in, g, &seg), 0x6000 - 8);
    CHECK_EQ(seg, SEG_SS);
    CHECK_EQ(DEC(&in, 0xff, 0x2c, 0x24), 0);                 /* ljmp *(%esp) */
    CHECK(x86_is_far_jmp(&in) && in.has_sib && in.len == 3);
    CHECK_EQ(x86_effective_address(&in, g, &seg), 0x5000);
    CHECK_EQ(seg, SEG_SS);
    /* lcall *0x10(%eax,%esi,4) = ff 5c b0 10 */
    CHECK_EQ(DEC(&in, 0xff, 0x5c, 0xb0, 0x10), 0);
    CHECK_EQ(x86_effective_address(&in, g, &seg), 0x1000 + 0x7000 * 4 + 0x10);
    CHECK_EQ(seg, SEG_DS);
    /* lcall *0x100(,%edx,2) = ff 1c 55 00 01 00 00 (no base) */
    CHECK_EQ(DEC(&in, 0xff, 0x1c, 0x55, 0x00, 0x01, 0x00, 0x00), 0);
    CHECK_EQ(in.len, 7);
    CHECK_EQ(x86_effective_address(&in, g, &seg), 0x100 + 0x3000 * 2);
    /* lcall %fs:0x80(%ebp,%ecx) = 64 ff 9c 0d 80 00 00 00 */
    CHECK_EQ(DEC(&in, 0x64, 0xff, 0x9c, 0x0d, 0x80, 0, 0, 0), 0);
    CHECK_EQ(x86_effective_address(&in, g, &seg), 0x6000 + 0x2000 + 0x80);
    CHECK_EQ(seg, SEG_FS);
    CHECK_EQ(DEC(&in, 0xff, 0x9c, 0x0d, 0x80, 0, 0), -EFAULT);  /* disp cut short */
}

/* The writable-page-table assist's store forms decode here too (their
 * meaning is pte_write_emul.c's, tested in test-pte-write). */
HTEST(store_forms_and_immediates)
{
    struct x86_insn in;

    CHECK_EQ(DEC(&in, 0x89, 0x84, 0x8b, 0x00, 0x10, 0x00, 0x00), 0);  /* SIB + disp32 */
    CHECK(in.has_modrm && in.has_sib && in.len == 7 && in.disp == 0x1000);
    CHECK_EQ(DEC(&in, 0xc7, 0x40, 0xf8, 0x67, 0x45, 0x23, 0x01), 0); /* movl $imm,-8(%eax) */
    CHECK(in.len == 7 && in.imm_len == 4 && in.imm == 0x01234567 && in.disp == -8);
    CHECK_EQ(DEC(&in, 0x66, 0xc7, 0x00, 0x34, 0x12), 0);              /* movw $imm16 */
    CHECK(in.opsize && in.imm_len == 2 && in.imm == 0x1234 && in.len == 5);
    CHECK_EQ(DEC(&in, 0x83, 0x20, 0xfd), 0);                          /* andl $-3,(%eax) */
    CHECK(in.imm_len == 1 && in.imm == 0xfd);
    CHECK_EQ(DEC(&in, 0xf0, 0x0f, 0xc7, 0x0e), 0);                    /* lock cmpxchg8b */
    CHECK(in.lock && in.twobyte && in.op == 0xc7 && in.len == 4);
    CHECK_EQ(DEC(&in, 0x0f, 0xba, 0x28, 0x01), 0);                    /* btsl $1,(%eax) */
    CHECK(in.imm == 1 && in.len == 4);
    CHECK_EQ(DEC(&in, 0x89, 0xc1), -EOPNOTSUPP);       /* register destination */
    CHECK_EQ(DEC(&in, 0x0f, 0xc7, 0x06), -EOPNOTSUPP); /* 0F C7 /0 */
    CHECK_EQ(DEC(&in, 0x81, 0x30, 0, 0, 0, 0), -EOPNOTSUPP);  /* 81 /6: xor */
    CHECK_EQ(DEC(&in, 0x0f, 0xba, 0x20, 1), -EOPNOTSUPP);     /* 0F BA /4: bt */
    CHECK_EQ(DEC(&in, 0x67, 0x89, 0x01), -EOPNOTSUPP);        /* 16-bit addressing */
    CHECK_EQ(DEC(&in, 0xc7, 0x00, 1, 2), -EFAULT);            /* imm cut short */
}
