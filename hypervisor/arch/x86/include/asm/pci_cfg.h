/*
 * The initial domain's PCI configuration accesses (arch/x86/pci_cfg.c):
 * the contract between the I/O-port emulation (emulate.c, physdev.c) and
 * the mechanism-1 emulation.  docs/devices.md describes what a guest sees.
 */
#ifndef ASM_PCI_CFG_H
#define ASM_PCI_CFG_H

#include <mica/types.h>

struct domain;

/* The access lies wholly in 0xcf8-0xcff. */
bool pci_cfg_port(unsigned int port, unsigned int bytes);

/* An IN / OUT of `bytes` at `port` (pci_cfg_port) by the hardware domain d. */
uint32_t pci_cfg_guest_read(struct domain *d, unsigned int port, unsigned int bytes);
void pci_cfg_guest_write(struct domain *d, unsigned int port, unsigned int bytes,
                         uint32_t data);

/* Bytes of guest writes dropped because the hypervisor owns them. */
extern unsigned long pci_cfg_dropped;

#endif
