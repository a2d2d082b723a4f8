/*
 * PCI enumeration (pci.h says what the scan does and why).  Portable: the
 * host tests compile this file against a simulated bus.
 *
 * Nothing read from configuration space is trusted beyond its register:
 * capability pointers are masked to dword alignment, must lie in
 * 0x40..0xfc, and the walk stops after PCI_MAX_CAPS entries or at a
 * pointer already seen (a loop); a bridge's secondary bus is scanned only
 * if no bus of that number was scanned before.
 */
#include "pci.h"
#include <stdlib.h>
#include <string.h>
#include <errno.h>

static const struct pci_conf_ops *conf;
static struct pci_dev *devs, **devs_tail = &devs;
static uint8_t bus_seen[256 / 8];

uint32_t pci_read(const struct pci_dev *d, unsigned int off, unsigned int size)
{
    return conf->read(d->bdf, off, size);
}

void pci_write(const struct pci_dev *d, unsigned int off, unsigned int size, uint32_t val)
{
    conf->write(d->bdf, off, size, val);
}

void pci_command_set(const struct pci_dev *d, uint16_t set, uint16_t clear)
{
    uint16_t cmd = (uint16_t)pci_read(d, PCI_COMMAND, 2);

    pci_write(d, PCI_COMMAND, 2, (uint16_t)((cmd & ~clear) | set));
}

unsigned int pci_find_cap(const struct pci_dev *d, uint8_t id, unsigned int from)
{
    for (unsigned int i = 0; i < d->nr_caps; i++)
        if (d->cap[i].id == id && d->cap[i].off > from)
            return d->cap[i].off;
    return 0;
}

static uint32_t lowest_bit(uint64_t v)
{
    return v ? (uint32_t)__builtin_ctzll(v) : 64;
}

/* Size BAR i (decoding is off); returns how many BAR slots it used. */
static unsigned int size_bar(struct pci_dev *d, unsigned int i, unsigned int nr)
{
    unsigned int off = PCI_BAR0 + 4 * i;
    uint32_t orig = pci_read(d, off, 4), probe, hi_orig = 0, hi_probe = 0;
    struct pci_bar *b = &d->bar[i];

    pci_write(d, off, 4, 0xffffffffu);
    probe = pci_read(d, off, 4);
    pci_write(d, off, 4, orig);
    if (probe == 0 || probe == 0xffffffffu) {
        /* Unimplemented (reads 0), or a device that vanished. */
        b->kind = PCI_BAR_NONE;
        return 1;
    }
    if (orig & 1) {
        uint64_t mask = probe & 0xfffffffcu;
        if ((mask & 0xffff0000u) == 0)
            mask |= 0xffff0000u;        /* 16-bit I/O decoders leave the top 0 */
        b->kind = PCI_BAR_IO;
        b->addr = orig & 0xfffffffcu;
        b->size = 1ull << lowest_bit(mask);
        return 1;
    }
    b->prefetch = orig & 8;
    if (((orig >> 1) & 3) == 2 && i + 1 < nr) {
        hi_orig = pci_read(d, off + 4, 4);
        pci_write(d, off + 4, 4, 0xffffffffu);
        hi_probe = pci_read(d, off + 4, 4);
        pci_write(d, off + 4, 4, hi_orig);
        b->kind = PCI_BAR_MEM64;
        b->addr = ((uint64_t)hi_orig << 32) | (orig & 0xfffffff0u);
        uint64_t mask = ((uint64_t)hi_probe << 32) | (probe & 0xfffffff0u);
        b->size = mask ? 1ull << lowest_bit(mask) : 0;
        if (!b->size)
            b->kind = PCI_BAR_NONE;
        return 2;
    }
    b->kind = PCI_BAR_MEM32;
    b->addr = orig & 0xfffffff0u;
    uint32_t mask = probe & 0xfffffff0u;
    b->size = mask ? 1ull << lowest_bit(mask) : 0;
    if (!b->size)
        b->kind = PCI_BAR_NONE;
    return 1;
}

