/*
 * xen_version (hypercall 17): who the hypervisor claims to be.
 *
 * Mica presents itself as a Xen 4.2-compatible hypervisor whose extra
 * version is "-mica": 4.2 is the release whose x86_32 PV semantics the ABI
 * fact sheet documents, and guests use the major/minor pair only to decide
 * which interface generation they may rely on.  The capabilities string
 * says exactly what this build hosts: 32-bit PAE PV guests.
 *
 * Every sub-command that writes a result copies it out last, after all
 * checks; a bad guest buffer yields -EFAULT.  The newer length-prefixed
 * commands (10-14: build_id and the *2 forms) follow Xen's rules too.
 */
#include <mica/xsm.h>
#include <mica/hypercall.h>
#include <mica/errno.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/boot.h>
#include <mica/lib.h>
#include <public/version.h>
#include <public/features.h>

#define MICA_XEN_MAJOR 4
#define MICA_XEN_MINOR 2

static void strfill(char *dst, size_t size, const char *src)
{
    memset(dst, 0, size);
    strlcpy(dst, src, size);
}

uint32_t xen_features_submap0(const struct domain *d);
uint32_t xen_features_submap0(const struct domain *d)
{
    uint32_t f = (1u << XENFEAT_mmu_pt_update_preserve_ad) |
                 (1u << XENFEAT_highmem_assist) |
                 (1u << XENFEAT_gnttab_map_avail_bits);
    if (d->vm_assist & (1u << VMASST_TYPE_pae_extended_cr3))
        f |= 1u << XENFEAT_pae_pgdir_above_4gb;
    if (d->is_privileged)
        f |= 1u << XENFEAT_dom0;
    return f;
}

/*
 * The newer length-prefixed forms (xen_varbuf {len, buf[]}): a NULL
 * argument asks for the length; a buffer of len 0 is -EINVAL, one too
 * small -ENOBUFS; else the string (no NUL) and its length.  Xen's rules.
 */
static long varbuf(guest_va_t arg, const char *str)
{
    uint32_t len, sz = (uint32_t)strlen(str);

    if (!arg)
        return sz;
    if (copy_from_guest(&len, arg, sizeof(len)))
        return -EFAULT;
    if (len == 0)
        return -EINVAL;
    if (sz > len)
        return -ENOBUFS;
    if (copy_to_guest(arg + offsetof(xen_varbuf_t, buf), str, sz))
        return -EFAULT;
    return sz;
}

/* XENVER_build_id: privileged (Xen's default policy); Mica is built
 * without a build ID, which Xen answers -ENODATA. */
static long build_id(const struct domain *d, guest_va_t arg)
{
    uint32_t len;

    if (xsm_check(XSM_HOST_INFO, d, NULL))
        return -EPERM;
    if (arg) {
        if (copy_from_guest(&len, arg, sizeof(len)))
            return -EFAULT;
        if (len == 0)
            return -EINVAL;
    }
    return -ENODATA;
}

/* Everything but XENVER_version. */
static long __attribute__((noinline)) xen_version_other(unsigned long cmd, guest_va_t arg)
{
    struct domain *d = current_domain();

    switch (cmd) {
    case XENVER_extraversion: {
        xen_extraversion_t v;
        strfill(v, sizeof(v), "-mica");
        return copy_to_guest(arg, v, sizeof(v));
    }
    case XENVER_compile_info: {
        xen_compile_info_t ci;
        strfill(ci.compiler, sizeof(ci.compiler), mica_compiler);
        strfill(ci.compile_by, sizeof(ci.compile_by), mica_compile_by);
        strfill(ci.compile_domain, sizeof(ci.compile_domain), mica_compile_domain);
        strfill(ci.compile_date, sizeof(ci.compile_date), mica_compile_date);
        return copy_to_guest(arg, &ci, sizeof(ci));
    }
    case XENVER_capabilities: {
        static xen_capabilities_info_t caps;   /* 1 KiB: keep it off the stack */
        strfill(caps, sizeof(caps), "xen-3.0-x86_32p");
        return copy_to_guest(arg, caps, sizeof(caps));
    }
    case XENVER_changeset: {
        xen_changeset_info_t cs;
        strfill(cs, sizeof(cs), mica_changeset);
        return copy_to_guest(arg, cs, sizeof(cs));
    }
    case XENVER_platform_parameters: {
        xen_platform_parameters_t pp = { .virt_start = HYPERVISOR_VIRT_START };
        return copy_to_guest(arg, &pp, sizeof(pp));
    }
    case XENVER_get_features: {
        xen_feature_info_t fi;
        if (copy_from_guest(&fi, arg, sizeof(fi)))
            return -EFAULT;
        if (fi.submap_idx != 0)
            return -EINVAL;
        fi.submap = xen_features_submap0(d);
        return copy_to_guest(arg, &fi, sizeof(fi));
    }
    case XENVER_pagesize:
        return PAGE_SIZE;

    case XENVER_guest_handle: {
        /* The UUID the toolstack gave (createdomain, setdomainhandle). */
        return copy_to_guest(arg, d->handle, sizeof(d->handle));
    }
    case XENVER_commandline: {
        static xen_commandline_t cl;
        if (xsm_check(XSM_HOST_INFO, d, NULL))
            return -EPERM;
        strfill(cl, sizeof(cl), hv_cmdline);
        return copy_to_guest(arg, cl, sizeof(cl));
    }
    case XENVER_build_id:
        return build_id(d, arg);
    case XENVER_extraversion2:
        return varbuf(arg, "-mica");
    case XENVER_capabilities2:
        return varbuf(arg, "xen-3.0-x86_32p");
    case XENVER_changeset2:
        return varbuf(arg, mica_changeset);
    case XENVER_commandline2:
        return xsm_check(XSM_HOST_INFO, d, NULL) ? -EPERM : varbuf(arg, hv_cmdline);
    default:
        return -ENOSYS;
    }
}

/*
 * XENVER_version is the guests' null hypercall (Linux issues it to have
 * pending events delivered when it unmasks them), so it is answered before
 * anything else is set up.
 */
HYPERCALL_PROTO(xen_version)
{
    if (a1 == XENVER_version)
        return (MICA_XEN_MAJOR << 16) | MICA_XEN_MINOR;
    return xen_version_other(a1, (guest_va_t)a2);
}
