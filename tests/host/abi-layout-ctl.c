/*
 * tests/host/abi-layout-ctl.c - pin the control interfaces (domctl.h,
 * sysctl.h) to Xen 4.2's numbers and 32-bit layouts.
 *
 * These are the structures a 32-bit toolstack puts in memory; the fact
 * sheet (shared/abi/xen-control-plane.md, sections 1 and 2) gives every
 * size and offset.  Unlike the rest of the guest ABI they have one layout
 * for -m32 and -m64 (8-aligned 64-bit fields, 8-byte handles), so the same
 * assertions hold in both builds - which is the property the 64-bit
 * hypervisor relies on to read them with no compat translation.  The one
 * run-time check: set_xen_guest_handle_64 leaves the high half zero.
 */
#include "abi-layout.h"

/* ---- interface versions and op numbers (sheet 1.1, 1.3, 2.1) ------- */
EQ(XEN_DOMCTL_INTERFACE_VERSION, 0x08);
EQ(XEN_SYSCTL_INTERFACE_VERSION, 0x09);

EQ(XEN_DOMCTL_createdomain, 1);
EQ(XEN_DOMCTL_destroydomain, 2);
EQ(XEN_DOMCTL_pausedomain, 3);
EQ(XEN_DOMCTL_unpausedomain, 4);
EQ(XEN_DOMCTL_getdomaininfo, 5);
EQ(XEN_DOMCTL_getmemlist, 6);
EQ(XEN_DOMCTL_getpageframeinfo, 7);
EQ(XEN_DOMCTL_getpageframeinfo2, 8);
EQ(XEN_DOMCTL_setvcpuaffinity, 9);
EQ(XEN_DOMCTL_shadow_op, 10);
EQ(XEN_DOMCTL_max_mem, 11);
EQ(XEN_DOMCTL_setvcpucontext, 12);
EQ(XEN_DOMCTL_getvcpucontext, 13);
EQ(XEN_DOMCTL_getvcpuinfo, 14);
EQ(XEN_DOMCTL_max_vcpus, 15);
EQ(XEN_DOMCTL_scheduler_op, 16);
EQ(XEN_DOMCTL_setdomainhandle, 17);
EQ(XEN_DOMCTL_setdebugging, 18);
EQ(XEN_DOMCTL_irq_permission, 19);
EQ(XEN_DOMCTL_iomem_permission, 20);
EQ(XEN_DOMCTL_ioport_permission, 21);
EQ(XEN_DOMCTL_hypercall_init, 22);
EQ(XEN_DOMCTL_settimeoffset, 24);
EQ(XEN_DOMCTL_getvcpuaffinity, 25);
EQ(XEN_DOMCTL_resumedomain, 27);
EQ(XEN_DOMCTL_subscribe, 29);
EQ(XEN_DOMCTL_set_address_size, 35);
EQ(XEN_DOMCTL_get_address_size, 36);
EQ(XEN_DOMCTL_set_target, 46);
EQ(XEN_DOMCTL_set_cpuid, 49);
EQ(XEN_DOMCTL_disable_migrate, 58);
EQ(XEN_DOMCTL_gettscinfo, 59);
EQ(XEN_DOMCTL_settscinfo, 60);
EQ(XEN_DOMCTL_getpageframeinfo3, 61);
EQ(XEN_DOMCTL_set_virq_handler, 66);
EQ(XEN_DOMCTL_set_max_evtchn, 70);

EQ(XEN_DOMCTL_CDF_hvm_guest, 1);
EQ(XEN_DOMCTL_CDF_hap, 2);
EQ(XEN_DOMCTL_CDF_s3_integrity, 4);
EQ(XEN_DOMCTL_CDF_oos_off, 8);

