/*
 * The Xen ELF notes of the Dom0 kernel (fact sheet §14): how the
 * hypervisor (or, one day, another Dom0's domain builder) loads it.
 * A PT_NOTE program header covers .note.Xen (see dom0.ld).
 */
#include <public/elfnote.h>

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
