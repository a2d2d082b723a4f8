/*
 * test-libelf-load: elf_load() of hypervisor/common/libelf.c, and fuzzing.
 *
 * elf_load() is checked byte for byte through a recording write callback.
 * Then thousands of randomly corrupted and truncated images are parsed
 * under ASan: any out-of-bounds read fails the run, and any image that is
 * accepted must load strictly inside [virt_kstart, virt_kend).  Images come
 * from the builder in elf-image.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <mica/libelf.h>
#include <mica/lib.h>
#include <public/elfnote.h>
#include "htest.h"
#include "elf-image.h"

/* elf_load's writes, recorded into a model of the kernel's memory. */
#define MEM_BASE 0xC0100000u
static uint8_t mem[0x6000];
static bool written[0x6000];
static int nwrites, fail_at;
static uint64_t lo_seen, hi_seen;

static int rec_write(void *ctx, uint64_t va, const void *src, size_t len)
{
    const struct elf_dom_parms *p = ctx;

    nwrites++;
    if (nwrites == fail_at)
        return -5;
    if (va < lo_seen)
        lo_seen = va;
    if (va + len > hi_seen)
        hi_seen = va + len;
    if (va < p->virt_kstart || va + len > p->virt_kend)
        return -99;             /* would have been a stray write */
    if (va < MEM_BASE || va + len > MEM_BASE + sizeof(mem))
        return 0;               /* fuzzed layouts: bounds checked above */
    for (size_t i = 0; i < len; i++) {
        mem[va - MEM_BASE + i] = src ? ((const uint8_t *)src)[i] : 0;
        written[va - MEM_BASE + i] = true;
    }
    return 0;
}

static int load(void)
{
    memset(mem, 0xAA, sizeof(mem));
    memset(written, 0, sizeof(written));
    nwrites = 0;
    lo_seen = UINT64_MAX;
    hi_seen = 0;
    return elf_load(img, img_len, &P, rec_write, &P);
}

HTEST(load_bytes)
{
    default_spec();
    build();
    ACCEPT();
    fail_at = 0;
    CHECK_EQ(load(), 0);
    CHECK_EQ(nwrites, 3);               /* text, data, bss */
    CHECK(memcmp(mem, img + 0x1000, 0x2000) == 0);
    CHECK(memcmp(mem + 0x2000, img + 0x3000, 0x800) == 0);
    for (size_t i = 0x2800; i < 0x5000; i++) {
        if (!CHECK(mem[i] == 0 && written[i]))
            break;
    }
    for (size_t i = 0; i < 0x5000; i++) {
        if (!CHECK(written[i]))
            break;
    }

    /* The first failing write's result is returned. */
    fail_at = 2;
    CHECK_EQ(load(), -5);
    CHECK_EQ(nwrites, 2);
    fail_at = 0;

    /* An image changed after parsing is refused, not loaded. */
    put32(52 + 32 + 12, 0x200000);
    CHECK(load() < 0);
    CHECK_EQ(nwrites, 0);
    build();
    put32(52 + 32 + 16, 0x4000);        /* filesz > memsz now */
    CHECK(load() < 0);
    build();
    put32(0, 0);
    CHECK(load() < 0);
}

/* Two more sections after the builder's: a 64-byte SYMTAB linking a
 * 32-byte STRTAB, in the image's spare space at 0x3800 / 0x3900. */
static void add_symtab(uint32_t link)
{
    uint16_t n = (uint16_t)(img[48] | img[49] << 8);
    size_t o = SHDR_OFF + 40u * n;

    for (int i = 0; i < 96; i++)
        img[0x3800 + i] = (uint8_t)(0x5a + i);
    put32(o + 4, 2);                    /* SHT_SYMTAB */
    put32(o + 16, 0x3800);
    put32(o + 20, 64);
    put32(o + 24, link ? link : n + 1u);
    put32(o + 36, 16);
    put32(o + 40 + 4, 3);               /* SHT_STRTAB */
    put32(o + 40 + 16, 0x3900);
    put32(o + 40 + 20, 32);
    put16(48, (uint16_t)(n + 2));
}

static uint32_t mem32(uint32_t va) { uint32_t v; memcpy(&v, mem + va - MEM_BASE, 4); return v; }

HTEST(bsd_symtab_after_the_kernel)
{
    default_spec();
    note_str(XEN_ELFNOTE_BSD_SYMTAB, "yes");
    build();
    ACCEPT();                                   /* none: loaded without (as Xen) */
    CHECK_EQ(P.bsd_symtab_start, 0);
    CHECK_EQ(P.virt_kend, 0xC0105000u);
    add_symtab(0);
    ACCEPT();
    CHECK_EQ(P.bsd_symtab_start, 0xC0105000u);
    CHECK_EQ(P.virt_kend, 0xC0105164u);         /* 260-byte header, 64 + 32 bytes of tables */
    fail_at = 0;
    CHECK_EQ(load(), 0);
    CHECK_EQ(mem32(0xC0105000), 0x160);         /* from the ELF header to the end */
    CHECK(memcmp(mem + 0x5004, "\177ELF", 4) == 0);
    CHECK_EQ(mem32(0xC0105004 + 32), 64);       /* e_shoff */
    CHECK_EQ(mem32(0xC0105004 + 28), 0);        /* e_phoff */
    CHECK_EQ(mem[0x5004 + 48], 3);              /* e_shnum */
    CHECK_EQ(mem[0x5004 + 46], 40);             /* e_shentsize */
    uint32_t sh = 0xC0105004 + 64;
    CHECK_EQ(mem32(sh + 4), 0);                 /* null section */
    CHECK_EQ(mem32(sh + 40 + 4), 2);
    CHECK_EQ(mem32(sh + 40 + 16), 0x100);       /* symtab offset from the ELF header */
    CHECK_EQ(mem32(sh + 40 + 24), 2);           /* sh_link */
    CHECK_EQ(mem32(sh + 80 + 4), 3);
    CHECK_EQ(mem32(sh + 80 + 16), 0x140);
    CHECK(memcmp(mem + 0x5104, img + 0x3800, 64) == 0);
    CHECK(memcmp(mem + 0x5144, img + 0x3900, 32) == 0);
    /* Changed between parse and load: refused. */
    put32(SHDR_OFF + 40u * (img[48] - 2u) + 20, 128);
    CHECK(load() < 0);
}

