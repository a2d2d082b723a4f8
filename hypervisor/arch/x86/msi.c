/*
 * Message-signalled interrupts: the hypervisor programs every MSI and
 * MSI-X message itself.
 *
 * A device with MSI writes a 32-bit "data" to an "address" in the
 * 0xfee00000 window when it interrupts; the address picks the CPU, the
 * data the vector.  Whoever writes those two registers decides which
 * vector of which CPU a device can raise, so the hypervisor owns them:
 * the initial domain asks with PHYSDEVOP_map_pirq (type MSI or MSI_SEG,
 * naming bus/devfn, and for MSI-X the table entry and a non-zero
 * table_base), common/pirq.c makes an IRQ with a vector of its own
 * (ioapic.c's allocator), and this file writes the message -- physical
 * destination this CPU, fixed delivery, edge -- into the device:
 *
 *   MSI    address (32 or 64 bits) and data in the capability, multiple
 *          message enable 0 (one vector), the per-vector mask bit if the
 *          device has one, then the enable bit.  One IRQ per function.
 *   MSI-X  the table entry (in the BAR the capability names, through an
 *          uncached fixmap slot mapped for each access): masked, address,
 *          data; the capability's enable bit on with the function mask
 *          off.  One IRQ per entry; the table's frames become read-only
 *          for guests (iomem.c) while any entry is in use.
 *
 * Guests can never write these registers: configuration writes to the
 * MSI capability and MSI-X control are dropped (common/pci.c), the table
 * is mapped read-only.  Masking (irq.c masks while nobody listens and
 * during a storm) uses the MSI-X entry's mask bit or the MSI per-vector
 * mask; an MSI without mask bits cannot be masked at the device, so its
 * interrupts are only counted and dropped while nobody listens (Xen does
 * the same).  MSI and MSI-X are never on together on a function; a
 * function's MSI, or one MSI-X entry, is mapped once (-EEXIST), and MSI
 * while MSI-X entries are in use (or the reverse) is -EBUSY.
 *
 * Teardown (unmap, the port's close after a cut unmap, the domain's
 * death) masks the message, clears its registers and turns the
 * capability off with its last user.
 */
#include <mica/types.h>
#include <mica/irq.h>
#include <mica/pci.h>
#include <mica/iomem.h>
#include <mica/errno.h>
#include <mica/lib.h>
#include <mica/printk.h>
#include <asm/ioapic.h>
#include <asm/paging.h>
#include <asm/config.h>
#include <asm/page.h>

#define MSI_ADDR_BASE      0xfee00000u
#define MSIX_ENTRY_SIZE    16
#define MSIX_VECTOR_CTRL   12
#define MSIX_MASKBIT       1u
#define MAX_MSI_IRQS       (2 * (LAST_DEVICE_VECTOR - FIRST_DEVICE_VECTOR + 1))

static struct msi_desc {
    bool used;
    bool msix;
    bool masked;                        /* as msi_set_mask() last left it */
    uint16_t bdf;
    uint8_t pos;                        /* capability offset */
    uint16_t entry;                     /* MSI-X table entry */
    uint64_t entry_pa;                  /* MSI-X: the entry's physical address */
    unsigned long table_first, table_last;  /* MSI-X: the table's frames */
} descs[MAX_MSI_IRQS];

static struct msi_desc *desc_of(unsigned int irq)
{
    return irq < MAX_MSI_IRQS && descs[irq].used ? &descs[irq] : NULL;
}

/* The MSI-X entry, mapped uncached in the MSI-X fixmap slot. */
static volatile uint32_t *entry_map(const struct msi_desc *m)
{
    char *page = fixmap_map(FIXMAP_MSIX, m->entry_pa & ~(uint64_t)(PAGE_SIZE - 1));
    return (volatile uint32_t *)(page + (m->entry_pa & (PAGE_SIZE - 1)));
}

static unsigned int users(uint16_t bdf, bool msix)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < MAX_MSI_IRQS; i++)
        n += descs[i].used && descs[i].bdf == bdf && descs[i].msix == msix;
    return n;
}

