/*
 * Exceptions and interrupts: who handles what.
 *
 * handle_trap() is called by entry.S for every vector except the hypercall
 * gate and the int $0x80 gate.  The first question is always "whose fault
 * is it?":
 *
 *  - CS RPL != 0: the guest was running.  Its fault is its own business
 *    (guest_trap below): a few things the hypervisor resolves itself --
 *    forced-emulation CPUID, the lazy LDT mapping, lazy FPU state, the
 *    page faults of the memory code (mm_guest_page_fault), INT n and the
 *    privileged instructions a PV kernel relies on (emulate.c) --
 *    everything else is bounced to the handler the guest registered in its
 *    virtual IDT (bounce.c), and with no handler the domain is crashed,
 *    alone.  Never a hypervisor panic.
 *  - CS RPL == 0: the hypervisor itself faulted.  Expected faults are the
 *    lazily mapped LDT (a segment load while switching vCPUs), a data
 *    breakpoint the guest set on memory a hypercall touched, and the
 *    accesses listed in the exception table (guest memory copies, guest
 *    segment loads, the IRETQ to a guest), which resume at their fixup;
 *    anything else is a hypervisor bug, reported in full (registers,
 *    control registers, symbolized backtrace) before the machine halts.
 */
#include <mica/types.h>
#include <mica/printk.h>
#include <mica/domain.h>
#include <mica/keyhandler.h>
#include <mica/boot.h>
#include <mica/symbols.h>
#include <mica/guest_access.h>
#include <mica/lib.h>
#include <mica/bug.h>
#include <mica/phase.h>
#include <public/mica.h>
#include <asm/regs.h>
#include <asm/x86.h>
#include <asm/config.h>
#include <asm/traps.h>
#include <asm/apic.h>
#include <asm/ioapic.h>
#include <asm/pv.h>
#include <asm/cpu_protect.h>

static const char *const vector_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow",
    "#BR bound range", "#UD invalid opcode", "#NM device not available",
    "#DF double fault", "coprocessor overrun", "#TS invalid TSS",
    "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved 15", "#MF x87 error", "#AC alignment check",
    "#MC machine check", "#XM SIMD error", "#VE virtualization", "#CP control protection",
    "reserved 22", "reserved 23", "reserved 24", "reserved 25", "reserved 26",
    "reserved 27", "#HV hypervisor injection", "#VC VMM communication",
    "#SX security", "reserved 31",
};

const char *trap_name(unsigned int vec)
{
    return vec < 32 ? vector_names[vec] : "interrupt";
}

struct ex_entry { uint64_t fault, fixup; };
extern const struct ex_entry __start_ex_table[], __stop_ex_table[];

static bool fixup_exception(struct cpu_regs *r)
{
    for (const struct ex_entry *e = __start_ex_table; e < __stop_ex_table; e++) {
        if (e->fault == r->rip) {
            r->rip = e->fixup;
            return true;
        }
    }
    return false;
}

/* ret: addr is a return address, named after its call instruction (the
 * byte before it): a call to a noreturn function can be the last
 * instruction of its caller, so addr itself may be the next function's. */
static void print_symbol_at(const char *prefix, uint64_t addr, bool ret)
{
    uint64_t off, size;
    const char *name = symbols_lookup(addr - ret, &off, &size);
    if (name)
        printk_level(LOG_ERR, "%s[<%016lx>] %s+%#lx/%#lx\n", prefix,
                     (unsigned long)addr, name, (unsigned long)(off + ret), (unsigned long)size);
    else
        printk_level(LOG_ERR, "%s[<%016lx>] ?\n", prefix, (unsigned long)addr);
}

static void print_symbol(const char *prefix, uint64_t addr)
{
    print_symbol_at(prefix, addr, false);
}

void show_backtrace(uint64_t rbp)
{
    extern char cpu0_stack[], cpu0_stack_top[];
    uint64_t lo = (uint64_t)cpu0_stack, hi = (uint64_t)cpu0_stack_top;

    pr_err("Call trace:\n");
    for (int depth = 0; depth < 32; depth++) {
        if (rbp < lo || rbp + 16 > hi || (rbp & 7))
            break;
        uint64_t *frame = (uint64_t *)rbp;
        if (frame[1] == 0)
            break;
        print_symbol_at("   ", frame[1], true);
        if (frame[0] <= rbp)
            break;
        rbp = frame[0];
    }
}

