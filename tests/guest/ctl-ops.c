/*
 * ctl-ops: domctl and sysctl from the privileged domain, op by op, with
 * the arguments a careless or hostile toolstack could pass.
 *
 *   - header: a wrong interface version -EACCES, an unknown op -ENOSYS;
 *   - domain ids: DOMID_SELF, reserved and absent ids -ESRCH; ourselves
 *     for destroy, pause, max_vcpus, setvcpucontext -EINVAL;
 *   - createdomain: HVM/HAP flags -EINVAL; a wanted id that is taken
 *     -EINVAL; a free one given; 0 = the next free; the id written back;
 *     the domain starts paused, with no vCPU and no memory, its UUID set;
 *   - getdomaininfo finds the first id >= the one asked; no shutdown code
 *     reads as all ones in bits 16-31;
 *   - pause counts: 254 more pauses, the 256th -EOVERFLOW; as many
 *     unpauses, then -EINVAL;
 *   - max_vcpus: more than one -EINVAL, 1 ok, 1 again ok, 0 (fewer) -EINVAL;
 *     vCPU numbers past it -EINVAL; a context never set -ENODATA;
 *   - max_mem, setdomainhandle, settimeoffset, set_address_size (32 only,
 *     -EACCES once there is memory), scheduler_op get/put (weight, cap;
 *     another scheduler id -EINVAL), the I/O permissions and their range
 *     checks, set_max_evtchn (alloc_unbound beyond it -ENOSPC);
 *   - getpageframeinfo3: more than 1024 -E2BIG; the new domain's frames
 *     NOTAB, ours XTAB; hypercall_init on a frame not its own -EACCES;
 *   - a 64-bit handle with a non-zero high half -EFAULT;
 *   - destroy, destroy again -ESRCH; the id is free again;
 *   - sysctl: physinfo, sched_id (credit), getdomaininfolist ascending,
 *     getcpuinfo, readconsole (whole, incremental, clear), unknown -ENOSYS;
 *     Mica's resources (counts that add up) and fail_alloc (-EPERM without
 *     the boot option fail_alloc=ctl);
 *   - a created domain shut down (remote_shutdown) with poweroff, crash,
 *     suspend: VIRQ_DOM_EXC, and it stays, shut down with that reason in
 *     getdomaininfo, until destroyed.
 */
#include <ctl.h>
#include <pt.h>
#include <events.h>

static void header_and_ids(void)
{
    struct xen_domctl op;

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_DOMCTL_getdomaininfo;
    op.interface_version = 0x07;
    CHECK_RC(HYPERVISOR_domctl(&op), -XEN_EACCES, "domctl version 7");
    op.interface_version = 0x18;
    CHECK_RC(HYPERVISOR_domctl(&op), -XEN_EACCES, "domctl version 0x18");
    CHECK_RC(hypercall1(__HYPERVISOR_domctl, (long)HYPERVISOR_VIRT_START), -XEN_EFAULT,
             "domctl argument in the hole");
    CHECK_RC(domctl(0, 0, &op), -XEN_ENOSYS, "domctl 0");
    CHECK_RC(domctl(XEN_DOMCTL_shadow_op, 0, &op), -XEN_ENOSYS, "domctl shadow_op");
    CHECK_RC(domctl(1000, 0, &op), -XEN_ENOSYS, "domctl 1000");

    CHECK_RC(ctl_pause(DOMID_SELF), -XEN_ESRCH, "pause DOMID_SELF");
    CHECK_RC(ctl_pause(DOMID_IO), -XEN_ESRCH, "pause DOMID_IO");
    CHECK_RC(ctl_pause(0x7fff), -XEN_ESRCH, "pause 0x7fff");
    CHECK_RC(ctl_pause(0xffff), -XEN_ESRCH, "pause 0xffff");
    CHECK_RC(ctl_pause(77), -XEN_ESRCH, "pause d77");
    CHECK_RC(ctl_destroy(0, NULL), -XEN_EINVAL, "destroy ourselves");
    CHECK_RC(ctl_destroy(DOMID_SELF, NULL), -XEN_ESRCH, "destroy DOMID_SELF");
    CHECK_RC(ctl_pause(0), -XEN_EINVAL, "pause ourselves");
    CHECK_RC(ctl_max_vcpus(0, 1), -XEN_EINVAL, "max_vcpus of ourselves");
    memset(&op, 0, sizeof(op));
    CHECK_RC(domctl(XEN_DOMCTL_setvcpucontext, 0, &op), -XEN_EINVAL, "setvcpucontext of us");
}

