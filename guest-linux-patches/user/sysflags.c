/*
 * sysflags: user space's EFLAGS across a system call, through each entry
 * the kernel offers -- the vDSO's __kernel_vsyscall (SYSENTER where the
 * CPU, or the hypervisor, provides it; what the C library calls) and
 * int $0x80.
 *
 *   sysflags      prints "sysflags: vdso: AC 0 CF 1; int80: AC 0 CF 1: ok"
 *                 and exits 0 if both entries gave the caller's flags back
 *
 * A system call returns with the caller's EFLAGS: CF, set before the call,
 * comes back set; AC, clear before, comes back clear.  Under a PV kernel
 * SYSENTER arrives as a callback from the hypervisor whose frame holds the
 * caller's EFLAGS; a kernel that records its own flags as the caller's
 * instead (Linux's native SYSENTER path does pushfl, which natively *are*
 * the caller's flags) hands user space the kernel's.  On Mica those have
 * AC set (ring 1 runs with EFLAGS.AC under SMAP, docs/traps.md), and with
 * CR0.AM set user space then runs with alignment checking: on real
 * hardware its first misaligned access is a SIGBUS (QEMU's TCG does not
 * check alignment, the flag is still visible).  Patch 0010.
 */
#include "user.h"

#define EFLAGS_CF 0x00000001u
#define EFLAGS_AC 0x00040000u

/* getppid() with CF set and AC clear just before the entry; EFLAGS after. */
static u32 after_vdso(void)
{
    long r;
    u32 f;
    __asm__ volatile("pushfl\n\t"
                     "andl $~0x40000, (%%esp)\n\t"
                     "popfl\n\t"
                     "stc\n\t"
                     "call *%2\n\t"
                     "pushfl\n\t"
                     "popl %1"
                     : "=a"(r), "=&r"(f)
                     : "m"(vdso_sysinfo), "0"(NR_getppid)
                     : "memory", "cc");
    (void)r;
    return f;
}

static u32 after_int80(void)
{
    long r;
    u32 f;
    __asm__ volatile("pushfl\n\t"
                     "andl $~0x40000, (%%esp)\n\t"
                     "popfl\n\t"
                     "stc\n\t"
                     "int $0x80\n\t"
                     "pushfl\n\t"
                     "popl %1"
                     : "=a"(r), "=&r"(f)
                     : "0"(NR_getppid)
                     : "memory", "cc");
    (void)r;
    return f;
}

static int show(const char *what, u32 f)
{
    out_str(what);
    out_str(": AC ");
    out_ulong((f & EFLAGS_AC) != 0);
    out_str(" CF ");
    out_ulong((f & EFLAGS_CF) != 0);
    return !(f & EFLAGS_AC) && (f & EFLAGS_CF);
}

int main(int argc, char **argv)
{
    int ok = 1;

    (void)argc, (void)argv;
    out_str("sysflags: ");
    if (vdso_sysinfo) {
        ok &= show("vdso", after_vdso());
        out_str("; ");
    }
    ok &= show("int80", after_int80());
    out_str(ok ? ": ok\n" : ": WRONG (the caller's flags were not given back)\n");
    return ok ? 0 : 1;
}
