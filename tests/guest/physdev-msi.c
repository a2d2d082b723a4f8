/*
 * physdev-msi: device memory and message-signalled interrupts for the
 * initial domain (docs/devices.md), with QEMU's edu device at 00:05.0
 * (MSI, a 1 MiB MMIO BAR) and a virtio-rng at 00:06.0 (MSI-X, 4 entries;
 * legacy virtio through its I/O BAR).
 *
 * MMIO (privileged=1): edu's BAR mapped uncached with update_va_mapping
 * (DOMID_SELF), update_va_mapping_otherdomain(DOMID_IO) and mmu_update
 * with DOMID_IO -- its ID register reads 0x010000ed, its liveness
 * register inverts what is written.  Refused: the local APIC and the MSI
 * window, the IO-APIC (-EPERM), RAM named with DOMID_IO, a RAM frame the
 * domain does not own, a frame past the physical address width (-EINVAL).
 *
 * INTx: edu's interrupt line (level, QEMU's IRQ 10 or 11) mapped and
 * bound: an interrupt the device keeps asserted is one event until the
 * EOI, then another at once (still asserted); served and EOIed, quiet.
 *
 * MSI: map_pirq type MSI for edu (bus 0, devfn 0x28, table_base 0): the
 * hypervisor enabled MSI with an address in the 0xfee00000 window and a
 * vector in the device range; bound, each "raise interrupt" write to the
 * device is one event; mapping the function again is -EEXIST; MSI for a
 * device without the capability -ENODEV; unmapped, the capability is
 * off and a raise brings no event.
 *
 * MSI-X: map_pirq type MSI with table_base (the BAR) for entries 0 and 1
 * of the virtio-rng; entry 4 is past its table (-EINVAL), MSI on it
 * -ENODEV, MSI-X on edu -ENODEV; MSI while MSI-X is in use -EBUSY.  The
 * table's page maps only read-only (a writable request is granted
 * without RW); its entry 0 holds the hypervisor's address and data and
 * is unmasked once bound.  Then a real interrupt: a legacy virtqueue in a
 * machine-contiguous two-page ring (from XENMEM_exchange) asks the
 * device for 16 bytes of entropy, and the completion arrives as an event
 * on entry 0's port.
 *
 * The PCI bookkeeping commands keep the device list as Xen does:
 * adding is idempotent (even for an absent function, which then has no
 * MSI: -ENODEV), removing an unlisted one -ENODEV, a virtual function
 * brings its physical function, a function with MSI in use cannot be
 * removed (-EBUSY), an unlisted one gets no MSI and no restore_msi
 * (-ENODEV) until added back; segment 1 -ENODEV, an unreadable PXM word
 * -EFAULT; pci_mmcfg_reserved -ENODEV (no MMCONFIG), bad flags -EINVAL.
 *
 * privileged=0: another domain maps no device memory (-EPERM) and no
 * MSI (-EPERM).
 */
#include <test.h>
#include <pt.h>
#include <mm.h>
#include <events.h>
#include <pcicfg.h>
#include <pirq.h>
#include <public/memory.h>

#define EDU       PCI_BDF(0, 5, 0)
#define RNG       PCI_BDF(0, 6, 0)
#define CACHE_UC  (_PAGE_PCD | _PAGE_PWT)
#define SLOT_BAR  3

static long map_msi(uint16_t bdf, int entry, uint64_t table, int *pirq)
{
    struct physdev_map_pirq m = { .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MSI,
                                  .index = -1, .pirq = -1, .bus = bdf >> 8,
                                  .devfn = bdf & 0xff, .entry_nr = entry,
                                  .table_base = table };
    long rc = physdev(PHYSDEVOP_map_pirq, &m);
    if (pirq)
        *pirq = m.pirq;
    return rc;
}

static long map_at(unsigned int slot, uint64_t pte, domid_t dom)
{
    return HYPERVISOR_update_va_mapping_otherdomain(scratch_slot_va(slot), pte, UVMF_INVLPG, dom);
}

static long mmu_io(unsigned int slot, uint64_t pte)
{
    mmu_update_t u = { .ptr = l1e_maddr(scratch_slot_va(slot)), .val = pte };
    return HYPERVISOR_mmu_update(&u, 1, NULL, DOMID_IO);
}

static uint64_t l1e_of(uint32_t va)
{
    uint64_t e[3];
    return walk_any(va, e) == 0 ? e[2] : 0;
}

