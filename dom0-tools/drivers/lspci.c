/*
 * lspci: the devices of Dom0's PCI scan, in the format of pciutils'
 * `lspci -nn` (one line per function) and `lspci -v` (BARs, capabilities,
 * interrupt, driver below each).  Names come from a small table of the
 * classes and of the devices QEMU's PC offers; anything else is shown as
 * "Device dddd" as lspci does for an id it does not know.
 *
 *   lspci [-v] [-n]      -v: details;  -n: numbers only, no names
 */
#include "pci.h"
#include <stdio.h>
#include <string.h>

static const struct { uint8_t cls, sub; const char *name; } classes[] = {
    { 0x01, 0x00, "SCSI storage controller" }, { 0x01, 0x01, "IDE interface" },
    { 0x01, 0x06, "SATA controller" }, { 0x01, 0x08, "Non-Volatile memory controller" },
    { 0x01, 0xff, "Mass storage controller" },
    { 0x02, 0x00, "Ethernet controller" }, { 0x02, 0xff, "Network controller" },
    { 0x03, 0x00, "VGA compatible controller" }, { 0x03, 0xff, "Display controller" },
    { 0x04, 0xff, "Multimedia controller" }, { 0x05, 0xff, "Memory controller" },
    { 0x06, 0x00, "Host bridge" }, { 0x06, 0x01, "ISA bridge" },
    { 0x06, 0x04, "PCI bridge" }, { 0x06, 0x80, "Bridge" }, { 0x06, 0xff, "Bridge" },
    { 0x07, 0x00, "Serial controller" }, { 0x07, 0xff, "Communication controller" },
    { 0x08, 0xff, "System peripheral" }, { 0x0c, 0x03, "USB controller" },
    { 0x0c, 0x05, "SMBus" }, { 0x0c, 0xff, "Serial bus controller" },
    { 0x00, 0xff, "Non-VGA unclassified device" }, { 0xff, 0xff, "Unassigned class" },
};

static const struct { uint16_t id; const char *name; } vendors[] = {
    { 0x8086, "Intel Corporation" }, { 0x1af4, "Red Hat, Inc." },
    { 0x1b36, "Red Hat, Inc." }, { 0x1234, "Technical Corp." },
};

static const struct { uint16_t vendor, device; const char *name; } devices[] = {
    { 0x8086, 0x1237, "440FX - 82441FX PMC [Natoma]" },
    { 0x8086, 0x7000, "82371SB PIIX3 ISA [Natoma/Triton II]" },
    { 0x8086, 0x7010, "82371SB PIIX3 IDE [Natoma/Triton II]" },
    { 0x8086, 0x7020, "82371SB PIIX3 USB [Natoma/Triton II]" },
    { 0x8086, 0x7113, "82371AB/EB/MB PIIX4 ACPI" },
    { 0x8086, 0x100e, "82540EM Gigabit Ethernet Controller" },
    { 0x8086, 0x29c0, "82G33/G31/P35/P31 Express DRAM Controller" },
    { 0x8086, 0x2918, "82801IB (ICH9) LPC Interface Controller" },
    { 0x8086, 0x2922, "82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode]" },
    { 0x1234, 0x1111, "QEMU standard VGA" },
    { 0x1af4, 0x1000, "Virtio network device" },
    { 0x1af4, 0x1001, "Virtio block device" },
    { 0x1af4, 0x1041, "Virtio 1.0 network device" },
    { 0x1af4, 0x1042, "Virtio 1.0 block device" },
    { 0x1b36, 0x0001, "QEMU PCI-PCI bridge" },
};

static const struct { uint8_t id; const char *name; } caps[] = {
    { PCI_CAP_ID_PM, "Power Management" }, { PCI_CAP_ID_MSI, "MSI" },
    { PCI_CAP_ID_VNDR, "Vendor Specific Information" }, { 0x0d, "Subsystem" },
    { PCI_CAP_ID_EXP, "Express" }, { PCI_CAP_ID_MSIX, "MSI-X" },
    { 0x12, "SATA HBA" },
};

static const char *class_name(uint8_t cls, uint8_t sub)
{
    for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
        if (classes[i].cls == cls && classes[i].sub == sub)
            return classes[i].name;
    for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
        if (classes[i].cls == cls && classes[i].sub == 0xff)
            return classes[i].name;
    return "Class";
}

static const char *vendor_name(uint16_t id)
{
    for (size_t i = 0; i < sizeof(vendors) / sizeof(vendors[0]); i++)
        if (vendors[i].id == id)
            return vendors[i].name;
    return NULL;
}

static const char *device_name(uint16_t vendor, uint16_t device)
{
    for (size_t i = 0; i < sizeof(devices) / sizeof(devices[0]); i++)
        if (devices[i].vendor == vendor && devices[i].device == device)
            return devices[i].name;
    return NULL;
}

static void print_size(uint64_t size)
{
    static const char units[] = "KMGT";
    unsigned int u = 0;

    if (size < 1024 || (size & 1023)) {
        printf("[size=%llu]", (unsigned long long)size);
        return;
    }
    size >>= 10;
    while (size >= 1024 && !(size & 1023) && u < 3) {
        size >>= 10;
        u++;
    }
    printf("[size=%llu%c]", (unsigned long long)size, units[u]);
}

