/*
 * Bounce frames: how an exception, an event or a failure reaches the
 * guest kernel.
 *
 * A PV guest never gets a real interrupt frame from the CPU: every
 * exception it causes, and every event, enters the hypervisor first.  To
 * hand it on, the hypervisor writes on the guest kernel's stack the frame
 * the ABI fixes (fact sheet §7.2) -- lowest address first:
 *
 *     [DS ES FS GS]        failsafe callback only: what could not be loaded
 *     [error code]         vectors 10-14 and 17
 *     EIP
 *     CS | saved_mask<<16  interrupted CS; the event mask before entry
 *     EFLAGS               IF = !saved_mask, IOPL 0
 *     [ESP SS]             only when the interrupted code ran in ring 2/3
 *
 * and resumes the guest at the handler with ESP at the lowest word.  The
 * stack is the interrupted one when the guest was in ring 1, otherwise the
 * one registered with stack_switch (kernel_ss:kernel_sp); the segment
 * base of that SS is honoured (limits are not: the write goes through the
 * guest's page tables and is bounds-checked against the hole like any
 * guest access).  The frame is written with copy_to_guest(), so a stack
 * that is unmapped, read-only, in the hypervisor hole or wrapping past
 * 4 GiB cannot make the hypervisor fault: the domain is crashed instead,
 * alone -- the guest has lost its kernel stack and cannot be helped.
 *
 * The handler then runs with the CPU's TF, NT, RF and VM cleared, AC set
 * when SMAP is on (ring 1 is supervisor: cpu_protect.c) and, for an
 * "interrupt gate" trap entry (TI_IF_FLAG), an event callback or a
 * masking failsafe callback, with evtchn_upcall_mask set.
 *
 * Event upcalls and pending NMIs (a physical NMI for the initial domain's
 * vCPU 0, or VCPUOP_send_nmi) are delivered here too, from
 * arch_return_to_guest() on every way back to a guest.  An NMI goes
 * first; it is masked from its delivery until the iret hypercall, and
 * a vCPU without an NMI callback loses it (Xen's behaviour).
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/printk.h>
#include <mica/bug.h>
#include <mica/phase.h>
#include <public/xen.h>
#include <public/nmi.h>
#include <asm/x86.h>
#include <asm/traps.h>
#include <asm/pv.h>
#include <asm/pv_rules.h>
#include <asm/desc_check.h>
#include <asm/cpu_protect.h>

/* Vectors that push an error code, and the ones a guest can be sent. */
static bool vector_has_error(unsigned int vec)
{
    return (vec >= 10 && vec <= 14) || vec == 17;
}

/* For messages: what is being delivered (a trap is named only on failure). */
static const char *bounce_name(const struct bounce *b, const char *what)
{
    return what ? what : trap_name(b->vector);
}

/*
 * The bounce itself, inlined into each way in (pv_bounce, the trap
 * injections): a bounce is on every exception and system call a guest
 * takes, and three nested calls with their frames were a third of it.
 */
