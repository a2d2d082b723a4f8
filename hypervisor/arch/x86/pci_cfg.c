/*
 * PCI configuration mechanism 1 (ports 0xcf8-0xcff): the hypervisor's own
 * accessors, and the emulation of the initial domain's accesses.
 *
 * The ports are the hypervisor's (physdev.c keeps them out of every
 * domain's reach): an address written to CONFIG_ADDRESS (0xcf8) and a
 * data access at CONFIG_DATA (0xcfc-0xcff) are two steps, and if a guest
 * could put its address in 0xcf8 between the hypervisor's two steps (or
 * the other way round), either would reach the wrong register.  So, as
 * Xen does, the hypervisor emulates the ports for the hardware domain:
 *
 *   - a 4-byte OUT to 0xcf8 stores the value in the domain's own latch
 *     (d->pci_cf8) and touches nothing; a 4-byte IN from 0xcf8 reads the
 *     latch back.  Any other access to 0xcf8-0xcfb (bytes, words: the
 *     PCI reset register 0xcf9, Linux's "type 1 check" outb to 0xcfb) is
 *     void: reads all-ones, writes dropped.  Reboot is the hypervisor's
 *     (SCHEDOP_shutdown), never 0xcf9;
 *   - an access of 1, 2 or 4 bytes at 0xcfc + k is the configuration
 *     register (latch & 0xfc) + k of the device the latch names, performed
 *     with the latch's address written to the real 0xcf8 right before, with
 *     interrupts off.  A word or dword that would run past 0xcff is split
 *     as the hardware would (Xen's rule: 3 bytes are a word and a byte).
 *     If the latch's enable bit (31) is clear, reads are all-ones and
 *     writes are dropped.  The reserved bits 24-30 are ignored (no AMD
 *     extended-register access: only the first 256 bytes of each function
 *     are reachable, as with mechanism 1 everywhere);
 *   - a write reaches the device except for the bytes the hypervisor owns
 *     (pci_cfg_write_protected(): a read-only device, the MSI capability,
 *     MSI-X message control): a write containing any of them is split into
 *     byte writes of the others, the protected bytes silently dropped (a
 *     guest reading back sees the hypervisor's value, as on Xen).
 *
 * Any other domain's accesses to these ports are void (physdev.c), even
 * with an I/O capability: a driver domain would get its devices through
 * a virtual PCI bus, which Mica does not have.
 *
 * The hypervisor's own accessors (arch_pci_conf_read/write, for MSI
 * programming) use the same sequence.  Everything here runs on the one
 * CPU with interrupts off during each address/data pair, so no other
 * access can come between them.
 */
#include <mica/pci.h>
#include <mica/domain.h>
#include <mica/printk.h>
#include <asm/x86.h>
#include <asm/pci_cfg.h>

#define CF8_ENABLE   0x80000000u
#define CF8_ADDR(bdf, reg) (CF8_ENABLE | ((uint32_t)(bdf) << 8) | ((reg) & 0xfc))

unsigned long pci_cfg_dropped;          /* guest write bytes the filter dropped */

static unsigned long irq_save(void)
{
    unsigned long flags;
    __asm__ volatile("pushf; pop %0; cli" : "=r"(flags) :: "memory");
    return flags;
}

static void irq_restore(unsigned long flags)
{
    __asm__ volatile("push %0; popf" :: "r"(flags) : "memory", "cc");
}

static uint32_t raw_read(uint32_t cf8, unsigned int off, unsigned int size)
{
    unsigned long flags = irq_save();
    uint32_t v;

    outl(0xcf8, cf8);
    if (size == 1)
        v = inb((uint16_t)(0xcfc + off));
    else if (size == 2)
        v = inw((uint16_t)(0xcfc + off));
    else
        __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"((uint16_t)0xcfc));
    irq_restore(flags);
    return v;
}

static void raw_write(uint32_t cf8, unsigned int off, unsigned int size, uint32_t v)
{
    unsigned long flags = irq_save();

    outl(0xcf8, cf8);
    if (size == 1)
        outb((uint16_t)(0xcfc + off), (uint8_t)v);
    else if (size == 2)
        outw((uint16_t)(0xcfc + off), (uint16_t)v);
    else
        outl(0xcfc, v);
    irq_restore(flags);
}

uint32_t arch_pci_conf_read(uint16_t bdf, unsigned int reg, unsigned int size)
{
    return raw_read(CF8_ADDR(bdf, reg), reg & 3, size);
}

void arch_pci_conf_write(uint16_t bdf, unsigned int reg, unsigned int size, uint32_t val)
{
    raw_write(CF8_ADDR(bdf, reg), reg & 3, size, val);
}

bool pci_cfg_port(unsigned int port, unsigned int bytes)
{
    return port >= 0xcf8 && port + bytes <= 0xd00;
}

/* One data access of `size` at 0xcfc + off, within the dword. */
static uint32_t data_read(const struct domain *d, unsigned int off, unsigned int size)
{
    uint32_t cf8 = d->pci_cf8;

    if (!(cf8 & CF8_ENABLE))
        return 0xffffffffu;
    return raw_read(CF8_ADDR((cf8 >> 8) & 0xffff, cf8), off, size);
}

static void data_write(const struct domain *d, unsigned int off, unsigned int size,
                       uint32_t v)
{
    uint32_t cf8 = d->pci_cf8;
    uint16_t bdf = (uint16_t)(cf8 >> 8);
    unsigned int reg = (cf8 & 0xfc) + off, keep;

    if (!(cf8 & CF8_ENABLE))
        return;
    keep = pci_cfg_write_protected(bdf, reg, size);
    if (!keep) {
        raw_write(CF8_ADDR(bdf, reg), off, size, v);
        return;
    }
    for (unsigned int i = 0; i < size; i++) {
        if (keep & (1u << i))
            pci_cfg_dropped++;
        else
            raw_write(CF8_ADDR(bdf, reg), off + i, 1, v >> (8 * i));
    }
    pr_debug("d%u: PCI %02x:%02x.%u write of %u at 0x%x: bytes 0x%x are the hypervisor's\n",
             d->domain_id, PCI_BUS(bdf), PCI_SLOT(bdf), PCI_FUNC(bdf), size, reg, keep);
}

/* Walk an access of `bytes` at `port` in pieces, as Xen's guest_io_*. */
uint32_t pci_cfg_guest_read(struct domain *d, unsigned int port, unsigned int bytes)
{
    uint32_t data = 0;
    unsigned int shift = 0;

    if (port == 0xcf8 && bytes == 4)
        return d->pci_cf8;
    while (bytes) {
        unsigned int size = 1;
        uint32_t sub = 0xffffffffu;
        if (port >= 0xcfc) {
            size = MIN(bytes, 4 - (port & 3));
            if (size == 3)
                size = 2;
            sub = data_read(d, port & 3, size);
        }
        if (size == 4)
            return sub;
        data |= (sub & ((1u << (size * 8)) - 1)) << shift;
        shift += size * 8;
        port += size;
        bytes -= size;
    }
    return data;
}

void pci_cfg_guest_write(struct domain *d, unsigned int port, unsigned int bytes,
                         uint32_t data)
{
    if (port == 0xcf8 && bytes == 4) {
        d->pci_cf8 = data;
        return;
    }
    while (bytes) {
        unsigned int size = 1;
        if (port >= 0xcfc) {
            size = MIN(bytes, 4 - (port & 3));
            if (size == 3)
                size = 2;
            data_write(d, port & 3, size, data);
        }
        data = size == 4 ? 0 : data >> (size * 8);
        port += size;
        bytes -= size;
    }
}
