/*
 * test-libelf: hypervisor/common/libelf.c.
 *
 * A small builder lays out 32-bit ELF kernels in memory:
 *
 *   0x0000 ELF header        0x0200 notes           0x0600 section names
 *   0x0034 program headers   0x0500 __xen_guest     0x0700 section headers
 *   0x1000.. segment contents (the default kernel: 8 KiB of text at
 *            p_paddr 0x100000, then 2 KiB of data + 10 KiB of bss)
 *
 * The default image is a valid notes-based PAE kernel at VIRT_BASE
 * 0xC0000000.  Each case changes the spec or patches the built bytes and
 * checks that elf_parse() accepts with the right results, or rejects with a
 * message.  elf_load() is checked byte for byte through a recording write
 * callback.  Finally, thousands of randomly corrupted and truncated images
 * are parsed under ASan: any out-of-bounds read fails the run, and any image
 * that is accepted must load strictly inside [virt_kstart, virt_kend).
 */
#include <stdint.h>
#include <mica/libelf.h>
#include <mica/lib.h>
#include <public/elfnote.h>
#include "htest.h"

#define IMG_SIZE   0x4000
#define NOTES_OFF  0x200
#define LEGACY_OFF 0x500
#define SHSTR_OFF  0x600
#define SHDR_OFF   0x700

struct note {
    uint32_t type, namesz, descsz;
    char name[8];
    uint8_t desc[128];
};

struct seg {
    uint32_t type, offset, paddr, filesz, memsz;
};

struct spec {
    struct note notes[24];
    int nnotes;
    bool notes_in_phdr, notes_in_shdr;
    const char *legacy;
    struct seg segs[4];
    int nsegs;
    uint32_t entry;
};

static struct spec S;
static uint8_t img[IMG_SIZE];
static size_t img_len;
static struct elf_dom_parms P;
static char err[200];

static void put16(size_t off, uint16_t v) { memcpy(img + off, &v, 2); }
static void put32(size_t off, uint32_t v) { memcpy(img + off, &v, 4); }

static struct note *add_note(uint32_t type)
{
    struct note *n = &S.notes[S.nnotes++];

    memset(n, 0, sizeof(*n));
    n->type = type;
    strcpy(n->name, "Xen");
    n->namesz = 4;
    return n;
}

static void note_str(uint32_t type, const char *s)
{
    struct note *n = add_note(type);

    n->descsz = (uint32_t)strlen(s) + 1;
    memcpy(n->desc, s, n->descsz);
}

static void note_num(uint32_t type, uint64_t v, uint32_t size)
{
    struct note *n = add_note(type);

    n->descsz = size;
    memcpy(n->desc, &v, size < 8 ? size : 8);   /* larger: zero-padded */
}

/* Remove every note of a type (to leave a default in force). */
static void drop_note(uint32_t type)
{
    int j = 0;

    for (int i = 0; i < S.nnotes; i++) {
        if (S.notes[i].type != type)
            S.notes[j++] = S.notes[i];
    }
    S.nnotes = j;
}

static void default_spec(void)
{
    memset(&S, 0, sizeof(S));
    S.notes_in_phdr = true;
    note_str(XEN_ELFNOTE_GUEST_OS, "Mica-test");
    note_str(XEN_ELFNOTE_GUEST_VERSION, "0.1");
    note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0");
    note_str(XEN_ELFNOTE_LOADER, "generic");
    note_str(XEN_ELFNOTE_PAE_MODE, "yes");
    note_num(XEN_ELFNOTE_VIRT_BASE, 0xC0000000u, 4);
    note_num(XEN_ELFNOTE_ENTRY, 0xC0100000u, 4);
    note_num(XEN_ELFNOTE_HYPERCALL_PAGE, 0xC0101000u, 4);
    note_str(XEN_ELFNOTE_FEATURES, "!writable_page_tables|pae_pgdir_above_4gb");
    S.segs[0] = (struct seg){ 1, 0x1000, 0x100000, 0x2000, 0x2000 };
    S.segs[1] = (struct seg){ 1, 0x3000, 0x102000, 0x800, 0x3000 };
    S.nsegs = 2;
    S.entry = 0xC0100000u;
}