static inline __attribute__((always_inline))
bool do_bounce(struct cpu_regs *r, const struct bounce *b, const char *what)
{
    struct vcpu *v = current;
    struct domain *d = v->domain;
    uint8_t saved_mask = v->vcpu_info->evtchn_upcall_mask;
    unsigned int ring = guest_ring(r);
    /*
     * The frame is built downwards from its EIP word, so that each part
     * has a fixed place: frame[5..9] = EIP CS EFLAGS [ESP SS], below them
     * the error code, below that DS ES FS GS.
     */
    uint32_t frame[10], *w = &frame[5], n = 3, sp, base;
    uint16_t ss;

    PHASE(PH_BOUNCE);
    w[0] = (uint32_t)r->rip;
    w[1] = (uint32_t)(uint16_t)r->cs | ((uint32_t)saved_mask << 16);
    w[2] = pv_frame_eflags((uint32_t)r->rflags, saved_mask) |
           (pv_architectural_iopl(v) ? (uint32_t)v->iopl << 12 : 0);
    if (ring != 1) {
        if (!v->kernel_ss) {
            domain_crash(d, "%s from ring %u but no kernel stack was registered "
                         "(stack_switch)", bounce_name(b, what), ring);
            return false;
        }
        ss = v->kernel_ss;
        sp = v->kernel_sp;
        w[3] = (uint32_t)r->rsp;
        w[4] = (uint16_t)r->ss;
        n = 5;
    } else {
        ss = (uint16_t)r->ss;
        sp = (uint32_t)r->rsp;
    }
    if (b->has_error) {
        *--w = b->error;
        n++;
    }
    if (b->failsafe) {
        w -= 4;
        for (unsigned int i = 0; i < 4; i++)
            w[i] = b->segs[i];
        n += 4;
    }

    uint32_t bytes = n * 4;
    if (!guest_segment_base(v, ss, &base)) {
        domain_crash(d, "%s: kernel stack segment %#x is not usable",
                     bounce_name(b, what), ss);
        return false;
    }
    /*
     * Any failure to write the frame crashes the domain, so which of its
     * words reached a stack that faults half way does not matter: the
     * dword copy (copy_dwords_to_guest) need not be byte-exact.
     */
    uint64_t linear = (uint64_t)base + sp - bytes;
    if (sp < bytes || linear + bytes > 0xffffffffULL ||
        copy_dwords_to_guest((guest_va_t)linear, w, n)) {
        domain_crash(d, "%s: cannot write the exception frame on the guest "
                     "kernel stack at %04x:%08x", bounce_name(b, what), ss, sp);
        return false;
    }

    r->rsp = sp - bytes;
    r->ss = ss;
    r->cs = b->cs;
    r->rip = b->eip;
    r->rflags = (r->rflags & ~(uint64_t)(EFL_TF | EFL_NT | EFL_RF | EFL_VM | EFL_IOPL)) |
                EFL_IF | EFL_RSVD1 | pv_guest_ac;   /* AC: ring 1 under SMAP */
    if (b->mask_events)
        v->vcpu_info->evtchn_upcall_mask = 1;
    return true;
}

bool pv_bounce(struct cpu_regs *r, const struct bounce *b, const char *what)
{
    return do_bounce(r, b, what);
}

static inline __attribute__((always_inline))
bool inject_trap(struct cpu_regs *r, unsigned int vector, bool has_error, uint32_t error)
{
    struct vcpu *v = current;
    const struct trap_info *ti = &v->trap_table[vector & 0xff];

    if (!ti->address) {
        if (has_error)
            domain_crash(v->domain, "unhandled %s (vector %u, no handler in the "
                         "trap table) from ring %u at eip %#lx, error %#x",
                         trap_name(vector), vector, guest_ring(r),
                         (unsigned long)r->rip, error);
        else
            domain_crash(v->domain, "unhandled %s (vector %u, no handler in the "
                         "trap table) from ring %u at eip %#lx",
                         trap_name(vector), vector, guest_ring(r),
                         (unsigned long)r->rip);
        return false;
    }
    struct bounce b = {
        .cs = ti->cs, .eip = ti->address, .mask_events = TI_GET_IF(ti) != 0,
        .has_error = has_error, .error = error, .vector = (uint8_t)vector,
    };
    return do_bounce(r, &b, NULL);      /* named only if it fails */
}

bool pv_inject_trap(struct cpu_regs *r, unsigned int vector, bool has_error,
                    uint32_t error)
{
    return inject_trap(r, vector, has_error, error);
}

bool pv_inject_page_fault(struct cpu_regs *r, uint32_t cr2, uint32_t error)
{
    struct vcpu *v = current;

    /* U/S says whether the guest was in user mode, whatever the access. */
    error = (error & ~4u) | (guest_ring(r) == 3 ? 4u : 0u);
    v->guest_cr2 = cr2;
    v->vcpu_info->arch.cr2 = cr2;
    if (!v->trap_table[14].address) {
        domain_crash(v->domain, "unhandled %s (vector 14, no handler in the "
                     "trap table) from ring %u at eip %#lx, cr2 %#x, error %#x",
                     trap_name(14), guest_ring(r), (unsigned long)r->rip, cr2, error);
        return false;
    }
    return inject_trap(r, 14, true, error);
}

