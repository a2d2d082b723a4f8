/*
 * PCI configuration space rules: what the hypervisor keeps for itself
 * when a guest writes configuration space (mica/pci.h has the model).
 *
 * The hypervisor owns a device's interrupt messages.  With MSI the
 * message (address and data) decides which CPU and which vector the
 * device's write lands on, so a guest that could write it could raise the
 * hypervisor's timer or IPI vectors, or any other domain's interrupts; the
 * enable and multiple-message fields decide how many vectors the device
 * uses.  So every byte of an MSI capability after its ID and next pointer
 * -- message control, address (32 or 64 bits), data, and the per-vector
 * mask and pending bits when present -- is the hypervisor's, and so is an
 * MSI-X capability's message control word (enable, function mask).  The
 * MSI-X table itself lives in a BAR, i.e. in MMIO, and is protected by the
 * MMIO mapping rules (docs/devices.md), not here.
 *
 * The capability list is walked at each guest write instead of being
 * cached: it is read-only in hardware, a walk is a handful of
 * configuration reads, and guests write configuration space rarely
 * (enumeration, BAR sizing, command register).  A walk never runs more
 * than 48 steps, so a device with a looping list cannot hang it.
 *
 * Devices named with pci_ro= are the hypervisor's: every byte is.  Xen
 * has the same notion (its read-only device map, used for a PCI serial
 * console); Mica uses no PCI device itself today, so the list is the
 * administrator's.
 *
 * The device list is Xen's: what the boot scan found, plus what the
 * initial domain reports (PHYSDEVOP manage_pci_add*, pci_device_add),
 * minus what it removes; MSI is set up only for listed functions
 * (pirq.c), and a function with MSI in use cannot be removed (-EBUSY:
 * Xen would tear its MSIs down under the domain's feet).
 *
 * Generic code, host-tested (test-pci) with a fake configuration space.
 */
#include <mica/pci.h>
#include <mica/errno.h>
#include <mica/lib.h>
#include <public/physdev.h>

static uint8_t ro_map[65536 / 8];       /* bit bdf: read-only device */

static struct pci_dev {
    uint16_t bdf, physfn;
    uint32_t flags;                     /* XEN_PCI_DEV_* */
} devs[PCI_MAX_DEVS];
static unsigned int nr_devs;