/* Lay the spec out into img[] and img_len. */
static void build(void)
{
    size_t notes_len = 0, nph = 0, nsh = 0;
    uint16_t shstrndx = 1;

    memset(img, 0, sizeof(img));
    for (int i = 0; i < S.nnotes; i++) {
        const struct note *n = &S.notes[i];
        size_t o = NOTES_OFF + notes_len;

        put32(o, n->namesz);
        put32(o + 4, n->descsz);
        put32(o + 8, n->type);
        memcpy(img + o + 12, n->name, 4);
        memcpy(img + o + 12 + ROUNDUP(n->namesz, 4), n->desc,
               n->descsz < 128 ? n->descsz : 128);
        notes_len += 12 + ROUNDUP(n->namesz, 4) + ROUNDUP(n->descsz, 4);
    }

    /* ELF header */
    memcpy(img, "\177ELF", 4);
    img[4] = 1;         /* ELFCLASS32 */
    img[5] = 1;         /* little-endian */
    img[6] = 1;         /* EV_CURRENT */
    put16(16, 2);       /* ET_EXEC */
    put16(18, 3);       /* EM_386 */
    put32(20, 1);
    put32(24, S.entry);
    put32(28, 52);      /* e_phoff */
    put32(32, SHDR_OFF);
    put16(40, 52);
    put16(42, 32);
    put16(46, 40);

    for (int i = 0; i < S.nsegs; i++, nph++) {
        size_t o = 52 + nph * 32;
        const struct seg *s = &S.segs[i];

        put32(o, s->type);
        put32(o + 4, s->offset);
        put32(o + 8, s->paddr + 0xC0000000u);   /* p_vaddr: ignored */
        put32(o + 12, s->paddr);
        put32(o + 16, s->filesz);
        put32(o + 20, s->memsz);
        put32(o + 24, 7);
        put32(o + 28, 0x1000);
        /* recognisable contents */
        for (uint32_t b = 0; b < s->filesz && s->offset + b < IMG_SIZE; b++)
            img[s->offset + b] = (uint8_t)(i * 0x40 + b * 13 + (b >> 8) + 1);
    }
    if (S.notes_in_phdr) {
        size_t o = 52 + nph++ * 32;
        put32(o, 4);    /* PT_NOTE */
        put32(o + 4, NOTES_OFF);
        put32(o + 16, (uint32_t)notes_len);
        put32(o + 20, (uint32_t)notes_len);
    }
    put16(44, (uint16_t)nph);

    /* sections: null, .shstrtab, [.note.Xen], [__xen_guest] */
    static const char names[] = "\0.shstrtab\0.note.Xen\0__xen_guest\0";
    memcpy(img + SHSTR_OFF, names, sizeof(names));
    nsh = 1;
    put32(SHDR_OFF + 40 * nsh + 0, 1);
    put32(SHDR_OFF + 40 * nsh + 4, 3);      /* SHT_STRTAB */
    put32(SHDR_OFF + 40 * nsh + 16, SHSTR_OFF);
    put32(SHDR_OFF + 40 * nsh + 20, sizeof(names));
    nsh++;
    if (S.notes_in_shdr) {
        put32(SHDR_OFF + 40 * nsh + 0, 11);
        put32(SHDR_OFF + 40 * nsh + 4, 7);  /* SHT_NOTE */
        put32(SHDR_OFF + 40 * nsh + 16, NOTES_OFF);
        put32(SHDR_OFF + 40 * nsh + 20, (uint32_t)notes_len);
        nsh++;
    }
    if (S.legacy) {
        put32(SHDR_OFF + 40 * nsh + 0, 21);
        put32(SHDR_OFF + 40 * nsh + 4, 1);  /* SHT_PROGBITS */
        put32(SHDR_OFF + 40 * nsh + 16, LEGACY_OFF);
        put32(SHDR_OFF + 40 * nsh + 20, (uint32_t)strlen(S.legacy) + 1);
        strcpy((char *)img + LEGACY_OFF, S.legacy);
        nsh++;
    }
    put16(48, (uint16_t)nsh);
    put16(50, shstrndx);
    img_len = IMG_SIZE;
}

