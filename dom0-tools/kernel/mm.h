/*
 * Memory of the Dom0 kernel: frames, the direct map, the mapping window.
 *
 *   0x00000000 ... 0xBFFFFFFF   not mapped (a NULL or wild pointer faults)
 *   0xC0000000 + pfn * 4096     the direct map: every frame Dom0 owns,
 *                               up to DIRECT_MAX_PAGES (824 MiB)
 *   0xF3800000 ... 0xF57FFFFF   the mapping window: 8192 slots for other
 *                               domains' frames (foreign and grant maps)
 *   0xF5800000 ...              the hypervisor's (read-only M2P)
 *
 * mm.c builds these tables at boot, through the validated hypercalls, and
 * then owns them; frames.c hands out frames of the direct map; heap.c is
 * malloc() on top.  Page-table frames are mapped read-only in the direct
 * map (the hypervisor's rule), everything else read-write.
 */
#ifndef DOM0_MM_H
#define DOM0_MM_H

#include "kernel.h"

#define WINDOW_START        0xF3800000u
#define WINDOW_PAGES        8192u
#define WINDOW_END          (WINDOW_START + WINDOW_PAGES * PAGE_SIZE)
#define DIRECT_MAX_PAGES    ((WINDOW_START - VIRT_BASE) >> PAGE_SHIFT)

#define _PAGE_PRESENT   0x001ull
#define _PAGE_RW        0x002ull
#define _PAGE_USER      0x004ull
#define _PAGE_ACCESSED  0x020ull
#define _PAGE_DIRTY     0x040ull
#define PTE_MFN(e)      ((uint32_t)(((e) >> 12) & 0xffffffffffull))

/* Pages Dom0 was given, and how many of them the direct map holds. */
extern uint32_t mm_nr_pages;
extern uint32_t mm_nr_direct;
/* pfn -> mfn (the P2M the hypervisor built, start_info.mfn_list). */
extern const uint32_t *p2m;

static inline void *pfn_to_virt(uint32_t pfn)
{
    return (void *)(uintptr_t)(VIRT_BASE + (pfn << PAGE_SHIFT));
}
static inline uint32_t virt_to_pfn(const void *p)
{
    return ((uint32_t)(uintptr_t)p - VIRT_BASE) >> PAGE_SHIFT;
}
static inline uint32_t virt_to_mfn(const void *p) { return p2m[virt_to_pfn(p)]; }
static inline uint64_t virt_to_maddr(const void *p)
{
    return ((uint64_t)virt_to_mfn(p) << PAGE_SHIFT) | ((uintptr_t)p & ~PAGE_MASK);
}

/* Change a P2M entry (hw.c, after XENMEM_exchange gave the pfn a new
 * frame; the caller also sets the M2P and the direct map's PTE). */
void mm_p2m_set(uint32_t pfn, uint32_t mfn);

/* Boot: build and load Dom0's own page tables, set up the frame allocator. */
void mm_init(void);

/* ---- frames.c: the frame allocator (direct-mapped frames) ---- */

/* Reserve/free/allocate runs of pfns.  frame_alloc returns the first pfn
 * of n contiguous free frames (zeroed), or -1 when there is no such run. */
void frames_init(uint32_t nr_direct);
void frames_reserve(uint32_t pfn, uint32_t n);
long frame_alloc(uint32_t n);
void frame_free(uint32_t pfn, uint32_t n);
/* Boot only: search from pfn first; frames_ready() once the direct map
 * exists (from then on frame_alloc zeroes what it returns). */
void frames_set_hint(uint32_t pfn);
void frames_ready(void);
struct frame_stats {
    uint32_t total;     /* frames in the direct map */
    uint32_t free;
    uint32_t kernel;    /* image, ramfs, P2M, page tables: never freed */
};
void frames_stats(struct frame_stats *st);

/* ---- the mapping window (mm.c) ---- */

/* n consecutive slots whose PTEs are not present, or NULL when full. */
void *window_alloc(uint32_t n);
/* Give slots back; their PTEs must already be cleared. */
void window_free(void *va, uint32_t n);
/* The PTE of a window slot: its value (read from the read-only L1) and
 * its machine address (for mmu_update and GNTMAP_contains_pte). */
uint64_t window_pte(const void *va);
uint64_t window_pte_maddr(const void *va);
/* Map `n` machine frames of domain `dom` (DOMID_SELF for ours) at slots
 * starting at va; 0 or -errno (nothing stays mapped on failure). */
int window_map(void *va, const uint32_t *mfns, uint32_t n, uint16_t dom, bool writable);
/* Clear n slots' PTEs and flush them from the TLB. */
void window_unmap(void *va, uint32_t n);

#endif /* DOM0_MM_H */
