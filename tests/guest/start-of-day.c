/*
 * start-of-day: the ELF notes a 32-bit PV kernel may carry, and the
 * memory_op commands it uses to find its address map -- each answered as
 * Xen answers a PV guest.
 *
 * This guest carries, besides the runtime's notes: BSD_SYMTAB "yes",
 * MOD_START_PFN 1, SUSPEND_CANCEL 1, INIT_P2M (a 64-bit-only note Xen
 * ignores for 32-bit guests) and L1_MFN_VALID (for tools).  It checks:
 *   - its symbol table was loaded behind its image as Xen lays it out
 *     (size word, an ELF header with e_shoff 64 and three section headers,
 *     SYMTAB linking STRTAB), and that looking up `test_main` and
 *     `bsd_probe` in it gives their addresses;
 *   - its initrd (the boot module) was not mapped but placed in the frames
 *     after the bootstrap region: SIF_MOD_START_PFN, mod_start a PFN,
 *     the bytes right (read through the P2M and a scratch mapping);
 *   - XENMEM_memory_map is -ENOSYS until a map is set; set_memory_map of
 *     its own domain works (as Xen's XSM_TARGET rule allows), memory_map
 *     then returns as many entries as fit; more than 1024 entries,
 *     unreadable arrays, unknown or other domains are refused;
 *     machine_memory_map needs privilege (this is the initial domain: it
 *     gets the machine's map, and -EINVAL without a spare entry);
 *   - maximum_gpfn follows shared_info.arch.max_pfn as Xen's does;
 *   - add_to_physmap and its batch form are for translated guests only
 *     (-EACCES after the argument checks: -ENOSYS for gmfn_foreign,
 *     -EOPNOTSUPP for a gmfn_range batch, -ESRCH, -EFAULT, -EDOM for a
 *     bad resume index); remove_from_physmap of a frame of ours is a no-op
 *     success, of any other -ENOENT;
 *   - resume bits on the common commands are -EINVAL, on the arch ones
 *     -ENOSYS.
 */
#include <test.h>
#include <events.h>
#include <pt.h>
#include <public/memory.h>
#include <public/elfnote.h>

asm(".macro xnote type\n"
    ".pushsection .note.Xen, \"a\", @note\n.balign 4\n"
    ".long 2f - 1f\n.long 4f - 3f\n.long \\type\n1: .asciz \"Xen\"\n2: .balign 4\n3:\n"
    ".endm\n"
    ".macro xnote_end\n4: .balign 4\n.popsection\n.endm\n"
    "xnote 11\n .asciz \"yes\"\n xnote_end\n"            /* BSD_SYMTAB */
    "xnote 16\n .long 1\n xnote_end\n"                   /* MOD_START_PFN */
    "xnote 14\n .long 1\n xnote_end\n"                   /* SUSPEND_CANCEL */
    "xnote 15\n .long 0xdead0000\n xnote_end\n"          /* INIT_P2M */
    "xnote 13\n .long 0xfffff001, 1\n xnote_end\n");    /* L1_MFN_VALID */

extern const char module_data[], module_data_end[];
asm(".pushsection .rodata\n"
    "module_data: .incbin \"tests/guest/data/module.txt\"\n"
    "module_data_end:\n"
    ".popsection");

extern char _image_end[];

struct ehdr { uint8_t ident[16]; uint16_t type, machine; uint32_t version, entry, phoff, shoff, flags;
              uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx; };
struct shdr { uint32_t name, type, flags, addr, offset, size, link, info, align, entsize; };
struct sym  { uint32_t name, value, size; uint8_t info, other; uint16_t shndx; };

void bsd_probe(void);
void bsd_probe(void) { }

static void symtab(void)
{
    uint32_t base = ((uint32_t)_image_end + 3) & ~3u;
    uint32_t size = *(uint32_t *)base;
    const struct ehdr *eh = (const void *)(base + 4);

    CHECK(!memcmp(eh->ident, "\177ELF", 4), "no ELF header after the image at 0x%x", base);
    CHECK(eh->shoff == 64 && eh->shnum == 3 && eh->shentsize == 40 && eh->phnum == 0 &&
          eh->ehsize == 52 && eh->machine == 3,
          "ELF header: shoff %u shnum %u shentsize %u phnum %u", eh->shoff, eh->shnum,
          eh->shentsize, eh->phnum);
    const struct shdr *sh = (const void *)((uint32_t)eh + eh->shoff);
    CHECK(sh[0].type == 0 && sh[1].type == 2 && sh[2].type == 3 && sh[1].link == 2,
          "section headers: %u %u %u link %u", sh[0].type, sh[1].type, sh[2].type, sh[1].link);
    CHECK(sh[1].offset == 256 && sh[2].offset >= sh[1].offset + sh[1].size,
          "symtab at +%u (expected 256, after Xen's 260-byte header block)", sh[1].offset);
    CHECK(size == sh[2].offset + sh[2].size, "size word %u, tables end at %u", size,
          sh[2].offset + sh[2].size);
    const struct sym *syms = (const void *)((uint32_t)eh + sh[1].offset);
    const char *strs = (const char *)((uint32_t)eh + sh[2].offset);
    uint32_t found = 0;
    for (uint32_t i = 0; i < sh[1].size / sizeof(struct sym); i++) {
        if (syms[i].name >= sh[2].size)
            continue;
        if (!strcmp(strs + syms[i].name, "test_main"))
            found |= syms[i].value == (uint32_t)test_main ? 1 : 0x100;
        if (!strcmp(strs + syms[i].name, "bsd_probe"))
            found |= syms[i].value == (uint32_t)bsd_probe ? 2 : 0x200;
    }
    CHECK(found == 3, "symbols in the loaded table: 0x%x", found);
    printf("BSD symbol table: %u bytes at 0x%x, %u symbols\n", size, base,
           sh[1].size / (unsigned int)sizeof(struct sym));
}

