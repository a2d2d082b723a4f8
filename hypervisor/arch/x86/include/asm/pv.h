/*
 * Trap, callback and descriptor virtualization for 32-bit PV guests: the
 * arch-internal interface between entry.S, traps.c and the files that
 * implement traps, callbacks and descriptors (see docs/traps.md for the
 * whole picture).
 *
 *   bounce.c     writing exception/event/failsafe frames on guest stacks
 *   emulate.c    the #GP path: INT n, privileged instructions, I/O
 *   gate_op.c    far CALL/JMP through guest call gates
 *   gdt_ldt.c    set_gdt, update_descriptor, the LDT, selector lookups
 *   fpu.c        lazy FPU and fpu_taskswitch
 *   debugreg.c   set/get_debugreg and #DB
 *   callbacks.c  set_trap_table, stack_switch, set_callbacks, callback_op,
 *                nmi_op
 *   iret.c       the iret hypercall
 *   physdev.c    physdev_op set_iopl / set_iobitmap and I/O permission
 */
#ifndef ASM_PV_H
#define ASM_PV_H

#include <mica/types.h>
#include <mica/domain.h>
#include <asm/regs.h>
#include <asm/pv_rules.h>
#include <public/xen.h>

/* The guest's ring as the CPU saw it (CS RPL): 1 = kernel, 3 = user. */
static inline unsigned int guest_ring(const struct cpu_regs *r) { return r->cs & 3; }

/* ---- bounce.c ---------------------------------------------------------- */

/* Where and how to enter the guest kernel. */
/*
 * A guest instruction the hypervisor decodes (the #GP emulation in
 * emulate.c, call gates in gate_op.c): the interrupted registers, the
 * vCPU, and the base of the guest's CS.  pv_insn_fetch() is the
 * x86_decode() fetch callback for it: byte `off` after CS.base + EIP,
 * read through the guest's own page tables.
 */
struct pv_insn_ctx {
    struct cpu_regs *r;
    struct vcpu *v;
    uint32_t cs_base;
};
int pv_insn_fetch(void *ctx, unsigned int off, uint8_t *b);
/* The guest's selector in segment register `seg` (enum x86_seg; anything
 * else: DS): CS and SS from the trap frame, the others read from the CPU's
 * registers as the trap left them.  For emulate.c and gate_op.c. */
uint16_t pv_insn_seg_selector(const struct cpu_regs *r, int seg);

struct bounce {
    uint16_t cs;
    uint32_t eip;
    bool mask_events;          /* set evtchn_upcall_mask on entry */
    bool has_error;
    uint32_t error;
    bool failsafe;             /* frame starts with DS, ES, FS, GS */
    uint16_t segs[4];
    uint8_t vector;            /* what = NULL: name it after this vector */
};

/*
 * Write the frame for `b` on the guest kernel stack (the interrupted one
 * from ring 1, kernel_ss:kernel_sp from ring 2/3) and make r enter the
 * handler.  false: the frame could not be written and the domain has been
 * crashed (the reason says what happened).  what names the delivery for
 * that message; NULL: the trap b->vector.
 */
bool pv_bounce(struct cpu_regs *r, const struct bounce *b, const char *what);
/* Deliver exception `vector` through the virtual IDT (crash if no handler). */
bool pv_inject_trap(struct cpu_regs *r, unsigned int vector, bool has_error,
                    uint32_t error);

/*
 * VMASST_TYPE_architectural_iopl: the guest kernel counts as ring 0 for
 * its virtual IOPL (so it always may do port I/O and CLI/STI, as a native
 * kernel may), the iret hypercall sets the IOPL from the frame's EFLAGS,
 * and bounce frames show it (Xen's iopl_ok()).
 */
static inline bool pv_architectural_iopl(const struct vcpu *v)
{
    return v->domain->vm_assist & (1UL << VMASST_TYPE_architectural_iopl);
}
/* The privilege level the virtual IOPL is compared with. */
static inline unsigned int pv_iopl_cpl(const struct vcpu *v, unsigned int ring)
{
    return ring == 1 && pv_architectural_iopl(v) ? 0 : ring;
}