EQ(XEN_DOMINF_dying, 1 << 0);
EQ(XEN_DOMINF_hvm_guest, 1 << 1);
EQ(XEN_DOMINF_shutdown, 1 << 2);
EQ(XEN_DOMINF_paused, 1 << 3);
EQ(XEN_DOMINF_blocked, 1 << 4);
EQ(XEN_DOMINF_running, 1 << 5);
EQ(XEN_DOMINF_debugged, 1 << 6);
EQ(XEN_DOMINF_shutdownshift, 16);
EQ(XEN_DOMINF_shutdownmask, 255);

EQ(XEN_DOMCTL_PFINFO_NOTAB, 0x0);
EQ(XEN_DOMCTL_PFINFO_L1TAB, 0x10000000);
EQ(XEN_DOMCTL_PFINFO_L2TAB, 0x20000000);
EQ(XEN_DOMCTL_PFINFO_L3TAB, 0x30000000);
EQ(XEN_DOMCTL_PFINFO_L4TAB, 0x40000000);
EQ(XEN_DOMCTL_PFINFO_LTABTYPE_MASK, 0x70000000);
EQ(XEN_DOMCTL_PFINFO_LPINTAB, 0x80000000);
EQ(XEN_DOMCTL_PFINFO_XTAB, 0xf0000000);
EQ(XEN_DOMCTL_PFINFO_XALLOC, 0xe0000000);
EQ(XEN_DOMCTL_PFINFO_PAGEDTAB, 0x80000000);

EQ(XEN_SCHEDULER_SEDF, 4);
EQ(XEN_SCHEDULER_CREDIT, 5);
EQ(XEN_SCHEDULER_CREDIT2, 6);
EQ(XEN_SCHEDULER_ARINC653, 7);
EQ(XEN_DOMCTL_SCHEDOP_putinfo, 0);
EQ(XEN_DOMCTL_SCHEDOP_getinfo, 1);

EQ(XEN_SYSCTL_readconsole, 1);
EQ(XEN_SYSCTL_tbuf_op, 2);
EQ(XEN_SYSCTL_physinfo, 3);
EQ(XEN_SYSCTL_sched_id, 4);
EQ(XEN_SYSCTL_perfc_op, 5);
EQ(XEN_SYSCTL_getdomaininfolist, 6);
EQ(XEN_SYSCTL_debug_keys, 7);
EQ(XEN_SYSCTL_getcpuinfo, 8);
EQ(XEN_SYSCTL_availheap, 9);
EQ(XEN_SYSCTL_get_pmstat, 10);
EQ(XEN_SYSCTL_cpu_hotplug, 11);
EQ(XEN_SYSCTL_pm_op, 12);
EQ(XEN_SYSCTL_page_offline_op, 14);
EQ(XEN_SYSCTL_lockprof_op, 15);
EQ(XEN_SYSCTL_topologyinfo, 16);
EQ(XEN_SYSCTL_numainfo, 17);
EQ(XEN_SYSCTL_cpupool_op, 18);
EQ(XEN_SYSCTL_scheduler_op, 19);
EQ(XEN_SYSCTL_PHYSCAP_hvm, 1);
EQ(XEN_SYSCTL_PHYSCAP_hvm_directio, 2);

/* ---- the 64-bit rule (sheet 1.2) ------------------------------------ */
SIZE(uint64_aligned8_t, 8);
EQ(_Alignof(uint64_aligned8_t), 8);
SIZE(xen_guest_handle_64_t, 8);
EQ(_Alignof(xen_guest_handle_64_t), 8);
SIZE(struct xenctl_cpumap, 16);
OFF(struct xenctl_cpumap, nr_cpus, 8);

/* ---- xen_domctl (sheet 1.1, 1.4) ------------------------------------ */
SIZE(struct xen_domctl, 144);
EQ(_Alignof(struct xen_domctl), 8);
OFF(struct xen_domctl, cmd, 0);
OFF(struct xen_domctl, interface_version, 4);
OFF(struct xen_domctl, domain, 8);
OFF(struct xen_domctl, u, 16);
MSIZE(struct xen_domctl, u, 128);

