/*
 * The few ACPI tables the hypervisor reads (arch/x86/acpi.c): the FADT
 * for power-off and reset (power.c) and the MADT for the interrupt
 * controllers (ioapic.c).  Tables are read where the firmware left them,
 * through the direct map; nothing is interpreted beyond fixed layouts.
 */
#ifndef ASM_ACPI_H
#define ASM_ACPI_H

#include <mica/types.h>

struct __packed acpi_hdr {
    char sig[4];
    uint32_t len;
    uint8_t rev, csum;
    char oem[6], oem_table[8];
    uint32_t oem_rev, creator, creator_rev;
};

/* The table at pa if its checksum holds and it lies below 4 GiB, else NULL. */
const struct acpi_hdr *acpi_map_table(uint64_t pa);
/* The first table with this signature the RSDT/XSDT lists, else NULL. */
const struct acpi_hdr *acpi_find_table(const char *sig);

/* What the MADT says about interrupt routing (acpi_parse_madt). */
#define ACPI_MAX_IOAPICS   8
#define ACPI_MAX_OVERRIDES 16

struct acpi_ioapic { uint8_t id; uint32_t addr, gsi_base; };
struct acpi_override {
    uint8_t isa_irq;
    uint32_t gsi;
    uint8_t polarity;                   /* MPS INTI flags: 0 bus default, 1 high, 3 low */
    uint8_t trigger;                    /* 0 bus default, 1 edge, 3 level */
};
struct acpi_madt_info {
    uint32_t lapic_addr;
    bool pic_present;                   /* PCAT_COMPAT: dual 8259s to mask */
    unsigned int nr_ioapics, nr_overrides;
    struct acpi_ioapic ioapic[ACPI_MAX_IOAPICS];
    struct acpi_override override[ACPI_MAX_OVERRIDES];
};

/* Fill *m from a MADT (table bytes, len); false if it is malformed. */
bool acpi_parse_madt(const void *table, size_t len, struct acpi_madt_info *m);

#endif
