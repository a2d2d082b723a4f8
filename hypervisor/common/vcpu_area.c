/*
 * The records a vCPU's guest reads without asking: where they live and
 * how the hypervisor keeps them (the contract is in mica/vcpu_area.h).
 *
 * vcpu_info.  vCPUs 0-31 start with the slot of shared_info that bears
 * their number; vCPUs 32 and up start with a dummy inside struct vcpu
 * (masked, seen by nobody) and cannot be initialised until the guest
 * registers a real one -- Xen's rule.  VCPUOP_register_vcpu_info moves
 * the record into a guest frame, once (-EBUSY after that, as current Xen
 * answers): the contents move along, then every selector bit and the
 * upcall are set pending so nothing raised in between is lost (the guest
 * sees at most a spurious upcall, which the ABI allows).
 *
 * Runstate and time.  By virtual address (the older calls, what Linux
 * uses) the copy is written as Xen writes it: through the guest's tables,
 * when the vCPU is scheduled in (after its tables are loaded: the
 * areas_stale bits, consumed on the exit path) and, for the runstate,
 * when it leaves the CPU.  By machine address (the _phys_area calls of
 * Xen 4.18) the frame is registered and written through the direct map
 * at the same moments; a new registration replaces the old one and ~0
 * removes it.
 *
 * Every frame registration is a guest_frame_get(): a general and a
 * writable type reference, the auditor's to count, dropped when the area
 * is replaced and, through vcpu_release_areas(), when the domain dies.
 * The checks and their error codes are current Xen's map_guest_area():
 * the record must not cross a page (-ENXIO) and be 4-byte aligned
 * (-ENXIO), the frame must be the domain's (-EINVAL) and able to take the
 * writable type (-EACCES).
 *
 * Generic code: no inline assembly; the writes are plain stores with the
 * same fences as time.c's publication.
 */
#include <mica/vcpu_area.h>
#include <mica/domain.h>
#include <mica/sched.h>
#include <mica/event.h>
#include <mica/mm.h>
#include <mica/guest_frame.h>
#include <mica/guest_access.h>
#include <mica/time.h>
#include <mica/errno.h>
#include <mica/lib.h>
#include <public/vcpu.h>
#include <asm/page.h>

#define FENCE() __atomic_thread_fence(__ATOMIC_SEQ_CST)

void vcpu_info_reset(struct vcpu *v)
{
    struct domain *d = v->domain;

    if (v->vcpu_id < XEN_LEGACY_MAX_VCPUS) {
        v->vcpu_info = &d->shared_info->vcpu_info[v->vcpu_id];
    } else {
        memset(&v->dummy_vcpu_info, 0, sizeof(v->dummy_vcpu_info));
        v->dummy_vcpu_info.evtchn_upcall_mask = 1;
        v->vcpu_info = &v->dummy_vcpu_info;
    }
}

bool vcpu_has_vcpu_info(const struct vcpu *v)
{
    return v->vcpu_info != &v->dummy_vcpu_info;
}

/* Register [gaddr, gaddr + size) of v's domain; *out is untouched on error. */
static long area_map(struct vcpu *v, uint64_t gaddr, unsigned int size,
                     struct vcpu_frame_area *out)
{
    struct domain *d = v->domain;
    uint64_t mfn = gaddr >> PAGE_SHIFT;
    void *page;

    if (mfn != (gaddr + size - 1) >> PAGE_SHIFT || (gaddr & 3))
        return -ENXIO;
    if (mfn >= (1ULL << 32) || !mfn_valid((unsigned long)mfn))
        return -EINVAL;
    struct page_info *pg = mfn_to_page((unsigned long)mfn);
    if (get_page(pg, d))
        return -EINVAL;                     /* not this domain's memory */
    long rc = guest_frame_get(d, (unsigned long)mfn, &page);
    put_page(pg);
    if (rc == -EINVAL)
        return -EACCES;                     /* owned, but cannot be writable */
    if (rc)
        return rc;
    out->mfn = (unsigned long)mfn;
    out->map = (uint8_t *)page + (gaddr & (PAGE_SIZE - 1));
    return 0;
}

static void area_unmap(struct vcpu *v, struct vcpu_frame_area *a)
{
    if (!a->map)
        return;
    a->map = NULL;
    guest_frame_put(v->domain, a->mfn);
    a->mfn = 0;
}

