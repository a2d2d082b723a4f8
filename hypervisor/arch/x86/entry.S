/*
 * Every way into and out of the hypervisor after boot.
 *
 * Entry: each IDT vector has a tiny stub that makes the stack look the same
 * for all of them (an error code -- the CPU's or a zero -- and the vector
 * number) and jumps to a common path that saves the general registers to
 * form a struct cpu_regs (asm/regs.h) and calls a C handler with a pointer
 * to it.
 *
 * The hypercall vector (0x82, DPL 1) has its own short path: save, look
 * the number up in hypercall_table, call the handler with the five
 * argument registers zero-extended, store its result in the frame's RAX
 * (unless it made a continuation, which set RAX itself), and fall into the
 * common exit.  It is hypercall_invoke() (common/hypercall.c) written out
 * here, so that the null hypercall does not pay for two C frames and the
 * shuffling of six arguments between them: the same bounds test, the same
 * -ENOSYS for a hole or a number past the table.
 *
 * Exit: ret_from_intr restores the registers from the frame and IRETQs.  If
 * the frame belongs to a guest (CS RPL != 0), "work before resuming a
 * guest" (softirqs and scheduling, a vCPU that may not run, guest-VA area
 * copies, NMI and event upcalls) is done by arch_return_to_guest() (vcpu.c),
 * the single place that does it.  Whether there is any is tested here,
 * inline, with exactly the conditions under which arch_return_to_guest()
 * would do something: softirq_bits, the vCPU's pause word, its
 * areas_stale and nmi_pending, its vcpu_info's upcall_pending unless
 * upcall_mask is set too (nothing would be delivered), and the
 * domain's pause count, state and is_dying.  Almost every exit has none,
 * and then costs those loads and no call.  Whoever adds a condition to
 * arch_return_to_guest() adds it here too.  The
 * data segment registers are never touched on entry: in 64-bit mode the
 * hypervisor does not use DS/ES/FS/GS, so the guest's values simply stay
 * loaded and are still there on exit.  Anything that changes them (a
 * context switch) must restore valid guest values before the IRETQ, and
 * does so with load_*_safe below, which cannot fault the hypervisor.
 *
 * The IRETQ to a guest can fault: the CS and SS in the frame come from the
 * guest (iret hypercall, trap-table handlers, stack_switch) and a stale or
 * bogus selector makes the CPU raise #GP/#NP/#SS in ring 0, on this stack,
 * below the frame.  The exception table sends that fault to iret_fault,
 * where -- the fault handler having restored every register -- the guest's
 * registers are saved again over the same frame, and the failsafe callback
 * (or a domain crash) takes over (bounce.c).
 *
 * int $0x80 has its own gate and stub (int80_entry), DPL set per vCPU from
 * the guest's trap table, so a user-space system call reaches the guest
 * kernel without the #GP decoding path.
 *
 * SYSENTER and SYSCALL (compatibility mode) have no gate and no hardware
 * frame: their stubs build the same struct cpu_regs at the top of the
 * stack themselves (fastcall.c explains the frames and the MSRs).
 *
 * SMAP: a guest kernel runs with EFLAGS.AC set (cpu_protect.c), and a gate
 * does not clear it, so every gate entry starts with CLAC (SYSCALL masks
 * AC through SFMASK, SYSENTER's stub reloads RFLAGS); raw_copy is the one
 * place that sets it, around the copy.  Nothing before the CLAC touches
 * memory but the hypervisor stack.
 */
#include <asm/config.h>
#include <asm/cpu_protect.h>
#include <mica/phase.h>
#include <public/mica.h>
#include "asm-offsets.h"

    .macro SAVE_ALL
    push    %rdi
    push    %rsi
    push    %rdx
    push    %rcx
    push    %rax
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    push    %rbx
    push    %rbp
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    .endm

