/*
 * The PV kernel loader: validate a 32-bit ELF image, extract the Xen guest
 * metadata, work out where the kernel goes, and copy it there.
 *
 * Trust: the image is hostile.  It arrives as a boot module and, for a
 * domain built later, may come from a less privileged party; a crafted
 * header must not make us read outside [image, image + size) or write
 * outside the kernel range we computed.  So every offset is checked with
 * in_image() (64-bit arithmetic on 32-bit fields: nothing can wrap) before
 * anything is read, headers are copied out with memcpy (the image need not
 * be aligned), and the first problem ends parsing with a message that names
 * it.  elf_load() re-checks the segments against the parsed result instead
 * of trusting that the image did not change in between.
 *
 * Metadata sources, in Xen's order of preference (ABI sheet section 14):
 *   1. notes named "Xen" in PT_NOTE segments;
 *   2. if there were none, notes in SHT_NOTE sections;
 *   3. if still none, the legacy "__xen_guest" section, a string of
 *      comma-separated KEY=VALUE items.
 * Defaults and checks follow Xen's libelf except where Mica is stricter:
 * PAE only, the kernel must end below the hypervisor hole, a hypercall page
 * must be page aligned inside the kernel, bad legacy numbers are errors.
 *
 * Who calls it: the domain builder, once per kernel, then elf_load() with a
 * write callback that maps guest addresses (see mica/libelf.h).
 */
#include <mica/libelf.h>
#include <mica/lib.h>
#include <mica/errno.h>
#include <public/elfnote.h>
#include <public/features.h>

/* ELF32 on-disk layouts (the System V gABI), all little-endian here. */
struct elf32_ehdr {
    uint8_t  e_ident[16];
    uint16_t e_type, e_machine;
    uint32_t e_version, e_entry, e_phoff, e_shoff, e_flags;
    uint16_t e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};
struct elf32_phdr {
    uint32_t p_type, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_flags, p_align;
};
struct elf32_shdr {
    uint32_t sh_name, sh_type, sh_flags, sh_addr, sh_offset, sh_size,
             sh_link, sh_info, sh_addralign, sh_entsize;
};
struct elf32_nhdr {
    uint32_t n_namesz, n_descsz, n_type;
};
BUILD_BUG_ON(sizeof(struct elf32_ehdr) != 52);
BUILD_BUG_ON(sizeof(struct elf32_phdr) != 32);
BUILD_BUG_ON(sizeof(struct elf32_shdr) != 40);
BUILD_BUG_ON(sizeof(struct elf32_nhdr) != 12);

#define ELFCLASS32   1
#define ELFDATA2LSB  1
#define EV_CURRENT   1
#define ET_EXEC      2
#define EM_386       3
#define PT_LOAD      1
#define PT_NOTE      4
#define SHT_SYMTAB   2
#define SHT_STRTAB   3
#define SHT_NOTE     7

#define FOUR_GIB     0x100000000ULL

/*
 * Every note costs at least 12 bytes, but many headers may point at the
 * same notes; a budget keeps a crafted image from making parsing take
 * hours (Xen has the same limit).
 */
#define MAX_NOTES    65536

/* The parse state: the image and where errors go. */
struct img {
    const uint8_t *base;
    size_t size;
    struct elf32_ehdr eh;
    unsigned int notes_seen;
    char *err;
    size_t errlen;
};

static __printf(2, 3) int fail(struct img *im, const char *fmt, ...)
{
    va_list ap;

    if (im->err && im->errlen) {
        va_start(ap, fmt);
        vsnprintf(im->err, im->errlen, fmt, ap);
        va_end(ap);
    }
    return -ENOEXEC;
}

static bool in_image(const struct img *im, uint64_t off, uint64_t len)
{
    return off <= im->size && len <= im->size - off;
}

static void get_phdr(const struct img *im, unsigned int i, struct elf32_phdr *ph)
{
    memcpy(ph, im->base + im->eh.e_phoff + (size_t)i * sizeof(*ph), sizeof(*ph));
}

static void get_shdr(const struct img *im, unsigned int i, struct elf32_shdr *sh)
{
    memcpy(sh, im->base + im->eh.e_shoff + (size_t)i * sizeof(*sh), sizeof(*sh));
}

