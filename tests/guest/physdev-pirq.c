/*
 * physdev-pirq: physical IRQs as events, with Xen's error codes, in the
 * initial domain and in a domain without devices (privileged=0|1).
 *
 * Any domain: irq_status_query answers needs_eoi for any PIRQ in range
 * (-EINVAL beyond), EOI of a PIRQ never used is -EINVAL, get_free_pirq
 * hands out 16 first for a GSI (then that PIRQ may be EOIed), the EOI
 * bitmap page is refused for a page table or a frame not its own
 * (-EINVAL), taken once and refused a second time (-EBUSY), bind_pirq
 * beyond the range is -EINVAL, and the legacy physdev_op_compat form
 * forwards every command (and -ENOSYS for an unknown one).
 *
 * A domain without devices: map/unmap_pirq -EPERM (for itself as for
 * domain 0), -ESRCH for a domain that does not exist, bind_pirq -EPERM,
 * the privileged PCI/IO-APIC commands -EPERM -- in Xen's order (apic_read
 * reads its argument first, so a bad pointer is -EFAULT there; setup_gsi
 * checks privilege first, so it is -EPERM).
 *
 * The initial domain: the hypervisor's own lines (timer, cascade, COM1,
 * RTC) cannot be mapped (-EPERM), a GSI past the IO-APICs or a bad type
 * is -EINVAL, MSI of a function without the capability is -ENODEV (an
 * IRQ index other than -1 -EINVAL; physdev-msi has the rest), apic_read reads the real
 * IO-APIC's version register, setup_gsi programs a PCI GSI once
 * (-EEXIST after, and for ISA ones).  Then a real device: the i8042's
 * "write output buffer" command raises ISA IRQ 1 (an edge) on every byte;
 * mapped and bound, each byte is one event on the port; a closed port
 * gets none; an unmap while bound leaves the port a cut-off PIRQ port
 * (status pirq; map with allocation -EBUSY) until it is closed.
 */
#include <test.h>
#include <events.h>
#include <pt.h>
#include <pcicfg.h>
#include <pirq.h>

#define BIG 100000u

static long physdev_compat(uint32_t cmd, void *u, size_t n)
{
    struct physdev_op op = { .cmd = cmd };
    memcpy(&op.u, u, n);
    long rc = hypercall1(__HYPERVISOR_physdev_op_compat, (long)&op);
    memcpy(u, &op.u, n);
    return rc;
}

static void any_domain(void)
{
    struct physdev_irq_status_query q = { .irq = 5, .flags = 0xdead };
    struct physdev_get_free_pirq g = { .type = MAP_PIRQ_TYPE_GSI };
    struct physdev_pirq_eoi_gmfn gm;

    CHECK_RC(physdev(PHYSDEVOP_irq_status_query, &q), 0, "irq_status_query 5");
    CHECK(q.flags == XENIRQSTAT_needs_eoi, "status flags 0x%x", q.flags);
    q.irq = BIG;
    CHECK_RC(physdev(PHYSDEVOP_irq_status_query, &q), -XEN_EINVAL, "irq_status_query BIG");
    CHECK_RC(pirq_eoi(3), -XEN_EINVAL, "eoi of a PIRQ never used");
    CHECK_RC(pirq_eoi(BIG), -XEN_EINVAL, "eoi BIG");
    CHECK_RC(physdev(PHYSDEVOP_get_free_pirq, &g), 0, "get_free_pirq");
    CHECK(g.pirq == 16, "get_free_pirq gave %u", g.pirq);
    CHECK_RC(pirq_eoi(16), 0, "eoi of the PIRQ get_free_pirq reserved");
    CHECK_RC(pirq_bind(BIG, 0), -XEN_EINVAL, "bind_pirq BIG");
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, (void *)0xfffff000u), -XEN_EFAULT, "map_pirq bad arg");

    gm.gmfn = current_l3_mfn();
    CHECK_RC(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &gm), -XEN_EINVAL, "eoi page: live L3");
    gm.gmfn = 0;
    CHECK_RC(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &gm), -XEN_EINVAL, "eoi page: frame 0");
    gm.gmfn = spare_frame();
    CHECK_RC(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &gm), 0, "eoi page");
    CHECK_RC(physdev(PHYSDEVOP_pirq_eoi_gmfn_v2, &gm), -XEN_EBUSY, "eoi page again");
    gm.gmfn = spare_frame();
    CHECK_RC(physdev(PHYSDEVOP_pirq_eoi_gmfn_v1, &gm), -XEN_EBUSY, "eoi page v1 after v2");

    /* The legacy form forwards every command. */
    q.irq = 7;
    CHECK_RC(physdev_compat(PHYSDEVOP_irq_status_query, &q, sizeof(q)), 0, "compat status");
    CHECK(q.flags == XENIRQSTAT_needs_eoi, "compat status flags 0x%x", q.flags);
    struct physdev_eoi e = { 3 };
    CHECK_RC(physdev_compat(PHYSDEVOP_eoi, &e, sizeof(e)), -XEN_EINVAL, "compat eoi");
    CHECK_RC(physdev_compat(PHYSDEVOP_IRQ_UNMASK_NOTIFY, &e, 0), 0, "compat unmask notify");
    CHECK_RC(physdev_compat(99, &e, 0), -XEN_ENOSYS, "compat 99");
    CHECK_RC(physdev(99, &e), -XEN_ENOSYS, "physdev 99");
}

