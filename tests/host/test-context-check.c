/*
 * The register-level rules of a 32-bit vCPU context, from the real
 * arch/x86/context_check.c (with desc_check.c and pv_rules.c): what a
 * toolstack's setvcpucontext and a guest's VCPUOP_initialise may say,
 * and that each rule is the one the matching hypercall applies --
 * selectors of handlers, callbacks and stacks, entry points and kernel
 * stacks below the hole, EFLAGS, debug registers, LDT/GDT sizes, MXCSR,
 * vm_assist.
 */
#include "htest.h"
#include <mica/errno.h>
#include <public/xen.h>
#include <asm/pv_rules.h>
#include <asm/desc_check.h>
#include <asm/context_check.h>

#define MXCSR_MASK 0xffbfu
#define VMASST_OK  0xfUL

/* A context a builder would produce: ring 1, flat selectors, one handler. */
static void good(vcpu_guest_context_t *c)
{
    memset(c, 0, sizeof(*c));
    c->flags = VGCF_in_kernel | VGCF_online;
    c->user_regs.cs = FLAT_KERNEL_CS;
    c->user_regs.ss = FLAT_KERNEL_SS;
    c->user_regs.ds = c->user_regs.es = FLAT_KERNEL_DS;
    c->user_regs.eip = 0xc0000000;
    c->user_regs.esp = 0xc0400000;
    c->user_regs.eflags = 0x202;
    c->kernel_ss = FLAT_KERNEL_SS;
    c->kernel_sp = 0xc0400000;
    c->trap_ctxt[14] = (struct trap_info){ .vector = 99, .cs = FLAT_KERNEL_CS,
                                           .address = 0xc0001000 };
    c->event_callback_cs = FLAT_KERNEL_CS;
    c->event_callback_eip = 0xc0002000;
}

static int check(vcpu_guest_context_t *c)
{
    uint8_t iopl = 0xff;
    return pv_context_check_regs(c, MXCSR_MASK, VMASST_OK, &iopl);
}

HTEST(builder_context_accepted_and_normalised)
{
    vcpu_guest_context_t c;
    uint8_t iopl = 9;

    good(&c);
    c.user_regs.eflags = 0x202 | EFL_IOPL | EFL_NT;
    CHECK_EQ(pv_context_check_regs(&c, MXCSR_MASK, VMASST_OK, &iopl), 0);
    CHECK_EQ(iopl, 3);                              /* virtual IOPL */
    CHECK_EQ(c.user_regs.eflags & (EFL_IOPL | EFL_NT), 0);
    CHECK(c.user_regs.eflags & EFL_IF);
    CHECK_EQ(c.trap_ctxt[14].vector, 14);          /* entry i is vector i */
    CHECK_EQ(c.trap_ctxt[3].vector, 3);
    CHECK_EQ(c.trap_ctxt[3].address, 0);
    CHECK_EQ(c.debugreg[7], DR7_DEFAULT);
    CHECK_EQ(c.debugreg[6], DR6_DEFAULT);
}

HTEST(rpl0_raised_to_ring1)
{
    vcpu_guest_context_t c;

    good(&c);
    c.user_regs.cs = FLAT_KERNEL_CS & ~3;
    c.user_regs.ss = FLAT_KERNEL_SS & ~3;
    c.trap_ctxt[6].cs = 0x0810;                     /* GDT entry 258, RPL 0 */
    c.trap_ctxt[6].address = 0x1000;
    c.kernel_ss = FLAT_KERNEL_SS & ~3;
    CHECK_EQ(check(&c), 0);
    CHECK_EQ(c.user_regs.cs, FLAT_KERNEL_CS);
    CHECK_EQ(c.user_regs.ss, FLAT_KERNEL_SS);
    CHECK_EQ(c.trap_ctxt[6].cs, 0x0811);
    CHECK_EQ(c.kernel_ss, FLAT_KERNEL_SS);
}

HTEST(bad_selectors_refused)
{
    static const uint16_t bad_cs[] = { 0, 0xe008 /* hypervisor CS */, 0xe010, 0xe02b | 0 };
    vcpu_guest_context_t c;

    for (unsigned int i = 0; i < sizeof(bad_cs) / sizeof(bad_cs[0]); i++) {
        good(&c);
        c.user_regs.cs = bad_cs[i];
        CHECK_EQ(check(&c), -EINVAL);
    }
    good(&c);
    c.user_regs.ss = 0xe010;                        /* hypervisor data */
    CHECK_EQ(check(&c), -EINVAL);
    good(&c);
    c.user_regs.ss = FLAT_RING3_SS;                 /* ring mismatch */
    CHECK_EQ(check(&c), -EINVAL);
    good(&c);
    c.user_regs.ds = 0xe008;                        /* reserved page, not flat */
    CHECK_EQ(check(&c), -EINVAL);
    good(&c);
    c.user_regs.cs = 0x0812;                        /* RPL 2 with a ring-1 SS */
    CHECK_EQ(check(&c), -EINVAL);
}

HTEST(user_mode_frame)
{
    vcpu_guest_context_t c;

    good(&c);
    c.user_regs.cs = FLAT_RING3_CS;
    c.user_regs.ss = FLAT_RING3_SS;
    c.user_regs.ds = FLAT_RING3_DS;
    c.user_regs.esp = 0xfffff000;                   /* user ESP is its business */
    CHECK_EQ(check(&c), 0);
    c.user_regs.cs = 0x0823;                        /* a guest GDT code selector */
    c.user_regs.ss = 0x082b;
    CHECK_EQ(check(&c), 0);
    c.user_regs.cs = FLAT_RING1_CS | 3;             /* ring-1 flat with RPL 3 */
    CHECK_EQ(check(&c), -EINVAL);
}

