/*
 * Parsing and loading a 32-bit PAE paravirtual guest kernel (common/libelf.c).
 *
 * The domain builder calls elf_parse() on the kernel image (a boot module),
 * uses the result to lay out the guest's bootstrap region (ABI sheet 4.2),
 * then calls elf_load() to copy the PT_LOAD segments into guest memory
 * through a write callback, which is where the builder translates guest
 * virtual addresses into its own mappings and enforces that every write
 * lands inside [virt_kstart, virt_kend).
 *
 * The image is untrusted input: elf_parse() validates every offset, size
 * and address it uses and describes the first problem in err.  The guest
 * metadata comes from Xen ELF notes (PT_NOTE segments, else SHT_NOTE
 * sections) or from the legacy "__xen_guest" section; see the ABI sheet,
 * section 14.
 */
#ifndef MICA_LIBELF_H
#define MICA_LIBELF_H

#include <mica/types.h>
#include <public/arch-x86/xen-x86_32.h>

enum pae_mode {
    PAEMODE_NONE,           /* not a PAE kernel: rejected by Mica */
    PAEMODE_YES,            /* PAE, L3 must be below 4 GiB (legacy "yes") */
    PAEMODE_EXTENDED_CR3,   /* PAE, L3 may be anywhere (note "yes") */
    PAEMODE_BIMODAL,        /* runs PAE or not; Mica uses PAE */
};

#define UNSET_ADDR 0xffffffffffffffffULL

/* The kernel must end at or below the start of the hypervisor hole. */
#define ELF_GUEST_HOLE_START ((unsigned long long)HYPERVISOR_VIRT_START)

struct elf_dom_parms {
    /* Addresses.  After a successful elf_parse() none is UNSET_ADDR except
     * virt_hypercall (no hypercall page) and virt_hv_start_low (not given). */
    uint64_t virt_base, elf_paddr_offset, virt_entry, virt_hypercall, virt_hv_start_low;
    uint64_t virt_kstart, virt_kend;      /* lowest/highest+1 VA of PT_LOAD segments after
                                           * relocation (and of the BSD symbol table) */
    uint64_t bsd_symtab_start;            /* 0, or where the BSD symbol table block goes */
    uint64_t p2m_base;                    /* INIT_P2M (UNSET_ADDR if absent; 64-bit only) */
    enum pae_mode pae;
    bool bsd_symtab, mod_start_pfn, suspend_cancel, has_notes, has_legacy_section;
    uint32_t f_supported[1], f_required[1];  /* XENFEAT bitmaps from FEATURES/SUPPORTED_FEATURES */
    char guest_os[32], guest_ver[32], xen_ver[32], loader[32];  /* truncated, NUL-terminated */
};

/*
 * Validate the image and fill *p.  Returns 0, or a negative errno value
 * (-ENOEXEC) with a one-line human-readable reason in err (if err/errlen
 * allow).  *p is fully overwritten either way.
 */
int elf_parse(const void *image, size_t size, struct elf_dom_parms *p,
              char *err, size_t errlen);

/*
 * Copy every PT_LOAD segment to its load address (p_paddr + virt_base -
 * elf_paddr_offset): write(ctx, va, src, len) for the file bytes, then
 * write(ctx, va, NULL, len) for the zero-filled remainder (.bss).  Stops at,
 * and returns, the first non-zero result of write; returns -ENOEXEC if the
 * image no longer matches p (it is re-checked), else 0.
 */
typedef int (*elf_write_fn)(void *ctx, uint64_t va, const void *src, size_t len);
int elf_load(const void *image, size_t size, const struct elf_dom_parms *p,
             elf_write_fn write, void *ctx);

#endif /* MICA_LIBELF_H */