static int parse(void)
{
    err[0] = '\0';
    return elf_parse(img, img_len, &P, err, sizeof(err));
}

/* Build and expect rejection whose message contains `why`. */
#define REJECT(why) do {                                                     \
        int rc_ = parse();                                                   \
        CHECK(rc_ < 0);                                                      \
        if (!strstr(err, why))                                               \
            htest_fail(__FILE__, __LINE__, "error \"%s\" lacks \"%s\"", err, why); \
    } while (0)
#define ACCEPT() do {                                                        \
        int rc_ = parse();                                                   \
        if (rc_ != 0)                                                        \
            htest_fail(__FILE__, __LINE__, "rejected: %s", err);             \
    } while (0)

HTEST(valid_notes_image)
{
    default_spec();
    build();
    ACCEPT();
    CHECK(P.has_notes);
    CHECK(!P.has_legacy_section);
    CHECK_EQ(P.virt_base, 0xC0000000u);
    CHECK_EQ(P.elf_paddr_offset, 0);
    CHECK_EQ(P.virt_entry, 0xC0100000u);
    CHECK_EQ(P.virt_hypercall, 0xC0101000u);
    CHECK_EQ(P.virt_kstart, 0xC0100000u);
    CHECK_EQ(P.virt_kend, 0xC0105000u);
    CHECK_EQ(P.virt_hv_start_low, UNSET_ADDR);
    CHECK_EQ(P.pae, PAEMODE_EXTENDED_CR3);
    CHECK_EQ(P.f_supported[0], (1u << 0) | (1u << 4));
    CHECK_EQ(P.f_required[0], 1u << 0);
    CHECK_STREQ(P.guest_os, "Mica-test");
    CHECK_STREQ(P.guest_ver, "0.1");
    CHECK_STREQ(P.xen_ver, "xen-3.0");
    CHECK_STREQ(P.loader, "generic");
    CHECK(!P.bsd_symtab && !P.suspend_cancel && !P.mod_start_pfn);
    CHECK_STREQ(err, "");
}

HTEST(defaults_and_numeric_sizes)
{
    /* Mini-OS style: no VIRT_BASE (0), no ENTRY (e_entry). */
    default_spec();
    drop_note(XEN_ELFNOTE_VIRT_BASE);
    drop_note(XEN_ELFNOTE_ENTRY);
    S.entry = 0x100010;
    drop_note(XEN_ELFNOTE_HYPERCALL_PAGE);
    note_num(XEN_ELFNOTE_HYPERCALL_PAGE, 0x101000, 8);
    build();
    ACCEPT();
    CHECK_EQ(P.virt_base, 0);
    CHECK_EQ(P.virt_entry, 0x100010);
    CHECK_EQ(P.virt_kstart, 0x100000);
    CHECK_EQ(P.virt_hypercall, 0x101000);

    /* 1-, 2-, 4- and 8-byte numbers; the other flags */
    default_spec();
    drop_note(XEN_ELFNOTE_VIRT_BASE);
    note_num(XEN_ELFNOTE_VIRT_BASE, 0xC0000000u, 8);
    note_num(XEN_ELFNOTE_SUSPEND_CANCEL, 1, 1);
    note_num(XEN_ELFNOTE_MOD_START_PFN, 0x100, 2);
    note_num(XEN_ELFNOTE_HV_START_LOW, 0xF5800000u, 4);
    note_str(XEN_ELFNOTE_BSD_SYMTAB, "yes");
    note_num(XEN_ELFNOTE_SUPPORTED_FEATURES, 1u << 5, 4);
    note_str(0, "INFO=ignored");             /* INFO: accepted, unused */
    note_num(99, 5, 3);                      /* unknown types are skipped */
    build();
    ACCEPT();
    CHECK(P.suspend_cancel && P.mod_start_pfn && P.bsd_symtab);
    CHECK_EQ(P.virt_hv_start_low, 0xF5800000u);
    CHECK_EQ(P.f_supported[0], (1u << 0) | (1u << 4) | (1u << 5));

    default_spec();
    note_num(XEN_ELFNOTE_SUSPEND_CANCEL, 1, 3);
    build();
    REJECT("bad size 3");
    default_spec();
    note_num(XEN_ELFNOTE_SUSPEND_CANCEL, 0, 16);
    build();
    REJECT("bad size 16");
    default_spec();
    note_num(XEN_ELFNOTE_SUPPORTED_FEATURES, 1, 2);
    build();
    REJECT("feature bitmap");
}