static void create(domid_t *dom)
{
    struct xen_domctl op;
    struct xen_domctl_getdomaininfo info;
    domid_t id, again;

    memset(&op, 0, sizeof(op));
    op.u.createdomain.flags = XEN_DOMCTL_CDF_hvm_guest;
    CHECK_RC(domctl(XEN_DOMCTL_createdomain, 0, &op), -XEN_EINVAL, "create HVM");
    op.u.createdomain.flags = XEN_DOMCTL_CDF_hap;
    CHECK_RC(domctl(XEN_DOMCTL_createdomain, 0, &op), -XEN_EINVAL, "create with HAP");
    op.u.createdomain.flags = 1u << 9;
    CHECK_RC(domctl(XEN_DOMCTL_createdomain, 0, &op), -XEN_EINVAL, "create, unknown flag");
    CHECK_RC(ctl_create(0, &again), 0, "create any");
    CHECK(again >= 1 && again < DOMID_FIRST_RESERVED, "given id %u", again);
    CHECK_RC(ctl_create(again, NULL), -XEN_EINVAL, "create with a taken id");
    *dom = again;

    memset(&op, 0, sizeof(op));
    for (int i = 0; i < 16; i++)
        op.u.createdomain.handle[i] = (uint8_t)(0xa0 + i);
    op.u.createdomain.flags = XEN_DOMCTL_CDF_oos_off;
    CHECK_RC(domctl(XEN_DOMCTL_createdomain, 1234, &op), 0, "create d1234");
    id = op.domain;
    CHECK(id == 1234, "asked for d1234, got d%u", id);
    CHECK_RC(ctl_info(1234, &info), 0, "getdomaininfo d1234");
    CHECK(info.flags & XEN_DOMINF_paused, "a new domain is not paused: %#x", info.flags);
    CHECK(!(info.flags & (XEN_DOMINF_dying | XEN_DOMINF_shutdown | XEN_DOMINF_running |
                          XEN_DOMINF_blocked)), "new domain flags %#x", info.flags);
    CHECK((info.flags >> XEN_DOMINF_shutdownshift) == 0xffff, "no shutdown code: %#x",
          info.flags);
    CHECK(info.tot_pages == 0 && info.nr_online_vcpus == 0, "new domain: %llu pages, %u vcpus",
          (unsigned long long)info.tot_pages, info.nr_online_vcpus);
    CHECK(info.handle[0] == 0xa0 && info.handle[15] == 0xaf, "UUID not kept");
    CHECK(info.shared_info_frame != 0, "no shared_info frame");

    /* getdomaininfo: the first domain at or above the id asked. */
    memset(&op, 0, sizeof(op));
    CHECK_RC(domctl(XEN_DOMCTL_getdomaininfo, 1000, &op), 0, "getdomaininfo >= 1000");
    CHECK(op.domain == 1234, "first domain >= 1000 is d%u", op.domain);
    CHECK_RC(domctl(XEN_DOMCTL_getdomaininfo, 1235, &op), -XEN_ESRCH, "none >= 1235");
    CHECK_RC(ctl_destroy(1234, NULL), 0, "destroy d1234");
    CHECK_RC(ctl_destroy(1234, NULL), -XEN_ESRCH, "destroy d1234 again");
    CHECK_RC(ctl_create(1234, NULL), 0, "d1234's id is free again");
    CHECK_RC(ctl_destroy(1234, NULL), 0, "destroy d1234");
}

static void pause_counts(domid_t d)
{
    struct xen_domctl_getdomaininfo info;
    unsigned int n;

    for (n = 1; n < 255; n++)
        if (ctl_pause(d))
            break;
    CHECK(n == 255, "pause stopped at %u", n);
    CHECK_RC(ctl_pause(d), -XEN_EOVERFLOW, "the 256th pause");
    for (n = 0; n < 255; n++)
        if (ctl_unpause(d))
            break;
    CHECK(n == 255, "unpause stopped at %u", n);
    CHECK_RC(ctl_unpause(d), -XEN_EINVAL, "unpause at 0");
    CHECK_RC(ctl_info(d, &info), 0, "getdomaininfo");
    CHECK(!(info.flags & XEN_DOMINF_paused), "still paused: %#x", info.flags);
    CHECK_RC(ctl_pause(d), 0, "pause again");
}

