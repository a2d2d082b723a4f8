/*
 * Dom0's page tables: built once at boot, through the validated hypercalls.
 *
 * The hypervisor starts Dom0 on bootstrap tables that map only the
 * bootstrap region (image, ramfs, P2M, start_info, the tables themselves,
 * a stack and some slack).  mm_init() replaces them by tables of its own
 * with the layout of mm.h: every frame in a linear direct map, and a window
 * of not-present slots whose L1 tables exist, so that mapping another
 * domain's frame later is one mmu_update on a known PTE.
 *
 * The hypervisor never lets a frame be a page table while it is mapped
 * writable anywhere, so the switch goes in this order:
 *
 *   1. allocate one contiguous run of frames for the new L1s, L2 and L3,
 *      preferably past the bootstrap region;
 *   2. fill each through a mapping: frames inside the region through the
 *      bootstrap map (made read-only afterwards), the others through a
 *      scratch slot (the region's last page, remapped per frame, restored
 *      at the end) -- so no writable mapping of a new table survives;
 *      the new tables map every table frame, old and new, read-only;
 *   3. pin the new L3 (the hypervisor validates the whole tree), load it,
 *      unpin the bootstrap L3: the old tree loses its last references and
 *      is untyped when the call returns;
 *   4. make the old table frames writable in the new direct map and hand
 *      them, with the boot stack and the slack, to the frame allocator.
 *
 * After that the tables change only in the window (window_map/unmap, and
 * grant maps, which the hypervisor writes into window PTEs itself).
 */
#include "mm.h"
#include "hypercall.h"

uint32_t mm_nr_pages, mm_nr_direct;
const uint32_t *p2m;

#define L1_PER_L2       (PAGE_SIZE / 8)
#define WINDOW_FIRST_L2 ((WINDOW_START - VIRT_BASE) >> 21)     /* 412 */
#define NR_L2_USED      ((WINDOW_END - VIRT_BASE) >> 21)       /* 428 */
#define PTE_KERNEL      (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)

static uint32_t l1_pfn[NR_L2_USED];     /* the L1 under each used L2 slot */
static uint32_t pt_first, pt_count;     /* our table frames: one run */
static uint32_t boot_pt_first, boot_pt_count, boot_end_pfn;

static inline uint32_t m2p(uint32_t mfn)
{
    return ((const volatile uint32_t *)MACH2PHYS_VIRT_START)[mfn];
}

static void mmuext(unsigned int cmd, uint32_t mfn)
{
    mmuext_op_t op = { .cmd = cmd, .arg1.mfn = mfn };
    long rc = HYPERVISOR_mmuext_op(&op, 1, NULL, DOMID_SELF);

    if (rc)
        panic("mmuext_op %u on mfn %#x: %ld", cmd, mfn, rc);
}

static void uvm(const void *va, uint64_t pte)
{
    long rc = HYPERVISOR_update_va_mapping((unsigned long)(uintptr_t)va, pte, UVMF_INVLPG);

    if (rc)
        panic("update_va_mapping %p: %ld", va, rc);
}

/* A bootstrap-table entry for va (through the bootstrap direct map). */
static uint64_t boot_pte(uint32_t va)
{
    const uint64_t *l3 = (const uint64_t *)start_info->pt_base;
    const uint64_t *l2, *l1;
    uint64_t e = l3[va >> 30];

    if (!(e & _PAGE_PRESENT))
        return 0;
    l2 = pfn_to_virt(m2p(PTE_MFN(e)));
    e = l2[(va >> 21) & 511];
    if (!(e & _PAGE_PRESENT))
        return 0;
    l1 = pfn_to_virt(m2p(PTE_MFN(e)));
    return l1[(va >> 12) & 511];
}

/* The scratch slot: the last page of the bootstrap region. */
static uint64_t *boot_map(uint32_t pfn)
{
    void *scratch = pfn_to_virt(boot_end_pfn - 1);

    if (pfn < boot_end_pfn)
        return pfn_to_virt(pfn);
    uvm(scratch, ((uint64_t)p2m[pfn] << PAGE_SHIFT) | PTE_KERNEL);
    return scratch;
}

static bool is_table(uint32_t pfn)
{
    return (pfn >= pt_first && pfn < pt_first + pt_count) ||
           (pfn >= boot_pt_first && pfn < boot_pt_first + boot_pt_count);
}

static void reserve_range(const void *start, uint32_t bytes)
{
    uint32_t first = virt_to_pfn(start);
    uint32_t last = virt_to_pfn((const char *)start + (bytes ? bytes - 1 : 0));

    frames_reserve(first, last - first + 1);
}