HTEST(non_xen_notes_and_section_fallback)
{
    /* Notes only in a section. */
    default_spec();
    S.notes_in_phdr = false;
    S.notes_in_shdr = true;
    build();
    ACCEPT();
    CHECK(P.has_notes);
    CHECK_EQ(P.virt_hypercall, 0xC0101000u);

    /* Notes named "Xen" only count; others (e.g. GNU) are skipped. */
    default_spec();
    for (int i = 0; i < S.nnotes; i++)
        strcpy(S.notes[i].name, "GNU");
    build();
    REJECT("not a Xen PV kernel");

    /* namesz must be exactly 4 ("Xen\0"). */
    default_spec();
    for (int i = 0; i < S.nnotes; i++)
        S.notes[i].namesz = 3;
    build();
    REJECT("not a Xen PV kernel");

    /* A PT_NOTE at file offset 0 (old binutils bug) is ignored and the
     * section is used instead. */
    default_spec();
    S.notes_in_shdr = true;
    build();
    put32(52 + 2 * 32 + 4, 0);
    ACCEPT();
    CHECK(P.has_notes);

    /* The same notes reached through two PT_NOTE headers are harmless. */
    default_spec();
    S.segs[2] = (struct seg){ 4, NOTES_OFF, 0, 0, 0 };
    S.nsegs = 3;
    build();
    memcpy(img + 52 + 2 * 32, img + 52 + 3 * 32, 32);  /* copy the real one */
    ACCEPT();
}

