/*
 * Process entry and system-call stubs of the guest's small static test
 * programs (see user.h): no C library, so that what a benchmark loop runs
 * is exactly the system call under test and nothing the library adds.
 *
 * i386 Linux user ABI: at _start, (%esp) is argc, then argv[], NULL,
 * envp[], NULL, the auxiliary vector.  A system call is `int $0x80` with
 * the number in %eax and up to six arguments in %ebx %ecx %edx %esi %edi
 * %ebp; the result (or -errno) comes back in %eax.  The vDSO's
 * __kernel_vsyscall (auxv AT_SYSINFO) takes the same registers and uses
 * the fastest entry the kernel offers (SYSENTER when the CPU, or the
 * hypervisor, provides it); the C library calls it for every system call.
 */
	.text
	.globl	_start
_start:
	xorl	%ebp, %ebp
	movl	%esp, %eax
	andl	$-16, %esp
	subl	$12, %esp
	pushl	%eax
	call	start_c			/* start_c(long *sp), never returns */
	hlt

/* long sys6(long nr, long a1, long a2, long a3, long a4, long a5, long a6) */
	.globl	sys6
sys6:
	pushl	%ebp
	pushl	%edi
	pushl	%esi
	pushl	%ebx
	movl	20(%esp), %eax
	movl	24(%esp), %ebx
	movl	28(%esp), %ecx
	movl	32(%esp), %edx
	movl	36(%esp), %esi
	movl	40(%esp), %edi
	movl	44(%esp), %ebp
	int	$0x80
	popl	%ebx
	popl	%esi
	popl	%edi
	popl	%ebp
	ret

	.section .note.GNU-stack,"",@progbits