/*
 * The guest-only forms.  A guest runs in compatibility mode and stays
 * there: no descriptor it may load has L=1 (desc_check.c), and the
 * hypervisor's own 64-bit code segment has DPL 0.  In compatibility mode
 * R8-R15 do not exist -- there is no encoding that names them -- so their
 * values are nothing a guest can see or set (syscall32_entry already uses
 * R10 as scratch for that reason), as Xen's compat entry and exit do not
 * save or restore R8-R11 either.  SAVE_GUEST skips their slots (their
 * contents are undefined: no C code reads them for a guest frame), and
 * RESTORE_GUEST reloads only the registers a guest has, from the frame,
 * with moves -- RBX and RBP included, since C code may have rewritten
 * them in the frame (a continuation, a context switch); the high halves of
 * the others come back as they were saved.  SAVE_GUEST is for stubs that
 * only a guest can reach (int $0x82 from ring 1, int $0x80); every guest
 * exit goes through RESTORE_GUEST.  6 and 8 instructions less than
 * SAVE_ALL and RESTORE_ALL on every hypercall.
 */
    .macro SAVE_GUEST
    push    %rdi
    push    %rsi
    push    %rdx
    push    %rcx
    push    %rax
    sub     $32, %rsp               /* r8, r9, r10, r11: not saved */
    push    %rbx
    push    %rbp
    sub     $32, %rsp               /* r12, r13, r14, r15: not saved */
    .endm

    .macro RESTORE_GUEST
    mov     REGS_rbx(%rsp), %rbx
    mov     REGS_rbp(%rsp), %rbp
    mov     REGS_rax(%rsp), %rax
    mov     REGS_rcx(%rsp), %rcx
    mov     REGS_rdx(%rsp), %rdx
    mov     REGS_rsi(%rsp), %rsi
    mov     REGS_rdi(%rsp), %rdi
    add     $REGS_rip, %rsp         /* the hardware frame */
    .endm

    .macro RESTORE_ALL
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rax
    pop     %rcx
    pop     %rdx
    pop     %rsi
    pop     %rdi
    .endm

    .section .text.entry, "ax"
    .code64

/* Vectors with a CPU error code: 8, 10-14, 17, 21, 29, 30. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || \
                        (v) == 21 || (v) == 29 || (v) == 30)

    .altmacro
    .macro VECTOR_STUB v
    .align 16
vector_stub_\v:
    PHASE_MARK PH_ENTRY
    .if !(\v == 8 || (\v >= 10 && \v <= 14) || \v == 17 || \v == 21 || \v == 29 || \v == 30)
    push    $0
    .endif
    push    $\v
    .if \v == 1 || \v == 2 || \v == 8 || \v == 18
    jmp     ist_interrupt
    .else
    jmp     common_interrupt
    .endif
    .endm

    .globl vector_stubs_start
vector_stubs_start:
    .set v, 0
    .rept 256
    .if v != HYPERCALL_VECTOR && v != INT80_VECTOR
    VECTOR_STUB %v
    .endif
    .set v, v + 1
    .endr

/* Table of stub addresses, used by traps.c to fill the IDT. */
    .macro STUB_ADDR v
    .if \v == HYPERCALL_VECTOR
    .quad hypercall_entry
    .elseif \v == INT80_VECTOR
    .quad int80_entry
    .else
    .quad vector_stub_\v
    .endif
    .endm

    .section .rodata
    .align 8
    .globl vector_stub_table
vector_stub_table:
    .set v, 0
    .rept 256
    STUB_ADDR %v
    .set v, v + 1
    .endr
    .noaltmacro

    .section .text.entry, "ax"
common_interrupt:
    cld
    ASM_CLAC
    SAVE_ALL
    mov     %rsp, %rdi
    call    handle_trap             /* (struct cpu_regs *) */
    jmp     ret_from_intr

/*
 * #DB, NMI, #DF and #MC arrive on stacks of their own (TSS IST slots), so
 * that they never run on a stack someone else chose: SYSCALL enters ring 0
 * with the guest's RSP still loaded, and a #DB the guest delayed with MOV
 * SS, an NMI or a #MC can arrive before the first instructions of
 * syscall32_entry have switched it (XSA-260).  In hypervisor context the
 * handler runs there and returns.  From a guest, the hypervisor stack is
 * empty, so the whole frame moves to its top (guest_regs()) and the entry
 * goes on like any other: the frame of an entry from a guest is always at
 * guest_regs(), and the IST stack is free again before anything that
 * might raise another #DB (a bounce onto a watched guest stack) runs.
 */