/* msr.c: the PV MSR policy (false: the guest gets #GP(0)), CPUID faulting. */
extern bool opt_force_cpuid_faulting;
void msr_init(void);
bool pv_msr_read(struct vcpu *v, uint32_t msr, uint64_t *val);
bool pv_msr_write(struct vcpu *v, uint32_t msr, uint64_t val);
void msr_ctxt_switch(struct vcpu *v);        /* the CPU's faulting follows v */
bool pv_cpuid_faults(const struct vcpu *v, const struct cpu_regs *r);
/* #PF: record CR2 (virtual CR2 and vcpu_info.arch.cr2), fix U/S, deliver. */
bool pv_inject_page_fault(struct cpu_regs *r, uint32_t cr2, uint32_t error);
/*
 * The guest's context cannot be resumed as it stands (IRET to it faulted,
 * or its data segments could not be loaded): enter the failsafe callback
 * with `segs` (DS, ES, FS, GS) in the frame, or crash the domain.
 */
void pv_failsafe(struct cpu_regs *r, const uint16_t segs[4], const char *why);
/* Deliver the CPU exception in r (vector, error code) to the guest. */
bool pv_reflect_exception(struct cpu_regs *r);
/* entry.S: the IRETQ to the guest frame at guest_regs() faulted. */
void iret_to_guest_failed(struct cpu_regs *r);
/* Pending NMI or event upcall for the current vCPU: enter its callback. */
void pv_deliver_pending(struct cpu_regs *r);
/* A physical NMI arrived (vector 2). */
void pv_nmi_received(void);

/* ---- gdt_ldt.c ---------------------------------------------------------- */

/* The descriptor `sel` names for v (GDT within gdt_ents, LDT within
 * ldt_ents, the reserved page); false if none. */
bool guest_descriptor(struct vcpu *v, uint16_t sel, uint64_t *desc);
/* Base of a code/data segment; false if sel is not one. */
bool guest_segment_base_lookup(struct vcpu *v, uint16_t sel, uint32_t *base);
/*
 * The same, with the answer for the stacks of nearly every bounce and
 * iret -- the flat ring-1 and ring-3 data selectors of the reserved GDT
 * page -- given without the lookup: their descriptors are the
 * hypervisor's, written once at boot (desc.c: present, S=1, base 0) and
 * never changed, so the lookup could only say "base 0".  desc_init()
 * checks that at boot.
 */
static inline bool guest_segment_base(struct vcpu *v, uint16_t sel, uint32_t *base)
{
    if (sel == FLAT_RING1_SS || sel == FLAT_RING3_SS) {
        *base = 0;
        return true;
    }
    return guest_segment_base_lookup(v, sel, base);
}
/* A #PF at cr2 (>= 4 GiB) in the LDT area: map the guest's LDT page
 * lazily.  true = mapped, retry the access. */
bool ldt_lazy_map(struct vcpu *v, uint64_t cr2);
/* Make the GDT area and LDT register show v's tables (vCPU switch). */
void load_descriptor_tables(struct vcpu *v);
/* Drop v's LDT page mappings and their references. */
void arch_invalidate_ldt(struct vcpu *v);
int arch_set_ldt(struct vcpu *v, uint32_t base, uint32_t ents);
/*
 * set_gdt in two steps (shared with vcpu_context.c): take a descriptor-
 * page reference on each of nr frames of d after checking every
 * descriptor, all or nothing (0 or -EINVAL); then make them v's GDT of
 * `entries` descriptors, dropping the old one -- which cannot fail.
 */
int gdt_frames_acquire(struct domain *d, const unsigned long *mfns, unsigned int nr);
void gdt_install(struct vcpu *v, const unsigned long *mfns, unsigned int entries);
/* v will never run again: drop its GDT frames and LDT pages. */
void release_descriptor_tables(struct vcpu *v);

/* ---- fpu.c ----------------------------------------------------------------- */

void fpu_device_not_available(struct cpu_regs *r);   /* #NM from the guest */
void fpu_set_virtual_ts(struct vcpu *v, bool ts);
/* Real CR0.TS for running v (vCPU switch). */
void fpu_switch_to(struct vcpu *v);
/* v goes away: forget it as the owner of the FPU registers. */
void fpu_release(struct vcpu *v);
/* The MXCSR bits FXRSTOR accepts on this CPU. */
uint32_t fpu_mxcsr_mask(void);
/* A whole FXSAVE image for v (already checked against the mask). */
void fpu_set_image(struct vcpu *v, const uint8_t img[512]);
/* v's FXSAVE image (saved from the registers if they hold it); false if
 * v never used the FPU (img untouched). */
