/*
 * The #GP path: software interrupts and the privileged instructions a PV
 * kernel relies on.
 *
 * A ring-1 kernel is not ring 0: every privileged instruction it executes
 * raises #GP(0) and arrives here.  The hypervisor emulates the few that
 * have a safe meaning for a PV guest and gives the guest the #GP for
 * everything else (the guest then sees exactly what the CPU reported):
 *
 *   from ring 1 only
 *     MOV from CR0 (real CR0 with the virtual TS), CR2 (the virtual CR2),
 *     CR3 (the current L3's MFN in xen_pfn_to_cr3 form), CR4 (the PV view:
 *     PAE | OSFXSR | OSXMMEXCPT, and the guest's DE)
 *     MOV to CR0 changing nothing but TS, CLTS (= fpu_taskswitch), MOV to
 *     CR2 (the virtual CR2), MOV to CR4 (as Xen: only the guest's own
 *     bits, DE and TSD, change; the others are the hypervisor's and writes
 *     to them are dropped); MOV to CR3 is refused (the page-table code's
 *     MMUEXT_NEW_BASEPTR is the way to switch page tables)
 *     MOV to/from DR0-7 (= set/get_debugreg; DR4/5 alias DR6/7 unless
 *     CR4.DE)
 *     WBINVD: nothing (the guest's cache flush is not worth a host one)
 *     RDMSR/WRMSR as Xen's PV policy answers them (msr.c)
 *     CPUID, when CPUID faulting is on (msr.c): the PV view (cpuid.c)
 *     HLT: block until an event is pending (vcpu_block_current)
 *     RDTSC, which faults only while the guest set CR4.TSD: the TSC (ring
 *     3 gets the #GP, which is what TSD is for)
 *   from ring 1, or ring 3 if the virtual IOPL is 3
 *     CLI/STI with virtual IOPL >= ring: no-ops (the guest's interrupt
 *     flag is its event mask; a real CLI would stop the hypervisor)
 *   from any ring, as pv_io_check() decides (physdev.c)
 *     IN/OUT (imm8 and DX forms, 8/16/32 bits), and INS/OUTS (REP too)
 *     from ring 1 only, because the hypervisor's copy would not honour a
 *     user page's U/S bit.  A port the guest may try but not reach reads
 *     all-ones and swallows writes (Xen's behaviour, which Linux relies
 *     on when it probes the PIT).
 *
 * Call gates (#GP with the gate's selector as error code) are gate_op.c's.
 *
 * INT n.  Real IDT gates are DPL 0 (except 3, 4, 0x80 and the hypercall
 * vector), so a guest's INT n raises #GP with error code (n << 3) | 2.
 * If the guest's virtual IDT has a handler for n whose DPL admits the
 * caller's ring, EIP steps over the instruction and vector n is bounced
 * with no error code; otherwise the guest gets the #GP.
 *
 * Instructions are fetched through the guest's page tables at CS.base +
 * EIP, one byte at a time, and decoded by the one decoder (x86_decode.c;
 * it knows the opcodes above and the writable-page-table assist's stores,
 * which this file never emulates), so an unreadable or unknown
 * instruction is never emulated.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/guest_walk.h>
#include <mica/sched.h>
#include <public/xen.h>
#include <asm/x86.h>
#include <asm/pv.h>
#include <asm/x86_decode.h>
#include <asm/desc_check.h>
#include <asm/traps.h>
#include <asm/pv_rules.h>
#include <asm/pci_cfg.h>
#include <asm/cpu_protect.h>
#include <mica/phase.h>

#define CR4_PV_VIEW         (X86_CR4_PAE | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT)
#define STRING_IO_BATCH     1024        /* elements per fault; then restart */

/*
 * One byte of the instruction at CS:EIP.  For ring 3, with ring 3's fetch
 * rights (checked once per page): the CPU has fetched these bytes itself
 * before it faulted, so this only ever refuses if the tables changed in
 * between -- but the hypervisor reads nothing on ring 3's behalf that ring
 * 3 could not read (docs/security.md).
 */
