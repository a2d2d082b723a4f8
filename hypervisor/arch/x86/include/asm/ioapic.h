/*
 * The IO-APICs (arch/x86/ioapic.c): the hypervisor owns them, routes every
 * GSI to a vector of its own and delivers device interrupts to guests
 * through common/irq.c.
 */
#ifndef ASM_IOAPIC_H
#define ASM_IOAPIC_H

#include <mica/types.h>

#define FIRST_DEVICE_VECTOR  0x30   /* device vectors: GSIs and MSIs */
#define LAST_DEVICE_VECTOR   0xdf   /* above: the hypervisor's own (timer, IPIs) */

/* Boot, after apic_init(): find the IO-APICs (ACPI MADT), mask every pin. */
void ioapic_init(void);
/* A vector in the device range: deliver it and acknowledge the LAPIC. */
bool ioapic_handle_vector(unsigned int vector);
/* PHYSDEVOP_setup_gsi: trigger (0 edge, 1 level), polarity (0 high, 1 low). */
long ioapic_setup_gsi(unsigned int gsi, uint8_t trigger, uint8_t polarity);
/* PHYSDEVOP_apic_read: register `reg` of the IO-APIC at physbase. */
long ioapic_guest_read(unsigned long physbase, uint32_t reg, uint32_t *value);
/* The vector of an IRQ (0: none) and the APIC ID interrupts go to. */
int ioapic_irq_vector(unsigned int irq);
uint32_t ioapic_dest_apic(void);
/* msi.c: mask or unmask an MSI IRQ at its device. */
void msi_set_mask(unsigned int irq, bool masked);
/* PHYSDEVOP_apic_write (ioapic.c explains); map_gsi maps the caller's PIRQ. */
long ioapic_guest_write(unsigned long physbase, uint32_t reg, uint32_t val,
                        long (*map_gsi)(unsigned int pirq, unsigned int gsi));
/* Is the MMIO page at mfn one of the IO-APICs'? */
bool ioapic_owns_mfn(unsigned long mfn);

#endif