ist_interrupt:
    cld
    ASM_CLAC
    SAVE_ALL
    testb   $3, REGS_cs(%rsp)
    jz      1f
    mov     %rsp, %rsi
    movabs  $cpu0_stack_top - REGS_SIZE, %rdi
    mov     $REGS_SIZE / 8, %ecx
    rep movsq
    movabs  $cpu0_stack_top - REGS_SIZE, %rsp
1:  mov     %rsp, %rdi
    call    handle_trap
    jmp     ret_from_intr

/*
 * int $0x82 from ring 1.  The gate's DPL of 1 means ring 3 gets a #GP
 * instead of reaching here.
 */
    .align 16
    .globl hypercall_entry
hypercall_entry:
    PHASE_MARK PH_ENTRY
    push    $0
    push    $HYPERCALL_VECTOR
    cld
    ASM_CLAC
    SAVE_GUEST
    PHASE_MARK PH_DISPATCH
    movb    $0, preempt_started(%rip)        /* vcpu.c: a new call starts */
    movb    $0, continuation_pending(%rip)
    mov     REGS_rax(%rsp), %eax            /* the number, zero-extended */
    cmp     $MICA_NR_HYPERCALLS, %eax
    jae     2f
    lea     (%rax,%rax,2), %rax
    .if HCDESC_SIZE != 24
    .error "struct hypercall_desc is not 24 bytes"
    .endif
    mov     hypercall_table + HCDESC_fn(,%rax,8), %rax
    test    %rax, %rax
    jz      2f
    mov     REGS_rbx(%rsp), %edi            /* EBX, ECX, EDX, ESI, EDI */
    mov     REGS_rcx(%rsp), %esi
    mov     REGS_rdx(%rsp), %edx
    mov     REGS_rsi(%rsp), %ecx
    mov     REGS_rdi(%rsp), %r8d
    PHASE_MARK PH_HANDLER
    call    *%rax
    PHASE_MARK PH_DISPATCH
    cmpb    $0, continuation_pending(%rip)  /* EAX is the call number again */
    jne     ret_from_intr
1:  mov     %rax, REGS_rax(%rsp)
    jmp     ret_from_intr
2:  mov     $HC_ENOSYS, %rax
    jmp     1b

/*
 * SYSENTER (from ring 1 or 3: the CPU does not say which) of a vCPU with a
 * sysenter callback; without one IA32_SYSENTER_CS is 0 and the instruction
 * raises #GP(0) instead (fastcall.c).  The CPU saved nothing: RSP is
 * IA32_SYSENTER_ESP = the top of this stack - 16, i.e. the RFLAGS slot of
 * the frame at guest_regs() is the next push; IF, VM and RF are clear, but
 * TF, NT, AC and DF are still the guest's.  As in Xen, the frame says "ring
 * 3, EIP/ESP unknown": CS = 3 (null selector, RPL 3), EIP = ESP = 0, SS =
 * the flat user SS.  With TF set, #DB arrives before and after the PUSHFQ;
 * the hypervisor's #DB handling lets the first pass and clears TF at
 * sysenter_flags_saved (fastcall.c), so TF reaches the frame only.
 */
    .align 16
    .globl sysenter_entry, sysenter_flags_saved
sysenter_entry:
    pushfq
sysenter_flags_saved:
    pushq   $2
    popfq                           /* TF, NT, AC, DF clear: IRETQ is safe */
    movq    $0, 8(%rsp)             /* ESP */
    movq    $GUEST_USER_SS, 16(%rsp)
    pushq   $3                      /* CS */
    pushq   $0                      /* EIP */
    pushq   $0
    pushq   $SYSENTER_VECTOR
    SAVE_ALL
    mov     %rsp, %rdi
    call    do_sysenter
    jmp     ret_from_intr

