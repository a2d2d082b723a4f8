/*
 * errcodes: the error codes Xen returns for unknown or refused sub-ops,
 * checked one by one -- guests test for specific values.  Run as the
 * initial domain and again as an unprivileged one (privileged=0|1 on the
 * command line says which to expect).
 *
 *   - unknown sub-ops of every multiplexed call: -ENOSYS;
 *   - xen_version's newer commands (build_id: privileged, -ENODATA since
 *     Mica has no build ID; the length-prefixed *2 forms: length query,
 *     -EINVAL for a zero length, -ENOBUFS for one too small);
 *   - sched_op pin_override: -EPERM unprivileged, one CPU to pin to;
 *   - platform_op: -EFAULT, then -EACCES for a wrong interface version,
 *     then -EPERM unprivileged; mca: -EPERM unprivileged first;
 *     xenpmu_op: -EOPNOTSUPP (no virtual PMU);
 *   - calls of features Xen can be built without (kexec, hypfs, argo,
 *     xsm, tmem) and of 64-bit guests only (set_segment_base): -ENOSYS.
 */
#include <test.h>
#include <events.h>
#include <pt.h>
#include <public/platform.h>
#include <public/physdev.h>

static bool priv;

static void unknown_subops(void)
{
    uint8_t junk[64] = { 0 };

    CHECK_RC(HYPERVISOR_event_channel_op(99, junk), -XEN_ENOSYS, "event_channel_op 99");
    CHECK_RC(hypercall3(__HYPERVISOR_grant_table_op, 13, (long)junk, 1), -XEN_ENOSYS,
             "grant_table_op 13");
    CHECK_RC(hypercall3(__HYPERVISOR_grant_table_op, 12, (long)junk, 1), -XEN_ENOSYS,
             "grant_table_op cache_flush (removed on x86)");
    CHECK_RC(HYPERVISOR_vcpu_op(16, 0, junk), -XEN_ENOSYS, "vcpu_op 16");
    CHECK_RC(HYPERVISOR_memory_op(63, junk), -XEN_ENOSYS, "memory_op 63");
    CHECK_RC(hypercall2(__HYPERVISOR_physdev_op, 99, (long)junk), -XEN_ENOSYS, "physdev_op 99");
    CHECK_RC(HYPERVISOR_callback_op(5, junk), -XEN_ENOSYS, "callback_op 5");
    CHECK_RC(HYPERVISOR_console_io(99, 0, junk), -XEN_ENOSYS, "console_io 99");
    CHECK_RC(hypercall2(__HYPERVISOR_nmi_op, 5, (long)junk), -XEN_ENOSYS, "nmi_op 5");
    CHECK_RC(HYPERVISOR_sched_op(99, junk), -XEN_ENOSYS, "sched_op 99");
    CHECK_RC(HYPERVISOR_sched_op_compat(99, 0), -XEN_ENOSYS, "sched_op_compat 99");
    CHECK_RC(HYPERVISOR_xen_version(15, junk), -XEN_ENOSYS, "xen_version 15");
    CHECK_RC(mmuext1(21, 0, 0), -XEN_ENOSYS, "mmuext_op 21");
    CHECK_RC(HYPERVISOR_vm_assist(VMASST_CMD_enable, 6), -XEN_EINVAL, "vm_assist type 6");
    static const unsigned int absent[] = { 11, 25, 27, 31, 37, 38, 39, 42, 49, 50 };
    for (unsigned int i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
        CHECK(hypercall5(absent[i], (long)junk, 0, 0, 0, 0) == -XEN_ENOSYS,
              "hypercall %u not -ENOSYS", absent[i]);
}

static void version(void)
{
    static struct { uint32_t len; char buf[64]; } vb;

    CHECK_RC(HYPERVISOR_xen_version(XENVER_build_id, NULL), priv ? -XEN_ENODATA : -XEN_EPERM,
             "build_id, length");
    vb.len = 0;
    CHECK_RC(HYPERVISOR_xen_version(XENVER_build_id, &vb), priv ? -XEN_EINVAL : -XEN_EPERM,
             "build_id, len 0");
    CHECK_RC(HYPERVISOR_xen_version(XENVER_extraversion2, NULL), 5, "extraversion2 length");
    vb.len = 0;
    CHECK_RC(HYPERVISOR_xen_version(XENVER_extraversion2, &vb), -XEN_EINVAL, "len 0");
    vb.len = 4;
    CHECK_RC(HYPERVISOR_xen_version(XENVER_extraversion2, &vb), -XEN_ENOBUFS, "len 4");
    vb.len = sizeof(vb.buf);
    CHECK_RC(HYPERVISOR_xen_version(XENVER_extraversion2, &vb), 5, "extraversion2");
    CHECK(!memcmp(vb.buf, "-mica", 5), "extraversion2 text");
    CHECK_RC(HYPERVISOR_xen_version(XENVER_capabilities2, &vb), 15, "capabilities2");
    CHECK(!memcmp(vb.buf, "xen-3.0-x86_32p", 15), "capabilities2 text");
    CHECK(HYPERVISOR_xen_version(XENVER_changeset2, NULL) > 0, "changeset2 length");
    CHECK_RC(HYPERVISOR_xen_version(XENVER_extraversion2, (void *)0xf5800000), -XEN_EFAULT,
             "extraversion2 in the hole");
    long cl = HYPERVISOR_xen_version(XENVER_commandline2, NULL);
    CHECK(priv ? cl > 0 : cl == -XEN_EPERM, "commandline2: %ld", cl);
}

static void priv_calls(void)
{
    static struct xen_platform_op op;
    static struct sched_pin_override pin;
    uint32_t mc[2] = { 0, 0x01ecc003 };

    CHECK_RC(hypercall1(__HYPERVISOR_platform_op, 0xf5800000), -XEN_EFAULT, "platform_op hole");
    op.interface_version = 0x1234;
    CHECK_RC(hypercall1(__HYPERVISOR_platform_op, (long)&op), -XEN_EACCES, "platform_op version");
    op.interface_version = XENPF_INTERFACE_VERSION;
    CHECK_RC(hypercall1(__HYPERVISOR_platform_op, (long)&op), priv ? -XEN_ENOSYS : -XEN_EPERM,
             "platform_op");
    CHECK_RC(hypercall2(__HYPERVISOR_xenpmu_op, 0, 0), -XEN_EOPNOTSUPP, "xenpmu_op");
    CHECK_RC(hypercall1(__HYPERVISOR_mca, 0xf5800000), priv ? -XEN_EFAULT : -XEN_EPERM,
             "mca, arg in the hole");
    CHECK_RC(hypercall1(__HYPERVISOR_mca, (long)mc), priv ? -XEN_ENOSYS : -XEN_EPERM, "mca");
    mc[1] = 1;
    CHECK_RC(hypercall1(__HYPERVISOR_mca, (long)mc), priv ? -XEN_EACCES : -XEN_EPERM,
             "mca version");

    pin.pcpu = 0;
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_pin_override, &pin), priv ? 0 : -XEN_EPERM, "pin to 0");
    pin.pcpu = -1;
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_pin_override, &pin), priv ? 0 : -XEN_EPERM, "unpin");
    pin.pcpu = 1;
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_pin_override, &pin), priv ? -XEN_EINVAL : -XEN_EPERM,
             "pin to CPU 1");
    CHECK_RC(HYPERVISOR_sched_op(SCHEDOP_pin_override, (void *)0xf5800000),
             priv ? -XEN_EFAULT : -XEN_EPERM, "pin, arg in the hole");
}

void test_main(void)
{
    const char *p = cmdline_value((const char *)start_info->cmd_line, "privileged");

    priv = p && *p == '1';
    CHECK(priv == !!(start_info->flags & SIF_PRIVILEGED), "privileged=%d but flags 0x%x", priv,
          start_info->flags);
    unknown_subops();
    version();
    priv_calls();
    test_success();
}
