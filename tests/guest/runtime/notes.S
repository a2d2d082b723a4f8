/*
 * The Xen ELF notes every normal test guest carries (fact sheet §14).
 *
 * They live in the allocated SHT_NOTE section `.note.Xen`, which the link
 * script keeps and for which ld emits a PT_NOTE program header, so a loader
 * finds them the preferred way (PT_NOTE, not section headers).  Each note is
 * name "Xen\0", type XEN_ELFNOTE_*, and a string or a 4-byte number, laid
 * out by public/elfnote.h's note_begin/note_end.
 *
 * ENTRY and HYPERCALL_PAGE are link-time addresses; VIRT_BASE comes from the
 * link script's __virt_base so it is written in exactly one place.
 */
#include <public/elfnote.h>

    note_begin XEN_ELFNOTE_GUEST_OS;        .asciz "Mica-test";     note_end
    note_begin XEN_ELFNOTE_GUEST_VERSION;   .asciz "0";             note_end
    note_begin XEN_ELFNOTE_LOADER;          .asciz "generic";       note_end
    note_begin XEN_ELFNOTE_XEN_VERSION;     .asciz "xen-3.0";       note_end
    note_begin XEN_ELFNOTE_VIRT_BASE;       .long __virt_base;      note_end
    note_begin XEN_ELFNOTE_PADDR_OFFSET;    .long 0;                note_end
    note_begin XEN_ELFNOTE_ENTRY;           .long _start;           note_end
    note_begin XEN_ELFNOTE_HYPERCALL_PAGE;  .long hypercall_page;   note_end
    note_begin XEN_ELFNOTE_FEATURES
    .asciz "!writable_page_tables|pae_pgdir_above_4gb"
    note_end
    note_begin XEN_ELFNOTE_PAE_MODE;        .asciz "yes";           note_end