HTEST(bsd_symtab_oddities)
{
    default_spec();
    note_str(XEN_ELFNOTE_BSD_SYMTAB, "yes");
    build();
    add_symtab(1);                              /* links .shstrtab: a string table */
    ACCEPT();
    CHECK(P.bsd_symtab_start != 0);
    build();
    add_symtab(0);
    put32(SHDR_OFF + 40u * (img[48] - 1u) + 4, 1);  /* the "string table" is PROGBITS */
    ACCEPT();
    CHECK_EQ(P.bsd_symtab_start, 0);            /* not loaded, as in Xen */
    CHECK_EQ(P.virt_kend, 0xC0105000u);
    build();
    add_symtab(999);                            /* link past the table */
    ACCEPT();
    CHECK_EQ(P.bsd_symtab_start, 0);
    build();
    add_symtab(0);
    put32(SHDR_OFF + 40u * (img[48] - 2u) + 16, 0x3ff0);   /* runs off the image */
    REJECT("symbol table outside the image");
    /* Without the note, sections are ignored. */
    default_spec();
    build();
    add_symtab(0);
    ACCEPT();
    CHECK_EQ(P.bsd_symtab_start, 0);
    /* INIT_P2M is parsed (and left to the builder to ignore). */
    note_num(XEN_ELFNOTE_INIT_P2M, 0xdead000, 4);
    build();
    ACCEPT();
    CHECK_EQ(P.p2m_base, 0xdead000u);
}

/* xorshift64*: deterministic pseudo-random numbers */
static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1DULL;
}

/* Any result is fine as long as nothing reads out of bounds (ASan), the
 * error message is set on failure, and an accepted image loads in range. */
static int fuzz_one(void)
{
    int rc = parse();

    if (rc < 0) {
        CHECK(err[0] != '\0');
        return 0;
    }
    CHECK(P.virt_kstart < P.virt_kend && P.virt_kend <= 0xF5800000u);
    CHECK(P.virt_entry >= P.virt_kstart && P.virt_entry < P.virt_kend);
    fail_at = 0;
    CHECK_EQ(load(), 0);
    return 1;
}

HTEST(fuzz_truncation)
{
    static uint8_t *heap;
    int accepted = 0;

    default_spec();
    S.notes_in_shdr = true;
    build();
    /* Copy to a heap block of exactly the given length, so ASan catches
     * even a one-byte over-read. */
    uint8_t full[IMG_SIZE];
    memcpy(full, img, sizeof(full));
    for (size_t n = 0; n <= IMG_SIZE; n += (n < 0x800 ? 1 : 61)) {
        heap = malloc(n ? n : 1);
        memcpy(heap, full, n);
        err[0] = '\0';
        if (elf_parse(heap, n, &P, err, sizeof(err)) == 0) {
            accepted++;
            CHECK_EQ(elf_load(heap, n, &P, rec_write, &P), 0);
        } else {
            CHECK(err[0] != '\0');
        }
        free(heap);
    }
    CHECK(accepted > 0);
}

HTEST(fuzz_mutations)
{
    uint8_t full[IMG_SIZE];
    int accepted = 0;

    default_spec();
    S.notes_in_shdr = true;
    S.legacy = "GUEST_OS=linux,XEN_VER=xen-3.0,PAE=yes";
    build();
    memcpy(full, img, sizeof(full));
    for (int iter = 0; iter < 30000; iter++) {
        memcpy(img, full, sizeof(img));
        int nmut = 1 + (int)(rnd() % 4);
        for (int m = 0; m < nmut; m++) {
            /* Mostly hit the headers and notes, where the parsing is. */
            size_t off = rnd() % 8 ? rnd() % 0x800 : rnd() % IMG_SIZE;
            switch (rnd() % 4) {
            case 0: img[off] = (uint8_t)rnd(); break;
            case 1: img[off] ^= (uint8_t)(1u << (rnd() % 8)); break;
            case 2: if (off + 4 <= IMG_SIZE) put32(off, (uint32_t)rnd()); break;
            case 3: if (off + 4 <= IMG_SIZE) put32(off, 0xFFFFFFFFu - (uint32_t)(rnd() % 64)); break;
            }
        }
        accepted += fuzz_one();
    }
    CHECK(accepted > 1000);             /* the mutations are not all fatal */
}

HTEST(null_and_tiny_error_buffers)
{
    default_spec();
    build();
    img[0] = 0;
    CHECK(elf_parse(img, img_len, &P, NULL, 0) < 0);
    char tiny[4] = "xyz";
    CHECK(elf_parse(img, img_len, &P, tiny, sizeof(tiny)) < 0);
    CHECK_EQ(strlen(tiny), 3);
    CHECK(elf_parse(NULL, 100, &P, err, sizeof(err)) < 0);
    CHECK(elf_load(NULL, 100, &P, rec_write, &P) < 0);
}
