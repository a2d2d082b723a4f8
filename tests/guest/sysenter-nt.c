/*
 * sysenter-nt: SYSENTER and SYSCALL, with and without EFLAGS.NT, from the
 * guest kernel and from user space (XSA-44 and XSA-339 class).
 *
 * Background: SYSENTER does not clear NT.  A 64-bit Xen entered through it
 * with a guest's NT still set later executed IRET with NT=1 and took #GP
 * in the hypervisor (XSA-44); its fix delivered the resulting #GP to 32-bit
 * guests twice, the second one in kernel mode (XSA-339).  This guest
 * registers no sysenter or syscall32 callback, so Mica leaves SYSENTER and
 * SYSCALL disabled for it (IA32_SYSENTER_CS = 0, EFER.SCE = 0: fastcall.c)
 * and SYSENTER raises #GP(0) and SYSCALL #UD in the guest, through an
 * interrupt gate that clears NT before the hypervisor runs.  Each must
 * arrive exactly once, at the instruction, from the ring that executed it
 * -- and the hypervisor must go on working (a hypercall afterwards).
 */
#include <test.h>
#include <traps.h>

#define NT_ON  "pushf\n\torl $0x4000, (%%esp)\n\tpopf\n\t"
#define NT_OFF "pushf\n\tandl $~0x4000, (%%esp)\n\tpopf\n\t"

static uint32_t do_sysenter_nt(void)
{
    exc_clear();
    asm volatile (NT_ON PROBE_PRE "sysenter" PROBE_POST NT_OFF ::: "ecx", "edx", "cc", "memory");
    return last_exc.count;
}
static uint32_t do_sysenter(void)
{
    exc_clear();
    asm volatile (PROBE_PRE "sysenter" PROBE_POST ::: "ecx", "edx", "memory");
    return last_exc.count;
}
static uint32_t do_syscall_nt(void)
{
    exc_clear();
    asm volatile (NT_ON PROBE_PRE "syscall" PROBE_POST NT_OFF ::: "ecx", "cc", "memory");
    return last_exc.count;
}

static void expect(const char *what, uint32_t count, unsigned int vec, bool user)
{
    CHECK(count == 1, "%s: %u exceptions, expected exactly one", what, count);
    CHECK(last_exc.vector == vec && last_exc.eip == probe_fault &&
          (vec != 13 || last_exc.error == 0),
          "%s: got %s, expected vector %u at the instruction", what, exc_str(), vec);
    CHECK(last_exc.from_user == user && (last_exc.cs & 3) == (user ? 3u : 1u),
          "%s: delivered from cs 0x%x", what, last_exc.cs);
}

void test_main(void)
{
    traps_init();
    user_map_image();

    expect("sysenter, ring 1", do_sysenter(), 13, false);
    expect("sysenter with NT, ring 1", do_sysenter_nt(), 13, false);
    CHECK(last_exc.eflags & 0x4000, "the frame lost the guest's NT (eflags 0x%x)",
          last_exc.eflags);
    expect("syscall with NT, ring 1", do_syscall_nt(), 6, false);
    expect("sysenter, ring 3", exec_user(do_sysenter), 13, true);
    expect("sysenter with NT, ring 3", exec_user(do_sysenter_nt), 13, true);
    expect("syscall with NT, ring 3", exec_user(do_syscall_nt), 6, true);
    CHECK_RC(HYPERVISOR_xen_version(XENVER_version, NULL), 0x00040002, "xen_version after");
    test_success();
}
