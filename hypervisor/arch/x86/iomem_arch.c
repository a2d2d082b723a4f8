/*
 * What is RAM and what is the hypervisor's own in the machine's address
 * space: the arch half of mica/iomem.h.
 *
 * RAM is what the firmware's map (E820, through multiboot) calls RAM, a
 * page counting as RAM if any byte of it is -- in the first MiB too:
 * Xen hands the whole first MiB to its Dom0 as I/O memory, Mica only its
 * holes (the VGA window, option and BIOS ROMs), so the conventional
 * memory below 640 KiB, which no domain owns, stays unreachable (a PV
 * kernel reads its BIOS data area from its own pseudo-physical page 0,
 * and the ROMs it scans are in the holes).  Frames below max_mfn get
 * PGF_io at boot (iomem_init), so the
 * hot paths test one bit; above, the map is asked again, and frames past
 * the CPU's physical address width are never I/O (an entry naming them
 * would fault on reserved bits).
 *
 * The hypervisor's own I/O memory: the local APIC's page and the whole
 * MSI window 0xfee00000-0xfeefffff (a CPU write there is a local APIC
 * access, and Xen keeps the range from guests too), and every IO-APIC.
 * Mica uses no HPET.
 */
#include <mica/mm.h>
#include <mica/iomem.h>
#include <mica/printk.h>
#include <asm/multiboot.h>
#include <asm/apic.h>
#include <asm/ioapic.h>
#include <asm/page.h>
#include <asm/x86.h>

#define MSI_WINDOW_FIRST 0xfee00UL
#define MSI_WINDOW_LAST  0xfeeffUL

static unsigned long phys_limit_mfn;    /* first frame past the physical width */

static bool e820_ram(unsigned long mfn)
{
    uint64_t lo = (uint64_t)mfn << PAGE_SHIFT, hi = lo + PAGE_SIZE;

    for (unsigned int i = 0; i < boot_info.nr_mem; i++) {
        const struct boot_mem_range *m = &boot_info.mem[i];
        if (m->type == E820_RAM && m->addr < hi && m->addr + m->len > lo)
            return true;
    }
    return false;
}

bool arch_mfn_is_ram_high(unsigned long mfn)
{
    return mfn >= phys_limit_mfn || e820_ram(mfn);
}

bool arch_iomem_hypervisor(unsigned long mfn)
{
    return (mfn >= MSI_WINDOW_FIRST && mfn <= MSI_WINDOW_LAST) ||
           mfn == (unsigned long)(apic_base_paddr() >> PAGE_SHIFT) || ioapic_owns_mfn(mfn);
}

void iomem_init(void)
{
    uint32_t a, b, c, d;
    unsigned long n = 0;

    cpuid_count(0x80000000, 0, &a, &b, &c, &d);
    unsigned int bits = 36;
    if (a >= 0x80000008) {
        cpuid_count(0x80000008, 0, &a, &b, &c, &d);
        bits = a & 0xff;
    }
    if (bits > 52)
        bits = 52;
    phys_limit_mfn = 1UL << (bits - PAGE_SHIFT);
    for (unsigned long mfn = 0; mfn < max_mfn; mfn++)
        if (!e820_ram(mfn)) {
            frame_table[mfn].mm_flags |= PGF_io;
            n++;
        }
    pr_info("I/O memory: %lu frames below the top of RAM, all frames from %#lx up to "
            "%u address bits\n", n, max_mfn, bits);
}
