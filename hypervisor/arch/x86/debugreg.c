/*
 * Debug registers: set_debugreg (8), get_debugreg (9), MOV DR emulation
 * (emulate.c) and #DB.
 *
 * A guest's DR0-3 and DR7 are loaded into the real registers while it
 * runs (arch_vcpu_run -> debugreg_load, and at once when the running vCPU
 * changes them), so its breakpoints and watchpoints fire in hardware.
 * The values are checked first, as Xen checks them (pv_rules.c):
 * addresses below the hole, no general detect, reserved bits forced, I/O
 * breakpoints only with the guest's virtual CR4.DE.  Those are emulated:
 * they never reach the hardware DR7, and an I/O instruction the
 * hypervisor emulates for the guest (emulate.c) raises #DB after it when
 * its port range meets one (pv_io_breakpoint).  DR4 and DR5 are DR6 and
 * DR7 unless CR4.DE is set; then -ENODEV, as in Xen.
 *
 * Single steps: a guest with EFLAGS.TF set that makes a hypercall or
 * takes an exception or event sees what the hardware does -- the
 * hypervisor keeps TF in the frame it returns to, so the step trap comes
 * after the instruction that follows the int $0x82 (both are traps); a
 * bounce clears TF for the handler (bounce.c) and the handler's iret
 * hypercall restores it from the frame.
 *
 * #DB from the guest: the real DR6 is folded into the guest's virtual DR6
 * (sticky, as on hardware, until the guest writes DR6) and reset, and the
 * exception is bounced (vector 1, trap_table[1]).  #DB inside the
 * hypervisor can only be one of the guest's data watchpoints hit by a
 * hypercall touching the watched guest buffer (entry through any gate
 * clears TF, instruction breakpoints are below 4 GiB where the hypervisor
 * never executes): it is ignored, as Xen does.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/hypercall.h>
#include <mica/errno.h>
#include <mica/printk.h>
#include <asm/pv.h>
#include <asm/pv_rules.h>

#define DR6_GUEST_BITS 0xe00fu          /* B0-B3, BD, BS, BT */

#define WRITE_DR(n, v) __asm__ volatile("mov %0, %%db" #n :: "r"((uint64_t)(v)))
static uint64_t read_dr6(void)
{
    uint64_t v;
    __asm__ volatile("mov %%db6, %0" : "=r"(v));
    return v;
}

uint32_t pv_get_debugreg(const struct vcpu *v, unsigned int reg)
{
    switch (reg) {
    case 6: return (v->debugreg[6] & DR6_GUEST_BITS) | DR6_DEFAULT;
    case 7: return v->debugreg[7] | DR7_DEFAULT;
    default: return v->debugreg[reg];
    }
}

/* What the hardware DR7 holds for v: its DR7 without the emulated I/O
 * breakpoints (their enables cleared, so the hardware never sees one). */
static uint32_t hw_dr7(const struct vcpu *v)
{
    uint32_t dr7 = pv_get_debugreg(v, 7);
    return dr7 & ~pv_dr7_io_enables(dr7);
}

/* DR4/DR5 are DR6/DR7 while CR4.DE is clear; otherwise they do not exist. */
int pv_debugreg_number(const struct vcpu *v, unsigned int reg)
{
    if (reg == 4 || reg == 5)
        return v->cr4_de ? -ENODEV : (int)reg + 2;
    return reg > 7 ? -EINVAL : (int)reg;
}

static void write_hw(unsigned int reg, uint32_t value)
{
    switch (reg) {
    case 0: WRITE_DR(0, value); break;
    case 1: WRITE_DR(1, value); break;
    case 2: WRITE_DR(2, value); break;
    case 3: WRITE_DR(3, value); break;
    case 6: WRITE_DR(6, value); break;
    case 7: WRITE_DR(7, value); break;
    }
}

void debugreg_load(const struct vcpu *v)
{
    WRITE_DR(7, DR7_DEFAULT);           /* nothing armed while DR0-3 change */
    for (unsigned int i = 0; i < 4; i++)
        write_hw(i, v->debugreg[i]);
    write_hw(6, pv_get_debugreg(v, 6));
    write_hw(7, hw_dr7(v));
}

long pv_set_debugreg(struct vcpu *v, unsigned int reg, uint32_t value)
{
    uint32_t keep;
    int n = pv_debugreg_number(v, reg), rc;

    if (n < 0)
        return n;
    if ((rc = pv_check_debugreg((unsigned int)n, value, v->cr4_de, &keep)))
        return rc;
    v->debugreg[n] = keep;
    if (v == current)
        write_hw((unsigned int)n, n == 7 ? hw_dr7(v) : pv_get_debugreg(v, (unsigned int)n));
    return 0;
}

void pv_set_cr4_de(struct vcpu *v, bool de)
{
    if (v->cr4_de == de)
        return;
    v->cr4_de = de;
    if (!de) {                          /* I/O breakpoints disappear with it */
        v->debugreg[7] &= ~pv_dr7_io_enables(v->debugreg[7]);
        if (v == current)
            write_hw(7, hw_dr7(v));
    }
}

bool pv_io_breakpoint(struct vcpu *v, struct cpu_regs *r, unsigned int port,
                      unsigned int bytes)
{
    uint32_t hits = pv_io_breakpoint_hits(v->debugreg, pv_get_debugreg(v, 7), port, bytes);

    if (!hits)
        return false;
    v->debugreg[6] |= hits;             /* sticky, as the hardware's */
    pv_inject_trap(r, 1, false, 0);
    return true;
}

void debug_trap_guest(struct cpu_regs *r)
{
    struct vcpu *v = current;

    v->debugreg[6] |= (uint32_t)read_dr6() & DR6_GUEST_BITS;
    WRITE_DR(6, DR6_DEFAULT);
    pv_inject_trap(r, 1, false, 0);
}

void debug_trap_hypervisor(struct cpu_regs *r)
{
    pr_debug("guest watchpoint hit inside the hypervisor at %#lx (dr6 %#lx): ignored\n",
             (unsigned long)r->rip, (unsigned long)read_dr6());
    WRITE_DR(6, DR6_DEFAULT);
}

/* set_debugreg(reg, value): any domain, its own vCPU.  0, -EINVAL,
 * -EPERM, -ENODEV (DR4/5 with CR4.DE). */
HYPERCALL_PROTO(set_debugreg)
{
    if (a1 > 7)
        return -EINVAL;
    return pv_set_debugreg(current, (unsigned int)a1, (uint32_t)a2);
}

/* get_debugreg(reg): the value (as Xen: an error code doubles as a value). */
HYPERCALL_PROTO(get_debugreg)
{
    int n = a1 > 7 ? -EINVAL : pv_debugreg_number(current, (unsigned int)a1);

    return n < 0 ? n : (long)pv_get_debugreg(current, (unsigned int)n);
}
