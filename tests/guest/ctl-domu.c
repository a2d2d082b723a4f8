/*
 * ctl-domu: an unprivileged domain tries the whole control plane, and gets
 * Xen's refusal for each interface.  Runs as d1 (dom=ctl-domu) while
 * domain 0 (domu-wait) waits; d0 is the victim it aims at.
 *
 *   - every domctl op number 0..99 with the right interface version:
 *     -EPERM (the privilege hook runs before the op is even looked up);
 *     with a wrong version: -EACCES (Xen checks the version first);
 *   - every sysctl op number 0..31: -EPERM, whatever the version (sysctl
 *     checks privilege before it reads the argument), even with an
 *     argument in the hypervisor hole;
 *   - foreign memory: mmu_update and mmuext_op naming d0 as the foreign
 *     domain -ESRCH, update_va_mapping_otherdomain -ESRCH; populate and
 *     increase_reservation for d0 do nothing (0 extents), current and
 *     maximum reservation of d0 -EPERM;
 *   - event channels: alloc_unbound in d0 -EPERM;
 *   - grant tables: setup_table and query_size of d0 say
 *     GNTST_permission_denied, get_version -EPERM;
 *   - and d0 is untouched: still running and not paused (we cannot ask
 *     getdomaininfo, so d0's own verdict after ours shows it lived).
 */
#include <ctl.h>
#include <pt.h>
#include <grant.h>
#include <events.h>

static void domctls(void)
{
    struct xen_domctl op;

    for (uint32_t cmd = 0; cmd < 100; cmd++) {
        memset(&op, 0, sizeof(op));
        long rc = domctl(cmd, 0, &op);
        CHECK(rc == -XEN_EPERM, "domctl %u: %ld, expected -EPERM", cmd, rc);
        memset(&op, 0, sizeof(op));
        op.cmd = cmd;
        op.interface_version = XEN_DOMCTL_INTERFACE_VERSION - 1;
        rc = HYPERVISOR_domctl(&op);
        CHECK(rc == -XEN_EACCES, "domctl %u, version 7: %ld, expected -EACCES", cmd, rc);
    }
}

static void sysctls(void)
{
    struct xen_sysctl op;

    for (uint32_t cmd = 0; cmd < 32; cmd++) {
        memset(&op, 0, sizeof(op));
        long rc = sysctl(cmd, &op);
        CHECK(rc == -XEN_EPERM, "sysctl %u: %ld, expected -EPERM", cmd, rc);
        op.interface_version = 0x42;
        rc = HYPERVISOR_sysctl(&op);
        CHECK(rc == -XEN_EPERM, "sysctl %u, bad version: %ld, expected -EPERM", cmd, rc);
    }
    CHECK_RC(hypercall1(__HYPERVISOR_sysctl, (long)HYPERVISOR_VIRT_START), -XEN_EPERM,
             "sysctl with its argument in the hole");
}

static void foreign_memory(void)
{
    uint32_t own = spare_frame(), va = scratch_slot_va(0), list[4];
    mmu_update_t req = { .ptr = l1e_maddr(va), .val = PTE(own, _PAGE_PRESENT) };
    mmuext_op_t pin = { .cmd = MMUEXT_PIN_L1_TABLE };
    uint16_t d0 = 0;

    pin.arg1.mfn = own;
    CHECK_RC(HYPERVISOR_mmu_update(&req, 1, NULL, 0), -XEN_ESRCH, "mmu_update FD = d0");
    CHECK_RC(HYPERVISOR_mmu_update(&req, 1, NULL, (0 + 1) << 16 | DOMID_SELF), -XEN_ESRCH,
             "mmu_update PFD = d0");
    CHECK_RC(HYPERVISOR_mmuext_op(&pin, 1, NULL, 0), -XEN_ESRCH, "mmuext_op FD = d0");
    CHECK_RC(HYPERVISOR_update_va_mapping_otherdomain(va, PTE(own, _PAGE_PRESENT), UVMF_INVLPG,
                                                      0), -XEN_ESRCH, "otherdomain(d0)");
    xen_memory_reservation_t r = { .extent_start = (uint32_t)list, .nr_extents = 4,
                                   .domid = 0 };
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_populate_physmap, &r), 0, "populate d0");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_increase_reservation, &r), 0, "increase d0");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_decrease_reservation, &r), 0, "decrease d0");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_current_reservation, &d0), -XEN_EPERM,
             "current_reservation of d0");
    CHECK_RC(HYPERVISOR_memory_op(XENMEM_maximum_reservation, &d0), -XEN_EPERM,
             "maximum_reservation of d0");
}

static void events_and_grants(void)
{
    evtchn_alloc_unbound_t au = { .dom = 0, .remote_dom = DOMID_SELF };
    struct gnttab_setup_table st = { .dom = 0, .nr_frames = 1 };
    struct gnttab_query_size qs = { .dom = 0 };
    struct gnttab_get_version gv = { .dom = 0 };
    xen_pfn_t frame;

    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au), -XEN_EPERM,
             "alloc_unbound in d0");
    st.frame_list = (uint32_t)&frame;
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_setup_table, &st, 1), 0, "setup_table d0");
    CHECK(st.status == GNTST_permission_denied, "setup_table of d0: status %d", st.status);
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_query_size, &qs, 1), 0, "query_size d0");
    CHECK(qs.status == GNTST_permission_denied, "query_size of d0: status %d", qs.status);
    CHECK_RC(HYPERVISOR_grant_table_op(GNTTABOP_get_version, &gv, 1), -XEN_EPERM,
             "get_version of d0");
}

void test_main(void)
{
    domctls();
    sysctls();
    foreign_memory();
    events_and_grants();
    test_success();
}
