/*
 * The per-vCPU records the hypervisor writes into guest memory while the
 * guest runs on: vcpu_info, the runstate and the time record
 * (common/vcpu_area.c; the ABI in public/vcpu.h).
 *
 * Each may live in one of three kinds of place:
 *
 *   - the hypervisor's own page shared with the domain (vcpu_info of the
 *     first 32 vCPUs in shared_info; the time record inside it);
 *   - a guest frame registered by machine address (register_vcpu_info,
 *     register_runstate_phys_area, register_vcpu_time_phys_area).  Such a
 *     frame holds a guest_frame registration -- a general and a writable
 *     type reference -- for as long as the hypervisor may write it, so it
 *     can never become a page table (docs/security.md, class 1);
 *   - a guest virtual address (register_runstate_memory_area,
 *     register_vcpu_time_memory_area), written as Xen writes it: through
 *     the vCPU's own page tables, with CR0.WP set, only while those tables
 *     are loaded (so never through another domain's or another vCPU's).
 */
#ifndef MICA_VCPU_AREA_H
#define MICA_VCPU_AREA_H

#include <mica/types.h>

struct vcpu;
struct time_snapshot;

/* vcpu->areas_stale: guest-VA copies to refresh before the guest runs. */
#define VAREA_RUNSTATE  1u
#define VAREA_TIME      2u

/* v's vcpu_info back to its default place: shared_info, or the dummy. */
void vcpu_info_reset(struct vcpu *v);
/* Does v have a real vcpu_info (VCPUOP_initialise needs one)? */
bool vcpu_has_vcpu_info(const struct vcpu *v);

/*
 * VCPUOP_register_vcpu_info: move v's vcpu_info to mfn:offset.  0,
 * -EINVAL (bad offset, not the domain's frame), -EBUSY (registered
 * already), -ENXIO (crosses a page or misaligned), -EACCES (the frame
 * cannot be writable), -ENOSPC.
 */
long vcpu_register_vcpu_info(struct vcpu *v, uint64_t mfn, uint32_t offset);
/*
 * VCPUOP_register_{runstate,vcpu_time}_phys_area: gaddr is a machine
 * address (the PV guest's "physical" address); ~0 unregisters.  A new
 * registration replaces the old one.  Errors as above.
 */
long vcpu_register_runstate_phys(struct vcpu *v, uint64_t gaddr);
long vcpu_register_time_phys(struct vcpu *v, uint64_t gaddr);
/* VCPUOP_register_vcpu_time_memory_area (va 0 unregisters). */
void vcpu_set_time_area(struct vcpu *v, guest_va_t va);

/* Publish a time snapshot in every place v's time record lives. */
void vcpu_time_publish(struct vcpu *v, const struct time_snapshot *s);
/* Write v's runstate into its registered frame area, if any. */
void vcpu_runstate_phys_write(struct vcpu *v);

/* The VA areas marked stale, with v's tables loaded (exit path). */
void vcpu_areas_sync(struct vcpu *v);

/* Drop every frame registration of v (domain_kill, vCPU reset). */
void vcpu_release_areas(struct vcpu *v);

#endif
