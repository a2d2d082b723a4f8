/*
 * pci-eject: pull a device out of QEMU's PC as if unplugged -- a test
 * instrument, not a driver.  QEMU's PIIX4 power-management function
 * implements ACPI PCI hotplug with registers at I/O port 0xae00
 * (hw/acpi/pcihp.c): writing a slot's bit to the eject register (0xae08)
 * after selecting bus 0 (0xae10) removes the device from the bus at once,
 * which is what the ACPI _EJ0 method an OS runs would do.  From then on
 * its configuration space reads all-ones and its BARs decode nothing: the
 * robustness test of an unplugged device (tests/dom0/blk-unplug.session).
 * On any other machine the ports are something else: refuse unless the
 * PIIX4 function is there.
 *
 *   pci-eject BB:DD.F      (bus 0 only: QEMU's root bus)
 */
#include "pci.h"
#include "hw.h"
#include <stdio.h>
#include <stdlib.h>

#define PCIHP_EJECT 0xae08
#define PCIHP_SEL   0xae10

int pci_eject_main(int argc, char **argv)
{
    unsigned long bus = 1, slot = 32, fn = 8;
    bool piix4 = false, found = false;
    char *p, *e;

    if (argc == 2) {
        p = argv[1];
        bus = strtoul(p, &e, 16);
        if (e != p && *e == ':' && (p = e + 1, slot = strtoul(p, &e, 16), e != p) &&
            *e == '.' && (p = e + 1, fn = strtoul(p, &e, 16), e != p) && !*e) {
        } else {
            bus = 1;
        }
    }
    if (bus != 0 || slot >= 32 || fn >= 8) {
        printf("usage: pci-eject 00:DD.F\n");
        return 2;
    }
    for (const struct pci_dev *d = pci_devices(); d; d = d->next) {
        piix4 |= d->vendor == 0x8086 && d->device == 0x7113;
        found |= d->bdf == PCI_BDF(bus, slot, fn);
    }
    if (!piix4) {
        printf("pci-eject: no PIIX4 ACPI function: not QEMU's PC, refusing\n");
        return 1;
    }
    if (!found) {
        printf("pci-eject: no device at %02lx:%02lx.%lx\n", bus, slot, fn);
        return 1;
    }
    hw_outl(PCIHP_SEL, 0);
    hw_outl(PCIHP_EJECT, 1u << slot);
    printf("pci-eject: slot %02lx ejected\n", slot);
    return 0;
}
