/*
 * An in-memory builder of 32-bit ELF PV kernels for the libelf host tests
 * (test-libelf: parsing rules; test-libelf-load: loading and fuzzing).
 *
 *   0x0000 ELF header        0x0200 notes           0x0600 section names
 *   0x0034 program headers   0x0500 __xen_guest     0x0700 section headers
 *   0x1000.. segment contents (the default kernel: 8 KiB of text at
 *            p_paddr 0x100000, then 2 KiB of data + 10 KiB of bss)
 *
 * default_spec() describes a valid notes-based PAE kernel at VIRT_BASE
 * 0xC0000000; a test changes S, calls build(), may patch img[] with
 * put16/put32, then parse()s into P (the message lands in err).
 */
#ifndef ELF_IMAGE_H
#define ELF_IMAGE_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <mica/libelf.h>

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

extern struct spec S;
extern uint8_t img[IMG_SIZE];
extern size_t img_len;
extern struct elf_dom_parms P;
extern char err[200];

struct note *add_note(uint32_t type);
void put16(size_t off, uint16_t v);
void put32(size_t off, uint32_t v);
void note_str(uint32_t type, const char *s);
void note_num(uint32_t type, uint64_t v, uint32_t size);
void drop_note(uint32_t type);
void default_spec(void);
void build(void);
int parse(void);

/* Build and expect rejection whose message contains `why` (uses htest.h). */
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


#endif
