/*
 * debugreg: set_debugreg/get_debugreg, and the guest's breakpoints firing.
 *
 * Values are checked as Xen checks them (fact sheet §16; pv_rules.c):
 * DR0-3 must lie below the hole; DR7 may not set general detect, its
 * reserved bits are forced, an I/O breakpoint needs CR4.DE (debugreg-io
 * has the rest); DR4/5 are DR6/7 (CR4.DE clear) and numbers above 7 do
 * not exist.  Accepted values read back and are live in the hardware
 * while the guest runs:
 *   - a write watchpoint on a variable raises #DB after the write, with
 *     DR6.B0 set (and DR6 sticky until the guest clears it);
 *   - an instruction breakpoint raises #DB at the instruction (the handler
 *     sets RF in the frame to step over it);
 *   - a watchpoint on a buffer the hypervisor itself writes (xen_version
 *     into it) is not the guest's business: the hypercall completes and
 *     the hypervisor carries on;
 *   - a watchpoint on the kernel stack where the hypervisor writes the
 *     bounce frame of a #DB: the nested #DB (hypervisor context) is
 *     ignored and the guest gets the first one, intact.
 */
#include <test.h>
#include <traps.h>

static volatile uint32_t watched;
static char extra[XEN_EXTRAVERSION_LEN] __attribute__((aligned(16)));

static bool step_over(struct exc_frame *f)
{
    f->eflags |= 0x10000;               /* RF: do not re-trigger */
    return true;                        /* resume at the instruction */
}

