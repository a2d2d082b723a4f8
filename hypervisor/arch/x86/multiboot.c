/*
 * Multiboot 1 and 2 information -> struct boot_info.
 *
 * The loader's structures live in low memory that will soon be handed to
 * the page allocator, so everything needed later (memory map, module
 * ranges and their command lines, the kernel command line, an RSDP copy)
 * is copied into boot_info here, at the start of C, through the boot
 * direct map.  Lengths are bounded everywhere: a malformed structure is
 * truncated with a warning, not followed off a cliff.
 */
#include <mica/types.h>
#include <mica/lib.h>
#include <mica/printk.h>
#include <asm/multiboot.h>
#include <asm/page.h>

struct boot_info boot_info;

struct mb1_info {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
    uint32_t drives_length, drives_addr, config_table, boot_loader_name;
} __packed;

struct mb1_module { uint32_t start, end, string, reserved; } __packed;
struct mb1_mmap { uint32_t size; uint64_t addr, len; uint32_t type; } __packed;

static void copy_str(char *dst, size_t size, uint64_t paddr)
{
    if (paddr == 0 || paddr >= (4ULL << 30)) {   /* boot map covers 4 GiB */
        dst[0] = '\0';
        return;
    }
    const char *src = __va(paddr);
    size_t i;
    for (i = 0; i + 1 < size && src[i]; i++)
        dst[i] = src[i];
    dst[i] = '\0';
}

static void add_mem(struct boot_info *bi, uint64_t addr, uint64_t len, uint32_t type)
{
    if (bi->nr_mem >= BOOT_MAX_MEMMAP)
        return;
    bi->mem[bi->nr_mem++] = (struct boot_mem_range){ addr, len, type };
}

static void add_module(struct boot_info *bi, uint64_t start, uint64_t end, uint64_t str)
{
    if (bi->nr_mods >= BOOT_MAX_MODULES || end < start)
        return;
    struct boot_module *m = &bi->mods[bi->nr_mods++];
    m->start = start;
    m->end = end;
    copy_str(m->cmdline, sizeof(m->cmdline), str);
}

static int parse_mb1(uint64_t info, struct boot_info *bi)
{
    const struct mb1_info *mbi = __va(info);

    bi->info_start = info;
    bi->info_end = info + sizeof(*mbi);
    strlcpy(bi->loader, "multiboot1", sizeof(bi->loader));
    if (mbi->flags & (1u << 9))
        copy_str(bi->loader, sizeof(bi->loader), mbi->boot_loader_name);
    if (mbi->flags & (1u << 2))
        copy_str(bi->cmdline, sizeof(bi->cmdline), mbi->cmdline);
    if (mbi->flags & (1u << 3)) {
        const struct mb1_module *m = __va(mbi->mods_addr);
        for (uint32_t i = 0; i < mbi->mods_count && i < BOOT_MAX_MODULES; i++)
            add_module(bi, m[i].start, m[i].end, m[i].string);
    }
    if (mbi->flags & (1u << 6)) {
        uint64_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
        while (p + sizeof(struct mb1_mmap) <= end) {
            const struct mb1_mmap *e = __va(p);
            add_mem(bi, e->addr, e->len, e->type);
            p += e->size + 4;
        }
    } else if (mbi->flags & (1u << 0)) {
        add_mem(bi, 0, (uint64_t)mbi->mem_lower << 10, E820_RAM);
        add_mem(bi, 1ULL << 20, (uint64_t)mbi->mem_upper << 10, E820_RAM);
    } else {
        return -1;
    }
    return 0;
}

struct mb2_tag { uint32_t type, size; };

static int parse_mb2(uint64_t info, struct boot_info *bi)
{
    uint32_t total = *(const uint32_t *)__va(info);
    uint64_t p = info + 8, end = info + total;

    bi->info_start = info;
    bi->info_end = end;
    strlcpy(bi->loader, "multiboot2", sizeof(bi->loader));
    if (total < 8 || total > (1u << 20))
        return -1;
    while (p + sizeof(struct mb2_tag) <= end) {
        const struct mb2_tag *t = __va(p);
        if (t->type == MB2_TAG_END || t->size < 8 || p + t->size > end)
            break;
        const uint8_t *body = (const uint8_t *)t + 8;
        switch (t->type) {
        case MB2_TAG_CMDLINE:
            copy_str(bi->cmdline, sizeof(bi->cmdline), p + 8);
            break;
        case MB2_TAG_LOADER_NAME:
            copy_str(bi->loader, sizeof(bi->loader), p + 8);
            break;
        case MB2_TAG_MODULE: {
            const uint32_t *w = (const uint32_t *)body;
            add_module(bi, w[0], w[1], p + 16);
            break;
        }
        case MB2_TAG_MMAP: {
            uint32_t esize = ((const uint32_t *)body)[0];
            if (esize < 24)
                break;
            for (uint64_t e = p + 16; e + esize <= p + t->size; e += esize) {
                const uint8_t *ent = __va(e);
                uint64_t addr, len;
                uint32_t type;
                memcpy(&addr, ent, 8);
                memcpy(&len, ent + 8, 8);
                memcpy(&type, ent + 16, 4);
                add_mem(bi, addr, len, type);
            }
            break;
        }
        case MB2_TAG_ACPI_OLD:
        case MB2_TAG_ACPI_NEW: {
            size_t n = t->size - 8;
            if (n > sizeof(bi->rsdp_copy))
                n = sizeof(bi->rsdp_copy);
            if (!bi->rsdp) {
                memcpy(bi->rsdp_copy, body, n);
                bi->rsdp = 1;   /* "have a copy" */
            }
            break;
        }
        }
        p += ROUNDUP((uint64_t)t->size, 8);
    }
    return bi->nr_mem ? 0 : -1;
}

int multiboot_parse(uint32_t magic, uint64_t info, struct boot_info *bi)
{
    if (magic == MB1_BOOTLOADER_MAGIC)
        return parse_mb1(info, bi);
    if (magic == MB2_BOOTLOADER_MAGIC)
        return parse_mb2(info, bi);
    return -1;
}
