/*
 * The IO-APICs: the hypervisor's interrupt controller for devices.
 *
 * The legacy 8259 PICs are remapped and masked for good at boot
 * (desc.c: pic_disable); every device interrupt comes through an IO-APIC
 * pin, i.e. a GSI.  The IO-APICs are found in ACPI's MADT (acpi.c says
 * why the MADT rather than the MP tables), mapped uncached in fixmap slots,
 * and every pin is programmed at boot -- masked, delivered to this CPU in
 * physical mode, with a vector of its own from FIRST_DEVICE_VECTOR up and
 * its trigger and polarity:
 *
 *   GSI of an ISA IRQ   edge, active high, unless a MADT source override
 *                       says otherwise (QEMU: 5, 9, 10, 11 level/high)
 *   GSI >= 16           level, active low (PCI), until the initial domain
 *                       says otherwise once with PHYSDEVOP_setup_gsi (it
 *                       reads the DSDT's routing; a second call: -EEXIST)
 *
 * A pin is unmasked only while a guest listens to it (common/irq.c keeps
 * the rule), so no interrupt the hypervisor cannot deliver ever arrives.
 * The GSIs the hypervisor keeps for itself -- the timer (ISA IRQ 0 and the
 * 8259 cascade at GSI 0/2), COM1's IRQ 4 (its console) and the RTC's
 * IRQ 8 -- are IRQF_HYPERVISOR: never mapped, never unmasked.
 *
 * Delivery: a vector in [FIRST_DEVICE_VECTOR, LAST_DEVICE_VECTOR] finds its
 * IRQ in vector_irq[]; irq_guest_interrupt() masks a level line before
 * the local APIC's EOI, whose broadcast clears the pin's Remote IRR, so
 * the line fires again only when irq.c unmasks it after the guests' EOIs.
 * A device vector nobody owns is counted and acknowledged.
 *
 * Without a MADT (or IO-APIC) the machine has no GSIs for guests:
 * nr_irqs_gsi is 0 and every map_pirq of a GSI is -EINVAL.
 */
#include <mica/types.h>
#include <mica/irq.h>
#include <mica/lib.h>
#include <mica/errno.h>
#include <mica/printk.h>
#include <asm/acpi.h>
#include <asm/apic.h>
#include <asm/ioapic.h>
#include <asm/paging.h>
#include <asm/config.h>
#include <asm/page.h>

#define IOAPIC_REGSEL   0x00
#define IOAPIC_WINDOW   0x10
#define IOAPIC_VER      0x01
#define IOAPIC_RTE(pin) (0x10 + 2 * (pin))

#define RTE_MASKED      (1u << 16)
#define RTE_LEVEL       (1u << 15)
#define RTE_ACTIVE_LOW  (1u << 13)

#define MAX_GSIS        (LAST_DEVICE_VECTOR - FIRST_DEVICE_VECTOR + 1)

static struct ioapic {
    volatile uint32_t *regs;
    uint32_t paddr, gsi_base;
    unsigned int pins;
} ioapics[ACPI_MAX_IOAPICS];
static unsigned int nr_ioapics;

static int vector_irq[256];             /* -1: free */
static uint8_t irq_vector[MAX_GSIS * 2];  /* GSIs then MSI IRQs; 0: none */
static uint8_t gsi_setup_done[(MAX_GSIS + 7) / 8];
static uint32_t dest_apic;
static unsigned long spurious_vectors;

static uint32_t reg_read(struct ioapic *a, unsigned int reg)
{
    a->regs[IOAPIC_REGSEL / 4] = reg;
    return a->regs[IOAPIC_WINDOW / 4];
}

static void reg_write(struct ioapic *a, unsigned int reg, uint32_t v)
{
    a->regs[IOAPIC_REGSEL / 4] = reg;
    a->regs[IOAPIC_WINDOW / 4] = v;
}

/* The IO-APIC and pin serving gsi (NULL: none). */
static struct ioapic *gsi_pin(unsigned int gsi, unsigned int *pin)
{
    for (unsigned int i = 0; i < nr_ioapics; i++) {
        struct ioapic *a = &ioapics[i];
        if (gsi >= a->gsi_base && gsi < a->gsi_base + a->pins) {
            *pin = gsi - a->gsi_base;
            return a;
        }
    }
    return NULL;
}

static void rte_program(unsigned int gsi, bool level, bool low)
{
    unsigned int pin;
    struct ioapic *a = gsi_pin(gsi, &pin);

    if (!a || !irq_vector[gsi])
        return;
    uint32_t lo = irq_vector[gsi] | RTE_MASKED | (level ? RTE_LEVEL : 0) |
                  (low ? RTE_ACTIVE_LOW : 0);
    reg_write(a, IOAPIC_RTE(pin), lo);
    reg_write(a, IOAPIC_RTE(pin) + 1, dest_apic << 24);
    irq_descs[gsi].kind = level ? IRQ_KIND_LEVEL : IRQ_KIND_EDGE;
}

