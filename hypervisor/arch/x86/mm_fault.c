/*
 * Guest page faults the hypervisor resolves without the guest's help:
 * writes to the guest's own L1 tables (VMASST_TYPE_writable_pagetables).
 *
 * A guest that enabled the assist writes its L1 entries with ordinary
 * stores, as on bare metal.  Its tables are mapped read-only (they must
 * be: a table is never writable), so the store faults; here we
 *
 *  1. make sure this is such a write: the vCPU was in its kernel (ring 1:
 *     a ring-3 program never gets the kernel's write through the assist),
 *     the fault was a supervisor write to a present page, the assist is
 *     on, and the one thing refusing the write is the PTE through which it
 *     went, which maps, read-only, a validated L1 table of this domain
 *     (mica/guest_walk.h with the write's rights -- never L2 or L3 tables:
 *     those stay mmu_update's);
 *  2. decode the faulting instruction (pte_write_emul.c: mov, xchg,
 *     cmpxchg, cmpxchg8b, and/or, bts/btr, and the byte forms of mov and
 *     and/or) and compute the new entry -- a 1- or 4-byte store keeps the
 *     rest of the PAE entry;
 *  3. apply it with mod_l1_entry(), exactly the check mmu_update makes, and
 *     step over the instruction.
 *
 * If anything does not fit (an unknown instruction, a misaligned or
 * page-crossing store, an entry the rules refuse), the fault is not ours:
 * it goes on to the guest as an ordinary #PF (or crashes it while it has
 * no trap table).  One deliberate leniency, as in Xen: a 4-byte store to
 * the upper half that makes an invalid present entry is taken as the
 * first half of a two-store update and written with PRESENT clear; the
 * guest's store to the lower half follows.
 *
 * If the new entry needs long work first (mapping writable a table still
 * being devalidated), nothing is written and the guest simply re-executes
 * the store: the fault itself is the continuation.
 *
 * The instruction is fetched at CS:EIP assuming a flat code segment (as
 * every PV kernel has).  No TLB flush: like native code, the guest
 * invalidates what it changed.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/mm.h>
#include <mica/pt_rules.h>
#include <mica/guest_access.h>
#include <mica/errno.h>
#include <public/xen.h>
#include <asm/page.h>
#include <asm/traps.h>
#include <asm/mm_arch.h>
#include <asm/pte_write_emul.h>
#include <mica/guest_walk.h>

#define PFEC_PRESENT  0x01
#define PFEC_WRITE    0x02
#define PFEC_USER     0x04
#define PFEC_RESERVED 0x08
#define GUEST_KERNEL_RING 1

static unsigned int fetch_insn(uint32_t eip, uint8_t *buf)
{
    unsigned int n;

    if (!copy_from_guest(buf, eip, PTE_WRITE_MAX_INSN))
        return PTE_WRITE_MAX_INSN;
    for (n = 0; n < PTE_WRITE_MAX_INSN; n++)     /* near the end of a mapping */
        if (copy_from_guest(&buf[n], eip + n, 1))
            break;
    return n;
}

static void regs_in(const struct cpu_regs *r, struct pte_regs *p)
{
    p->gpr[PTE_EAX] = (uint32_t)r->rax;
    p->gpr[PTE_ECX] = (uint32_t)r->rcx;
    p->gpr[PTE_EDX] = (uint32_t)r->rdx;
    p->gpr[PTE_EBX] = (uint32_t)r->rbx;
    p->gpr[PTE_ESP] = (uint32_t)r->rsp;
    p->gpr[PTE_EBP] = (uint32_t)r->rbp;
    p->gpr[PTE_ESI] = (uint32_t)r->rsi;
    p->gpr[PTE_EDI] = (uint32_t)r->rdi;
    p->eflags = (uint32_t)r->rflags;
}

static void regs_out(struct cpu_regs *r, const struct pte_regs *p)
{
    r->rax = p->gpr[PTE_EAX];
    r->rcx = p->gpr[PTE_ECX];
    r->rdx = p->gpr[PTE_EDX];
    r->rbx = p->gpr[PTE_EBX];
    r->rbp = p->gpr[PTE_EBP];
    r->rsi = p->gpr[PTE_ESI];
    r->rdi = p->gpr[PTE_EDI];
    r->rflags = p->eflags;          /* only arithmetic flags were touched */
}

static bool emulate_pt_write(struct cpu_regs *r, uint32_t va, struct page_info *tpg)
{
    struct domain *d = current->domain;
    uint8_t insn[PTE_WRITE_MAX_INSN];
    unsigned int avail = fetch_insn((uint32_t)r->rip, insn);
    unsigned int idx = (va & (PAGE_SIZE - 1)) >> 3, shift = (va & 7) * 8;
    pte_t *tab = map_frame(page_to_mfn(tpg)), old = tab[idx], nl;
    struct pte_write w;
    struct pte_regs regs;
    uint64_t mem, val, mask;
    int rc;

    if (pte_write_decode(insn, avail, &w) || (va & (w.size - 1)))
        return false;
    mask = w.size == 8 ? ~0ULL : (1ULL << (8 * w.size)) - 1;
    regs_in(r, &regs);
    mem = (old >> shift) & mask;
    if (pte_write_apply(&w, mem, &val, &regs)) {
        nl = (old & ~(mask << shift)) | ((val & mask) << shift);
        rc = mod_l1_entry(tpg, idx, nl, d, false, true);
        if (rc == -ERESTART)
            return true;                        /* re-executed: continues */
        if (rc == -EINVAL && w.size == 4 && shift == 32 && w.op == PW_MOV &&
            (nl & _PAGE_PRESENT))
            rc = mod_l1_entry(tpg, idx, nl & ~_PAGE_PRESENT, d, false, true);
        if (rc)
            return false;
    }
    regs_out(r, &regs);
    r->rip = (uint32_t)(r->rip + w.len);
    return true;
}

bool mm_guest_page_fault(struct cpu_regs *r, unsigned long cr2)
{
    struct vcpu *v = current;
    struct page_info *tpg;
    struct guest_walk w;
    bool done;

    /* (Faults in the lazily mapped LDT area never get here: traps.c takes
     * every #PF above 4 GiB first.) */

    /* A kernel write refused by the L1 entry alone: present, read-only,
     * every level above it writable. */
    if (!(v->domain->vm_assist & (1UL << VMASST_TYPE_writable_pagetables)) ||
        regs_ring(r) != GUEST_KERNEL_RING ||
        (r->error_code & (PFEC_PRESENT | PFEC_WRITE | PFEC_USER | PFEC_RESERVED)) !=
            (PFEC_PRESENT | PFEC_WRITE) ||
        cr2 >= HYPERVISOR_VIRT_START || guest_walk(v, (uint32_t)cr2, GW_WRITE, &w) ||
        w.missing || w.refused != 1)
        return false;
    if (!mfn_valid(w.mfn))
        return false;                   /* I/O memory mapped read-only */
    tpg = mfn_to_page(w.mfn);
    if (tpg->owner != v->domain || get_page(tpg, v->domain))
        return false;
    if ((tpg->type_info & (PGT_type_mask | PGT_validated)) !=
            (PGT_l1_page_table | PGT_validated) ||
        (tpg->type_info & PGT_count_mask) == PGT_count_mask) {
        put_page(tpg);
        return false;
    }
    tpg->type_info++;                   /* keep it an L1 while we write */
    done = emulate_pt_write(r, (uint32_t)cr2, tpg);
    put_page_and_type(tpg);
    return done;
}