/* The file header and the header tables it points to. */
static int check_header(struct img *im)
{
    struct elf32_ehdr *eh = &im->eh;

    if (im->size < sizeof(*eh))
        return fail(im, "image too small for an ELF header (%zu bytes)", im->size);
    memcpy(eh, im->base, sizeof(*eh));
    if (memcmp(eh->e_ident, "\177ELF", 4) != 0)
        return fail(im, "not an ELF image (bad magic)");
    if (eh->e_ident[4] != ELFCLASS32)
        return fail(im, "not a 32-bit ELF image (class %u)", eh->e_ident[4]);
    if (eh->e_ident[5] != ELFDATA2LSB)
        return fail(im, "not a little-endian ELF image");
    if (eh->e_ident[6] != EV_CURRENT || eh->e_version != EV_CURRENT)
        return fail(im, "unknown ELF version");
    if (eh->e_machine != EM_386)
        return fail(im, "not an i386 kernel (e_machine %u)", eh->e_machine);
    if (eh->e_type != ET_EXEC)
        return fail(im, "not an executable ELF image (e_type %u)", eh->e_type);

    if (eh->e_phnum == 0)
        return fail(im, "no program headers");
    if (eh->e_phentsize != sizeof(struct elf32_phdr))
        return fail(im, "bad program header size %u", eh->e_phentsize);
    if (!in_image(im, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(struct elf32_phdr)))
        return fail(im, "program headers outside the image");

    /* e_shnum == 0 means no section table (or extended numbering, which a
     * kernel never needs): the sections are then simply not used. */
    if (eh->e_shnum == 0)
        return 0;
    if (eh->e_shentsize != sizeof(struct elf32_shdr))
        return fail(im, "bad section header size %u", eh->e_shentsize);
    if (!in_image(im, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(struct elf32_shdr)))
        return fail(im, "section headers outside the image");
    if (eh->e_shstrndx >= eh->e_shnum)
        return fail(im, "section name table index %u out of range", eh->e_shstrndx);
    return 0;
}

/* A PT_LOAD segment's own consistency: sizes and file range. */
static int check_segment(struct img *im, unsigned int i, const struct elf32_phdr *ph)
{
    if (ph->p_filesz > ph->p_memsz)
        return fail(im, "segment %u: file size %#x exceeds memory size %#x",
                    i, ph->p_filesz, ph->p_memsz);
    if (!in_image(im, ph->p_offset, ph->p_filesz))
        return fail(im, "segment %u: file range outside the image", i);
    return 0;
}

/* Load address of a segment; false if it wraps or reaches past 4 GiB. */
static bool segment_va(const struct elf32_phdr *ph, const struct elf_dom_parms *p,
                       uint64_t *va)
{
    *va = (uint64_t)ph->p_paddr + p->virt_base - p->elf_paddr_offset;
    return *va < FOUR_GIB && ph->p_memsz <= FOUR_GIB - *va;
}

/* ---- Xen metadata ------------------------------------------------------ */

static const char *const feature_names[] = {
    [XENFEAT_writable_page_tables]       = "writable_page_tables",
    [XENFEAT_writable_descriptor_tables] = "writable_descriptor_tables",
    [XENFEAT_auto_translated_physmap]    = "auto_translated_physmap",
    [XENFEAT_supervisor_mode_kernel]     = "supervisor_mode_kernel",
    [XENFEAT_pae_pgdir_above_4gb]        = "pae_pgdir_above_4gb",
    [XENFEAT_mmu_pt_update_preserve_ad]  = "mmu_pt_update_preserve_ad",
    [XENFEAT_highmem_assist]             = "highmem_assist",
    [XENFEAT_gnttab_map_avail_bits]      = "gnttab_map_avail_bits",
    [XENFEAT_hvm_callback_vector]        = "hvm_callback_vector",
    [XENFEAT_hvm_safe_pvclock]           = "hvm_safe_pvclock",
    [XENFEAT_hvm_pirqs]                  = "hvm_pirqs",
    [XENFEAT_dom0]                       = "dom0",
};  /* f_supported/f_required have one 32-bit submap */
BUILD_BUG_ON(ARRAY_SIZE(feature_names) > 32);

/* "name|!name|..." -- '!' marks a feature the kernel cannot run without.
 * An unknown required feature is an error, an unknown optional one is not. */
static int parse_features(struct img *im, struct elf_dom_parms *p, const char *s)
{
    while (*s) {
        const char *e = strchr(s, '|');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        bool required = *s == '!';
        const char *name = s + required;
        size_t nlen = len - required;
        unsigned int bit;

        for (bit = 0; bit < ARRAY_SIZE(feature_names); bit++) {
            if (feature_names[bit] && strlen(feature_names[bit]) == nlen &&
                strncmp(feature_names[bit], name, nlen) == 0)
                break;
        }
        if (bit < ARRAY_SIZE(feature_names)) {
            p->f_supported[0] |= 1u << bit;
            if (required)
                p->f_required[0] |= 1u << bit;
        } else if (required) {
            return fail(im, "kernel requires unknown feature '%.*s'",
                        (int)(nlen < 64 ? nlen : 64), name);
        }
        s += len + (e != NULL);
    }
    return 0;
}

