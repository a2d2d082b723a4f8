/*
 * Every descriptor and selector rule of arch/x86/desc_check.c, compiled
 * from the real source: what a guest may put in its GDT/LDT
 * (set_gdt, update_descriptor, LDT pages) and which selectors it may
 * register for its handlers and kernel stack.
 */
#include "htest.h"
#include <public/xen.h>
#include <asm/desc_check.h>

/* Build a code/data descriptor. */
static uint64_t seg(uint32_t base, uint32_t limit20, unsigned int type,
                    unsigned int dpl, bool s, bool l, bool db, bool g, bool p)
{
    return (limit20 & 0xffff) | ((uint64_t)(base & 0xffffff) << 16) |
           ((uint64_t)type << 40) | ((uint64_t)s << 44) | ((uint64_t)dpl << 45) |
           ((uint64_t)p << 47) | ((uint64_t)((limit20 >> 16) & 0xf) << 48) |
           ((uint64_t)l << 53) | ((uint64_t)db << 54) | ((uint64_t)g << 55) |
           ((uint64_t)(base >> 24) << 56);
}
#define CODE(dpl) seg(0, 0xfffff, 0xa, dpl, 1, 0, 1, 1, 1)   /* exec/read */
#define DATA(dpl) seg(0, 0xfffff, 0x2, dpl, 1, 0, 1, 1, 1)   /* read/write */

static uint64_t gate(uint16_t sel, uint32_t off, unsigned int dpl, unsigned int params)
{
    return (off & 0xffff) | ((uint64_t)sel << 16) | ((uint64_t)params << 32) |
           (0xcULL << 40) | ((uint64_t)dpl << 45) | DESC_P |
           ((uint64_t)(off >> 16) << 48);
}

HTEST(not_present_accepted_unchanged)
{
    uint64_t cases[] = { 0, CODE(0) & ~DESC_P, gate(0xe008, 0, 3, 0) & ~DESC_P,
                         (0x9ULL << 40) /* TSS, not present */, ~DESC_P };
    for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t d = cases[i];
        CHECK(check_descriptor(&d));
        CHECK_EQ(d, cases[i]);
    }
}

HTEST(dpl0_code_and_data_raised_to_1)
{
    uint64_t c = CODE(0), d = DATA(0);
    CHECK(check_descriptor(&c));
    CHECK(check_descriptor(&d));
    CHECK_EQ(desc_dpl(c), 1);
    CHECK_EQ(desc_dpl(d), 1);
    CHECK_EQ(c & ~(DESC_DPL_MASK | DESC_ACCESSED), CODE(0));
}

HTEST(dpl_1_2_3_kept_and_accessed_preset)
{
    for (unsigned int dpl = 1; dpl <= 3; dpl++) {
        uint64_t c = CODE(dpl), d = DATA(dpl);
        CHECK(check_descriptor(&c));
        CHECK(check_descriptor(&d));
        CHECK_EQ(c, CODE(dpl) | DESC_ACCESSED);
        CHECK_EQ(d, DATA(dpl) | DESC_ACCESSED);
    }
}

HTEST(long_mode_code_refused)
{
    for (unsigned int dpl = 0; dpl <= 3; dpl++) {
        uint64_t c = seg(0, 0xfffff, 0xa, dpl, 1, 1, 0, 1, 1), orig = c;
        CHECK(!check_descriptor(&c));
        CHECK_EQ(c, orig);                          /* untouched */
        c = seg(0, 0xfffff, 0xe, dpl, 1, 1, 1, 1, 1);  /* conforming, L+D */
        CHECK(!check_descriptor(&c));
    }
    /* L means nothing on data: accepted. */
    uint64_t d = seg(0, 0xfffff, 0x2, 1, 1, 1, 0, 1, 1);
    CHECK(check_descriptor(&d));
}

