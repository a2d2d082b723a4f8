/*
 * The Xen ELF notes of the Dom0 kernel (fact sheet §14): how the
 * hypervisor (or, one day, another Dom0's domain builder) loads it.
 * A PT_NOTE program header covers .note.Xen (see dom0.ld); the notes'
 * layout is public/elfnote.h's note_begin/note_end.
 */
#include <public/elfnote.h>

    note_begin XEN_ELFNOTE_GUEST_OS;        .asciz "Mica-Dom0";     note_end
    note_begin XEN_ELFNOTE_GUEST_VERSION;   .asciz "1";             note_end
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