int pv_insn_fetch(void *ctx, unsigned int off, uint8_t *b)
{
    const struct pv_insn_ctx *e = ctx;
    uint32_t lin = e->cs_base + (uint32_t)e->r->rip + off;
    struct guest_walk w;

    if (regs_ring(e->r) == 3 && (off == 0 || !(lin & (PAGE_SIZE - 1))) &&
        !guest_walk(e->v, lin, GW_EXEC | GW_USER, &w))
        return -1;
    return copy_from_guest(b, lin, 1) ? -1 : 0;
}

static uint64_t *gpr(struct cpu_regs *r, unsigned int n)
{
    switch (n & 7) {
    case 0: return &r->rax;
    case 1: return &r->rcx;
    case 2: return &r->rdx;
    case 3: return &r->rbx;
    case 4: return &r->rsp;
    case 5: return &r->rbp;
    case 6: return &r->rsi;
    default: return &r->rdi;
    }
}

static void advance(struct cpu_regs *r, const struct x86_insn *in)
{
    r->rip = (uint32_t)(r->rip + in->len);
}

/* ---- control and debug registers ------------------------------------ */

static bool read_cr(struct vcpu *v, unsigned int n, uint32_t *val)
{
    switch (n) {
    case 0: *val = (uint32_t)fpu_guest_cr0(v); return true;
    case 2: *val = (uint32_t)v->guest_cr2; return true;
    case 3: *val = xen_pfn_to_cr3(v->guest_l3_mfn); return true;
    case 4: *val = CR4_PV_VIEW | (v->cr4_de ? X86_CR4_DE_BIT : 0) |
                   (v->cr4_tsd ? X86_CR4_TSD : 0); return true;
    default: return false;
    }
}

static bool write_cr(struct vcpu *v, unsigned int n, uint32_t val)
{
    switch (n) {
    case 0:
        if ((val ^ (uint32_t)fpu_guest_cr0(v)) & ~(uint32_t)X86_CR0_TS)
            return false;
        fpu_set_virtual_ts(v, val & X86_CR0_TS);
        return true;
    case 2:
        v->guest_cr2 = val;
        v->vcpu_info->arch.cr2 = val;
        return true;
    case 4:
        pv_set_cr4_de(v, val & X86_CR4_DE_BIT);
        v->cr4_tsd = val & X86_CR4_TSD;
        cpu_protect_switch(v);          /* the real TSD, at once */
        return true;
    default:
        return false;
    }
}


/* ---- I/O -------------------------------------------------------------------- */

static uint32_t port_in(struct vcpu *vc, enum pv_io_verdict how, unsigned int port,
                        unsigned int bytes)
{
    uint32_t v;
    if (how == PV_IO_PCI_CFG)
        return pci_cfg_guest_read(vc->domain, port, bytes);
    if (how != PV_IO_DIRECT)
        return 0xffffffffu;
    if (bytes == 1)
        return inb((uint16_t)port);
    if (bytes == 2)
        return inw((uint16_t)port);
    __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"((uint16_t)port));
    return v;
}

static void port_out(struct vcpu *vc, enum pv_io_verdict how, unsigned int port,
                     unsigned int bytes, uint32_t v)
{
    if (how == PV_IO_PCI_CFG) {
        pci_cfg_guest_write(vc->domain, port, bytes, v);
        return;
    }
    if (how != PV_IO_DIRECT)
        return;
    if (bytes == 1)
        outb((uint16_t)port, (uint8_t)v);
    else if (bytes == 2)
        outw((uint16_t)port, (uint16_t)v);
    else
        outl((uint16_t)port, v);
}

static void set_acc(struct cpu_regs *r, unsigned int bytes, uint32_t v)
{
    uint32_t mask = bytes == 4 ? 0xffffffffu : (1u << (8 * bytes)) - 1;
    r->rax = ((uint32_t)r->rax & ~mask) | (v & mask);
}

uint16_t pv_insn_seg_selector(const struct cpu_regs *r, int seg)
{
    switch (seg) {
    case SEG_ES: return read_sreg_es();
    case SEG_CS: return (uint16_t)r->cs;
    case SEG_SS: return (uint16_t)r->ss;
    case SEG_FS: return read_sreg_fs();
    case SEG_GS: return read_sreg_gs();
    default:     return read_sreg_ds();
    }
}

