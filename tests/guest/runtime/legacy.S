/*
 * The legacy `__xen_guest` loader string, linked INSTEAD of notes.S by the
 * legacy-* guests so the hypervisor's fallback path (no PT_NOTE, no SHT_NOTE
 * section) is exercised.  Fact sheet §14: one NUL-terminated string of
 * comma-separated KEY=VALUE items.
 *
 * Differences from the notes worth knowing:
 *  - HYPERCALL_PAGE is a page number relative to VIRT_BASE, not a VA.  The
 *    link script pins hypercall_page at VIRT_BASE + 0x1000 and ASSERTs it,
 *    because a plain string cannot hold a link-time expression.
 *  - Without ELF_PADDR_OFFSET the legacy default is PADDR_OFFSET = VIRT_BASE;
 *    our p_paddr are already VA - VIRT_BASE, so we must say 0 explicitly.
 *  - PAE=yes[extended-cr3] is the legacy spelling of PAE_MODE "yes".
 *  - No VIRT_ENTRY: the loader must fall back to e_entry (_start).
 */
    .section __xen_guest, "", @progbits
    .ascii "GUEST_OS=Mica-test,GUEST_VER=0,XEN_VER=xen-3.0,LOADER=generic"
    .ascii ",VIRT_BASE=0xC0000000,ELF_PADDR_OFFSET=0x0,HYPERCALL_PAGE=0x1"
    .ascii ",FEATURES=!writable_page_tables|pae_pgdir_above_4gb"
    .asciz ",PAE=yes[extended-cr3]"