static void copy_str(char *dst, size_t size, const char *src)
{
    strlcpy(dst, src, size);     /* metadata strings: truncation is harmless */
}

/*
 * A string note is the descriptor's bytes up to the first NUL or the
 * descriptor's end.  Most kernels write ".asciz", but Linux writes its
 * FEATURES note with ".ascii": the descriptor has no terminator and Xen
 * reads the string through the note's zero padding.  Taking the bytes
 * the descriptor covers accepts both without reading past it.
 */
#define NOTE_STR_MAX 1024

static uint32_t note_strlen(const uint8_t *s, uint32_t len)
{
    uint32_t i = 0;

    while (i < len && s[i])
        i++;
    return i;
}

static uint64_t note_number(const uint8_t *desc, uint32_t size)
{
    uint64_t v = 0;

    for (uint32_t i = size; i--; )     /* little-endian, any of 1/2/4/8 */
        v = (v << 8) | desc[i];
    return v;
}

/* One note named "Xen".  desc has been checked to lie inside the image. */
static int xen_note(struct img *im, struct elf_dom_parms *p, uint32_t type,
                    const uint8_t *desc, uint32_t descsz)
{
    char str[NOTE_STR_MAX];
    uint32_t slen;
    uint64_t val = 0;

    switch (type) {
    case XEN_ELFNOTE_XEN_VERSION: case XEN_ELFNOTE_GUEST_OS:
    case XEN_ELFNOTE_GUEST_VERSION: case XEN_ELFNOTE_LOADER:
    case XEN_ELFNOTE_PAE_MODE: case XEN_ELFNOTE_FEATURES:
    case XEN_ELFNOTE_BSD_SYMTAB:
        slen = note_strlen(desc, descsz);
        if (slen >= sizeof(str))
            return fail(im, "ELF note %u: string of %u bytes is too long", type, slen);
        memcpy(str, desc, slen);
        str[slen] = '\0';
        break;
    case XEN_ELFNOTE_ENTRY: case XEN_ELFNOTE_HYPERCALL_PAGE:
    case XEN_ELFNOTE_VIRT_BASE: case XEN_ELFNOTE_PADDR_OFFSET:
    case XEN_ELFNOTE_HV_START_LOW: case XEN_ELFNOTE_SUSPEND_CANCEL:
    case XEN_ELFNOTE_MOD_START_PFN: case XEN_ELFNOTE_INIT_P2M:
        if (descsz != 1 && descsz != 2 && descsz != 4 && descsz != 8)
            return fail(im, "ELF note %u: bad size %u for a number", type, descsz);
        val = note_number(desc, descsz);
        break;
    case XEN_ELFNOTE_SUPPORTED_FEATURES:
        /* An array of 32-bit submaps; Mica knows submap 0 only. */
        if (descsz == 0 || descsz % 4)
            return fail(im, "ELF note %u: bad size %u for a feature bitmap",
                        type, descsz);
        p->f_supported[0] |= (uint32_t)note_number(desc, 4);
        return 0;
    default:
        /* INFO, L1_MFN_VALID (for tools), PHYS32_ENTRY/RELOC (PVH), the
         * crash and dump-core notes: nothing a PV loader uses. */
        return 0;
    }

    switch (type) {
    case XEN_ELFNOTE_XEN_VERSION:   copy_str(p->xen_ver, sizeof(p->xen_ver), str); break;
    case XEN_ELFNOTE_GUEST_OS:      copy_str(p->guest_os, sizeof(p->guest_os), str); break;
    case XEN_ELFNOTE_GUEST_VERSION: copy_str(p->guest_ver, sizeof(p->guest_ver), str); break;
    case XEN_ELFNOTE_LOADER:        copy_str(p->loader, sizeof(p->loader), str); break;
    case XEN_ELFNOTE_PAE_MODE:
        /* Note "yes" means extended-cr3 (unlike the legacy PAE=yes). */
        if (strstr(str, "bimodal"))
            p->pae = PAEMODE_BIMODAL;
        else if (strcmp(str, "yes") == 0 || strcmp(str, "yes[extended-cr3]") == 0)
            p->pae = PAEMODE_EXTENDED_CR3;
        else
            p->pae = PAEMODE_NONE;
        break;
    case XEN_ELFNOTE_FEATURES:      return parse_features(im, p, str);
    case XEN_ELFNOTE_BSD_SYMTAB:    p->bsd_symtab = strcmp(str, "yes") == 0; break;
    case XEN_ELFNOTE_ENTRY:         p->virt_entry = val; break;
    case XEN_ELFNOTE_HYPERCALL_PAGE: p->virt_hypercall = val; break;
    case XEN_ELFNOTE_VIRT_BASE:     p->virt_base = val; break;
    case XEN_ELFNOTE_PADDR_OFFSET:  p->elf_paddr_offset = val; break;
    case XEN_ELFNOTE_HV_START_LOW:  p->virt_hv_start_low = val; break;
    case XEN_ELFNOTE_SUSPEND_CANCEL: p->suspend_cancel = val != 0; break;
    case XEN_ELFNOTE_MOD_START_PFN: p->mod_start_pfn = val != 0; break;
    case XEN_ELFNOTE_INIT_P2M:      p->p2m_base = val; break;
    }
    return 0;
}

