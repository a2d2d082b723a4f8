/*
 * segments-switch: a data selector that went stale while the vCPU was
 * switched out cannot fault the hypervisor; the guest's failsafe callback
 * gets it instead (run with a spinning helper domain, so a yield really
 * switches vCPUs).
 *
 * The hypervisor does not touch DS/ES/FS/GS on entry and exit; it saves
 * them when it switches a vCPU out and loads them again when it switches
 * it back in, where a selector can fail to load -- here FS and GS hold an
 * LDT selector and the guest then removes its LDT.  Those loads are done
 * with fault recovery (entry.S load_*_safe); the selectors that failed
 * arrive in the failsafe frame (DS, ES, FS, GS words), EIP is where the
 * guest was (just after its yield hypercall), and the guest continues.
 */
#include <test.h>
#include <traps.h>
#include <events.h>

static uint64_t ldt[512] __attribute__((aligned(4096)));
static volatile uint32_t resumed_at;

static long set_ldt(const void *base, uint32_t ents)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT };
    op.arg1.linear_addr = (uint32_t)base;
    op.arg2.nr_ents = ents;
    return hypercall4(__HYPERVISOR_mmuext_op, (long)&op, 1, 0, DOMID_SELF);
}

static void yield_until_switched(void)
{
    for (unsigned int i = 0; i < 1000; i++)
        sched_yield();              /* a switch out and back fails FS/GS */
}

void test_main(void)
{
    uint64_t e[3], pte;

    traps_init();
    ldt[0] = 0x00cff2000000ffffULL;                 /* flat data, DPL 3 */
    if (pt_walk((uint32_t)ldt, e) != 0) {
        test_error("cannot find the LDT page");
        return;
    }
    pte = e[2] & ~_PAGE_RW;
    CHECK_RC(HYPERVISOR_update_va_mapping((uint32_t)ldt, pte, UVMF_INVLPG), 0, "remap RO");
    CHECK_RC(set_ldt(ldt, 1), 0, "SET_LDT");
    asm volatile ("mov %0, %%fs; mov %0, %%gs" :: "r" (0x0007));
    CHECK_RC(set_ldt(NULL, 0), 0, "SET_LDT(0, 0)");  /* FS and GS now stale */

    bool hit = failsafe_try(yield_until_switched);
    CHECK(hit, "no failsafe callback after 1000 yields with stale FS/GS");
    if (hit) {
        CHECK(last_failsafe.fs == 0x0007 && last_failsafe.gs == 0x0007,
              "failsafe frame fs/gs %x/%x, expected 7/7", last_failsafe.fs, last_failsafe.gs);
        CHECK(last_failsafe.ds == FLAT_RING1_DS && last_failsafe.es == FLAT_RING1_DS,
              "failsafe frame ds/es %x/%x", last_failsafe.ds, last_failsafe.es);
        CHECK(last_failsafe.cs == FLAT_RING1_CS &&
              last_failsafe.eip == (uint32_t)hypercall_page + __HYPERVISOR_sched_op * 32 + 7,
              "failsafe frame cs:eip %x:%x, expected just after the yield", last_failsafe.cs,
              last_failsafe.eip);
    }
    CHECK_RC(HYPERVISOR_xen_version(XENVER_version, NULL), 0x00040002, "alive");
    test_success();
}