HTEST(legacy_section)
{
    default_spec();
    S.nnotes = 0;
    S.notes_in_phdr = false;
    S.segs[0].paddr += 0xC0000000u;         /* legacy: p_paddr is the VA */
    S.segs[1].paddr += 0xC0000000u;
    S.legacy = "GUEST_OS=linux,GUEST_VER=2.6,XEN_VER=xen-3.0,"
               "HYPERCALL_PAGE=0x101,VIRT_BASE=0xC0000000,"
               "VIRT_ENTRY=0xC0100000,FEATURES=writable_page_tables|"
               "!pae_pgdir_above_4gb|unknown_optional,PAE=yes[extended-cr3],"
               "LOADER=generic,BSD_SYMTAB";
    build();
    ACCEPT();
    CHECK(P.has_legacy_section);
    CHECK(!P.has_notes);
    CHECK_EQ(P.virt_base, 0xC0000000u);
    CHECK_EQ(P.elf_paddr_offset, 0xC0000000u);  /* defaults to VIRT_BASE */
    CHECK_EQ(P.virt_kstart, 0xC0100000u);
    CHECK_EQ(P.virt_entry, 0xC0100000u);
    CHECK_EQ(P.virt_hypercall, 0xC0101000u);     /* page 0x101 of VIRT_BASE */
    CHECK_EQ(P.pae, PAEMODE_EXTENDED_CR3);
    CHECK_EQ(P.f_supported[0], (1u << 0) | (1u << 4));
    CHECK_EQ(P.f_required[0], 1u << 4);
    CHECK(P.bsd_symtab);
    CHECK_STREQ(P.guest_os, "linux");
    CHECK_STREQ(P.guest_ver, "2.6");

    /* Explicit ELF_PADDR_OFFSET; PAE=yes and bimodal. */
    S.legacy = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xC0000000,"
               "ELF_PADDR_OFFSET=0xC0000000,PAE=yes";
    S.entry = 0xC0100000u;
    build();
    ACCEPT();
    CHECK_EQ(P.pae, PAEMODE_YES);
    CHECK_EQ(P.virt_hypercall, UNSET_ADDR);
    S.legacy = "LOADER=generic,XEN_VER=xen-3.0,VIRT_BASE=0xC0000000,PAE=bimodal";
    build();
    ACCEPT();
    CHECK_EQ(P.pae, PAEMODE_BIMODAL);

    /* Rejections specific to the legacy format. */
    S.legacy = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xC0000000";
    build();
    REJECT("not PAE");
    S.legacy = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xC00z,PAE=yes";
    build();
    REJECT("bad number");
    S.legacy = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=,PAE=yes";
    build();
    REJECT("bad number");
    S.legacy = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xC0000000,PAE=yes,"
               "HYPERCALL_PAGE=0xfffffffffffff";
    build();
    REJECT("HYPERCALL_PAGE");
    S.legacy = "GUEST_OS=linux,XEN_VER=xen-3.0,VIRT_BASE=0xC0000000,PAE=yes,"
               "FEATURES=!no_such_feature";
    build();
    REJECT("unknown feature 'no_such_feature'");
    S.legacy = "GUEST_OS=linux,XEN_VER=xen-3.0,ELF_PADDR_OFFSET=0,PAE=yes";
    build();
    REJECT("VIRT_BASE is not");

    /* Over-long keys and values are cut, never overflow. */
    char big[250];      /* the section must end before the name table */
    memset(big, 'A', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    memcpy(big, "GUEST_OS=linux,XEN_VER=xen-3.0,PAE=yes,VIRT_BASE=0xC0000000,X=", 62);
    S.legacy = big;
    build();
    ACCEPT();
}

HTEST(bad_headers)
{
    default_spec();
    build();

    img_len = 51;
    REJECT("too small");
    img_len = IMG_SIZE;

    static const struct { size_t off, size; uint32_t val; const char *why; } bad[] = {
        { 0, 1, 0x7e, "bad magic" },
        { 3, 1, 'f', "bad magic" },
        { 4, 1, 2, "not a 32-bit" },
        { 5, 1, 2, "little-endian" },
        { 6, 1, 0, "version" },
        { 20, 4, 2, "version" },
        { 16, 2, 3, "not an executable" },          /* ET_DYN */
        { 18, 2, 62, "not an i386" },               /* EM_X86_64 */
        { 44, 2, 0, "no program headers" },
        { 42, 2, 40, "program header size" },
        { 28, 4, IMG_SIZE - 64, "program headers outside" },
        { 28, 4, 0xFFFFFFF0u, "program headers outside" },
        { 44, 2, 0xFFFF, "program headers outside" },
        { 46, 2, 32, "section header size" },
        { 32, 4, IMG_SIZE - 40, "section headers outside" },
        { 32, 4, 0xFFFFFFFFu, "section headers outside" },
        { 48, 2, 0xFFFF, "section headers outside" },
        { 50, 2, 3, "section name table index" },
    };
    uint8_t saved[IMG_SIZE];
    memcpy(saved, img, sizeof(img));
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        memcpy(img, saved, sizeof(img));
        if (bad[i].size == 1)
            img[bad[i].off] = (uint8_t)bad[i].val;
        else if (bad[i].size == 2)
            put16(bad[i].off, (uint16_t)bad[i].val);
        else
            put32(bad[i].off, bad[i].val);
        REJECT(bad[i].why);
    }

    /* No section table at all is fine when the notes are in segments. */
    memcpy(img, saved, sizeof(img));
    put16(48, 0);
    ACCEPT();
    /* The section name table itself out of bounds matters only when
     * looking for __xen_guest. */
    memcpy(img, saved, sizeof(img));
    put32(SHDR_OFF + 40 + 16, 0xFFFFFF00u);
    ACCEPT();
    default_spec();
    S.nnotes = 0;
    build();
    put32(SHDR_OFF + 40 + 16, 0xFFFFFF00u);
    REJECT("section name table outside");
}