/*
 * Walk the notes in [off, off + len) (already checked to be in the image).
 * Each note is a 12-byte header, the name and the descriptor, both padded
 * to 4 bytes; only the padding of the very last note may be cut off.
 * Returns the number of Xen notes, or a negative error.
 */
static int parse_notes(struct img *im, struct elf_dom_parms *p,
                       uint64_t off, uint64_t len)
{
    uint64_t pos = 0;
    int count = 0;

    while (pos < len) {
        struct elf32_nhdr nh;
        uint64_t name_pad, desc_pad;
        const uint8_t *name;
        int rc;

        if (++im->notes_seen > MAX_NOTES)
            return fail(im, "too many ELF notes (more than %u)", MAX_NOTES);
        if (len - pos < sizeof(nh))
            return fail(im, "truncated ELF note header at offset %#llx",
                        (unsigned long long)(off + pos));
        memcpy(&nh, im->base + off + pos, sizeof(nh));
        name_pad = ROUNDUP((uint64_t)nh.n_namesz, 4);
        desc_pad = ROUNDUP((uint64_t)nh.n_descsz, 4);
        if (name_pad + nh.n_descsz > len - pos - sizeof(nh))
            return fail(im, "ELF note at offset %#llx runs past the end of its "
                        "segment or section", (unsigned long long)(off + pos));

        name = im->base + off + pos + sizeof(nh);
        if (nh.n_namesz == 4 && memcmp(name, "Xen", 4) == 0) {
            rc = xen_note(im, p, nh.n_type, name + name_pad, nh.n_descsz);
            if (rc < 0)
                return rc;
            count++;
        }
        pos += sizeof(nh) + name_pad + desc_pad;
    }
    return count;
}

/* Is section sh named exactly `want`?  The name must end inside the table. */
static bool section_named(const struct img *im, const struct elf32_shdr *sh,
                          const struct elf32_shdr *strtab, const char *want)
{
    size_t n = strlen(want) + 1;

    return sh->sh_name < strtab->sh_size && n <= strtab->sh_size - sh->sh_name &&
           memcmp(im->base + strtab->sh_offset + sh->sh_name, want, n) == 0;
}

/* A legacy value as a whole number; ~0 is refused since it means "unset". */
static int legacy_number(struct img *im, const char *key, const char *val,
                         uint64_t *out)
{
    const char *end;
    unsigned long long v = simple_strtoull(val, &end, 0);

    if (end == val || *end || v == ~0ULL)
        return fail(im, "__xen_guest: bad number in %s=%s", key, val);
    *out = v;
    return 0;
}

/* "KEY=VALUE,KEY,..." ending at a NUL or the end of the section.  Keys are
 * at most 31 and values 127 characters, longer ones are cut (as in Xen). */