/* ---- MMIO --------------------------------------------------------------- */

static volatile uint32_t *edu;

static void mmio(void)
{
    uint32_t bar = pci_read(EDU, 0x10, 4) & ~0xfu;
    uint32_t mine = spare_frame();

    CHECK(bar >= 0x80000000u, "edu BAR0 at 0x%x", bar);
    CHECK_RC(map_at(SLOT_BAR, PTE(bar >> 12, _PAGE_PRESENT | _PAGE_RW | CACHE_UC), DOMID_IO),
             0, "edu BAR with DOMID_IO");
    edu = (volatile uint32_t *)scratch_slot_va(SLOT_BAR);
    CHECK(edu[0] == 0x010000ed, "edu ID register 0x%x", edu[0]);
    edu[1] = 0x12345678;
    CHECK(edu[1] == ~0x12345678u, "edu liveness 0x%x", edu[1]);
    CHECK_RC(HYPERVISOR_update_va_mapping(scratch_slot_va(SLOT_BAR),
                                          PTE(bar >> 12, _PAGE_PRESENT | _PAGE_RW | _PAGE_PCD),
                                          UVMF_INVLPG), 0, "edu BAR with DOMID_SELF");
    CHECK(edu[0] == 0x010000ed, "edu ID register (DOMID_SELF) 0x%x", edu[0]);
    CHECK_RC(mmu_io(SLOT_BAR, PTE(bar >> 12, _PAGE_PRESENT | _PAGE_RW | CACHE_UC)), 0,
             "mmu_update DOMID_IO");
    CHECK(edu[0] == 0x010000ed, "edu ID register (mmu_update) 0x%x", edu[0]);

    /* Refused. */
    CHECK_RC(map_at(4, PTE(0xfee00, _PAGE_PRESENT | CACHE_UC), DOMID_IO), -XEN_EPERM,
             "the local APIC");
    CHECK_RC(map_at(4, PTE(0xfee80, _PAGE_PRESENT), DOMID_IO), -XEN_EPERM, "the MSI window");
    CHECK_RC(map_at(4, PTE(0xfec00, _PAGE_PRESENT | CACHE_UC), DOMID_IO), -XEN_EPERM,
             "the IO-APIC");
    CHECK_RC(mmu_io(4, PTE(0xfec00, _PAGE_PRESENT)), -XEN_EPERM, "the IO-APIC (mmu_update)");
    CHECK_RC(map_at(4, PTE(mine, _PAGE_PRESENT), DOMID_IO), -XEN_EINVAL, "own RAM as DOMID_IO");
    CHECK_RC(mmu_io(4, PTE(mine, _PAGE_PRESENT)), -XEN_EINVAL, "own RAM as DOMID_IO (mmu)");
    CHECK_RC(map_at(4, PTE(0x100, _PAGE_PRESENT), DOMID_IO), -XEN_EINVAL,
             "RAM at 1 MiB as DOMID_IO");
    CHECK_RC(map_at(4, PTE(0xffffffffffULL, _PAGE_PRESENT), DOMID_IO), -XEN_EINVAL,
             "past the physical address width");
    /* The holes of the first MiB are I/O memory: the VGA window maps;
     * its conventional memory (frame 0) does not. */
    CHECK_RC(map_at(4, PTE(0xb8, _PAGE_PRESENT | _PAGE_RW), DOMID_IO), 0, "VGA text window");
    CHECK_RC(map_at(4, PTE(0, _PAGE_PRESENT), DOMID_IO), -XEN_EINVAL, "frame 0 as DOMID_IO");
    scratch_restore(4);
}

/* ---- edu's INTx: a level-triggered line --------------------------------- */

