/*
 * Guest-side view of the initial memory layout (fact sheet §3.1, §4.2).
 *
 * The bootstrap region maps PFN n at VA VIRT_BASE + n*4096, so any frame
 * inside it (page tables, P2M, start_info) is reachable through
 * pfn_to_virt(m2p(mfn)).  pt_walk() follows the live PAE tables from
 * start_info->pt_base (tests never switch CR3) and is how tests find out
 * what is mapped, and with which flags, without risking a fault.
 */
#ifndef GUEST_MM_H
#define GUEST_MM_H

#include <stdint.h>
#include <public/xen.h>

/* The start_info page the hypervisor passed in ESI (saved by head.S). */
extern start_info_t *start_info;

extern char __virt_base[];      /* from guest.ld */
extern char _image_start[], _image_end[], _bss_start[], _bss_end[];
#define VIRT_BASE ((uint32_t)__virt_base)

#define _PAGE_PRESENT  0x001ull
#define _PAGE_RW       0x002ull
#define _PAGE_USER     0x004ull
#define _PAGE_PWT      0x008ull
#define _PAGE_PCD      0x010ull
#define _PAGE_ACCESSED 0x020ull
#define _PAGE_DIRTY    0x040ull
#define _PAGE_PSE      0x080ull
#define _PAGE_GLOBAL   0x100ull
#define _PAGE_AVAIL    0xe00ull
#define _PAGE_NX       (1ull << 63)
#define PTE_MFN(e)     ((uint32_t)(((e) >> 12) & 0xffffffffffull))

/* Number of M2P entries the guest can read (MFNs the table covers). */
#define M2P_ENTRIES MACH2PHYS_NR_ENTRIES

static inline uint32_t m2p(uint32_t mfn)
{
    return ((const volatile uint32_t *)MACH2PHYS_VIRT_START)[mfn];
}

static inline const uint32_t *p2m(void)
{
    return (const uint32_t *)start_info->mfn_list;
}

static inline void *pfn_to_virt(uint32_t pfn)
{
    return (void *)(VIRT_BASE + (pfn << 12));
}

/* VA of a frame of ours through the bootstrap mapping; NULL if the MFN is
 * outside the M2P or its PFN is not mapped by the bootstrap region. */
void *mfn_to_virt(uint32_t mfn);

/*
 * Walk the page tables for `va`.  e[0..2] receive the L3, L2 and L1 entries
 * (as far as the walk got).  Returns 0 if va is mapped by a present L1 entry,
 * 3/2/1 for the level whose entry is not present, 4 if an L2 entry is a
 * superpage, and -1 if a table's frame is outside the guest's P2M (cannot be
 * reached through the bootstrap mapping).
 */
int pt_walk(uint32_t va, uint64_t e[3]);
static inline int va_mapped(uint32_t va)
{
    uint64_t e[3];
    return pt_walk(va, e) == 0;
}

/* First unmapped page at or above VIRT_BASE: the end of the bootstrap region. */
uint32_t mapped_end(void);

/*
 * Guest addresses at which a `size`-byte buffer is NOT entirely accessible,
 * for -XEN_EFAULT checks: NULL, the hole start, the top page, an unmapped VA
 * below the bootstrap region, and one straddling the end of the bootstrap
 * mapping.  Those below the hole are verified unmapped by walking the page
 * tables (test_error() if one is not).  Returns how many were filled in.
 */
struct bad_buf {
    uint32_t va;
    const char *what;
};
#define BAD_BUF_MAX 5
unsigned int bad_buffers(uint32_t size, struct bad_buf out[BAD_BUF_MAX]);

#endif /* GUEST_MM_H */