HTEST(trap_gates_into_ring0_refused)
{
    vcpu_guest_context_t c;

    good(&c);
    c.trap_ctxt[13] = (struct trap_info){ .cs = 0xe008, .address = 0xc0000100 };
    CHECK_EQ(check(&c), -EINVAL);
    good(&c);
    c.trap_ctxt[13] = (struct trap_info){ .cs = FLAT_KERNEL_CS, .address = HYPERVISOR_VIRT_START };
    CHECK_EQ(check(&c), -EINVAL);                   /* handler in the hole */
    good(&c);
    c.trap_ctxt[13] = (struct trap_info){ .cs = FLAT_RING3_CS, .address = 0x1000 };
    CHECK_EQ(check(&c), -EINVAL);                   /* a ring-3 handler */
}

HTEST(callbacks)
{
    vcpu_guest_context_t c;

    good(&c);
    c.event_callback_cs = 0;
    c.event_callback_eip = 0;                       /* none: fine */
    CHECK_EQ(check(&c), 0);
    good(&c);
    c.failsafe_callback_cs = 0xe008;
    c.failsafe_callback_eip = 0x1000;
    CHECK_EQ(check(&c), -EINVAL);
    good(&c);
    c.event_callback_eip = 0xffff0000;
    CHECK_EQ(check(&c), -EINVAL);
    good(&c);
    c.event_callback_cs = 0x10000 | FLAT_KERNEL_CS; /* does not fit 16 bits */
    CHECK_EQ(check(&c), -EINVAL);
}

HTEST(kernel_stack_in_the_hole_refused)
{
    vcpu_guest_context_t c;

    good(&c);
    c.kernel_sp = HYPERVISOR_VIRT_START;            /* the top may touch it */
    CHECK_EQ(check(&c), 0);
    good(&c);
    c.kernel_sp = HYPERVISOR_VIRT_START + 0x1000;
    CHECK_EQ(check(&c), -EINVAL);
    good(&c);
    c.user_regs.esp = 0xff000000;                   /* ring-1 ESP */
    CHECK_EQ(check(&c), -EINVAL);
    good(&c);
    c.kernel_ss = FLAT_RING3_SS;
    CHECK_EQ(check(&c), -EINVAL);
    good(&c);
    c.kernel_ss = 0;                                /* none registered yet */
    c.kernel_sp = 0;
    CHECK_EQ(check(&c), 0);
    /* The same rule as stack_switch. */
    uint16_t ss = FLAT_KERNEL_SS;
    CHECK(!pv_kernel_stack_ok(&ss, HYPERVISOR_VIRT_START + 4));
    CHECK(pv_kernel_stack_ok(&ss, HYPERVISOR_VIRT_START));
}

HTEST(eflags_vm_refused)
{
    vcpu_guest_context_t c;

    good(&c);
    c.user_regs.eflags |= EFL_VM;
    CHECK_EQ(check(&c), -EINVAL);
}

HTEST(descriptor_tables)
{
    vcpu_guest_context_t c;

    good(&c);
    c.gdt_ents = FIRST_RESERVED_GDT_ENTRY;
    CHECK_EQ(check(&c), 0);
    c.gdt_ents = FIRST_RESERVED_GDT_ENTRY + 1;
    CHECK_EQ(check(&c), -EINVAL);
    good(&c);
    c.gdt_ents = 512;
    c.gdt_frames[5] = 1234;                          /* beyond gdt_ents: cleared */
    CHECK_EQ(check(&c), 0);
    CHECK_EQ(c.gdt_frames[5], 0);
    good(&c);
    c.ldt_base = 0x10000;
    c.ldt_ents = 8192;
    CHECK_EQ(check(&c), 0);
    c.ldt_ents = 8193;
    CHECK_EQ(check(&c), -EINVAL);
    c.ldt_ents = 1;
    c.ldt_base = 0x10008;                            /* not page-aligned */
    CHECK_EQ(check(&c), -EINVAL);
    c.ldt_base = HYPERVISOR_VIRT_START - 8;
    c.ldt_ents = 2;                                   /* runs into the hole */
    CHECK_EQ(check(&c), -EINVAL);
}

HTEST(debug_registers_as_set_debugreg)
{
    vcpu_guest_context_t c;

    good(&c);
    c.debugreg[0] = HYPERVISOR_VIRT_START;
    CHECK_EQ(check(&c), -EPERM);
    good(&c);
    c.debugreg[7] = 0x2000;                          /* general detect */
    CHECK_EQ(check(&c), -EPERM);
    good(&c);
    c.debugreg[4] = 0xdeadbeef;                      /* no such register: dropped */
    CHECK_EQ(check(&c), 0);
    CHECK_EQ(c.debugreg[4], 0);
}

HTEST(fpu_image_mxcsr)
{
    vcpu_guest_context_t c;

    good(&c);
    c.flags |= VGCF_i387_valid;
    c.fpu_ctxt.x[24] = 0x80;
    c.fpu_ctxt.x[25] = 0x1f;                         /* 0x1f80, the default */
    CHECK_EQ(fxsave_mxcsr(&c), 0x1f80);
    CHECK_EQ(check(&c), 0);
    c.fpu_ctxt.x[26] = 1;                            /* bit 16: reserved */
    CHECK_EQ(check(&c), -EINVAL);
    c.flags &= ~VGCF_i387_valid;                     /* image not used */
    CHECK_EQ(check(&c), 0);
}

HTEST(vm_assist_types)
{
    vcpu_guest_context_t c;

    good(&c);
    c.vm_assist = 1u << VMASST_TYPE_writable_pagetables;
    CHECK_EQ(check(&c), 0);
    c.vm_assist = 1u << 9;
    CHECK_EQ(check(&c), -EINVAL);
}