static void initrd(void)
{
    const start_info_t *si = start_info;
    size_t want = (size_t)(module_data_end - module_data);
    uint32_t mapped_pfns = (uint32_t)(mapped_end() - VIRT_BASE) >> 12;

    CHECK(si->flags & SIF_MOD_START_PFN, "SIF_MOD_START_PFN not set (flags 0x%x)", si->flags);
    CHECK(si->mod_len == want, "mod_len %u, module is %zu bytes", si->mod_len, want);
    CHECK(si->mod_start == mapped_pfns, "mod_start 0x%x, first unmapped PFN 0x%x",
          si->mod_start, mapped_pfns);
    CHECK(!mapped_any(VIRT_BASE + si->mod_start * 4096), "the initrd is mapped");
    const uint32_t *p2m = (const uint32_t *)si->mfn_list;
    for (uint32_t off = 0; off < want; off += 4096) {
        const char *page = scratch_map(3, p2m[si->mod_start + off / 4096],
                                       _PAGE_PRESENT | _PAGE_ACCESSED);
        size_t n = want - off < 4096 ? want - off : 4096;
        CHECK(!memcmp(page, module_data + off, n), "initrd page %u differs", off / 4096);
    }
    scratch_restore(3);
    /* Spare frames start after it. */
    CHECK(spare_frame() == p2m[si->mod_start + (want + 4095) / 4096], "spare frames overlap it");
}

static struct xen_e820_entry e820[4];

static long set_map(domid_t dom, uint32_t n, void *buf)
{
    struct xen_foreign_memory_map f = { .domid = dom, .map = { .nr_entries = n, .buffer = (uint32_t)buf } };
    return HYPERVISOR_memory_op(XENMEM_set_memory_map, &f);
}

static void memory_maps(void)
{
    xen_memory_map_t mm = { .nr_entries = 4, .buffer = (uint32_t)e820 };

    CHECK_RC(HYPERVISOR_memory_op(XENMEM_memory_map, &mm), -XEN_ENOSYS, "memory_map, none set");
    struct xen_e820_entry mine[2] = {
        { .addr = 0, .size = 0x9f000, .type = XEN_E820_RAM },
        { .addr = 0x100000, .size = (uint64_t)start_info->nr_pages << 12, .type = XEN_E820_RAM },
    };
    CHECK_RC(set_map(DOMID_SELF, XEN_E820_MAX_ENTRIES + 1, mine), -XEN_EINVAL, "1025 entries");
    CHECK_RC(set_map(DOMID_SELF, 2, (void *)0xf5800000), -XEN_EFAULT, "map in the hole");
    CHECK_RC(set_map(DOMID_SELF, 2, (void *)(mapped_end() - 20)), -XEN_EFAULT,
             "map running off the mapped region");
    CHECK_RC(set_map(99, 2, mine), -XEN_ESRCH, "map of a missing domain");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_memory_map, &mm), -XEN_ENOSYS, "refused sets left none");
    CHECK_RC(set_map(DOMID_SELF, 2, mine), 0, "set_memory_map(self)");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_memory_map, &mm), 0, "memory_map");
    CHECK(mm.nr_entries == 2 && !memcmp(e820, mine, sizeof(mine)), "memory_map: %u entries",
          mm.nr_entries);
    mm.nr_entries = 1;
    memset(e820, 0, sizeof(e820));
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_memory_map, &mm), 0, "memory_map, room for one");
    CHECK(mm.nr_entries == 1 && e820[0].size == 0x9f000 && e820[1].size == 0, "room for one");
    mm.nr_entries = 0;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_memory_map, &mm), 0, "memory_map, room 0");
    CHECK(mm.nr_entries == 0, "memory_map wrote into no room");
    mm = (xen_memory_map_t){ .nr_entries = 2, .buffer = 0xf5800000 };
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_memory_map, &mm), -XEN_EFAULT, "memory_map into the hole");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_memory_map | (1 << 6), &mm), -XEN_ENOSYS,
             "memory_map with resume bits");
    CHECK_RC(set_map(DOMID_SELF, 0, NULL), 0, "set an empty map");
    mm = (xen_memory_map_t){ .nr_entries = 4, .buffer = (uint32_t)e820 };
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_memory_map, &mm), -XEN_ENOSYS, "empty map = none");
    CHECK_RC(set_map(DOMID_SELF, 2, mine), 0, "set again (freed at teardown)");

    /* The machine's map: we are the initial domain. */
    static struct xen_e820_entry host[130];
    mm = (xen_memory_map_t){ .nr_entries = 130, .buffer = (uint32_t)host };
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_machine_memory_map, &mm), 0, "machine_memory_map");
    bool ram = false;
    for (uint32_t i = 0; i < mm.nr_entries; i++)
        ram |= host[i].type == XEN_E820_RAM && host[i].size >= (16u << 20);
    CHECK(mm.nr_entries >= 2 && ram, "machine map: %u entries, RAM %d", mm.nr_entries, ram);
    uint32_t n = mm.nr_entries;
    mm.nr_entries = n;                       /* no spare entry */
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_machine_memory_map, &mm), -XEN_EINVAL,
             "machine_memory_map without a spare entry");
    mm = (xen_memory_map_t){ .nr_entries = 0, .buffer = 0 };
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_machine_memory_map, &mm), 0, "count only");
    CHECK(mm.nr_entries == n, "count %u, expected %u", mm.nr_entries, n);
}

