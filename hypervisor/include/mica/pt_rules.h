/*
 * Guest page-table entries: the checks and the single-entry updates of
 * common/pt_validate.c, shared by the memory hypercalls, the writable
 * page-table emulation and the host unit tests.
 */
#ifndef MICA_PT_RULES_H
#define MICA_PT_RULES_H

#include <mica/types.h>
#include <mica/domain.h>
#include <mica/iocaps.h>

struct page_info;
typedef uint64_t pte_t;

/* The bits a present entry may carry at each level: 0 or -EINVAL. */
int l1e_check(pte_t e, bool io_priv, bool nx);
/* l1e_check's rule as a mask: a present L1 entry with any of these is refused. */
#define PTE_RSVD_HIGH   0x7ff0000000000000ULL   /* bits 52..62 */
#define L1E_CACHE_ATTRS 0x0000000000000098ULL   /* PWT | PCD | PAT (L1: bit 7) */
#define L1E_GLOBAL      0x0000000000000100ULL
#define L1E_NX          0x8000000000000000ULL
static inline pte_t l1e_bad_bits(bool io_priv, bool nx)
{
    return L1E_GLOBAL | PTE_RSVD_HIGH | (io_priv ? 0 : L1E_CACHE_ATTRS) | (nx ? 0 : L1E_NX);
}
int l2e_check(pte_t e, bool nx);
int l3e_check(pte_t e);

/*
 * Replace entry idx of the validated table tpg (the caller holds a type
 * reference on it) by nl: 0, -EINVAL (refused), -ERESTART (preempted while
 * validating or devalidating what nl points at; nothing changed).
 * preserve_ad keeps the A and D bits the CPU set in the old entry.
 */
int mod_l1_entry(struct page_info *tpg, unsigned int idx, pte_t nl,
                 struct domain *pg_owner, bool preserve_ad, bool preemptible);
int mod_l2_entry(struct page_info *tpg, unsigned int idx, pte_t nl,
                 bool preserve_ad, bool preemptible);
int mod_l3_entry(struct page_info *tpg, unsigned int idx, pte_t nl,
                 bool preserve_ad, bool preemptible);

/* May d use cache attributes (PWT/PCD/PAT) and flush caches?  The
 * privileged domain, and one the toolstack gave I/O ports or memory. */
static inline bool mm_io_privileged(const struct domain *d)
{
    return d && (d->is_privileged || iocaps_any_io(d->iocaps));
}

#endif
