/*
 * x86-64 / PAE page-table entry format.  Long-mode 64-bit entries and PAE
 * entries share one format, which is what lets a 32-bit PAE guest's L1 and
 * L2 tables be walked by the 64-bit MMU unchanged.
 */
#ifndef ASM_PAGE_H
#define ASM_PAGE_H

#include <mica/types.h>
#include <asm/config.h>

#define _PAGE_PRESENT  0x001ULL
#define _PAGE_RW       0x002ULL
#define _PAGE_USER     0x004ULL
#define _PAGE_PWT      0x008ULL
#define _PAGE_PCD      0x010ULL
#define _PAGE_ACCESSED 0x020ULL
#define _PAGE_DIRTY    0x040ULL
#define _PAGE_PSE      0x080ULL
#define _PAGE_PAT      0x080ULL     /* in an L1 entry */
#define _PAGE_GLOBAL   0x100ULL
#define _PAGE_AVAIL    0xe00ULL
#define _PAGE_NX       (1ULL << 63)
#define PADDR_MASK     0x000ffffffffff000ULL

typedef uint64_t pte_t;

#define L1_SHIFT 12
#define L2_SHIFT 21
#define L3_SHIFT 30
#define L4_SHIFT 39
#define ENTRIES  512

#define l1_index(va) (((va) >> L1_SHIFT) & 511)
#define l2_index(va) (((va) >> L2_SHIFT) & 511)
#define l3_index(va) (((va) >> L3_SHIFT) & 511)
#define l4_index(va) (((va) >> L4_SHIFT) & 511)

static inline paddr_t pte_paddr(pte_t e) { return e & PADDR_MASK; }
static inline unsigned long pte_mfn(pte_t e) { return (unsigned long)((e & PADDR_MASK) >> PAGE_SHIFT); }
static inline pte_t mk_pte(unsigned long mfn, uint64_t flags) { return ((pte_t)mfn << PAGE_SHIFT) | flags; }

/* Direct map: every RAM frame is reachable at DIRECTMAP_VIRT_START + paddr. */
static inline void *__va(paddr_t pa) { return (void *)(DIRECTMAP_VIRT_START + pa); }
static inline void *mfn_to_virt(unsigned long mfn) { return __va((paddr_t)mfn << PAGE_SHIFT); }
static inline paddr_t __pa(const void *va)
{
    unsigned long v = (unsigned long)va;
    if (v >= HV_VIRT_BASE)
        return v - HV_VIRT_BASE;
    return v - DIRECTMAP_VIRT_START;
}
static inline unsigned long virt_to_mfn(const void *va) { return (unsigned long)(__pa(va) >> PAGE_SHIFT); }

#endif