void msi_set_mask(unsigned int irq, bool masked)
{
    struct msi_desc *m = desc_of(irq);

    if (!m)
        return;
    m->masked = masked;
    if (m->msix) {
        volatile uint32_t *e = entry_map(m);
        uint32_t ctl = e[MSIX_VECTOR_CTRL / 4];
        e[MSIX_VECTOR_CTRL / 4] = masked ? (ctl | MSIX_MASKBIT) : (ctl & ~MSIX_MASKBIT);
        (void)e[MSIX_VECTOR_CTRL / 4];  /* flush the posted write */
        return;
    }
    uint16_t flags = (uint16_t)arch_pci_conf_read(m->bdf, m->pos + PCI_MSI_FLAGS, 2);
    if (!(flags & PCI_MSI_FLAGS_MASKBIT))
        return;                         /* cannot be masked at the device */
    unsigned int mask = m->pos + ((flags & PCI_MSI_FLAGS_64BIT) ? 0x10 : 0x0c);
    uint32_t bits = arch_pci_conf_read(m->bdf, mask, 4);
    arch_pci_conf_write(m->bdf, mask, 4, masked ? (bits | 1) : (bits & ~1u));
}

/* The physical address of BAR `bir` of bdf, 0 if it is not an assigned memory BAR. */
static uint64_t bar_address(uint16_t bdf, unsigned int bir)
{
    if (bir > 5)
        return 0;
    uint32_t lo = arch_pci_conf_read(bdf, 0x10 + 4 * bir, 4);
    if (lo & 1)
        return 0;                       /* an I/O BAR */
    uint64_t a = lo & ~0xfu;
    if ((lo & 6) == 4 && bir < 5)
        a |= (uint64_t)arch_pci_conf_read(bdf, 0x14 + 4 * bir, 4) << 32;
    return a;
}

/* Write an MSI function's message and turn it on (setup and restore). */
static void program_msi(const struct msi_desc *m, uint8_t vector)
{
    uint16_t flags = (uint16_t)arch_pci_conf_read(m->bdf, m->pos + PCI_MSI_FLAGS, 2);
    bool is64 = flags & PCI_MSI_FLAGS_64BIT;

    arch_pci_conf_write(m->bdf, m->pos + PCI_MSI_FLAGS, 2,
                        flags & ~(PCI_MSI_FLAGS_ENABLE | PCI_MSI_FLAGS_QSIZE));
    arch_pci_conf_write(m->bdf, m->pos + PCI_MSI_ADDRESS_LO, 4,
                        MSI_ADDR_BASE | (ioapic_dest_apic() << 12));
    if (is64)
        arch_pci_conf_write(m->bdf, m->pos + 8, 4, 0);
    arch_pci_conf_write(m->bdf, m->pos + (is64 ? 12 : 8), 2, vector);
    if (flags & PCI_MSI_FLAGS_MASKBIT)
        arch_pci_conf_write(m->bdf, m->pos + (is64 ? 0x10 : 0x0c), 4,
                            m->masked ? 0xffffffffu : 0xfffffffeu);
    flags = (uint16_t)((flags & ~PCI_MSI_FLAGS_QSIZE) | PCI_MSI_FLAGS_ENABLE);
    arch_pci_conf_write(m->bdf, m->pos + PCI_MSI_FLAGS, 2, flags);
}

static int setup_msi(struct msi_desc *m, uint16_t bdf, uint8_t vector)
{
    unsigned int pos = pci_find_cap(bdf, PCI_CAP_ID_MSI);

    if (!pos)
        return -ENODEV;
    if (users(bdf, false))
        return -EEXIST;
    if (users(bdf, true))
        return -EBUSY;
    *m = (struct msi_desc){ .used = true, .masked = true, .bdf = bdf, .pos = (uint8_t)pos };
    program_msi(m, vector);
    return 0;
}

/* Write an MSI-X entry (masked or not as m says) with the function
 * enabled and masked meanwhile (setup and restore). */
