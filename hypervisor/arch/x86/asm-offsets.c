/*
 * Structure offsets for assembly.  Compiled to assembly only; the Makefile
 * extracts the "@@OFFSET name value" markers into asm-offsets.h, so no
 * offset is ever written by hand in a .S file.
 */
#include <mica/types.h>
#include <asm/regs.h>
#include <public/xen.h>
#include <mica/domain.h>
#include <mica/hypercall.h>
#include <mica/errno.h>
#include <mica/softirq.h>

#define OFFSET(name, type, member) \
    __asm__ volatile("\n@@OFFSET " #name " %c0" :: "i"(offsetof(type, member)))
#define DEFINE(name, value) \
    __asm__ volatile("\n@@OFFSET " #name " %c0" :: "i"(value))

void asm_offsets(void);
void asm_offsets(void)
{
    OFFSET(REGS_rax, struct cpu_regs, rax);
    OFFSET(REGS_rbx, struct cpu_regs, rbx);
    OFFSET(REGS_rbp, struct cpu_regs, rbp);
    OFFSET(REGS_rcx, struct cpu_regs, rcx);
    OFFSET(REGS_rdx, struct cpu_regs, rdx);
    OFFSET(REGS_rsi, struct cpu_regs, rsi);
    OFFSET(REGS_rdi, struct cpu_regs, rdi);
    OFFSET(REGS_rip, struct cpu_regs, rip);
    OFFSET(REGS_cs, struct cpu_regs, cs);
    OFFSET(REGS_error_code, struct cpu_regs, error_code);
    DEFINE(REGS_SIZE, sizeof(struct cpu_regs));
    DEFINE(GUEST_USER_CS, FLAT_RING3_CS);
    DEFINE(GUEST_USER_SS, FLAT_RING3_SS);

    /* The hypercall dispatch and the exit test (entry.S). */
    DEFINE(HCDESC_SIZE, sizeof(struct hypercall_desc));
    OFFSET(HCDESC_fn, struct hypercall_desc, fn);
    DEFINE(HC_ENOSYS, -ENOSYS);
    OFFSET(VCPU_domain, struct vcpu, domain);
    OFFSET(VCPU_vcpu_info, struct vcpu, vcpu_info);
    OFFSET(VCPU_pause, struct vcpu, pause_flags);
    /* pause_flags and pause_count are tested as one quadword */
    _Static_assert(offsetof(struct vcpu, pause_count) ==
                   offsetof(struct vcpu, pause_flags) + 4 &&
                   sizeof(((struct vcpu *)0)->pause_flags) == 4 &&
                   sizeof(((struct vcpu *)0)->pause_count) == 4, "vcpu pause word");
    OFFSET(VCPU_areas_stale, struct vcpu, areas_stale);
    OFFSET(VCPU_nmi_pending, struct vcpu, nmi_pending);
    OFFSET(VI_upcall_pending, struct vcpu_info, evtchn_upcall_pending);
    OFFSET(VI_upcall_mask, struct vcpu_info, evtchn_upcall_mask);
    OFFSET(DOMAIN_pause_count, struct domain, pause_count);
    OFFSET(DOMAIN_state, struct domain, state);
    OFFSET(DOMAIN_is_dying, struct domain, is_dying);
    DEFINE(DOMSTATE_RUNNING_VAL, DOMSTATE_RUNNING);
    _Static_assert(sizeof(((struct domain *)0)->pause_count) == 4 &&
                   sizeof(((struct domain *)0)->state) == 4 &&
                   sizeof(((struct vcpu *)0)->areas_stale) == 1 &&
                   sizeof(((struct vcpu *)0)->nmi_pending) == 1 &&
                   sizeof(((struct domain *)0)->is_dying) == 1 &&
                   sizeof(softirq_bits) == 8, "sizes the exit test assumes");
}
