/*
 * test-pci: the configuration-space rules of hypervisor/common/pci.c
 * against a fake configuration space.
 *
 * The capability walk finds MSI and MSI-X where the list puts them, stops
 * on a looping list, ignores a device without the capability bit, an
 * absent device and a CardBus header.  The protected bytes: none in the
 * header, the MSI capability from its control word to its end for each of
 * the four layouts (32/64-bit, with/without per-vector masks) and not a
 * byte beyond, MSI-X message control only; every byte of a pci_ro=
 * device.  The device list: the scan's multi-function rule, adding
 * (idempotent, a virtual function with its parent, both or neither when
 * full), removing (unlisted -ENODEV, MSI in use -EBUSY).  pci_ro= parsing: good lists (with a segment) and every bad
 * form refused whole, the map unchanged.
 */
#include "htest.h"
#include <mica/pci.h>
#include <mica/errno.h>

static uint8_t cfg[256][256];           /* devices 00:00.0 - 00:1f.7 */
static bool present[256];

uint32_t arch_pci_conf_read(uint16_t bdf, unsigned int reg, unsigned int size)
{
    uint32_t v = 0;

    if (bdf >= 256 || !present[bdf])
        return 0xffffffffu;
    for (unsigned int i = 0; i < size; i++)
        v |= (uint32_t)cfg[bdf][reg + i] << (8 * i);
    return v;
}

void arch_pci_conf_write(uint16_t bdf, unsigned int reg, unsigned int size, uint32_t val)
{
}

static int msi_user = -1;               /* the function the fake MSI code holds */
bool arch_msi_in_use(uint16_t bdf) { return bdf == msi_user; }
void arch_msi_restore(uint16_t bdf) { }

/* A device at bdf with caps: list of (id, pos), linked in order. */
static void make_dev(uint16_t bdf, const uint8_t (*caps)[2], unsigned int n)
{
    memset(cfg[bdf], 0, 256);
    present[bdf] = true;
    cfg[bdf][0] = 0x34, cfg[bdf][1] = 0x12;
    if (!n)
        return;
    cfg[bdf][PCI_STATUS] = PCI_STATUS_CAP_LIST;
    cfg[bdf][PCI_CAPABILITY_LIST] = caps[0][1];
    for (unsigned int i = 0; i < n; i++) {
        cfg[bdf][caps[i][1]] = caps[i][0];
        cfg[bdf][caps[i][1] + 1] = i + 1 < n ? caps[i + 1][1] : 0;
    }
}

HTEST(finds_capabilities_and_survives_bad_lists)
{
    static const uint8_t caps[][2] = { { 0x01, 0x40 }, { 0x05, 0x50 }, { 0x11, 0x70 } };

    make_dev(8, caps, 3);
    CHECK_EQ(pci_find_cap(8, PCI_CAP_ID_MSI), 0x50);
    CHECK_EQ(pci_find_cap(8, PCI_CAP_ID_MSIX), 0x70);
    CHECK_EQ(pci_find_cap(8, 0x10), 0);
    cfg[8][0x71] = 0x40;                /* a loop */
    CHECK_EQ(pci_find_cap(8, 0x10), 0);
    cfg[8][PCI_STATUS] = 0;             /* no list */
    CHECK_EQ(pci_find_cap(8, PCI_CAP_ID_MSI), 0);
    CHECK_EQ(pci_find_cap(9, PCI_CAP_ID_MSI), 0);   /* absent */
    make_dev(10, caps, 3);
    cfg[10][PCI_HEADER_TYPE] = 0x82;    /* CardBus, multifunction */
    CHECK_EQ(pci_find_cap(10, PCI_CAP_ID_MSI), 0);
    cfg[10][PCI_HEADER_TYPE] = 0x81;    /* a bridge has the list at 0x34 */
    CHECK_EQ(pci_find_cap(10, PCI_CAP_ID_MSI), 0x50);
}

HTEST(msi_sizes)
{
    CHECK_EQ(pci_msi_cap_size(0), 10);
    CHECK_EQ(pci_msi_cap_size(PCI_MSI_FLAGS_64BIT), 14);
    CHECK_EQ(pci_msi_cap_size(PCI_MSI_FLAGS_MASKBIT), 20);
    CHECK_EQ(pci_msi_cap_size(PCI_MSI_FLAGS_MASKBIT | PCI_MSI_FLAGS_64BIT), 24);
}

HTEST(protects_msi_and_msix_control_only)
{
    static const uint8_t caps[][2] = { { 0x05, 0x50 }, { 0x11, 0x70 } };
    static const uint16_t layouts[] = { 0, PCI_MSI_FLAGS_64BIT, PCI_MSI_FLAGS_MASKBIT,
                                        PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_MASKBIT };

    make_dev(16, caps, 2);
    for (unsigned int l = 0; l < 4; l++) {
        unsigned int end = 0x50 + pci_msi_cap_size(layouts[l]);
        cfg[16][0x52] = (uint8_t)layouts[l];
        cfg[16][0x53] = (uint8_t)(layouts[l] >> 8);
        for (unsigned int reg = 0x40; reg < 0x70; reg++) {
            bool want = reg >= 0x52 && reg < end;
            CHECK_EQ(pci_cfg_write_protected(16, reg, 1), want);
        }
        CHECK_EQ(pci_cfg_write_protected(16, 0x50, 4), 0xc);
        CHECK_EQ(pci_cfg_write_protected(16, 0x50, 2), 0);       /* ID, next (RO anyway) */
        CHECK_EQ(pci_cfg_write_protected(16, end & ~3u, 4) & 1, (end & 3) ? 1 : 0);
    }
    CHECK_EQ(pci_cfg_write_protected(16, 0x70, 4), 0xc);
    CHECK_EQ(pci_cfg_write_protected(16, 0x72, 2), 0x3);
    CHECK_EQ(pci_cfg_write_protected(16, 0x73, 1), 0x1);
    CHECK_EQ(pci_cfg_write_protected(16, 0x74, 4), 0);          /* table offset/BIR */
    CHECK_EQ(pci_cfg_write_protected(16, 0x04, 2), 0);          /* command */
    CHECK_EQ(pci_cfg_write_protected(16, 0x10, 4), 0);          /* a BAR */
    CHECK_EQ(pci_cfg_write_protected(16, 0x3c, 4), 0);
}

