/*
 * Guest entry point and the hypercall transfer page.
 *
 * The hypervisor enters _start in ring 1 with CS = FLAT_RING1_CS, the data
 * selectors = FLAT_RING1_DS, ESI = VA of start_info and ESP at the top of a
 * boot stack inside the bootstrap region (fact sheet §4.2).  We:
 *
 *   1. record every register, EFLAGS and CR0's low word into entry_regs[]
 *      before anything can change them (pushf is the first stack use: the
 *      boot stack is valid by contract);
 *   2. save ESI into the global `start_info`;
 *   3. switch to our own stack in .bss (so tests never depend on where the
 *      hypervisor put the boot stack or how big it is) and call
 *      runtime_main(), which runs test_main() and never returns.
 *
 * The hypercall page is one page-aligned page of the image named in the
 * HYPERCALL_PAGE note.  It is prefilled with 0xC3 (ret): a hypervisor that
 * forgets to fill it makes every hypercall a silent no-op returning garbage,
 * which runtime_main() detects by looking at byte 0 (XTF does the same).
 */
#include <entry.h>

#define SLOT(n) (entry_regs + 4 * (n))

    .section .text.head, "ax"
    .code32
    .globl _start
_start:
    mov     %eax, SLOT(ENTRY_EAX)
    mov     %ebx, SLOT(ENTRY_EBX)
    mov     %ecx, SLOT(ENTRY_ECX)
    mov     %edx, SLOT(ENTRY_EDX)
    mov     %esi, SLOT(ENTRY_ESI)
    mov     %edi, SLOT(ENTRY_EDI)
    mov     %ebp, SLOT(ENTRY_EBP)
    mov     %esp, SLOT(ENTRY_ESP)
    mov     %cs, SLOT(ENTRY_CS)
    mov     %ds, SLOT(ENTRY_DS)
    mov     %es, SLOT(ENTRY_ES)
    mov     %fs, SLOT(ENTRY_FS)
    mov     %gs, SLOT(ENTRY_GS)
    mov     %ss, SLOT(ENTRY_SS)
    smsw    SLOT(ENTRY_MSW)
    pushf
    popl    SLOT(ENTRY_EFLAGS)

    mov     %esi, start_info

    mov     $runtime_stack_top, %esp
    xor     %ebp, %ebp
    cld
    call    runtime_main
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
    .globl runtime_stack
runtime_stack:
    .skip   16384
runtime_stack_top:

    .globl entry_regs
    .p2align 2
entry_regs:
    .skip   4 * ENTRY_NR

    .globl start_info
    .p2align 2
start_info:
    .skip   4