static void read_bars(struct pci_dev *d)
{
    uint16_t cmd = (uint16_t)pci_read(d, PCI_COMMAND, 2);

    d->nr_bars = d->header_type == 0 ? 6 : d->header_type == 1 ? 2 : 0;
    if (!d->nr_bars)
        return;
    pci_write(d, PCI_COMMAND, 2, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
    for (unsigned int i = 0; i < d->nr_bars;)
        i += size_bar(d, i, d->nr_bars);
    pci_write(d, PCI_COMMAND, 2, cmd);
}

static void read_caps(struct pci_dev *d)
{
    uint8_t seen[256 / 8] = { 0 };
    unsigned int ptr;

    if (!(pci_read(d, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
        return;
    ptr = pci_read(d, d->header_type == 2 ? 0x14 : PCI_CAPABILITY_LIST, 1) & 0xfc;
    while (ptr) {
        if (ptr < 0x40 || (seen[ptr / 8] & (1u << (ptr % 8))) || d->nr_caps == PCI_MAX_CAPS) {
            d->caps_truncated = true;
            return;
        }
        seen[ptr / 8] |= (uint8_t)(1u << (ptr % 8));
        d->cap[d->nr_caps].id = (uint8_t)pci_read(d, ptr, 1);
        d->cap[d->nr_caps].off = (uint8_t)ptr;
        d->nr_caps++;
        ptr = pci_read(d, ptr + 1, 1) & 0xfc;
    }
}

static int add_function(unsigned int bus, unsigned int slot, unsigned int fn, uint8_t *hdr)
{
    uint16_t bdf = PCI_BDF(bus, slot, fn);
    uint32_t id = conf->read(bdf, PCI_VENDOR_ID, 4);
    struct pci_dev *d;

    if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
        return 0;
    if (!(d = calloc(1, sizeof(*d))))
        return -ENOMEM;
    d->bdf = bdf;
    d->vendor = (uint16_t)id;
    d->device = (uint16_t)(id >> 16);
    uint32_t cls = conf->read(bdf, PCI_REVISION_ID, 4);
    d->revision = (uint8_t)cls;
    d->prog_if = (uint8_t)(cls >> 8);
    d->subclass = (uint8_t)(cls >> 16);
    d->class_code = (uint8_t)(cls >> 24);
    *hdr = (uint8_t)conf->read(bdf, PCI_HEADER_TYPE, 1);
    d->header_type = *hdr & 0x7f;
    if (d->header_type == 0) {
        d->subvendor = (uint16_t)conf->read(bdf, PCI_SUBSYSTEM_VENDOR_ID, 2);
        d->subdevice = (uint16_t)conf->read(bdf, PCI_SUBSYSTEM_ID, 2);
    }
    uint16_t irq = (uint16_t)conf->read(bdf, PCI_INTERRUPT_LINE, 2);
    d->irq_line = (uint8_t)irq;
    d->irq_pin = (uint8_t)(irq >> 8);
    read_bars(d);
    read_caps(d);
    *devs_tail = d;
    devs_tail = &d->next;
    if (d->header_type == 1)
        d->secondary_bus = (uint8_t)conf->read(bdf, PCI_SECONDARY_BUS, 1);
    return 1;
}

static void scan_bus(unsigned int bus, unsigned int depth)
{
    struct pci_dev **first = devs_tail;

    if (depth > 8 || (bus_seen[bus / 8] & (1u << (bus % 8))))
        return;
    bus_seen[bus / 8] |= (uint8_t)(1u << (bus % 8));
    for (unsigned int slot = 0; slot < 32; slot++) {
        for (unsigned int fn = 0; fn < 8; fn++) {
            uint8_t hdr = 0;
            int rc = add_function(bus, slot, fn, &hdr);
            if (rc <= 0 && fn == 0)
                break;                  /* no function 0: no device */
            if (fn == 0 && !(hdr & 0x80))
                break;                  /* single-function */
        }
    }
    /* The buses behind this one's bridges, after it: the list stays in
     * bus order when the firmware numbered buses depth-first upwards. */
    for (struct pci_dev *d = *first; d; d = d->next)
        if (PCI_BUS(d->bdf) == bus && d->header_type == 1 && d->secondary_bus > bus)
            scan_bus(d->secondary_bus, depth + 1);
}

void pci_forget(void)
{
    while (devs) {
        struct pci_dev *d = devs;
        devs = d->next;
        free(d);
    }
    devs_tail = &devs;
    memset(bus_seen, 0, sizeof(bus_seen));
}

int pci_scan(const struct pci_conf_ops *ops)
{
    int n = 0;

    pci_forget();
    conf = ops;
    scan_bus(0, 0);
    for (struct pci_dev *d = devs; d; d = d->next)
        n++;
    return n;
}

struct pci_dev *pci_devices(void)
{
    return devs;
}