static int parse_legacy(struct img *im, struct elf_dom_parms *p,
                        const char *s, size_t len)
{
    const char *end = s + len;
    uint64_t pfn = UNSET_ADDR;
    int rc = 0;

    while (s < end && *s && rc == 0) {
        char key[32], val[128];
        size_t k = 0, v = 0;

        for (; s < end && *s && *s != ',' && *s != '='; s++) {
            if (k < sizeof(key) - 1)
                key[k++] = *s;
        }
        if (s < end && *s == '=') {
            for (s++; s < end && *s && *s != ','; s++) {
                if (v < sizeof(val) - 1)
                    val[v++] = *s;
            }
        }
        if (s < end && *s == ',')
            s++;
        key[k] = val[v] = '\0';

        if (!strcmp(key, "LOADER"))
            copy_str(p->loader, sizeof(p->loader), val);
        else if (!strcmp(key, "GUEST_OS"))
            copy_str(p->guest_os, sizeof(p->guest_os), val);
        else if (!strcmp(key, "GUEST_VER"))
            copy_str(p->guest_ver, sizeof(p->guest_ver), val);
        else if (!strcmp(key, "XEN_VER"))
            copy_str(p->xen_ver, sizeof(p->xen_ver), val);
        else if (!strcmp(key, "PAE")) {
            if (!strcmp(val, "yes[extended-cr3]"))
                p->pae = PAEMODE_EXTENDED_CR3;
            else if (!strncmp(val, "yes", 3))
                p->pae = PAEMODE_YES;
            else if (!strncmp(val, "bimodal", 7))
                p->pae = PAEMODE_BIMODAL;
            else
                p->pae = PAEMODE_NONE;
        } else if (!strcmp(key, "BSD_SYMTAB"))
            p->bsd_symtab = true;
        else if (!strcmp(key, "VIRT_BASE"))
            rc = legacy_number(im, key, val, &p->virt_base);
        else if (!strcmp(key, "VIRT_ENTRY"))
            rc = legacy_number(im, key, val, &p->virt_entry);
        else if (!strcmp(key, "ELF_PADDR_OFFSET"))
            rc = legacy_number(im, key, val, &p->elf_paddr_offset);
        else if (!strcmp(key, "HYPERCALL_PAGE"))
            rc = legacy_number(im, key, val, &pfn);
        else if (!strcmp(key, "FEATURES"))
            rc = parse_features(im, p, val);
    }
    if (rc)
        return rc;

    /* A page number relative to VIRT_BASE, whichever order they came in. */
    if (pfn != UNSET_ADDR) {
        if (pfn > (UNSET_ADDR >> PAGE_SHIFT) / 2)
            return fail(im, "__xen_guest: HYPERCALL_PAGE %#llx out of range",
                        (unsigned long long)pfn);
        p->virt_hypercall = (p->virt_base == UNSET_ADDR ? 0 : p->virt_base) +
                            (pfn << PAGE_SHIFT);
    }
    return 0;
}

/* Notes from segments, else from sections, else the legacy section. */
static int find_metadata(struct img *im, struct elf_dom_parms *p)
{
    struct elf32_phdr ph;
    struct elf32_shdr sh, strtab;
    int rc, notes = 0;
    bool segment_notes;

    for (unsigned int i = 0; i < im->eh.e_phnum; i++) {
        get_phdr(im, i, &ph);
        /* p_offset 0: some binutils emit such bogus note headers; skip. */
        if (ph.p_type != PT_NOTE || ph.p_offset == 0)
            continue;
        if (!in_image(im, ph.p_offset, ph.p_filesz))
            return fail(im, "note segment %u outside the image", i);
        if ((rc = parse_notes(im, p, ph.p_offset, ph.p_filesz)) < 0)
            return rc;
        notes += rc;
    }
    /* Only if the segments had none (sections usually repeat them). */
    segment_notes = notes != 0;
    for (unsigned int i = 1; !segment_notes && i < im->eh.e_shnum; i++) {
        get_shdr(im, i, &sh);
        if (sh.sh_type != SHT_NOTE)
            continue;
        if (!in_image(im, sh.sh_offset, sh.sh_size))
            return fail(im, "note section %u outside the image", i);
        if ((rc = parse_notes(im, p, sh.sh_offset, sh.sh_size)) < 0)
            return rc;
        notes += rc;
    }
    if (notes) {
        p->has_notes = true;
        return 0;
    }

    if (im->eh.e_shnum == 0)
        return 0;
    get_shdr(im, im->eh.e_shstrndx, &strtab);
    if (!in_image(im, strtab.sh_offset, strtab.sh_size))
        return fail(im, "section name table outside the image");
    for (unsigned int i = 1; i < im->eh.e_shnum; i++) {
        get_shdr(im, i, &sh);
        if (!section_named(im, &sh, &strtab, "__xen_guest"))
            continue;
        if (!in_image(im, sh.sh_offset, sh.sh_size))
            return fail(im, "__xen_guest section outside the image");
        p->has_legacy_section = true;
        return parse_legacy(im, p, (const char *)im->base + sh.sh_offset, sh.sh_size);
    }
    return 0;
}

