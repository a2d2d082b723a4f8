/*
 * start-info: the initial domain as the domain builder must hand it over.
 *
 * Everything a PV kernel learns at entry comes from start_info and the
 * machine state (fact sheet §4).  Checked, for the initial domain:
 *  - magic "xen-3.0-x86_32p", flags == SIF_PRIVILEGED|SIF_INITDOMAIN,
 *    nr_pages == dom0_mem/4096 (the harness passes "expect_pages=N" on our
 *    command line), cmd_line exactly as given (with a comma, which the
 *    harness must escape for QEMU, and a double space);
 *  - shared_info is a page-aligned machine address; no xenstore for dom0
 *    (store_mfn == store_evtchn == 0); console.dom0 is either empty (0, 0)
 *    or describes a dom0_vga_console_info right after start_info
 *    (info_off 1112, info_size 40, a known video type);
 *  - the boot module (tests/guest/data/module.txt) is at mod_start,
 *    page-aligned inside the bootstrap region, byte for byte, mod_len exact;
 *  - P2M and M2P agree for every PFN (which also proves the MFNs distinct:
 *    two PFNs sharing an MFN cannot both be its M2P entry);
 *  - the hypercall page holds exactly the §1 stubs, 0xCC elsewhere;
 *  - at entry: CS = FLAT_RING1_CS, DS/ES/FS/GS/SS = FLAT_RING1_DS, CR0.TS
 *    set, EFLAGS.IF set with IOPL 0, ESP inside the bootstrap region, and
 *    .bss zeroed by the loader;
 *  - page tables: present L3 entries carry only P plus bits a 32-on-64
 *    hypervisor may add (RW, US, A, D, AVAIL: the CPU walks the guest L3 as
 *    a long-mode PDPT, which sets A and honours RW/US), never PWT/PCD/PSE/G
 *    or high bits, and slot 3 is present (§6.5); every page-table frame
 *    reachable below the hole lies in [pt_base, pt_base + nr_pt_frames
 *    pages), and is mapped read-only; no L1 entry of the bootstrap region
 *    has the USER bit; the read-only M2P at 0xF5800000 is readable.
 */
#include <test.h>

#define CMDLINE_FMT "expect_pages=%lu comma=a,b spaces=[  ] end"
#define L3_ALLOWED (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | \
            _PAGE_DIRTY | _PAGE_AVAIL)

extern const char module_data[], module_data_end[];
asm (".pushsection .rodata\n"
     "module_data: .incbin \"tests/guest/data/module.txt\"\n"
     "module_data_end:\n"
     ".popsection");

static uint8_t bss_probe[4096];

static bool in_region(uint32_t va)
{
    return va >= VIRT_BASE && va < mapped_end();
}

static void check_fields(void)
{
    const start_info_t *si = start_info;
    const char *p = cmdline_value(si->cmd_line, "expect_pages");
    unsigned long pages = p ? parse_ulong(&p) : 0;
    char want[MAX_GUEST_CMDLINE];
    size_t mod_size = (size_t)(module_data_end - module_data);

    CHECK(!strncmp(si->magic, "xen-3.0-x86_32p", sizeof(si->magic)), "magic \"%.32s\"", si->magic);
    CHECK(si->flags == (SIF_PRIVILEGED | SIF_INITDOMAIN), "flags 0x%x", si->flags);
    if (!pages)
        test_error("no expect_pages=N on the command line \"%.80s\"", si->cmd_line);
    CHECK(si->nr_pages == pages, "nr_pages %u, expected %lu", si->nr_pages, pages);
    snprintf(want, sizeof(want), CMDLINE_FMT, pages);
    CHECK(!strcmp(si->cmd_line, want), "cmd_line \"%.200s\", expected \"%s\"", si->cmd_line, want);
    CHECK(si->shared_info && !(si->shared_info & ~PAGE_MASK), "shared_info 0x%x", si->shared_info);
    CHECK(si->store_mfn == 0 && si->store_evtchn == 0, "dom0 store_mfn %u evtchn %u",
          si->store_mfn, si->store_evtchn);
    if (si->console.dom0.info_off || si->console.dom0.info_size) {
        const dom0_vga_console_info_t *vga = (const void *)((const char *)si + sizeof(*si));

        CHECK(si->console.dom0.info_off == sizeof(*si) &&
              si->console.dom0.info_size == sizeof(*vga), "console.dom0 info_off %u size %u",
              si->console.dom0.info_off, si->console.dom0.info_size);
        CHECK(vga->video_type == XEN_VGATYPE_TEXT_MODE_3 ||
              vga->video_type == XEN_VGATYPE_VESA_LFB ||
              vga->video_type == XEN_VGATYPE_EFI_LFB, "video_type 0x%x", vga->video_type);
    }
    CHECK(si->first_p2m_pfn == 0 && si->nr_p2m_frames == 0, "first_p2m_pfn/nr_p2m_frames set");
    CHECK(!((uint32_t)si & ~PAGE_MASK) && in_region((uint32_t)si), "start_info at %p", si);
    CHECK(!(si->mfn_list & 3) && in_region(si->mfn_list) &&
          in_region(si->mfn_list + si->nr_pages * 4 - 1), "mfn_list 0x%x", si->mfn_list);
    CHECK(!(si->mod_start & ~PAGE_MASK) && in_region(si->mod_start),
          "mod_start 0x%x", si->mod_start);
    CHECK(si->mod_len == mod_size, "mod_len %u, expected %u", si->mod_len, (unsigned)mod_size);
    if (si->mod_len == mod_size && in_region(si->mod_start) &&
        in_region(si->mod_start + mod_size - 1))
        CHECK(!memcmp((void *)si->mod_start, module_data, mod_size), "module bytes differ");
}

