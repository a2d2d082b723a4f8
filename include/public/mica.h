/*
 * public/mica.h - constants Mica shares between the hypervisor, its test
 * guests and the test harness that are not Xen public names.
 *
 * Xen's headers never name the hypercall vector, the hypercall-page
 * layout or the magic string of a 32-bit PAE guest, and Mica adds a way
 * to leave QEMU with a verdict.  They live here, once, instead of being
 * repeated in each user.
 */
#ifndef MICA_PUBLIC_MICA_H
#define MICA_PUBLIC_MICA_H

/* Size of the hypervisor's hypercall table; numbers >= this get -ENOSYS. */
#define MICA_NR_HYPERCALLS          64

/*
 * The hypercall gate: `int $0x82`, DPL 1 (ring-1 guest kernels only).
 * The hypercall page holds 128 slots of 32 bytes; slot n is
 * "mov $n, %eax; int $0x82; ret" padded with int3, except the iret slot
 * (__HYPERVISOR_iret), which pushes %eax first and has no ret: guests
 * jump to it with an iret frame on the stack.
 */
#define MICA_HYPERCALL_VECTOR       0x82
#define MICA_HYPERCALL_SLOT_SIZE    32
#define MICA_HYPERCALL_SLOTS        128

/*
 * The ABI a 32-bit PAE PV guest is built for: start_info.magic, and the
 * XENVER_capabilities answer of a hypervisor that hosts only such guests.
 */
#define MICA_GUEST_ABI              "xen-3.0-x86_32p"

/*
 * Codes written to QEMU's isa-debug-exit port (iobase 0xf4) to end a run.
 * QEMU exits with status (code << 1) | 1.  Where a code corresponds to a
 * guest shutdown it equals the SHUTDOWN_* reason (public/sched.h), so the
 * hypervisor can pass the reason straight through.
 */
#define MICA_DEBUG_EXIT_PORT        0xf4
#define MICA_EXIT_POWEROFF          0       /* = SHUTDOWN_poweroff */
#define MICA_EXIT_REBOOT            1       /* = SHUTDOWN_reboot */
#define MICA_EXIT_SUSPEND           2       /* = SHUTDOWN_suspend */
#define MICA_EXIT_CRASH             3       /* = SHUTDOWN_crash */
#define MICA_EXIT_WATCHDOG          4       /* = SHUTDOWN_watchdog */
#define MICA_EXIT_SOFT_RESET        5       /* = SHUTDOWN_soft_reset */
#define MICA_EXIT_PANIC             0x3f    /* the hypervisor itself failed */

/*
 * Instrumented builds only (PHASES=1, hypervisor mica/phase.h): the
 * hypercall that resets and reports the per-phase instruction counters.
 * A normal build has no such hypercall (-ENOSYS), and no guest but the
 * benchmark guests uses it.  report: (tag, n) prints the counters on the
 * console, tagged (a NUL-terminated string of at most 47 printable
 * characters); n is printed with them for the harness.
 */
#define MICA_HYPERVISOR_phases      63
#define MICA_PHASEOP_reset          0
#define MICA_PHASEOP_report         1

/* QEMU's process exit status for a code. */
#define MICA_EXIT_STATUS(code)      (((code) << 1) | 1)

#endif /* MICA_PUBLIC_MICA_H */
