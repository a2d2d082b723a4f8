/*
 * memory_op (12): a domain growing, shrinking and describing its memory.
 *
 * For a PV guest every frame number here is a machine frame: the guest
 * keeps its own P2M and tells the M2P with MMU_MACHPHYS_UPDATE, except
 * that populate_physmap (which is given PFNs) records them itself.
 *
 *  increase_reservation   allocate nr_extents extents of 2^order frames
 *  populate_physmap       the same, each for the PFN read from the array
 *  decrease_reservation   give frames back
 *     -> the number of extents done.  A short count means the limit was
 *        reached, memory ran out, or an array element could not be read or
 *        written; an extent that failed to be allocated is undone, while
 *        decrease stops at the first frame it cannot give back (not owned,
 *        given back already, the shared_info page);
 *  maximum_ram_page, current_reservation, maximum_reservation,
 *  machphys_mfn_list, machphys_mapping: answers;
 *  the address-map commands (memory maps, maximum_gpfn, the physmap
 *  commands of translated guests) are in memory_map.c.
 *
 * Limits: a domain never holds more than max_pages frames (allocation
 * refuses); extents are at most order 9 (2 MiB, as Xen allows guests).
 * The extent index to resume from rides in cmd bits 6.. (the continuation
 * sets it); an index at or past nr_extents returns it and touches nothing;
 * on a command that does not resume, Xen's common commands say -EINVAL,
 * its arch ones (machphys_*, the memory maps) do not know the number
 * (-ENOSYS);
 * and the whole extent array must lie below the hole, checked in 64-bit
 * arithmetic before any extent is done (XSA-29/212 class).
 *
 * Giving a frame back drops the domain's *allocation* reference only.  A
 * frame still mapped, linked or pinned stays until those references go;
 * in particular a pinned page table is never unpinned behind the guest's
 * back (XSA-252): the pin keeps it alive, and the unpin frees it.
 */
#include <mica/hypercall.h>
#include <mica/mm.h>
#include <mica/mm_ops.h>
#include <mica/foreign.h>
#include <mica/domain.h>
#include <mica/errno.h>
#include <mica/guest_access.h>
#include <public/memory.h>
#include <asm/mm_arch.h>
#include <asm/m2p.h>
#include "memory_op.h"

#define MAX_GUEST_ORDER 9

static void undo_extent(struct page_info *pg, unsigned int order)
{
    for (unsigned long j = 0; j < (1UL << order); j++) {
        pg[j].count_info &= ~PGC_allocated;
        put_page(&pg[j]);
    }
}

/* Drop d's allocation reference on mfn; 0 or -EINVAL. */
static int remove_frame(struct domain *d, unsigned long mfn)
{
    struct page_info *pg;

    if (!mfn_valid(mfn) || (mfn_to_page(mfn)->count_info & PGC_xen_heap) ||
        get_page(pg = mfn_to_page(mfn), d))
        return -EINVAL;
    if (!(pg->count_info & PGC_allocated)) {
        put_page(pg);
        return -EINVAL;                  /* given back already */
    }
    pg->count_info &= ~PGC_allocated;
    put_page(pg);                        /* cannot be the last: ours is left */
    put_page(pg);
    return 0;
}

/* One extent; 0 or -errno (nothing of this extent left behind). */
static int do_extent(unsigned int cmd, struct domain *d, const struct xen_memory_reservation *r,
                     unsigned long i)
{
    guest_va_t slot = r->extent_start + (guest_va_t)(i * 4);
    unsigned int bits = XENMEMF_get_address_bits(r->mem_flags);
    uint32_t pfn = 0, mfn;
    struct page_info *pg;

    if (cmd == XENMEM_decrease_reservation) {
        if (copy_from_guest(&mfn, slot, sizeof(mfn)))
            return -EFAULT;
        for (unsigned long j = 0; j < (1UL << r->extent_order); j++)
            if (remove_frame(d, mfn + j))
                return -EINVAL;
        return 0;
    }
    if (cmd == XENMEM_populate_physmap && copy_from_guest(&pfn, slot, sizeof(pfn)))
        return -EFAULT;
    if (!(pg = mm_alloc_domain_frames(d, r->extent_order)))
        return -ENOMEM;
    mfn = (uint32_t)page_to_mfn(pg);
    if (bits && bits < 64 &&
        ((uint64_t)(mfn + (1UL << r->extent_order)) << PAGE_SHIFT) > (1ULL << bits)) {
        undo_extent(pg, r->extent_order);
        return -ENOMEM;
    }
    if (r->extent_start && copy_to_guest(slot, &mfn, sizeof(mfn))) {
        undo_extent(pg, r->extent_order);
        return -EFAULT;
    }
    for (unsigned long j = 0; j < (1UL << r->extent_order); j++)
        m2p_set(mfn + j, cmd == XENMEM_populate_physmap ? (uint32_t)(pfn + j)
                                                        : INVALID_M2P_ENTRY);
    return 0;
}