static void check_p2m(void)
{
    uint32_t pfn, mfn, bad = 0;

    for (pfn = 0; pfn < start_info->nr_pages; pfn++) {
        mfn = p2m()[pfn];
        if (mfn < M2P_ENTRIES && m2p(mfn) == pfn)
            continue;
        if (bad++ < 5)
            test_fail("p2m[0x%x] = 0x%x but m2p says 0x%x", pfn, mfn,
                  mfn < M2P_ENTRIES ? m2p(mfn) : 0xffffffff);
    }
    CHECK(!bad, "%u PFNs disagree between P2M and M2P", bad);
}

static void check_hypercall_page(void)
{
    uint8_t want[32];
    uint32_t n;

    for (n = 0; n < 128; n++) {
        uint8_t *w = want + (n == __HYPERVISOR_iret);

        memset(want, 0xcc, sizeof(want));
        want[0] = 0x50;         /* iret: push %eax first, no ret */
        w[0] = 0xb8;            /* mov $n, %eax */
        memcpy(w + 1, &n, 4);
        w[5] = 0xcd;            /* int $0x82 */
        w[6] = 0x82;
        if (n != __HYPERVISOR_iret)
            w[7] = 0xc3;        /* ret */
        if (memcmp(hypercall_page + 32 * n, want, 32))
            test_fail("hypercall page slot %u is wrong", n);
    }
}

static void check_entry_state(void)
{
    const uint32_t *r = entry_regs;
    unsigned int i;

    for (i = 0; i < sizeof(bss_probe) && !bss_probe[i]; i++)
        ;
    CHECK(i == sizeof(bss_probe), ".bss not zeroed (byte %u)", i);
    CHECK(r[ENTRY_CS] == FLAT_RING1_CS, "entry CS 0x%x", r[ENTRY_CS]);
    for (i = ENTRY_DS; i <= ENTRY_SS; i++)
        CHECK(r[i] == FLAT_RING1_DS, "entry selector %u is 0x%x", i - ENTRY_DS, r[i]);
    CHECK(r[ENTRY_MSW] & 8, "CR0.TS clear at entry (msw 0x%x)", r[ENTRY_MSW]);
    CHECK(r[ENTRY_EFLAGS] & 0x200, "EFLAGS.IF clear at entry (0x%x)", r[ENTRY_EFLAGS]);
    CHECK(!(r[ENTRY_EFLAGS] & 0x3000), "IOPL != 0 at entry (0x%x)", r[ENTRY_EFLAGS]);
    CHECK(r[ENTRY_ESP] > VIRT_BASE && r[ENTRY_ESP] <= mapped_end(), "entry ESP 0x%x", r[ENTRY_ESP]);
}

static unsigned int tables_seen;

/* A page-table frame must be one of the nr_pt_frames and mapped read-only. */
static void check_table_va(uint32_t va, const char *what)
{
    uint32_t first = start_info->pt_base, end = first + start_info->nr_pt_frames * PAGE_SIZE;
    uint64_t e[3];

    tables_seen++;
    CHECK(va >= first && va < end, "%s frame at 0x%x outside pt_base..+nr_pt_frames", what, va);
    if (pt_walk(va, e) == 0)
        CHECK(!(e[2] & _PAGE_RW), "%s frame at 0x%x is mapped writable", what, va);
}

static void check_page_tables(void)
{
    const uint64_t *l3 = (const uint64_t *)start_info->pt_base, *l2;
    uint32_t i, j, va;
    uint64_t e[3];

    CHECK(!(start_info->pt_base & ~PAGE_MASK) && in_region(start_info->pt_base), "pt_base 0x%x",
          start_info->pt_base);
    CHECK(start_info->nr_pt_frames >= 3, "nr_pt_frames %u", start_info->nr_pt_frames);
    CHECK(l3[3] & _PAGE_PRESENT, "L3 slot 3 not present");
    check_table_va(start_info->pt_base, "L3");
    for (i = 0; i < 4; i++) {
        if (!(l3[i] & _PAGE_PRESENT))
            continue;
        CHECK(!(l3[i] & ~(0xffffffffffull << 12) & ~L3_ALLOWED), "L3[%u] = 0x%llx", i, l3[i]);
        if (!(l2 = mfn_to_virt(PTE_MFN(l3[i])))) {
            test_fail("L3[%u] = 0x%llx: not a frame of ours", i, l3[i]);
            continue;
        }
        check_table_va((uint32_t)l2, "L2");
        for (j = 0; j < 512 && (i << 30 | j << 21) < HYPERVISOR_VIRT_START; j++)
            if (l2[j] & _PAGE_PRESENT)
                check_table_va((uint32_t)mfn_to_virt(PTE_MFN(l2[j])), "L1");
    }
    for (va = VIRT_BASE; va < mapped_end(); va += PAGE_SIZE)
        if (pt_walk(va, e) == 0 && (e[2] & _PAGE_USER)) {
            test_fail("bootstrap page 0x%x is mapped with USER", va);
            break;
        }
    CHECK(m2p(p2m()[0]) == 0, "M2P not readable as expected");
    printf("walked %u page-table frames and %u bootstrap pages\n", tables_seen,
           (mapped_end() - VIRT_BASE) / PAGE_SIZE);
}

void test_main(void)
{
    printf("start_info %p: nr_pages %u, pt_base 0x%x (%u frames), region end 0x%x\n",
           start_info, start_info->nr_pages, start_info->pt_base,
           start_info->nr_pt_frames, mapped_end());
    check_entry_state();
    check_fields();
    check_hypercall_page();
    check_p2m();
    check_page_tables();
    test_success();
}
