/*
 * Hypercalls of the machine's owner that Mica has no use for yet,
 * answered with Xen's own checks so a guest sees the same error codes:
 *
 *   platform_op (7)  the argument (136 bytes) is read, its interface
 *                    version checked (-EACCES), then privilege (-EPERM),
 *                    as Xen does; no platform command is implemented for
 *                    the hardware domain (-ENOSYS, Xen's answer to a
 *                    command it does not know)
 *   xenpmu_op (40)   the virtual PMU is off (it is off by default in Xen
 *                    too): -EOPNOTSUPP for every command, before anything
 *                    else is looked at
 *   mca (48)         privilege first (-EPERM), then the 8-byte header
 *                    (-EFAULT) and its interface version (-EACCES); no
 *                    virtual machine-check architecture is offered to the
 *                    hardware domain (-ENOSYS)
 *
 * (kexec_op, hypfs_op, argo_op, xsm_op and tmem_op stay -ENOSYS: that is
 * what Xen built without those features answers.)
 */
#include <mica/xsm.h>
#include <mica/hypercall.h>
#include <mica/domain.h>
#include <mica/errno.h>
#include <mica/guest_access.h>
#include <public/platform.h>

#define XEN_MCA_INTERFACE_VERSION 0x01ecc003

HYPERCALL_PROTO(platform_op)
{
    struct xen_platform_op op;

    if (copy_from_guest(&op, (guest_va_t)a1, sizeof(op)))
        return -EFAULT;
    if (op.interface_version != XENPF_INTERFACE_VERSION)
        return -EACCES;
    if (xsm_check(XSM_PLATFORM, current_domain(), NULL))
        return -EPERM;
    return -ENOSYS;
}

HYPERCALL_PROTO(xenpmu_op)
{
    return -EOPNOTSUPP;
}

HYPERCALL_PROTO(mca)
{
    uint32_t hdr[2];

    if (xsm_check(XSM_PLATFORM, current_domain(), NULL))
        return -EPERM;
    if (copy_from_guest(hdr, (guest_va_t)a1, sizeof(hdr)))
        return -EFAULT;
    if (hdr[1] != XEN_MCA_INTERFACE_VERSION)
        return -EACCES;
    return -ENOSYS;
}