static void rte_set_mask(unsigned int gsi, bool masked)
{
    unsigned int pin;
    struct ioapic *a = gsi_pin(gsi, &pin);

    if (!a)
        return;
    uint32_t lo = reg_read(a, IOAPIC_RTE(pin));
    lo = masked ? (lo | RTE_MASKED) : (lo & ~RTE_MASKED);
    reg_write(a, IOAPIC_RTE(pin), lo);
}

void arch_irq_mask(unsigned int irq)
{
    if (irq < nr_irqs_gsi)
        rte_set_mask(irq, true);
    else
        msi_set_mask(irq, true);
}

void arch_irq_unmask(unsigned int irq)
{
    if (irq < nr_irqs_gsi && !(irq_descs[irq].flags & IRQF_HYPERVISOR))
        rte_set_mask(irq, false);
    else if (irq >= nr_irqs_gsi)
        msi_set_mask(irq, false);
}

int ioapic_irq_vector(unsigned int irq)
{
    return irq < ARRAY_SIZE(irq_vector) ? irq_vector[irq] : 0;
}

uint32_t ioapic_dest_apic(void)
{
    return dest_apic;
}

static int alloc_vector(unsigned int irq)
{
    for (unsigned int v = FIRST_DEVICE_VECTOR; v <= LAST_DEVICE_VECTOR; v++) {
        if (vector_irq[v] < 0) {
            vector_irq[v] = (int)irq;
            irq_vector[irq] = (uint8_t)v;
            return (int)v;
        }
    }
    return -ENOSPC;
}

int arch_irq_setup_msi(unsigned int irq)
{
    if (irq >= ARRAY_SIZE(irq_vector))
        return -ENOSPC;
    return alloc_vector(irq) < 0 ? -ENOSPC : 0;
}

void arch_irq_teardown_msi(unsigned int irq)
{
    if (irq >= ARRAY_SIZE(irq_vector) || !irq_vector[irq])
        return;
    vector_irq[irq_vector[irq]] = -1;
    irq_vector[irq] = 0;
}

/* The GSI an ISA IRQ arrives on, and its trigger/polarity. */
static unsigned int isa_gsi(const struct acpi_madt_info *m, unsigned int isa,
                            bool *level, bool *low)
{
    *level = false;
    *low = false;
    for (unsigned int i = 0; i < m->nr_overrides; i++) {
        const struct acpi_override *o = &m->override[i];
        if (o->isa_irq != isa)
            continue;
        *level = o->trigger == 3;
        *low = o->polarity == 3;
        return o->gsi;
    }
    return isa;
}

void ioapic_init(void)
{
    struct acpi_madt_info m;
    const struct acpi_hdr *madt = acpi_find_table("APIC");
    unsigned int ngsi = 0;

    for (unsigned int v = 0; v < 256; v++)
        vector_irq[v] = -1;
    if (!madt || !acpi_parse_madt(madt, madt->len, &m) || m.nr_ioapics == 0) {
        pr_warn("IO-APIC: no ACPI MADT with an IO-APIC: no device interrupts for guests\n");
        irq_table_init(0, 0);
        return;
    }
    dest_apic = apic_id();
    for (unsigned int i = 0; i < m.nr_ioapics; i++) {
        struct ioapic *a = &ioapics[nr_ioapics];
        if (m.ioapic[i].addr & (PAGE_SIZE - 1))
            continue;                   /* fixmap maps whole pages; none seen */
        a->paddr = m.ioapic[i].addr;
        a->gsi_base = m.ioapic[i].gsi_base;
        a->regs = fixmap_map(FIXMAP_IOAPIC + nr_ioapics, a->paddr);
        a->pins = ((reg_read(a, IOAPIC_VER) >> 16) & 0xff) + 1;
        if (a->gsi_base >= MAX_GSIS)
            continue;
        if (a->gsi_base + a->pins > MAX_GSIS)
            a->pins = MAX_GSIS - a->gsi_base;
        ngsi = MAX(ngsi, a->gsi_base + a->pins);
        pr_info("IO-APIC %u: id %u at %#x, GSIs %u-%u\n", nr_ioapics, m.ioapic[i].id,
                a->paddr, a->gsi_base, a->gsi_base + a->pins - 1);
        nr_ioapics++;
    }
    /* Xen's count: room for MSIs beyond the GSIs. */
    unsigned int nirqs = MAX(16u + MAX_GSIS, 8 * ngsi);
    if (nirqs > ARRAY_SIZE(irq_vector))
        nirqs = ARRAY_SIZE(irq_vector);
    irq_table_init(ngsi, nirqs);

    /* Every pin masked, with its vector and default mode. */
    for (unsigned int gsi = 0; gsi < ngsi; gsi++) {
        unsigned int pin;
        if (!gsi_pin(gsi, &pin) || alloc_vector(gsi) < 0)
            continue;
        rte_program(gsi, gsi >= 16, gsi >= 16);
    }
    for (unsigned int isa = 0; isa < 16; isa++) {
        bool level, low, taken = false;
        unsigned int gsi = isa_gsi(&m, isa, &level, &low);
        for (unsigned int i = 0; i < m.nr_overrides; i++)
            taken |= gsi == isa && m.override[i].gsi == isa && m.override[i].isa_irq != isa;
        if (gsi < ngsi && !taken)       /* not a GSI another ISA IRQ moved onto */
            rte_program(gsi, level, low);
    }
    /* The hypervisor's own lines. */
    static const unsigned int own_isa[] = { 0, 4, 8 };
    for (unsigned int i = 0; i < ARRAY_SIZE(own_isa); i++) {
        bool level, low;
        unsigned int gsi = isa_gsi(&m, own_isa[i], &level, &low);
        if (gsi < ngsi)
            irq_descs[gsi].flags |= IRQF_HYPERVISOR;
    }
    for (unsigned int gsi = 0; gsi <= 2 && gsi < ngsi; gsi += 2)
        irq_descs[gsi].flags |= IRQF_HYPERVISOR;    /* 8259 ExtINT, cascade */
    for (unsigned int gsi = 0; gsi < 16 && gsi < ngsi; gsi++)
        gsi_setup_done[gsi / 8] |= (uint8_t)(1u << (gsi % 8));
    pr_info("IO-APIC: %u GSIs, %u IRQs; legacy PIC masked\n", ngsi, nirqs);
}