static void without_devices(void)
{
    struct physdev_apic apic = { .apic_physbase = 0xfec00000u, .reg = 1 };
    struct physdev_irq irq = { .irq = 9 };
    struct physdev_setup_gsi sg = { .gsi = 20 };
    struct physdev_manage_pci mp = { 0 };
    struct physdev_pci_device_add pa = { 0 };
    struct physdev_restore_msi rm = { 0 };
    struct physdev_pci_mmcfg_reserved mc = { 0 };
    void *bad = (void *)0xfffff000u;

    CHECK_RC(pirq_map_gsi(DOMID_SELF, 5, 5, NULL), -XEN_EPERM, "map_pirq for itself");
    CHECK_RC(pirq_map_gsi(0, 5, 5, NULL), -XEN_EPERM, "map_pirq for d0");
    CHECK_RC(pirq_map_gsi(77, 5, 5, NULL), -XEN_ESRCH, "map_pirq for d77");
    CHECK_RC(pirq_unmap(DOMID_SELF, 5), -XEN_EPERM, "unmap_pirq");
    CHECK_RC(pirq_unmap(0, 5), -XEN_EPERM, "unmap_pirq of d0");
    CHECK_RC(pirq_bind(5, 0), -XEN_EPERM, "bind_pirq 5");
    CHECK_RC(physdev(PHYSDEVOP_apic_read, &apic), -XEN_EPERM, "apic_read");
    CHECK_RC(physdev(PHYSDEVOP_apic_read, bad), -XEN_EFAULT, "apic_read bad arg (copied first)");
    CHECK_RC(physdev(PHYSDEVOP_apic_write, &apic), -XEN_EPERM, "apic_write");
    CHECK_RC(physdev(PHYSDEVOP_alloc_irq_vector, &irq), -XEN_EPERM, "alloc_irq_vector");
    CHECK_RC(physdev(PHYSDEVOP_setup_gsi, &sg), -XEN_EPERM, "setup_gsi");
    CHECK_RC(physdev(PHYSDEVOP_setup_gsi, bad), -XEN_EPERM, "setup_gsi bad arg (privilege first)");
    CHECK_RC(physdev(PHYSDEVOP_manage_pci_add, &mp), -XEN_EPERM, "manage_pci_add");
    CHECK_RC(physdev(PHYSDEVOP_manage_pci_remove, &mp), -XEN_EPERM, "manage_pci_remove");
    CHECK_RC(physdev(PHYSDEVOP_pci_device_add, &pa), -XEN_EPERM, "pci_device_add");
    CHECK_RC(physdev(PHYSDEVOP_restore_msi, &rm), -XEN_EPERM, "restore_msi");
    CHECK_RC(physdev(PHYSDEVOP_pci_mmcfg_reserved, &mc), -XEN_EPERM, "pci_mmcfg_reserved");
}

