/*
 * Descriptor tables: GDT, TSS and IDT.
 *
 * The GDT is a 16-page area at GDT_VIRT_START.  Pages 0-13 (entries
 * 0-7167) belong to the running guest: they map the frames it registered
 * with set_gdt, or a shared zero page (no present descriptors) when it has
 * none.  Page 14 (entries 7168-7679, selectors 0xe000-0xeff8) is the
 * hypervisor's reserved page, laid out as the ABI fixes it:
 *
 *   +0 0xe000  null           +4 0xe021  ring-1 data (flat, 32-bit)
 *   +1 0xe008  hv 64-bit code +5 0xe02b  ring-3 code (flat, 32-bit)
 *   +2 0xe010  hv data        +6 0xe033  ring-3 data (flat, 32-bit)
 *   +3 0xe019  ring-1 code    +8/+9 0xe040 64-bit TSS   +10/+11 LDT
 *
 * The four guest selectors are 32-bit (L=0, D=1) descriptors, so a guest
 * running on them is in compatibility mode and can form only 32-bit linear
 * addresses; the hypervisor above 4 GiB is out of its reach by
 * construction (the 32-on-64 flavour: flat 4 GiB guest segments).  Their
 * accessed bits are preset so the CPU never needs to write them.
 *
 * #DB, NMI, #DF and #MC have stacks of their own (IST): they can arrive
 * where RSP is not a hypervisor stack (the first instructions after a
 * SYSCALL), see entry.S's ist_interrupt.
 *
 * The IDT has a stub for every vector (entry.S).  All gates are interrupt
 * gates with DPL 0, except: #BP and #OF (DPL 3, so int3/into from any ring
 * arrive as those exceptions), the hypercall vector 0x82 (DPL 1: the
 * guest kernel may call it, its user space may not), and 0x80, whose DPL
 * follows the running vCPU's trap_table[0x80] (desc_set_int80_dpl): with a
 * handler of DPL n, `int $0x80` from rings <= n enters its own short stub
 * instead of the #GP emulation path (docs/traps.md).  Every
 * other software INT n faults with #GP and is emulated from the guest's
 * virtual IDT.
 *
 * The guest LDT: entries +10/+11 of the reserved page hold a 64-bit LDT
 * descriptor for the LDT area (LDT_VIRT_START, see gdt_ldt.c), rewritten
 * and reloaded with LLDT whenever the running vCPU's LDT changes.
 */
#include <mica/types.h>
#include <mica/lib.h>
#include <mica/printk.h>
#include <asm/config.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/desc.h>
#include <asm/pv.h>
#include <public/xen.h>

struct __packed tss64 {
    uint32_t rsvd0;
    uint64_t rsp[3];
    uint64_t rsvd1;
    uint64_t ist[7];
    uint64_t rsvd2;
    uint16_t rsvd3;
    uint16_t iomap_base;
};

struct __packed gate64 {
    uint16_t off0, sel;
    uint8_t ist, type_attr;
    uint16_t off1;
    uint32_t off2, rsvd;
};

struct __packed dtr { uint16_t limit; uint64_t base; };

static struct tss64 tss __aligned(64);
static struct gate64 idt[256] __aligned(16);
static uint8_t gdt_reserved_page[PAGE_SIZE] __aligned(PAGE_SIZE);
static uint8_t gdt_zero_page[PAGE_SIZE] __aligned(PAGE_SIZE);

extern const uint64_t vector_stub_table[256];
extern char cpu0_stack_top[], ist_stacks[];

/* Flat 4 GiB segment: base 0, limit 0xfffff pages, G=1, accessed. */
#define DESC_FLAT(type, dpl, flags) \
    ((0xffffULL) | (0xfULL << 48) | ((uint64_t)(type) << 40) | \
     ((uint64_t)(dpl) << 45) | (1ULL << 47) | ((uint64_t)(flags) << 52))
#define SEG_CODE_RX_A 0x1b   /* S=1 code, readable, accessed */
#define SEG_DATA_RW_A 0x13   /* S=1 data, writable, accessed */
#define FL_L   0x2           /* 64-bit code */
#define FL_DB  0x4           /* 32-bit */
#define FL_G   0x8

static void set_gate(unsigned int vec, uint64_t handler, unsigned int dpl,
                     unsigned int ist)
{
    idt[vec] = (struct gate64){
        .off0 = handler & 0xffff, .sel = HV_CS, .ist = (uint8_t)ist,
        .type_attr = (uint8_t)(0x80 | (dpl << 5) | 0xe),   /* present, interrupt gate */
        .off1 = (handler >> 16) & 0xffff, .off2 = (uint32_t)(handler >> 32),
    };
}