static void intx(void)
{
    unsigned int gsi = pci_read(EDU, 0x3c, 1);
    int pirq;

    CHECK(gsi == 5 || gsi == 9 || gsi == 10 || gsi == 11, "edu's interrupt line %u", gsi);
    pci_write(EDU, 0x04, 2, (pci_read(EDU, 0x04, 2) | 0x6) & ~0x400u);   /* INTx on */
    CHECK_RC(pirq_map_gsi(DOMID_SELF, (int)gsi, -1, &pirq), 0, "map edu's GSI");
    long port = pirq_bind((uint32_t)pirq, 0);
    CHECK(port > 0, "bind edu's GSI: %ld", port);
    if (port <= 0)
        return;
    evtchn_clear_pending((evtchn_port_t)port);
    edu[0x60 / 4] = 1;                                  /* assert, and keep it asserted */
    CHECK(pirq_wait_event((evtchn_port_t)port, 2000), "no event for the level interrupt");
    /* Still asserted, not EOIed: masked at the IO-APIC, nothing more. */
    CHECK(!pirq_wait_event((evtchn_port_t)port, 100), "a level line fired again before the EOI");
    /* EOI without serving the device: it fires again at once. */
    CHECK_RC(pirq_eoi((uint32_t)pirq), 0, "EOI");
    CHECK(pirq_wait_event((evtchn_port_t)port, 2000),
          "no new event after an EOI of a line still high");
    /* Served, then EOIed: quiet. */
    edu[0x64 / 4] = 1;
    CHECK_RC(pirq_eoi((uint32_t)pirq), 0, "EOI after serving");
    CHECK(!pirq_wait_event((evtchn_port_t)port, 100), "event after the device was served");
    /* Nobody listening: the stray interrupt is masked, nothing delivered. */
    CHECK_RC(evtchn_close((evtchn_port_t)port), 0, "close");
    edu[0x60 / 4] = 2;
    edu[0x64 / 4] = 2;
    CHECK_RC(pirq_unmap(DOMID_SELF, pirq), 0, "unmap edu's GSI");
    pci_write(EDU, 0x04, 2, pci_read(EDU, 0x04, 2) | 0x400);           /* INTx off */
}

/* ---- MSI with edu ------------------------------------------------------- */

static void msi(void)
{
    unsigned int cap = pci_cap(EDU, 0x05);
    int pirq, other;
    long port;

    pci_write(EDU, 0x04, 2, pci_read(EDU, 0x04, 2) | 0x6);     /* memory, bus master */
    CHECK_RC(map_msi(RNG, 0, 0, NULL), -XEN_ENODEV, "MSI on a device without it");
    CHECK_RC(map_msi(PCI_BDF(0, 0x1d, 0), 0, 0, NULL), -XEN_ENODEV, "MSI on no device");
    CHECK_RC(map_msi(EDU, 0, 0xfe000000u, NULL), -XEN_ENODEV, "MSI-X on edu");
    CHECK_RC(map_msi(EDU, 0, 0, &pirq), 0, "map edu's MSI");
    uint16_t ctl = (uint16_t)pci_read(EDU, cap + 2, 2);
    uint32_t addr = pci_read(EDU, cap + 4, 4), data = pci_read(EDU, cap + 12, 2);
    CHECK((ctl & 1) && !(ctl & 0x70), "MSI control 0x%x", ctl);
    CHECK((addr & 0xfff00000u) == 0xfee00000u, "MSI address 0x%x", addr);
    CHECK(data >= 0x30 && data <= 0xdf, "MSI data 0x%x", data);
    CHECK_RC(map_msi(EDU, 0, 0, &other), -XEN_EEXIST, "edu's MSI again");
    port = pirq_bind((uint32_t)pirq, 0);
    CHECK(port > 0, "bind edu's PIRQ: %ld", port);
    if (port <= 0)
        return;
    evtchn_clear_pending((evtchn_port_t)port);
    for (unsigned int i = 0; i < 4; i++) {
        edu[0x60 / 4] = 1u << i;                            /* raise */
        CHECK(pirq_wait_event((evtchn_port_t)port, 2000), "no event for edu interrupt %u", i);
        CHECK(edu[0x24 / 4] & (1u << i), "edu status 0x%x", edu[0x24 / 4]);
        edu[0x64 / 4] = 1u << i;                            /* acknowledge */
    }
    CHECK_RC(evtchn_close((evtchn_port_t)port), 0, "close");
    CHECK_RC(pirq_unmap(DOMID_SELF, pirq), 0, "unmap edu's MSI");
    CHECK(!(pci_read(EDU, cap + 2, 2) & 1), "MSI still enabled after unmap");
    CHECK(pci_read(EDU, cap + 4, 4) == 0, "MSI address left 0x%x", pci_read(EDU, cap + 4, 4));
    CHECK_RC(pirq_unmap(DOMID_SELF, pirq), -XEN_EINVAL, "unmap twice");
}

/* ---- MSI-X with virtio-rng ---------------------------------------------- */

