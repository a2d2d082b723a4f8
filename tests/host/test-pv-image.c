/*
 * The bootstrap region a PV domain starts with, as common/pv_image.c
 * writes it for both builders (the hypervisor's and the toolstack's):
 * the page tables map every PFN of the region at its VA with the tables
 * themselves read-only, start_info says what the layout says, the P2M
 * list is the P2M, the hypercall page has the ABI's slots, the first
 * context passes the register rules every context passes, and a page
 * that cannot be mapped fails the write instead of being skipped.
 */
#include "htest.h"
#include <stdlib.h>
#include <mica/errno.h>
#include <mica/pv_image.h>
#include <public/mica.h>
#include <asm/context_check.h>

#define HOLE 0xF5800000ULL

struct fake {
    uint8_t (*mem)[4096];            /* by pfn */
    unsigned long nr;
    long unmapped;                   /* this pfn cannot be mapped (-1: none) */
};

static void *fake_map(void *ctx, unsigned long pfn)
{
    struct fake *f = ctx;
    if (pfn >= f->nr || (long)pfn == f->unmapped)
        return NULL;
    return f->mem[pfn];
}

struct world {
    struct dom_layout l;
    struct fake f;
    xen_pfn_t *p2m;
    struct pv_image img;
};

/* A domain of nr pages with a kernel of kern bytes; MFNs scrambled. */
static void setup(struct world *w, unsigned long nr, uint64_t base, uint64_t kern, bool domu)
{
    char msg[128];

    memset(w, 0, sizeof(*w));
    w->l = (struct dom_layout){ .virt_base = base, .kern_start = base,
                                .kern_end = base + kern, .nr_pages = nr,
                                .is_initdomain = !domu, .initrd_len = 5000 };
    CHECK_EQ(dom_layout_compute(&w->l, HOLE, msg, sizeof(msg)), 0);
    w->f = (struct fake){ .mem = calloc(nr, 4096), .nr = nr, .unmapped = -1 };
    w->p2m = calloc(nr, sizeof(xen_pfn_t));
    for (unsigned long i = 0; i < nr; i++)
        w->p2m[i] = (xen_pfn_t)(0x40000 + ((i * 7919) % nr));     /* a permutation */
    w->img = (struct pv_image){ .l = &w->l, .p2m = w->p2m, .map = fake_map, .ctx = &w->f };
}

static void teardown(struct world *w)
{
    free(w->f.mem);
    free(w->p2m);
}

/* Inverse of the scrambled P2M. */
static long pfn_of(const struct world *w, uint64_t mfn)
{
    for (unsigned long i = 0; i < w->l.nr_pages; i++)
        if (w->p2m[i] == mfn)
            return (long)i;
    return -1;
}

/* Walk the written tables in the fake memory; the L1 entry, or 0. */
static uint64_t walk(const struct world *w, unsigned long l3_mfn, uint64_t va)
{
    long p = pfn_of(w, l3_mfn);
    if (p < 0)
        return 0;
    uint64_t e = ((uint64_t *)w->f.mem[p])[va >> 30];
    if (!(e & 1) || (p = pfn_of(w, e >> 12)) < 0)
        return 0;
    e = ((uint64_t *)w->f.mem[p])[(va >> 21) & 511];
    if (!(e & 1) || (e & 0x80) || (p = pfn_of(w, e >> 12)) < 0)
        return 0;
    return ((uint64_t *)w->f.mem[p])[(va >> 12) & 511];
}

static void check_tables(struct world *w)
{
    unsigned long l3 = pv_image_write_page_tables(&w->img);

    CHECK_EQ(l3, w->p2m[pv_image_pfn(&w->l, w->l.pt_start)]);
    for (uint64_t va = w->l.virt_base; va < w->l.v_end; va += 4096) {
        uint64_t e = walk(w, l3, va);
        bool pt = va >= w->l.pt_start && va < w->l.pt_end;
        if (!CHECK_EQ(e >> 12, w->p2m[pv_image_pfn(&w->l, va)]))
            return;
        CHECK_EQ(e & 0xfff, 0x21 | (pt ? 0 : 2));    /* P|A, RW except tables */
    }
    CHECK_EQ(walk(w, l3, w->l.v_end), 0);            /* nothing beyond */
    /* L3 entries: RW|US|A|D as long mode needs; slot 3 always present. */
    uint64_t *l3p = (uint64_t *)w->f.mem[pfn_of(w, l3)];
    CHECK_EQ(l3p[3] & 0xfff, 0x67);
    for (unsigned int i = 4; i < 512; i++)
        CHECK_EQ(l3p[i], 0);
}

HTEST(tables_map_the_region_initdomain)
{
    struct world w;
    setup(&w, 8192, 0xC0000000, 300 * 1024, false);
    check_tables(&w);
    teardown(&w);
}

HTEST(tables_map_a_low_region_across_slots)
{
    struct world w;
    /* Base just below 1 GiB: the region crosses into slot 1. */
    setup(&w, 4096, 0x3FE00000, 2 * 1024 * 1024, true);
    CHECK(dom_layout_l3_slot_used(&w.l, 0) && dom_layout_l3_slot_used(&w.l, 1));
    check_tables(&w);
    teardown(&w);
}