bool fpu_get_image(struct vcpu *v, uint8_t img[512]);
/* CR0 as the guest reads it: real CR0 with its virtual TS. */
unsigned long fpu_guest_cr0(const struct vcpu *v);

/* ---- debugreg.c -------------------------------------------------------- */

long pv_set_debugreg(struct vcpu *v, unsigned int reg, uint32_t value);
uint32_t pv_get_debugreg(const struct vcpu *v, unsigned int reg);  /* 0-3, 6, 7 */
/* reg 0-7 as the guest names it -> 0-3, 6, 7, or -ENODEV / -EINVAL. */
int pv_debugreg_number(const struct vcpu *v, unsigned int reg);
/* The guest's virtual CR4.DE (MOV to CR4, a context). */
void pv_set_cr4_de(struct vcpu *v, bool de);
/* After an emulated I/O access: raise #DB if an I/O breakpoint is hit. */
bool pv_io_breakpoint(struct vcpu *v, struct cpu_regs *r, unsigned int port,
                      unsigned int bytes);
void debugreg_load(const struct vcpu *v);
void debug_trap_guest(struct cpu_regs *r);           /* #DB from the guest */
void debug_trap_hypervisor(struct cpu_regs *r);      /* #DB in the hypervisor */

/* ---- emulate.c ---------------------------------------------------------- */

/* #GP from the guest: emulate INT n or a privileged instruction.  true if
 * handled (the guest continues, possibly with another exception). */
bool emulate_gp_fault(struct cpu_regs *r);
/* #GP(selector) from a far CALL/JMP through a guest call gate (gate_op.c):
 * true if emulated or another exception was delivered instead. */
bool emulate_gate_op(struct cpu_regs *r, uint32_t error_code);
/* int $0x80 through its own DPL-3 gate (entry.S int80_entry). */
void do_int80(struct cpu_regs *r);

/* ---- physdev.c --------------------------------------------------------- */

/* An access of `bytes` at `port` by v in `ring`: #GP, all-ones/dropped,
 * or through to the hardware (pv_io_decide() in pv_rules.h). */
enum pv_io_verdict pv_io_check(struct vcpu *v, unsigned int ring, unsigned int port,
                               unsigned int bytes);

/* ---- callbacks.c ------------------------------------------------------- */

/* Point the int 0x80 gate at v's trap_table[0x80] DPL (0 if no handler). */
void int80_gate_update(const struct vcpu *v);

/* ---- fastcall.c: SYSENTER and SYSCALL ---------------------------------- */

void fastcall_init(void);                   /* the MSRs, once at boot */
/* Enable SYSENTER / SYSCALL iff v has a sysenter / syscall32 callback. */
void fastcall_update(const struct vcpu *v);
void do_sysenter(struct cpu_regs *r);       /* entry.S */
void do_syscall32(struct cpu_regs *r);      /* entry.S */
void do_syscall64(struct cpu_regs *r);      /* entry.S; traps.c, never returns */
/* #DB in the hypervisor while single-stepping SYSENTER's stub: handled? */
bool sysenter_single_step(struct cpu_regs *r);

/* ---- desc.c ----------------------------------------------------------------- */

uint64_t desc_reserved_entry(unsigned int index);   /* entry 7168 + index */
unsigned long desc_zero_page_mfn(void);             /* GDT pages not in use */
void desc_load_ldt(uint32_t ents);                  /* LDT_SEL -> LDT area */
void desc_set_int80_dpl(unsigned int dpl);

/* ---- entry.S: segment loads that cannot fault the hypervisor ----------- */

/* Load sel into DS/ES/FS/GS; on a fault load the null selector and return
 * false. */
bool load_ds_safe(uint16_t sel);
bool load_es_safe(uint16_t sel);
bool load_fs_safe(uint16_t sel);
bool load_gs_safe(uint16_t sel);

#endif