/* What the metadata says about the kernel, before any address work. */
static int check_metadata(struct img *im, const struct elf_dom_parms *p)
{
    if (!p->has_notes && !p->has_legacy_section)
        return fail(im, "not a Xen PV kernel: no Xen ELF notes and no "
                    "__xen_guest section");
    if (strncmp(p->loader, "generic", 7) != 0 && strncmp(p->guest_os, "linux", 5) != 0)
        return fail(im, "kernel is for neither the generic loader nor Linux "
                    "(LOADER \"%s\", GUEST_OS \"%s\")", p->loader, p->guest_os);
    if (strncmp(p->xen_ver, "xen-3.0", 7) != 0)
        return fail(im, "kernel is built for \"%s\", not \"xen-3.0\"", p->xen_ver);
    if (p->pae == PAEMODE_NONE)
        return fail(im, "kernel is not PAE (PAE_MODE must be \"yes\" or "
                    "\"bimodal\"); Mica runs PAE guests only");
    if (p->elf_paddr_offset != UNSET_ADDR && p->virt_base == UNSET_ADDR)
        return fail(im, "PADDR_OFFSET is given but VIRT_BASE is not");
    return 0;
}

/* Loadable segments a kernel may have (real ones have a handful). */
#define MAX_LOAD_SEGMENTS 32

/* Defaults, the kernel's extent, and the address checks. */
static int place_kernel(struct img *im, struct elf_dom_parms *p)
{
    struct elf32_phdr ph;
    uint64_t va, start = UNSET_ADDR, end = 0;
    uint64_t seg_lo[MAX_LOAD_SEGMENTS], seg_hi[MAX_LOAD_SEGMENTS];
    unsigned int nseg = 0, seg_no[MAX_LOAD_SEGMENTS];
    int rc;

    if (p->virt_base == UNSET_ADDR)
        p->virt_base = 0;
    /* Old (legacy) kernels had p_paddr == VA, hence offset = VIRT_BASE. */
    if (p->elf_paddr_offset == UNSET_ADDR)
        p->elf_paddr_offset = p->has_notes ? 0 : p->virt_base;
    if (p->virt_entry == UNSET_ADDR)
        p->virt_entry = im->eh.e_entry;

    for (unsigned int i = 0; i < im->eh.e_phnum; i++) {
        get_phdr(im, i, &ph);
        if (ph.p_type != PT_LOAD)
            continue;
        if ((rc = check_segment(im, i, &ph)) < 0)
            return rc;
        if (ph.p_memsz == 0)
            continue;
        if (!segment_va(&ph, p, &va))
            return fail(im, "segment %u: load address %#x%+lld wraps or ends "
                        "above 4 GiB", i, ph.p_paddr,
                        (long long)(p->virt_base - p->elf_paddr_offset));
        /* Segments that overlap would overwrite each other: which one the
         * guest gets depends on the loader's order, so refuse the image. */
        if (nseg == MAX_LOAD_SEGMENTS)
            return fail(im, "more than %u loadable segments", MAX_LOAD_SEGMENTS);
        for (unsigned int k = 0; k < nseg; k++)
            if (va < seg_hi[k] && seg_lo[k] < va + ph.p_memsz)
                return fail(im, "segments %u and %u overlap at %#llx", seg_no[k], i,
                            (unsigned long long)MAX(va, seg_lo[k]));
        seg_lo[nseg] = va;
        seg_hi[nseg] = va + ph.p_memsz;
        seg_no[nseg++] = i;
        start = MIN(start, va);
        end = MAX(end, va + ph.p_memsz);
    }
    if (start == UNSET_ADDR)
        return fail(im, "no loadable segments");
    p->virt_kstart = start;
    p->virt_kend = end;

    if (p->virt_base > start)
        return fail(im, "kernel starts at %#llx, below VIRT_BASE %#llx",
                    (unsigned long long)start, (unsigned long long)p->virt_base);
    if (p->virt_entry < start || p->virt_entry >= end)
        return fail(im, "entry point %#llx is outside the kernel [%#llx, %#llx)",
                    (unsigned long long)p->virt_entry,
                    (unsigned long long)start, (unsigned long long)end);
    if (end > ELF_GUEST_HOLE_START)
        return fail(im, "kernel ends at %#llx, inside the hypervisor hole "
                    "(starts %#llx)", (unsigned long long)end, ELF_GUEST_HOLE_START);
    if (p->virt_hypercall != UNSET_ADDR &&
        ((p->virt_hypercall & (PAGE_SIZE - 1)) ||
         p->virt_hypercall < start || p->virt_hypercall >= end))
        return fail(im, "hypercall page %#llx is not a page-aligned address "
                    "inside the kernel", (unsigned long long)p->virt_hypercall);
    if (p->virt_hv_start_low != UNSET_ADDR && p->virt_hv_start_low > ELF_GUEST_HOLE_START)
        return fail(im, "kernel needs the hypervisor hole at or above %#llx; "
                    "Mica's starts at %#llx",
                    (unsigned long long)p->virt_hv_start_low, ELF_GUEST_HOLE_START);
    return 0;
}