HTEST(unmappable_page_fails)
{
    struct world w;
    setup(&w, 2048, 0xC0000000, 64 * 1024, true);
    w.f.unmapped = (long)pv_image_pfn(&w.l, w.l.pt_end) - 1;   /* the last L1 */
    CHECK_EQ(pv_image_write_page_tables(&w.img), 0);
    w.f.unmapped = 3;
    CHECK_EQ(pv_image_write(&w.img, w.l.virt_base + 3 * 4096 + 10, "x", 1), -EFAULT);
    CHECK_EQ(pv_image_write(&w.img, w.l.v_end - 1, "xy", 2), -EINVAL);
    CHECK_EQ(pv_image_write(&w.img, w.l.virt_base - 1, "xy", 2), -EINVAL);
    teardown(&w);
}

HTEST(write_crosses_pages_and_zero_fills)
{
    struct world w;
    static uint8_t buf[10000];
    setup(&w, 2048, 0xC0000000, 64 * 1024, true);
    for (unsigned int i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)(i * 13);
    CHECK_EQ(pv_image_write(&w.img, w.l.virt_base + 4000, buf, sizeof(buf)), 0);
    CHECK_EQ(w.f.mem[0][4000], buf[0]);
    CHECK_EQ(w.f.mem[1][0], buf[96]);
    CHECK_EQ(w.f.mem[3][(4000 + 9999) % 4096], buf[9999]);
    CHECK_EQ(pv_image_write(&w.img, w.l.virt_base + 4090, NULL, 20), 0);
    CHECK_EQ(w.f.mem[0][4095] | w.f.mem[1][13], 0);
    teardown(&w);
}

HTEST(p2m_list_and_start_info)
{
    struct world w;
    setup(&w, 3000, 0xC0000000, 64 * 1024, true);
    CHECK_EQ(pv_image_write_p2m(&w.img), 0);
    for (unsigned long pfn = 0; pfn < 3000; pfn++) {
        uint64_t va = w.l.p2m_start + pfn * 4;
        uint32_t got;
        memcpy(&got, &w.f.mem[pv_image_pfn(&w.l, va)][va & 4095], 4);
        if (!CHECK_EQ(got, w.p2m[pfn]))
            break;
    }
    struct pv_start st = { .nr_pages = 3000, .shared_info_mfn = 0x1234, .flags = 0,
                           .store_mfn = 77, .store_evtchn = 1, .console_mfn = 78,
                           .console_evtchn = 2, .cmdline = "console=hvc0 x=y" };
    CHECK_EQ(pv_image_write_start_info(&w.img, &st), 0);
    start_info_t *si = (start_info_t *)w.f.mem[pv_image_pfn(&w.l, w.l.start_info)];
    CHECK_STREQ(si->magic, MICA_GUEST_ABI);
    CHECK_EQ(si->nr_pages, 3000);
    CHECK_EQ(si->shared_info, 0x1234000);
    CHECK_EQ(si->pt_base, w.l.pt_start);
    CHECK_EQ(si->nr_pt_frames, w.l.nr_pt_frames);
    CHECK_EQ(si->mfn_list, w.l.p2m_start);
    CHECK_EQ(si->mod_start, w.l.initrd_start);
    CHECK_EQ(si->mod_len, 5000);
    CHECK_EQ(si->store_mfn, 77);
    CHECK_EQ(si->console.domU.evtchn, 2);
    CHECK_STREQ((char *)si->cmd_line, "console=hvc0 x=y");
    teardown(&w);
}

HTEST(hypercall_page_slots)
{
    static uint8_t page[4096];
    pv_hypercall_page(page);
    /* slot 17: mov $17, %eax; int $0x82; ret */
    const uint8_t want[] = { 0xb8, 17, 0, 0, 0, 0xcd, 0x82, 0xc3 };
    CHECK(!memcmp(page + 17 * 32, want, sizeof(want)));
    CHECK_EQ(page[17 * 32 + 8], 0xcc);
    /* iret: push %eax first, no ret */
    const uint8_t iret[] = { 0x50, 0xb8, 23, 0, 0, 0, 0xcd, 0x82, 0xcc };
    CHECK(!memcmp(page + 23 * 32, iret, sizeof(iret)));
    CHECK_EQ(page[127 * 32 + 1], 127);
}

HTEST(initial_context_passes_the_rules)
{
    struct world w;
    vcpu_guest_context_t c;
    uint8_t iopl;
    setup(&w, 2048, 0xC0000000, 64 * 1024, true);
    pv_initial_context(&c, &w.l, 0xC0000123, 0x45678, 1u << VMASST_TYPE_pae_extended_cr3);
    CHECK_EQ(c.user_regs.eip, 0xC0000123);
    CHECK_EQ(c.user_regs.esi, w.l.start_info);
    CHECK_EQ(c.user_regs.esp, w.l.stack_end);
    CHECK_EQ(xen_cr3_to_pfn(c.ctrlreg[3]), 0x45678);
    CHECK(c.flags & VGCF_online);
    CHECK_EQ(pv_context_check_regs(&c, 0xffbf, 0xf, &iopl), 0);
    CHECK_EQ(iopl, 0);
    teardown(&w);
}