static void vcpus(domid_t d)
{
    struct xen_domctl op;
    static vcpu_guest_context_t ctxt;

    CHECK_RC(ctl_max_vcpus(d, 65), -XEN_EINVAL, "max_vcpus 65 (past MAX_VIRT_CPUS)");
    CHECK_RC(ctl_max_vcpus(d, 1000), -XEN_EINVAL, "max_vcpus 1000");
    memset(&op, 0, sizeof(op));
    op.u.getvcpuinfo.vcpu = 0;
    CHECK_RC(domctl(XEN_DOMCTL_getvcpuinfo, d, &op), -XEN_EINVAL, "vcpu 0 before max_vcpus");
    CHECK_RC(ctl_max_vcpus(d, 2), 0, "max_vcpus 2");
    CHECK_RC(ctl_max_vcpus(d, 2), 0, "max_vcpus 2 again");
    CHECK_RC(ctl_max_vcpus(d, 1), -XEN_EINVAL, "max_vcpus 1 after 2");
    CHECK_RC(ctl_max_vcpus(d, 0), -XEN_EINVAL, "max_vcpus 0 after 2");
    CHECK_RC(domctl(XEN_DOMCTL_getvcpuinfo, d, &op), 0, "getvcpuinfo 0");
    CHECK(!op.u.getvcpuinfo.online && !op.u.getvcpuinfo.running, "vcpu 0 online %u running %u",
          op.u.getvcpuinfo.online, op.u.getvcpuinfo.running);
    op.u.getvcpuinfo.vcpu = 1;
    CHECK_RC(domctl(XEN_DOMCTL_getvcpuinfo, d, &op), 0, "getvcpuinfo 1");
    op.u.getvcpuinfo.vcpu = 2;
    CHECK_RC(domctl(XEN_DOMCTL_getvcpuinfo, d, &op), -XEN_EINVAL, "getvcpuinfo 2");
    memset(&op, 0, sizeof(op));
    set_xen_guest_handle_64(op.u.vcpucontext.ctxt, &ctxt);
    CHECK_RC(domctl(XEN_DOMCTL_getvcpucontext, d, &op), -XEN_ENODATA, "context never set");
    op.u.vcpucontext.vcpu = 5;
    CHECK_RC(domctl(XEN_DOMCTL_getvcpucontext, d, &op), -XEN_EINVAL, "context of vcpu 5");
    op.u.vcpucontext.vcpu = 0;
    op.u.vcpucontext.ctxt |= 1ull << 32;
    CHECK_RC(domctl(XEN_DOMCTL_setvcpucontext, d, &op), -XEN_EFAULT, "handle, high half set");

    uint8_t map[8] = { 0 };
    memset(&op, 0, sizeof(op));
    set_xen_guest_handle_64(op.u.vcpuaffinity.cpumap.bitmap, map);
    op.u.vcpuaffinity.cpumap.nr_cpus = 64;
    CHECK_RC(domctl(XEN_DOMCTL_setvcpuaffinity, d, &op), -XEN_EINVAL, "affinity: no CPU");
    map[0] = 1;
    CHECK_RC(domctl(XEN_DOMCTL_setvcpuaffinity, d, &op), 0, "affinity: CPU 0");
    memset(map, 0xff, sizeof(map));
    CHECK_RC(domctl(XEN_DOMCTL_getvcpuaffinity, d, &op), 0, "get affinity");
    CHECK(map[0] == 1 && map[1] == 0 && map[7] == 0, "affinity %02x %02x", map[0], map[1]);
}