/* ---- the BSD symbol table (XEN_ELFNOTE_BSD_SYMTAB) --------------------- */

/*
 * A kernel that asks for it gets its symbol and string tables loaded after
 * its image, behind a small ELF header that describes them, the way Xen
 * lays it out (a guest finds it at the first 4-byte boundary after its
 * own end):
 *
 *   kend, rounded up to 4:  u32 size      bytes from the ELF header to the
 *                                         end of the string table
 *   +4:   Elf32_Ehdr (52 bytes, in a 64-byte slot): the kernel's own header
 *         with e_shoff = 64, e_shnum = 3, e_shentsize = 40, no program
 *         headers, e_shstrndx = 0
 *   +68:  3 section headers: 0 null, 1 SYMTAB (sh_link = 2), 2 STRTAB;
 *         their sh_offset relative to the ELF header
 *   +260: the symbol table, then (4-aligned) the string table
 *
 * (Xen reserves 260 bytes for the header block -- room for the 64-bit
 * form -- and so do we.)  The extent becomes part of the kernel range
 * [virt_kstart, virt_kend).  The first SHT_SYMTAB section is the one
 * loaded; a kernel asking for it without a symbol table, or with one whose
 * sh_link is not a string table, is loaded without it (Xen only warns that
 * the image is "broken" and boots it the same way).
 */
#define SYM_HDR_SLOT   260              /* size + ehdr slot + 3 shdr slots of 64 */
#define SYM_EHDR_SLOT  64
#define SYM_SHDR_OFF   (4 + SYM_EHDR_SLOT)

struct symtab_layout {
    struct elf32_shdr sym, str;
    uint64_t hdr, symtab, strtab, end;  /* guest VAs */
};

/* 1: a layout; 0: nothing to load; < 0: error. */
static int symtab_layout(struct img *im, uint64_t kend, struct symtab_layout *l)
{
    unsigned int i;

    for (i = 1; i < im->eh.e_shnum; i++) {
        get_shdr(im, i, &l->sym);
        if (l->sym.sh_type == SHT_SYMTAB)
            break;
    }
    if (i >= im->eh.e_shnum)
        return 0;
    if (!in_image(im, l->sym.sh_offset, l->sym.sh_size))
        return fail(im, "symbol table outside the image");
    if (l->sym.sh_link == 0 || l->sym.sh_link >= im->eh.e_shnum)
        return 0;
    get_shdr(im, l->sym.sh_link, &l->str);
    if (l->str.sh_type != SHT_STRTAB)
        return 0;
    if (!in_image(im, l->str.sh_offset, l->str.sh_size))
        return fail(im, "string table outside the image");
    l->hdr = ROUNDUP(kend, 4);
    l->symtab = ROUNDUP(l->hdr + SYM_HDR_SLOT, 4);
    l->strtab = ROUNDUP(l->symtab + l->sym.sh_size, 4);
    l->end = ROUNDUP(l->strtab + l->str.sh_size, 4);
    if (l->end > ELF_GUEST_HOLE_START)
        return fail(im, "kernel and its symbol table end at %#llx, inside the "
                    "hypervisor hole", (unsigned long long)l->end);
    return 1;
}

static int parse_symtab(struct img *im, struct elf_dom_parms *p)
{
    struct symtab_layout l;
    int rc;

    if (!p->bsd_symtab || (rc = symtab_layout(im, p->virt_kend, &l)) == 0)
        return 0;
    if (rc < 0)
        return rc;
    p->bsd_symtab_start = l.hdr;
    p->virt_kend = l.end;
    return 0;
}