static void show_registers(const struct cpu_regs *r)
{
    pr_err("RIP: %04lx:%016lx  RFLAGS: %016lx  vector %lu error %#lx\n",
           (unsigned long)r->cs, (unsigned long)r->rip, (unsigned long)r->rflags,
           (unsigned long)r->vector, (unsigned long)r->error_code);
    print_symbol("RIP is at ", r->rip);
    pr_err("RAX: %016lx  RBX: %016lx  RCX: %016lx\n", (unsigned long)r->rax,
           (unsigned long)r->rbx, (unsigned long)r->rcx);
    pr_err("RDX: %016lx  RSI: %016lx  RDI: %016lx\n", (unsigned long)r->rdx,
           (unsigned long)r->rsi, (unsigned long)r->rdi);
    pr_err("RBP: %016lx  RSP: %016lx  SS:  %04lx\n", (unsigned long)r->rbp,
           (unsigned long)r->rsp, (unsigned long)r->ss);
    pr_err("R8:  %016lx  R9:  %016lx  R10: %016lx\n", (unsigned long)r->r8,
           (unsigned long)r->r9, (unsigned long)r->r10);
    pr_err("R11: %016lx  R12: %016lx  R13: %016lx\n", (unsigned long)r->r11,
           (unsigned long)r->r12, (unsigned long)r->r13);
    pr_err("R14: %016lx  R15: %016lx\n", (unsigned long)r->r14, (unsigned long)r->r15);
    pr_err("CR0: %016lx  CR2: %016lx  CR3: %016lx  CR4: %016lx\n",
           read_cr0(), read_cr2(), read_cr3(), read_cr4());
}

static void __noreturn fatal_trap(struct cpu_regs *r)
{
    extern char _stext[], _etext[];
    uint64_t off, size;

    pr_err("**** HYPERVISOR FAULT: %s ****\n", trap_name((unsigned int)r->vector));
    show_registers(r);
    /*
     * A fault before the function's prologue has linked its frame (or in a
     * leaf the compiler left frameless) would lose the caller: its return
     * address is then still on top of the stack.
     */
    if (symbols_lookup(r->rip, &off, &size) && off <= 4) {
        uint64_t ret = *(const uint64_t *)r->rsp;
        if (ret >= (uint64_t)_stext && ret < (uint64_t)_etext)
            print_symbol("Called from ", ret);
    }
    show_backtrace(r->rbp);
    pr_err("**** The hypervisor cannot continue. ****\n");
    machine_halt(MICA_EXIT_PANIC);
}

void arch_dump_guest_state(struct vcpu *v)
{
    const struct cpu_regs *r = guest_regs();
    pr_err("  d%u v%u: eip %04x:%08x eflags %08x esp %04x:%08x (ring %u)\n",
           v->domain->domain_id, v->vcpu_id, (unsigned int)r->cs,
           (unsigned int)r->rip, (unsigned int)r->rflags, (unsigned int)r->ss,
           (unsigned int)r->rsp, (unsigned int)(r->cs & 3));
    pr_err("  eax %08x ebx %08x ecx %08x edx %08x\n", (unsigned int)r->rax,
           (unsigned int)r->rbx, (unsigned int)r->rcx, (unsigned int)r->rdx);
    pr_err("  esi %08x edi %08x ebp %08x\n", (unsigned int)r->rsi,
           (unsigned int)r->rdi, (unsigned int)r->rbp);
    pr_err("  ds %04x es %04x fs %04x gs %04x cr2 %08lx cr3 mfn %#lx\n",
           read_sreg_ds(), read_sreg_es(), read_sreg_fs(), read_sreg_gs(),
           v->guest_cr2, v->guest_l3_mfn);
}

/* Debug key 'd': the registers of any vCPU -- the live frame if it is the
 * one interrupted, else the frame saved when it was descheduled. */
void arch_dump_vcpu_brief(struct vcpu *v)
{
    const struct cpu_regs *r = (v == current && v->is_running) ? guest_regs() : &v->user_regs;

    keyprintk("    v%u: eip %04x:%08x esp %08x eflags %08x eax %08x cr3 mfn %#lx%s\n",
              v->vcpu_id, (unsigned int)r->cs, (unsigned int)r->rip,
              (unsigned int)r->rsp, (unsigned int)r->rflags, (unsigned int)r->rax,
              v->guest_l3_mfn, v == current ? " (current)" : "");
}

