/*
 * The bootstrap region of a 32-bit PV domain, computed before any memory
 * is touched.
 *
 * The builder maps a contiguous region starting at VIRT_BASE, PFN n at
 * VIRT_BASE + n*4096, holding in this order (each part page-aligned):
 *
 *   kernel | initrd | P2M list | start_info | [xenstore | console] |
 *   page tables (L3, L2s, L1s) | boot stack | slack up to a 4 MiB boundary
 *
 * The page tables map the region itself, so their number depends on the
 * region's end, which depends on their number: iterate until they fit.
 * The end is rounded up to 4 MiB leaving at least 512 KiB past the stack,
 * as Xen's builders do (guests such as Linux use that slack for their
 * early allocations).  An L2 for L3 slot 3 always exists, because the
 * hypervisor's M2P mapping lives there.
 */
#include <mica/domain_build.h>
#include <mica/errno.h>
#include <mica/lib.h>

#define GIB (1ULL << 30)
#define MIB (1ULL << 20)

bool dom_layout_l3_slot_used(const struct dom_layout *l, unsigned int slot)
{
    if (slot == 3)
        return true;
    uint64_t lo = (uint64_t)slot * GIB, hi = lo + GIB;
    return l->virt_base < hi && l->v_end > lo;
}

int dom_layout_compute(struct dom_layout *l, uint64_t hole_start,
                       char *msg, size_t msglen)
{
    uint64_t p;

    if (l->virt_base & (PAGE_SIZE - 1)) {
        snprintf(msg, msglen, "VIRT_BASE %#llx is not page-aligned",
                 (unsigned long long)l->virt_base);
        return -EINVAL;
    }
    if (l->kern_start < l->virt_base || l->kern_end <= l->kern_start ||
        l->kern_end > hole_start) {
        snprintf(msg, msglen, "kernel [%#llx, %#llx) does not fit between VIRT_BASE and the hole",
                 (unsigned long long)l->kern_start, (unsigned long long)l->kern_end);
        return -EINVAL;
    }
    if (l->nr_pages == 0 || l->nr_pages > (1UL << 20)) {
        snprintf(msg, msglen, "bad domain size %lu pages", l->nr_pages);
        return -EINVAL;
    }

    p = ROUNDUP(l->kern_end, PAGE_SIZE);
    l->initrd_start = p;
    p += ROUNDUP(l->initrd_len, PAGE_SIZE);
    l->initrd_end = p;
    l->p2m_start = p;
    p += ROUNDUP((uint64_t)l->nr_pages * 4, PAGE_SIZE);
    l->p2m_end = p;
    l->start_info = p;
    p += PAGE_SIZE;
    if (l->is_initdomain) {
        l->xenstore = l->console = 0;
    } else {
        l->xenstore = p;
        p += PAGE_SIZE;
        l->console = p;
        p += PAGE_SIZE;
    }
    l->pt_start = p;

    for (unsigned int nr_pt = 2; ; nr_pt++) {
        if (nr_pt > 4096) {
            snprintf(msg, msglen, "page-table layout does not converge");
            return -EINVAL;
        }
        l->pt_end = l->pt_start + (uint64_t)nr_pt * PAGE_SIZE;
        l->stack_start = l->pt_end;
        l->stack_end = l->stack_start + PAGE_SIZE;
        l->v_end = ROUNDUP(l->stack_end + 512 * 1024, 4 * MIB);
        if (l->v_end > hole_start || l->v_end < l->virt_base) {
            snprintf(msg, msglen, "bootstrap region would end at %#llx, past the hole at %#llx",
                     (unsigned long long)l->v_end, (unsigned long long)hole_start);
            return -ENOMEM;
        }
        unsigned int l2 = 0;
        for (unsigned int s = 0; s < 4; s++)
            l2 += dom_layout_l3_slot_used(l, s);
        uint64_t first_l1 = ROUNDDOWN(l->virt_base, 2 * MIB);
        unsigned int l1 = (unsigned int)((l->v_end - first_l1 + 2 * MIB - 1) / (2 * MIB));
        if (1 + l2 + l1 <= nr_pt) {
            l->nr_l2 = l2;
            l->nr_l1 = l1;
            l->nr_pt_frames = 1 + l2 + l1;
            l->pt_end = l->pt_start + (uint64_t)l->nr_pt_frames * PAGE_SIZE;
            break;
        }
    }
    /* Unused page-table slots (if the loop overshot) are left to the stack. */
    uint64_t region_pages = (l->v_end - l->virt_base) >> PAGE_SHIFT;
    if (region_pages > l->nr_pages) {
        snprintf(msg, msglen, "domain memory too small: the bootstrap region needs %llu pages (%llu KiB), the domain has %lu",
                 (unsigned long long)region_pages,
                 (unsigned long long)(region_pages * 4), l->nr_pages);
        return -ENOMEM;
    }
    return 0;
}
