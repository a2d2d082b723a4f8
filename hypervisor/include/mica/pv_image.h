/*
 * The contents of a new 32-bit PV domain's bootstrap region, written
 * through a page-mapping callback (common/pv_image.c).
 *
 * Two builders share this code, compiled from the same source: the
 * hypervisor's boot-time builder (arch/x86/domain_build.c), which reaches
 * the new domain's frames through its direct map, and the toolstack's
 * builder library in the privileged domain (dom0-tools/lib/build), which
 * reaches them through foreign mappings.  Everything that decides *what*
 * the guest finds -- where each part goes (domain_layout.c), the ELF
 * loader (libelf.c), the page tables, start_info, the hypercall page, the
 * first vCPU context -- is here once; each builder only supplies `map`.
 *
 * Pure: no hypervisor state, no allocation, no inline assembly.
 */
#ifndef MICA_PV_IMAGE_H
#define MICA_PV_IMAGE_H

#include <mica/types.h>
#include <mica/domain_build.h>
#include <public/xen.h>

struct pv_image {
    const struct dom_layout *l;
    const xen_pfn_t *p2m;                 /* pfn -> mfn, nr_pages entries */
    /* The page of guest pfn, writable by the builder; NULL if it cannot
     * be reached (the write then fails with -EFAULT). */
    void *(*map)(void *ctx, unsigned long pfn);
    void *ctx;
};

/* PFN of a VA inside the region. */
static inline unsigned long pv_image_pfn(const struct dom_layout *l, uint64_t va)
{
    return (unsigned long)((va - l->virt_base) >> PAGE_SHIFT);
}

/*
 * Copy len bytes (src NULL: zeroes) to guest VA va, which must lie inside
 * [virt_base, v_end).  The elf_write_fn of libelf; `img` is a struct
 * pv_image.  0, -EINVAL (outside the region) or -EFAULT (map failed).
 */
int pv_image_write(void *img, uint64_t va, const void *src, size_t len);

/* The P2M list at l->p2m_start: one 32-bit MFN per PFN. */
int pv_image_write_p2m(const struct pv_image *img);

/*
 * The bootstrap L3, L2s and L1s at l->pt_start, mapping [virt_base,
 * v_end) with the page-table pages themselves read-only (fact sheet 4.2).
 * Returns the MFN of the L3, or 0 if a page could not be mapped.
 */
unsigned long pv_image_write_page_tables(const struct pv_image *img);

/* What start_info says beyond the layout. */
struct pv_start {
    uint32_t nr_pages;
    uint32_t shared_info_mfn;
    uint32_t flags;                       /* SIF_* */
    uint32_t store_mfn, store_evtchn;     /* 0 for none */
    uint32_t console_mfn, console_evtchn;
    const char *cmdline;
};
/* start_info at l->start_info (the page is zeroed first). */
int pv_image_write_start_info(const struct pv_image *img, const struct pv_start *s);

/* The hypercall transfer page: 128 slots of `mov $n, %eax; int $0x82; ret`. */
void pv_hypercall_page(uint8_t page[PAGE_SIZE]);

/*
 * vCPU 0's first context: ring 1 at `entry` with the flat selectors,
 * ESP at the top of the boot stack (also the kernel stack for entries
 * from ring 3), ESI = start_info, CR3 = the bootstrap L3, events masked
 * (the builder's shared_info says so), CR0.TS set, online.
 */
void pv_initial_context(vcpu_guest_context_t *c, const struct dom_layout *l,
                        uint64_t entry, unsigned long l3_mfn, unsigned long vm_assist);

#endif