static void settings(domid_t d)
{
    struct xen_domctl op;
    struct xen_domctl_getdomaininfo info;

    CHECK_RC(ctl_max_mem_kb(d, 256), 0, "max_mem 256 KiB");
    CHECK_RC(ctl_info(d, &info), 0, "getdomaininfo");
    CHECK(info.max_pages == 64, "max_pages %llu", (unsigned long long)info.max_pages);
    memset(&op, 0, sizeof(op));
    op.u.setdomainhandle.handle[3] = 0x33;
    CHECK_RC(domctl(XEN_DOMCTL_setdomainhandle, d, &op), 0, "setdomainhandle");
    CHECK_RC(ctl_info(d, &info), 0, "getdomaininfo");
    CHECK(info.handle[3] == 0x33 && info.handle[0] == 0, "handle not replaced");
    op.u.settimeoffset.time_offset_seconds = -3600;
    CHECK_RC(domctl(XEN_DOMCTL_settimeoffset, d, &op), 0, "settimeoffset");

    op.u.address_size.size = 64;
    CHECK_RC(domctl(XEN_DOMCTL_set_address_size, d, &op), -XEN_EINVAL, "address size 64");
    op.u.address_size.size = 32;
    CHECK_RC(domctl(XEN_DOMCTL_set_address_size, d, &op), 0, "address size 32");
    op.u.address_size.size = 0;
    CHECK_RC(domctl(XEN_DOMCTL_get_address_size, d, &op), 0, "get address size");
    CHECK(op.u.address_size.size == 32, "address size %u", op.u.address_size.size);

    memset(&op, 0, sizeof(op));
    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT2;
    CHECK_RC(domctl(XEN_DOMCTL_scheduler_op, d, &op), -XEN_EINVAL, "credit2");
    op.u.scheduler_op.sched_id = XEN_SCHEDULER_CREDIT;
    op.u.scheduler_op.cmd = 7;
    CHECK_RC(domctl(XEN_DOMCTL_scheduler_op, d, &op), -XEN_EINVAL, "scheduler cmd 7");
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_putinfo;
    op.u.scheduler_op.u.credit.weight = 512;
    op.u.scheduler_op.u.credit.cap = 50;
    CHECK_RC(domctl(XEN_DOMCTL_scheduler_op, d, &op), 0, "putinfo 512/50");
    op.u.scheduler_op.u.credit.weight = 0;          /* unchanged */
    op.u.scheduler_op.u.credit.cap = 0xffff;        /* unchanged */
    CHECK_RC(domctl(XEN_DOMCTL_scheduler_op, d, &op), 0, "putinfo unchanged");
    op.u.scheduler_op.cmd = XEN_DOMCTL_SCHEDOP_getinfo;
    CHECK_RC(domctl(XEN_DOMCTL_scheduler_op, d, &op), 0, "getinfo");
    CHECK(op.u.scheduler_op.u.credit.weight == 512 && op.u.scheduler_op.u.credit.cap == 50,
          "weight %u cap %u", op.u.scheduler_op.u.credit.weight, op.u.scheduler_op.u.credit.cap);

    memset(&op, 0, sizeof(op));
    op.u.ioport_permission = (struct xen_domctl_ioport_permission){ 0xfff0, 0x20, 1 };
    CHECK_RC(domctl(XEN_DOMCTL_ioport_permission, d, &op), -XEN_EINVAL, "ports past 65535");
    op.u.ioport_permission = (struct xen_domctl_ioport_permission){ 0x3f8, 8, 1 };
    CHECK_RC(domctl(XEN_DOMCTL_ioport_permission, d, &op), 0, "ports 0x3f8-0x3ff");
    op.u.ioport_permission.allow_access = 0;
    CHECK_RC(domctl(XEN_DOMCTL_ioport_permission, d, &op), 0, "revoke them");
    memset(&op, 0, sizeof(op));
    op.u.iomem_permission.first_mfn = ~0ull - 4;
    op.u.iomem_permission.nr_mfns = 16;
    op.u.iomem_permission.allow_access = 1;
    CHECK_RC(domctl(XEN_DOMCTL_iomem_permission, d, &op), -XEN_EINVAL, "a wrapping range");
    op.u.iomem_permission.first_mfn = 0xfee00;
    op.u.iomem_permission.nr_mfns = 1;
    CHECK_RC(domctl(XEN_DOMCTL_iomem_permission, d, &op), 0, "one MMIO frame");
    memset(&op, 0, sizeof(op));
    op.u.irq_permission.pirq = 9;
    op.u.irq_permission.allow_access = 1;
    CHECK_RC(domctl(XEN_DOMCTL_irq_permission, d, &op), 0, "PIRQ 9");

    memset(&op, 0, sizeof(op));
    op.u.set_max_evtchn.max_port = 3;
    CHECK_RC(domctl(XEN_DOMCTL_set_max_evtchn, d, &op), 0, "set_max_evtchn 3");
    evtchn_alloc_unbound_t au = { .dom = d, .remote_dom = DOMID_SELF };
    for (int i = 1; i <= 3; i++)
        CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au), 0, "port <= 3");
    CHECK_RC(HYPERVISOR_event_channel_op(EVTCHNOP_alloc_unbound, &au), -XEN_ENOSPC,
             "port 4 beyond the limit");
}