SIZE(struct xen_domctl_createdomain, 24);
OFF(struct xen_domctl_createdomain, ssidref, 0);
OFF(struct xen_domctl_createdomain, handle, 4);
OFF(struct xen_domctl_createdomain, flags, 20);

SIZE(struct xen_domctl_getdomaininfo, 88);
OFF(struct xen_domctl_getdomaininfo, domain, 0);
OFF(struct xen_domctl_getdomaininfo, flags, 4);
OFF(struct xen_domctl_getdomaininfo, tot_pages, 8);
OFF(struct xen_domctl_getdomaininfo, max_pages, 16);
OFF(struct xen_domctl_getdomaininfo, shr_pages, 24);
OFF(struct xen_domctl_getdomaininfo, paged_pages, 32);
OFF(struct xen_domctl_getdomaininfo, shared_info_frame, 40);
OFF(struct xen_domctl_getdomaininfo, cpu_time, 48);
OFF(struct xen_domctl_getdomaininfo, nr_online_vcpus, 56);
OFF(struct xen_domctl_getdomaininfo, max_vcpu_id, 60);
OFF(struct xen_domctl_getdomaininfo, ssidref, 64);
OFF(struct xen_domctl_getdomaininfo, handle, 68);
OFF(struct xen_domctl_getdomaininfo, cpupool, 84);

SIZE(struct xen_domctl_max_mem, 8);
SIZE(struct xen_domctl_vcpucontext, 16);
OFF(struct xen_domctl_vcpucontext, vcpu, 0);
OFF(struct xen_domctl_vcpucontext, ctxt, 8);

SIZE(struct xen_domctl_getvcpuinfo, 24);
OFF(struct xen_domctl_getvcpuinfo, online, 4);
OFF(struct xen_domctl_getvcpuinfo, blocked, 5);
OFF(struct xen_domctl_getvcpuinfo, running, 6);
OFF(struct xen_domctl_getvcpuinfo, cpu_time, 8);
OFF(struct xen_domctl_getvcpuinfo, cpu, 16);

SIZE(struct xen_domctl_max_vcpus, 4);

SIZE(struct xen_domctl_scheduler_op, 40);
OFF(struct xen_domctl_scheduler_op, sched_id, 0);
OFF(struct xen_domctl_scheduler_op, cmd, 4);
OFF(struct xen_domctl_scheduler_op, u, 8);
MSIZE(struct xen_domctl_scheduler_op, u, 32);
OFF(struct xen_domctl_scheduler_op, u.credit.weight, 8);
OFF(struct xen_domctl_scheduler_op, u.credit.cap, 10);
OFF(struct xen_domctl_scheduler_op, u.credit2.weight, 8);

SIZE(struct xen_domctl_setdomainhandle, 16);
SIZE(struct xen_domctl_irq_permission, 2);
OFF(struct xen_domctl_irq_permission, allow_access, 1);
SIZE(struct xen_domctl_iomem_permission, 24);
OFF(struct xen_domctl_iomem_permission, nr_mfns, 8);
OFF(struct xen_domctl_iomem_permission, allow_access, 16);
SIZE(struct xen_domctl_ioport_permission, 12);
OFF(struct xen_domctl_ioport_permission, nr_ports, 4);
OFF(struct xen_domctl_ioport_permission, allow_access, 8);
SIZE(struct xen_domctl_hypercall_init, 8);
SIZE(struct xen_domctl_settimeoffset, 4);
SIZE(struct xen_domctl_address_size, 4);
SIZE(struct xen_domctl_getpageframeinfo3, 16);
OFF(struct xen_domctl_getpageframeinfo3, num, 0);
OFF(struct xen_domctl_getpageframeinfo3, array, 8);
SIZE(struct xen_domctl_vcpuaffinity, 24);
OFF(struct xen_domctl_vcpuaffinity, cpumap.bitmap, 8);
OFF(struct xen_domctl_vcpuaffinity, cpumap.nr_cpus, 16);
SIZE(struct xen_domctl_set_virq_handler, 4);
SIZE(struct xen_domctl_set_max_evtchn, 4);

