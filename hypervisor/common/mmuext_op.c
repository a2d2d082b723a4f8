/*
 * mmuext_op (26): the operations on page tables that are not entry writes
 * -- pinning, switching the base table, TLB and cache flushes, the LDT,
 * and clearing or copying whole frames.
 *
 * The batch rules are mmu_update's (see mmu_update.c): one 12-byte op at a
 * time, stop at the first error with *done = ops completed, preemption
 * between ops with MMU_UPDATE_PREEMPTED continuations, and an op that must
 * do long work (pinning a big tree, finishing the devalidation an unpin
 * started) either re-issued or followed by the queue being worked off.
 *
 *   pin L1..L3   validate the frame as that table type (if it is not one
 *                already) and hold a "pinned" type reference, so it stays
 *                validated with nothing linking it.  Pinning twice: -EINVAL.
 *                L4: accepted and ignored (32-bit guests have none).
 *   unpin        drop the pin; the table is devalidated once nothing else
 *                holds it (a table in use as CR3 stays valid: unpinning it
 *                is harmless).
 *   new_baseptr  type the frame as an L3 (one reference per vCPU using it)
 *                and load it; the previous L3 loses that reference.
 *   flushes      on one pCPU "other vCPUs" have no live TLB: a mask or ALL
 *                flushes here iff it includes the calling vCPU.
 *   set_ldt      arguments checked here, the rest is gdt_ldt.c's
 *                arch_set_ldt().
 *   clear/copy   destination must take the writable type (never a table or
 *                descriptor page); the copy source only needs to be owned.
 *
 * Who may: every op acts on frames of the data owner (foreigndom, which a
 * privileged caller may set to another domain); ops on the caller's own
 * state (new_baseptr, set_ldt, flushes) refuse a foreign owner (-EPERM);
 * cache flushes need I/O privilege (-EACCES).  MARK_SUPER/UNMARK_SUPER:
 * guests get no superpages (-EOPNOTSUPP).  Unknown ops: -ENOSYS.
 */
#include <mica/hypercall.h>
#include <mica/mm.h>
#include <mica/mm_ops.h>
#include <mica/foreign.h>
#include <mica/pt_rules.h>
#include <mica/domain.h>
#include <mica/errno.h>
#include <mica/guest_access.h>
#include <mica/lib.h>
#include <mica/printk.h>
#include <public/xen.h>
#include <asm/mm_arch.h>

#define LDT_MAX_ENTRIES 8192

int mm_vcpumask_has_current(guest_va_t mask, bool *hit)
{
    unsigned int id = current->vcpu_id, words = (current->domain->max_vcpus + 31) / 32;
    uint32_t w = 0;

    *hit = false;
    for (unsigned int i = 0; i < words; i++) {
        if (copy_from_guest(&w, mask + i * 4u, sizeof(w)))
            return -EFAULT;
        if (i == id / 32)
            *hit = (w >> (id % 32)) & 1;
    }
    return 0;
}

static struct page_info *owned_frame(unsigned long mfn, struct domain *d)
{
    struct page_info *pg;

    if (!mfn_valid(mfn) || get_page(pg = mfn_to_page(mfn), d))
        return NULL;
    return pg;
}

static int pin_table(unsigned long mfn, uint32_t type, struct domain *d)
{
    struct page_info *pg = owned_frame(mfn, d);
    int rc;

    if (!pg)
        return -EINVAL;
    rc = get_page_type_preemptible(pg, type);
    if (rc) {
        put_page(pg);
        return rc;
    }
    if (pg->type_info & PGT_pinned) {
        put_page_and_type(pg);
        return -EINVAL;
    }
    pg->type_info |= PGT_pinned;        /* the references just taken are the pin's */
    return 0;
}

static int unpin_table(unsigned long mfn, struct domain *d)
{
    struct page_info *pg = owned_frame(mfn, d);

    if (!pg)
        return -EINVAL;
    if (!(pg->type_info & PGT_pinned)) {
        put_page(pg);
        return -EINVAL;
    }
    pg->type_info &= ~PGT_pinned;
    put_page_and_type(pg);              /* the pin's */
    put_page(pg);
    return 0;
}

static int new_baseptr(unsigned long mfn, struct vcpu *v)
{
    struct page_info *pg = owned_frame(mfn, v->domain);
    unsigned long old = v->guest_l3_mfn;
    int rc;

    if (!pg)
        return -EINVAL;
    rc = get_page_type_preemptible(pg, PGT_l3_page_table);
    if (rc) {
        put_page(pg);
        return rc;
    }
    arch_switch_guest_l3(v, mfn);
    if (old)
        put_page_and_type(mfn_to_page(old));
    return 0;
}

static int flush_mask(guest_va_t mask, bool all, unsigned long va, bool one)
{
    bool here = true;
    int rc;

    if (!all && (rc = mm_vcpumask_has_current(mask, &here)))
        return rc;
    if (here && one)
        flush_guest_tlb_one(va);
    else if (here)
        flush_guest_tlb();
    return 0;
}

static int clear_or_copy(unsigned long dst_mfn, unsigned long src_mfn, bool copy,
                         struct domain *d)
{
    struct page_info *dst = owned_frame(dst_mfn, d), *src = NULL;
    int rc = -EINVAL;

    if (!dst)
        return -EINVAL;
    if (copy && !(src = owned_frame(src_mfn, d)))
        goto out;
    rc = get_page_type_preemptible(dst, PGT_writable_page);
    if (rc)
        goto out;
    if (copy)
        memcpy(map_frame(dst_mfn), map_frame(src_mfn), PAGE_SIZE);
    else
        memset(map_frame(dst_mfn), 0, PAGE_SIZE);
    put_page_type(dst);
out:
    if (src)
        put_page(src);
    put_page(dst);
    return rc;
}

static int do_one_op(const struct mmuext_op *op, struct domain *pg_owner)
{
    struct vcpu *v = current;
    bool self = pg_owner == v->domain;

    switch (op->cmd) {
    case MMUEXT_PIN_L1_TABLE:
        return pin_table(op->arg1.mfn, PGT_l1_page_table, pg_owner);
    case MMUEXT_PIN_L2_TABLE:
        return pin_table(op->arg1.mfn, PGT_l2_page_table, pg_owner);
    case MMUEXT_PIN_L3_TABLE:
        return pin_table(op->arg1.mfn, PGT_l3_page_table, pg_owner);
    case MMUEXT_PIN_L4_TABLE:
        return 0;                       /* no L4s in a 32-bit guest */
    case MMUEXT_UNPIN_TABLE:
        return unpin_table(op->arg1.mfn, pg_owner);
    case MMUEXT_NEW_BASEPTR:
        return self ? new_baseptr(op->arg1.mfn, v) : -EPERM;
    case MMUEXT_TLB_FLUSH_LOCAL:
        return self ? flush_mask(0, true, 0, false) : -EPERM;
    case MMUEXT_INVLPG_LOCAL:
        return self ? flush_mask(0, true, op->arg1.linear_addr, true) : -EPERM;
    case MMUEXT_TLB_FLUSH_MULTI:
        return self ? flush_mask(op->arg2.vcpumask, false, 0, false) : -EPERM;
    case MMUEXT_INVLPG_MULTI:
        return self ? flush_mask(op->arg2.vcpumask, false, op->arg1.linear_addr, true)
                    : -EPERM;
    case MMUEXT_TLB_FLUSH_ALL:
        return self ? flush_mask(0, true, 0, false) : -EPERM;
    case MMUEXT_INVLPG_ALL:
        return self ? flush_mask(0, true, op->arg1.linear_addr, true) : -EPERM;
    case MMUEXT_FLUSH_CACHE:
    case MMUEXT_FLUSH_CACHE_GLOBAL:
        if (!self)
            return -EPERM;
        if (!mm_io_privileged(v->domain))
            return -EACCES;
        flush_cache_all();
        return 0;
    case MMUEXT_SET_LDT: {
        uint32_t base = op->arg1.linear_addr, ents = op->arg2.nr_ents;
        if (!self)
            return -EPERM;
        if ((base & (PAGE_SIZE - 1)) || ents > LDT_MAX_ENTRIES ||
            !guest_range_ok(base, (uint64_t)ents * 8))
            return -EINVAL;
        return arch_set_ldt(v, base, ents);
    }
    case MMUEXT_CLEAR_PAGE:
        return clear_or_copy(op->arg1.mfn, 0, false, pg_owner);
    case MMUEXT_COPY_PAGE:
        return clear_or_copy(op->arg1.mfn, op->arg2.src_mfn, true, pg_owner);
    case MMUEXT_MARK_SUPER:
    case MMUEXT_UNMARK_SUPER:
        return -EOPNOTSUPP;
    default:
        return -ENOSYS;
    }
}

HYPERCALL_PROTO(mmuext_op)
{
    guest_va_t uops = (guest_va_t)a1, pdone = (guest_va_t)a3;
    unsigned int count = (unsigned int)a2, fd = (unsigned int)a4;
    struct domain *pg_owner;
    uint32_t done;
    unsigned int i;
    int rc;

    done = mm_batch_resume(&count, a5);
    if ((rc = foreign_pg_owner((uint16_t)fd, XSM_MMUEXT_FOREIGN, &pg_owner)))
        return rc;
    if (mm_finish_pending(true) == -ERESTART)
        return mm_batch_continuation(__HYPERVISOR_mmuext_op, uops, 12, 0, count, pdone, done, fd);
    for (i = 0; i < count; i++) {
        struct mmuext_op op;

        if (i && mm_preempt_check())
            return mm_batch_continuation(__HYPERVISOR_mmuext_op, uops, 12, i, count, pdone, done + i, fd);
        if (!guest_range_ok(uops, (uint64_t)(i + 1) * 12) ||
            copy_from_guest(&op, uops + i * 12, sizeof(op))) {
            rc = -EFAULT;
            break;
        }
        rc = do_one_op(&op, pg_owner);
        if (rc == -ERESTART)
            return mm_batch_continuation(__HYPERVISOR_mmuext_op, uops, 12, i, count, pdone, done + i, fd);
        if (rc) {
            pr_debug("d%u mmuext_op: op %u (cmd %u arg1 %#x) refused: %d\n",
                     current_domain()->domain_id, done + i, op.cmd, op.arg1.mfn, rc);
            break;
        }
        if (mm_finish_pending(true) == -ERESTART)
            return mm_batch_continuation(__HYPERVISOR_mmuext_op, uops, 12, i + 1, count, pdone, done + i + 1, fd);
    }
    if (pdone)
        (void)copy_to_guest(pdone, &(uint32_t){ done + i }, sizeof(uint32_t));
    return rc;
}