static long reservation_op(unsigned int cmd, unsigned long start, guest_va_t arg)
{
    struct xen_memory_reservation r;
    struct domain *d;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return -EFAULT;
    /* A domain the caller may not name, or that does not live: Xen's
     * answer is "no extent done" (the start index), not an errno. */
    if (foreign_domain(r.domid, XSM_MEMORY_FOREIGN, &d))
        return (long)start;
    if (r.extent_order > MAX_GUEST_ORDER || r.nr_extents > (0xffffffffu >> MEMOP_EXTENT_SHIFT))
        return -EINVAL;
    if (start >= r.nr_extents)
        return (long)start;
    /* The array must be addressable in full (NULL allowed for increase). */
    if ((r.extent_start || cmd != XENMEM_increase_reservation) &&
        !guest_range_ok(r.extent_start, (uint64_t)r.nr_extents * 4))
        return -EFAULT;
    for (unsigned long i = start; i < r.nr_extents; i++) {
        if (i > start && mm_preempt_check()) {
            mm_note_continuation();
            return hypercall_create_continuation(__HYPERVISOR_memory_op, 2,
                                                 (unsigned long)(cmd | (i << MEMOP_EXTENT_SHIFT)),
                                                 (unsigned long)arg);
        }
        if (do_extent(cmd, d, &r, i))
            return (long)i;
    }
    return (long)r.nr_extents;
}

static long domain_pages(guest_va_t arg, bool maximum)
{
    uint16_t id;
    struct domain *d;
    long rc;

    if (copy_from_guest(&id, arg, sizeof(id)))
        return -EFAULT;
    if ((rc = memop_target_domain(id, &d)))
        return rc;
    return (long)(maximum ? d->max_pages : d->tot_pages);
}

static long machphys_mfn_list(guest_va_t arg)
{
    struct xen_machphys_mfn_list l;
    unsigned long chunks = (m2p_guest_frames() + 511) / 512, i;

    if (copy_from_guest(&l, arg, sizeof(l)))
        return -EFAULT;
    for (i = 0; i < l.max_extents && i < chunks; i++) {
        uint32_t mfn = (uint32_t)(m2p_first_mfn() + i * 512);
        if (copy_to_guest(l.extent_start + (guest_va_t)(i * 4), &mfn, sizeof(mfn)))
            return -EFAULT;
    }
    l.nr_extents = (uint32_t)i;
    return copy_to_guest(arg, &l, sizeof(l)) ? -EFAULT : 0;
}

static long machphys_mapping(guest_va_t arg)
{
    unsigned long entries = m2p_guest_frames() * (PAGE_SIZE / 4);
    struct xen_machphys_mapping m = {
        .v_start = MACH2PHYS_VIRT_START,
        .v_end = MACH2PHYS_VIRT_START + (uint32_t)(m2p_guest_frames() * PAGE_SIZE),
        .max_mfn = (uint32_t)(MIN(entries, (unsigned long)MACH2PHYS_NR_ENTRIES) - 1),
    };
    return copy_to_guest(arg, &m, sizeof(m)) ? -EFAULT : 0;
}

HYPERCALL_PROTO(memory_op)
{
    unsigned int cmd = (unsigned int)(a1 & MEMOP_CMD_MASK);
    unsigned long start = (unsigned long)(a1 >> MEMOP_EXTENT_SHIFT);
    guest_va_t arg = (guest_va_t)a2;

    switch (cmd) {
    case XENMEM_increase_reservation:
    case XENMEM_decrease_reservation:
    case XENMEM_populate_physmap:
        return reservation_op(cmd, start, arg);
    }
    switch (cmd) {
    case XENMEM_maximum_ram_page:
        return start ? -EINVAL : (long)MIN(max_mfn, (unsigned long)MACH2PHYS_NR_ENTRIES);
    case XENMEM_current_reservation:
        return start ? -EINVAL : domain_pages(arg, false);
    case XENMEM_maximum_reservation:
        return start ? -EINVAL : domain_pages(arg, true);
    case XENMEM_machphys_mfn_list:
        return start ? -ENOSYS : machphys_mfn_list(arg);
    case XENMEM_machphys_mapping:
        return start ? -ENOSYS : machphys_mapping(arg);
    default:
        return memop_physmap(cmd, start, arg);
    }
}
