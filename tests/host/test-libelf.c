/*
 * test-libelf: the parsing rules of hypervisor/common/libelf.c.
 *
 * Each case changes the builder's spec (elf-image.h) or patches the built
 * bytes and checks that elf_parse() accepts with the right results, or
 * rejects with a message naming the problem: headers, segments, address
 * checks, guest identity notes, malformed notes, the note budget, the
 * section-header fallback and the legacy __xen_guest string.  Loading and
 * fuzzing are in test-libelf-load.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <mica/libelf.h>
#include <mica/lib.h>
#include <public/elfnote.h>
#include "htest.h"
#include "elf-image.h"
#include <public/features.h>

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

    /* Segments may touch but not overlap (the loader's order would decide
     * which bytes the guest gets), bss included. */
    default_spec();
    S.segs[1].paddr = 0x101FFF;              /* one byte into segment 0 */
    build();
    REJECT("segments 0 and 1 overlap at 0xc0101fff");
    default_spec();
    S.segs[0].memsz = 0x2001;                /* segment 0's bss reaches segment 1 */
    build();
    REJECT("overlap");
    default_spec();
    S.segs[2] = S.segs[1];                   /* the same segment twice */
    S.nsegs = 3;
    build();
    REJECT("segments 1 and 2 overlap");
    default_spec();
    S.segs[1].paddr = 0x102000;              /* adjacent: fine */
    build();
    ACCEPT();
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

    /*
     * A string is the descriptor up to its first NUL or its end: Linux
     * writes FEATURES with .ascii (no terminator), and nothing past the
     * descriptor is read.
     */
    default_spec();
    struct note *n = add_note(XEN_ELFNOTE_GUEST_VERSION);
    n->descsz = 4;
    memcpy(n->desc, "abcd", 4);
    build();
    ACCEPT();
    CHECK(strcmp(P.guest_ver, "abcd") == 0);
    default_spec();
    S.nnotes--;                             /* FEATURES, as Linux writes it */
    n = add_note(XEN_ELFNOTE_FEATURES);
    n->descsz = strlen("!writable_page_tables|pae_pgdir_above_4gb");
    memcpy(n->desc, "!writable_page_tables|pae_pgdir_above_4gb", n->descsz);
    build();
    ACCEPT();
    CHECK(P.f_required[0] & (1u << XENFEAT_writable_page_tables));
    CHECK(P.f_supported[0] & (1u << XENFEAT_pae_pgdir_above_4gb));
    CHECK(!(P.f_required[0] & (1u << XENFEAT_pae_pgdir_above_4gb)));
    default_spec();
    n = add_note(XEN_ELFNOTE_LOADER);       /* an empty LOADER is no loader */
    n->descsz = 0;
    build();
    REJECT("generic loader");

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
