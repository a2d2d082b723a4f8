/*
 * Entry stubs of the test-guest exception runtime (see include/traps.h).
 *
 * The hypervisor enters a handler with a bounce frame on the ring-1 stack:
 * [error code] EIP, CS|mask<<16, EFLAGS [, ESP, SS].  Each of the 256
 * stubs pushes a zero "error code" for vectors where the CPU gives none,
 * then its vector, so the common path sees one layout (struct exc_frame);
 * it saves the registers, switches DS/ES to the flat ring-1 selector,
 * calls exc_dispatch(frame) and returns through the iret hypercall, whose
 * EFLAGS.IF in the frame restores the event mask as it was.
 *
 * Also here: the event and failsafe callback entries, entering ring 3,
 * and ksetjmp/klongjmp.
 */
#include <public/xen.h>

#define IRET_SLOT (hypercall_page + __HYPERVISOR_iret * 32)

    .text
    .code32

    .macro STUB v
    .p2align 4
    .if (\v == 8) || (\v >= 10 && \v <= 14) || (\v == 17)
    .else
    pushl   $0
    .endif
    pushl   $\v
    jmp     exc_common
    .endm

    .altmacro
    .p2align 4
    .globl exc_stubs
exc_stubs:
    .set v, 0
    .rept 256
    STUB %v
    .set v, v + 1
    .endr
    .noaltmacro

exc_common:
    pushal
    pushl   %ds
    pushl   %es
    mov     $FLAT_RING1_DS, %eax
    mov     %eax, %ds
    mov     %eax, %es
    cld
    pushl   %esp                /* struct exc_frame * */
    call    exc_dispatch
    addl    $4, %esp
    popl    %es
    popl    %ds
    popal
    addl    $8, %esp            /* vector, error code */
    jmp     IRET_SLOT

/* Event upcall: frame EIP, CS, EFLAGS [, ESP, SS]; events are masked. */
    .globl event_entry
event_entry:
    pushl   $0
    pushl   $-1
    pushal
    pushl   %ds
    pushl   %es
    mov     $FLAT_RING1_DS, %eax
    mov     %eax, %ds
    mov     %eax, %es
    cld
    pushl   %esp
    call    event_dispatch
    addl    $4, %esp
    popl    %es
    popl    %ds
    popal
    addl    $8, %esp
    jmp     IRET_SLOT

/* Failsafe: frame DS, ES, FS, GS, EIP, CS, EFLAGS [, ESP, SS]. */
    .globl failsafe_entry
failsafe_entry:
    movl    $0, %ss:failsafe_live_ds
    movw    %ds, %ss:failsafe_live_ds   /* DS is null here: write via SS */
    mov     $FLAT_RING1_DS, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %fs
    mov     %eax, %gs
    cld
    pushl   %esp
    call    failsafe_dispatch   /* does not return */
    ud2

/*
 * void enter_user(uint32_t (*fn)(void), uint32_t user_esp): iret to ring 3
 * at user_trampoline with EAX = fn.  Never returns (exec_user longjmps).
 */
    .globl enter_user
enter_user:
    mov     4(%esp), %eax
    mov     8(%esp), %ecx
    pushl   $FLAT_RING3_SS
    pushl   %ecx
    pushl   exec_user_eflags
    pushl   $FLAT_RING3_CS
    pushl   $user_trampoline
    jmp     IRET_SLOT

user_trampoline:
    mov     $FLAT_RING3_DS, %edx
    mov     %edx, %ds
    mov     %edx, %es
    call    *%eax
    int     $0x21               /* EXC_RET2KERN, EAX = result */
    ud2

/*
 * void enter_user_multicall(multicall_entry_t *list, uint32_t user_esp,
 * uint32_t nr): the same ring-3 entry made by a multicall whose first entry
 * is __HYPERVISOR_iret: the iret frame (EAX slot 0x5a5a5a5a) is on the
 * stack at the multicall's int $0x82.  The guest's EAX after it is the
 * multicall's return value, recorded in user_mc_eax; fn is user_mc_fn.
 */
    .globl enter_user_multicall
enter_user_multicall:
    mov     4(%esp), %ebx
    mov     8(%esp), %edx
    mov     12(%esp), %ecx
    pushl   $FLAT_RING3_SS
    pushl   %edx
    pushl   exec_user_eflags
    pushl   $FLAT_RING3_CS
    pushl   $user_trampoline_mc
    pushl   $0x5a5a5a5a
    mov     $13, %eax           /* __HYPERVISOR_multicall */
    int     $0x82
    ud2                         /* the iret entry went to ring 3 */

user_trampoline_mc:
    mov     %eax, %ss:user_mc_eax
    mov     $FLAT_RING3_DS, %edx
    mov     %edx, %ds
    mov     %edx, %es
    call    *user_mc_fn
    int     $0x21
    ud2

/*
 * Targets for call-gate tests: return the CS they ran with in EAX and the
 * first gate parameter (if any) in ECX; gate_target_jmp continues at ECX.
 */
    .globl gate_target, gate_target_1, gate_target_jmp
gate_target:
    mov     %cs, %eax
    lret
gate_target_1:
    mov     %cs, %eax
    mov     8(%esp), %ecx
    lret    $4
gate_target_jmp:
    mov     %cs, %eax
    jmp     *%ecx

/* int ksetjmp(struct kjmp *j) / void klongjmp(struct kjmp *j, int val) */
    .globl ksetjmp
ksetjmp:
    mov     4(%esp), %eax
    mov     %ebx, 0(%eax)
    mov     %esi, 4(%eax)
    mov     %edi, 8(%eax)
    mov     %ebp, 12(%eax)
    lea     4(%esp), %ecx       /* ESP after our return */
    mov     %ecx, 16(%eax)
    mov     (%esp), %ecx
    mov     %ecx, 20(%eax)
    xor     %eax, %eax
    ret

    .globl klongjmp
klongjmp:
    mov     4(%esp), %edx
    mov     8(%esp), %eax
    mov     0(%edx), %ebx
    mov     4(%edx), %esi
    mov     8(%edx), %edi
    mov     12(%edx), %ebp
    mov     16(%edx), %esp
    jmp     *20(%edx)
