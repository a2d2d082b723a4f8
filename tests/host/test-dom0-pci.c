/*
 * test-dom0-pci: Dom0's PCI scan (dom0-tools/drivers/pci.c) on a simulated
 * configuration space.
 *
 * The simulated bus answers configuration reads and writes of 1, 2 and 4
 * bytes as hardware does: an absent function reads all-ones, a BAR keeps
 * only the bits its size allows (so all-ones reads back the size mask),
 * the command register is writable, the rest read-only.  It records every
 * BAR write made while the function's decoding was on, which the scan must
 * never do (the device would decode the all-ones probe address).
 *
 * Cases: the order and identity of what is found; single-function devices
 * that answer for every function number (old hardware aliases them) are
 * found once; multi-function devices with holes; BARs of every kind with
 * their sizes, the BARs and command register restored; capability lists
 * that loop, point below 0x40 or run too long; bridges, including ones
 * whose secondary bus loops back; and random configuration spaces: no
 * crash, no read outside the bus (ASan), a bounded list.
 */
#include "htest.h"
#include <stdint.h>
#include "../../dom0-tools/drivers/pci.h"

struct fn {
    bool present;
    uint8_t cfg[256];
    uint32_t bar_mask[6];       /* 0: unimplemented */
    bool upper[6];              /* the high half of a 64-bit BAR: no flags */
    bool alias_all_functions;   /* answers for fn 1-7 as fn 0 */
};

static struct fn bus[4][32][8];
static unsigned int bad_writes;     /* BAR writes with decoding on */
static unsigned int reads;

static struct fn *lookup(uint16_t bdf)
{
    unsigned int b = PCI_BUS(bdf), d = PCI_SLOT(bdf), f = PCI_FUNC(bdf);

    if (b >= 4)
        return NULL;
    if (bus[b][d][0].alias_all_functions)
        f = 0;
    return bus[b][d][f].present ? &bus[b][d][f] : NULL;
}

static uint32_t sim_read(uint16_t bdf, unsigned int off, unsigned int size)
{
    struct fn *f = lookup(bdf);
    uint32_t v = 0;

    reads++;
    CHECK(off + size <= 256 && off % size == 0);
    if (!f)
        return size == 4 ? 0xffffffffu : size == 2 ? 0xffff : 0xff;
    memcpy(&v, f->cfg + off, size);
    return v;
}

static void sim_write(uint16_t bdf, unsigned int off, unsigned int size, uint32_t val)
{
    struct fn *f = lookup(bdf);

    CHECK(off + size <= 256 && off % size == 0);
    if (!f)
        return;
    if (off == PCI_COMMAND && size >= 2) {
        memcpy(f->cfg + off, &val, 2);
        return;
    }
    if (off >= PCI_BAR0 && off < PCI_BAR0 + 24 && size == 4) {
        unsigned int i = (off - PCI_BAR0) / 4;
        uint32_t old, flags;
        uint16_t cmd;
        memcpy(&cmd, f->cfg + PCI_COMMAND, 2);
        if (cmd & (PCI_COMMAND_IO | PCI_COMMAND_MEMORY))
            bad_writes++;
        memcpy(&old, f->cfg + off, 4);
        flags = f->bar_mask[i] && !f->upper[i] ? (old & (old & 1 ? 3u : 15u)) : 0;
        val = (val & f->bar_mask[i]) | flags;
        memcpy(f->cfg + off, &val, 4);
    }
}

static const struct pci_conf_ops sim = { sim_read, sim_write };

static struct fn *add(unsigned int b, unsigned int d, unsigned int f, uint16_t vendor,
                      uint16_t device, uint8_t cls, uint8_t sub, uint8_t hdr)
{
    struct fn *x = &bus[b][d][f];

    memset(x, 0, sizeof(*x));
    x->present = true;
    memcpy(x->cfg + 0, &vendor, 2);
    memcpy(x->cfg + 2, &device, 2);
    x->cfg[PCI_REVISION_ID] = 1;
    x->cfg[0x0a] = sub;
    x->cfg[0x0b] = cls;
    x->cfg[PCI_HEADER_TYPE] = hdr;
    x->cfg[PCI_COMMAND] = PCI_COMMAND_IO | PCI_COMMAND_MEMORY;
    return x;
}

