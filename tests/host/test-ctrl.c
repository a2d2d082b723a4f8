/*
 * libctrl (dom0-tools/lib/ctrl) on the simulated hypervisor: each wrapper
 * fills its hypercall as the interface says (the fake refuses a wrong
 * interface version, a pointer or handle outside a hypercall buffer, a
 * non-zero high half), turns each call's own error convention into
 * -errno, never believes a count beyond what it asked for, and leaves no
 * hypercall buffer behind.
 */
#include "htest.h"
#include "fake-hypercalls.h"
#include "../../dom0-tools/lib/ctrl/ctrl.h"
#include "../../dom0-tools/lib/ctrl/ctrl_call.h"
#include <public/memory.h>
#include <errno.h>

HTEST(create_info_destroy)
{
    uint16_t a = 0, b = 5, c = 5;
    struct ctrl_dominfo info;

    fx_reset();
    CHECK_EQ(ctrl_domain_create(0, (const uint8_t *)"uuid-uuid-uuid-!", &a), 0);
    CHECK_EQ(a, 1);
    CHECK_EQ(ctrl_domain_create(0, NULL, &b), 0);
    CHECK_EQ(b, 5);
    CHECK_EQ(ctrl_domain_create(0, NULL, &c), -EINVAL);       /* taken */
    CHECK_EQ(ctrl_domain_create(1u << 7, NULL, &c), -EINVAL); /* unknown flag */
    CHECK_EQ(ctrl_domain_info(1, &info), 0);
    CHECK(info.paused && !info.dying && info.domid == 1);
    CHECK(!memcmp(info.handle, "uuid-uuid-uuid-!", 16));
    CHECK_EQ(info.shutdown_reason, 255);                     /* none latched */
    /* The hypervisor answers with the next domain; libctrl wants this one. */
    CHECK_EQ(ctrl_domain_info(3, &info), -ESRCH);
    CHECK_EQ(ctrl_domain_info(6, &info), -ESRCH);

    struct ctrl_dominfo list[8];
    CHECK_EQ(ctrl_domain_info_list(0, list, 8), 3);
    CHECK(list[0].domid == 0 && list[1].domid == 1 && list[2].domid == 5);
    CHECK_EQ(ctrl_domain_info_list(2, list, 8), 1);
    CHECK_EQ(ctrl_domain_info_list(0, list, 2), 2);

    CHECK_EQ(ctrl_domain_unpause(1), 0);
    CHECK_EQ(ctrl_domain_info(1, &info), 0);
    CHECK(!info.paused);
    CHECK_EQ(ctrl_domain_pause(1), 0);

    /* Destroy repeats through the hypervisor's -EAGAIN. */
    fx.destroy_eagain = 3;
    unsigned long calls = fx.calls;
    CHECK_EQ(ctrl_domain_destroy(1), 0);
    CHECK_EQ(fx.calls - calls, 4);
    CHECK_EQ(ctrl_domain_destroy(1), -ESRCH);
    CHECK_EQ(ctrl_domain_destroy(0), -EINVAL);
    CHECK_EQ(ctrl_domain_destroy(5), 0);
    CHECK_EQ(fx.free_frames, FX_FRAMES);
    CHECK_EQ(fx.bufs_open, 0);
}

HTEST(wrong_interface_version_is_refused)
{
    struct xen_domctl op = { .cmd = XEN_DOMCTL_getdomaininfo };
    struct xen_sysctl sop = { .cmd = XEN_SYSCTL_physinfo };

    fx_reset();
    op.interface_version = XEN_DOMCTL_INTERFACE_VERSION + 1;
    CHECK_EQ(ctrl_call_first(__HYPERVISOR_domctl, &op, sizeof(op), 0, 0, 0), -EACCES);
    sop.interface_version = 0x08;
    CHECK_EQ(ctrl_call_first(__HYPERVISOR_sysctl, &sop, sizeof(sop), 0, 0, 0), -EACCES);
    /* A pointer the hypervisor cannot follow. */
    CHECK_EQ(os_hypercall(__HYPERVISOR_domctl, (unsigned long)&op, 0, 0, 0, 0), -EFAULT);
    CHECK_EQ(ctrl_domctl(&op), 0);      /* libctrl sets the version */
    CHECK_EQ(fx.bufs_open, 0);
}