HTEST(bad_segments)
{
    default_spec();
    S.segs[1].filesz = S.segs[1].memsz + 1;
    build();
    REJECT("file size 0x3001 exceeds memory size 0x3000");

    default_spec();
    S.segs[1].offset = IMG_SIZE - 0x100;     /* file range past the end */
    build();
    REJECT("segment 1: file range outside");

    default_spec();
    S.segs[1].offset = 0xFFFFF800u;          /* 32-bit offset + size wraps */
    build();
    REJECT("segment 1: file range outside");

    default_spec();
    S.segs[0] = (struct seg){ 1, 0x1000, 0x3FFFF000u, 0x800, 0x2000 };
    build();                                 /* 0xC0000000 + that: past 4G */
    REJECT("above 4 GiB");

    default_spec();
    drop_note(XEN_ELFNOTE_VIRT_BASE);
    note_num(XEN_ELFNOTE_VIRT_BASE, 0xFFFFFFFF00000000ULL, 8);
    build();
    REJECT("above 4 GiB");

    default_spec();
    drop_note(XEN_ELFNOTE_VIRT_BASE);
    note_num(XEN_ELFNOTE_VIRT_BASE, 0xC0000000u, 4);
    note_num(XEN_ELFNOTE_PADDR_OFFSET, 0xD0000000u, 4);   /* VA = paddr - 0x10000000: wraps */
    build();
    REJECT("wraps");

    default_spec();
    S.segs[0].type = S.segs[1].type = 6;     /* no PT_LOAD */
    build();
    REJECT("no loadable segments");

    default_spec();
    S.segs[0].memsz = S.segs[0].filesz = 0;  /* empty PT_LOADs don't count */
    S.segs[1].memsz = S.segs[1].filesz = 0;
    build();
    REJECT("no loadable segments");

    /* The kernel must end below the hypervisor hole. */
    default_spec();
    S.segs[1].paddr = 0x357FF000u;           /* VA 0xF57FF000 */
    S.segs[1].memsz = 0x1000;
    build();
    ACCEPT();
    CHECK_EQ(P.virt_kend, 0xF5800000u);
    S.segs[1].memsz = 0x1001;
    build();
    REJECT("hypervisor hole");
}

HTEST(address_checks)
{
    default_spec();
    drop_note(XEN_ELFNOTE_ENTRY);
    note_num(XEN_ELFNOTE_ENTRY, 0xC0104FFFu, 4);      /* last byte: fine */
    build();
    ACCEPT();
    drop_note(XEN_ELFNOTE_ENTRY);
    note_num(XEN_ELFNOTE_ENTRY, 0xC0105000u, 4);      /* == kend */
    build();
    REJECT("entry point 0xc0105000 is outside");
    drop_note(XEN_ELFNOTE_ENTRY);
    note_num(XEN_ELFNOTE_ENTRY, 0xC00FFFFFu, 4);
    build();
    REJECT("entry point");
    drop_note(XEN_ELFNOTE_ENTRY);
    S.entry = 0x100000;                      /* e_entry, not relocated */
    build();
    REJECT("entry point");

    default_spec();
    drop_note(XEN_ELFNOTE_VIRT_BASE);
    note_num(XEN_ELFNOTE_VIRT_BASE, 0xC0200000u, 4);
    note_num(XEN_ELFNOTE_PADDR_OFFSET, 0xC0200000u - 0xC0000000u, 4);
    build();                                 /* kernel still at 0xC0100000 */
    REJECT("below VIRT_BASE");

    default_spec();
    drop_note(XEN_ELFNOTE_VIRT_BASE);
    note_num(XEN_ELFNOTE_PADDR_OFFSET, 0, 4);
    build();
    REJECT("PADDR_OFFSET is given but VIRT_BASE is not");

    default_spec();
    drop_note(XEN_ELFNOTE_HYPERCALL_PAGE);
    note_num(XEN_ELFNOTE_HYPERCALL_PAGE, 0xC0101800u, 4);
    build();
    REJECT("hypercall page");
    drop_note(XEN_ELFNOTE_HYPERCALL_PAGE);
    note_num(XEN_ELFNOTE_HYPERCALL_PAGE, 0xC0105000u, 4);
    build();
    REJECT("hypercall page");
    drop_note(XEN_ELFNOTE_HYPERCALL_PAGE);
    note_num(XEN_ELFNOTE_HYPERCALL_PAGE, 0xC0000000u, 4);
    build();
    REJECT("hypercall page");
    drop_note(XEN_ELFNOTE_HYPERCALL_PAGE);
    note_num(XEN_ELFNOTE_HYPERCALL_PAGE, 0xC0104000u, 4);   /* last page, part bss */
    build();
    ACCEPT();
    drop_note(XEN_ELFNOTE_HYPERCALL_PAGE);           /* none at all is allowed */
    build();
    ACCEPT();
    CHECK_EQ(P.virt_hypercall, UNSET_ADDR);

    default_spec();
    note_num(XEN_ELFNOTE_HV_START_LOW, 0xF5800001u, 4);
    build();
    REJECT("hypervisor hole at or above");
    default_spec();
    note_num(XEN_ELFNOTE_HV_START_LOW, 0xF0000000u, 4);
    build();
    ACCEPT();
}

