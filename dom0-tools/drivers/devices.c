/*
 * Dom0's devices at boot: raise the virtual IOPL, scan PCI through
 * configuration mechanism 1, and offer every function to each driver in
 * turn (virtio-blk, virtio-net); the first that takes it owns it.
 *
 * Nothing here is fatal: a machine without PCI (or a hypervisor that does
 * not let Dom0 reach configuration space) has no devices, a device whose
 * setup fails is left reset and named in a message, and Dom0 runs on
 * either way -- its job is the toolstack first.
 *
 * Command line: `nopci` skips the scan (no devices at all); `dma=exchange`
 * makes every multi-page DMA allocation go through XENMEM_exchange (hw.c).
 */
#include "devices.h"
#include "hw.h"
#include "pci.h"
#include "../kernel/kernel.h"

void devices_init(void)
{
    char opt[4];
    int rc, n;

    if (cmdline_get("nopci", opt, sizeof(opt)))
        return;
    if ((rc = hw_init())) {
        kprintf("devices: PHYSDEVOP_set_iopl refused (%d): no device access\n", rc);
        return;
    }
    n = pci_scan(&pci_conf_mech1);
    if (n < 0) {
        kprintf("devices: PCI scan failed (%d)\n", n);
        return;
    }
    for (struct pci_dev *d = pci_devices(); d; d = d->next)
        if (!virtio_blk_probe(d))
            virtio_net_probe(d);
    if (!cmdline_get("quiet", opt, sizeof(opt)))
        kprintf("PCI: %d functions; %u disks, %u network ports; %u DMA runs exchanged\n",
                n, os_blk_count(), os_net_count(), hw_dma_exchanges());
}
