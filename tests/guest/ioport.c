/*
 * ioport: port I/O only where the guest was granted it.
 *
 * The guest always runs with the real IOPL at 0, so every IN/OUT faults
 * and the hypervisor decides (physdev.c): the domain must hold I/O
 * privilege (the initial domain does) for a port the hypervisor does not
 * drive itself, and the vCPU's virtual IOPL (PHYSDEVOP_set_iopl) must
 * admit its ring, or its I/O bitmap (PHYSDEVOP_set_iobitmap, bit clear =
 * allowed) must cover the port.  Otherwise the guest gets #GP(0).
 *
 * Checked: no permission at first; IOPL 1 opens ports to ring 1 but not
 * ring 3, IOPL 3 to both; the hypervisor's ports (COM1 0x3f8, PIC 0x20,
 * PCI config 0xcf8, QEMU's debug-exit 0xf4) stay shut whatever the IOPL;
 * 8-bit IN keeps EAX's upper bits; 16/32-bit and DX forms; REP INSB /
 * OUTSB from ring 1 and refused from ring 3; the I/O bitmap per port and
 * beyond nr_ports; set_iopl/set_iobitmap argument errors and the
 * physdev_op_compat form.  Port 0x80 (POST codes) is the harmless guinea
 * pig.
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

static bool out8_ok(uint16_t port)
{
    exc_clear();
    asm volatile (PROBE_PRE "outb %%al, %%dx" PROBE_POST :: "a" (0), "d" (port) : "memory");
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
    static const uint16_t hv_ports[] = { 0x3f8, 0x3fd, 0x20, 0xa1, 0x40, 0xcf8, 0xcfc, 0xf4 };
    uint32_t edi, ecx, v;

    traps_init();
    user_map_image();

    in8(0x80, 0);
    CHECK(faults && last_exc.vector == 13 && last_exc.error == 0,
          "in from 0x80 without permission: %s", exc_str());
    CHECK(!out8_ok(0x80), "out to 0x80 without permission");

    CHECK_RC(set_iopl(1), 0, "set_iopl(1)");
    v = in8(0x80, 0x12345600);
    CHECK(!faults, "in with IOPL 1: %s", exc_str());
    CHECK((v & 0xffffff00) == 0x12345600, "8-bit in changed EAX's upper bits: 0x%x", v);
    CHECK(out8_ok(0x80), "out with IOPL 1: %s", exc_str());
    exc_clear();
    asm volatile (PROBE_PRE "inw $0x80, %%ax\n\tinl $0x80, %%eax\n\toutw %%ax, $0x80"
                  PROBE_POST ::: "eax", "memory");
    CHECK(last_exc.count == 0, "16/32-bit in/out: %s", exc_str());
    for (unsigned int i = 0; i < ARRAY_SIZE(hv_ports); i++) {
        in8(hv_ports[i], 0);
        CHECK(faults, "hypervisor port 0x%x readable with IOPL 1", hv_ports[i]);
    }
    CHECK(exec_user(u_in80) == 1, "ring-3 in with IOPL 1 not refused");

    /* String I/O from ring 1. */
    exc_clear();
    asm volatile ("cld\n\t" PROBE_PRE "rep insb" PROBE_POST
                  : "=D" (edi), "=c" (ecx) : "0" (strbuf), "1" (3), "d" (0x80) : "memory");
    CHECK(last_exc.count == 0 && ecx == 0 && edi == (uint32_t)strbuf + 3,
          "rep insb: %s, ecx %u, edi advanced %d", exc_str(), ecx, (int)(edi - (uint32_t)strbuf));
    exc_clear();
    asm volatile ("cld\n\t" PROBE_PRE "rep outsb" PROBE_POST
                  : "=S" (edi), "=c" (ecx) : "0" (strbuf), "1" (3), "d" (0x80) : "memory");
    CHECK(last_exc.count == 0 && ecx == 0, "rep outsb: %s", exc_str());

    CHECK_RC(set_iopl(3), 0, "set_iopl(3)");
    CHECK(exec_user(u_in80) == 0, "ring-3 in with IOPL 3: %s", exc_str());
    CHECK(exec_user(u_rep_ins) == 1, "ring-3 rep insb was emulated");
    in8(0x3f8, 0);
    CHECK(faults, "COM1 readable with IOPL 3");

    /* The I/O bitmap, with IOPL 0. */
    CHECK_RC(set_iopl(0), 0, "set_iopl(0)");
    memset(bitmap, 0xff, sizeof(bitmap));
    bitmap[0x80 / 8] &= ~1;                     /* allow 0x80 only */
    CHECK_RC(set_bitmap(bitmap, 0x100), 0, "set_iobitmap");
    in8(0x80, 0);
    CHECK(!faults, "port 0x80 allowed by the bitmap: %s", exc_str());
    in8(0x81, 0);
    CHECK(faults, "port 0x81 denied by the bitmap, yet readable");
    CHECK(exec_user(u_in80) == 0, "ring-3 in allowed by the bitmap: %s", exc_str());
    CHECK_RC(set_bitmap(bitmap, 0x80), 0, "set_iobitmap (0x80 ports)");
    in8(0x80, 0);
    CHECK(faults, "port 0x80 beyond nr_ports, yet readable");
    bitmap[0x3f8 / 8] = 0;
    CHECK_RC(set_bitmap(bitmap, 0x10000), 0, "set_iobitmap (all)");
    in8(0x3f8, 0);
    CHECK(faults, "COM1 readable through the bitmap");

    CHECK_RC(set_bitmap(bitmap, 0x10001), -XEN_EINVAL, "nr_ports 65537");
    CHECK_RC(set_bitmap((void *)HYPERVISOR_VIRT_START, 8), -XEN_EFAULT, "bitmap in the hole");
    CHECK_RC(set_bitmap(NULL, 0), 0, "bitmap off");
    in8(0x80, 0);
    CHECK(faults, "port 0x80 readable after the bitmap was removed");
    CHECK_RC(set_iopl(4), -XEN_EINVAL, "set_iopl(4)");
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, (void *)HYPERVISOR_VIRT_START),
             -XEN_EFAULT, "set_iopl from the hole");
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_eoi, NULL), -XEN_ENOSYS, "physdev eoi");

    struct physdev_op op = { .cmd = PHYSDEVOP_set_iopl, .u.set_iopl = { 1 } };
    CHECK_RC(hypercall1(__HYPERVISOR_physdev_op_compat, (long)&op), 0, "compat set_iopl");
    in8(0x80, 0);
    CHECK(!faults, "in after compat set_iopl(1): %s", exc_str());
    op.cmd = PHYSDEVOP_map_pirq;
    CHECK_RC(hypercall1(__HYPERVISOR_physdev_op_compat, (long)&op), -XEN_ENOSYS,
             "compat map_pirq");
    CHECK_RC(hypercall1(__HYPERVISOR_physdev_op_compat, 0), -XEN_EFAULT, "compat NULL");
    set_iopl(0);
    test_success();
}