void desc_init(void)
{
    uint64_t *gdt = (uint64_t *)gdt_reserved_page;

    gdt[1] = DESC_FLAT(SEG_CODE_RX_A, 0, FL_L | FL_G);
    gdt[2] = DESC_FLAT(SEG_DATA_RW_A, 0, FL_DB | FL_G);
    gdt[3] = DESC_FLAT(SEG_CODE_RX_A, 1, FL_DB | FL_G);
    gdt[4] = DESC_FLAT(SEG_DATA_RW_A, 1, FL_DB | FL_G);
    gdt[5] = DESC_FLAT(SEG_CODE_RX_A, 3, FL_DB | FL_G);
    gdt[6] = DESC_FLAT(SEG_DATA_RW_A, 3, FL_DB | FL_G);
    /* guest_segment_base() (pv.h) knows these two as "base 0" without
     * looking: they must be the flat data selectors and never change. */
    _Static_assert(FLAT_RING1_SS == (((FIRST_RESERVED_GDT_ENTRY + 4) << 3) | 1) &&
                   FLAT_RING3_SS == (((FIRST_RESERVED_GDT_ENTRY + 6) << 3) | 3),
                   "flat data selectors");

    /* 64-bit available TSS, 16 bytes at +8. */
    uint64_t base = (uint64_t)&tss, limit = sizeof(tss) - 1;
    gdt[8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
             (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[9] = base >> 32;

    tss.rsp[0] = (uint64_t)cpu0_stack_top;
    tss.ist[IST_DF - 1] = (uint64_t)ist_stacks + 1 * IST_STACK_SIZE;
    tss.ist[IST_NMI - 1] = (uint64_t)ist_stacks + 2 * IST_STACK_SIZE;
    tss.ist[IST_MC - 1] = (uint64_t)ist_stacks + 3 * IST_STACK_SIZE;
    tss.ist[IST_DB - 1] = (uint64_t)ist_stacks + 4 * IST_STACK_SIZE;
    tss.iomap_base = sizeof(tss);          /* no I/O bitmap: all ports trap */

    for (unsigned int p = 0; p < FIRST_RESERVED_GDT_PAGE; p++)
        gdt_area_map(p, virt_to_mfn(gdt_zero_page), false);
    gdt_area_map(FIRST_RESERVED_GDT_PAGE, virt_to_mfn(gdt_reserved_page), true);

    struct dtr gdtr = { .limit = (FIRST_RESERVED_GDT_ENTRY + 512) * 8 - 1,
                        .base = GDT_VIRT_START };
    __asm__ volatile("lgdt %0" :: "m"(gdtr));
    __asm__ volatile(
        "pushq %0\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "mov %1, %%ss\n\t"
        "mov %1, %%ds\n\t"
        "mov %1, %%es\n\t"
        "xor %%eax, %%eax\n\t"
        "mov %%eax, %%fs\n\t"
        "mov %%eax, %%gs\n\t"
        :: "i"(HV_CS), "r"(HV_DS) : "rax", "memory");
    __asm__ volatile("ltr %w0" :: "r"(TSS_SEL));
    __asm__ volatile("lldt %w0" :: "r"(0));

    for (unsigned int v = 0; v < 256; v++) {
        unsigned int dpl = 0, ist = 0;
        if (v == 3 || v == 4)
            dpl = 3;
        if (v == HYPERCALL_VECTOR)
            dpl = 1;
        if (v == 8)
            ist = IST_DF;
        if (v == 2)
            ist = IST_NMI;
        if (v == 18)
            ist = IST_MC;
        if (v == 1)
            ist = IST_DB;
        set_gate(v, vector_stub_table[v], dpl, ist);
    }
    /* 0xff: the APIC spurious vector; a bare IRETQ (see bench.c). */
    extern char bare_iret_stub[];
    set_gate(0xff, (uint64_t)bare_iret_stub, 0, 0);
    struct dtr idtr = { .limit = sizeof(idt) - 1, .base = (uint64_t)idt };
    __asm__ volatile("lidt %0" :: "m"(idtr));
}

uint64_t desc_reserved_entry(unsigned int index)
{
    return ((const uint64_t *)gdt_reserved_page)[index & 511];
}

unsigned long desc_zero_page_mfn(void)
{
    return virt_to_mfn(gdt_zero_page);
}

void desc_load_ldt(uint32_t ents)
{
    uint64_t *gdt = (uint64_t *)gdt_reserved_page;
    uint64_t base = LDT_VIRT_START, limit = (uint64_t)ents * 8 - 1;

    if (!ents) {
        __asm__ volatile("lldt %w0" :: "r"(0));
        return;
    }
    /* 16-byte LDT descriptor: type 2, present, DPL 0. */
    gdt[10] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x82ULL << 40) |
              (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[11] = base >> 32;
    __asm__ volatile("lldt %w0" :: "r"((uint16_t)LDT_SEL) : "memory");
}

void desc_set_int80_dpl(unsigned int dpl)
{
    idt[0x80].type_attr = (uint8_t)(0x80 | ((dpl & 3) << 5) | 0xe);
}

/* Mask the legacy PICs after moving them off the exception vectors. */
void pic_disable(void)
{
    static const uint8_t seq[][2] = {
        { 0x20, 0x11 }, { 0xa0, 0x11 }, { 0x21, 0x20 }, { 0xa1, 0x28 },
        { 0x21, 0x04 }, { 0xa1, 0x02 }, { 0x21, 0x01 }, { 0xa1, 0x01 },
        { 0x21, 0xff }, { 0xa1, 0xff },
    };
    for (unsigned int i = 0; i < ARRAY_SIZE(seq); i++)
        __asm__ volatile("outb %0, %1" :: "a"(seq[i][1]), "Nd"((uint16_t)seq[i][0]));
}
