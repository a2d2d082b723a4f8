/*
 * Whole-page clear and copy.  One REP STOSQ / MOVSQ per page: the fastest
 * simple form on real CPUs, and a single instruction under QEMU -icount, so
 * building or scrubbing a domain does not dominate instruction counts.
 */
    .text
    .globl clear_page
clear_page:                     /* void clear_page(void *va) */
    mov     $512, %ecx
    xor     %eax, %eax
    rep stosq
    ret

    .globl copy_page
copy_page:                      /* void copy_page(void *dst, const void *src) */
    mov     $512, %ecx
    rep movsq
    ret