/*
 * SYSCALL from compatibility mode (ring 1 or 3; EFER.SCE is set only for a
 * vCPU with a syscall32 callback).  RCX = return EIP, R11 = RFLAGS, RSP is
 * still the guest's and IF/TF/DF/NT/AC are masked (MSR_SFMASK).  Nothing
 * may touch memory before RSP is ours: R10 is the scratch register (a
 * compatibility-mode guest cannot see R8-R15).  Interrupts and single
 * steps are masked, but three things can still arrive on these two
 * instructions: an NMI, a #MC, and a #DB -- a guest data breakpoint on the
 * operand of a MOV SS right before the SYSCALL is delivered only after it,
 * here, in ring 0 (XSA-260).  All three have IST stacks (ist_interrupt),
 * so none is ever pushed onto the guest's stack.
 */
    .align 16
    .globl syscall32_entry
syscall32_entry:
    mov     %rsp, %r10
    movabs  $cpu0_stack_top, %rsp
    pushq   $GUEST_USER_SS
    pushq   %r10                    /* ESP */
    pushq   %r11                    /* EFLAGS */
    pushq   $GUEST_USER_CS
    pushq   %rcx                    /* EIP after the instruction */
    pushq   $0
    pushq   $SYSCALL32_VECTOR
    SAVE_ALL
    mov     %rsp, %rdi
    call    do_syscall32
    jmp     ret_from_intr

/* SYSCALL from 64-bit mode: no guest can be there.  Report and halt. */
    .align 16
    .globl syscall64_entry
syscall64_entry:
    mov     %rsp, %r10
    movabs  $cpu0_stack_top, %rsp
    pushq   $0
    pushq   %r10
    pushq   %r11
    pushq   $0
    pushq   %rcx
    pushq   $0
    pushq   $SYSCALL64_VECTOR
    SAVE_ALL
    mov     %rsp, %rdi
    call    do_syscall64            /* does not return */
    ud2

/*
 * int $0x80, only reachable when the running vCPU registered a handler
 * whose DPL admits the caller (desc_set_int80_dpl).
 */
    .align 16
    .globl int80_entry
int80_entry:
    PHASE_MARK PH_ENTRY
    push    $0
    push    $INT80_VECTOR
    cld
    ASM_CLAC
    SAVE_GUEST
    mov     %rsp, %rdi
    call    do_int80
    /* fall through */

    .globl ret_from_intr
ret_from_intr:
    PHASE_MARK PH_EXIT
    testb   $3, REGS_cs(%rsp)
    jz      1f
    /* Any exit work?  (the conditions of arch_return_to_guest, above) */
    mov     current(%rip), %rax
    cmpq    $0, softirq_bits(%rip)
    jne     3f
    cmpq    $0, VCPU_pause(%rax)            /* pause_flags, pause_count */
    jne     3f
    cmpb    $0, VCPU_areas_stale(%rax)
    jne     3f
    cmpb    $0, VCPU_nmi_pending(%rax)
    jne     3f
    mov     VCPU_vcpu_info(%rax), %rdx
    cmpb    $0, VI_upcall_pending(%rdx)
    jne     4f
5:  mov     VCPU_domain(%rax), %rdx
    cmpl    $0, DOMAIN_pause_count(%rdx)
    jne     3f
    cmpl    $DOMSTATE_RUNNING_VAL, DOMAIN_state(%rdx)
    jne     3f
    cmpb    $0, DOMAIN_is_dying(%rdx)
    je      2f
3:  mov     %rsp, %rdi
    call    arch_return_to_guest    /* may not return (domain switch) */
    jmp     2f
    /* An upcall pending but masked is no work: nothing would be delivered. */
4:  cmpb    $0, VI_upcall_mask(%rdx)
    je      3b
    jmp     5b
2:  PHASE_MARK PH_RESTORE
    RESTORE_GUEST
    PHASE_MARK PH_GUEST
    .globl iret_to_guest
iret_to_guest:
    iretq
    .section __ex_table, "a"
    .align 8
    .quad iret_to_guest, iret_fault
    .previous
    /* Back into the hypervisor itself: every register, as it was. */
