/*
 * Boot entry: from a multiboot loader's 32-bit protected mode to 64-bit C.
 *
 * Both multiboot1 (QEMU -kernel, GRUB "multiboot") and multiboot2 (GRUB
 * "multiboot2") headers are here.  Both use explicit load addresses (the
 * "a.out kludge" / address tag) because the boot image is a flat binary:
 * QEMU refuses to load 64-bit ELF files through multiboot.
 *
 * The loader enters _start32 with paging off, EAX = loader magic and
 * EBX = physical address of its information structure.  We build just
 * enough page tables (2 MiB pages) to map the first 4 GiB three times --
 * identity (for this code), the direct map, and the -2 GiB image window --
 * switch to long mode and jump to start_mica(magic, info) in C.  The C code
 * builds the real page tables (arch/x86/paging.c) and drops the identity map.
 */
#include <asm/config.h>
#include <asm/multiboot.h>

#define PHYS(x) ((x) - HV_VIRT_BASE)

    .section .boot.header, "a"
    .code32
    .align 8
mb1_header:
    .long MB1_HEADER_MAGIC
    .long MB1_FLAG_PAGE_ALIGN | MB1_FLAG_MEMINFO | MB1_FLAG_AOUT_KLUDGE
    .long -(MB1_HEADER_MAGIC + (MB1_FLAG_PAGE_ALIGN | MB1_FLAG_MEMINFO | MB1_FLAG_AOUT_KLUDGE))
    .long mb1_header            /* header_addr */
    .long _start_phys           /* load_addr */
    .long _load_end_phys        /* load_end_addr */
    .long _bss_end_phys         /* bss_end_addr */
    .long _start32              /* entry_addr */

    .align 8
mb2_header:
    .long MB2_HEADER_MAGIC
    .long MB2_ARCH_I386
    .long mb2_header_end - mb2_header
    .long -(MB2_HEADER_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
    .align 8
    .short MB2_HTAG_INFO_REQ, 0
    .long 8 + 4 * 4
    .long MB2_TAG_CMDLINE, MB2_TAG_MODULE, MB2_TAG_MMAP, MB2_TAG_MEMINFO
    .align 8
    .short MB2_HTAG_ADDRESS, 0
    .long 24
    .long mb2_header            /* header_addr */
    .long _start_phys           /* load_addr */
    .long _load_end_phys        /* load_end_addr */
    .long _bss_end_phys         /* bss_end_addr */
    .align 8
    .short MB2_HTAG_ENTRY, 0
    .long 12
    .long _start32
    .align 8
    .short MB2_HTAG_END, 0
    .long 8
mb2_header_end:

    .section .boot.text, "ax"
    .code32
    .globl _start32
_start32:
    cli
    cld
    mov     %eax, %edi              /* loader magic  -> 1st C argument */
    mov     %ebx, %esi              /* loader info   -> 2nd C argument */
    mov     $PHYS(cpu0_stack_top), %esp

    /* Long mode available? */
    mov     $0x80000000, %eax
    cpuid
    cmp     $0x80000001, %eax
    jb      no_long_mode
    mov     $0x80000001, %eax
    cpuid
    bt      $29, %edx
    jnc     no_long_mode
    mov     %edx, %ebp              /* keep NX capability (bit 20) */

    /* Four page directories of 2 MiB pages: 0 .. 4 GiB. */
    mov     $PHYS(boot_pd), %ebx
    xor     %ecx, %ecx
1:  mov     %ecx, %eax
    shl     $21, %eax
    or      $0x83, %eax             /* present, writable, 2 MiB */
    mov     %eax, (%ebx,%ecx,8)
    mov     %ecx, %eax
    shr     $11, %eax               /* high dword: (i << 21) >> 32 */
    mov     %eax, 4(%ebx,%ecx,8)
    inc     %ecx
    cmp     $2048, %ecx
    jne     1b

    /* PDPT for the low 4 GiB (identity and direct map). */
    mov     $PHYS(boot_pdpt_low), %edx
    lea     0x003(%ebx), %eax
    mov     %eax, 0(%edx)
    add     $0x1000, %eax
    mov     %eax, 8(%edx)
    add     $0x1000, %eax
    mov     %eax, 16(%edx)
    add     $0x1000, %eax
    mov     %eax, 24(%edx)

    /* PDPT for the -2 GiB window: slots 510, 511 -> first 2 GiB. */
    mov     $PHYS(boot_pdpt_high), %edx
    lea     0x003(%ebx), %eax
    mov     %eax, 510*8(%edx)
    add     $0x1000, %eax
    mov     %eax, 511*8(%edx)

    mov     $PHYS(boot_pml4), %edx
    mov     $PHYS(boot_pdpt_low) + 3, %eax
    mov     %eax, 0(%edx)
    mov     %eax, DIRECTMAP_SLOT*8(%edx)
    mov     $PHYS(boot_pdpt_high) + 3, %eax
    mov     %eax, HV_IMAGE_SLOT*8(%edx)

    /* PAE, then long mode (+NX if present), then paging with WP. */
    mov     %cr4, %eax
    or      $0x20, %eax
    mov     %eax, %cr4
    mov     %edx, %cr3
    mov     $0xc0000080, %ecx
    rdmsr
    or      $0x100, %eax            /* LME */
    bt      $20, %ebp
    jnc     2f
    or      $0x800, %eax            /* NXE */
2:  wrmsr
    mov     %cr0, %eax
    or      $0x80010001, %eax       /* PG | WP | PE */
    mov     %eax, %cr0

    lgdt    boot_gdt_desc
    ljmp    $0x08, $start64_low

no_long_mode:
    mov     $no_lm_msg, %esi
3:  lodsb
    test    %al, %al
    jz      4f
    mov     %al, %bl
    mov     $0x3fd, %dx             /* wait for the UART's transmitter */
5:  in      %dx, %al
    test    $0x20, %al
    jz      5b
    mov     $0x3f8, %dx
    mov     %bl, %al
    out     %al, %dx
    jmp     3b
4:  hlt
    jmp     4b

    .code64
start64_low:
    xor     %eax, %eax
    mov     %eax, %ds
    mov     %eax, %es
    mov     %eax, %ss
    mov     %eax, %fs
    mov     %eax, %gs
    movabs  $start64_high, %rax
    jmp     *%rax

    .section .boot.data, "aw"
    .align 16
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff        /* 0x08: 64-bit ring-0 code */
    .quad 0x00cf92000000ffff        /* 0x10: data */
boot_gdt_end:
boot_gdt_desc:
    .short boot_gdt_end - boot_gdt - 1
    .long boot_gdt
no_lm_msg:
    .asciz "mica: this CPU has no long mode; cannot boot.\r\n"

    .text
    .code64
start64_high:
    movabs  $cpu0_stack_top, %rsp
    xor     %ebp, %ebp              /* terminates backtraces */
    call    start_mica              /* (magic in edi, info in esi) */
    ud2

    .section .bss.page_aligned, "aw", @nobits
    .align 4096
    .globl boot_pml4
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4 * 4096

    .section .bss.stack, "aw", @nobits
    .align STACK_SIZE
    .globl cpu0_stack, cpu0_stack_top
cpu0_stack:
    .skip STACK_SIZE
cpu0_stack_top:
    .globl ist_stacks
ist_stacks:
    .skip NR_IST_STACKS * IST_STACK_SIZE
