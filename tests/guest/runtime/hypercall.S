/*
 * Hypercall trampolines (fact sheet §1).
 *
 *   long hypercall5(unsigned nr, long a1, ..., long a5)
 *       calls hypercall_page + 32*nr (the normal, continuation-safe way);
 *       nr >= 128 has no slot, so it falls through to a raw int $0x82.
 *   long raw_hypercall(unsigned long nr, long a1, ..., long a5)
 *       executes int $0x82 directly with any EAX, for numbers without a
 *       slot and for adversarial tests.
 *   void raw_hypercall_regs(struct hc_regs *r)
 *       loads EAX..EBP from *r, executes int $0x82 and stores every GPR,
 *       ESP and the segment selectors back (see hc_regs.h), so a test can
 *       check what a hypercall preserved.
 *
 * All are cdecl.  The hypercall ABI clobbers the argument registers (EBX..EDI),
 * so the callee-saved ones (EBX, ESI, EDI, EBP) are saved around the call.
 */
#include <hc_regs.h>

    .text
    .code32

    .globl hypercall5
    .type hypercall5, @function
hypercall5:
    push    %ebp
    push    %ebx
    push    %esi
    push    %edi
    mov     20(%esp), %eax      /* nr */
    mov     24(%esp), %ebx
    mov     28(%esp), %ecx
    mov     32(%esp), %edx
    mov     36(%esp), %esi
    mov     40(%esp), %edi
    cmp     $128, %eax
    jae     1f
    shl     $5, %eax
    add     $hypercall_page, %eax
    call    *%eax
    jmp     2f
1:  int     $0x82
2:  pop     %edi
    pop     %esi
    pop     %ebx
    pop     %ebp
    ret
    .size hypercall5, . - hypercall5

    .globl raw_hypercall
    .type raw_hypercall, @function
raw_hypercall:
    push    %ebp
    push    %ebx
    push    %esi
    push    %edi
    mov     20(%esp), %eax
    mov     24(%esp), %ebx
    mov     28(%esp), %ecx
    mov     32(%esp), %edx
    mov     36(%esp), %esi
    mov     40(%esp), %edi
    int     $0x82
    pop     %edi
    pop     %esi
    pop     %ebx
    pop     %ebp
    ret
    .size raw_hypercall, . - raw_hypercall

    .globl raw_hypercall_regs
    .type raw_hypercall_regs, @function
raw_hypercall_regs:
    push    %ebp
    push    %ebx
    push    %esi
    push    %edi
    mov     20(%esp), %eax      /* r */
    push    %eax                /* keep r at 0(%esp) */
    mov     %esp, HC_ESP_BEFORE(%eax)
    mov     HC_EBX(%eax), %ebx
    mov     HC_ECX(%eax), %ecx
    mov     HC_EDX(%eax), %edx
    mov     HC_ESI(%eax), %esi
    mov     HC_EDI(%eax), %edi
    mov     HC_EBP(%eax), %ebp
    mov     HC_EAX(%eax), %eax
    int     $0x82
    xchg    %eax, (%esp)        /* eax = r, result parked on the stack */
    mov     %esp, HC_ESP(%eax)
    mov     %ebx, HC_EBX(%eax)
    mov     %ecx, HC_ECX(%eax)
    mov     %edx, HC_EDX(%eax)
    mov     %esi, HC_ESI(%eax)
    mov     %edi, HC_EDI(%eax)
    mov     %ebp, HC_EBP(%eax)
    movl    $0, HC_DS(%eax)
    movl    $0, HC_ES(%eax)
    movl    $0, HC_FS(%eax)
    movl    $0, HC_GS(%eax)
    movl    $0, HC_SS(%eax)
    mov     %ds, HC_DS(%eax)
    mov     %es, HC_ES(%eax)
    mov     %fs, HC_FS(%eax)
    mov     %gs, HC_GS(%eax)
    mov     %ss, HC_SS(%eax)
    pop     %ecx                /* the hypercall's result */
    mov     %ecx, HC_EAX(%eax)
    pop     %edi
    pop     %esi
    pop     %ebx
    pop     %ebp
    ret
    .size raw_hypercall_regs, . - raw_hypercall_regs
