/*
 * Dom0 kernel entry point, hypercall page and boot stack.
 *
 * The hypervisor enters _start in ring 1 (FLAT_RING1_CS, flat data
 * selectors) with ESI = VA of start_info and ESP at the top of a boot stack
 * inside the bootstrap region (fact sheet §4.2).  That stack lives in a
 * frame the kernel recycles once it has its own page tables (mm.c), so the
 * first thing done here is a switch to a stack in .bss; then kmain() runs
 * and never returns.
 *
 * The hypercall page (named by the HYPERCALL_PAGE note) is prefilled with
 * 0xC3 (ret); kmain() refuses to go on if the hypervisor did not fill it.
 */
    .section .text.head, "ax"
    .code32
    .globl _start
_start:
    mov     $kernel_stack_top, %esp
    xor     %ebp, %ebp
    cld
    push    %esi                /* kmain(start_info *) */
    call    kmain
1:  ud2
    jmp     1b

    .section .hypercall_page, "ax"
    .p2align 12
    .globl hypercall_page
hypercall_page:
    .fill   4096, 1, 0xc3
    .size   hypercall_page, 4096

    .bss
    .p2align 12
    .globl kernel_stack
kernel_stack:
    .skip   32768
    .globl kernel_stack_top
kernel_stack_top:
