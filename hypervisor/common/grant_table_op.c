/*
 * grant_table_op (20): the hypercall front end of grant tables.
 *
 * grant_table_op(cmd, uop, count).  The batched operations (map, unmap,
 * copy) take an array of `count` structures; each is copied in, done
 * (common/grant_table.c validates before it changes anything), and its
 * status copied back, so one bad element fails only itself.  A long batch
 * stops at a preemption point and continues as a re-issued call on the
 * rest of the array.  The return value is 0 unless the call itself is bad
 * (-EFAULT for an unreadable array, -EINVAL for a count the sub-op does
 * not take); per-element results are in the status fields (GNTST_*).
 *
 * After an unmap or unmap_and_replace batch (and before a continuation of
 * one) the TLB is flushed once, so a stale translation of an unmapped
 * grant never reaches guest code.  swap_grant_ref is batched the same way.
 *
 * The single-structure commands (count must be 1, -EINVAL otherwise):
 * setup_table (grows the table up to the domain's max_frames; more is
 * GNTST_general_error), query_size, set_version (the version in force is
 * written back whatever the result), get_version, get_status_frames (v2:
 * the status frames' MFNs as 64-bit numbers; more than exist is
 * GNTST_general_error, an unwritable list GNTST_bad_virt_addr).  Another
 * domain is named only by a privileged caller (foreign_domain, the
 * privilege hook's XSM_GNTTAB_FOREIGN).
 * dump_table prints the table on the hypervisor console.  transfer (a
 * batch, as map) gives pages away: grant_transfer.c.  cache_flush is
 * -ENOSYS (Xen x86 answers it with -ENOSYS since 4.21).
 */
#include <mica/hypercall.h>
#include <mica/errno.h>
#include <mica/domain.h>
#include <mica/grant_table.h>
#include <mica/guest_access.h>
#include <mica/mm_ops.h>
#include <mica/foreign.h>
#include <mica/mm.h>
#include <asm/mm_arch.h>

/* Another domain named: not allowed (-EPERM) or not there (-ESRCH). */
static int16_t gnttab_refusal(int rc)
{
    return rc == -EPERM ? GNTST_permission_denied : GNTST_bad_domain;
}

/* The table a single-structure command names: the caller's own
 * (DOMID_SELF) or, for a privileged caller, another domain's.  GNTST_okay
 * with *d set, or the status to report. */
static int16_t target_table(domid_t dom, struct domain **d)
{
    int rc = foreign_domain(dom, XSM_GNTTAB_FOREIGN, d);

    if (rc)
        return gnttab_refusal(rc);
    return (*d)->grant ? GNTST_okay : GNTST_bad_domain;
}

static long setup_table(guest_va_t uop)
{
    static unsigned long mfns[GNTTAB_MAX_FRAMES_LIMIT];
    struct gnttab_setup_table op;
    struct domain *d;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -EFAULT;
    op.status = target_table(op.dom, &d);
    if (op.status != GNTST_okay)
        ;                               /* reported in op.status */
    else if (op.nr_frames > d->grant->max_frames)
        op.status = GNTST_general_error;
    else if (!guest_range_ok(op.frame_list, (uint64_t)op.nr_frames * sizeof(xen_pfn_t)))
        return -EFAULT;
    else if ((op.status = (int16_t)gnttab_setup(d, op.nr_frames, mfns)) == GNTST_okay) {
        for (uint32_t i = 0; i < op.nr_frames; i++) {
            xen_pfn_t f = (xen_pfn_t)mfns[i];
            if (copy_to_guest(op.frame_list + i * sizeof(f), &f, sizeof(f)))
                return -EFAULT;
        }
    }
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : 0;
}

static long query_size(guest_va_t uop)
{
    struct gnttab_query_size op;
    struct domain *d;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -EFAULT;
    if ((op.status = target_table(op.dom, &d)) == GNTST_okay) {
        op.nr_frames = d->grant->nr_frames;
        op.max_nr_frames = d->grant->max_frames;
    }
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : 0;
}

static long set_version(guest_va_t uop)
{
    struct gnttab_set_version op;
    struct domain *d = current_domain();
    long rc;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -EFAULT;
    rc = gnttab_set_version(d, op.version);
    op.version = d->grant->version;     /* the version in force, always */
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : rc;
}

static long get_version(guest_va_t uop)
{
    struct gnttab_get_version op;
    struct domain *d;
    int rc;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -EFAULT;
    if ((rc = foreign_domain(op.dom, XSM_GNTTAB_FOREIGN, &d)))
        return rc;
    op.version = d->grant ? d->grant->version : 1;
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : 0;
}

static long get_status_frames(guest_va_t uop)
{
    struct gnttab_get_status_frames op;
    struct domain *d;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -EFAULT;
    op.status = target_table(op.dom, &d);
    if (op.status == GNTST_okay && op.nr_frames > d->grant->nr_status)
        op.status = GNTST_general_error;    /* v1 has none */
    if (op.status == GNTST_okay) {
        for (uint32_t i = 0; i < op.nr_frames; i++) {
            uint64_t f = d->grant->status_mfn[i];
            if (copy_to_guest(op.frame_list + i * sizeof(f), &f, sizeof(f))) {
                op.status = GNTST_bad_virt_addr;
                break;
            }
        }
    }
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : 0;
}