void pv_failsafe(struct cpu_regs *r, const uint16_t segs[4], const char *why)
{
    struct vcpu *v = current;
    struct bounce b = {
        .cs = (uint16_t)v->failsafe_cb.cs, .eip = v->failsafe_cb.eip,
        .mask_events = v->failsafe_masks, .failsafe = true,
        .segs = { segs[0], segs[1], segs[2], segs[3] },
    };

    if (!v->failsafe_cb.cs) {
        domain_crash(v->domain, "%s (cs:eip %04x:%08x ss:esp %04x:%08x) and no "
                     "failsafe callback is registered", why, (unsigned int)r->cs,
                     (unsigned int)r->rip, (unsigned int)r->ss, (unsigned int)r->rsp);
        return;
    }
    if (r->cs == b.cs && r->rip == b.eip) {
        domain_crash(v->domain, "%s: the failsafe callback %04x:%08x itself "
                     "cannot be entered", why, b.cs, b.eip);
        return;
    }
    if (pv_bounce(r, &b, "failsafe callback")) {
        /* Whatever failed must not be tried again: null data segments. */
        load_ds_safe(0);
        load_es_safe(0);
        load_fs_safe(0);
        load_gs_safe(0);
    }
}

/*
 * entry.S: the IRETQ to the guest frame at guest_regs() faulted (a stale
 * or bogus CS or SS).  The guest's registers are back in r; the frame is
 * the one that could not be entered.
 */
void iret_to_guest_failed(struct cpu_regs *r)
{
    BUG_ON(r != guest_regs() || !guest_mode(r));
    uint16_t segs[4] = { read_sreg_ds(), read_sreg_es(), read_sreg_fs(), read_sreg_gs() };
    pv_failsafe(r, segs, "returning to the guest faulted");
}

void pv_nmi_received(void)
{
    struct domain *d = hardware_domain();
    struct vcpu *v = d ? d->vcpu[0] : NULL;

    /*
     * Only the initial domain's vCPU 0 can register an NMI callback
     * (callbacks.c).  This runs on the NMI stack at any moment, even in
     * the middle of the scheduler, so it only records: the callback is
     * entered the next time that vCPU returns to the guest.
     */
    if (!v || !v->nmi_cb_eip) {
        pr_warn("NMI received (no guest NMI callback; ignored)\n");
        return;
    }
    d->shared_info->arch.nmi_reason |= XEN_NMIREASON_unknown;
    v->nmi_pending = true;
}

void pv_deliver_pending(struct cpu_regs *r)
{
    struct vcpu *v = current;
    struct vcpu_info *vi = v->vcpu_info;

    if (v->nmi_pending && !v->nmi_masked) {
        struct bounce b = { .cs = FLAT_RING1_CS, .eip = v->nmi_cb_eip, .mask_events = true };
        v->nmi_pending = false;
        /* No NMI callback (VCPUOP_send_nmi to a vCPU without one): Xen
         * drops the NMI on the floor, and so do we. */
        if (v->nmi_cb_eip) {
            if (!pv_bounce(r, &b, "NMI callback"))
                return;
            v->nmi_masked = true;       /* until the iret hypercall */
        }
    }
    if (vi->evtchn_upcall_pending && !vi->evtchn_upcall_mask && v->event_cb.cs) {
        struct bounce b = { .cs = (uint16_t)v->event_cb.cs, .eip = v->event_cb.eip,
                            .mask_events = true };
        pv_bounce(r, &b, "event callback");
    }
}

bool pv_reflect_exception(struct cpu_regs *r)
{
    unsigned int vec = (unsigned int)r->vector;
    return pv_inject_trap(r, vec, vector_has_error(vec), (uint32_t)r->error_code);
}