static void frames(domid_t d)
{
    static uint32_t list[1025];
    uint32_t mfns[4];
    struct xen_domctl op;

    CHECK_RC(ctl_max_mem_kb(d, 64), 0, "max_mem 64 KiB");
    CHECK_RC(ctl_populate(d, mfns, 4), 4, "populate 4 frames");
    CHECK_RC(ctl_populate(d, list, 20), 12, "populate stops at max_mem");
    memset(&op, 0, sizeof(op));
    op.u.address_size.size = 32;
    CHECK_RC(domctl(XEN_DOMCTL_set_address_size, d, &op), -XEN_EACCES, "address size with memory");

    memset(&op, 0, sizeof(op));
    set_xen_guest_handle_64(op.u.getpageframeinfo3.array, list);
    op.u.getpageframeinfo3.num = 1025;
    CHECK_RC(domctl(XEN_DOMCTL_getpageframeinfo3, d, &op), -XEN_E2BIG, "1025 frames");
    list[0] = mfns[0];
    list[1] = mfns[3];
    list[2] = p2m()[0];                     /* ours */
    list[3] = 0xffffff;                     /* nobody's */
    op.u.getpageframeinfo3.num = 4;
    CHECK_RC(domctl(XEN_DOMCTL_getpageframeinfo3, d, &op), 0, "getpageframeinfo3");
    CHECK(list[0] == XEN_DOMCTL_PFINFO_NOTAB && list[1] == XEN_DOMCTL_PFINFO_NOTAB,
          "its frames: %#x %#x", list[0], list[1]);
    CHECK(list[2] == XEN_DOMCTL_PFINFO_XTAB && list[3] == XEN_DOMCTL_PFINFO_XTAB,
          "not its frames: %#x %#x", list[2], list[3]);
    op.u.getpageframeinfo3.array |= 1ull << 32;
    CHECK_RC(domctl(XEN_DOMCTL_getpageframeinfo3, d, &op), -XEN_EFAULT, "handle high half");

    memset(&op, 0, sizeof(op));
    op.u.hypercall_init.gmfn = p2m()[0];
    CHECK_RC(domctl(XEN_DOMCTL_hypercall_init, d, &op), -XEN_EACCES, "hypercall page in ours");
    op.u.hypercall_init.gmfn = mfns[1];
    CHECK_RC(domctl(XEN_DOMCTL_hypercall_init, d, &op), 0, "hypercall page in its frame");
    volatile uint8_t *p = NULL;
    CHECK_RC(foreign_map(0, mfns[1], d, false), 0, "map its hypercall page");
    p = (volatile uint8_t *)scratch_slot_va(0);
    CHECK(p[0] == 0xb8 && p[32 * 29] == 0xb8, "no hypercall page written: %02x", p[0]);
    foreign_unmap(0);
}

/* A toolstack's domain that stops stays, with its reason, until destroyed. */
static void shutdown_reasons(void)
{
    struct xen_domctl_getdomaininfo info;
    long port = evtchn_bind_virq(VIRQ_DOM_EXC, 0);
    static const unsigned int reasons[] = { SHUTDOWN_poweroff, SHUTDOWN_crash,
                                            SHUTDOWN_suspend };

    CHECK(port > 0, "bind VIRQ_DOM_EXC: %ld", port);
    for (unsigned int i = 0; i < 3; i++) {
        domid_t d;
        if (ctl_create(0, &d)) {
            test_error("createdomain");
            return;
        }
        evtchn_clear_pending((evtchn_port_t)port);
        struct sched_remote_shutdown rs = { .domain_id = d, .reason = reasons[i] };
        CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_remote_shutdown, &rs), 0, "remote shutdown");
        CHECK(evtchn_is_pending((evtchn_port_t)port), "no VIRQ_DOM_EXC for a shutdown");
        sched_yield();                  /* the scheduler reaps boot domains here: not ours */
        CHECK_RC(ctl_info(d, &info), 0, "a stopped domain is still there");
        CHECK((info.flags & XEN_DOMINF_shutdown) && !(info.flags & XEN_DOMINF_dying),
              "flags %#x", info.flags);
        CHECK(((info.flags >> XEN_DOMINF_shutdownshift) & XEN_DOMINF_shutdownmask) == reasons[i],
              "reason %u, want %u", (info.flags >> XEN_DOMINF_shutdownshift) & 255, reasons[i]);
        CHECK((info.flags >> 24) == 0, "bits 24-31 set with a reason: %#x", info.flags);
        CHECK_RC(ctl_destroy(d, NULL), 0, "destroy the stopped domain");
        CHECK_RC(ctl_info(d, &info), -XEN_ESRCH, "gone after destroy");
    }
    evtchn_close((evtchn_port_t)port);
}