void test_main(void)
{
    traps_init();

    /* Validation. */
    CHECK_RC(HYPERVISOR_set_debugreg(0, 0x1000), 0, "dr0 0x1000");
    CHECK_RC(HYPERVISOR_get_debugreg(0), 0x1000, "read dr0");
    CHECK_RC(HYPERVISOR_set_debugreg(3, HYPERVISOR_VIRT_START - 4), 0, "dr3 below the hole");
    CHECK_RC(HYPERVISOR_set_debugreg(3, HYPERVISOR_VIRT_START), -XEN_EPERM, "dr3 hole");
    CHECK_RC(HYPERVISOR_set_debugreg(2, 0xfffffffc), -XEN_EPERM, "dr2 top");
    CHECK_RC(HYPERVISOR_get_debugreg(3), HYPERVISOR_VIRT_START - 4, "dr3 unchanged");
    CHECK_RC(HYPERVISOR_set_debugreg(7, 1u << 13), -XEN_EPERM, "dr7 GD");
    CHECK_RC(HYPERVISOR_set_debugreg(7, 1u << 12), 0, "dr7 reserved bit (forced to 0)");
    CHECK_RC(HYPERVISOR_get_debugreg(7) & 0xffff, 0x400, "dr7 reserved bits forced");
    CHECK_RC(HYPERVISOR_set_debugreg(7, 0x1 | (2u << 16)), -XEN_EPERM, "dr7 I/O breakpoint");
    CHECK_RC(HYPERVISOR_set_debugreg(4, 0), 0, "dr4 (= dr6)");
    CHECK_RC(HYPERVISOR_set_debugreg(8, 0), -XEN_EINVAL, "dr8");
    CHECK_RC(HYPERVISOR_get_debugreg(5), HYPERVISOR_get_debugreg(7), "get dr5 (= dr7)");
    CHECK_RC(HYPERVISOR_get_debugreg(9), -XEN_EINVAL, "get dr9");
    CHECK_RC(HYPERVISOR_get_debugreg(7) & 0xffff, 0x400, "dr7 at rest");

    /* A write watchpoint. */
    HYPERVISOR_set_debugreg(6, 0);
    CHECK_RC(HYPERVISOR_set_debugreg(0, (uint32_t)&watched), 0, "dr0 = &watched");
    CHECK_RC(HYPERVISOR_set_debugreg(7, 0x1 | (1u << 16) | (3u << 18)), 0, "dr7 L0 write 4");
    exc_clear();
    asm volatile (PROBE_PRE "movl $5, %0" PROBE_POST : "=m" (watched) :: "memory");
    CHECK(last_exc.vector == 1 && last_exc.eip == probe_next,
          "write watchpoint: got %s, expected #DB after the write", exc_str());
    CHECK(HYPERVISOR_get_debugreg(6) & 1, "DR6.B0 not set: 0x%lx", HYPERVISOR_get_debugreg(6));
    exc_clear();
    (void)watched;                      /* reads do not trigger a write watch */
    CHECK(last_exc.count == 0, "read triggered a write watchpoint");
    CHECK(HYPERVISOR_get_debugreg(6) & 1, "DR6.B0 not sticky");
    HYPERVISOR_set_debugreg(6, 0);
    CHECK(!(HYPERVISOR_get_debugreg(6) & 1), "DR6 not cleared by the guest");

    /* The hypervisor writing a watched buffer on the guest's behalf. */
    CHECK_RC(HYPERVISOR_set_debugreg(0, (uint32_t)extra), 0, "dr0 = extra");
    exc_clear();
    CHECK_RC(HYPERVISOR_xen_version(XENVER_extraversion, extra), 0, "xen_version");
    CHECK(extra[0] == '-', "extraversion \"%s\"", extra);
    CHECK(last_exc.count == 0, "a watchpoint hit by the hypervisor reached the guest: %s",
          exc_str());

    /* An instruction breakpoint. */
    uint32_t target;
    asm volatile ("movl $1f, %0\n\tjmp 2f\n1: nop\n\tret\n2:" : "=r" (target));
    CHECK_RC(HYPERVISOR_set_debugreg(1, target), 0, "dr1 = code");
    CHECK_RC(HYPERVISOR_set_debugreg(7, 0x4), 0, "dr7 L1 execute");
    exc_hook[1] = step_over;
    exc_clear();
    asm volatile ("call *%0" :: "r" (target) : "memory");
    exc_hook[1] = NULL;
    CHECK(last_exc.count == 1 && last_exc.vector == 1 && last_exc.eip == target,
          "instruction breakpoint: got %s (count %u), expected #DB at 0x%x", exc_str(),
          last_exc.count, target);
    CHECK(HYPERVISOR_get_debugreg(6) & 2, "DR6.B1 not set: 0x%lx", HYPERVISOR_get_debugreg(6));
    HYPERVISOR_set_debugreg(7, 0);

    /*
     * A #DB whose delivery raises another: the bounce frame of a watchpoint
     * hit lands on a kernel stack the guest also watches (a stack of its
     * own here, so that nothing but that frame writes the watched words).
     * The first #DB is taken on the #DB stack (IST) and must have left it
     * before the bounce writes, or the second would overwrite the first's
     * frame there.
     */
    static uint32_t alt_stack[1024] __attribute__((aligned(16)));
    uint32_t top = (uint32_t)&alt_stack[1024];
    HYPERVISOR_set_debugreg(6, 0);
    CHECK_RC(HYPERVISOR_set_debugreg(0, (uint32_t)&watched), 0, "dr0 = &watched");
    /* The frame's CS word (EIP below it, EFLAGS above): the runtime's
     * handler rewrites EIP and EFLAGS itself, never CS. */
    CHECK_RC(HYPERVISOR_set_debugreg(1, top - 8), 0, "dr1 = the frame's CS word");
    CHECK_RC(HYPERVISOR_set_debugreg(7, 0x5 | (1u << 16) | (3u << 18) | (1u << 20) |
                                        (3u << 22)), 0, "dr7: 2 write watches");
    exc_clear();
    asm volatile ("mov %%esp, %%ebx\n\tmov %1, %%esp\n\t"
                  PROBE_PRE "movl $6, %0" PROBE_POST
                  "mov %%ebx, %%esp" : "=m" (watched) : "r" (top) : "ebx", "memory");
    HYPERVISOR_set_debugreg(7, 0);
    CHECK(last_exc.count == 1 && last_exc.vector == 1 && last_exc.eip == probe_next,
          "#DB raised while delivering a #DB: got %s (count %u)", exc_str(), last_exc.count);
    CHECK(watched == 6, "watched = %u", watched);
    test_success();
}
