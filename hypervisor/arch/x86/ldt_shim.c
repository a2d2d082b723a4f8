/*
 * TEMPORARY -- replaced at merge by the trap issue's implementation.
 *
 * MMUEXT_SET_LDT (common/mmuext_op.c) validates its arguments (page-aligned
 * base, the whole table below the hole, at most 8192 entries) and hands
 * them to arch_set_ldt(), which the trap issue owns: descriptor checking
 * and the lazy LDT mapping live there.  Until that lands, this stand-in
 * records what it was given and succeeds, so the memory hypercall can be
 * built and tested on its own.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <asm/mm_arch.h>

static struct { const struct vcpu *v; uint32_t base, ents; } shim_ldt;

int arch_set_ldt(struct vcpu *v, uint32_t base, uint32_t ents)
{
    shim_ldt.v = v;
    shim_ldt.base = base;
    shim_ldt.ents = ents;
    return 0;
}