static void build_tables(void)
{
    uint32_t n_direct_l1 = (mm_nr_direct + L1_PER_L2 - 1) / L1_PER_L2;
    uint32_t n_window_l1 = WINDOW_PAGES / L1_PER_L2;
    uint32_t l2, l3, i;
    uint64_t *t;

    pt_count = n_direct_l1 + n_window_l1 + 2;
    long first = frame_alloc(pt_count);
    if (first < 0)
        panic("no run of %u free frames for the page tables", pt_count);
    pt_first = (uint32_t)first;
    for (i = 0; i < n_direct_l1; i++)
        l1_pfn[i] = pt_first + i;
    for (i = 0; i < n_window_l1; i++)
        l1_pfn[WINDOW_FIRST_L2 + i] = pt_first + n_direct_l1 + i;
    l2 = pt_first + pt_count - 2;
    l3 = pt_first + pt_count - 1;

    for (i = 0; i < n_direct_l1; i++) {
        t = boot_map(l1_pfn[i]);
        for (uint32_t j = 0; j < L1_PER_L2; j++) {
            uint32_t pfn = i * L1_PER_L2 + j;
            t[j] = pfn >= mm_nr_direct ? 0 :
                   ((uint64_t)p2m[pfn] << PAGE_SHIFT) |
                   (is_table(pfn) ? PTE_KERNEL & ~_PAGE_RW : PTE_KERNEL);
        }
    }
    for (i = 0; i < n_window_l1; i++)
        memset(boot_map(l1_pfn[WINDOW_FIRST_L2 + i]), 0, PAGE_SIZE);
    t = boot_map(l2);
    for (i = 0; i < L1_PER_L2; i++) {
        bool used = i < NR_L2_USED && (i < n_direct_l1 || i >= WINDOW_FIRST_L2);
        t[i] = used ? ((uint64_t)p2m[l1_pfn[i]] << PAGE_SHIFT) | PTE_KERNEL : 0;
    }
    t = boot_map(l3);
    memset(t, 0, PAGE_SIZE);
    t[3] = ((uint64_t)p2m[l2] << PAGE_SHIFT) | _PAGE_PRESENT;

    /* No writable mapping of a new table may survive in the old tables. */
    uvm(pfn_to_virt(boot_end_pfn - 1),
        ((uint64_t)p2m[boot_end_pfn - 1] << PAGE_SHIFT) | PTE_KERNEL);
    for (i = pt_first; i < pt_first + pt_count && i < boot_end_pfn; i++)
        uvm(pfn_to_virt(i), ((uint64_t)p2m[i] << PAGE_SHIFT) | (PTE_KERNEL & ~_PAGE_RW));

    mmuext(MMUEXT_PIN_L3_TABLE, p2m[l3]);
    mmuext(MMUEXT_NEW_BASEPTR, p2m[l3]);
}

/* The old tables are untyped now: map them writable and recycle them. */
static void recycle_boot_tables(void)
{
    mmu_update_t req[64];
    uint32_t n = 0;

    for (uint32_t pfn = boot_pt_first; pfn < boot_pt_first + boot_pt_count; pfn++) {
        const uint32_t va = VIRT_BASE + (pfn << PAGE_SHIFT);
        uint32_t l1 = l1_pfn[(va - VIRT_BASE) >> 21];

        req[n].ptr = ((uint64_t)p2m[l1] << PAGE_SHIFT) + ((va >> 12) & 511) * 8;
        req[n].val = ((uint64_t)p2m[pfn] << PAGE_SHIFT) | PTE_KERNEL;
        if (++n == ARRAY_SIZE(req) || pfn + 1 == boot_pt_first + boot_pt_count) {
            long rc = HYPERVISOR_mmu_update(req, n, NULL, DOMID_SELF);
            if (rc)
                panic("remapping the bootstrap tables: %ld", rc);
            n = 0;
        }
    }
    frame_free(boot_pt_first, boot_pt_count);
}

void mm_p2m_set(uint32_t pfn, uint32_t mfn)
{
    BUG_ON(pfn >= mm_nr_pages);
    ((uint32_t *)p2m)[pfn] = mfn;
}

void mm_init(void)
{
    uint32_t va = VIRT_BASE;
    uint32_t old_l3 = virt_to_pfn((const void *)start_info->pt_base);

    p2m = (const uint32_t *)start_info->mfn_list;
    mm_nr_pages = start_info->nr_pages;
    mm_nr_direct = MIN(mm_nr_pages, DIRECT_MAX_PAGES);
    while (va < HYPERVISOR_VIRT_START && (boot_pte(va) & _PAGE_PRESENT))
        va += PAGE_SIZE;
    boot_end_pfn = (va - VIRT_BASE) >> PAGE_SHIFT;
    boot_pt_first = old_l3;
    boot_pt_count = start_info->nr_pt_frames;

    frames_init(mm_nr_direct);
    reserve_range(_image_start, (uint32_t)(_image_end - _image_start));
    reserve_range(start_info, PAGE_SIZE);
    reserve_range(p2m, mm_nr_pages * 4);
    if (start_info->mod_len)
        reserve_range((const void *)start_info->mod_start, start_info->mod_len);
    frames_reserve(boot_pt_first, boot_pt_count);
    frames_reserve(boot_end_pfn - 1, 1);            /* the scratch slot */
    if (boot_end_pfn < mm_nr_direct)
        frames_set_hint(boot_end_pfn);

    build_tables();
    mmuext(MMUEXT_UNPIN_TABLE, p2m[old_l3]);
    recycle_boot_tables();
    frame_free(boot_end_pfn - 1, 1);
    frames_ready();
    if (mm_nr_pages > mm_nr_direct)
        kprintf("%u MiB of memory beyond the direct map left unused\n",
                (mm_nr_pages - mm_nr_direct) >> 8);
}