static uint16_t io;                     /* the legacy virtio I/O BAR */

struct vring_desc { uint64_t addr; uint32_t len; uint16_t flags, next; };

/* A 2-page machine-contiguous ring (XENMEM_exchange), mapped in slots 1, 0. */
static uint32_t ring_mfn;
static uint8_t *ring_va;

static bool make_ring(void)
{
    uint32_t in[2] = { spare_frame(), spare_frame() }, out[1] = { 0x7f000 };
    struct xen_memory_exchange x = {
        .in = { .nr_extents = 2, .extent_order = 0, .domid = DOMID_SELF },
        .out = { .nr_extents = 1, .extent_order = 1, .mem_flags = 32, .domid = DOMID_SELF },
    };
    set_xen_guest_handle(x.in.extent_start, in);
    set_xen_guest_handle(x.out.extent_start, out);
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_exchange, &x), 0, "exchange for a 2-page ring");
    if (x.nr_exchanged != 2)
        return false;
    ring_mfn = out[0];
    scratch_map(1, ring_mfn, _PAGE_PRESENT | _PAGE_RW);
    scratch_map(0, ring_mfn + 1, _PAGE_PRESENT | _PAGE_RW);
    ring_va = (uint8_t *)scratch_slot_va(1);
    memset(ring_va, 0, 2 * PAGE_SIZE);
    return true;
}

static void msix(void)
{
    unsigned int cap = pci_cap(RNG, 0x11);
    uint32_t tbl = pci_read(RNG, cap + 4, 4);
    unsigned int bir = tbl & 7;
    uint32_t bar = pci_read(RNG, 0x10 + 4 * bir, 4) & ~0xfu;
    int p0, p1;

    io = (uint16_t)(pci_read(RNG, 0x10, 4) & ~3u);
    pci_write(RNG, 0x04, 2, pci_read(RNG, 0x04, 2) | 0x7);     /* I/O, memory, bus master */
    CHECK_RC(map_msi(RNG, 4, bar, NULL), -XEN_EINVAL, "MSI-X entry 4 of 4");
    CHECK_RC(map_msi(RNG, 0, bar, &p0), 0, "MSI-X entry 0");
    CHECK_RC(map_msi(RNG, 1, bar, &p1), 0, "MSI-X entry 1");
    CHECK_RC(map_msi(RNG, 1, bar, NULL), -XEN_EEXIST, "MSI-X entry 1 again");
    uint16_t ctl = (uint16_t)pci_read(RNG, cap + 2, 2);
    CHECK((ctl & 0x8000) && !(ctl & 0x4000), "MSI-X control 0x%x", ctl);

    /* The table: read-only to us whatever we ask. */
    uint64_t tpa = (uint64_t)bar + (tbl & ~7u);
    CHECK_RC(map_at(SLOT_BAR + 1, PTE(tpa >> 12, _PAGE_PRESENT | _PAGE_RW | CACHE_UC), DOMID_IO),
             0, "map the MSI-X table");
    uint32_t va = scratch_slot_va(SLOT_BAR + 1);
    CHECK(!(l1e_of(va) & _PAGE_RW), "MSI-X table mapped writable: 0x%llx",
          (unsigned long long)l1e_of(va));
    volatile uint32_t *t = (volatile uint32_t *)(va + (uint32_t)(tpa & 0xfff));
    CHECK((t[0] & 0xfff00000u) == 0xfee00000u && t[2] >= 0x30 && t[2] <= 0xdf,
          "MSI-X entry 0: address 0x%x data 0x%x", t[0], t[2]);
    CHECK(t[3] & 1, "MSI-X entry 0 unmasked before anyone listens");

    long port = pirq_bind((uint32_t)p0, 0);
    CHECK(port > 0, "bind entry 0: %ld", port);
    if (port <= 0)
        return;
    CHECK(!(t[3] & 1), "MSI-X entry 0 still masked once bound");

    /* Legacy virtio: queue 0 on MSI-X entry 0, 16 bytes of entropy. */
    if (!make_ring())
        return;
    pio_outb(io + 0x12, 0);                                     /* reset */
    pio_outb(io + 0x12, 1 | 2);                                 /* acknowledge, driver */
    pio_outl(io + 0x04, 0);
    pio_outw(io + 0x0e, 0);
    uint16_t qsz = pio_inw(io + 0x0c);
    pio_outw(io + 0x16, 0);                                     /* queue vector: entry 0 */
    CHECK(pio_inw(io + 0x16) == 0, "queue MSI-X vector 0x%x", pio_inw(io + 0x16));
    CHECK(qsz && qsz <= 64, "queue size %u", qsz);
    if (!qsz || qsz > 64)
        return;
    uint32_t data_mfn = spare_frame();
    uint8_t *data = scratch_map(2, data_mfn, _PAGE_PRESENT | _PAGE_RW);
    memset(data, 0, 64);
    struct vring_desc *desc = (struct vring_desc *)ring_va;
    uint16_t *avail = (uint16_t *)(ring_va + 16 * qsz);
    volatile uint16_t *used = (volatile uint16_t *)(ring_va + PAGE_SIZE);
    desc[0] = (struct vring_desc){ .addr = (uint64_t)data_mfn << 12, .len = 16, .flags = 2 };
    avail[2] = 0;
    avail[1] = 1;
    evtchn_clear_pending((evtchn_port_t)port);  /* the device starts at DRIVER_OK */
    pio_outl(io + 0x08, ring_mfn);                              /* queue PFN */
    pio_outb(io + 0x12, 1 | 2 | 4);                             /* driver OK */
    pio_outw(io + 0x10, 0);                                     /* notify */
    CHECK(pirq_wait_event((evtchn_port_t)port, 5000), "no MSI-X event for the completion");
    CHECK(used[1] == 1, "used index %u", used[1]);
    bool nonzero = false;
    for (unsigned int i = 0; i < 16; i++)
        nonzero |= data[i] != 0;
    CHECK(nonzero, "no entropy delivered");

    pio_outb(io + 0x12, 0);                                     /* reset the device */
    CHECK_RC(map_msi(RNG, 0, 0, NULL), -XEN_ENODEV, "MSI on the MSI-X device");
    CHECK_RC(pirq_unmap(DOMID_SELF, p0), 0, "unmap entry 0 while bound");
    CHECK(t[3] & 1, "entry 0 not masked after unmap");
    CHECK_RC(evtchn_close((evtchn_port_t)port), 0, "close");
    CHECK_RC(pirq_unmap(DOMID_SELF, p1), 0, "unmap entry 1");
    CHECK(!(pci_read(RNG, cap + 2, 2) & 0x8000), "MSI-X on with no entry in use");
    /* No MSI-X entry in use: the table maps writable again. */
    CHECK_RC(map_at(SLOT_BAR + 1, PTE(tpa >> 12, _PAGE_PRESENT | _PAGE_RW | CACHE_UC), DOMID_IO),
             0, "map the MSI-X table again");
    CHECK(l1e_of(va) & _PAGE_RW, "MSI-X table read-only with no entry in use");
    scratch_restore(SLOT_BAR + 1);
    scratch_restore(2);
    scratch_restore(1);
    scratch_restore(0);
}