/* BAR i: address and size; kind from flags (bit 0 I/O; bits 2:1 = 2 for
 * 64-bit; bit 3 prefetchable). */
static void bar(struct fn *x, unsigned int i, uint64_t addr, uint64_t size, uint32_t flags)
{
    uint32_t lo = (uint32_t)addr | flags;

    memcpy(x->cfg + PCI_BAR0 + 4 * i, &lo, 4);
    x->bar_mask[i] = (uint32_t)~(size - 1) & (flags & 1 ? ~3u : ~15u);
    if (((flags >> 1) & 3) == 2) {
        uint32_t hi = (uint32_t)(addr >> 32);
        memcpy(x->cfg + PCI_BAR0 + 4 * (i + 1), &hi, 4);
        x->bar_mask[i + 1] = (uint32_t)(~(size - 1) >> 32);
        x->upper[i + 1] = true;
    }
}

static void cap(struct fn *x, uint8_t off, uint8_t id, uint8_t next)
{
    x->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
    if (!x->cfg[PCI_CAPABILITY_LIST])
        x->cfg[PCI_CAPABILITY_LIST] = off;
    x->cfg[off] = id;
    x->cfg[off + 1] = next;
}

static void reset(void)
{
    memset(bus, 0, sizeof(bus));
    bad_writes = reads = 0;
    pci_forget();
}

static struct pci_dev *nth(unsigned int n)
{
    struct pci_dev *d = pci_devices();

    while (d && n--)
        d = d->next;
    return d;
}

HTEST(empty_bus_has_no_devices)
{
    reset();
    CHECK_EQ(pci_scan(&sim), 0);
    CHECK(pci_devices() == NULL);
    CHECK(reads <= 32 * 2);     /* one look per slot, no function scan */
}

HTEST(devices_found_in_order_with_identity)
{
    reset();
    add(0, 0, 0, 0x8086, 0x1237, 6, 0, 0);
    struct fn *v = add(0, 4, 0, 0x1af4, 0x1001, 1, 0, 0);
    v->cfg[PCI_SUBSYSTEM_ID] = 2;
    v->cfg[PCI_INTERRUPT_LINE] = 11;
    v->cfg[PCI_INTERRUPT_PIN] = 1;
    add(0, 31, 0, 0x1234, 0x5678, 0xff, 0, 0);
    CHECK_EQ(pci_scan(&sim), 3);
    CHECK_EQ(nth(0)->bdf, PCI_BDF(0, 0, 0));
    CHECK_EQ(nth(1)->vendor, 0x1af4);
    CHECK_EQ(nth(1)->device, 0x1001);
    CHECK_EQ(nth(1)->class_code, 1);
    CHECK_EQ(nth(1)->subdevice, 2);
    CHECK_EQ(nth(1)->irq_line, 11);
    CHECK_EQ(nth(1)->irq_pin, 1);
    CHECK_EQ(nth(2)->bdf, PCI_BDF(0, 31, 0));
    CHECK(nth(3) == NULL);
}

HTEST(single_function_device_aliasing_functions_is_found_once)
{
    reset();
    add(0, 3, 0, 0x10ec, 0x8139, 2, 0, 0)->alias_all_functions = true;
    CHECK_EQ(pci_scan(&sim), 1);
}

HTEST(multi_function_device_with_holes)
{
    reset();
    add(0, 1, 0, 0x8086, 0x7000, 6, 1, 0x80);
    add(0, 1, 1, 0x8086, 0x7010, 1, 1, 0);
    add(0, 1, 3, 0x8086, 0x7113, 6, 0x80, 0);
    CHECK_EQ(pci_scan(&sim), 3);
    CHECK_EQ(nth(1)->bdf, PCI_BDF(0, 1, 1));
    CHECK_EQ(nth(2)->bdf, PCI_BDF(0, 1, 3));
    CHECK_EQ(nth(0)->header_type, 0);     /* the multi-function bit masked */
}

