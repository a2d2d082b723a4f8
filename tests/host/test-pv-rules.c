/*
 * The register-value rules of arch/x86/pv_rules.c, from the real source:
 * EFLAGS a guest may run with (iret hypercall, bounce frames), debug
 * register values (set_debugreg, MOV DR), and the I/O port decision.
 */
#include "htest.h"
#include <mica/errno.h>
#include <public/xen.h>
#include <asm/pv_rules.h>

HTEST(eflags_privileged_bits_cleared)
{
    uint32_t e = pv_sanitise_eflags(0xffffffff);
    CHECK_EQ(e & EFL_IOPL, 0);
    CHECK_EQ(e & EFL_NT, 0);
    CHECK_EQ(e & EFL_VM, 0);
    CHECK(e & EFL_IF);
    CHECK(e & EFL_RSVD1);
    CHECK_EQ(e & 0xffc00000u, 0);                   /* bits 22-31 */
    CHECK_EQ(e & ((1u << 3) | (1u << 5) | (1u << 15)), 0);
}

HTEST(eflags_guest_bits_kept)
{
    uint32_t keep[] = { EFL_CF, 0x4, 0x10, 0x40, 0x80, EFL_TF, EFL_DF, 0x800,
                        EFL_RF, EFL_AC, EFL_VIF, EFL_VIP, EFL_ID };
    for (unsigned int i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
        CHECK(pv_sanitise_eflags(keep[i]) & keep[i]);
    CHECK_EQ(pv_sanitise_eflags(0), EFL_RSVD1 | EFL_IF);  /* IF forced on */
}

HTEST(frame_eflags_if_is_event_enable)
{
    CHECK_EQ(pv_frame_eflags(0x202 | EFL_IOPL, false), 0x202);
    CHECK_EQ(pv_frame_eflags(0x202, true), 0x002);
    CHECK_EQ(pv_frame_eflags(0x002 | EFL_TF | EFL_AC, false), 0x202 | EFL_TF | EFL_AC);
}

HTEST(debugreg_addresses)
{
    uint32_t out;
    for (unsigned int r = 0; r < 4; r++) {
        CHECK_EQ(pv_check_debugreg(r, 0, false, &out), 0);
        CHECK_EQ(pv_check_debugreg(r, HYPERVISOR_VIRT_START - 4, false, &out), 0);
        CHECK_EQ(out, HYPERVISOR_VIRT_START - 4);
        CHECK_EQ(pv_check_debugreg(r, HYPERVISOR_VIRT_START - 3, false, &out), -EPERM);
        CHECK_EQ(pv_check_debugreg(r, HYPERVISOR_VIRT_START, false, &out), -EPERM);
        CHECK_EQ(pv_check_debugreg(r, 0xffffffff, false, &out), -EPERM);
    }
}

HTEST(debugreg_numbers)
{
    uint32_t out;
    /* 4 and 5 are mapped to 6 and 7 (or refused) by the caller. */
    CHECK_EQ(pv_check_debugreg(4, 0, false, &out), -EINVAL);
    CHECK_EQ(pv_check_debugreg(5, 0, false, &out), -EINVAL);
    CHECK_EQ(pv_check_debugreg(8, 0, false, &out), -EINVAL);
    CHECK_EQ(pv_check_debugreg(~0u, 0, false, &out), -EINVAL);
}

HTEST(dr6_fixed_bits)
{
    uint32_t out;
    CHECK_EQ(pv_check_debugreg(6, 0, false, &out), 0);
    CHECK_EQ(out, DR6_DEFAULT);
    CHECK_EQ(pv_check_debugreg(6, 0xffffffff, false, &out), 0);
    CHECK_EQ(out, DR6_DEFAULT | 0xe00f);
}

HTEST(dr7_rules)
{
    uint32_t out;
    CHECK_EQ(pv_check_debugreg(7, 0, false, &out), 0);
    CHECK_EQ(out, DR7_DEFAULT);
    /* L0, write watchpoint, 4 bytes */
    CHECK_EQ(pv_check_debugreg(7, 0x1 | (1u << 16) | (3u << 18), false, &out), 0);
    /* G3, read/write, 8 bytes */
    CHECK_EQ(pv_check_debugreg(7, 0x80 | (3u << 28) | (2u << 30), false, &out), 0);
    /* execution breakpoint, length 1, and (as Xen lets it) with a length */
    CHECK_EQ(pv_check_debugreg(7, 0x2, false, &out), 0);
    CHECK_EQ(pv_check_debugreg(7, 0x1 | (1u << 18), false, &out), 0);
    CHECK_EQ(pv_check_debugreg(7, 0x300, false, &out), 0);        /* LE, GE */
    CHECK_EQ(pv_check_debugreg(7, 1u << 13, false, &out), -EPERM); /* GD */
    /* Reserved bits are forced, as Xen does, not refused. */
    CHECK_EQ(pv_check_debugreg(7, 0xd800, false, &out), 0);
    CHECK_EQ(out, DR7_DEFAULT);
    /* I/O breakpoint: needs CR4.DE when enabled, ignored when not */
    CHECK_EQ(pv_check_debugreg(7, 0x4 | (2u << 20), false, &out), -EPERM);
    CHECK_EQ(pv_check_debugreg(7, (2u << 20), false, &out), 0);
    CHECK_EQ(pv_check_debugreg(7, 0x4 | (2u << 20), true, &out), 0);
    CHECK_EQ(pv_dr7_io_enables(out), 0x4);
    CHECK_EQ(pv_dr7_io_enables(0x4 | (1u << 20)), 0);
}

HTEST(io_breakpoints_hit_overlapping_ports)
{
    uint32_t dr[4] = { 0x80, 0x3f8, 0x70, 0x1000 };
    /* DR0 port 0x80 1 byte; DR1 0x3f8 4 bytes (LEN 3); DR2 disabled. */
    uint32_t dr7 = 0x1 | (2u << 16) | 0x4 | (2u << 20) | (3u << 22) | (2u << 24);

    CHECK_EQ(pv_io_breakpoint_hits(dr, dr7, 0x80, 1), 1);
    CHECK_EQ(pv_io_breakpoint_hits(dr, dr7, 0x7f, 2), 1);      /* 0x7f-0x80 */
    CHECK_EQ(pv_io_breakpoint_hits(dr, dr7, 0x7e, 2), 0);
    CHECK_EQ(pv_io_breakpoint_hits(dr, dr7, 0x3fb, 1), 2);
    CHECK_EQ(pv_io_breakpoint_hits(dr, dr7, 0x3fc, 1), 0);
    CHECK_EQ(pv_io_breakpoint_hits(dr, dr7, 0x70, 1), 0);      /* DR2 not enabled */
    CHECK_EQ(pv_io_breakpoint_hits(dr, dr7 & ~0x4u, 0x3f8, 4), 0);
}

/* Permission (IOPL or bitmap) but no I/O privilege, or a hypervisor port:
 * the access happens, reading all-ones, rather than faulting (Xen). */
HTEST(io_void_without_privilege)
{
    CHECK_EQ(pv_io_decide(1, 3, false, false, 0x80, 1, true, 0), PV_IO_VOID);
    CHECK_EQ(pv_io_decide(1, 1, false, false, 0x61, 1, false, 0xffff), PV_IO_VOID);
    CHECK_EQ(pv_io_decide(1, 3, true, true, 0x80, 1, true, 0), PV_IO_VOID);
    CHECK_EQ(pv_io_decide(1, 0, false, false, 0x80, 1, true, 0xfffe), PV_IO_VOID);
    /* without permission the fault comes first, privilege or not */
    CHECK_EQ(pv_io_decide(1, 0, false, false, 0x80, 1, false, 0), PV_IO_FAULT);
    CHECK_EQ(pv_io_decide(1, 0, true, true, 0x3f8, 1, true, 0x0001), PV_IO_FAULT);
}

HTEST(io_iopl)
{
    CHECK_EQ(pv_io_decide(1, 1, true, false, 0x80, 1, false, 0xffff), PV_IO_DIRECT);
    CHECK_EQ(pv_io_decide(1, 3, true, false, 0x80, 4, false, 0xffff), PV_IO_DIRECT);
    CHECK_EQ(pv_io_decide(1, 0, true, false, 0x80, 1, false, 0xffff), PV_IO_FAULT);
    CHECK_EQ(pv_io_decide(3, 1, true, false, 0x80, 1, false, 0xffff), PV_IO_FAULT);
    CHECK_EQ(pv_io_decide(3, 3, true, false, 0x80, 1, false, 0xffff), PV_IO_DIRECT);
    CHECK_EQ(pv_io_decide(3, 3, false, false, 0x80, 1, false, 0xffff), PV_IO_VOID);
}

HTEST(io_bitmap)
{
    /* port 0x83: bit 3 of the 16 starting at 0x80 */
    CHECK_EQ(pv_io_decide(1, 0, true, false, 0x83, 1, true, 0xfff7), PV_IO_DIRECT);
    CHECK_EQ(pv_io_decide(1, 0, true, false, 0x83, 1, true, 0x0008), PV_IO_FAULT);
    CHECK_EQ(pv_io_decide(1, 0, true, false, 0x83, 1, false, 0), PV_IO_FAULT);
    /* a dword at 0x86 needs bits 6..9: spans into the second byte */
    CHECK_EQ(pv_io_decide(1, 0, true, false, 0x86, 4, true, 0xfc3f), PV_IO_DIRECT);
    CHECK_EQ(pv_io_decide(1, 0, true, false, 0x86, 4, true, 0x0200), PV_IO_FAULT);
    CHECK_EQ(pv_io_decide(1, 0, true, false, 0x86, 4, true, 0x0040), PV_IO_FAULT);
}

HTEST(io_bad_sizes_and_ranges)
{
    CHECK_EQ(pv_io_decide(1, 3, true, false, 0x80, 3, true, 0), PV_IO_FAULT);
    CHECK_EQ(pv_io_decide(1, 3, true, false, 0x80, 0, true, 0), PV_IO_FAULT);
    /* a word at 0xffff would wrap: it never reaches the hardware */
    CHECK_EQ(pv_io_decide(1, 3, true, false, 0xffff, 2, true, 0), PV_IO_VOID);
    CHECK_EQ(pv_io_decide(1, 3, true, false, 0xffff, 1, true, 0), PV_IO_DIRECT);
}
