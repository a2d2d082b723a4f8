/*
 * The PTE-store subset decoder and executor (arch/x86/pte_write_emul.c):
 * every supported form with its length (ModRM with SIB, disp8, disp32,
 * prefixes), the byte forms (mov, and/or: Linux's clear_bit of a PTE's RW
 * at fork), every refusal (operand/address-size prefixes, rep, register
 * destinations, other opcodes, truncated bytes), and the architectural
 * results: values stored, registers exchanged, cmpxchg success and failure
 * with their flags, bit operations' carry.
 */
#include "htest.h"
#include <mica/types.h>
#include <asm/pte_write_emul.h>

#define DECODE(w, ...) ({ static const uint8_t b_[] = { __VA_ARGS__ }; \
                          pte_write_decode(b_, sizeof(b_), (w)); })

HTEST(mov_forms_and_lengths)
{
    struct pte_write w;
    CHECK_EQ(DECODE(&w, 0x89, 0x01), 0);                 /* mov %eax,(%ecx) */
    CHECK_EQ(w.op, PW_MOV); CHECK_EQ(w.len, 2); CHECK_EQ(w.reg, PTE_EAX); CHECK_EQ(w.size, 4);
    CHECK_EQ(DECODE(&w, 0x89, 0x53, 0x04), 0);           /* mov %edx,4(%ebx) */
    CHECK_EQ(w.len, 3); CHECK_EQ(w.reg, PTE_EDX);
    CHECK_EQ(DECODE(&w, 0x89, 0x84, 0x8b, 0x00, 0x10, 0x00, 0x00), 0); /* SIB + disp32 */
    CHECK_EQ(w.len, 7);
    CHECK_EQ(DECODE(&w, 0x89, 0x04, 0x25, 1, 2, 3, 4), 0);  /* SIB, no base: disp32 */
    CHECK_EQ(w.len, 7);
    CHECK_EQ(DECODE(&w, 0x89, 0x05, 1, 2, 3, 4), 0);     /* disp32 absolute */
    CHECK_EQ(w.len, 6);
    CHECK_EQ(DECODE(&w, 0xc7, 0x00, 0x67, 0x45, 0x23, 0x01), 0);  /* movl $imm,(%eax) */
    CHECK_EQ(w.len, 6); CHECK(w.has_imm); CHECK_EQ(w.imm, 0x01234567);
    CHECK_EQ(DECODE(&w, 0x3e, 0x89, 0x01), 0);           /* ds: prefix */
    CHECK_EQ(w.len, 3);
    CHECK_EQ(DECODE(&w, 0x65, 0xc7, 0x40, 0x08, 1, 0, 0, 0), 0);  /* gs: disp8 + imm */
    CHECK_EQ(w.len, 8);
}

HTEST(atomic_forms)
{
    struct pte_write w;
    CHECK_EQ(DECODE(&w, 0xf0, 0x0f, 0xc7, 0x0e), 0);     /* lock cmpxchg8b (%esi) */
    CHECK_EQ(w.op, PW_CMPXCHG8B); CHECK_EQ(w.size, 8); CHECK_EQ(w.len, 4);
    CHECK_EQ(DECODE(&w, 0x0f, 0xb1, 0x11), 0);           /* cmpxchg %edx,(%ecx) */
    CHECK_EQ(w.op, PW_CMPXCHG); CHECK_EQ(w.reg, PTE_EDX); CHECK_EQ(w.len, 3);
    CHECK_EQ(DECODE(&w, 0x87, 0x03), 0);                 /* xchg %eax,(%ebx) */
    CHECK_EQ(w.op, PW_XCHG);
    CHECK_EQ(DECODE(&w, 0xf0, 0x0f, 0xb3, 0x08), 0);     /* lock btr %ecx,(%eax) */
    CHECK_EQ(w.op, PW_BTR); CHECK_EQ(w.reg, PTE_ECX);
    CHECK_EQ(DECODE(&w, 0x0f, 0xba, 0x28, 0x01), 0);     /* btsl $1,(%eax) */
    CHECK_EQ(w.op, PW_BTS); CHECK_EQ(w.imm, 1); CHECK_EQ(w.len, 4);
    CHECK_EQ(DECODE(&w, 0x83, 0x20, 0xfd), 0);           /* andl $-3,(%eax) */
    CHECK_EQ(w.op, PW_AND); CHECK_EQ(w.imm, 0xfffffffdu);
    CHECK_EQ(DECODE(&w, 0x81, 0x08, 0x02, 0, 0, 0), 0);  /* orl $2,(%eax) */
    CHECK_EQ(w.op, PW_OR); CHECK_EQ(w.imm, 2); CHECK_EQ(w.len, 6);
    CHECK_EQ(DECODE(&w, 0x09, 0x10), 0);                 /* or %edx,(%eax) */
    CHECK_EQ(DECODE(&w, 0x21, 0x10), 0);                 /* and %edx,(%eax) */
}