unsigned int pci_find_cap(uint16_t bdf, uint8_t id)
{
    unsigned int pos;

    if ((arch_pci_conf_read(bdf, PCI_VENDOR_ID, 2) & 0xffff) == 0xffff)
        return 0;
    if (!(arch_pci_conf_read(bdf, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST))
        return 0;
    if ((arch_pci_conf_read(bdf, PCI_HEADER_TYPE, 1) & 0x7f) > 1)
        return 0;                       /* CardBus bridges keep the list elsewhere */
    pos = arch_pci_conf_read(bdf, PCI_CAPABILITY_LIST, 1) & 0xfc;
    for (unsigned int steps = 0; pos >= 0x40 && steps < 48; steps++) {
        uint32_t hdr = arch_pci_conf_read(bdf, pos, 2);
        if ((hdr & 0xff) == 0xff)
            return 0;
        if ((hdr & 0xff) == id)
            return pos;
        pos = (hdr >> 8) & 0xfc;
    }
    return 0;
}

unsigned int pci_msi_cap_size(uint16_t flags)
{
    unsigned int size = (flags & PCI_MSI_FLAGS_64BIT) ? 14 : 10;   /* up to the data */

    if (flags & PCI_MSI_FLAGS_MASKBIT)
        size = (flags & PCI_MSI_FLAGS_64BIT) ? 24 : 20;          /* mask and pending */
    return size;
}

/* Bits for the bytes of [reg, reg+size) that fall in [first, last]. */
static unsigned int overlap(unsigned int reg, unsigned int size,
                            unsigned int first, unsigned int last)
{
    unsigned int bits = 0;

    for (unsigned int i = 0; i < size; i++)
        if (reg + i >= first && reg + i <= last)
            bits |= 1u << i;
    return bits;
}

unsigned int pci_cfg_write_protected(uint16_t bdf, unsigned int reg, unsigned int size)
{
    unsigned int all = (1u << size) - 1, bits = 0, pos;

    if (pci_is_ro(bdf))
        return all;
    if (reg + size <= 0x40)
        return 0;                       /* the header holds nothing of ours */
    if ((pos = pci_find_cap(bdf, PCI_CAP_ID_MSI))) {
        uint16_t flags = (uint16_t)arch_pci_conf_read(bdf, pos + PCI_MSI_FLAGS, 2);
        bits |= overlap(reg, size, pos + PCI_MSI_FLAGS, pos + pci_msi_cap_size(flags) - 1);
    }
    if ((pos = pci_find_cap(bdf, PCI_CAP_ID_MSIX)))
        bits |= overlap(reg, size, pos + PCI_MSIX_FLAGS, pos + PCI_MSIX_FLAGS + 1);
    return bits & all;
}

/* ---- the device list ------------------------------------------------ */

static struct pci_dev *dev_find(uint16_t bdf)
{
    for (unsigned int i = 0; i < nr_devs; i++)
        if (devs[i].bdf == bdf)
            return &devs[i];
    return NULL;
}

bool pci_dev_known(uint16_t bdf)
{
    return dev_find(bdf) != NULL;
}

unsigned int pci_dev_count(void)
{
    return nr_devs;
}

static int add_one(uint16_t bdf, uint32_t flags, uint16_t physfn)
{
    struct pci_dev *p = dev_find(bdf);

    if (!p) {
        if (nr_devs == PCI_MAX_DEVS)
            return -ENOMEM;
        p = &devs[nr_devs++];
        p->bdf = bdf;
    }
    p->flags = flags;
    p->physfn = physfn;
    return 0;
}

int pci_dev_add(uint16_t bdf, uint32_t flags, uint16_t physfn)
{
    flags &= XEN_PCI_DEV_EXTFN | XEN_PCI_DEV_VIRTFN;
    if (flags & XEN_PCI_DEV_VIRTFN) {
        if (!dev_find(physfn) && nr_devs + 1 >= PCI_MAX_DEVS && !dev_find(bdf))
            return -ENOMEM;             /* both or neither */
        int rc = add_one(physfn, 0, 0);
        if (rc)
            return rc;
    }
    return add_one(bdf, flags, (flags & XEN_PCI_DEV_VIRTFN) ? physfn : 0);
}

int pci_dev_remove(uint16_t bdf)
{
    struct pci_dev *p = dev_find(bdf);

    if (!p)
        return -ENODEV;
    if (arch_msi_in_use(bdf))
        return -EBUSY;
    *p = devs[--nr_devs];
    return 0;
}

/* Every function on every bus: function 0 of each slot, the others when
 * its header says multi-function. */
void pci_scan(void)
{
    for (unsigned int bus = 0; bus < 256; bus++)
        for (unsigned int slot = 0; slot < 32; slot++)
            for (unsigned int fn = 0; fn < 8; fn++) {
                uint16_t bdf = PCI_BDF(bus, slot, fn);
                if ((arch_pci_conf_read(bdf, PCI_VENDOR_ID, 2) & 0xffff) == 0xffff) {
                    if (fn == 0)
                        break;
                    continue;
                }
                add_one(bdf, 0, 0);
                if (fn == 0 && !(arch_pci_conf_read(bdf, PCI_HEADER_TYPE, 1) & 0x80))
                    break;
            }
}

/* ---- pci_ro= -------------------------------------------------------- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Parse hex digits up to `max`; advance *s.  -1 if none or too big. */
static long parse_hex(const char **s, long max)
{
    long v = 0;
    int n = 0, d;

    while ((d = hexval(**s)) >= 0) {
        v = v * 16 + d;
        if (v > max)
            return -1;
        (*s)++, n++;
    }
    return n ? v : -1;
}

/*
 * "BB:DD.F[,BB:DD.F...]" in hex, as lspci prints them (an optional
 * "0000:" segment is accepted).  All or nothing: a bad item leaves the
 * map as it was.
 */
int pci_parse_ro(const char *s)
{
    uint16_t found[64];
    unsigned int n = 0;

    while (*s) {
        const char *p = s;
        long bus = parse_hex(&p, 0xffff), dev, fn;
        if (bus >= 0 && *p == ':' && p - s == 4) {      /* a segment */
            if (bus != 0)
                return -1;
            p++;
            bus = parse_hex(&p, 0xff);
        }
        if (bus < 0 || bus > 0xff || *p++ != ':')
            return -1;
        if ((dev = parse_hex(&p, 0x1f)) < 0 || *p++ != '.')
            return -1;
        if ((fn = parse_hex(&p, 7)) < 0 || (*p && *p != ',') || n == 64)
            return -1;
        found[n++] = PCI_BDF(bus, dev, fn);
        s = *p ? p + 1 : p;
        if (*p && !*s)
            return -1;                  /* trailing comma */
    }
    for (unsigned int i = 0; i < n; i++)
        ro_map[found[i] / 8] |= (uint8_t)(1u << (found[i] & 7));
    return n ? 0 : -1;
}

bool pci_is_ro(uint16_t bdf)
{
    return ro_map[bdf / 8] & (1u << (bdf & 7));
}