static void sysctls(void)
{
    static char buf[20000];
    static struct xen_domctl_getdomaininfo list[8];
    struct xen_sysctl op;
    xen_sysctl_cpuinfo_t ci[2];

    memset(&op, 0, sizeof(op));
    op.cmd = XEN_SYSCTL_physinfo;
    op.interface_version = 0x08;
    CHECK_RC(HYPERVISOR_sysctl(&op), -XEN_EACCES, "sysctl version 8");
    CHECK_RC(sysctl(0, &op), -XEN_ENOSYS, "sysctl 0");
    CHECK_RC(sysctl(XEN_SYSCTL_tbuf_op, &op), -XEN_ENOSYS, "sysctl tbuf_op");
    CHECK_RC(sysctl(XEN_SYSCTL_physinfo, &op), 0, "physinfo");
    CHECK(op.u.physinfo.nr_cpus == 1 && op.u.physinfo.threads_per_core == 1 &&
          op.u.physinfo.nr_nodes == 1, "physinfo cpus %u", op.u.physinfo.nr_cpus);
    CHECK(op.u.physinfo.free_pages > 0 && op.u.physinfo.free_pages < op.u.physinfo.total_pages,
          "free %llu of %llu pages", (unsigned long long)op.u.physinfo.free_pages,
          (unsigned long long)op.u.physinfo.total_pages);
    CHECK(op.u.physinfo.hw_cap[0] & 1, "no FPU in hw_cap[0] %#x", op.u.physinfo.hw_cap[0]);
    CHECK_RC(sysctl(XEN_SYSCTL_sched_id, &op), 0, "sched_id");
    CHECK(op.u.sched_id.sched_id == XEN_SCHEDULER_CREDIT, "scheduler %u", op.u.sched_id.sched_id);

    memset(&op, 0, sizeof(op));
    set_xen_guest_handle_64(op.u.getdomaininfolist.buffer, list);
    op.u.getdomaininfolist.max_domains = 8;
    CHECK_RC(sysctl(XEN_SYSCTL_getdomaininfolist, &op), 0, "getdomaininfolist");
    CHECK(op.u.getdomaininfolist.num_domains >= 2, "%u domains", op.u.getdomaininfolist.num_domains);
    CHECK(list[0].domain == 0, "first listed d%u", list[0].domain);
    for (unsigned int i = 1; i < op.u.getdomaininfolist.num_domains; i++)
        CHECK(list[i].domain > list[i - 1].domain, "not ascending at %u", i);
    CHECK(list[0].flags & XEN_DOMINF_running, "we are not running: %#x", list[0].flags);
    op.u.getdomaininfolist.buffer = HYPERVISOR_VIRT_START;
    CHECK_RC(sysctl(XEN_SYSCTL_getdomaininfolist, &op), -XEN_EFAULT, "list into the hole");

    memset(&op, 0, sizeof(op));
    set_xen_guest_handle_64(op.u.getcpuinfo.info, ci);
    op.u.getcpuinfo.max_cpus = 2;
    CHECK_RC(sysctl(XEN_SYSCTL_getcpuinfo, &op), 0, "getcpuinfo");
    CHECK(op.u.getcpuinfo.nr_cpus == 1, "%u cpus", op.u.getcpuinfo.nr_cpus);

    /* The console ring: everything, then incrementally nothing new, then
     * a line we print, then clear. */
    memset(&op, 0, sizeof(op));
    set_xen_guest_handle_64(op.u.readconsole.buffer, buf);
    op.u.readconsole.count = sizeof(buf);
    CHECK_RC(sysctl(XEN_SYSCTL_readconsole, &op), 0, "readconsole");
    uint32_t got = op.u.readconsole.count, next = op.u.readconsole.index;
    CHECK(got > 100 && got <= 16384, "%u bytes of console", got);
    buf[got < sizeof(buf) ? got : sizeof(buf) - 1] = 0;
    CHECK(strstr(buf, "(mica) "), "no hypervisor line in the ring");
    op.u.readconsole.incremental = 1;
    op.u.readconsole.count = sizeof(buf);
    CHECK_RC(sysctl(XEN_SYSCTL_readconsole, &op), 0, "readconsole, incremental");
    CHECK(op.u.readconsole.count == 0 && op.u.readconsole.index == next,
          "incremental: %u new bytes", op.u.readconsole.count);
    printf("ctl-ops: a marker line for the console ring\n");
    op.u.readconsole.count = sizeof(buf);
    CHECK_RC(sysctl(XEN_SYSCTL_readconsole, &op), 0, "readconsole, incremental");
    buf[op.u.readconsole.count] = 0;
    CHECK(strstr(buf, "a marker line for the console ring") && op.u.readconsole.count < 200,
          "incremental read: %u bytes", op.u.readconsole.count);
    op.u.readconsole.incremental = 0;
    op.u.readconsole.clear = 1;
    op.u.readconsole.count = sizeof(buf);
    CHECK_RC(sysctl(XEN_SYSCTL_readconsole, &op), 0, "readconsole, clear");
    op.u.readconsole.clear = 0;
    op.u.readconsole.count = sizeof(buf);
    CHECK_RC(sysctl(XEN_SYSCTL_readconsole, &op), 0, "readconsole after clear");
    CHECK(op.u.readconsole.count < got, "clear kept %u bytes", op.u.readconsole.count);
    op.u.readconsole.buffer = HYPERVISOR_VIRT_START - 8;
    op.u.readconsole.count = 100;
    CHECK_RC(sysctl(XEN_SYSCTL_readconsole, &op), -XEN_EFAULT, "readconsole into the hole");

    /* Mica's resources: the domains that exist and what they hold; the
     * failure injector refuses to be armed without fail_alloc=ctl */
    memset(&op, 0, sizeof(op));
    CHECK_RC(sysctl(XEN_SYSCTL_physinfo, &op), 0, "physinfo");
    uint64_t free_pages = op.u.physinfo.free_pages;
    memset(&op, 0xa5, sizeof(op));
    CHECK_RC(sysctl(MICA_SYSCTL_resources, &op), 0, "resources");
    const struct mica_sysctl_resources *r = &op.u.resources;
    CHECK(r->nr_domains >= 2 && r->nr_domains < 16, "resources: %u domains", r->nr_domains);
    CHECK(r->evtchn_ports >= r->nr_domains && r->evtchn_buckets >= r->nr_domains &&
          r->grant_frames >= 1 && r->free_pages == free_pages && r->alloc_injected == 0 &&
          r->maptrack_frames < 64,
          "resources: %u ports, %u buckets, %u grant frames, %llu free pages (physinfo %llu)",
          r->evtchn_ports, r->evtchn_buckets, r->grant_frames,
          (unsigned long long)r->free_pages, (unsigned long long)free_pages);
    memset(&op, 0, sizeof(op));
    op.u.fail_alloc.nth = 1;
    CHECK_RC(sysctl(MICA_SYSCTL_fail_alloc, &op), -XEN_EPERM, "fail_alloc without fail_alloc=ctl");
    CHECK_RC(sysctl(MICA_SYSCTL_fail_alloc + 1, &op), -XEN_ENOSYS, "sysctl past Mica's own");
    CHECK_RC(sysctl(MICA_SYSCTL_resources - 1, &op), -XEN_ENOSYS, "sysctl 47");
}

void test_main(void)
{
    domid_t d;

    if (map_shared_info()) {
        test_error("cannot map shared_info");
        return;
    }
    header_and_ids();
    create(&d);
    pause_counts(d);
    vcpus(d);
    settings(d);
    frames(d);
    sysctls();
    shutdown_reasons();
    CHECK_RC(ctl_destroy(d, NULL), 0, "destroy");
    CHECK_RC(ctl_destroy(d, NULL), -XEN_ESRCH, "double destroy");
    test_success();
}