/* ---- the i8042 as an interrupt source (ISA IRQ 1, edge) ------------------ */

static void kbc_wait_input(void)
{
    for (int i = 0; i < 100000 && (pio_inb(0x64) & 2); i++)
        ;
}

static void kbc_drain(void)
{
    for (int i = 0; i < 64 && (pio_inb(0x64) & 1); i++)
        (void)pio_inb(0x60);
}

/* Make the controller put `byte` in its output buffer as if the keyboard
 * sent it: IRQ 1 rises. */
static void kbc_inject(uint8_t byte)
{
    kbc_wait_input();
    pio_outb(0x64, 0xd2);
    kbc_wait_input();
    pio_outb(0x60, byte);
}

static void real_interrupts(void)
{
    struct physdev_set_iopl iopl = { 1 };
    struct physdev_irq_status_query q = { .irq = 1 };
    evtchn_status_t st;
    int pirq;

    CHECK_RC(physdev(PHYSDEVOP_set_iopl, &iopl), 0, "set_iopl");
    kbc_drain();
    kbc_wait_input();
    pio_outb(0x64, 0x60);                   /* command byte: keyboard interrupt on */
    kbc_wait_input();
    pio_outb(0x60, 0x05);
    kbc_drain();

    CHECK_RC(pirq_map_gsi(DOMID_SELF, 1, -1, &pirq), 0, "map GSI 1");
    CHECK(pirq == 1 || pirq >= 16, "GSI 1 got PIRQ %d", pirq);
    long port = pirq_bind((uint32_t)pirq, 0);
    CHECK(port > 0, "bind_pirq: %ld", port);
    if (port <= 0)
        return;
    CHECK_RC(pirq_bind((uint32_t)pirq, 0), -XEN_EEXIST, "bind_pirq twice");
    CHECK_RC(evtchn_status(DOMID_SELF, (evtchn_port_t)port, &st), 0, "status");
    CHECK(st.status == EVTCHNSTAT_pirq && st.u.pirq == (uint32_t)pirq && st.vcpu == 0,
          "status %u pirq %u vcpu %u", st.status, st.u.pirq, st.vcpu);
    q.irq = (uint32_t)pirq;
    CHECK_RC(physdev(PHYSDEVOP_irq_status_query, &q), 0, "status query");
    CHECK(q.flags == XENIRQSTAT_needs_eoi, "flags 0x%x", q.flags);

    evtchn_clear_pending((evtchn_port_t)port);
    for (uint8_t i = 0; i < 5; i++) {
        kbc_inject((uint8_t)(0x50 + i));
        CHECK(pirq_wait_event((evtchn_port_t)port, 2000), "no event for byte %u", i);
        uint8_t b = pio_inb(0x60);
        CHECK(b == 0x50 + i, "kbc data 0x%x, want 0x%x", b, 0x50 + i);
        CHECK_RC(pirq_eoi((uint32_t)pirq), 0, "eoi");
    }

    /* Closed: nothing arrives (the line is masked again). */
    CHECK_RC(evtchn_close((evtchn_port_t)port), 0, "close");
    kbc_inject(0x60);
    CHECK(!pirq_wait_event((evtchn_port_t)port, 50), "event on a closed port");
    kbc_drain();

    /* Bound again, then unmapped under the port. */
    port = pirq_bind((uint32_t)pirq, BIND_PIRQ__WILL_SHARE);
    CHECK(port > 0, "bind again: %ld", port);
    kbc_inject(0x61);
    CHECK(pirq_wait_event((evtchn_port_t)port, 2000), "no event after binding again");
    kbc_drain();
    CHECK_RC(pirq_unmap(DOMID_SELF, pirq), 0, "unmap while bound");
    CHECK_RC(evtchn_status(DOMID_SELF, (evtchn_port_t)port, &st), 0, "status");
    CHECK(st.status == EVTCHNSTAT_pirq, "cut port status %u", st.status);
    CHECK_RC(pirq_map_gsi(DOMID_SELF, 1, -1, NULL), -XEN_EBUSY, "map while the cut port lives");
    CHECK_RC(pirq_unmap(DOMID_SELF, pirq), -XEN_EINVAL, "unmap twice");
    kbc_inject(0x62);
    CHECK(!pirq_wait_event((evtchn_port_t)port, 50), "event after unmap");
    kbc_drain();
    CHECK_RC(evtchn_close((evtchn_port_t)port), 0, "close the cut port");
    CHECK_RC(pirq_map_gsi(DOMID_SELF, 1, pirq, NULL), 0, "map again after close");
    CHECK_RC(pirq_unmap(DOMID_SELF, pirq), 0, "unmap");
}

