/*
 * The hypervisor's own page tables, and each vCPU's top-level table.
 *
 * idle_pg_table is the PML4 the hypervisor runs on when no guest is loaded.
 * Its upper half holds everything the hypervisor needs (direct map, image,
 * GDT area) and is populated once, at boot: after paging_init() no upper
 * PML4 slot ever changes.  That invariant is what lets every vCPU have its
 * own PML4 that is a plain copy of the upper half plus, in slot 0, a link to
 * the guest's current PAE L3:
 *
 *    vCPU PML4                guest's L3 (a PDPT page)      guest's L2/L1
 *    [0]   --------------->   [0] 0-1 GiB  --------------->  ...
 *    [1..255]  empty          [1] 1-2 GiB
 *    [256..511] = idle's      [2] 2-3 GiB
 *                             [3] 3-4 GiB  --> L2 with the M2P in 428..511
 *                             [4..511] kept zero by the hypervisor
 *
 * The guest's tables are walked by the 64-bit MMU unchanged (PAE and long
 * mode share the entry format); the only adjustment is that L3 entries get
 * RW|USER|A|D, which PAE PDPTEs cannot express but long-mode PDPTEs need
 * (Xen's 32-on-64 does the same).
 */
#include <mica/types.h>
#include <mica/errno.h>
#include <mica/mm.h>
#include <mica/lib.h>
#include <mica/printk.h>
#include <mica/bug.h>
#include <mica/domain.h>
#include <asm/page.h>
#include <asm/x86.h>
#include <asm/paging.h>
#include <asm/mm_arch.h>

uint64_t *idle_pg_table;
static uint64_t *gdt_l1;          /* maps the 16 pages of the GDT area */
static bool have_nx;

extern char _stext[], _etext[], _erodata[], _edata[], _end[];
extern char boot_pml4[];

static uint64_t *pt_alloc(void)
{
    void *p = alloc_xenheap_pages(0);
    if (!p)
        panic("out of memory for hypervisor page tables");
    return p;
}

static uint64_t *next_level(uint64_t *table, unsigned int idx)
{
    if (!(table[idx] & _PAGE_PRESENT)) {
        uint64_t *n = pt_alloc();
        table[idx] = __pa(n) | _PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED;
    }
    BUG_ON(table[idx] & _PAGE_PSE);
    return __va(pte_paddr(table[idx]));
}

/*
 * Map [va, va+size) -> [pa, ...) in the given PML4, with 2 MiB pages where
 * alignment allows and large != 0.  Only used for hypervisor mappings.
 */
void map_pages(uint64_t *pml4, uint64_t va, paddr_t pa, uint64_t size,
               uint64_t flags, bool large)
{
    if (!have_nx)
        flags &= ~_PAGE_NX;
    while (size) {
        uint64_t *l3 = next_level(pml4, l4_index(va));
        uint64_t *l2 = next_level(l3, l3_index(va));
        if (large && !(va & ((1UL << L2_SHIFT) - 1)) &&
            !(pa & ((1UL << L2_SHIFT) - 1)) && size >= (1UL << L2_SHIFT)) {
            l2[l2_index(va)] = pa | flags | _PAGE_PSE;
            va += 1UL << L2_SHIFT;
            pa += 1UL << L2_SHIFT;
            size -= 1UL << L2_SHIFT;
            continue;
        }
        uint64_t *l1 = next_level(l2, l2_index(va));
        l1[l1_index(va)] = pa | flags;
        va += PAGE_SIZE;
        pa += PAGE_SIZE;
        size -= PAGE_SIZE;
    }
}

