/*
 * Helpers shared by the memory hypercalls (mmu_update.c, mmuext_op.c,
 * memory_op.c): naming domains, vCPU masks, batch continuations.
 */
#ifndef MICA_MM_OPS_H
#define MICA_MM_OPS_H

#include <mica/types.h>
#include <mica/domain.h>

/*
 * Bit 31 of an mmu_update/mmuext_op count marks a call re-issued by a
 * continuation: the fifth argument (EDI) then holds the progress so far
 * (hypervisor-internal, as in Xen; guests leave the bit clear).
 */
#define MMU_UPDATE_PREEMPTED 0x80000000u

/* Count a preempted memory operation (the first one is logged). */
void mm_note_continuation(void);

/* Continue batch hypercall nr at element i of list (elements of `size`
 * bytes), `done` of them completed so far. */
long mm_batch_continuation(unsigned int nr, guest_va_t list, size_t size,
                           unsigned int i, unsigned int count,
                           guest_va_t pdone, uint32_t done, unsigned long fd);

/*
 * The inverse, on entry to the batch hypercall: strip the marker from
 * *count and return the progress carried in the fifth argument (0 for a
 * call the guest issued itself).
 */
static inline uint32_t mm_batch_resume(unsigned int *count, unsigned long a5)
{
    if (!(*count & MMU_UPDATE_PREEMPTED))
        return 0;
    *count &= ~MMU_UPDATE_PREEMPTED;
    return (uint32_t)a5;
}


/*
 * Does the guest vCPU bitmap at mask (one bit per vCPU, 32-bit words)
 * include the current vCPU?  -EFAULT if it cannot be read.  On one pCPU,
 * flushing "the vCPUs in a mask" means flushing here iff it does.
 */
int mm_vcpumask_has_current(guest_va_t mask, bool *hit);

/* ---- For the grant code (defined in mmu_update.c) ---- */
struct page_info;
/* A general and a type reference on the validated table at mfn owned by
 * pt_owner (put_page_and_type releases), or NULL. */
struct page_info *mm_get_live_table(unsigned long mfn, struct domain *pt_owner);
/* The live table that maps va in v's current tables (referenced as
 * above; the caller checks it is an L1), or NULL. */
struct page_info *mm_current_l1_for(const struct vcpu *v, uint32_t va);

#endif