/*
 * apic_write as Xen's ioapic_guest_write: only low halves of redirection
 * entries count; the hypervisor's pins and pins in use are left alone; a
 * weird delivery mode is -EINVAL; an unmasked entry maps the PIRQ its
 * vector field names to the pin's GSI, takes its trigger and polarity,
 * keeps the hypervisor's vector and stays masked until bound.
 */
static uint32_t rte_lo(unsigned int gsi)
{
    struct physdev_apic a = { .apic_physbase = 0xfec00000u, .reg = 0x10 + 2 * gsi };
    return physdev(PHYSDEVOP_apic_read, &a) ? 0xdeadbeef : a.value;
}

static long rte_write(unsigned int reg, uint32_t val)
{
    struct physdev_apic a = { .apic_physbase = 0xfec00000u, .reg = reg, .value = val };
    return physdev(PHYSDEVOP_apic_write, &a);
}

static void apic_writes(void)
{
    struct physdev_apic id = { .apic_physbase = 0xfec00000u, .reg = 0 };
    uint32_t before;

    CHECK_RC(physdev(PHYSDEVOP_apic_read, &id), 0, "read the ID register");
    before = id.value;
    CHECK_RC(rte_write(0, 0x0f000000u), 0, "write the ID register (ignored)");
    CHECK_RC(physdev(PHYSDEVOP_apic_read, &id), 0, "read the ID register again");
    CHECK(id.value == before, "ID register changed 0x%x -> 0x%x", before, id.value);
    before = rte_lo(2);
    CHECK_RC(rte_write(0x10 + 2 * 2, 0x31), 0, "the timer's pin (left alone)");
    CHECK(rte_lo(2) == before, "the timer's pin changed 0x%x -> 0x%x", before, rte_lo(2));
    CHECK_RC(rte_write(0x10 + 2 * 21, 7u << 8), -XEN_EINVAL, "ExtINT delivery");
    CHECK_RC(rte_write(0x10 + 2 * 21 + 1, 0xff000000u), 0, "a high half (ignored)");
    CHECK_RC(rte_write(0x10 + 2 * 21, (1u << 16) | 44), 0, "a masked entry maps nothing");
    CHECK_RC(pirq_unmap(DOMID_SELF, 44), -XEN_EINVAL, "nothing mapped by a masked entry");
    CHECK_RC(rte_write(0x10 + 2 * 21, 40 | (1u << 15) | (1u << 13)), 0, "GSI 21: PIRQ 40");
    uint32_t lo = rte_lo(21);
    CHECK((lo & (1u << 16)) && (lo & (1u << 15)) && (lo & (1u << 13)) && (lo & 0xff) != 40,
          "GSI 21's entry 0x%x (masked, level, low, the hypervisor's vector)", lo);
    CHECK_RC(pirq_map_gsi(DOMID_SELF, 21, 40, NULL), 0, "GSI 21 is PIRQ 40 already");
    CHECK_RC(pirq_unmap(DOMID_SELF, 40), 0, "unmap PIRQ 40");
    CHECK_RC(pirq_unmap(DOMID_SELF, 40), -XEN_EINVAL, "unmap PIRQ 40 twice");
    struct physdev_setup_gsi sg = { .gsi = 21, .triggering = 0, .polarity = 0 };
    CHECK_RC(physdev(PHYSDEVOP_setup_gsi, &sg), -XEN_EEXIST, "setup_gsi after apic_write");
    CHECK_RC(rte_write(0x10 + 2 * 21, 1u << 16), 0, "masked again");
}

