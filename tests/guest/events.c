/*
 * events: the event callback is entered whenever the hypervisor is about
 * to return to the guest with an event pending and events unmasked.
 *
 * No event source is needed: the guest maps its shared_info and sets
 * vcpu_info.evtchn_upcall_pending itself (fact sheet §7.4, §5.1).  Then:
 *   - with the mask set, hypercalls return normally, nothing is entered;
 *   - the iret hypercall that clears the mask enters the callback at once,
 *     with the interrupted EIP = the iret's target, saved mask 0 in the CS
 *     word, events masked inside the callback, and unmasked again when the
 *     callback returns (iret with IF=1);
 *   - with the mask clear, setting pending and making any hypercall
 *     delivers on the way out of it (EIP right after the int $0x82);
 *   - an event pending when user mode is entered is delivered on the
 *     kernel stack with the user's ESP/SS in the frame;
 *   - HLT with an event pending does not block (it returns at once);
 *   - the #PF handler's CR2 is also in vcpu_info.arch.cr2.
 */
#include <test.h>
#include <traps.h>
#include <events.h>

static volatile struct vcpu_info *vi;

static uint32_t u_spin(void)
{
    asm volatile ("nop");
    return 0;
}

void test_main(void)
{
    shared_info_t *si;
    unsigned int before;

    traps_init();
    user_map_image();
    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    si = shared_info;
    vi = &si->vcpu_info[0];
    event_vcpu_info = vi;
    CHECK(vi->evtchn_upcall_mask == 1, "boot mask %u, expected 1", vi->evtchn_upcall_mask);

    /* Masked: nothing happens. */
    vi->evtchn_upcall_pending = 1;
    before = event_count;
    HYPERVISOR_xen_version(XENVER_version, NULL);
    CHECK(event_count == before, "event delivered while masked");

    /* Unmasking with the iret hypercall delivers at once. */
    iret_event_mask(false);
    CHECK(event_count == before + 1, "no upcall after unmasking (count %u)",
          event_count - before);
    CHECK(last_event.saved_mask == 0 && (last_event.eflags & 0x200),
          "upcall frame: saved mask %u eflags 0x%x", last_event.saved_mask,
          last_event.eflags);
    CHECK(last_event.cs == FLAT_RING1_CS && !last_event.from_user, "upcall cs 0x%x",
          last_event.cs);
    CHECK(vi->evtchn_upcall_pending == 0, "pending not consumed");
    CHECK(vi->evtchn_upcall_mask == 0, "mask %u after the callback returned",
          vi->evtchn_upcall_mask);

    /* Unmasked: the next exit from the hypervisor delivers. */
    before = event_count;
    vi->evtchn_upcall_pending = 1;
    HYPERVISOR_xen_version(XENVER_version, NULL);
    CHECK(event_count == before + 1, "no upcall on return from a hypercall");
    CHECK(last_event.eip == (uint32_t)hypercall_page + __HYPERVISOR_xen_version * 32 + 7,
          "upcall eip 0x%x, expected right after the int $0x82", last_event.eip);

    CHECK(event_mask_inside == 1, "events not masked inside the callback (mask %u)",
          event_mask_inside);

    /* Pending when entering user mode: delivered on the kernel stack. */
    before = event_count;
    vi->evtchn_upcall_pending = 1;
    vi->evtchn_upcall_mask = 1;
    exec_user(u_spin);
    CHECK(event_count == before + 1, "no upcall on entry to user mode");
    CHECK(last_event.from_user && last_event.cs == FLAT_RING3_CS &&
          last_event.ss == FLAT_RING3_SS && last_event.frame == exec_user_ksp - 20,
          "user upcall frame: cs 0x%x ss 0x%x at 0x%x (kernel sp 0x%x)", last_event.cs,
          last_event.ss, last_event.frame, exec_user_ksp);

    /* HLT with an event pending returns at once. */
    vi->evtchn_upcall_mask = 1;
    vi->evtchn_upcall_pending = 1;
    asm volatile ("hlt");
    vi->evtchn_upcall_pending = 0;

    /* CR2 of a bounced #PF is in vcpu_info too. */
    exc_clear();
    asm volatile (PROBE_PRE "mov 0x10000008, %%eax" PROBE_POST ::: "eax", "memory");
    CHECK(last_exc.vector == 14 && vi->arch.cr2 == 0x10000008,
          "vcpu_info.arch.cr2 0x%x after a #PF at 0x10000008", vi->arch.cr2);
    test_success();
}