HTEST(bars_of_every_kind_are_sized_and_restored)
{
    reset();
    struct fn *x = add(0, 5, 0, 0x1af4, 0x1000, 2, 0, 0);
    bar(x, 0, 0xc040, 32, 1);                       /* I/O */
    bar(x, 1, 0xfebf1000, 4096, 0);                 /* 32-bit */
    bar(x, 2, 0x800000000ull, 16384, 4 | 8);        /* 64-bit prefetchable */
    /* BAR 4 unimplemented (mask 0) */
    bar(x, 5, 0xe000, 256, 1);
    x->bar_mask[5] &= 0xffff;   /* a 16-bit I/O decoder: the top reads 0 */
    uint8_t before[256];
    memcpy(before, x->cfg, 256);
    CHECK_EQ(pci_scan(&sim), 1);
    struct pci_dev *d = nth(0);
    CHECK_EQ(d->nr_bars, 6);
    CHECK_EQ(d->bar[0].kind, PCI_BAR_IO);
    CHECK_EQ(d->bar[0].addr, 0xc040);
    CHECK_EQ(d->bar[0].size, 32);
    CHECK_EQ(d->bar[1].kind, PCI_BAR_MEM32);
    CHECK_EQ(d->bar[1].addr, 0xfebf1000);
    CHECK_EQ(d->bar[1].size, 4096);
    CHECK(!d->bar[1].prefetch);
    CHECK_EQ(d->bar[2].kind, PCI_BAR_MEM64);
    CHECK_EQ(d->bar[2].addr, 0x800000000ull);
    CHECK_EQ(d->bar[2].size, 16384);
    CHECK(d->bar[2].prefetch);
    CHECK_EQ(d->bar[3].kind, PCI_BAR_NONE);         /* the 64-bit BAR's upper half */
    CHECK_EQ(d->bar[4].kind, PCI_BAR_NONE);
    CHECK_EQ(d->bar[5].kind, PCI_BAR_IO);
    CHECK_EQ(d->bar[5].size, 256);
    CHECK(!memcmp(before, x->cfg, 256));            /* everything as it was */
    CHECK_EQ(bad_writes, 0);                        /* decoding off while probing */
}