static int load_symtab(struct img *im, const struct elf_dom_parms *p,
                       elf_write_fn write, void *ctx)
{
    struct symtab_layout l;
    uint8_t hdr[SYM_SHDR_OFF + 3 * sizeof(struct elf32_shdr)] = { 0 };
    struct elf32_ehdr eh = im->eh;
    uint64_t base = p->bsd_symtab_start + 4;        /* the ELF header */
    int rc;

    if (!p->bsd_symtab_start)
        return 0;
    /* The layout parse computed must still be the image's. */
    if (symtab_layout(im, p->bsd_symtab_start, &l) != 1 || l.hdr != p->bsd_symtab_start ||
        l.end != p->virt_kend)
        return -ENOEXEC;
    if ((rc = write(ctx, l.symtab, im->base + l.sym.sh_offset, l.sym.sh_size)) ||
        (rc = write(ctx, l.strtab, im->base + l.str.sh_offset, l.str.sh_size)))
        return rc;

    uint32_t size = (uint32_t)(l.strtab + l.str.sh_size - base);
    eh.e_ehsize = sizeof(struct elf32_ehdr);
    eh.e_shentsize = sizeof(struct elf32_shdr);
    eh.e_version = EV_CURRENT;
    eh.e_shoff = SYM_EHDR_SLOT;
    eh.e_shnum = 3;
    eh.e_phoff = eh.e_phentsize = eh.e_phnum = eh.e_shstrndx = 0;
    l.sym.sh_offset = (uint32_t)(l.symtab - base);
    l.sym.sh_link = 2;
    l.str.sh_offset = (uint32_t)(l.strtab - base);
    memcpy(hdr, &size, 4);
    memcpy(hdr + 4, &eh, sizeof(eh));
    memcpy(hdr + SYM_SHDR_OFF + sizeof(struct elf32_shdr), &l.sym, sizeof(l.sym));
    memcpy(hdr + SYM_SHDR_OFF + 2 * sizeof(struct elf32_shdr), &l.str, sizeof(l.str));
    return write(ctx, l.hdr, hdr, sizeof(hdr));
}

int elf_parse(const void *image, size_t size, struct elf_dom_parms *p,
              char *err, size_t errlen)
{
    struct img im = { .base = image, .size = size, .err = err, .errlen = errlen };
    int rc;

    memset(p, 0, sizeof(*p));
    p->virt_base = p->elf_paddr_offset = p->virt_entry = UNSET_ADDR;
    p->virt_hypercall = p->virt_hv_start_low = UNSET_ADDR;
    p->virt_kstart = p->virt_kend = p->p2m_base = UNSET_ADDR;
    if (err && errlen)
        err[0] = '\0';

    if (!image)
        return fail(&im, "no image");
    if ((rc = check_header(&im)) < 0 ||
        (rc = find_metadata(&im, p)) < 0 ||
        (rc = check_metadata(&im, p)) < 0 ||
        (rc = place_kernel(&im, p)) < 0 ||
        (rc = parse_symtab(&im, p)) < 0)
        return rc;
    return 0;
}

/* Would segment i be loaded inside the range elf_parse() computed? */
static bool load_ok(struct img *im, unsigned int i, const struct elf32_phdr *ph,
                    const struct elf_dom_parms *p, uint64_t *va)
{
    return check_segment(im, i, ph) == 0 && segment_va(ph, p, va) &&
           *va >= p->virt_kstart && *va + ph->p_memsz <= p->virt_kend;
}

int elf_load(const void *image, size_t size, const struct elf_dom_parms *p,
             elf_write_fn write, void *ctx)
{
    struct img im = { .base = image, .size = size };
    struct elf32_phdr ph;
    uint64_t va;
    int rc;

    /* Check every segment again before writing anything: the caller may
     * pass a different image, or one that changed since elf_parse(). */
    if (!image || check_header(&im) < 0)
        return -ENOEXEC;
    for (unsigned int i = 0; i < im.eh.e_phnum; i++) {
        get_phdr(&im, i, &ph);
        if (ph.p_type == PT_LOAD && ph.p_memsz && !load_ok(&im, i, &ph, p, &va))
            return -ENOEXEC;
    }

    for (unsigned int i = 0; i < im.eh.e_phnum; i++) {
        get_phdr(&im, i, &ph);
        if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
            continue;
        segment_va(&ph, p, &va);
        if (ph.p_filesz &&
            (rc = write(ctx, va, im.base + ph.p_offset, ph.p_filesz)) != 0)
            return rc;
        if (ph.p_memsz > ph.p_filesz &&
            (rc = write(ctx, va + ph.p_filesz, NULL, ph.p_memsz - ph.p_filesz)) != 0)
            return rc;
    }
    return load_symtab(&im, p, write, ctx);
}
