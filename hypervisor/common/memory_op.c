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
 *  exchange               trade frames for others (typically below an
 *                         address limit, for DMA): see memory_exchange;
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

/*
 * XENMEM_exchange, as Xen does it for a PV guest: `in` lists extents of
 * the domain's own frames to give up, `out` as many pages in extents of
 * its own order, each slot holding the PFN the new extent will back (the
 * M2P entries are set to it) and receiving its MFN.  Work goes chunk by
 * chunk -- a chunk is the larger of the two extent sizes -- and each chunk
 * is all or nothing: its output frames are taken from the heap first
 * (within the address limit of out.mem_flags), then its input frames are
 * checked to be the domain's and used by nothing but their allocation (a
 * frame still mapped, typed or pinned: -EINVAL, as Xen's steal_page
 * answers), and only then are the inputs freed and the outputs given to
 * the domain, so its page count never moves and nothing is lost if the
 * chunk fails.  nr_exchanged (in `in` extents) says how far it got; it is
 * written back on every return and is where a continuation resumes.
 * Errors: -EFAULT, -EINVAL (sizes that differ or overflow, domids that
 * differ, nr_exchanged past the end, a bad input frame), -EPERM (an order
 * above 9), -ESRCH/-EPERM (the domain), -ENOMEM.
 */
static void exchange_unhold(const unsigned long *held, unsigned int n)
{
    while (n--)
        put_page(mfn_to_page(held[n]));
}

static int exchange_chunk(struct domain *d, const struct xen_memory_exchange *x,
                          unsigned long i, unsigned int in_chunk, unsigned int out_chunk)
{
    /* One hypercall at a time on the one CPU: the chunk's lists are static.
     * A chunk is 2^max(in, out order) <= 512 pages. */
    static struct page_info *out[1u << MAX_GUEST_ORDER];
    static unsigned long held[1u << MAX_GUEST_ORDER];
    unsigned int bits = XENMEMF_get_address_bits(x->out.mem_flags);
    unsigned long out_pages = 1UL << x->out.extent_order;
    unsigned int in_pages = 1u << x->in.extent_order, nheld = 0, j, k;

    /*
     * Hold every input page with a temporary reference while checking it:
     * a page named twice then fails its second check (two references), so
     * no page is given back twice.
     */
    for (j = 0; j < (1u << in_chunk); j++) {
        uint32_t first;
        if (copy_from_guest(&first, x->in.extent_start +
                            (guest_va_t)(((i << in_chunk) + j) * 4), 4)) {
            exchange_unhold(held, nheld);
            return -EFAULT;
        }
        for (k = 0; k < in_pages; k++) {
            unsigned long mfn = (unsigned long)first + k;
            if (!mm_frame_stealable(d, mfn) || get_page(mfn_to_page(mfn), d)) {
                exchange_unhold(held, nheld);
                return -EINVAL;
            }
            held[nheld++] = mfn;
        }
    }
    for (j = 0; j < (1u << out_chunk); j++) {
        out[j] = alloc_heap_pages(x->out.extent_order);
        if (out[j] && bits && bits < 64 &&
            ((uint64_t)(page_to_mfn(out[j]) + out_pages) << PAGE_SHIFT) > (1ULL << bits)) {
            free_heap_pages(out[j], x->out.extent_order);
            out[j] = NULL;
        }
        if (!out[j]) {
            while (j--)
                free_heap_pages(out[j], x->out.extent_order);
            exchange_unhold(held, nheld);
            return -ENOMEM;
        }
    }
    /* Committed.  The inputs go (nothing else references them)... */
    for (k = 0; k < nheld; k++) {
        struct page_info *pg = mfn_to_page(held[k]);
        pg->count_info &= ~PGC_allocated;
        put_page(pg);                       /* the temporary reference */
        put_page(pg);                       /* the allocation's: freed */
    }
    /* ...and the outputs come, for the PFNs the guest named. */
    for (j = 0; j < (1u << out_chunk); j++) {
        guest_va_t slot = x->out.extent_start + (guest_va_t)(((i << out_chunk) + j) * 4);
        uint32_t pfn = INVALID_M2P_ENTRY, mfn = (uint32_t)page_to_mfn(out[j]);
        bool have_pfn;

        mm_assign_domain_frames(d, out[j], x->out.extent_order);
        have_pfn = !copy_from_guest(&pfn, slot, 4);
        for (unsigned long p = 0; p < out_pages; p++)
            m2p_set(mfn + p, have_pfn ? pfn + (uint32_t)p : INVALID_M2P_ENTRY);
        (void)copy_to_guest(slot, &mfn, 4);     /* a fault loses only the answer */
    }
    return 0;
}

static long memory_exchange(guest_va_t arg)
{
    struct xen_memory_exchange x;
    unsigned int in_chunk, out_chunk;
    struct domain *d;
    long rc = 0;

    if (copy_from_guest(&x, arg, sizeof(x)))
        return -EFAULT;
    if (x.in.extent_order > MAX_GUEST_ORDER || x.out.extent_order > MAX_GUEST_ORDER)
        return -EPERM;
    if (x.nr_exchanged > x.in.nr_extents || x.in.domid != x.out.domid ||
        (0xffffffffu >> x.in.extent_order) < x.in.nr_extents ||
        (0xffffffffu >> x.out.extent_order) < x.out.nr_extents ||
        (x.in.nr_extents << x.in.extent_order) != (x.out.nr_extents << x.out.extent_order))
        return -EINVAL;
    if (x.in.extent_order <= x.out.extent_order) {
        in_chunk = x.out.extent_order - x.in.extent_order;
        out_chunk = 0;
    } else {
        in_chunk = 0;
        out_chunk = x.in.extent_order - x.out.extent_order;
    }
    if (!guest_range_ok(x.in.extent_start, (uint64_t)x.in.nr_extents * 4) ||
        !guest_range_ok(x.out.extent_start, (uint64_t)x.out.nr_extents * 4))
        return -EFAULT;
    if ((rc = memop_target_domain(x.in.domid, &d)))
        return rc;
    for (unsigned long i = x.nr_exchanged >> in_chunk; i < (x.in.nr_extents >> in_chunk); i++) {
        if (i != (x.nr_exchanged >> in_chunk) && mm_preempt_check()) {
            x.nr_exchanged = i << in_chunk;
            if (copy_to_guest(arg + offsetof(struct xen_memory_exchange, nr_exchanged),
                              &x.nr_exchanged, sizeof(x.nr_exchanged)))
                return -EFAULT;
            mm_note_continuation();
            return hypercall_create_continuation(__HYPERVISOR_memory_op, 2,
                                                 (unsigned long)XENMEM_exchange,
                                                 (unsigned long)arg);
        }
        if ((rc = exchange_chunk(d, &x, i, in_chunk, out_chunk))) {
            x.nr_exchanged = i << in_chunk;
            goto out;
        }
    }
    x.nr_exchanged = x.in.nr_extents;
out:
    if (copy_to_guest(arg + offsetof(struct xen_memory_exchange, nr_exchanged),
                      &x.nr_exchanged, sizeof(x.nr_exchanged)))
        rc = -EFAULT;
    return rc;
}

static long domain_pages(guest_va_t arg, bool maximum)
{
    struct domain *d;
    long rc;

    if ((rc = memop_domid_arg(arg, &d)))
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
    case XENMEM_exchange:
        return start ? -EINVAL : memory_exchange(arg);     /* a common command */
    default:
        return memop_physmap(cmd, start, arg);
    }
}
