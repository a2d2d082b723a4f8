/*
 * Exception and callback entries of the Dom0 kernel (traps.c says why).
 *
 * The hypervisor bounces an exception to the handler in the virtual IDT
 * with a frame on the ring-1 stack: [error code] EIP, CS, EFLAGS.  Each
 * stub makes the layout uniform (a 0 "error code" where the CPU has none,
 * then the vector), saves the registers and calls trap_fatal(frame), which
 * does not return: an exception in Dom0 is a kernel bug.
 *
 * The event callback is registered only to be safe: Dom0 never unmasks
 * events (events.c), so it should never run; if it does, it returns with
 * the event mask set again (IF cleared in the iret frame).
 */
#include <public/xen.h>

#define IRET_SLOT (hypercall_page + __HYPERVISOR_iret * 32)

    .text
    .code32

    .macro STUB v
    .globl trap_stub_\v
trap_stub_\v:
    .if (\v == 8) || (\v >= 10 && \v <= 14) || (\v == 17)
    .else
    pushl   $0
    .endif
    pushl   $\v
    jmp     trap_common
    .endm

    STUB 0
    STUB 1
    STUB 3
    STUB 4
    STUB 5
    STUB 6
    STUB 7
    STUB 8
    STUB 10
    STUB 11
    STUB 12
    STUB 13
    STUB 14
    STUB 16
    STUB 17
    STUB 18
    STUB 19

trap_common:
    pushal
    mov     $FLAT_RING1_DS, %eax
    mov     %eax, %ds
    mov     %eax, %es
    cld
    pushl   %esp
    call    trap_fatal
1:  ud2
    jmp     1b

    .globl event_callback
event_callback:
    andl    $~0x200, 8(%esp)
    jmp     IRET_SLOT

    .globl failsafe_callback
failsafe_callback:
    pushl   $0
    pushl   $-1
    jmp     trap_common
