/*
 * ioport: port I/O with Xen's semantics, in the initial domain and in an
 * unprivileged one (privileged=0|1 on the command line).
 *
 * The guest always runs with the real IOPL at 0, so every IN/OUT faults
 * and the hypervisor decides (physdev.c) in two steps.  Whether the guest
 * may try at all is its own setting: the vCPU's virtual IOPL
 * (PHYSDEVOP_set_iopl) admits its ring, or its I/O bitmap
 * (PHYSDEVOP_set_iobitmap, bit clear = allowed) covers the port; if not,
 * #GP(0).  Whether the access reaches the hardware is the domain's: only
 * a domain with I/O privilege (the initial domain), and never for a port
 * the hypervisor drives itself.  An access the guest may try but not
 * reach reads all-ones and its write is dropped (Linux raises its IOPL to
 * 1 in every domain and probes the PIT: it must not fault).
 *
 * Checked: #GP without permission; IOPL 1 opens ports to ring 1 but not
 * ring 3, IOPL 3 to both; the hypervisor's ports (COM1 0x3f8, PIC 0x20,
 * PIT, its gate 0x61, the RTC, PCI config 0xcf8, QEMU's debug-exit 0xf4)
 * read all-ones and swallow writes whatever the IOPL (a write to 0xf4
 * that got through would end QEMU; one to COM1 would print the marker the
 * test list forbids); in an unprivileged domain every port does, QEMU's
 * port 0x92 (which reads 0-3 for real) included; 8-bit IN keeps EAX's
 * upper bits; 16/32-bit and DX forms; REP INSB / OUTSB from ring 1
 * (all-ones stored when void) and refused from ring 3; the I/O bitmap per
 * port and beyond nr_ports; set_iopl/set_iobitmap argument errors and the
 * physdev_op_compat form (every command forwarded).  Port 0x80 (POST
 * codes) is the harmless guinea pig.
 */
#include <test.h>
#include <traps.h>
#include <public/physdev.h>

static bool faults;

static uint32_t in8(uint16_t port, uint32_t eax)
{
    exc_clear();
    asm volatile (PROBE_PRE "inb %%dx, %%al" PROBE_POST : "+a" (eax) : "d" (port) : "memory");
    faults = last_exc.count != 0;
    return eax;
}

static bool out8_ok(uint16_t port, uint8_t val)
{
    exc_clear();
    asm volatile (PROBE_PRE "outb %%al, %%dx" PROBE_POST :: "a" (val), "d" (port) : "memory");
    return last_exc.count == 0;
}

static uint32_t u_in80(void)
{
    exc_clear();
    asm volatile (PROBE_PRE "inb $0x80, %%al" PROBE_POST ::: "eax", "memory");
    return last_exc.count;
}

static uint8_t strbuf[8];
static uint32_t u_rep_ins(void)
{
    exc_clear();
    asm volatile ("cld\n\t" PROBE_PRE "rep insb" PROBE_POST
                  :: "D" (strbuf), "c" (2), "d" (0x80) : "memory");
    return last_exc.count;
}

static long set_iopl(uint32_t iopl)
{
    struct physdev_set_iopl p = { iopl };
    return HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &p);
}

static long set_bitmap(const void *bm, uint32_t nr)
{
    struct physdev_set_iobitmap p = { (uint32_t)bm, nr };
    return HYPERVISOR_physdev_op(PHYSDEVOP_set_iobitmap, &p);
}

