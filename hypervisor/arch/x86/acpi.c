/*
 * Finding ACPI tables, and reading the MADT.
 *
 * Why ACPI's MADT and not the MP tables for the IO-APICs: every PC since
 * the mid-2000s has a MADT (UEFI machines often have no MP table at all),
 * QEMU's SeaBIOS and OVMF both provide one, and it carries exactly what
 * the interrupt setup needs -- each IO-APIC's address and first GSI, and
 * the interrupt source overrides that say where an ISA IRQ really lands
 * (QEMU's timer: IRQ 0 -> GSI 2) and with which trigger and polarity (its
 * PCI lines 5, 9, 10 and 11: level, active high).  Routing PCI INTx pins
 * on real machines needs the DSDT's _PRT, i.e. an AML interpreter: that
 * is the initial domain's business (it tells us with PHYSDEVOP_setup_gsi,
 * as a Linux Dom0 does on Xen), not the hypervisor's.
 *
 * The RSDP comes from the boot loader (multiboot2) or the BIOS areas;
 * tables are read in place through the direct map, checked for their
 * checksum and for lying below 4 GiB.  acpi_parse_madt is pure (bounds
 * checked entry by entry), so a malformed table is refused, never
 * overrun.
 */
#include <mica/types.h>
#include <mica/lib.h>
#include <asm/page.h>
#include <asm/multiboot.h>
#include <asm/acpi.h>

struct __packed acpi_rsdp {
    char sig[8];
    uint8_t csum;
    char oem[6];
    uint8_t rev;
    uint32_t rsdt;
    uint32_t len;
    uint64_t xsdt;
};

#define ACPI_MAX_PADDR (4ULL << 30)   /* tables must be in the boot direct map */

static bool checksum_ok(const void *p, size_t n)
{
    uint8_t s = 0;
    for (size_t i = 0; i < n; i++)
        s += ((const uint8_t *)p)[i];
    return s == 0;
}

static const struct acpi_rsdp *find_rsdp(void)
{
    if (boot_info.rsdp && !memcmp(boot_info.rsdp_copy, "RSD PTR ", 8))
        return (const struct acpi_rsdp *)boot_info.rsdp_copy;
    uint64_t ebda = (uint64_t)(*(const uint16_t *)__va(0x40e)) << 4;
    uint64_t ranges[2][2] = { { ebda, ebda + 1024 }, { 0xe0000, 0x100000 } };
    for (int r = 0; r < 2; r++) {
        if (ranges[r][0] < 0x400)
            continue;
        for (uint64_t p = ranges[r][0]; p + 20 <= ranges[r][1]; p += 16) {
            const struct acpi_rsdp *rsdp = __va(p);
            if (!memcmp(rsdp->sig, "RSD PTR ", 8) && checksum_ok(rsdp, 20))
                return rsdp;
        }
    }
    return NULL;
}

const struct acpi_hdr *acpi_map_table(uint64_t pa)
{
    if (pa == 0 || pa + sizeof(struct acpi_hdr) > ACPI_MAX_PADDR)
        return NULL;
    const struct acpi_hdr *h = __va(pa);
    if (h->len < sizeof(*h) || pa + h->len > ACPI_MAX_PADDR || !checksum_ok(h, h->len))
        return NULL;
    return h;
}

const struct acpi_hdr *acpi_find_table(const char *sig)
{
    const struct acpi_rsdp *rsdp = find_rsdp();
    if (!rsdp)
        return NULL;
    bool x = rsdp->rev >= 2 && rsdp->xsdt;
    const struct acpi_hdr *root = acpi_map_table(x ? rsdp->xsdt : rsdp->rsdt);
    if (!root)
        return NULL;
    size_t esz = x ? 8 : 4;
    size_t n = (root->len - sizeof(*root)) / esz;
    const uint8_t *ents = (const uint8_t *)(root + 1);
    for (size_t i = 0; i < n; i++) {
        uint64_t pa = 0;
        memcpy(&pa, ents + i * esz, esz);
        const struct acpi_hdr *t = acpi_map_table(pa);
        if (t && !memcmp(t->sig, sig, 4))
            return t;
    }
    return NULL;
}

/*
 * MADT: the header, LAPIC address u32 @36, flags u32 @40 (bit 0
 * PCAT_COMPAT), then entries {type u8, length u8, ...}:
 *   1 IO-APIC            id u8 @2, address u32 @4, GSI base u32 @8
 *   2 source override    bus u8 @2, source u8 @3, GSI u32 @4, flags u16 @8
 */
bool acpi_parse_madt(const void *table, size_t len, struct acpi_madt_info *m)
{
    const uint8_t *t = table;

    memset(m, 0, sizeof(*m));
    if (len < 44)
        return false;
    memcpy(&m->lapic_addr, t + 36, 4);
    uint32_t flags;
    memcpy(&flags, t + 40, 4);
    m->pic_present = flags & 1;
    for (size_t off = 44; off + 2 <= len;) {
        uint8_t type = t[off], elen = t[off + 1];
        if (elen < 2 || off + elen > len)
            return false;
        if (type == 1 && elen >= 12 && m->nr_ioapics < ACPI_MAX_IOAPICS) {
            struct acpi_ioapic *a = &m->ioapic[m->nr_ioapics++];
            a->id = t[off + 2];
            memcpy(&a->addr, t + off + 4, 4);
            memcpy(&a->gsi_base, t + off + 8, 4);
        } else if (type == 2 && elen >= 10 && m->nr_overrides < ACPI_MAX_OVERRIDES) {
            struct acpi_override *o = &m->override[m->nr_overrides];
            uint16_t f;
            if (t[off + 2] != 0 || t[off + 3] >= 16) {  /* ISA bus only */
                off += elen;
                continue;
            }
            o->isa_irq = t[off + 3];
            memcpy(&o->gsi, t + off + 4, 4);
            memcpy(&f, t + off + 8, 2);
            o->polarity = f & 3;
            o->trigger = (f >> 2) & 3;
            m->nr_overrides++;
        }
        off += elen;
    }
    return true;
}