void paging_init(uint64_t direct_map_bytes)
{
    uint64_t hv = _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_GLOBAL;
    uint32_t a, b, c, d;

    cpuid_count(0x80000001, 0, &a, &b, &c, &d);
    have_nx = d & (1u << 20);

    idle_pg_table = pt_alloc();

    /* Direct map of the whole physical range that has RAM (and below). */
    map_pages(idle_pg_table, DIRECTMAP_VIRT_START, 0, direct_map_bytes,
              hv | _PAGE_RW | _PAGE_DIRTY | _PAGE_NX, true);

    /* The image, with W^X: text RX, rodata R, data/bss RW. */
    map_pages(idle_pg_table, (uint64_t)_stext, __pa(_stext),
              (uint64_t)(_etext - _stext), hv, false);
    map_pages(idle_pg_table, (uint64_t)_etext, __pa(_etext),
              (uint64_t)(_erodata - _etext), hv | _PAGE_NX, false);
    map_pages(idle_pg_table, (uint64_t)_erodata, __pa(_erodata),
              (uint64_t)(_end - _erodata), hv | _PAGE_RW | _PAGE_DIRTY | _PAGE_NX, false);

    /* GDT area: 16 pages, remapped per vCPU (desc.c). Populate the L1 now. */
    map_pages(idle_pg_table, GDT_VIRT_START, 0, PAGE_SIZE, 0, false);
    {
        uint64_t *l3 = next_level(idle_pg_table, l4_index(GDT_VIRT_START));
        uint64_t *l2 = next_level(l3, l3_index(GDT_VIRT_START));
        gdt_l1 = next_level(l2, l2_index(GDT_VIRT_START));
    }

    /* Every upper-half slot must exist now: they are copied, never updated. */
    for (unsigned int i = 256; i < 512; i++)
        if (!(idle_pg_table[i] & _PAGE_PRESENT) &&
            (i == DIRECTMAP_SLOT || i == GDT_SLOT || i == HV_IMAGE_SLOT))
            panic("paging_init: slot %u missing", i);

    write_cr4(read_cr4() | X86_CR4_PGE);
    write_cr3(__pa(idle_pg_table));
}

void gdt_area_map(unsigned int page, unsigned long mfn, bool writable)
{
    uint64_t va = GDT_VIRT_START + (uint64_t)page * PAGE_SIZE;
    gdt_l1[page] = mk_pte(mfn, _PAGE_PRESENT | _PAGE_ACCESSED | _PAGE_DIRTY |
                          (writable ? _PAGE_RW : 0) | (have_nx ? _PAGE_NX : 0));
    invlpg(va);
}

void gdt_area_unmap(unsigned int page)
{
    gdt_l1[page] = 0;
    invlpg(GDT_VIRT_START + (uint64_t)page * PAGE_SIZE);
}

/* A vCPU's PML4: upper half shared with idle_pg_table, slot 0 = guest. */
int arch_vcpu_create(struct vcpu *v)
{
    uint64_t *t = alloc_xenheap_pages(0);
    if (!t)
        return -ENOMEM;
    memcpy(&t[256], &idle_pg_table[256], 256 * sizeof(uint64_t));
    v->top_table = t;
    v->top_mfn = virt_to_mfn(t);
    return 0;
}

void vcpu_set_guest_l3(struct vcpu *v, unsigned long l3_mfn)
{
    v->guest_l3_mfn = l3_mfn;
    v->top_table[0] = mk_pte(l3_mfn, _PAGE_PRESENT | _PAGE_RW | _PAGE_USER |
                             _PAGE_ACCESSED | _PAGE_DIRTY);
}

void vcpu_load_pagetable(struct vcpu *v)
{
    write_cr3((unsigned long)v->top_mfn << PAGE_SHIFT);
    tlbflush_clock++;                   /* a CR3 write flushes the guest's TLB */
}

/*
 * Device registers the hypervisor itself drives (the local APIC): uncached
 * 4 KiB mappings in a window just below the image.  They live under PML4
 * slot 511, which exists from boot, so every vCPU's table sees them.
 */
void *fixmap_map(unsigned int idx, paddr_t pa)
{
    uint64_t va = FIXMAP_VIRT_START + (uint64_t)idx * PAGE_SIZE;

    BUG_ON(idx >= FIXMAP_NR || (pa & (PAGE_SIZE - 1)));
    map_pages(idle_pg_table, va, pa, PAGE_SIZE, _PAGE_PRESENT | _PAGE_RW |
              _PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_PCD | _PAGE_PWT | _PAGE_NX, false);
    invlpg(va);
    return (void *)va;
}
