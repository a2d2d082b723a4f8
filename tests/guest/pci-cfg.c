/*
 * pci-cfg: PCI configuration mechanism 1 as the hypervisor emulates it
 * (arch/x86/pci_cfg.c, docs/devices.md).  QEMU gives an edu device at
 * 00:05.0 (MSI capability) and a virtio-rng at 00:06.0 (MSI-X).
 *
 * The initial domain (privileged=1): its CONFIG_ADDRESS latch is its own
 * (any value reads back, reserved bits included) and touches nothing; with
 * the enable bit clear data reads are all-ones; byte, word, dword and REP
 * INSL reads of the i440FX host bridge's IDs; every access to 0xcf8-0xcfb
 * that is not a dword at 0xcf8 is void -- a byte OUT of 6 to 0xcf9 (the
 * reset control register) must not reset the machine, and Linux's type-1
 * probe (outb 0xcfb, then the latch) works; writes reach devices (the
 * interrupt line, BAR sizing, the command register) but never the MSI
 * capability (control, address, data: byte, word and dword writes, and a
 * dword overlapping the capability header) nor MSI-X message control,
 * while a dword write that mixes protected and free bytes still writes
 * the free ones (the byte before the MSI-X control word is the
 * capability's next pointer, read-only, so the split is checked on the
 * interrupt-line dword instead).
 *
 * ro=1 (hv pci_ro=00:05.0): the edu's configuration space reads but
 * ignores every write, and its MSI cannot be mapped (-EPERM).  privileged=0: another domain, even with IOPL,
 * gets all-ones and its latch is not kept.
 */
#include <test.h>
#include <pcicfg.h>

#define EDU       PCI_BDF(0, 5, 0)
#define RNG       PCI_BDF(0, 6, 0)

static void latch_and_void(void)
{
    uint32_t buf[3] = { 0, 0, 0x11111111 }, tmpd, tmpc;

    pio_outl(0xcf8, 0x7f0012a4);
    CHECK(pio_inl(0xcf8) == 0x7f0012a4, "latch read back 0x%x", pio_inl(0xcf8));
    CHECK(pio_inl(0xcfc) == 0xffffffff, "data with enable clear: 0x%x", pio_inl(0xcfc));
    CHECK(pio_inw(0xcfe) == 0xffff, "word data with enable clear");

    pio_outl(0xcf8, 0x80000000);
    CHECK(pio_inl(0xcfc) == 0x12378086, "host bridge id 0x%x", pio_inl(0xcfc));
    CHECK(pio_inw(0xcfe) == 0x1237, "host bridge device id by word 0x%x", pio_inw(0xcfe));
    CHECK(pio_inb(0xcfd) == 0x80, "host bridge vendor high byte 0x%x", pio_inb(0xcfd));
    asm volatile ("cld; rep insl" : "=D" (tmpd), "=c" (tmpc)
                  : "0" (buf), "1" (2), "d" (0xcfc) : "memory");
    CHECK(buf[0] == 0x12378086 && buf[1] == 0x12378086, "rep insl 0x%x 0x%x", buf[0], buf[1]);

    /* 0xcf8-0xcfb other than the dword latch: void. */
    CHECK(pio_inb(0xcf9) == 0xff, "byte at 0xcf9 0x%x", pio_inb(0xcf9));
    CHECK(pio_inw(0xcf8) == 0xffff, "word at 0xcf8");
    pio_outb(0xcf9, 0x06);              /* a hard reset if it reached the chipset */
    pio_outw(0xcf8, 0x1234);
    CHECK(pio_inl(0xcf8) == 0x80000000, "latch changed by byte/word writes: 0x%x",
          pio_inl(0xcf8));
    /* Linux's pci_check_type1(). */
    pio_outb(0xcfb, 0x01);
    uint32_t tmp = pio_inl(0xcf8);
    pio_outl(0xcf8, 0x80000000);
    CHECK(pio_inl(0xcf8) == 0x80000000, "type-1 probe");
    pio_outl(0xcf8, tmp);
    /* An access that runs past 0xcff is not configuration space. */
    CHECK(pio_inl(0xcfe) == 0xffffffff, "dword at 0xcfe");
}