long vcpu_register_vcpu_info(struct vcpu *v, uint64_t mfn, uint32_t offset)
{
    struct vcpu_frame_area a;
    long rc;

    if (offset >= PAGE_SIZE || mfn >= (1ULL << 40))
        return -EINVAL;
    if (v->vcpu_info_area.map)
        return -EBUSY;
    rc = area_map(v, (mfn << PAGE_SHIFT) + offset, sizeof(struct vcpu_info), &a);
    if (rc)
        return rc;

    struct vcpu_info *vi = a.map;
    if (vcpu_has_vcpu_info(v)) {
        memcpy(vi, v->vcpu_info, sizeof(*vi));
    } else {
        memset(vi, 0, sizeof(*vi));
        vi->evtchn_upcall_mask = 1;
    }
    v->vcpu_info_area = a;
    v->vcpu_info = vi;
    FENCE();
    /* Nothing raised meanwhile may be lost: everything looks pending. */
    __atomic_store_n(&vi->evtchn_pending_sel, ~(xen_ulong_t)0, __ATOMIC_SEQ_CST);
    __atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
    vcpu_kick(v);
    update_vcpu_system_time(v);
    return 0;
}

void vcpu_runstate_phys_write(struct vcpu *v)
{
    struct vcpu_runstate_info rs;
    uint8_t *top;
    bool flag = v->domain->vm_assist & (1UL << VMASST_TYPE_runstate_update_flag);

    if (!v->runstate_phys.map)
        return;
    vcpu_runstate_get(v, &rs);
    top = (uint8_t *)v->runstate_phys.map +
          offsetof(struct vcpu_runstate_info, state_entry_time) + 7;
    if (flag) {
        rs.state_entry_time |= XEN_RUNSTATE_UPDATE;
        *(volatile uint8_t *)top = (uint8_t)(rs.state_entry_time >> 56);
        FENCE();
    }
    memcpy(v->runstate_phys.map, &rs, sizeof(rs));
    if (flag) {
        FENCE();
        *(volatile uint8_t *)top = (uint8_t)((rs.state_entry_time & ~XEN_RUNSTATE_UPDATE) >> 56);
    }
}

long vcpu_register_runstate_phys(struct vcpu *v, uint64_t gaddr)
{
    struct vcpu_frame_area a = { 0, NULL };

    if (~gaddr) {
        long rc = area_map(v, gaddr, sizeof(struct vcpu_runstate_info), &a);
        if (rc)
            return rc;
    }
    area_unmap(v, &v->runstate_phys);
    v->runstate_phys = a;
    vcpu_runstate_phys_write(v);
    return 0;
}

long vcpu_register_time_phys(struct vcpu *v, uint64_t gaddr)
{
    struct vcpu_frame_area a = { 0, NULL };

    if (~gaddr) {
        long rc = area_map(v, gaddr, sizeof(struct vcpu_time_info), &a);
        if (rc)
            return rc;
    }
    area_unmap(v, &v->time_phys);
    v->time_phys = a;
    if (a.map) {
        memset(a.map, 0, sizeof(struct vcpu_time_info));
        update_vcpu_system_time(v);
    }
    return 0;
}

void vcpu_set_time_area(struct vcpu *v, guest_va_t va)
{
    v->time_area = va;
    update_vcpu_system_time(v);
    if (va && v == current)
        vcpu_areas_sync(v);
}

void vcpu_time_publish(struct vcpu *v, const struct time_snapshot *s)
{
    time_publish(&v->vcpu_info->time, s);
    if (v->time_phys.map)
        time_publish(v->time_phys.map, s);
    if (v->time_area)
        v->areas_stale |= VAREA_TIME;
}

/*
 * The guest-VA copy of the time record, with the version protocol of the
 * ABI: an odd version first, the record, then the record's even version.
 * A fault only loses the copy (as in Xen).
 */
static void write_time_area(struct vcpu *v)
{
    struct vcpu_time_info t = v->vcpu_info->time;
    uint32_t odd = t.version | 1;

    if (t.version == odd)
        return;                             /* being updated: next time */
    if (copy_to_guest(v->time_area + offsetof(struct vcpu_time_info, version),
                      &odd, sizeof(odd)))
        return;
    FENCE();
    t.version = odd;
    (void)copy_to_guest(v->time_area, &t, sizeof(t));
    FENCE();
    t.version = odd + 1;
    (void)copy_to_guest(v->time_area + offsetof(struct vcpu_time_info, version),
                        &t.version, sizeof(t.version));
}

void vcpu_areas_sync(struct vcpu *v)
{
    uint8_t stale = v->areas_stale;

    v->areas_stale = 0;
    if (stale & VAREA_RUNSTATE)
        vcpu_runstate_area_sync(v);
    if ((stale & VAREA_TIME) && v->time_area)
        write_time_area(v);
}

void vcpu_release_areas(struct vcpu *v)
{
    area_unmap(v, &v->runstate_phys);
    area_unmap(v, &v->time_phys);
    if (v->vcpu_info_area.map) {
        area_unmap(v, &v->vcpu_info_area);
        vcpu_info_reset(v);
    }
    v->runstate_area = 0;
    v->time_area = 0;
    v->areas_stale = 0;
}
