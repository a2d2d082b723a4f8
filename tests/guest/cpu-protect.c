/*
 * cpu-protect: SMEP and SMAP are on in the hypervisor (QEMU's -cpu max has
 * both; hv-smep-smap checks the hypervisor's own side), and a 32-bit PV
 * kernel in ring 1 -- which the CPU counts as supervisor -- still sees a
 * CPU without them, as on Xen (arch/x86/cpu_protect.c):
 *
 *   - the kernel reads and writes a user page (it is entered with
 *     EFLAGS.AC set), also after clearing AC itself (the hypervisor sets
 *     it again on the fault and re-runs the access: no #PF reaches us);
 *   - a hypercall whose buffer is on a user page works (the hypervisor's
 *     copies allow user pages, nothing else of it does);
 *   - a genuine fault on a user page (a write to a read-only one) still
 *     reaches the kernel, with AC clear or set;
 *   - the kernel runs code in a user page: the first fetch faults on SMEP,
 *     the hypervisor turns SMEP off for this domain (logged) and re-runs
 *     it, and it returns normally.
 */
#include <pt.h>
#include <traps.h>

#define AC 0x40000u

static uint32_t flags(void)
{
    uint32_t f;
    asm volatile ("pushf; pop %0" : "=r" (f));
    return f;
}

static void set_ac(bool on)
{
    asm volatile ("pushf; andl %0, (%%esp); orl %1, (%%esp); popf"
                  :: "ir" (~AC), "r" (on ? AC : 0u) : "cc", "memory");
}

void test_main(void)
{
    uint32_t f = spare_frame();
    volatile uint32_t *u = scratch_map(2, f, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
                                              _PAGE_ACCESSED | _PAGE_DIRTY);
    char ver[XEN_EXTRAVERSION_LEN];
    uint32_t v;

    traps_init();
    /* Under SMAP (the suite's -cpu max) AC is set; the harness checks the line. */
    printf("kernel entered with EFLAGS.AC %s\n", (flags() & AC) ? "set" : "clear");

    /* Data accesses to a user page, AC as we were given it, then cleared. */
    exc_clear();
    u[0] = 0x1234;
    CHECK(u[0] == 0x1234 && last_exc.count == 0, "user page, AC as entered: %s", exc_str());
    set_ac(false);
    u[1] = 0x5678;                       /* SMAP would refuse: re-run with AC */
    v = u[1];
    set_ac(true);
    CHECK(v == 0x5678 && last_exc.count == 0, "user page with AC cleared: %s", exc_str());

    /* A hypercall writing into a user page. */
    CHECK_RC(HYPERVISOR_xen_version(XENVER_extraversion, (void *)&u[16]), 0,
             "xen_version into a user page");
    memcpy(ver, (const void *)&u[16], sizeof(ver));
    CHECK(ver[0] == '-', "extraversion \"%s\"", ver);

    /* Genuine faults stay the kernel's, AC clear or set. */
    volatile uint32_t *ro = scratch_map(3, f, _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED);
    for (unsigned int ac = 0; ac < 2; ac++) {
        set_ac(ac);
        exc_clear();
        asm volatile (PROBE_PRE "movl $1, %0" PROBE_POST : "=m" (ro[2]) :: "memory");
        set_ac(true);
        CHECK(last_exc.count == 1 && last_exc.vector == 14 && (last_exc.error & 7) == 3 &&
              last_exc.eip == probe_fault,
              "kernel write to a read-only user page (AC %u): %s", ac, exc_str());
    }
    scratch_restore(3);

    /* Code in a user page, run from ring 1: mov $42, %eax; ret */
    static const uint8_t code[] = { 0xb8, 42, 0, 0, 0, 0xc3 };
    memcpy((void *)&u[256], code, sizeof(code));
    exc_clear();
    v = ((uint32_t (*)(void))&u[256])();
    CHECK(v == 42 && last_exc.count == 0, "running a user page from ring 1: %u, %s", v,
          exc_str());
    scratch_restore(2);
    test_success();
}