HTEST(guest_identity_checks)
{
    static const struct { const char *pae; enum pae_mode mode; } modes[] = {
        { "yes", PAEMODE_EXTENDED_CR3 }, { "yes[extended-cr3]", PAEMODE_EXTENDED_CR3 },
        { "bimodal", PAEMODE_BIMODAL }, { "yes,bimodal", PAEMODE_BIMODAL },
    };
    for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
        default_spec();
        drop_note(XEN_ELFNOTE_PAE_MODE);
        note_str(XEN_ELFNOTE_PAE_MODE, modes[i].pae);
        build();
        ACCEPT();
        CHECK_EQ(P.pae, modes[i].mode);
    }
    default_spec();
    drop_note(XEN_ELFNOTE_PAE_MODE);
    build();
    REJECT("not PAE");
    note_str(XEN_ELFNOTE_PAE_MODE, "no");
    build();
    REJECT("not PAE");

    default_spec();
    drop_note(XEN_ELFNOTE_XEN_VERSION);
    build();
    REJECT("not \"xen-3.0\"");
    note_str(XEN_ELFNOTE_XEN_VERSION, "xen-2.0");
    build();
    REJECT("built for \"xen-2.0\"");
    drop_note(XEN_ELFNOTE_XEN_VERSION);
    note_str(XEN_ELFNOTE_XEN_VERSION, "xen-3.0-x86_32p");
    build();
    ACCEPT();

    default_spec();
    drop_note(XEN_ELFNOTE_LOADER);
    build();
    REJECT("neither the generic loader nor Linux");
    drop_note(XEN_ELFNOTE_GUEST_OS);
    note_str(XEN_ELFNOTE_GUEST_OS, "linux-2.6");
    build();
    ACCEPT();
    note_str(XEN_ELFNOTE_LOADER, "elsewhere");
    build();
    ACCEPT();

    default_spec();
    drop_note(XEN_ELFNOTE_FEATURES);
    note_str(XEN_ELFNOTE_FEATURES, "writable_descriptor_tables|!dom0|hvm_pirqs|no_such|"
                          "!mmu_pt_update_preserve_ad|");
    build();
    ACCEPT();
    CHECK_EQ(P.f_supported[0], (1u << 1) | (1u << 11) | (1u << 10) | (1u << 5));
    CHECK_EQ(P.f_required[0], (1u << 11) | (1u << 5));
    note_str(XEN_ELFNOTE_FEATURES, "!no_such");
    build();
    REJECT("unknown feature 'no_such'");

    /* Long strings are cut to the field size. */
    default_spec();
    drop_note(XEN_ELFNOTE_GUEST_OS);
    note_str(XEN_ELFNOTE_GUEST_OS, "a-guest-os-name-much-longer-than-31-characters");
    build();
    ACCEPT();
    CHECK_EQ(strlen(P.guest_os), 31);
}