HTEST(byte_forms)
{
    struct pte_write w;
    CHECK_EQ(DECODE(&w, 0x80, 0x20, 0xfd), 0);           /* andb $0xfd,(%eax) */
    CHECK_EQ(w.op, PW_AND); CHECK_EQ(w.size, 1); CHECK_EQ(w.len, 3); CHECK_EQ(w.imm, 0xfd);
    CHECK_EQ(DECODE(&w, 0x80, 0x48, 0x01, 0x02), 0);     /* orb $2,1(%eax) */
    CHECK_EQ(w.op, PW_OR); CHECK_EQ(w.size, 1); CHECK_EQ(w.len, 4);
    CHECK_EQ(DECODE(&w, 0x88, 0x21), 0);                 /* mov %ah,(%ecx) */
    CHECK_EQ(w.op, PW_MOV); CHECK_EQ(w.size, 1); CHECK_EQ(w.reg, 4);
    CHECK_EQ(DECODE(&w, 0xc6, 0x00, 0x63), 0);           /* movb $0x63,(%eax) */
    CHECK_EQ(w.op, PW_MOV); CHECK_EQ(w.size, 1); CHECK_EQ(w.imm, 0x63);
    CHECK_EQ(DECODE(&w, 0x08, 0x10), 0);                 /* or %dl,(%eax) */
    CHECK_EQ(w.op, PW_OR); CHECK_EQ(w.size, 1);
    CHECK_EQ(DECODE(&w, 0x20, 0x10), 0);                 /* and %dl,(%eax) */
    CHECK_EQ(w.op, PW_AND); CHECK_EQ(w.size, 1);
}

HTEST(byte_results)
{
    struct pte_write w;
    struct pte_regs r = { .gpr = { 0x1234abcd, 0, 0x7f, 0 }, .eflags = 0x202 };
    uint64_t v;

    DECODE(&w, 0x80, 0x20, 0xfd);                        /* andb $0xfd: RW off */
    CHECK(pte_write_apply(&w, 0x67, &v, &r)); CHECK_EQ(v, 0x65);
    CHECK(!(r.eflags & 0x40)); CHECK(!(r.eflags & 0x80));
    CHECK(pte_write_apply(&w, 0x02, &v, &r)); CHECK_EQ(v, 0); CHECK(r.eflags & 0x40);
    DECODE(&w, 0x80, 0x08, 0x80);                        /* orb $0x80: SF of a byte */
    CHECK(pte_write_apply(&w, 0x01, &v, &r)); CHECK_EQ(v, 0x81); CHECK(r.eflags & 0x80);
    DECODE(&w, 0x88, 0x21);                              /* mov %ah,(%ecx) */
    CHECK(pte_write_apply(&w, 0xff, &v, &r)); CHECK_EQ(v, 0xab);
    DECODE(&w, 0x88, 0x01);                              /* mov %al,(%ecx) */
    CHECK(pte_write_apply(&w, 0xff, &v, &r)); CHECK_EQ(v, 0xcd);
    DECODE(&w, 0x20, 0x10);                              /* and %dl,(%eax) */
    CHECK(pte_write_apply(&w, 0xf1, &v, &r)); CHECK_EQ(v, 0x71);
}

