/*
 * libctrl: another domain's memory, event channels and grant table --
 * memory_op reservations, mmuext_op pins with a foreign domain, foreign
 * mappings, EVTCHNOP_alloc_unbound and GNTTABOP_setup_table on its behalf.
 *
 * These calls report errors each in their own way (memory_op: a count of
 * extents done; grant ops: a GNTST_* status); the wrappers turn them into
 * the -errno convention of the rest of the library, and never trust a
 * count the hypervisor returns beyond what was asked.
 */
#include "ctrl_call.h"
#include <errno.h>
#include <string.h>
#include <public/memory.h>
#include <public/event_channel.h>
#include <public/grant_table.h>

static long reservation(unsigned int cmd, uint16_t domid, unsigned long n,
                        unsigned int order, xen_pfn_t *list, bool out)
{
    struct xen_memory_reservation r = { .extent_order = order, .domid = domid };
    size_t size = n * sizeof(xen_pfn_t);
    void *buf;
    long rc;

    if (n > 0xffffffffu / sizeof(xen_pfn_t))
        return -EINVAL;
    if (!(buf = ctrl_bounce(list, size)))
        return -ENOMEM;
    set_xen_guest_handle(r.extent_start, buf);
    r.nr_extents = (xen_ulong_t)n;
    rc = ctrl_call(__HYPERVISOR_memory_op, cmd, &r, sizeof(r), 0);
    if (rc > (long)n)
        rc = -EIO;
    if (out && rc > 0)
        memcpy(list, buf, (size_t)rc * sizeof(xen_pfn_t));
    ctrl_unbounce(buf, NULL, size);
    return rc;
}

long ctrl_populate_physmap(uint16_t domid, unsigned long n, unsigned int order,
                           xen_pfn_t *list)
{
    return reservation(XENMEM_populate_physmap, domid, n, order, list, true);
}

long ctrl_decrease_reservation(uint16_t domid, unsigned long n, unsigned int order,
                               const xen_pfn_t *list)
{
    return reservation(XENMEM_decrease_reservation, domid, n, order, (xen_pfn_t *)list, false);
}

long ctrl_current_reservation(uint16_t domid)
{
    return ctrl_call(__HYPERVISOR_memory_op, XENMEM_current_reservation, &domid,
                     sizeof(domid), 0);
}

long ctrl_maximum_reservation(uint16_t domid)
{
    return ctrl_call(__HYPERVISOR_memory_op, XENMEM_maximum_reservation, &domid,
                     sizeof(domid), 0);
}

static int mmuext(uint16_t domid, unsigned int cmd, uint32_t mfn)
{
    struct mmuext_op op = { .cmd = cmd };

    op.arg1.mfn = mfn;
    return (int)ctrl_call_first(__HYPERVISOR_mmuext_op, &op, sizeof(op), 1, 0, domid);
}

int ctrl_pin_table(uint16_t domid, unsigned int level, uint32_t mfn)
{
    static const unsigned int cmd[] = { 0, MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L2_TABLE,
                                        MMUEXT_PIN_L3_TABLE };

    if (level < 1 || level > 3)
        return -EINVAL;
    return mmuext(domid, cmd[level], mfn);
}

int ctrl_unpin_table(uint16_t domid, uint32_t mfn)
{
    return mmuext(domid, MMUEXT_UNPIN_TABLE, mfn);
}

int ctrl_map_foreign(uint16_t domid, const uint32_t *mfns, unsigned int n, bool writable,
                     void **addr)
{
    if (n == 0)
        return -EINVAL;
    return os_foreign_map(domid, mfns, n, writable, addr);
}

int ctrl_unmap_foreign(void *addr, unsigned int n)
{
    return os_foreign_unmap(addr, n);
}

int ctrl_evtchn_alloc_unbound(uint16_t dom, uint16_t remote, uint32_t *port)
{
    struct evtchn_alloc_unbound op = { .dom = dom, .remote_dom = remote };
    long rc = ctrl_call(__HYPERVISOR_event_channel_op, EVTCHNOP_alloc_unbound, &op,
                        sizeof(op), 0);

    if (!rc)
        *port = op.port;
    return (int)rc;
}

/* A grant operation's status as -errno. */
static int gntst_errno(int16_t st)
{
    switch (st) {
    case GNTST_okay:              return 0;
    case GNTST_general_error:     return -EINVAL;
    case GNTST_bad_domain:        return -ESRCH;
    case GNTST_permission_denied: return -EPERM;
    case GNTST_no_space:          return -ENOSPC;
    case GNTST_eagain:            return -EAGAIN;
    default:                      return -EIO;
    }
}

int ctrl_gnttab_setup(uint16_t dom, unsigned int nr, uint32_t *frames)
{
    struct gnttab_setup_table op = { .dom = dom, .nr_frames = nr };
    size_t size = (size_t)nr * sizeof(xen_pfn_t);
    void *buf;
    long rc;

    if (nr == 0 || nr > 64)
        return -EINVAL;
    if (!(buf = ctrl_bounce(NULL, size)))
        return -ENOMEM;
    set_xen_guest_handle(op.frame_list, buf);
    rc = ctrl_call(__HYPERVISOR_grant_table_op, GNTTABOP_setup_table, &op, sizeof(op), 1);
    if (!rc)
        rc = gntst_errno(op.status);
    ctrl_unbounce(buf, rc ? NULL : frames, size);
    return (int)rc;
}