/* ---- the mapping window ---- */

static uint32_t window_used[WINDOW_PAGES / 32];
static uint32_t window_hint;

static bool slot_used(uint32_t i) { return window_used[i / 32] & (1u << (i % 32)); }
static void slot_set(uint32_t i, bool used)
{
    if (used)
        window_used[i / 32] |= 1u << (i % 32);
    else
        window_used[i / 32] &= ~(1u << (i % 32));
}

void *window_alloc(uint32_t n)
{
    if (n == 0 || n > WINDOW_PAGES)
        return NULL;
    for (uint32_t tries = 0, start = window_hint; tries < 2; tries++, start = 0) {
        uint32_t run = 0;
        for (uint32_t i = start; i < WINDOW_PAGES; i++) {
            run = slot_used(i) ? 0 : run + 1;
            if (run == n) {
                uint32_t first = i + 1 - n;
                for (uint32_t j = first; j <= i; j++)
                    slot_set(j, true);
                window_hint = (i + 1) % WINDOW_PAGES;
                return (void *)(uintptr_t)(WINDOW_START + first * PAGE_SIZE);
            }
        }
    }
    return NULL;
}

void window_free(void *va, uint32_t n)
{
    uint32_t first = ((uint32_t)(uintptr_t)va - WINDOW_START) >> PAGE_SHIFT;

    BUG_ON((uint32_t)(uintptr_t)va < WINDOW_START || first + n > WINDOW_PAGES);
    for (uint32_t i = first; i < first + n; i++) {
        BUG_ON(!slot_used(i) || (window_pte((void *)(uintptr_t)(WINDOW_START + i * PAGE_SIZE)) &
                                 _PAGE_PRESENT));
        slot_set(i, false);
    }
}

static uint32_t va_l1(const void *va)
{
    uint32_t v = (uint32_t)(uintptr_t)va;

    BUG_ON(v < WINDOW_START || v >= WINDOW_END);
    return l1_pfn[(v - VIRT_BASE) >> 21];
}

uint64_t window_pte(const void *va)
{
    const volatile uint64_t *l1 = pfn_to_virt(va_l1(va));

    return l1[((uint32_t)(uintptr_t)va >> 12) & 511];
}

uint64_t window_pte_maddr(const void *va)
{
    return ((uint64_t)p2m[va_l1(va)] << PAGE_SHIFT) + (((uint32_t)(uintptr_t)va >> 12) & 511) * 8;
}

int window_map(void *va, const uint32_t *mfns, uint32_t n, uint16_t dom, bool writable)
{
    mmu_update_t req[32];
    uint32_t done = 0;

    while (done < n) {
        uint32_t k = MIN(n - done, (uint32_t)ARRAY_SIZE(req));
        for (uint32_t i = 0; i < k; i++) {
            const char *p = (const char *)va + (done + i) * PAGE_SIZE;
            req[i].ptr = window_pte_maddr(p) | MMU_NORMAL_PT_UPDATE;
            req[i].val = ((uint64_t)mfns[done + i] << PAGE_SHIFT) | _PAGE_PRESENT |
                         _PAGE_ACCESSED | (writable ? _PAGE_RW | _PAGE_DIRTY : 0);
        }
        unsigned int ok = 0;
        long rc = HYPERVISOR_mmu_update(req, k, &ok, dom);
        if (rc) {
            window_unmap(va, done + ok);
            return (int)rc;
        }
        done += k;
    }
    return 0;
}

void window_unmap(void *va, uint32_t n)
{
    mmu_update_t req[32];
    mmuext_op_t inv[32];

    for (uint32_t done = 0; done < n;) {
        uint32_t k = MIN(n - done, (uint32_t)ARRAY_SIZE(req));
        for (uint32_t i = 0; i < k; i++) {
            const char *p = (const char *)va + (done + i) * PAGE_SIZE;
            req[i].ptr = window_pte_maddr(p) | MMU_NORMAL_PT_UPDATE;
            req[i].val = 0;
            inv[i].cmd = MMUEXT_INVLPG_LOCAL;
            inv[i].arg1.linear_addr = (uint32_t)(uintptr_t)p;
        }
        if (HYPERVISOR_mmu_update(req, k, NULL, DOMID_SELF) ||
            HYPERVISOR_mmuext_op(inv, k, NULL, DOMID_SELF))
            panic("cannot unmap window slots at %p", (const char *)va + done * PAGE_SIZE);
        done += k;
    }
}