HTEST(refusals)
{
    struct pte_write w;
    CHECK_EQ(DECODE(&w, 0x66, 0x89, 0x01), -1);          /* 16-bit store */
    CHECK_EQ(DECODE(&w, 0x67, 0x89, 0x01), -1);          /* 16-bit addressing */
    CHECK_EQ(DECODE(&w, 0xf3, 0xab), -1);                /* rep stos */
    CHECK_EQ(DECODE(&w, 0x89, 0xc1), -1);                /* register destination */
    CHECK_EQ(DECODE(&w, 0x86, 0x01), -1);                /* byte xchg */
    CHECK_EQ(DECODE(&w, 0x80, 0x30, 0x01), -1);          /* xorb imm */
    CHECK_EQ(DECODE(&w, 0xc6, 0x08, 0x01), -1);          /* C6 /1 */
    CHECK_EQ(DECODE(&w, 0x88, 0xc1), -1);                /* byte register destination */
    CHECK_EQ(DECODE(&w, 0x0f, 0xc7, 0x06), -1);          /* 0F C7 /0 */
    CHECK_EQ(DECODE(&w, 0xc7, 0x08, 0, 0, 0, 0), -1);    /* C7 /1 */
    CHECK_EQ(DECODE(&w, 0x81, 0x30, 0, 0, 0, 0), -1);    /* xor imm */
    CHECK_EQ(DECODE(&w, 0x0f, 0xba, 0x20, 1), -1);       /* bt (read only) */
    CHECK_EQ(DECODE(&w, 0x89), -1);                      /* truncated */
    CHECK_EQ(DECODE(&w, 0x89, 0x84, 0x8b, 0x00), -1);
    CHECK_EQ(DECODE(&w, 0xc7, 0x00, 1, 2), -1);
    CHECK_EQ(DECODE(&w, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0,
                    0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0x89, 0x01), -1); /* > 15 bytes */
    CHECK_EQ(pte_write_decode(NULL, 0, &w), -1);
}

HTEST(results)
{
    struct pte_write w;
    struct pte_regs r = { .gpr = { 0x11, 0x22, 0x33, 0x44, 0, 0, 0x77, 0x88 }, .eflags = 0x202 };
    uint64_t v;

    DECODE(&w, 0x89, 0x3e);                              /* mov %edi,(%esi) */
    CHECK(pte_write_apply(&w, 0x5, &v, &r)); CHECK_EQ(v, 0x88);
    DECODE(&w, 0x87, 0x03);                              /* xchg %eax,(%ebx) */
    CHECK(pte_write_apply(&w, 0x99, &v, &r)); CHECK_EQ(v, 0x11); CHECK_EQ(r.gpr[PTE_EAX], 0x99);

    /* cmpxchg: match stores and sets ZF; mismatch loads EAX, clears ZF */
    DECODE(&w, 0x0f, 0xb1, 0x11);
    r.gpr[PTE_EAX] = 7; r.gpr[PTE_EDX] = 0xabc;
    CHECK(pte_write_apply(&w, 7, &v, &r)); CHECK_EQ(v, 0xabc); CHECK(r.eflags & 0x40);
    CHECK(!pte_write_apply(&w, 9, &v, &r)); CHECK_EQ(r.gpr[PTE_EAX], 9); CHECK(!(r.eflags & 0x40));
    CHECK(r.eflags & 0x1);                               /* 7 - 9 borrows */

    /* cmpxchg8b on a 64-bit entry */
    DECODE(&w, 0xf0, 0x0f, 0xc7, 0x0e);
    r.gpr[PTE_EDX] = 0x1; r.gpr[PTE_EAX] = 0x2; r.gpr[PTE_ECX] = 0x3; r.gpr[PTE_EBX] = 0x4;
    CHECK(pte_write_apply(&w, 0x100000002ULL, &v, &r)); CHECK_EQ(v, 0x300000004ULL);
    CHECK(r.eflags & 0x40);
    CHECK(!pte_write_apply(&w, 0x500000006ULL, &v, &r));
    CHECK_EQ(r.gpr[PTE_EDX], 5); CHECK_EQ(r.gpr[PTE_EAX], 6); CHECK(!(r.eflags & 0x40));

    /* bit operations and logic */
    DECODE(&w, 0x0f, 0xb3, 0x08);                        /* btr %ecx,(%eax) */
    r.gpr[PTE_ECX] = 33;                                 /* bit 1 of this dword */
    CHECK(pte_write_apply(&w, 0x3, &v, &r)); CHECK_EQ(v, 0x1); CHECK(r.eflags & 1);
    DECODE(&w, 0x0f, 0xba, 0x28, 0x05);                  /* bts $5 */
    CHECK(pte_write_apply(&w, 0x0, &v, &r)); CHECK_EQ(v, 0x20); CHECK(!(r.eflags & 1));
    DECODE(&w, 0x83, 0x20, 0xfd);                        /* and $-3 */
    CHECK(pte_write_apply(&w, 0x2, &v, &r)); CHECK_EQ(v, 0); CHECK(r.eflags & 0x40);
    DECODE(&w, 0x81, 0x08, 0x02, 0, 0, 0);               /* or $2 */
    CHECK(pte_write_apply(&w, 0x80000001u, &v, &r)); CHECK_EQ(v, 0x80000003u);
    CHECK(r.eflags & 0x80);                              /* SF */
}
