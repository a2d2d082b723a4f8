/*
 * PCI configuration mechanism 1 for Dom0: the address (enable bit, bus,
 * device, function, dword offset) goes to port 0xcf8, the data moves
 * through 0xcfc + (offset & 3) in the access's width.
 *
 * Both ports belong to the hypervisor: Dom0's IN and OUT on them fault,
 * and the hypervisor performs the access for it, Xen-style -- it keeps
 * Dom0's 0xcf8 value per domain and carries out the data access itself,
 * filtering what Dom0 may not change (MSI address and data: the hypervisor
 * programs them, docs/devices.md).  Without that emulation every read
 * returns all-ones (the hypervisor's answer for a port it owns) and the
 * scan finds no device, which is the "no PCI" case and harmless.
 *
 * An address and its data access are two traps; nothing can come between
 * them because Dom0 is one flow of control on one vCPU (kernel.h).
 */
#include "pci.h"
#include "hw.h"

#define PCI_CONF_ADDR 0xcf8
#define PCI_CONF_DATA 0xcfc

static void select_reg(uint16_t bdf, unsigned int off)
{
    hw_outl(PCI_CONF_ADDR, 0x80000000u | ((uint32_t)bdf << 8) | (off & 0xfc));
}

static uint32_t mech1_read(uint16_t bdf, unsigned int off, unsigned int size)
{
    uint16_t port = (uint16_t)(PCI_CONF_DATA + (off & 3));

    select_reg(bdf, off);
    switch (size) {
    case 1:
        return hw_inb(port);
    case 2:
        return hw_inw(port);
    default:
        return hw_inl(PCI_CONF_DATA);
    }
}

static void mech1_write(uint16_t bdf, unsigned int off, unsigned int size, uint32_t val)
{
    uint16_t port = (uint16_t)(PCI_CONF_DATA + (off & 3));

    select_reg(bdf, off);
    switch (size) {
    case 1:
        hw_outb(port, (uint8_t)val);
        break;
    case 2:
        hw_outw(port, (uint16_t)val);
        break;
    default:
        hw_outl(PCI_CONF_DATA, val);
        break;
    }
}

const struct pci_conf_ops pci_conf_mech1 = {
    .read = mech1_read,
    .write = mech1_write,
};
