/*
 * Grant-table helpers for the grant and ring tests (runtime/grant.c).
 *
 * Slots: the scratch pages at the end of the bootstrap region (see pt.h)
 * double as places to map things.  Slot 0 holds our grant table frame 0
 * (gnt_init); gnt_blank(slot) leaves a slot's PTE not present, ready for a
 * grant map at gnt_slot_va(slot); scratch_restore(slot) puts it back.
 * Slots 6 and 7 belong to the page-table helpers.
 *
 * Rendezvous of the ring tests (docs/grants.md): the frontend writes its
 * grants first, then offers an event channel (evtchn_offer_and_wait); the
 * backend binds to it (evtchn_connect_and_greet) and then maps the ring at
 * the frontend's ref GNT_RING_REF, the first ref after the reserved ones.
 */
#ifndef GUEST_GRANT_H
#define GUEST_GRANT_H

#include <test.h>
#include <pt.h>
#include <hypercall.h>
#include <public/grant_table.h>

#define GNT_RING_REF GNTTAB_NR_RESERVED_ENTRIES
#define GNTTAB_MAX_FRAMES_GUEST 64  /* gnttab_max_frames' default (query_size says) */

static inline long HYPERVISOR_grant_table_op(unsigned int cmd, void *uop, unsigned int count)
{
    return hypercall3(__HYPERVISOR_grant_table_op, cmd, (long)uop, count);
}

/* setup_table(nr_frames) and map frame 0 at slot 0: the entries, or NULL. */
grant_entry_v1_t *gnt_init(unsigned int nr_frames);
extern grant_entry_v1_t *gnt_table;

/* Grant ref (frame mfn) to domain `to`; frame and domid first, then flags. */
void gnt_grant(grant_ref_t ref, domid_t to, uint32_t mfn, bool readonly);
/* End access the way Linux does: only if neither reading nor writing is
 * set (one cmpxchg).  True if the grant is now revoked. */
bool gnt_end(grant_ref_t ref);

/* One-element operations: the GNTST_* status (or the hypercall's error). */
long gnt_map(domid_t dom, grant_ref_t ref, uint64_t addr, uint32_t flags,
             grant_handle_t *handle);
long gnt_unmap(uint64_t addr, grant_handle_t handle);
long gnt_copy(struct gnttab_copy_ptr src, struct gnttab_copy_ptr dst, uint16_t len,
              uint16_t flags);
static inline struct gnttab_copy_ptr gref_ptr(grant_ref_t ref, domid_t dom, uint16_t off)
{
    return (struct gnttab_copy_ptr){ .u.ref = ref, .domid = dom, .offset = off };
}
static inline struct gnttab_copy_ptr mfn_ptr(uint32_t mfn, uint16_t off)
{
    return (struct gnttab_copy_ptr){ .u.gmfn = mfn, .domid = DOMID_SELF, .offset = off };
}

uint32_t gnt_slot_va(unsigned int slot);
/* Make a slot's PTE not present (returns its VA). */
uint32_t gnt_blank(unsigned int slot);

#endif