HTEST(capability_lists_good_looping_low_and_long)
{
    reset();
    struct fn *a = add(0, 1, 0, 1, 1, 0xff, 0, 0);
    cap(a, 0x98, PCI_CAP_ID_MSIX, 0x84);
    cap(a, 0x84, PCI_CAP_ID_VNDR, 0x40);
    cap(a, 0x40, PCI_CAP_ID_VNDR, 0);
    struct fn *b = add(0, 2, 0, 1, 2, 0xff, 0, 0);
    cap(b, 0x50, PCI_CAP_ID_MSI, 0x60);
    cap(b, 0x60, PCI_CAP_ID_PM, 0x50);              /* loops */
    struct fn *c = add(0, 3, 0, 1, 3, 0xff, 0, 0);
    cap(c, 0x44, PCI_CAP_ID_PM, 0x10);              /* into the header */
    struct fn *e = add(0, 4, 0, 1, 4, 0xff, 0, 0);
    for (unsigned int i = 0; i < 40; i++)
        cap(e, (uint8_t)(0x40 + 4 * i), 9, (uint8_t)(0x44 + 4 * i));
    struct fn *f = add(0, 6, 0, 1, 6, 0xff, 0, 0);
    f->cfg[PCI_CAPABILITY_LIST] = 0x43;             /* unaligned: masked to 0x40 */
    f->cfg[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
    f->cfg[0x40] = PCI_CAP_ID_EXP;
    f->cfg[0x41] = 0x03;                            /* next 0x03 & 0xfc = 0: end */
    CHECK_EQ(pci_scan(&sim), 5);
    CHECK_EQ(nth(0)->nr_caps, 3);
    CHECK(!nth(0)->caps_truncated);
    CHECK_EQ(pci_find_cap(nth(0), PCI_CAP_ID_MSIX, 0), 0x98);
    CHECK_EQ(pci_find_cap(nth(0), PCI_CAP_ID_VNDR, 0), 0x84);
    CHECK_EQ(pci_find_cap(nth(0), PCI_CAP_ID_VNDR, 0x84), 0);   /* ">" is offset order */
    CHECK_EQ(nth(1)->nr_caps, 2);
    CHECK(nth(1)->caps_truncated);
    CHECK_EQ(nth(2)->nr_caps, 1);
    CHECK(nth(2)->caps_truncated);
    CHECK_EQ(nth(3)->nr_caps, PCI_MAX_CAPS);
    CHECK(nth(3)->caps_truncated);
    CHECK_EQ(nth(4)->nr_caps, 1);
    CHECK_EQ(nth(4)->cap[0].off, 0x40);
    CHECK(!nth(4)->caps_truncated);
}

HTEST(bridges_are_followed_once)
{
    reset();
    add(0, 0, 0, 0x8086, 0x1237, 6, 0, 0);
    struct fn *br = add(0, 30, 0, 0x1b36, 0x0001, 6, 4, 1);
    br->cfg[PCI_SECONDARY_BUS] = 1;
    add(0, 31, 0, 0x1af4, 0x1000, 2, 0, 0);
    add(1, 0, 0, 0x1af4, 0x1001, 1, 0, 0);
    struct fn *br2 = add(1, 2, 0, 0x1b36, 0x0001, 6, 4, 1);
    br2->cfg[PCI_SECONDARY_BUS] = 2;
    add(2, 7, 0, 0x1af4, 0x1001, 1, 0, 0);
    struct fn *loop = add(2, 9, 0, 0x1b36, 0x0001, 6, 4, 1);
    loop->cfg[PCI_SECONDARY_BUS] = 1;               /* back up: ignored */
    struct fn *self = add(1, 3, 0, 0x1b36, 0x0001, 6, 4, 1);
    self->cfg[PCI_SECONDARY_BUS] = 1;               /* itself: ignored */
    CHECK_EQ(pci_scan(&sim), 8);
    CHECK_EQ(nth(2)->bdf, PCI_BDF(0, 31, 0));       /* bus 0 first */
    CHECK_EQ(nth(3)->bdf, PCI_BDF(1, 0, 0));
    CHECK_EQ(nth(0 + 1)->secondary_bus, 1);
    CHECK_EQ(nth(1)->nr_bars, 2);
    CHECK_EQ(nth(6)->bdf, PCI_BDF(2, 7, 0));
    CHECK_EQ(nth(7)->bdf, PCI_BDF(2, 9, 0));
}

HTEST(rescanning_replaces_the_list)
{
    reset();
    add(0, 1, 0, 1, 1, 0xff, 0, 0);
    CHECK_EQ(pci_scan(&sim), 1);
    add(0, 2, 0, 1, 2, 0xff, 0, 0);
    CHECK_EQ(pci_scan(&sim), 2);
    CHECK_EQ(nth(1)->device, 2);
}

HTEST(random_configuration_spaces)
{
    srand(1234);
    for (int round = 0; round < 300; round++) {
        reset();
        for (unsigned int b = 0; b < 4; b++)
            for (unsigned int d = 0; d < 32; d++)
                if (rand() % 3 == 0)
                    for (unsigned int f = 0; f < 8; f++) {
                        struct fn *x = &bus[b][d][f];
                        x->present = rand() % 2;
                        for (unsigned int i = 0; i < 256; i++)
                            x->cfg[i] = (uint8_t)rand();
                        for (unsigned int i = 0; i < 6; i++)
                            x->bar_mask[i] = (uint32_t)rand() << 4;
                        x->cfg[0] = (uint8_t)(rand() % 4 ? x->cfg[0] : 0xff);
                    }
        int n = pci_scan(&sim);
        CHECK(n >= 0 && n <= 4 * 32 * 8);
        for (struct pci_dev *d = pci_devices(); d; d = d->next) {
            CHECK(d->nr_caps <= PCI_MAX_CAPS);
            for (unsigned int i = 0; i < d->nr_caps; i++)
                CHECK(d->cap[i].off >= 0x40 && d->cap[i].off % 4 == 0);
        }
    }
    pci_forget();
}