static void gpfn_and_physmap(void)
{
    domid_t self = DOMID_SELF, missing = 77;
    shared_info->arch.max_pfn = 0;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_maximum_gpfn, &self), 0, "maximum_gpfn, max_pfn 0");
    shared_info->arch.max_pfn = start_info->nr_pages;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_maximum_gpfn, &self), (long)start_info->nr_pages - 1,
             "maximum_gpfn");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_maximum_gpfn, &missing), -XEN_ESRCH, "gpfn of d77");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_maximum_gpfn, (void *)0xf5800000), -XEN_EFAULT,
             "gpfn, arg in the hole");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_maximum_gpfn | (1 << 6), &self), -XEN_EINVAL,
             "gpfn with resume bits");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_current_reservation, &missing), -XEN_ESRCH,
             "current_reservation of d77");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_maximum_ram_page | (1 << 6), NULL), -XEN_EINVAL,
             "maximum_ram_page with resume bits");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_machphys_mapping | (1 << 6), NULL), -XEN_ENOSYS,
             "machphys_mapping with resume bits");

    struct xen_add_to_physmap x = { .domid = DOMID_SELF, .space = XENMAPSPACE_shared_info,
                                    .idx = 0, .gpfn = 0x100 };
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x), -XEN_EACCES, "shared_info");
    x.space = XENMAPSPACE_grant_table;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x), -XEN_EACCES, "grant frame");
    x.space = XENMAPSPACE_gmfn_foreign;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x), -XEN_ENOSYS, "gmfn_foreign");
    x.space = XENMAPSPACE_shared_info;
    x.domid = 77;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_add_to_physmap, &x), -XEN_ESRCH, "add for d77");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_add_to_physmap, (void *)0xf5800000), -XEN_EFAULT,
             "add_to_physmap, arg in the hole");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_add_to_physmap | (0x10000u << 6), &x), -XEN_EDOM,
             "add_to_physmap, resume index past 16 bits");

    static uint32_t idxs[4], gpfns[4];
    static int errs[4];
    struct xen_add_to_physmap_batch b = { .domid = DOMID_SELF, .space = XENMAPSPACE_gmfn,
        .size = 4, .idxs = (uint32_t)idxs, .gpfns = (uint32_t)gpfns, .errs = (uint32_t)errs };
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_add_to_physmap_batch, &b), -XEN_EACCES, "batch");
    b.space = XENMAPSPACE_gmfn_range;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_add_to_physmap_batch, &b), -XEN_EOPNOTSUPP,
             "batch of gmfn_range");
    b.space = XENMAPSPACE_gmfn;
    b.errs = 0xf5800000;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_add_to_physmap_batch, &b), -XEN_EFAULT, "batch errs");

    struct xen_remove_from_physmap r = { .domid = DOMID_SELF, .gpfn = va_to_mfn(&x) };
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &r), 0, "remove our frame");
    CHECK(va_to_mfn(&x) == r.gpfn, "remove_from_physmap changed our mapping");
    r.gpfn = 0;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &r), -XEN_ENOENT,
             "remove machine frame 0");
    r.gpfn = 0x7fffffff;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &r), -XEN_ENOENT,
             "remove a frame past RAM");
    r.domid = 77;
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_remove_from_physmap, &r), -XEN_ESRCH, "remove in d77");
    CHECK_RC(HYPERVISOR_memory_op(15 | (1 << 6), &r), -XEN_EINVAL, "remove with resume bits");
}

void test_main(void)
{
    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    symtab();
    initrd();
    memory_maps();
    gpfn_and_physmap();
    test_success();
}
