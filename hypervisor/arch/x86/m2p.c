/*
 * The machine-to-physical table (M2P).
 *
 * One 32-bit entry per machine frame: the guest PFN that frame holds, or
 * INVALID_M2P_ENTRY (0xffffffff) for frames no guest owns.  The hypervisor
 * writes it through the direct map; every 32-bit guest reads it at
 * 0xF5800000 through its own page tables, because the hypervisor installs,
 * in entries 428.. of the L2 under each guest L3 slot 3, links to a shared
 * set of L1 tables that map the M2P frames read-only and supervisor-only
 * (ring 1 can read it, ring 3 cannot, nobody in a guest can write it).
 *
 * 16 MiB of guest-visible M2P covers 4 Mi frames = 16 GiB of machine
 * memory, which is why setup caps usable RAM there for now.
 */
#include <mica/types.h>
#include <mica/mm.h>
#include <mica/domain.h>
#include <mica/printk.h>
#include <mica/lib.h>
#include <asm/page.h>
#include <asm/m2p.h>

uint32_t *m2p;
static unsigned long m2p_l1_mfn[(GUEST_M2P_END - GUEST_M2P_START) >> L2_SHIFT];
static unsigned int m2p_nr_l1;
static unsigned long m2p_nr_frames;

void m2p_init(void)
{
    unsigned long bytes = max_mfn * sizeof(uint32_t);
    unsigned int order = 0;

    while ((PAGE_SIZE << order) < bytes)
        order++;
    m2p = alloc_xenheap_pages(order);
    if (!m2p)
        panic("cannot allocate the M2P table (%lu KiB)", bytes >> 10);
    memset(m2p, 0xff, PAGE_SIZE << order);

    unsigned long nr_frames = 1UL << order;
    unsigned long m2p_mfn = virt_to_mfn(m2p);
    m2p_nr_frames = nr_frames;
    m2p_nr_l1 = (unsigned int)((nr_frames + 511) / 512);
    for (unsigned int i = 0; i < m2p_nr_l1; i++) {
        uint64_t *l1 = alloc_xenheap_pages(0);
        if (!l1)
            panic("cannot allocate M2P page tables");
        for (unsigned int j = 0; j < 512 && i * 512UL + j < nr_frames; j++)
            l1[j] = mk_pte(m2p_mfn + i * 512UL + j, _PAGE_PRESENT | _PAGE_ACCESSED);
        m2p_l1_mfn[i] = virt_to_mfn(l1);
    }
    pr_info("M2P: %lu entries, %lu frames, visible to guests at %#x\n",
            max_mfn, nr_frames, GUEST_M2P_START);
}

/*
 * Fill the hypervisor-owned slots (428..511) of a guest L2 that sits under
 * L3 slot 3.  Entries past the M2P are left empty.
 */
void m2p_fill_guest_l2(uint64_t *l2)
{
    unsigned int first = l2_index(GUEST_M2P_START);
    for (unsigned int i = first; i < 512; i++) {
        unsigned int k = i - first;
        l2[i] = k < m2p_nr_l1
              ? mk_pte(m2p_l1_mfn[k], _PAGE_PRESENT | _PAGE_ACCESSED)
              : 0;
    }
}

void m2p_set(unsigned long mfn, uint32_t pfn)
{
    if (mfn < max_mfn)
        m2p[mfn] = pfn;
}

/* The guest-visible M2P: how many frames of it are mapped at GUEST_M2P_START. */
unsigned long m2p_guest_frames(void)
{
    return m2p_nr_frames;
}

/* The M2P's frames are contiguous: its first MFN. */
unsigned long m2p_first_mfn(void)
{
    return virt_to_mfn(m2p);
}