static bool emulate_string_io(struct pv_insn_ctx *e, const struct x86_insn *in,
                              enum pv_io_verdict how, unsigned int port,
                              unsigned int bytes, bool is_in)
{
    struct cpu_regs *r = e->r;
    uint32_t base, count = in->rep ? (uint32_t)r->rcx : 1;
    uint64_t *idx = is_in ? &r->rdi : &r->rsi;
    int step = (r->rflags & X86_EFLAGS_DF) ? -(int)bytes : (int)bytes;

    if (in->adsize || guest_ring(r) != 1)
        return false;
    if (!guest_segment_base(e->v, pv_insn_seg_selector(r, is_in ? SEG_ES :
                            (in->seg == SEG_NONE ? SEG_DS : in->seg)), &base))
        return false;
    for (unsigned int done = 0; count && done < STRING_IO_BATCH; done++, count--) {
        uint32_t lin = base + (uint32_t)*idx, val = 0;
        if (is_in) {
            val = port_in(e->v, how, port, bytes);
            if (copy_to_guest(lin, &val, bytes)) {
                pv_inject_page_fault(r, lin, 2);
                return true;
            }
        } else {
            if (copy_from_guest(&val, lin, bytes)) {
                pv_inject_page_fault(r, lin, 0);
                return true;
            }
            port_out(e->v, how, port, bytes, val);
        }
        *idx = (uint32_t)(*idx + step);
        if (in->rep)
            r->rcx = count - 1;
    }
    if (!count) {
        advance(r, in);                 /* else re-executed for the rest */
        pv_io_breakpoint(e->v, r, port, bytes);
    }
    return true;
}

static bool emulate_io(struct pv_insn_ctx *e, const struct x86_insn *in)
{
    struct cpu_regs *r = e->r;
    unsigned int bytes = (in->op & 1) ? (in->opsize ? 2 : 4) : 1;
    unsigned int port = in->imm_len ? (uint8_t)in->imm : (uint16_t)r->rdx;
    bool is_in = in->op == 0xe4 || in->op == 0xe5 || in->op == 0xec ||
                 in->op == 0xed || in->op == 0x6c || in->op == 0x6d;

    enum pv_io_verdict how = pv_io_check(e->v, guest_ring(r), port, bytes);

    if (how == PV_IO_FAULT)
        return false;
    if (in->op >= 0x6c && in->op <= 0x6f)
        return emulate_string_io(e, in, how, port, bytes, is_in);
    if (is_in)
        set_acc(r, bytes, port_in(e->v, how, port, bytes));
    else
        port_out(e->v, how, port, bytes, (uint32_t)r->rax);
    advance(r, in);
    pv_io_breakpoint(e->v, r, port, bytes);     /* a trap: after the access */
    return true;
}

/* ---- the ring-1 privileged instructions --------------------------------- */

static bool emulate_privileged(struct pv_insn_ctx *e, const struct x86_insn *in)
{
    struct cpu_regs *r = e->r;
    struct vcpu *v = e->v;
    uint32_t val;
    uint64_t msr;

    if (!in->twobyte) {
        if (in->op != 0xf4)             /* HLT */
            return false;
        advance(r, in);
        vcpu_block_current();
        return true;
    }
    switch (in->op) {
    case 0x06:                          /* CLTS */
        fpu_set_virtual_ts(v, false);
        break;
    case 0x09:                          /* WBINVD */
        break;
    case 0x31: {                        /* RDTSC: faults only under the guest's TSD */
        uint64_t tsc = rdtsc();
        r->rax = (uint32_t)tsc;
        r->rdx = (uint32_t)(tsc >> 32);
        break;
    }
    case 0x20:                          /* MOV from CRn */
        if (!read_cr(v, modrm_reg(in), &val))
            return false;
        *gpr(r, modrm_rm(in)) = val;
        break;
    case 0x22:                          /* MOV to CRn */
        if (!write_cr(v, modrm_reg(in), (uint32_t)*gpr(r, modrm_rm(in))))
            return false;
        break;
    case 0x21: {                        /* MOV from DRn */
        int n = pv_debugreg_number(v, modrm_reg(in));
        if (n < 0)
            return false;
        *gpr(r, modrm_rm(in)) = pv_get_debugreg(v, (unsigned int)n);
        break;
    }
    case 0x23:                          /* MOV to DRn */
        if (pv_set_debugreg(v, modrm_reg(in), (uint32_t)*gpr(r, modrm_rm(in))))
            return false;
        break;
    case 0x32:                          /* RDMSR */
        if (!pv_msr_read(v, (uint32_t)r->rcx, &msr))
            return false;
        r->rax = (uint32_t)msr;
        r->rdx = (uint32_t)(msr >> 32);
        break;
    case 0x30:                          /* WRMSR */
        if (!pv_msr_write(v, (uint32_t)r->rcx, ((uint64_t)(uint32_t)r->rdx << 32) |
                          (uint32_t)r->rax))
            return false;
        break;
    default:
        return false;
    }
    advance(r, in);
    return true;
}