static long dump_table(guest_va_t uop)
{
    struct gnttab_dump_table op;
    struct domain *d;

    if (copy_from_guest(&op, uop, sizeof(op)))
        return -EFAULT;
    if ((op.status = target_table(op.dom, &d)) == GNTST_okay)
        gnttab_dump(d);
    return copy_to_guest(uop, &op, sizeof(op)) ? -EFAULT : 0;
}

/* Run a batch: `one` on each element of size `size`; continuation on
 * preemption.  flush: an unmap batch (flush the TLB before returning). */
static long batch(unsigned int cmd, guest_va_t uop, unsigned int count, size_t size,
                  void (*one)(void *), bool flush)
{
    union {
        struct gnttab_map_grant_ref map;
        struct gnttab_unmap_grant_ref unmap;
        struct gnttab_unmap_and_replace replace;
        struct gnttab_copy copy;
        struct gnttab_swap_grant_ref swap;
        struct gnttab_transfer transfer;
    } op;
    long rc = 0;
    unsigned int i;

    if (!guest_range_ok(uop, (uint64_t)count * size))
        return -EFAULT;
    /* Our own deferred devalidations first, preemptibly, so the type
     * references the operations take never do long work (grant
     * operations queue none themselves). */
    if (mm_finish_pending(true) == -ERESTART)
        return hypercall_create_continuation(__HYPERVISOR_grant_table_op, 3,
                                             (unsigned long)cmd, (unsigned long)uop,
                                             (unsigned long)count);
    for (i = 0; i < count; i++) {
        if (i && mm_preempt_check())      /* honours mm_preempt_stress */
            break;
        if (copy_from_guest(&op, uop + i * size, size)) {
            rc = -EFAULT;
            break;
        }
        one(&op);
        if (copy_to_guest(uop + i * size, &op, size)) {
            rc = -EFAULT;
            break;
        }
    }
    if (flush && i)
        flush_guest_tlb();
    if (rc || i == count)
        return rc;
    return hypercall_create_continuation(__HYPERVISOR_grant_table_op, 3, (unsigned long)cmd,
                                         (unsigned long)(uop + i * size),
                                         (unsigned long)(count - i));
}

static void map_thunk(void *p) { gnttab_map(p); }
static void unmap_thunk(void *p) { gnttab_unmap(p); }
static void copy_thunk(void *p) { gnttab_copy(p); }
static void transfer_thunk(void *p) { gnttab_transfer(p); }
static void replace_thunk(void *p) { gnttab_unmap_and_replace(p); }
static void swap_thunk(void *p)
{
    struct gnttab_swap_grant_ref *op = p;
    op->status = (int16_t)gnttab_swap(current_domain(), op->ref_a, op->ref_b);
}

/* The single-structure commands, by number: count must be 1. */
static long (*const single_cmds[])(guest_va_t uop) = {
    [GNTTABOP_setup_table] = setup_table,
    [GNTTABOP_dump_table] = dump_table,
    [GNTTABOP_query_size] = query_size,
    [GNTTABOP_set_version] = set_version,
    [GNTTABOP_get_status_frames] = get_status_frames,
    [GNTTABOP_get_version] = get_version,
};

HYPERCALL_PROTO(grant_table_op)
{
    unsigned int cmd = (unsigned int)a1, count = (unsigned int)a3;
    guest_va_t uop = (guest_va_t)a2;

    switch (cmd) {
    case GNTTABOP_map_grant_ref:
        return batch(cmd, uop, count, sizeof(struct gnttab_map_grant_ref), map_thunk, false);
    case GNTTABOP_unmap_grant_ref:
        return batch(cmd, uop, count, sizeof(struct gnttab_unmap_grant_ref), unmap_thunk, true);
    case GNTTABOP_transfer:     /* flushes for itself (grant_transfer.c) */
        if (!opt_gnttab_transfer)
            return -EOPNOTSUPP;         /* gnttab=no-transfer (Xen's answer) */
        return batch(cmd, uop, count, sizeof(struct gnttab_transfer), transfer_thunk, false);
    case GNTTABOP_copy:
        return batch(cmd, uop, count, sizeof(struct gnttab_copy), copy_thunk, false);
    case GNTTABOP_unmap_and_replace:
        return batch(cmd, uop, count, sizeof(struct gnttab_unmap_and_replace), replace_thunk,
                     true);
    case GNTTABOP_swap_grant_ref:
        return batch(cmd, uop, count, sizeof(struct gnttab_swap_grant_ref), swap_thunk, false);
    default:
        break;
    }
    if (cmd < ARRAY_SIZE(single_cmds) && single_cmds[cmd])
        return count == 1 ? single_cmds[cmd](uop) : -EINVAL;
    return -ENOSYS;                     /* cache_flush, ... */
}