HTEST(limits_and_bases_free_in_32_on_64)
{
    uint64_t cases[] = {
        seg(0xf5800000, 0xfffff, 0x2, 1, 1, 0, 1, 1, 1),  /* base in the hole */
        seg(0xfffff000, 0xfffff, 0x2, 3, 1, 0, 1, 1, 1),  /* wraps 4 GiB */
        seg(0, 0xfffff, 0x6, 1, 1, 0, 1, 0, 1),           /* expand-down, bytes */
        seg(0x1000, 0x10, 0xe, 2, 1, 0, 1, 0, 1),         /* conforming code */
    };
    for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        uint64_t d = cases[i];
        CHECK(check_descriptor(&d));
        CHECK_EQ(desc_base(d), desc_base(cases[i]));
        CHECK_EQ(desc_limit(d), desc_limit(cases[i]));
    }
    CHECK_EQ(desc_base(cases[0]), 0xf5800000);
    CHECK_EQ(desc_limit(cases[0]), 0xffffffff);
    CHECK_EQ(desc_limit(cases[2]), 0xfffff);
}

HTEST(system_descriptors_refused)
{
    for (unsigned int type = 1; type < 16; type++) {
        if (type == SYS_TYPE_CALL_GATE)
            continue;
        for (unsigned int dpl = 0; dpl <= 3; dpl++) {
            uint64_t d = seg(0x1000, 0x67, type, dpl, 0, 0, 0, 0, 1), orig = d;
            CHECK(!check_descriptor(&d));
            CHECK_EQ(d, orig);
        }
    }
    /* Present type 0: the upper half of a gate, harmless. */
    uint64_t z = DESC_P | (3ULL << DESC_DPL_SHIFT);
    CHECK(check_descriptor(&z));
    CHECK_EQ(z, DESC_P | (3ULL << DESC_DPL_SHIFT));
}

HTEST(call_gate_neutered_real_dpl_in_rpl)
{
    for (unsigned int dpl = 0; dpl <= 3; dpl++) {
        uint64_t g = gate(0x0808, 0x12345678, dpl, 2);
        CHECK(check_descriptor(&g));
        CHECK_EQ(desc_dpl(g), 0);                  /* every use faults */
        CHECK_EQ(gate_real_dpl(g), dpl ? dpl : 1);
        CHECK_EQ(gate_selector(g) & ~3, 0x0808);
        CHECK_EQ(gate_offset(g), 0x12345678);
        CHECK_EQ(gate_params(g), 2);
        CHECK(g & DESC_P);
    }
}

HTEST(call_gate_targets)
{
    static const struct { uint16_t sel; bool ok; } t[] = {
        { 0x0808, true }, { 0x080b, true },             /* guest GDT */
        { 0x000c, true }, { 0x0fff, true },             /* guest LDT */
        { FLAT_RING1_CS, true }, { FLAT_RING1_CS & ~3, true },
        { 0x0000, false }, { 0x0003, false },           /* null */
        { 0xe008, false }, { 0xe009, false },           /* hypervisor code */
        { 0xe010, false }, { FLAT_RING1_DS, false },
        { FLAT_RING3_CS, false }, { 0xe040, false }, { 0xfff8, false },
        { 0xdff8, true },                               /* last guest entry */
    };
    for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        uint64_t g = gate(t[i].sel, 0x1000, 3, 0), orig = g;
        bool ok = check_descriptor(&g);
        if (!CHECK_EQ(ok, t[i].ok))
            printf("  selector %#x\n", t[i].sel);
        if (!ok)
            CHECK_EQ(g, orig);
        CHECK_EQ(gate_target_ok(t[i].sel), t[i].ok);
    }
}

HTEST(call_gate_reserved_bits_refused)
{
    for (unsigned int bit = 37; bit <= 39; bit++) {
        uint64_t g = gate(0x0808, 0, 3, 0) | (1ULL << bit);
        CHECK(!check_descriptor(&g));
    }
    uint64_t g = gate(0x0808, 0, 3, 31);            /* 31 parameters: fine */
    CHECK(check_descriptor(&g));
}

HTEST(already_neutered_gate_keeps_its_dpl)
{
    /* A DPL-0 gate is read as already in the hypervisor's form. */
    uint64_t g = gate(0x080b, 0x1000, 0, 0);
    CHECK(check_descriptor(&g));
    CHECK_EQ(gate_real_dpl(g), 3);
    g = gate(0x0808, 0x1000, 0, 0);                 /* RPL 0: raised to 1 */
    CHECK(check_descriptor(&g));
    CHECK_EQ(gate_real_dpl(g), 1);
}