/* ---- the PCI bookkeeping commands --------------------------------------- */

static void bookkeeping(void)
{
    struct physdev_manage_pci mp = { .bus = 0, .devfn = 0xe8 };       /* 00:1d.0: absent */
    struct physdev_manage_pci_ext me = { .bus = 0, .devfn = 0xf1, .is_virtfn = 1,
                                         .physfn = { 0, 0xf0 } };     /* 00:1e.1 of 00:1e.0 */
    struct physdev_pci_device pd = { .seg = 0, .bus = 0, .devfn = 0x28 };
    struct physdev_restore_msi rm = { .bus = 0, .devfn = 0x28 };
    struct physdev_pci_mmcfg_reserved mc = { .address = 0xb0000000u, .segment = 0,
                                             .start_bus = 0, .end_bus = 255, .flags = 1 };
    int pirq;

    CHECK_RC(physdev(PHYSDEVOP_manage_pci_add, &mp), 0, "add an absent function");
    CHECK_RC(physdev(PHYSDEVOP_manage_pci_add, &mp), 0, "add it again");
    CHECK_RC(map_msi(PCI_BDF(0, 0x1d, 0), 0, 0, NULL), -XEN_ENODEV, "MSI of an absent function");
    CHECK_RC(physdev(PHYSDEVOP_manage_pci_remove, &mp), 0, "remove it");
    CHECK_RC(physdev(PHYSDEVOP_manage_pci_remove, &mp), -XEN_ENODEV, "remove it again");
    me.is_virtfn = 2;
    CHECK_RC(physdev(PHYSDEVOP_manage_pci_add_ext, &me), -XEN_EINVAL, "is_virtfn 2");
    me.is_virtfn = 1;
    CHECK_RC(physdev(PHYSDEVOP_manage_pci_add_ext, &me), 0, "add a virtual function");
    mp.devfn = 0xf0;
    CHECK_RC(physdev(PHYSDEVOP_manage_pci_remove, &mp), 0, "its physical function came too");
    mp.devfn = 0xf1;
    CHECK_RC(physdev(PHYSDEVOP_manage_pci_remove, &mp), 0, "remove the virtual function");

    /* A function with MSI in use stays; unlisted, it gets no MSI. */
    CHECK_RC(map_msi(EDU, 0, 0, &pirq), 0, "map edu's MSI");
    CHECK_RC(physdev(PHYSDEVOP_restore_msi, &rm), 0, "restore_msi");
    CHECK(pci_read(EDU, pci_cap(EDU, 5) + 2, 2) & 1, "MSI off after restore_msi");
    CHECK_RC(physdev(PHYSDEVOP_pci_device_remove, &pd), -XEN_EBUSY, "remove edu with MSI on");
    CHECK_RC(pirq_unmap(DOMID_SELF, pirq), 0, "unmap");
    CHECK_RC(physdev(PHYSDEVOP_pci_device_remove, &pd), 0, "remove edu");
    CHECK_RC(physdev(PHYSDEVOP_restore_msi, &rm), -XEN_ENODEV, "restore_msi of an unlisted one");
    CHECK_RC(map_msi(EDU, 0, 0, NULL), -XEN_ENODEV, "MSI of an unlisted function");
    struct physdev_pci_device_add *pa =
        (struct physdev_pci_device_add *)(mapped_end() - sizeof(*pa));
    *pa = (struct physdev_pci_device_add){ .seg = 1, .bus = 0, .devfn = 0x28 };
    CHECK_RC(physdev(PHYSDEVOP_pci_device_add, pa), -XEN_ENODEV, "segment 1");
    pa->seg = 0;
    pa->flags = XEN_PCI_DEV_PXM;        /* its proximity word would lie past the mapping */
    CHECK_RC(physdev(PHYSDEVOP_pci_device_add, pa), -XEN_EFAULT, "PXM word unreadable");
    pa->flags = 0;
    CHECK_RC(physdev(PHYSDEVOP_pci_device_add, pa), 0, "add edu back");
    CHECK_RC(map_msi(EDU, 0, 0, &pirq), 0, "MSI again");
    CHECK_RC(pirq_unmap(DOMID_SELF, pirq), 0, "unmap again");
    pd.seg = 1;
    CHECK_RC(physdev(PHYSDEVOP_pci_device_remove, &pd), -XEN_ENODEV, "remove in segment 1");
    CHECK_RC(physdev(PHYSDEVOP_pci_mmcfg_reserved, &mc), -XEN_ENODEV, "an MMCONFIG region");
    mc.flags = 2;
    CHECK_RC(physdev(PHYSDEVOP_pci_mmcfg_reserved, &mc), -XEN_EINVAL, "mmcfg flags 2");
}

static void other_domain(void)
{
    CHECK_RC(map_at(4, PTE(0xfebf0, _PAGE_PRESENT), DOMID_IO), -XEN_EPERM, "MMIO in a domU");
    CHECK_RC(map_at(4, PTE(0xb8, _PAGE_PRESENT), DOMID_SELF), -XEN_EPERM, "VGA in a domU");
    CHECK_RC(map_msi(EDU, 0, 0, NULL), -XEN_EPERM, "MSI in a domU");
}

void test_main(void)
{
    const char *arg = cmdline_value((const char *)start_info->cmd_line, "privileged");
    bool priv = !arg || *arg != '0';

    if (map_shared_info())
        test_error("no shared_info");
    CHECK_RC(pci_init(), 0, "set_iopl");
    if (!priv) {
        other_domain();
    } else {
        CHECK(pci_find(0x1234, 0x11e8) == EDU && pci_find(0x1af4, 0x1005) == RNG,
              "QEMU devices missing");
        mmio();
        intx();
        msi();
        msix();
        bookkeeping();
        scratch_restore(SLOT_BAR);
    }
    test_success();
}