/* ---- entry points ------------------------------------------------------- */

/*
 * #GP from INT n.  The architectural error code is (n << 3) | 2; QEMU's
 * TCG reports n * 16 + 2 in long mode (the byte offset of the 16-byte
 * gate).  The instruction says which n it was, so either form is accepted
 * and a refused INT n always reaches the guest with the architectural code.
 */
static bool emulate_int_n(struct pv_insn_ctx *e, uint32_t ec)
{
    struct x86_insn in;
    unsigned int n;
    const struct trap_info *ti;

    if (x86_decode(&in, pv_insn_fetch, e) || in.op != 0xcd || in.twobyte)
        return false;
    n = (uint8_t)in.imm;
    if ((ec >> 3) != n && (ec >> 4) != n)
        return false;
    ti = &e->v->trap_table[n];
    if (!ti->address || TI_GET_DPL(ti) < guest_ring(e->r)) {
        pv_inject_trap(e->r, 13, true, (n << 3) | 2);
        return true;
    }
    advance(e->r, &in);
    pv_inject_trap(e->r, n, false, 0);
    return true;
}

bool emulate_gp_fault(struct cpu_regs *r)
{
    struct pv_insn_ctx e = { .r = r, .v = current };
    uint32_t ec = (uint32_t)r->error_code;
    struct x86_insn in;

    if (!guest_segment_base(e.v, (uint16_t)r->cs, &e.cs_base))
        return false;
    if ((ec & 3) == 2)                  /* IDT vector, not external */
        return emulate_int_n(&e, ec);
    if ((ec & 3) == 0 && ec != 0)       /* a selector: maybe a call gate */
        return emulate_gate_op(r, ec);
    if (ec != 0 || x86_decode(&in, pv_insn_fetch, &e) || in.lock)
        return false;

    if (!in.twobyte && ((in.op >= 0x6c && in.op <= 0x6f) ||
                        (in.op >= 0xe4 && in.op <= 0xe7) ||
                        (in.op >= 0xec && in.op <= 0xef)))
        return emulate_io(&e, &in);
    if (!in.twobyte && (in.op == 0xfa || in.op == 0xfb)) {
        if (e.v->iopl < pv_iopl_cpl(e.v, guest_ring(r)))
            return false;
        advance(r, &in);                /* CLI/STI: the event mask is the IF */
        return true;
    }
    if (in.twobyte && in.op == 0xa2) {  /* CPUID, faulted by the CPU */
        if (pv_cpuid_faults(e.v, r))
            return false;               /* the guest's user space gets #GP */
        uint32_t a, b, c, d;
        pv_cpuid((uint32_t)r->rax, (uint32_t)r->rcx, &a, &b, &c, &d);
        r->rax = a;
        r->rbx = b;
        r->rcx = c;
        r->rdx = d;
        advance(r, &in);
        return true;
    }
    if (guest_ring(r) != 1)
        return false;
    return emulate_privileged(&e, &in);
}

void do_int80(struct cpu_regs *r)
{
    PHASE(PH_TRAP);
    pv_inject_trap(r, 0x80, false, 0);
}