HTEST(device_list_scan_add_remove)
{
    memset(present, 0, sizeof(present));
    make_dev(PCI_BDF(0, 0, 0), NULL, 0);
    make_dev(PCI_BDF(0, 3, 0), NULL, 0);
    make_dev(PCI_BDF(0, 3, 2), NULL, 0);        /* fn 0 not multi-function: unseen */
    make_dev(PCI_BDF(0, 4, 0), NULL, 0);
    cfg[PCI_BDF(0, 4, 0)][PCI_HEADER_TYPE] = 0x80;
    make_dev(PCI_BDF(0, 4, 5), NULL, 0);
    make_dev(PCI_BDF(0, 9, 1), NULL, 0);        /* no function 0: unseen */
    pci_scan();
    CHECK_EQ(pci_dev_count(), 4);
    CHECK(pci_dev_known(PCI_BDF(0, 3, 0)) && pci_dev_known(PCI_BDF(0, 4, 5)));
    CHECK(!pci_dev_known(PCI_BDF(0, 3, 2)) && !pci_dev_known(PCI_BDF(0, 9, 1)));

    CHECK_EQ(pci_dev_add(PCI_BDF(0, 9, 1), 0, 0), 0);
    CHECK_EQ(pci_dev_add(PCI_BDF(0, 9, 1), 0, 0), 0);           /* idempotent */
    CHECK_EQ(pci_dev_count(), 5);
    CHECK_EQ(pci_dev_add(PCI_BDF(2, 0, 1), 2 /* VIRTFN */, PCI_BDF(2, 0, 0)), 0);
    CHECK(pci_dev_known(PCI_BDF(2, 0, 0)));
    CHECK_EQ(pci_dev_count(), 7);
    msi_user = PCI_BDF(0, 3, 0);
    CHECK_EQ(pci_dev_remove(PCI_BDF(0, 3, 0)), -EBUSY);
    msi_user = -1;
    CHECK_EQ(pci_dev_remove(PCI_BDF(0, 3, 0)), 0);
    CHECK_EQ(pci_dev_remove(PCI_BDF(0, 3, 0)), -ENODEV);
    CHECK(pci_dev_known(PCI_BDF(0, 4, 5)));                     /* the others stay */

    /* Full: refused whole, a virtual function and its parent together. */
    unsigned int n = pci_dev_count();
    for (unsigned int i = 0; n + i < PCI_MAX_DEVS; i++)
        CHECK_EQ(pci_dev_add(PCI_BDF(100 + i / 256, (i / 8) % 32, i % 8), 0, 0), 0);
    CHECK_EQ(pci_dev_add(PCI_BDF(250, 0, 0), 0, 0), -ENOMEM);
    CHECK_EQ(pci_dev_remove(PCI_BDF(0, 9, 1)), 0);
    CHECK_EQ(pci_dev_add(PCI_BDF(251, 0, 1), 2, PCI_BDF(251, 0, 0)), -ENOMEM);
    CHECK(!pci_dev_known(PCI_BDF(251, 0, 0)));
    CHECK_EQ(pci_dev_add(PCI_BDF(251, 0, 1), 0, 0), 0);
}

HTEST(read_only_devices)
{
    CHECK_EQ(pci_parse_ro(""), -1);
    CHECK_EQ(pci_parse_ro("00:05.0,"), -1);
    CHECK_EQ(pci_parse_ro("00:20.0"), -1);          /* slot 32 */
    CHECK_EQ(pci_parse_ro("00:05.8"), -1);
    CHECK_EQ(pci_parse_ro("100:05.0"), -1);         /* bus 256 */
    CHECK_EQ(pci_parse_ro("0001:00:05.0"), -1);     /* segment 1 */
    CHECK_EQ(pci_parse_ro("00:05.0x"), -1);
    CHECK_EQ(pci_parse_ro("00:04.0,zz"), -1);       /* all or nothing */
    CHECK(!pci_is_ro(PCI_BDF(0, 4, 0)));
    CHECK_EQ(pci_parse_ro("00:05.0,0000:3a:1f.7"), 0);
    CHECK(pci_is_ro(PCI_BDF(0, 5, 0)));
    CHECK(pci_is_ro(PCI_BDF(0x3a, 0x1f, 7)));
    CHECK(!pci_is_ro(PCI_BDF(0, 5, 1)));
    CHECK_EQ(pci_cfg_write_protected(PCI_BDF(0, 5, 0), 0x3c, 4), 0xf);
    CHECK_EQ(pci_cfg_write_protected(PCI_BDF(0, 5, 0), 0x04, 1), 0x1);
}