/* The target's vCPU context for a 32-bit PV domain (sheet 1.2, exception 1). */
SIZE(vcpu_guest_context_t, 2800);

/* ---- xen_sysctl (sheet 2.1, 2.2) ------------------------------------ */
SIZE(struct xen_sysctl, 136);
SIZE(struct mica_sysctl_resources, 80);
SIZE(struct mica_sysctl_fail_alloc, 32);
OFF(struct mica_sysctl_resources, free_pages, 24);
EQ(MICA_SYSCTL_resources, 48);
EQ(MICA_SYSCTL_fail_alloc, 49);
EQ(_Alignof(struct xen_sysctl), 8);
OFF(struct xen_sysctl, cmd, 0);
OFF(struct xen_sysctl, interface_version, 4);
OFF(struct xen_sysctl, u, 8);
MSIZE(struct xen_sysctl, u, 128);

SIZE(struct xen_sysctl_readconsole, 24);
OFF(struct xen_sysctl_readconsole, clear, 0);
OFF(struct xen_sysctl_readconsole, incremental, 1);
OFF(struct xen_sysctl_readconsole, pad0, 2);
OFF(struct xen_sysctl_readconsole, pad1, 3);
OFF(struct xen_sysctl_readconsole, index, 4);
OFF(struct xen_sysctl_readconsole, buffer, 8);
OFF(struct xen_sysctl_readconsole, count, 16);

SIZE(struct xen_sysctl_physinfo, 96);
OFF(struct xen_sysctl_physinfo, threads_per_core, 0);
OFF(struct xen_sysctl_physinfo, cores_per_socket, 4);
OFF(struct xen_sysctl_physinfo, nr_cpus, 8);
OFF(struct xen_sysctl_physinfo, max_cpu_id, 12);
OFF(struct xen_sysctl_physinfo, nr_nodes, 16);
OFF(struct xen_sysctl_physinfo, max_node_id, 20);
OFF(struct xen_sysctl_physinfo, cpu_khz, 24);
OFF(struct xen_sysctl_physinfo, total_pages, 32);
OFF(struct xen_sysctl_physinfo, free_pages, 40);
OFF(struct xen_sysctl_physinfo, scrub_pages, 48);
OFF(struct xen_sysctl_physinfo, hw_cap, 56);
OFF(struct xen_sysctl_physinfo, capabilities, 88);

SIZE(struct xen_sysctl_sched_id, 4);

SIZE(struct xen_sysctl_getdomaininfolist, 24);
OFF(struct xen_sysctl_getdomaininfolist, first_domain, 0);
OFF(struct xen_sysctl_getdomaininfolist, max_domains, 4);
OFF(struct xen_sysctl_getdomaininfolist, buffer, 8);
OFF(struct xen_sysctl_getdomaininfolist, num_domains, 16);

SIZE(struct xen_sysctl_getcpuinfo, 24);
OFF(struct xen_sysctl_getcpuinfo, max_cpus, 0);
OFF(struct xen_sysctl_getcpuinfo, info, 8);
OFF(struct xen_sysctl_getcpuinfo, nr_cpus, 16);
SIZE(struct xen_sysctl_cpuinfo, 8);

SIZE(struct xen_sysctl_debug_keys, 16);
OFF(struct xen_sysctl_debug_keys, nr_keys, 8);

/* A 32-bit caller's handle: pointer in the low half, zero in the high. */
void abi_check_ctl_handles(void)
{
    static char buf[16];
    struct xen_sysctl op;

    memset(&op, 0xff, sizeof(op));
    set_xen_guest_handle_64(op.u.readconsole.buffer, buf);
    CHECK(op.u.readconsole.buffer == (uint64_t)(uintptr_t)buf);
#if !defined(__x86_64__)
    CHECK((op.u.readconsole.buffer >> 32) == 0);
#endif
}