static void print_names(uint16_t vendor, uint16_t device, bool numeric)
{
    const char *vn = vendor_name(vendor), *dn = device_name(vendor, device);

    if (numeric) {
        printf("%04x:%04x", vendor, device);
        return;
    }
    if (vn)
        printf("%s ", vn);
    else
        printf("Vendor %04x ", vendor);
    if (dn)
        printf("%s", dn);
    else
        printf("Device %04x", device);
    printf(" [%04x:%04x]", vendor, device);
}

static void print_verbose(const struct pci_dev *d, bool numeric)
{
    uint16_t cmd = (uint16_t)pci_read(d, PCI_COMMAND, 2);

    if (d->header_type == 0 && d->subvendor) {
        printf("\tSubsystem: ");
        print_names(d->subvendor, d->subdevice, numeric);
        printf("\n");
    }
    printf("\tFlags:%s", (cmd & PCI_COMMAND_MASTER) ? " bus master," : "");
    if (d->irq_pin && d->irq_pin <= 4)
        printf(" INT%c, IRQ %u\n", 'A' + d->irq_pin - 1, d->irq_line);
    else
        printf(" no interrupt pin\n");
    for (unsigned int i = 0; i < d->nr_bars; i++) {
        const struct pci_bar *b = &d->bar[i];
        if (b->kind == PCI_BAR_IO) {
            printf("\tI/O ports at %04llx ", (unsigned long long)b->addr);
        } else if (b->kind == PCI_BAR_MEM32 || b->kind == PCI_BAR_MEM64) {
            printf("\tMemory at %08llx (%s, %s) ", (unsigned long long)b->addr,
                   b->kind == PCI_BAR_MEM64 ? "64-bit" : "32-bit",
                   b->prefetch ? "prefetchable" : "non-prefetchable");
        } else {
            continue;
        }
        if ((b->kind == PCI_BAR_IO && !(cmd & PCI_COMMAND_IO)) ||
            (b->kind != PCI_BAR_IO && !(cmd & PCI_COMMAND_MEMORY)))
            printf("[disabled] ");
        print_size(b->size);
        printf("\n");
    }
    if (d->header_type == 1)
        printf("\tBus: secondary=%02x\n", d->secondary_bus);
    for (unsigned int i = 0; i < d->nr_caps; i++) {
        const char *name = "Unknown";
        for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++)
            if (caps[k].id == d->cap[i].id)
                name = caps[k].name;
        printf("\tCapabilities: [%02x] %s", d->cap[i].off, name);
        if (d->cap[i].id == PCI_CAP_ID_MSIX) {
            uint16_t ctl = (uint16_t)pci_read(d, d->cap[i].off + 2, 2);
            printf(": Enable%c Count=%u Masked%c", (ctl & 0x8000) ? '+' : '-',
                   (ctl & 0x7ff) + 1, (ctl & 0x4000) ? '+' : '-');
        } else if (d->cap[i].id == PCI_CAP_ID_MSI) {
            uint16_t ctl = (uint16_t)pci_read(d, d->cap[i].off + 2, 2);
            printf(": Enable%c Count=1/%u 64bit%c", (ctl & 1) ? '+' : '-',
                   1u << ((ctl >> 1) & 7), (ctl & 0x80) ? '+' : '-');
        } else if (d->cap[i].id == PCI_CAP_ID_VNDR && d->vendor == 0x1af4) {
            /* virtio 1.0's structure locator: cfg_type at +3, bar at +4 */
            static const char *const vt[] = { "?", "CommonCfg", "Notify", "ISR",
                                              "DeviceCfg", "PCICfg", "SharedMemory" };
            uint8_t t = (uint8_t)pci_read(d, d->cap[i].off + 3, 1);
            printf(": VirtIO: %s", t < 7 ? vt[t] : "<unknown>");
        }
        printf("\n");
    }
    if (d->caps_truncated)
        printf("\tCapabilities: <chain looped or too long>\n");
    if (d->driver)
        printf("\tKernel driver in use: %s\n", d->driver);
    printf("\n");
}

int lspci_main(int argc, char **argv)
{
    bool verbose = false, numeric = false;
    unsigned int n = 0;

    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-v")) {
            verbose = true;
        } else if (!strcmp(argv[i], "-n")) {
            numeric = true;
        } else if (!strcmp(argv[i], "-vn") || !strcmp(argv[i], "-nv")) {
            verbose = numeric = true;
        } else {
            printf("usage: lspci [-v] [-n]\n");
            return 2;
        }
    }
    for (const struct pci_dev *d = pci_devices(); d; d = d->next, n++) {
        printf("%02x:%02x.%x ", PCI_BUS(d->bdf), PCI_SLOT(d->bdf), PCI_FUNC(d->bdf));
        if (numeric)
            printf("%02x%02x: ", d->class_code, d->subclass);
        else
            printf("%s [%02x%02x]: ", class_name(d->class_code, d->subclass),
                   d->class_code, d->subclass);
        print_names(d->vendor, d->device, numeric);
        if (d->revision)
            printf(" (rev %02x)", d->revision);
        if (d->prog_if && !numeric)
            printf(" (prog-if %02x)", d->prog_if);
        /* The list is the boot scan's (drivers hold its entries); a
         * function that has left the bus since is marked, not dropped. */
        if ((pci_read(d, PCI_VENDOR_ID, 2) & 0xffff) == 0xffff)
            printf(" (removed)");
        printf("\n");
        if (verbose)
            print_verbose(d, numeric);
    }
    if (n == 0) {
        printf("lspci: no PCI devices (configuration space not reachable?)\n");
        return 1;
    }
    return 0;
}