HTEST(memory_of_another_domain)
{
    uint16_t d = 0;
    xen_pfn_t list[16];

    fx_reset();
    CHECK_EQ(ctrl_domain_create(0, NULL, &d), 0);
    CHECK_EQ(ctrl_domain_max_mem(d, 8 * 4), 0);
    CHECK_EQ(ctrl_maximum_reservation(d), 8);
    for (unsigned int i = 0; i < 16; i++)
        list[i] = i;
    /* Over the limit: the count done, the MFNs of those. */
    CHECK_EQ(ctrl_populate_physmap(d, 16, 0, list), 8);
    CHECK_EQ(ctrl_current_reservation(d), 8);
    for (unsigned int i = 0; i < 8; i++)
        CHECK(fx_frame(list[i]) && fx_frame(list[i])->owner == d && fx_frame(list[i])->gpfn == i);
    CHECK_EQ(list[8], 8);               /* untouched */
    CHECK_EQ(ctrl_decrease_reservation(d, 2, 0, list), 2);
    CHECK_EQ(ctrl_current_reservation(d), 6);
    /* Frames that are not its own stop the release. */
    CHECK_EQ(ctrl_decrease_reservation(d, 2, 0, list), 0);
    CHECK_EQ(ctrl_current_reservation(77), -ESRCH);
    CHECK_EQ(ctrl_populate_physmap(77, 1, 0, list), 0);

    /* Foreign mappings see the frames themselves. */
    uint32_t *p;
    CHECK_EQ(ctrl_map_foreign(d, &list[2], 1, true, (void **)&p), 0);
    p[5] = 0xfeedface;
    CHECK_EQ(((uint32_t *)fx_page(list[2]))[5], 0xfeedface);
    CHECK_EQ(ctrl_unmap_foreign(p, 1), 0);
    CHECK_EQ(ctrl_map_foreign(d, &list[0], 1, false, (void **)&p), -EINVAL);  /* freed */
    CHECK_EQ(ctrl_map_foreign(0, &list[2], 1, false, (void **)&p), -ESRCH);
    CHECK_EQ(ctrl_map_foreign(d, &list[2], 0, false, (void **)&p), -EINVAL);

    /* A destroyed domain's mapped frame lives until its unmap. */
    CHECK_EQ(ctrl_map_foreign(d, &list[3], 1, false, (void **)&p), 0);
    CHECK_EQ(ctrl_domain_destroy(d), 0);
    CHECK_EQ(fx.free_frames, FX_FRAMES - 1);
    CHECK_EQ(ctrl_unmap_foreign(p, 1), 0);
    CHECK_EQ(fx.free_frames, FX_FRAMES);
    CHECK_EQ(fx.bufs_open, 0);
}

HTEST(ports_and_grants)
{
    uint16_t d = 0;
    uint32_t port, frames[8];

    fx_reset();
    CHECK_EQ(ctrl_domain_create(0, NULL, &d), 0);
    CHECK_EQ(ctrl_evtchn_alloc_unbound(d, 0, &port), 0);
    CHECK_EQ(port, 1);
    CHECK_EQ(ctrl_evtchn_alloc_unbound(d, DOMID_SELF, &port), 0);
    CHECK_EQ(port, 2);
    CHECK_EQ(fx_dom(d)->port[2].remote, 0);
    CHECK_EQ(ctrl_evtchn_alloc_unbound(99, 0, &port), -ESRCH);

    CHECK_EQ(ctrl_gnttab_setup(d, 2, frames), 0);
    CHECK(fx_frame(frames[0])->xen && fx_frame(frames[1])->owner == d);
    CHECK_EQ(ctrl_gnttab_setup(99, 1, frames), -ESRCH);      /* GNTST_bad_domain */
    CHECK_EQ(ctrl_gnttab_setup(d, FX_GNT_FRAMES + 1, frames), -EINVAL);
    CHECK_EQ(ctrl_gnttab_setup(d, 0, frames), -EINVAL);
    CHECK_EQ(ctrl_domain_destroy(d), 0);
    CHECK_EQ(fx.free_frames, FX_FRAMES);
    CHECK_EQ(fx.bufs_open, 0);
}

HTEST(host_calls)
{
    struct ctrl_physinfo pi;
    char buf[16];
    uint32_t index = 0;
    int n, total = 0;

    fx_reset();
    CHECK_EQ(ctrl_physinfo(&pi), 0);
    CHECK_EQ(pi.total_pages, FX_FRAMES);
    CHECK_EQ(pi.free_pages, FX_FRAMES);
    CHECK_EQ(pi.nr_cpus, 1);
    /* Incremental reads in small pieces give the ring once, in order. */
    char all[256] = "";
    while ((n = ctrl_readconsole(buf, sizeof(buf), &index, true, false)) > 0) {
        strncat(all, buf, (size_t)n);
        total += n;
    }
    CHECK_EQ(n, 0);
    CHECK_STREQ(all, fx.console);
    CHECK_EQ(index, (uint32_t)total);
    CHECK_EQ(fx.bufs_open, 0);
}