HTEST(checking_is_idempotent)
{
    uint64_t x = 0x9e3779b97f4a7c15ULL;
    for (unsigned int i = 0; i < 200000; i++) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;          /* xorshift */
        uint64_t d = x;
        if (i & 1)
            d |= DESC_P;
        if (!check_descriptor(&d))
            continue;
        uint64_t again = d;
        if (!CHECK(check_descriptor(&again)) || !CHECK_EQ(again, d))
            return;
        /* An accepted present code segment is never 64-bit or DPL 0. */
        if ((d & DESC_P) && (d & DESC_S)) {
            CHECK(desc_dpl(d) != 0);
            if (d & DESC_CODE)
                CHECK(!(d & DESC_L));
        }
        /* An accepted present system descriptor is a neutered gate or type 0. */
        if ((d & DESC_P) && !(d & DESC_S) && desc_type(d) != 0) {
            CHECK_EQ(desc_type(d), SYS_TYPE_CALL_GATE);
            CHECK_EQ(desc_dpl(d), 0);
            CHECK(gate_target_ok(gate_selector(d)));
        }
    }
}

HTEST(descriptor_page_all_or_nothing)
{
    static uint64_t page[512];
    for (unsigned int i = 0; i < 512; i++)
        page[i] = DATA(0);
    page[300] = seg(0, 0xfffff, 0xa, 1, 1, 1, 0, 1, 1);   /* 64-bit code */
    CHECK(!descriptor_page_ok(page));
    CHECK_EQ(page[0], DATA(0));                          /* nothing changed */
    page[300] = CODE(0);
    CHECK(descriptor_page_ok(page));
    CHECK_EQ(page[0], DATA(0));                          /* checking alone: no change */
    fixup_descriptor_page(page);
    for (unsigned int i = 0; i < 512; i++)
        CHECK_EQ(desc_dpl(page[i]), 1);
}

HTEST(code_selectors)
{
    static const struct { uint16_t in, out; bool ok; } t[] = {
        { FLAT_RING1_CS, FLAT_RING1_CS, true },
        { FLAT_RING1_CS & ~3, FLAT_RING1_CS, true },        /* RPL 0 -> 1 */
        { 0x0808, 0x0809, true }, { 0x0809, 0x0809, true },
        { 0x000c, 0x000d, true }, { 0x0004, 0x0005, true }, /* LDT 0 is real */
        { 0xdff8, 0xdff9, true },
        { FLAT_RING1_CS | 2, 0, false }, { FLAT_RING3_CS, 0, false },
        { 0x080b, 0, false }, { 0x000f, 0, false },          /* RPL 3 */
        { 0x0000, 0, false }, { 0x0001, 0, false }, { 0x0003, 0, false },
        { 0xe008, 0, false }, { 0xe009, 0, false }, { 0xe001, 0, false },
        { FLAT_RING1_DS, 0, false }, { 0xe041, 0, false }, { 0xfff9, 0, false },
    };
    for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        uint16_t s = t[i].in;
        bool ok = fixup_guest_code_selector(&s);
        if (!CHECK_EQ(ok, t[i].ok))
            printf("  selector %#x\n", t[i].in);
        CHECK_EQ(s, ok ? t[i].out : t[i].in);
    }
}

HTEST(stack_selectors)
{
    static const struct { uint16_t in, out; bool ok; } t[] = {
        { FLAT_RING1_SS, FLAT_RING1_SS, true }, { FLAT_RING1_SS & ~3, FLAT_RING1_SS, true },
        { 0x0810, 0x0811, true }, { 0x0014, 0x0015, true },
        { FLAT_RING1_CS, 0, false }, { FLAT_RING3_SS, 0, false }, { 0xe010, 0, false },
        { 0x0813, 0, false }, { 0, 0, false },
    };
    for (unsigned int i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        uint16_t s = t[i].in;
        bool ok = fixup_guest_stack_selector(&s);
        if (!CHECK_EQ(ok, t[i].ok))
            printf("  selector %#x\n", t[i].in);
        if (ok)
            CHECK_EQ(s, t[i].out);
    }
}