HTEST(bad_notes)
{
    uint8_t saved[IMG_SIZE];
    const size_t ph_note = 52 + 2 * 32;     /* the PT_NOTE header */

    default_spec();
    build();
    memcpy(saved, img, sizeof(img));
    uint32_t len;
    memcpy(&len, img + ph_note + 16, 4);

    /* The segment ends inside a note's header, name or descriptor. */
    put32(ph_note + 16, len - 4);
    REJECT("runs past the end");
    put32(ph_note + 16, len - 20);
    REJECT("runs past the end");
    put32(ph_note + 16, 8);
    REJECT("truncated ELF note header");
    /* A note claiming more than is left overlaps what follows. */
    memcpy(img, saved, sizeof(img));
    put32(NOTES_OFF + 4, 0xFFFFFFFFu);
    REJECT("runs past the end");
    memcpy(img, saved, sizeof(img));
    put32(NOTES_OFF, 0xFFFFFFFDu);
    REJECT("runs past the end");
    memcpy(img, saved, sizeof(img));
    put32(NOTES_OFF + 4, len);
    REJECT("runs past the end");
    /* The note segment itself outside the image. */
    memcpy(img, saved, sizeof(img));
    put32(ph_note + 4, IMG_SIZE - 8);
    REJECT("note segment 2 outside");
    memcpy(img, saved, sizeof(img));
    put32(ph_note + 4, 0xFFFFFFF0u);
    REJECT("note segment 2 outside");

    /* The last note may lack its final padding. */
    default_spec();
    S.nnotes--;                             /* FEATURES */
    note_str(XEN_ELFNOTE_FEATURES, "dom0");          /* 5 bytes, padded to 8 */
    build();
    memcpy(&len, img + ph_note + 16, 4);
    put32(ph_note + 16, len - 3);
    ACCEPT();
    put32(ph_note + 16, len - 4);           /* but not lose data */
    REJECT("runs past the end");

    /* Strings must be NUL-terminated inside the descriptor. */
    default_spec();
    struct note *n = add_note(XEN_ELFNOTE_GUEST_VERSION);
    n->descsz = 4;
    memcpy(n->desc, "abcd", 4);
    build();
    REJECT("not NUL-terminated");
    default_spec();
    n = add_note(XEN_ELFNOTE_LOADER);
    n->descsz = 0;
    build();
    REJECT("not NUL-terminated");

    /* A broken note in a section is found too, if sections are used. */
    default_spec();
    S.notes_in_phdr = false;
    S.notes_in_shdr = true;
    build();
    put32(SHDR_OFF + 2 * 40 + 20, 0x10000);
    REJECT("note section 2 outside");
}

HTEST(note_budget)
{
    /* Thousands of PT_NOTE headers all pointing at the same notes would
     * make the parser loop for a very long time; there is a budget. */
    const size_t nph = 7500, big_size = IMG_SIZE + (nph + 2) * 32;
    uint8_t *big = calloc(1, big_size);
    uint8_t ph[32];

    default_spec();
    build();
    memcpy(big, img, IMG_SIZE);
    memcpy(big + IMG_SIZE, img + 52, 2 * 32);       /* the two PT_LOADs */
    memcpy(ph, img + 52 + 2 * 32, 32);              /* the PT_NOTE */
    for (size_t i = 0; i < nph; i++)
        memcpy(big + IMG_SIZE + (2 + i) * 32, ph, 32);
    memcpy(big + 28, &(uint32_t){ IMG_SIZE }, 4);   /* e_phoff */
    memcpy(big + 44, &(uint16_t){ (uint16_t)(nph + 2) }, 2);
    CHECK(elf_parse(big, big_size, &P, err, sizeof(err)) < 0);
    CHECK(strstr(err, "too many ELF notes") != NULL);

    memcpy(big + 44, &(uint16_t){ 1000 }, 2);       /* 9000 notes: fine */
    CHECK_EQ(elf_parse(big, big_size, &P, err, sizeof(err)), 0);
    free(big);
}

/* elf_load's writes, recorded into a model of the kernel's memory. */
#define MEM_BASE 0xC0100000u
static uint8_t mem[0x5000];
static bool written[0x5000];
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
    for (size_t i = 0; i < sizeof(written); i++) {
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
