/*
 * public/elfnote.h - the ELF notes a PV kernel uses to describe itself to
 * the domain builder.
 *
 * Each note has name "Xen\0" (namesz 4) and one of the types below.
 * Numeric values may be 1, 2, 4 or 8 bytes (descsz says which); strings
 * are NUL-terminated.  The builder looks in PT_NOTE segments first, then
 * SHT_NOTE sections, then the legacy `__xen_guest` section (a string of
 * comma-separated KEY=VALUE items; the old key is given in brackets).
 * Guests emit these from assembly, so this header has no C in it; for
 * assembly it also gives the note's layout (below).
 */
#ifndef MICA_PUBLIC_ELFNOTE_H
#define MICA_PUBLIC_ELFNOTE_H

#define XEN_ELFNOTE_INFO            0   /* str: NAME=VALUE, ignored */
#define XEN_ELFNOTE_ENTRY           1   /* num: entry VA [VIRT_ENTRY]; default e_entry */
#define XEN_ELFNOTE_HYPERCALL_PAGE  2   /* num: VA of the page the builder fills
                                         * [HYPERCALL_PAGE: page number
                                         * relative to VIRT_BASE] */
#define XEN_ELFNOTE_VIRT_BASE       3   /* num: VA of PFN 0; default 0 */
#define XEN_ELFNOTE_PADDR_OFFSET    4   /* num: load VA = p_paddr + VIRT_BASE
                                         * - PADDR_OFFSET [ELF_PADDR_OFFSET] */
#define XEN_ELFNOTE_XEN_VERSION     5   /* str: must start "xen-3.0" [XEN_VER] */
#define XEN_ELFNOTE_GUEST_OS        6   /* str [GUEST_OS] */
#define XEN_ELFNOTE_GUEST_VERSION   7   /* str [GUEST_VER] */
#define XEN_ELFNOTE_LOADER          8   /* str: "generic" [LOADER] */
#define XEN_ELFNOTE_PAE_MODE        9   /* str: "yes" (extended-cr3),
                                         * "bimodal"; absent = non-PAE [PAE] */
#define XEN_ELFNOTE_FEATURES        10  /* str: '|'-separated XENFEAT names,
                                         * '!' = required [FEATURES] */
#define XEN_ELFNOTE_BSD_SYMTAB      11  /* str: "yes" = load symbols [BSD_SYMTAB] */
#define XEN_ELFNOTE_HV_START_LOW    12  /* num: lowest acceptable hole start */
#define XEN_ELFNOTE_L1_MFN_VALID    13  /* num pairs: mask/value of non-present
                                         * PTEs that hold MFNs (tools) */
#define XEN_ELFNOTE_SUSPEND_CANCEL  14  /* num: supports cancelled suspend */
#define XEN_ELFNOTE_INIT_P2M        15  /* num: P2M VA (64-bit guests only) */
#define XEN_ELFNOTE_MOD_START_PFN   16  /* num: accepts mod_start as a PFN */
#define XEN_ELFNOTE_SUPPORTED_FEATURES 17 /* num: XENFEAT bitmap, ORed with FEATURES */
#define XEN_ELFNOTE_PHYS32_ENTRY    18  /* num: PVH entry (not PV) */
#define XEN_ELFNOTE_PHYS32_RELOC    19  /* PVH relocation (not PV) */
#define XEN_ELFNOTE_MAX             XEN_ELFNOTE_PHYS32_RELOC

/* Notes in crash dumps and core files, never read by the loader. */
#define XEN_ELFNOTE_CRASH_INFO              0x1000001
#define XEN_ELFNOTE_CRASH_REGS              0x1000002
#define XEN_ELFNOTE_DUMPCORE_NONE           0x2000000
#define XEN_ELFNOTE_DUMPCORE_HEADER         0x2000001
#define XEN_ELFNOTE_DUMPCORE_XEN_VERSION    0x2000002
#define XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION 0x2000003

#ifdef __ASSEMBLY__
/*
 * One note in the allocated SHT_NOTE section .note.Xen (a kernel's link
 * script gives it a PT_NOTE program header):
 *
 *     note_begin XEN_ELFNOTE_GUEST_OS;  .asciz "name";  note_end
 *
 * note_begin writes namesz, descsz (measured between the local labels),
 * the type and the name "Xen\0"; the descriptor follows; note_end pads
 * it to 4 bytes.
 */
.macro note_begin type
    .pushsection .note.Xen, "a", @note
    .balign 4
    .long 2f - 1f           /* namesz */
    .long 4f - 3f           /* descsz */
    .long \type
1:  .asciz "Xen"
2:  .balign 4
3:
.endm
.macro note_end
4:  .balign 4
    .popsection
.endm
#endif /* __ASSEMBLY__ */

#endif /* MICA_PUBLIC_ELFNOTE_H */