static void writes(void)
{
    int edu = pci_find(0x1234, 0x11e8), rng = pci_find(0x1af4, 0x1005);
    unsigned int msi, msix;

    CHECK(edu == EDU && rng == RNG, "edu at 0x%x, virtio-rng at 0x%x", edu, rng);
    if (edu != EDU || rng != RNG)
        return;
    pci_write(EDU, 0x3c, 1, 0x5a);
    CHECK(pci_read(EDU, 0x3c, 1) == 0x5a, "interrupt line 0x%x", pci_read(EDU, 0x3c, 1));
    uint32_t bar = pci_read(EDU, 0x10, 4);
    pci_write(EDU, 0x10, 4, 0xffffffff);
    uint32_t size = pci_read(EDU, 0x10, 4);
    pci_write(EDU, 0x10, 4, bar);
    CHECK(size == 0xfff00000, "edu BAR0 sizing 0x%x", size);
    CHECK(pci_read(EDU, 0x10, 4) == bar, "BAR0 restored 0x%x / 0x%x", pci_read(EDU, 0x10, 4), bar);
    uint16_t cmd = (uint16_t)pci_read(EDU, 0x04, 2);
    pci_write(EDU, 0x04, 2, cmd | 0x4);
    CHECK(pci_read(EDU, 0x04, 2) & 0x4, "bus master not set");
    pci_write(EDU, 0x04, 2, cmd);

    msi = pci_cap(EDU, 0x05);
    CHECK(msi >= 0x40, "edu has no MSI capability");
    if (msi) {
        uint32_t before[4], after[4];
        for (int i = 0; i < 4; i++)
            before[i] = pci_read(EDU, msi + 4 * i, 4);
        pci_write(EDU, msi + 2, 2, 0x0001);                     /* enable */
        pci_write(EDU, msi + 2, 1, 0x71);
        pci_write(EDU, msi, 4, 0xffffffff);                     /* header + control */
        pci_write(EDU, msi + 4, 4, 0xfee00000);                 /* address */
        pci_write(EDU, msi + 8, 4, 0x00000000);                 /* address high */
        pci_write(EDU, msi + 12, 2, 0x00f0);                    /* data: a hypervisor vector */
        pci_write(EDU, msi + 12, 4, 0x000000f0);
        for (int i = 0; i < 4; i++) {
            after[i] = pci_read(EDU, msi + 4 * i, 4);
            CHECK(after[i] == before[i], "MSI dword %d: 0x%x -> 0x%x", i, before[i], after[i]);
        }
    }
    msix = pci_cap(RNG, 0x11);
    CHECK(msix >= 0x40, "virtio-rng has no MSI-X capability");
    if (msix) {
        uint32_t before = pci_read(RNG, msix, 4);
        pci_write(RNG, msix + 2, 2, 0xc000);                    /* enable, mask all */
        pci_write(RNG, msix + 3, 1, 0x80);
        pci_write(RNG, msix, 4, 0xffffffff);
        CHECK(pci_read(RNG, msix, 4) == before, "MSI-X control 0x%x -> 0x%x", before,
              pci_read(RNG, msix, 4));
        /* Table offset and PBA are read-only anyway: still readable. */
        CHECK((pci_read(RNG, msix + 4, 4) & 7) < 6, "MSI-X table BIR");
    }
    /* A dword write whose bytes are all free still goes through whole. */
    pci_write(RNG, 0x3c, 4, 0x000000a5);
    CHECK(pci_read(RNG, 0x3c, 1) == 0xa5, "rng interrupt line 0x%x", pci_read(RNG, 0x3c, 1));
}

static void read_only_device(void)
{
    CHECK(pci_find(0x1234, 0x11e8) == EDU, "edu not readable");
    uint8_t line = (uint8_t)pci_read(EDU, 0x3c, 1);
    uint32_t bar = pci_read(EDU, 0x10, 4);
    pci_write(EDU, 0x3c, 1, (uint8_t)(line ^ 0xff));
    pci_write(EDU, 0x10, 4, 0xffffffff);
    CHECK(pci_read(EDU, 0x3c, 1) == line, "write to a read-only device's line");
    CHECK(pci_read(EDU, 0x10, 4) == bar, "BAR of a read-only device sized: 0x%x",
          pci_read(EDU, 0x10, 4));
    /* Nor can its interrupts be taken. */
    struct physdev_map_pirq m = { .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MSI, .index = -1,
                                  .pirq = -1, .bus = 0, .devfn = EDU & 0xff };
    CHECK_RC(HYPERVISOR_physdev_op(PHYSDEVOP_map_pirq, &m), -XEN_EPERM,
             "MSI of a read-only device");
    /* Other devices stay writable. */
    pci_write(RNG, 0x3c, 1, 0x33);
    CHECK(pci_read(RNG, 0x3c, 1) == 0x33, "rng not writable beside a read-only device");
}

static void other_domain(void)
{
    pio_outl(0xcf8, 0x80000000);
    CHECK(pio_inl(0xcf8) == 0xffffffff, "latch kept for an unprivileged domain");
    CHECK(pio_inl(0xcfc) == 0xffffffff, "configuration data read by an unprivileged domain");
    CHECK(pci_find(0x1234, 0x11e8) < 0, "edu found by an unprivileged domain");
}

void test_main(void)
{
    const char *arg = cmdline_value((const char *)start_info->cmd_line, "privileged");
    const char *ro = cmdline_value((const char *)start_info->cmd_line, "ro");
    bool priv = !arg || *arg != '0';

    CHECK(priv == !!(start_info->flags & SIF_PRIVILEGED), "privileged=%d but flags 0x%x",
          priv, start_info->flags);
    CHECK_RC(pci_init(), 0, "set_iopl");
    if (!priv)
        other_domain();
    else if (ro && *ro == '1')
        read_only_device();
    else {
        latch_and_void();
        writes();
    }
    test_success();
}