bool ioapic_handle_vector(unsigned int vector)
{
    if (vector < FIRST_DEVICE_VECTOR || vector > LAST_DEVICE_VECTOR)
        return false;
    if (vector_irq[vector] >= 0)
        irq_guest_interrupt((unsigned int)vector_irq[vector]);
    else
        spurious_vectors++;
    apic_eoi();
    return true;
}

long ioapic_setup_gsi(unsigned int gsi, uint8_t trigger, uint8_t polarity)
{
    uint8_t bit = (uint8_t)(1u << (gsi % 8));

    if (gsi >= nr_irqs_gsi || irq_descs[gsi].kind == IRQ_KIND_NONE)
        return -EINVAL;
    if ((gsi_setup_done[gsi / 8] & bit) || (irq_descs[gsi].flags & (IRQF_GUEST | IRQF_HYPERVISOR)))
        return -EEXIST;                 /* Linux: "already set up the GSI" */
    rte_program(gsi, trigger != 0, polarity != 0);
    gsi_setup_done[gsi / 8] |= bit;
    return 0;
}

long ioapic_guest_read(unsigned long physbase, uint32_t reg, uint32_t *value)
{
    for (unsigned int i = 0; i < nr_ioapics; i++) {
        if (ioapics[i].paddr != physbase)
            continue;
        *value = reg_read(&ioapics[i], reg & 0xff);
        return 0;
    }
    return -EINVAL;
}

/*
 * PHYSDEVOP_apic_write, Xen's ioapic_guest_write(): the hardware domain
 * may program a pin it does not use yet, the way a native kernel would;
 * the hypervisor keeps the vector and destination.  Only the low half of
 * a redirection entry counts (anything else is ignored, 0); a pin in use
 * -- bound by a guest, or the hypervisor's -- is left as it is (0); a
 * delivery mode other than fixed or lowest-priority is -EINVAL.  The
 * entry's trigger and polarity become the pin's; unmasked, its vector
 * field names the domain's PIRQ (alloc_irq_vector answered vector = irq),
 * which is mapped to the GSI (map_gsi: pirq.c's rules).  The pin itself
 * stays masked until someone binds the PIRQ (irq.c's rule).
 */
long ioapic_guest_write(unsigned long physbase, uint32_t reg, uint32_t val,
                        long (*map_gsi)(unsigned int pirq, unsigned int gsi))
{
    struct ioapic *a = NULL;

    for (unsigned int i = 0; i < nr_ioapics; i++)
        if (ioapics[i].paddr == physbase)
            a = &ioapics[i];
    if (!a)
        return -EINVAL;
    reg &= 0xff;
    if (reg < 0x10 || (reg & 1))
        return 0;
    unsigned int pin = (reg - 0x10) / 2, gsi = a->gsi_base + pin;
    if (pin >= a->pins || gsi >= nr_irqs_gsi || !irq_vector[gsi])
        return -EINVAL;
    if (((val >> 8) & 7) > 1)
        return -EINVAL;                 /* SMI, NMI, INIT, ExtINT */
    if (irq_descs[gsi].flags & (IRQF_GUEST | IRQF_HYPERVISOR))
        return 0;                       /* in use: left alone, as on Xen */
    if (!(val & RTE_MASKED)) {
        long rc = map_gsi(val & 0xff, gsi);
        if (rc)
            return rc;
    }
    rte_program(gsi, val & RTE_LEVEL, val & RTE_ACTIVE_LOW);
    gsi_setup_done[gsi / 8] |= (uint8_t)(1u << (gsi % 8));
    return 0;
}

bool ioapic_owns_mfn(unsigned long mfn)
{
    for (unsigned int i = 0; i < nr_ioapics; i++)
        if (ioapics[i].paddr >> PAGE_SHIFT == mfn)
            return true;
    return false;
}
