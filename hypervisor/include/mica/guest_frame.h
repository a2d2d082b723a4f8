/*
 * Guest frames the hypervisor writes behind the guest's back
 * (common/guest_frame.c).
 *
 * Some ABI features hand the hypervisor a frame of the guest's own memory
 * to write whenever it likes: the FIFO event-channel control blocks and
 * event arrays, a vcpu_info moved out of shared_info
 * (VCPUOP_register_vcpu_info), and the like.  While the hypervisor writes
 * such a frame it must never become a page table or descriptor page -- a
 * write there would be an unchecked PTE -- nor be freed and reused.  So,
 * as in Xen, each registration holds a general reference and a writable
 * type reference on the frame for as long as the hypervisor keeps it,
 * and drops both when the guest unregisters it or the domain dies.
 *
 * Every such reference is also recorded per domain, so the consistency
 * auditor (mm_audit.c) counts them among the legitimate holders, and
 * teardown can check that none was forgotten.
 */
#ifndef MICA_GUEST_FRAME_H
#define MICA_GUEST_FRAME_H

#include <mica/types.h>

struct domain;

/*
 * Take frame `mfn` of d for the hypervisor to write: it must be RAM that d
 * owns and able to take the writable type (not a page table, not a
 * descriptor page).  On success *va is the hypervisor's mapping of the
 * frame (page aligned).  0, -EINVAL (not d's, or cannot be writable), or
 * -ENOSPC (the domain holds GUEST_FRAME_MAX registrations already).
 */
int guest_frame_get(struct domain *d, unsigned long mfn, void **va);
/* Drop one registration taken by guest_frame_get(d, mfn). */
void guest_frame_put(struct domain *d, unsigned long mfn);

/* How many registrations of mfn d holds (the auditor's view). */
unsigned int guest_frame_count(const struct domain *d, unsigned long mfn);
/* Call fn(d, mfn, count) for every frame d has registered. */
void guest_frame_for_each(const struct domain *d,
                          void (*fn)(const struct domain *d, unsigned long mfn,
                                     unsigned int count, void *arg), void *arg);
/* Registrations d still holds (0 after every subsystem let go). */
unsigned int guest_frame_total(const struct domain *d);
/* Teardown: drop whatever is left (reported), free the record. */
void guest_frame_release_all(struct domain *d);

/* Registrations one domain may hold at once (bounded by the ABI users:
 * 128 FIFO array pages plus a few per vCPU). */
#define GUEST_FRAME_MAX 500

#endif
