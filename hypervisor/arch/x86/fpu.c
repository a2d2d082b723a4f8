/*
 * The FPU: lazy switching and the guest's virtual CR0.TS.
 *
 * Two flags decide the real CR0.TS while a vCPU runs:
 *   - its virtual TS (vcpu->fpu_ts): the guest's own lazy-FPU switch, set
 *     with fpu_taskswitch(1) and cleared with fpu_taskswitch(0), CLTS or a
 *     MOV to CR0 (emulate.c).  Guests start with it set (domain_build.c);
 *   - whether the FPU registers hold its state (fpu_owner == v).
 * Real TS is clear only when both are favourable, so the first FPU
 * instruction after either changes traps with #NM, and
 * fpu_device_not_available() sorts it out:
 *
 *   1. load the vCPU's state if the registers hold someone else's (FXSAVE
 *      theirs into their vcpu->fpu_area, FXRSTOR ours -- or FNINIT and the
 *      default MXCSR the first time), clear the real TS;
 *   2. if the guest had set its virtual TS, clear it (as Xen does: the
 *      guest's #NM handler runs with TS clear) and bounce #NM to it: the
 *      guest switches its own tasks' FPU contexts there.
 *
 * The hypervisor itself never touches the FPU (it is built without SSE),
 * so nothing needs saving on entry; a vCPU switch only sets the real TS
 * (fpu_switch_to), which costs no TLB flush even under QEMU's TCG.  The
 * state stays in the registers until another vCPU's #NM, so a domain that
 * is the only FPU user never pays for a save.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/hypercall.h>
#include <mica/lib.h>
#include <asm/x86.h>
#include <asm/pv.h>

#define MXCSR_DEFAULT 0x1f80u

static struct vcpu *fpu_owner;          /* whose state the registers hold */

static void fpu_load(struct vcpu *v)
{
    if (fpu_owner == v)
        return;
    if (fpu_owner)
        __asm__ volatile("fxsave %0" : "=m"(*(uint8_t (*)[512])fpu_owner->fpu_area));
    if (v->fpu_initialised) {
        __asm__ volatile("fxrstor %0" :: "m"(*(const uint8_t (*)[512])v->fpu_area));
    } else {
        uint32_t mxcsr = MXCSR_DEFAULT;
        __asm__ volatile("fninit; ldmxcsr %0" :: "m"(mxcsr));
        v->fpu_initialised = true;
    }
    fpu_owner = v;
}

void fpu_device_not_available(struct cpu_regs *r)
{
    struct vcpu *v = current;

    clts();
    fpu_load(v);
    if (v->fpu_ts) {
        v->fpu_ts = false;
        pv_inject_trap(r, 7, false, 0);
    }
}

void fpu_set_virtual_ts(struct vcpu *v, bool ts)
{
    v->fpu_ts = ts;
    if (v == current)
        fpu_switch_to(v);
}

void fpu_switch_to(struct vcpu *v)
{
    if (v->fpu_ts || fpu_owner != v)
        stts();
    else
        clts();
}

void fpu_release(struct vcpu *v)
{
    if (fpu_owner == v)
        fpu_owner = NULL;
}

unsigned long fpu_guest_cr0(const struct vcpu *v)
{
    return (read_cr0() & ~X86_CR0_TS) | (v->fpu_ts ? X86_CR0_TS : 0);
}

/*
 * The MXCSR bits this CPU accepts: FXRSTOR of an image with any other bit
 * set faults, so a context's FPU image is checked against this first
 * (vcpu_context.c).  FXSAVE reports the mask; 0 there means the original
 * 0xffbf (no DAZ).
 */
uint32_t fpu_mxcsr_mask(void)
{
    static uint32_t mask;

    if (!mask) {
        static uint8_t area[512] __aligned(16);
        unsigned long cr0 = read_cr0();
        uint32_t m;
        /* Only the mask matters: whoever owns the registers keeps them.
         * FXSAVE with CR0.TS set would fault here: clear it meanwhile. */
        clts();
        __asm__ volatile("fxsave %0" : "=m"(area));
        if (cr0 & X86_CR0_TS)
            stts();
        memcpy(&m, area + 28, sizeof(m));
        mask = m ? m : 0xffbfu;
    }
    return mask;
}

void fpu_set_image(struct vcpu *v, const uint8_t img[512])
{
    memcpy(v->fpu_area, img, 512);
    v->fpu_initialised = true;
    if (fpu_owner == v)
        fpu_owner = NULL;               /* the next #NM loads the new image */
}

bool fpu_get_image(struct vcpu *v, uint8_t img[512])
{
    if (fpu_owner == v) {
        unsigned long cr0 = read_cr0();
        clts();
        __asm__ volatile("fxsave %0" : "=m"(*(uint8_t (*)[512])v->fpu_area));
        if (cr0 & X86_CR0_TS)
            stts();
    }
    if (v->fpu_initialised)
        memcpy(img, v->fpu_area, 512);
    return v->fpu_initialised;
}

/* fpu_taskswitch(set): the guest's virtual CR0.TS.  Any domain; always 0. */
HYPERCALL_PROTO(fpu_taskswitch)
{
    fpu_set_virtual_ts(current, a1 != 0);
    return 0;
}