static void initial_domain(void)
{
    static const int own[] = { 0, 2, 4, 8 };
    struct physdev_apic apic = { .apic_physbase = 0xfec00000u, .reg = 1 };
    struct physdev_irq irq = { .irq = 9 };
    struct physdev_setup_gsi sg = { .gsi = 5, .triggering = 1, .polarity = 0 };
    struct physdev_manage_pci mp = { 0 };
    struct physdev_map_pirq m = { .domid = DOMID_SELF, .type = MAP_PIRQ_TYPE_MSI,
                                  .index = -1, .pirq = -1 };

    for (unsigned int i = 0; i < sizeof(own) / sizeof(own[0]); i++)
        CHECK_RC(pirq_map_gsi(DOMID_SELF, own[i], own[i], NULL), -XEN_EPERM,
                 "map a hypervisor line");
    CHECK_RC(pirq_map_gsi(DOMID_SELF, 24, -1, NULL), -XEN_EINVAL, "GSI 24");
    CHECK_RC(pirq_map_gsi(DOMID_SELF, -1, -1, NULL), -XEN_EINVAL, "GSI -1");
    CHECK_RC(pirq_map_gsi(77, 5, -1, NULL), -XEN_ESRCH, "map for d77");
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_ENODEV, "MSI of the host bridge");
    m.index = 5;
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_EINVAL, "MSI with an IRQ index");
    m.type = 9;
    CHECK_RC(physdev(PHYSDEVOP_map_pirq, &m), -XEN_EINVAL, "type 9");

    CHECK_RC(physdev(PHYSDEVOP_apic_read, &apic), 0, "apic_read");
    CHECK(((apic.value >> 16) & 0xff) == 23, "IO-APIC version register 0x%x", apic.value);
    apic.apic_physbase = 0xfed00000u;
    CHECK_RC(physdev(PHYSDEVOP_apic_read, &apic), -XEN_EINVAL, "apic_read elsewhere");
    CHECK_RC(physdev(PHYSDEVOP_apic_write, &apic), -XEN_EINVAL, "apic_write elsewhere");
    apic_writes();
    CHECK_RC(physdev(PHYSDEVOP_alloc_irq_vector, &irq), 0, "alloc_irq_vector");
    CHECK(irq.vector == 9, "alloc_irq_vector: vector %u", irq.vector);
    CHECK_RC(physdev(PHYSDEVOP_setup_gsi, &sg), -XEN_EEXIST, "setup_gsi of an ISA GSI");
    sg.gsi = 20;
    sg.polarity = 1;
    CHECK_RC(physdev(PHYSDEVOP_setup_gsi, &sg), 0, "setup_gsi 20");
    CHECK_RC(physdev(PHYSDEVOP_setup_gsi, &sg), -XEN_EEXIST, "setup_gsi 20 again");
    sg.gsi = 24;
    CHECK_RC(physdev(PHYSDEVOP_setup_gsi, &sg), -XEN_EINVAL, "setup_gsi 24");
    CHECK_RC(physdev(PHYSDEVOP_manage_pci_add, &mp), 0, "manage_pci_add of the host bridge");
    real_interrupts();
}

void test_main(void)
{
    const char *arg = cmdline_value((const char *)start_info->cmd_line, "privileged");
    bool priv = !arg || *arg != '0';

    CHECK(priv == !!(start_info->flags & SIF_PRIVILEGED), "privileged=%d but flags 0x%x",
          priv, start_info->flags);
    if (map_shared_info())
        test_error("no shared_info");
    any_domain();
    if (priv)
        initial_domain();
    else
        without_devices();
    test_success();
}