static void program_msix(const struct msi_desc *m, uint8_t vector)
{
    uint16_t flags = (uint16_t)arch_pci_conf_read(m->bdf, m->pos + PCI_MSIX_FLAGS, 2);

    arch_pci_conf_write(m->bdf, m->pos + PCI_MSIX_FLAGS, 2,
                        flags | PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
    volatile uint32_t *e = entry_map(m);
    e[MSIX_VECTOR_CTRL / 4] |= MSIX_MASKBIT;
    e[0] = MSI_ADDR_BASE | (ioapic_dest_apic() << 12);
    e[1] = 0;
    e[2] = vector;
    if (!m->masked)
        e[MSIX_VECTOR_CTRL / 4] &= ~MSIX_MASKBIT;
    (void)e[MSIX_VECTOR_CTRL / 4];
    arch_pci_conf_write(m->bdf, m->pos + PCI_MSIX_FLAGS, 2,
                        (flags | PCI_MSIX_FLAGS_ENABLE) & ~PCI_MSIX_FLAGS_MASKALL);
}

static int setup_msix(struct msi_desc *m, uint16_t bdf, unsigned int entry, uint8_t vector)
{
    unsigned int pos = pci_find_cap(bdf, PCI_CAP_ID_MSIX);

    if (!pos)
        return -ENODEV;
    if (users(bdf, false))
        return -EBUSY;
    uint16_t flags = (uint16_t)arch_pci_conf_read(bdf, pos + PCI_MSIX_FLAGS, 2);
    unsigned int size = (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
    if (entry >= size)
        return -EINVAL;
    for (unsigned int i = 0; i < MAX_MSI_IRQS; i++)
        if (descs[i].used && descs[i].msix && descs[i].bdf == bdf && descs[i].entry == entry)
            return -EEXIST;
    uint32_t table = arch_pci_conf_read(bdf, pos + PCI_MSIX_TABLE, 4);
    uint64_t base = bar_address(bdf, table & 7);
    if (!base || !(arch_pci_conf_read(bdf, PCI_COMMAND, 2) & 2))
        return -ENXIO;                  /* BAR unassigned, or memory decode off */
    uint64_t first = base + (table & ~7u);
    *m = (struct msi_desc){ .used = true, .msix = true, .masked = true, .bdf = bdf,
                            .pos = (uint8_t)pos, .entry = (uint16_t)entry,
                            .entry_pa = first + entry * MSIX_ENTRY_SIZE,
                            .table_first = (unsigned long)(first >> PAGE_SHIFT),
                            .table_last = (unsigned long)((first + size * MSIX_ENTRY_SIZE - 1)
                                                          >> PAGE_SHIFT) };
    if (iomem_ro_add(m->table_first, m->table_last)) {
        m->used = false;
        return -ENOSPC;
    }
    program_msix(m, vector);
    return 0;
}

int arch_msi_setup(unsigned int irq, uint16_t bdf, bool msix, unsigned int entry)
{
    int vector = ioapic_irq_vector(irq);

    if (irq >= MAX_MSI_IRQS || vector <= 0 || descs[irq].used)
        return -EINVAL;
    if (!pci_dev_known(bdf))
        return -ENODEV;                 /* removed, or never there */
    if (pci_is_ro(bdf))
        return -EPERM;                  /* the hypervisor's own device (pci_ro=) */
    int rc = msix ? setup_msix(&descs[irq], bdf, entry, (uint8_t)vector)
                  : setup_msi(&descs[irq], bdf, (uint8_t)vector);
    if (rc == 0)
        pr_debug("MSI%s: %02x:%02x.%u entry %u -> irq %u vector %#x\n", msix ? "-X" : "",
                 PCI_BUS(bdf), PCI_SLOT(bdf), PCI_FUNC(bdf), entry, irq, vector);
    return rc;
}

void arch_msi_teardown(unsigned int irq)
{
    struct msi_desc *m = desc_of(irq);

    if (!m)
        return;
    msi_set_mask(irq, true);
    if (m->msix) {
        volatile uint32_t *e = entry_map(m);
        e[0] = e[1] = e[2] = 0;
        (void)e[MSIX_VECTOR_CTRL / 4];
        iomem_ro_remove(m->table_first, m->table_last);
        m->used = false;
        if (!users(m->bdf, true)) {
            uint16_t flags = (uint16_t)arch_pci_conf_read(m->bdf, m->pos + PCI_MSIX_FLAGS, 2);
            arch_pci_conf_write(m->bdf, m->pos + PCI_MSIX_FLAGS, 2,
                                flags & ~(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL));
        }
        return;
    }
    uint16_t flags = (uint16_t)arch_pci_conf_read(m->bdf, m->pos + PCI_MSI_FLAGS, 2);
    bool is64 = flags & PCI_MSI_FLAGS_64BIT;
    arch_pci_conf_write(m->bdf, m->pos + PCI_MSI_FLAGS, 2, flags & ~PCI_MSI_FLAGS_ENABLE);
    arch_pci_conf_write(m->bdf, m->pos + PCI_MSI_ADDRESS_LO, 4, 0);
    arch_pci_conf_write(m->bdf, m->pos + (is64 ? 12 : 8), 2, 0);
    m->used = false;
}

bool arch_msi_in_use(uint16_t bdf)
{
    return users(bdf, false) || users(bdf, true);
}

/* After a device reset (PHYSDEVOP_restore_msi): every message again, each
 * entry masked or not as it was. */
void arch_msi_restore(uint16_t bdf)
{
    for (unsigned int irq = 0; irq < MAX_MSI_IRQS; irq++) {
        struct msi_desc *m = &descs[irq];
        if (!m->used || m->bdf != bdf)
            continue;
        if (m->msix)
            program_msix(m, (uint8_t)ioapic_irq_vector(irq));
        else
            program_msi(m, (uint8_t)ioapic_irq_vector(irq));
    }
}
