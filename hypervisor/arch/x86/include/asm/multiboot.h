/*
 * Multiboot 1 and 2 as far as Mica uses them.  Both loaders are reduced to
 * one neutral struct boot_info (arch/x86/multiboot.c) before anything else
 * looks at them, so the rest of the boot code does not care which one ran.
 */
#ifndef ASM_MULTIBOOT_H
#define ASM_MULTIBOOT_H

#define MB1_HEADER_MAGIC     0x1BADB002
#define MB1_BOOTLOADER_MAGIC 0x2BADB002
#define MB1_FLAG_PAGE_ALIGN  0x00000001
#define MB1_FLAG_MEMINFO     0x00000002
#define MB1_FLAG_AOUT_KLUDGE 0x00010000

#define MB2_HEADER_MAGIC     0xE85250D6
#define MB2_BOOTLOADER_MAGIC 0x36D76289
#define MB2_ARCH_I386        0
#define MB2_HTAG_END         0
#define MB2_HTAG_INFO_REQ    1
#define MB2_HTAG_ADDRESS     2
#define MB2_HTAG_ENTRY       3
#define MB2_HTAG_CONSOLE     4

#define MB2_TAG_END          0
#define MB2_TAG_CMDLINE      1
#define MB2_TAG_LOADER_NAME  2
#define MB2_TAG_MODULE       3
#define MB2_TAG_MEMINFO      4
#define MB2_TAG_MMAP         6
#define MB2_TAG_ACPI_OLD     14
#define MB2_TAG_ACPI_NEW     15

#ifndef __ASSEMBLY__
#include <mica/types.h>

#define BOOT_MAX_MEMMAP 128
#define BOOT_MAX_MODULES 16
#define BOOT_CMDLINE_MAX 1024

#define E820_RAM      1
#define E820_RESERVED 2
#define E820_ACPI     3
#define E820_NVS      4
#define E820_UNUSABLE 5

struct boot_mem_range { uint64_t addr, len; uint32_t type; };
struct boot_module { uint64_t start, end; char cmdline[BOOT_CMDLINE_MAX]; };

struct boot_info {
    char loader[64];
    char cmdline[BOOT_CMDLINE_MAX];
    unsigned int nr_mem;
    struct boot_mem_range mem[BOOT_MAX_MEMMAP];
    unsigned int nr_mods;
    struct boot_module mods[BOOT_MAX_MODULES];
    uint64_t rsdp;          /* physical address of a copy of the RSDP, 0 if none */
    uint8_t rsdp_copy[36];
    uint64_t info_start, info_end;  /* loader's info structure (to keep free) */
};

extern struct boot_info boot_info;
int multiboot_parse(uint32_t magic, uint64_t info_paddr, struct boot_info *bi);
#endif

#endif
