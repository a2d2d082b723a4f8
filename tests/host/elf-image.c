/*
 * The ELF image builder shared by the libelf host tests (see elf-image.h).
 */
#include <string.h>
#include <mica/lib.h>
#include <public/elfnote.h>
#include "elf-image.h"

struct spec S;
uint8_t img[IMG_SIZE];
size_t img_len;
struct elf_dom_parms P;
char err[200];

void put16(size_t off, uint16_t v) { memcpy(img + off, &v, 2); }
void put32(size_t off, uint32_t v) { memcpy(img + off, &v, 4); }

struct note *add_note(uint32_t type)
{
    struct note *n = &S.notes[S.nnotes++];

    memset(n, 0, sizeof(*n));
    n->type = type;
    strcpy(n->name, "Xen");
    n->namesz = 4;
    return n;
}

void note_str(uint32_t type, const char *s)
{
    struct note *n = add_note(type);

    n->descsz = (uint32_t)strlen(s) + 1;
    memcpy(n->desc, s, n->descsz);
}

void note_num(uint32_t type, uint64_t v, uint32_t size)
{
    struct note *n = add_note(type);

    n->descsz = size;
    memcpy(n->desc, &v, size < 8 ? size : 8);   /* larger: zero-padded */
}

/* Remove every note of a type (to leave a default in force). */
void drop_note(uint32_t type)
{
    int j = 0;

    for (int i = 0; i < S.nnotes; i++) {
        if (S.notes[i].type != type)
            S.notes[j++] = S.notes[i];
    }
    S.nnotes = j;
}

void default_spec(void)
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
void build(void)
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

int parse(void)
{
    err[0] = '\0';
    return elf_parse(img, img_len, &P, err, sizeof(err));
}
