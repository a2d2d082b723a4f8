/*
 * Per-phase instruction counts of the hot paths (mica/phase.h explains the
 * idea): the counters, the mark, and the hypercall that resets and reports
 * them.  All of it exists only in a hypervisor built with PHASES=1; in a
 * normal build this file is empty and the hypercall slot stays -ENOSYS.
 *
 * phase_mark is assembly so that its cost is a fixed sequence: it must
 * preserve every register (it is called from entry stubs before the
 * guest's registers are saved, and from C through an asm statement that
 * tells the compiler nothing is clobbered).  The time between two marks
 * includes the marks' own instructions -- the tail of one after its RDTSC
 * and the head of the next up to its RDTSC -- always the same number;
 * MICA_PHASEOP_reset measures it with two back-to-back marks, and
 * scripts/bench.py subtracts it once per mark counted in each phase.
 *
 * The report is printed on the console, one line per call:
 *
 *     PHASES <tag> <n> <overhead> <phase>=<raw>/<marks> ...
 *
 * raw instructions and marks accumulated since the reset; scripts/bench.py
 * takes two reports of the same loop run n and 2n times and divides their
 * difference by n, so the reset and report calls cancel out.  Nothing
 * here is guest-triggerable in a normal build; in an instrumented one the
 * hypercall validates its arguments like any other (the tag is copied in,
 * bounded, and printed as a string).
 */
#include <mica/phase.h>

#ifdef MICA_PHASES
#include <mica/types.h>
#include <mica/hypercall.h>
#include <mica/guest_access.h>
#include <mica/errno.h>
#include <mica/printk.h>
#include <mica/lib.h>

/* PH_CALIB: one slot more, for the calibration of the marks' own cost. */
#define PH_CALIB PH_NR
uint64_t phase_ins[PH_NR + 1], phase_marks[PH_NR + 1], phase_last;
uint32_t phase_cur;
static uint64_t phase_overhead;

__asm__(".text\n"
        ".globl phase_mark\n"
        "phase_mark:\n"                    /* ECX = the new phase */
        "    push %rax\n"
        "    push %rdx\n"
        "    rdtsc\n"
        "    shl $32, %rdx\n"
        "    or %rdx, %rax\n"
        "    mov phase_last(%rip), %rdx\n"
        "    mov %rax, phase_last(%rip)\n"
        "    sub %rdx, %rax\n"
        "    mov phase_cur(%rip), %edx\n"
        "    add %rax, phase_ins(,%rdx,8)\n"
        "    incq phase_marks(,%rdx,8)\n"
        "    mov %ecx, phase_cur(%rip)\n"
        "    pop %rdx\n"
        "    pop %rax\n"
        "    ret\n");

static const char *const phase_names[PH_NR] = {
    [PH_GUEST] = "guest", [PH_ENTRY] = "entry", [PH_DISPATCH] = "dispatch",
    [PH_HANDLER] = "handler", [PH_EXIT] = "exit", [PH_RESTORE] = "restore",
    [PH_TRAP] = "trap", [PH_BOUNCE] = "bounce", [PH_IRET] = "iret",
    [PH_MMU_BATCH] = "mmu_batch", [PH_MMU_COPY] = "mmu_copy",
    [PH_MMU_TABLE] = "mmu_table", [PH_PT_ENTRY] = "pt_entry",
    [PH_UVM_WALK] = "uvm_walk", [PH_FLUSH] = "flush",
    [PH_EVT_PORT] = "evt_port", [PH_EVT_SET] = "evt_set",
};

HYPERCALL_PROTO(mica_phases)
{
    char tag[48], line[600];
    size_t n;

    switch (a1) {
    case MICA_PHASEOP_reset:
        /* Two marks back to back: the time between is theirs alone,
         * counted in a slot of its own. */
        phase_ins[PH_CALIB] = 0;
        __asm__ volatile("" ::: "memory");      /* PHASE() says nothing of memory */
        PHASE(PH_CALIB);
        PHASE(PH_HANDLER);
        __asm__ volatile("" ::: "memory");
        phase_overhead = phase_ins[PH_CALIB];
        memset(phase_ins, 0, sizeof(phase_ins));
        memset(phase_marks, 0, sizeof(phase_marks));
        return 0;
    case MICA_PHASEOP_report:
        if (copy_from_guest(tag, (guest_va_t)a2, sizeof(tag)))
            return -EFAULT;
        tag[sizeof(tag) - 1] = '\0';
        for (size_t i = 0; tag[i]; i++)
            if (tag[i] <= ' ' || tag[i] > '~')
                return -EINVAL;
        n = (size_t)snprintf(line, sizeof(line), "PHASES %s %lu %lu", tag, a3,
                             (unsigned long)phase_overhead);
        for (unsigned int p = 0; p < PH_NR && n < sizeof(line); p++)
            if (phase_marks[p])
                n += (size_t)snprintf(line + n, sizeof(line) - n, " %s=%lu/%lu",
                                      phase_names[p], (unsigned long)phase_ins[p],
                                      (unsigned long)phase_marks[p]);
        printk("%s\n", line);
        return 0;
    default:
        return -EINVAL;
    }
}
#endif