1:  RESTORE_ALL
    add     $16, %rsp               /* vector, error code */
    iretq

/*
 * The IRETQ at iret_to_guest faulted.  RSP is back at the guest's hardware
 * frame (top of the stack) and every register a guest has holds the
 * guest's value again (RESTORE_GUEST), so the frame at guest_regs() can be
 * rebuilt by saving them once more (R8-R15 with whatever they hold).
 */
iret_fault:
    push    $0
    push    $0
    SAVE_ALL
    mov     %rsp, %rdi
    call    iret_to_guest_failed    /* failsafe callback, or crash the domain */
    jmp     ret_from_intr

/* Vector 0xff: spurious interrupts (no EOI needed) and the bench gate. */
    .align 16
    .globl bare_iret_stub
bare_iret_stub:
    iretq

/*
 * Start running a vCPU whose register frame is at the top of the stack
 * (struct cpu_regs at guest_regs()).  Called with a valid guest DS/ES/FS/GS
 * already loaded.  Never returns.
 */
    .globl resume_guest_frame
resume_guest_frame:
    movabs  $cpu0_stack_top - REGS_SIZE, %rsp
    jmp     ret_from_intr

/*
 * bool load_ds_safe(uint16_t sel) and friends: load a guest selector into a
 * data segment register; if the CPU refuses it (#GP, #NP, or a #PF on an
 * LDT page that cannot be mapped), load the null selector instead and
 * return false.
 */
    .macro LOAD_SEG_SAFE reg
    .globl load_\reg\()_safe
load_\reg\()_safe:
1:  mov     %di, %\reg
    mov     $1, %eax
    ret
2:  xor     %eax, %eax
    mov     %ax, %\reg
    ret
    .section __ex_table, "a"
    .align 8
    .quad 1b, 2b
    .previous
    .endm

    .text
    LOAD_SEG_SAFE ds
    LOAD_SEG_SAFE es
    LOAD_SEG_SAFE fs
    LOAD_SEG_SAFE gs

/*
 * Copy to or from guest memory with fault recovery.
 * unsigned long raw_copy(void *dst, const void *src, unsigned long n)
 * returns the number of bytes NOT copied (0 on success).  A fault is
 * caught through the exception table and turns into a short count rather
 * than a hypervisor crash.  The copy runs with EFLAGS.AC set, the only
 * hypervisor code that does (SMAP); both ways out clear it.
 *
 * Quadwords first, then the 0-7 bytes left: a string instruction costs
 * per iteration (and under -icount each iteration is an instruction), so
 * a 16-byte request or a 20-byte bounce frame is 2-3 iterations instead
 * of 16-20.  A fault in the quadword part resumes byte by byte from where
 * it stopped, so the copy still ends exactly at the first inaccessible
 * byte, as a byte copy would: the same bytes are written, the same count
 * is returned.
 */
    .text
    .globl raw_copy
raw_copy:
    mov     %rdx, %rcx
    ASM_STAC                        /* guest user pages too: SMAP allows them here only */
    shr     $3, %rcx
1:  rep movsq
    mov     %edx, %ecx
    and     $7, %ecx
2:  rep movsb
3:  ASM_CLAC
    mov     %rcx, %rax
    ret
4:  and     $7, %edx                /* quadwords left in RCX, bytes in DL */
    lea     (%rdx,%rcx,8), %rcx
    jmp     2b
    .section __ex_table, "a"
    .align 8
    .quad 1b, 4b
    .quad 2b, 3b
    .text

/*
 * unsigned long raw_copy_dwords(void *dst, const void *src, unsigned long n):
 * n 32-bit words; returns the words NOT copied.  For copy_dwords_to_guest()
 * (bounce frames), whose callers do not need a byte-exact partial copy.
 */
    .globl raw_copy_dwords
raw_copy_dwords:
    mov     %rdx, %rcx
    ASM_STAC
1:  rep movsl
2:  ASM_CLAC
    mov     %rcx, %rax
    ret
    .section __ex_table, "a"
    .align 8
    .quad 1b, 2b
    .text
