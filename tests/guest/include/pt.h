/*
 * Page-table helpers for the memory-management tests (runtime/pt.c).
 *
 * Spare frames: the domain owns nr_pages frames but the bootstrap region
 * maps only the first few hundred; spare_frame() hands out the others
 * (PFNs past the region, unmapped, zeroed by the builder), one at a time.
 *
 * Scratch slots: the last SCRATCH_SLOTS pages of the bootstrap region are
 * slack nobody uses; scratch_map() points one of them at any frame (with
 * update_va_mapping + invlpg) so a test can fill a frame before it becomes
 * a table, and scratch_restore() puts the original frame back -- after
 * which the frame is mapped nowhere and may be pinned.
 *
 * Every helper that fails reports test_error() (the test could not set up
 * its scenario), never test_fail().
 */
#ifndef GUEST_PT_H
#define GUEST_PT_H

#include <test.h>

#define SCRATCH_SLOTS 8
#define XEN_L2_GUEST_SLOTS 428   /* entries of the slot-3 L2 the guest owns */
#define L1_INDEX(va)  (((va) >> 12) & 511)
#define L2_INDEX(va)  (((va) >> 21) & 511)
#define L3_INDEX(va)  ((va) >> 30)
#define MADDR(mfn, idx) (((uint64_t)(mfn) << 12) | ((uint64_t)(idx) * 8))
#define PTE(mfn, fl)  (((uint64_t)(mfn) << 12) | (fl))

#define SCRATCH_WALK  (SCRATCH_SLOTS - 2)   /* used by walk_any() */

/* Like pt_walk(), but follows tables wherever they are (spare frames too)
 * in the CURRENT bootstrap L3, reading them through a scratch mapping. */
int walk_any(uint32_t va, uint64_t e[3]);
bool mapped_any(uint32_t va);
uint32_t va_to_mfn(const volatile void *va);      /* via the tables; ~0 if unmapped */
uint32_t current_l3_mfn(void);                    /* the bootstrap L3 */
uint32_t l1_mfn_of(uint32_t va);                  /* the L1 mapping va; ~0 if none */
uint64_t l1e_maddr(uint32_t va);                  /* machine address of va's L1 entry */
uint32_t spare_frame(void);
uint32_t spare_frames_left(void);

uint32_t scratch_slot_va(unsigned int slot);            /* where slot maps */
void *scratch_map(unsigned int slot, uint32_t mfn, uint64_t flags);
void scratch_restore(unsigned int slot);

long mmu1(uint64_t ptr, uint64_t val);                  /* one mmu_update request */
long mmuext1(unsigned int cmd, uint32_t arg1, uint32_t arg2);
long pin(unsigned int level, uint32_t mfn);             /* level 1..4 */
long unpin(uint32_t mfn);
long new_baseptr(uint32_t mfn);
long invlpg(uint32_t va);

/* A zeroed spare frame filled with `n` entries (written through a scratch
 * slot), unmapped again: ready to be pinned or linked. */
uint32_t make_table(const uint64_t *entries, unsigned int first, unsigned int n);

/* The domain's current reservation (pages). */
long current_pages(void);

#endif
