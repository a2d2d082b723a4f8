/*
 * PCI configuration space from a test guest, through the hypervisor's
 * emulation of mechanism 1 (docs/devices.md, "PCI configuration space"):
 * a dword OUT to 0xcf8 sets the address latch, data goes through
 * 0xcfc-0xcff.  The guest needs a virtual IOPL of at least 1
 * (pci_init() sets it).  Header-only: port I/O helpers, config accesses,
 * finding a device and a capability.
 */
#ifndef GUEST_PCICFG_H
#define GUEST_PCICFG_H

#include <stdint.h>
#include <stdbool.h>
#include <public/physdev.h>
#include <hypercall.h>

#define PCI_BDF(b, d, f)   ((uint16_t)(((b) << 8) | ((d) << 3) | (f)))
#define PCI_ADDR(bdf, reg) (0x80000000u | ((uint32_t)(bdf) << 8) | ((reg) & 0xfc))

static inline uint8_t pio_inb(uint16_t p)  { uint8_t v;  asm volatile ("inb %1, %0" : "=a" (v) : "Nd" (p)); return v; }
static inline uint16_t pio_inw(uint16_t p) { uint16_t v; asm volatile ("inw %1, %0" : "=a" (v) : "Nd" (p)); return v; }
static inline uint32_t pio_inl(uint16_t p) { uint32_t v; asm volatile ("inl %1, %0" : "=a" (v) : "Nd" (p)); return v; }
static inline void pio_outb(uint16_t p, uint8_t v)  { asm volatile ("outb %0, %1" :: "a" (v), "Nd" (p)); }
static inline void pio_outw(uint16_t p, uint16_t v) { asm volatile ("outw %0, %1" :: "a" (v), "Nd" (p)); }
static inline void pio_outl(uint16_t p, uint32_t v) { asm volatile ("outl %0, %1" :: "a" (v), "Nd" (p)); }

static inline long pci_init(void)
{
    struct physdev_set_iopl p = { 1 };
    return HYPERVISOR_physdev_op(PHYSDEVOP_set_iopl, &p);
}

static inline uint32_t pci_read(uint16_t bdf, unsigned int reg, unsigned int size)
{
    pio_outl(0xcf8, PCI_ADDR(bdf, reg));
    if (size == 1)
        return pio_inb((uint16_t)(0xcfc + (reg & 3)));
    if (size == 2)
        return pio_inw((uint16_t)(0xcfc + (reg & 2)));
    return pio_inl(0xcfc);
}

static inline void pci_write(uint16_t bdf, unsigned int reg, unsigned int size, uint32_t v)
{
    pio_outl(0xcf8, PCI_ADDR(bdf, reg));
    if (size == 1)
        pio_outb((uint16_t)(0xcfc + (reg & 3)), (uint8_t)v);
    else if (size == 2)
        pio_outw((uint16_t)(0xcfc + (reg & 2)), (uint16_t)v);
    else
        pio_outl(0xcfc, v);
}

/* The first function on bus 0 with this vendor and device, or -1. */
static inline int pci_find(uint16_t vendor, uint16_t device)
{
    for (unsigned int slot = 0; slot < 32; slot++)
        for (unsigned int fn = 0; fn < 8; fn++) {
            uint16_t bdf = PCI_BDF(0, slot, fn);
            uint32_t id = pci_read(bdf, 0, 4);
            if (id == ((uint32_t)device << 16 | vendor))
                return bdf;
        }
    return -1;
}

/* Offset of capability `id`, 0 if none. */
static inline unsigned int pci_cap(uint16_t bdf, uint8_t id)
{
    if (!(pci_read(bdf, 0x06, 2) & 0x10))
        return 0;
    unsigned int pos = pci_read(bdf, 0x34, 1) & 0xfc;
    for (int n = 0; pos >= 0x40 && n < 48; n++) {
        uint32_t h = pci_read(bdf, pos, 2);
        if ((h & 0xff) == id)
            return pos;
        pos = (h >> 8) & 0xfc;
    }
    return 0;
}

#endif