static void guest_trap(struct cpu_regs *r)
{
    unsigned int vec = (unsigned int)r->vector;
    struct vcpu *v = current;

    switch (vec) {
    case 1:
        debug_trap_guest(r);
        return;
    case 6:
        if (emulate_forced_cpuid(r))
            return;
        break;
    case 7:
        fpu_device_not_available(r);
        return;
    case 13:
        if (emulate_gp_fault(r))
            return;
        break;
    case 14: {
        unsigned long cr2 = read_cr2();
        if (cr2 >= GDT_VIRT_START) {
            /* A descriptor-table access by the CPU on the guest's behalf. */
            if (ldt_lazy_map(v, cr2))
                return;
            if (cr2 >= LDT_VIRT_START &&
                cr2 < LDT_VIRT_START + (uint64_t)v->ldt_ents * 8) {
                pv_inject_page_fault(r, v->ldt_base + (uint32_t)(cr2 - LDT_VIRT_START),
                                     (uint32_t)r->error_code);
                return;
            }
            domain_crash(v->domain, "unexpected page fault on the descriptor tables "
                         "at %#lx, error %#lx, eip %#lx", cr2,
                         (unsigned long)r->error_code, (unsigned long)r->rip);
            return;
        }
        /*
         * Both of these take protection faults only (error code P set,
         * each checks it first): a not-present fault -- the common one,
         * demand paging -- is the guest's without asking them.
         */
        if (r->error_code & 1) {
            /* A kernel fault only SMEP/SMAP made: not the guest's (cpu_protect.c). */
            if (regs_ring(r) != 3 && cpu_protect_guest_fault(r, cr2))
                return;
            /* Writable page tables and the like (mm_fault.c). */
            if (mm_guest_page_fault(r, cr2))
                return;
        }
        pv_inject_page_fault(r, (uint32_t)cr2, (uint32_t)r->error_code);
        return;
    }
    default:
        if (vec >= 32) {
            pr_warn("spurious interrupt vector %u while running d%u\n", vec,
                    v->domain->domain_id);
            return;
        }
        break;
    }
    pv_reflect_exception(r);
}

static bool hypervisor_fixup(struct cpu_regs *r)
{
    unsigned int vec = (unsigned int)r->vector;

    if (vec == 14) {
        unsigned long cr2 = read_cr2();
        if (cpu_protect_probe_fixup(r))     /* the boot check of SMEP */
            return true;
        /* Reloading a guest's LDT selector while switching to it. */
        if (cr2 >= LDT_VIRT_START && cr2 < LDT_VIRT_START + LDT_AREA_PAGES * PAGE_SIZE &&
            current && ldt_lazy_map(current, cr2))
            return true;
    }
    if (vec == 1) {
        if (sysenter_single_step(r))
            return true;
        debug_trap_hypervisor(r);
        return true;
    }
    return (vec >= 11 && vec <= 14) && fixup_exception(r);
}

/* entry.S syscall64_entry: 64-bit SYSCALL, impossible for a guest. */
void do_syscall64(struct cpu_regs *r)
{
    pr_err("**** SYSCALL from 64-bit mode (return rip %#lx, rflags %#lx) ****\n",
           (unsigned long)r->rip, (unsigned long)r->rflags);
    fatal_trap(r);
}

void handle_trap(struct cpu_regs *r);
void handle_trap(struct cpu_regs *r)
{
    unsigned int vec = (unsigned int)r->vector;

    PHASE(PH_TRAP);
    if (vec == 2) {
        pv_nmi_received();
        return;
    }
    /* Device interrupts (IO-APIC lines for guests, the APIC timer), whoever
     * was interrupted. */
    if (vec >= FIRST_IRQ_VECTOR && (ioapic_handle_vector(vec) || apic_handle_irq(vec)))
        return;
    if (vec == 8 || vec == 18)          /* #DF, #MC: never a guest's doing */
        fatal_trap(r);
    if (guest_mode(r)) {
        guest_trap(r);
        return;
    }
    if (hypervisor_fixup(r))
        return;
    if (vec >= 32) {
        pr_warn("spurious interrupt vector %u in hypervisor\n", vec);
        return;
    }
    fatal_trap(r);
}

void panic(const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    cli();
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pr_err("**** PANIC: %s\n", msg);
    show_backtrace(read_rbp());
    pr_err("**** The hypervisor cannot continue. ****\n");
    machine_halt(MICA_EXIT_PANIC);
}

void bug_fail(const char *file, int line, const char *cond)
{
    panic("BUG at %s:%d: %s", file, line, cond);
}