void test_main(void)
{
    static uint8_t bitmap[8192];
    static const uint16_t hv_ports[] = { 0x3f8, 0x3fd, 0x20, 0xa1, 0x40, 0x42, 0x61, 0x70,
                                         0x71, 0xcf8, 0xcfc, 0xf4 };
    static const char marker[] = "IO-LEAKED-TO-COM1";
    const char *arg = cmdline_value((const char *)start_info->cmd_line, "privileged");
    bool priv = !arg || *arg != '0';
    uint32_t edi, ecx, v;

    traps_init();
    user_map_image();
    CHECK(priv == !!(start_info->flags & SIF_PRIVILEGED), "privileged=%d but flags 0x%x",
          priv, start_info->flags);

    in8(0x80, 0);
    CHECK(faults && last_exc.vector == 13 && last_exc.error == 0,
          "in from 0x80 without permission: %s", exc_str());
    CHECK(!out8_ok(0x80, 0), "out to 0x80 without permission");
    in8(0x3f8, 0);
    CHECK(faults, "COM1 without permission: no #GP");

    CHECK_RC(set_iopl(1), 0, "set_iopl(1)");
    v = in8(0x80, 0x12345600);
    CHECK(!faults, "in with IOPL 1: %s", exc_str());
    CHECK((v & 0xffffff00) == 0x12345600, "8-bit in changed EAX's upper bits: 0x%x", v);
    CHECK(out8_ok(0x80, 0), "out with IOPL 1: %s", exc_str());
    v = in8(0x92, 0xabcdef00);
    CHECK(!faults, "in from 0x92: %s", exc_str());
    if (priv)
        CHECK(v >= 0xabcdef00 && v <= 0xabcdef03, "port 0x92 read 0x%x, not the hardware's", v);
    else
        CHECK(v == 0xabcdefff, "port 0x92 read 0x%x in an unprivileged domain", v);
    exc_clear();
    v = 0x5a5a0000;
    asm volatile (PROBE_PRE "inw $0x80, %%ax" PROBE_POST : "+a" (v) :: "memory");
    CHECK(last_exc.count == 0, "16-bit in: %s", exc_str());
    CHECK(priv || v == 0x5a5affff, "16-bit void in: 0x%x", v);
    exc_clear();
    v = 0;
    asm volatile (PROBE_PRE "inl $0x80, %%eax\n\toutw %%ax, $0x80" PROBE_POST
                  : "+a" (v) :: "memory");
    CHECK(last_exc.count == 0, "32-bit in / 16-bit out: %s", exc_str());
    CHECK(priv || v == 0xffffffff, "32-bit void in: 0x%x", v);
    for (unsigned int i = 0; i < ARRAY_SIZE(hv_ports); i++) {
        v = in8(hv_ports[i], 0x100);
        CHECK(!faults && v == 0x1ff, "hypervisor port 0x%x with IOPL 1: %s, read 0x%x",
              hv_ports[i], exc_str(), v);
    }
    exc_clear();
    v = 0;
    asm volatile (PROBE_PRE "inl %%dx, %%eax" PROBE_POST : "+a" (v) : "d" (0xcfc) : "memory");
    CHECK(last_exc.count == 0 && v == 0xffffffff, "32-bit in from PCI data: %s, 0x%x",
          exc_str(), v);
    /* Writes to the hypervisor's ports go nowhere: not to COM1 (the test
     * list forbids the marker in the log), not to the debug-exit port. */
    for (unsigned int i = 0; marker[i]; i++)
        CHECK(out8_ok(0x3f8, (uint8_t)marker[i]), "out to COM1: %s", exc_str());
    CHECK(out8_ok(0xf4, 0x55), "out to the debug-exit port: %s", exc_str());
    CHECK(out8_ok(0x61, 0x03), "out to the PIT gate: %s", exc_str());
    CHECK(exec_user(u_in80) == 1, "ring-3 in with IOPL 1 not refused");

    /* String I/O from ring 1. */
    memset(strbuf, 0x11, sizeof(strbuf));
    exc_clear();
    asm volatile ("cld\n\t" PROBE_PRE "rep insb" PROBE_POST
                  : "=D" (edi), "=c" (ecx) : "0" (strbuf), "1" (3), "d" (0x80) : "memory");
    CHECK(last_exc.count == 0 && ecx == 0 && edi == (uint32_t)strbuf + 3,
          "rep insb: %s, ecx %u, edi advanced %d", exc_str(), ecx, (int)(edi - (uint32_t)strbuf));
    CHECK(priv || (strbuf[0] == 0xff && strbuf[2] == 0xff), "void rep insb stored 0x%x",
          strbuf[0]);
    CHECK(strbuf[3] == 0x11, "rep insb wrote past its count");
    memset(strbuf, 0x11, sizeof(strbuf));
    exc_clear();
    asm volatile ("cld\n\t" PROBE_PRE "rep insb" PROBE_POST
                  : "=D" (edi), "=c" (ecx) : "0" (strbuf), "1" (2), "d" (0x3f8) : "memory");
    CHECK(last_exc.count == 0 && strbuf[0] == 0xff && strbuf[1] == 0xff && strbuf[2] == 0x11,
          "rep insb from COM1: %s, 0x%x", exc_str(), strbuf[0]);
    exc_clear();
    asm volatile ("cld\n\t" PROBE_PRE "rep outsb" PROBE_POST
                  : "=S" (edi), "=c" (ecx) : "0" (strbuf), "1" (3), "d" (0x80) : "memory");
    CHECK(last_exc.count == 0 && ecx == 0, "rep outsb: %s", exc_str());
    exc_clear();
    asm volatile ("cld\n\t" PROBE_PRE "rep outsb" PROBE_POST
                  : "=S" (edi), "=c" (ecx) : "0" (marker), "1" (sizeof(marker) - 1), "d" (0x3f8) : "memory");
    CHECK(last_exc.count == 0 && ecx == 0, "rep outsb to COM1: %s", exc_str());

    CHECK_RC(set_iopl(3), 0, "set_iopl(3)");
    CHECK(exec_user(u_in80) == 0, "ring-3 in with IOPL 3: %s", exc_str());
    CHECK(exec_user(u_rep_ins) == 1, "ring-3 rep insb was emulated");
    v = in8(0x3f8, 0);
    CHECK(!faults && v == 0xff, "COM1 with IOPL 3: %s, 0x%x", exc_str(), v);

    /* The I/O bitmap, with IOPL 0. */
    CHECK_RC(set_iopl(0), 0, "set_iopl(0)");
    memset(bitmap, 0xff, sizeof(bitmap));
    bitmap[0x80 / 8] &= ~1;                     /* allow 0x80 only */
    CHECK_RC(set_bitmap(bitmap, 0x100), 0, "set_iobitmap");
    in8(0x80, 0);
    CHECK(!faults, "port 0x80 allowed by the bitmap: %s", exc_str());
    in8(0x81, 0);
    CHECK(faults, "port 0x81 denied by the bitmap, yet no #GP");
    CHECK(exec_user(u_in80) == 0, "ring-3 in allowed by the bitmap: %s", exc_str());
    CHECK_RC(set_bitmap(bitmap, 0x80), 0, "set_iobitmap (0x80 ports)");
    in8(0x80, 0);
    CHECK(faults, "port 0x80 beyond nr_ports, yet no #GP");
    bitmap[0x3f8 / 8] = 0;
    CHECK_RC(set_bitmap(bitmap, 0x10000), 0, "set_iobitmap (all)");
    v = in8(0x3fd, 0);
    CHECK(!faults && v == 0xff, "COM1 through the bitmap: %s, 0x%x", exc_str(), v);
    in8(0x3f7, 0);
    CHECK(faults, "port 0x3f7 denied by the bitmap, yet no #GP");

    CHECK_RC(set_bitmap(bitmap, 0x10001), -XEN_EINVAL, "nr_ports 65537");
    CHECK_RC(set_bitmap((void *)HYPERVISOR_VIRT_START, 8), -XEN_EFAULT, "bitmap in the hole");
    CHECK_RC(set_bitmap(NULL, 0), 0, "bitmap off");
    in8(0x80, 0);
    CHECK(faults, "port 0x80 readable after the bitmap was removed");
    CHECK_RC(set_iopl(4), -XEN_EINVAL, "set_iopl(4)");
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, (void *)HYPERVISOR_VIRT_START),
             -XEN_EFAULT, "set_iopl from the hole");
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_eoi, NULL), -XEN_EFAULT, "physdev eoi NULL");

    struct physdev_op op = { .cmd = PHYSDEVOP_set_iopl, .u.set_iopl = { 1 } };
    CHECK_RC(hypercall1(__HYPERVISOR_physdev_op_compat, (long)&op), 0, "compat set_iopl");
    in8(0x80, 0);
    CHECK(!faults, "in after compat set_iopl(1): %s", exc_str());
    /* Every command is forwarded: map_pirq for domid 1 (the union's first
     * word) -- none in the initial domain's test, itself in d1's. */
    op.cmd = PHYSDEVOP_map_pirq;
    CHECK_RC(hypercall1(__HYPERVISOR_physdev_op_compat, (long)&op),
             priv ? -XEN_ESRCH : -XEN_EPERM, "compat map_pirq");
    CHECK_RC(hypercall1(__HYPERVISOR_physdev_op_compat, 0), -XEN_EFAULT, "compat NULL");
    set_iopl(0);
    test_success();
}
