/*
 * Building a domain from a 32-bit PV kernel image (the initial domain,
 * and the unprivileged ones started from boot modules).
 *
 * What the guest finds when it starts is fixed by the ABI (fact sheet
 * sections 4 and 17): its kernel loaded at the ELF addresses, the P2M list,
 * start_info, bootstrap page tables mapping the whole region (with the
 * page-table pages themselves read-only), a boot stack, the hypercall page
 * filled in, the M2P readable at 0xF5800000, and vCPU 0 in ring 1 at the
 * entry point with ESI = start_info.  This file does exactly that, in the
 * order: parse and check the image (libelf), compute the layout
 * (domain_layout.c), allocate the domain's frames, load, write the tables,
 * account every reference the tables create in the frame table, and set up
 * the vCPU.  Any failure is reported with a reason; nothing is half-built
 * into a running domain.
 *
 * Reference accounting is not done by hand: the builder writes the tables'
 * contents, then asks the page-type core (common/page_type.c) for the L3
 * as a table -- which validates the whole tree exactly as it would for a
 * guest, taking every reference the entries imply and filling the
 * hypervisor's slots of the slot-3 L2 -- then pins it and takes the vCPU's
 * CR3 reference.  So the first instruction of the guest runs on state the
 * auditor and every later hypercall agree with.
 */
#include <mica/types.h>
#include <mica/domain.h>
#include <mica/domain_build.h>
#include <mica/libelf.h>
#include <mica/mm.h>
#include <mica/lib.h>
#include <mica/printk.h>
#include <mica/errno.h>
#include <mica/cmdline.h>
#include <mica/event.h>
#include <public/xen.h>
#include <asm/page.h>
#include <asm/paging.h>
#include <asm/m2p.h>
#include <asm/regs.h>
#include <asm/vcpu.h>
#include <asm/domain_build.h>

struct build_ctx {
    struct domain *d;
    struct dom_layout l;
    unsigned long *p2m;        /* pfn -> mfn, hypervisor copy during build */
};

static void *pfn_va(struct build_ctx *c, unsigned long pfn)
{
    return mfn_to_virt(c->p2m[pfn]);
}

/* Hypervisor pointer to guest VA `va` inside the region (page-local!). */
static void *guest_va_ptr(struct build_ctx *c, uint64_t va)
{
    unsigned long pfn = (unsigned long)((va - c->l.virt_base) >> PAGE_SHIFT);
    return (uint8_t *)pfn_va(c, pfn) + (va & (PAGE_SIZE - 1));
}

static int write_guest(void *ctx, uint64_t va, const void *src, size_t len)
{
    struct build_ctx *c = ctx;
    if (va < c->l.virt_base || va + len > c->l.v_end || va + len < va)
        return -EINVAL;
    while (len) {
        size_t n = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (n > len)
            n = len;
        if (src) {
            memcpy(guest_va_ptr(c, va), src, n);
            src = (const uint8_t *)src + n;
        } else {
            memset(guest_va_ptr(c, va), 0, n);
        }
        va += n;
        len -= n;
    }
    return 0;
}

void fill_hypercall_page(uint8_t *p)
{
    memset(p, 0xcc, PAGE_SIZE);
    for (unsigned int i = 0; i < 128; i++) {
        uint8_t *s = p + i * 32;
        if (i == __HYPERVISOR_iret) {
            s[0] = 0x50;                        /* push %eax */
            s[1] = 0xb8;                        /* mov $23, %eax */
            s[2] = (uint8_t)i; s[3] = 0; s[4] = 0; s[5] = 0;
            s[6] = 0xcd; s[7] = 0x82;           /* int $0x82 */
        } else {
            s[0] = 0xb8;                        /* mov $i, %eax */
            s[1] = (uint8_t)i; s[2] = 0; s[3] = 0; s[4] = 0;
            s[5] = 0xcd; s[6] = 0x82;           /* int $0x82 */
            s[7] = 0xc3;                        /* ret */
        }
    }
}

/* Build the L3, L2s and L1s mapping [virt_base, v_end). */
static unsigned long build_page_tables(struct build_ctx *c)
{
    const struct dom_layout *l = &c->l;
    unsigned long next_pt = (unsigned long)((l->pt_start - l->virt_base) >> PAGE_SHIFT);
    unsigned long l3_pfn = next_pt++;
    uint64_t *l3 = pfn_va(c, l3_pfn);
    uint64_t *l2s[4] = { 0 };
    const uint64_t l2e_flags = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY;
    /* 32-on-64: L3 entries carry RW|USER|A|D, which long mode requires. */
    const uint64_t l3e_flags = l2e_flags;

    memset(l3, 0, PAGE_SIZE);
    for (unsigned int s = 0; s < 4; s++) {
        if (!dom_layout_l3_slot_used(l, s))
            continue;
        unsigned long pfn = next_pt++;
        l2s[s] = pfn_va(c, pfn);
        memset(l2s[s], 0, PAGE_SIZE);
        l3[s] = mk_pte(c->p2m[pfn], l3e_flags);
    }

    for (uint64_t va = ROUNDDOWN(l->virt_base, 2UL << 20); va < l->v_end; va += 2UL << 20) {
        unsigned long pfn = next_pt++;
        uint64_t *l1 = pfn_va(c, pfn);
        unsigned int s = (unsigned int)(va >> 30);
        memset(l1, 0, PAGE_SIZE);
        l2s[s][l2_index(va)] = mk_pte(c->p2m[pfn], l2e_flags);
        for (unsigned int i = 0; i < 512; i++) {
            uint64_t pva = va + ((uint64_t)i << PAGE_SHIFT);
            if (pva < l->virt_base || pva >= l->v_end)
                continue;
            unsigned long ppfn = (unsigned long)((pva - l->virt_base) >> PAGE_SHIFT);
            bool is_pt = pva >= l->pt_start && pva < l->pt_end;
            l1[i] = mk_pte(c->p2m[ppfn], _PAGE_PRESENT | _PAGE_ACCESSED |
                           (is_pt ? 0 : _PAGE_RW));
        }
    }
    if (next_pt - (unsigned long)((l->pt_start - l->virt_base) >> PAGE_SHIFT) != l->nr_pt_frames)
        panic("domain builder: page-table count mismatch");

    /*
     * Validate the tree (non-preemptibly: nothing runs yet), pin the L3
     * and take the reference the vCPU's CR3 holds.
     */
    unsigned long l3_mfn = c->p2m[l3_pfn];
    struct page_info *l3pg = mfn_to_page(l3_mfn);
    if (get_page_and_type(l3pg, c->d, PGT_l3_page_table))
        panic("domain builder: the initial page tables do not validate");
    l3pg->type_info |= PGT_pinned;
    if (get_page_and_type(l3pg, c->d, PGT_l3_page_table))
        panic("domain builder: cannot reference the initial L3");
    return l3_mfn;
}

int construct_domain(struct domain *d, const void *image, size_t image_len,
                     const void *initrd, size_t initrd_len,
                     const char *cmdline, unsigned long nr_pages)
{
    struct build_ctx c = { .d = d };
    struct elf_dom_parms parms;
    char err[160];
    int rc;

    rc = elf_parse(image, image_len, &parms, err, sizeof(err));
    if (rc) {
        pr_err("d%u: kernel image rejected: %s\n", d->domain_id, err);
        return rc;
    }
    pr_info("d%u: %s kernel \"%s\" %s, VIRT_BASE %#llx, entry %#llx, hypercall page %#llx%s%s%s\n",
            d->domain_id, parms.has_notes ? "ELF-note" : "legacy __xen_guest",
            parms.guest_os, parms.guest_ver, (unsigned long long)parms.virt_base,
            (unsigned long long)parms.virt_entry, (unsigned long long)parms.virt_hypercall,
            parms.bsd_symtab_start ? ", BSD symbol table" : "",
            parms.mod_start_pfn ? ", mod_start as PFN" : "",
            parms.suspend_cancel ? ", suspend cancel" : "");

    /*
     * The other notes a 32-bit kernel may carry: SUSPEND_CANCEL is for the
     * toolstack (a cancelled suspend returns 1 from SCHEDOP_shutdown), so
     * it is recorded on the domain; INIT_P2M places the P2M of 64-bit
     * guests only, and Xen ignores it for 32-bit ones, as we do; with
     * MOD_START_PFN the initrd is not mapped (below).
     */
    d->suspend_cancel = parms.suspend_cancel;
    if (parms.p2m_base != UNSET_ADDR)
        pr_info("d%u: INIT_P2M %#llx ignored (a 32-bit guest's P2M is in its region)\n",
                d->domain_id, (unsigned long long)parms.p2m_base);
    /*
     * A kernel that accepts mod_start as a PFN (MOD_START_PFN) gets its
     * initrd outside the bootstrap mapping, in the frames right after it:
     * a big initrd then costs no page tables and no virtual space.
     */
    bool initrd_unmapped = initrd && initrd_len && parms.mod_start_pfn;

    c.l.virt_base = parms.virt_base;
    c.l.kern_start = parms.virt_kstart;
    c.l.kern_end = parms.virt_kend;
    c.l.initrd_len = initrd && !initrd_unmapped ? initrd_len : 0;
    c.l.nr_pages = nr_pages;
    c.l.is_initdomain = d->domain_id == 0;
    rc = dom_layout_compute(&c.l, HYPERVISOR_VIRT_START, err, sizeof(err));
    if (rc) {
        pr_err("d%u: cannot lay out the domain: %s\n", d->domain_id, err);
        return rc;
    }

    /*
     * A kernel that declares PAE_MODE "yes" (or "bimodal") understands the
     * extended-CR3 format, so, as Xen's builder does, enable that assist for
     * it: its L3 may then live above 4 GiB (XENFEAT_pae_pgdir_above_4gb).
     */
    if (parms.pae == PAEMODE_EXTENDED_CR3 || parms.pae == PAEMODE_BIMODAL)
        d->vm_assist |= 1UL << VMASST_TYPE_pae_extended_cr3;

    /* Memory. */
    d->max_pages = nr_pages;
    c.p2m = xzalloc_bytes(nr_pages * sizeof(unsigned long));
    if (!c.p2m)
        return -ENOMEM;
    /* From here on, a failure leaves frames owned by d: the caller destroys d. */
    for (unsigned long pfn = 0; pfn < nr_pages; pfn++) {
        struct page_info *pg = mm_alloc_domain_frame(d);     /* zeroed */
        if (!pg) {
            pr_err("d%u: out of memory after %lu of %lu pages\n", d->domain_id, pfn, nr_pages);
            return -ENOMEM;
        }
        c.p2m[pfn] = page_to_mfn(pg);
        m2p_set(c.p2m[pfn], (uint32_t)pfn);
    }

    /* Contents. */
    rc = elf_load(image, image_len, &parms, write_guest, &c);
    if (rc) {
        pr_err("d%u: loading the kernel failed (%d)\n", d->domain_id, rc);
        return rc;
    }
    if (c.l.initrd_len)
        write_guest(&c, c.l.initrd_start, initrd, initrd_len);
    unsigned long initrd_pfn = (unsigned long)((c.l.v_end - c.l.virt_base) >> PAGE_SHIFT);
    if (initrd_unmapped) {
        unsigned long pages = (initrd_len + PAGE_SIZE - 1) >> PAGE_SHIFT;
        if (initrd_pfn + pages > nr_pages) {
            pr_err("d%u: no room for the %zu-byte initrd after the bootstrap region\n",
                   d->domain_id, initrd_len);
            xfree_bytes(c.p2m, nr_pages * sizeof(unsigned long));
            return -ENOMEM;
        }
        for (unsigned long i = 0; i < pages; i++) {
            size_t n = MIN(initrd_len - i * PAGE_SIZE, (size_t)PAGE_SIZE);
            memcpy(pfn_va(&c, initrd_pfn + i), (const uint8_t *)initrd + i * PAGE_SIZE, n);
        }
    }
    for (unsigned long pfn = 0; pfn < nr_pages; pfn++) {
        uint32_t mfn32 = (uint32_t)c.p2m[pfn];
        write_guest(&c, c.l.p2m_start + pfn * 4, &mfn32, 4);
    }
    if (parms.virt_hypercall != UNSET_ADDR)
        fill_hypercall_page(guest_va_ptr(&c, parms.virt_hypercall));

    unsigned long l3_mfn = build_page_tables(&c);

    /* start_info. */
    start_info_t *si = guest_va_ptr(&c, c.l.start_info);
    memset(si, 0, PAGE_SIZE);
    strlcpy(si->magic, "xen-3.0-x86_32p", sizeof(si->magic));
    si->nr_pages = (uint32_t)nr_pages;
    si->shared_info = (uint32_t)((uint64_t)d->shared_info_mfn << PAGE_SHIFT);
    si->flags = d->is_privileged ? (SIF_PRIVILEGED | SIF_INITDOMAIN) : 0;
    si->pt_base = (uint32_t)c.l.pt_start;
    si->nr_pt_frames = c.l.nr_pt_frames;
    si->mfn_list = (uint32_t)c.l.p2m_start;
    si->mod_start = c.l.initrd_len ? (uint32_t)c.l.initrd_start : 0;
    si->mod_len = (uint32_t)c.l.initrd_len;
    if (initrd_unmapped) {
        si->mod_start = (uint32_t)initrd_pfn;
        si->mod_len = (uint32_t)initrd_len;
        si->flags |= SIF_MOD_START_PFN;
    }
    strlcpy((char *)si->cmd_line, cmdline ? cmdline : "", MAX_GUEST_CMDLINE);
    if (!c.l.is_initdomain) {
        /*
         * An unprivileged domain's xenstore and console rings (zeroed
         * pages of its region) and their ports, unbound and offered to
         * domain 0, which will serve them once it has backends.
         */
        long store_port = evtchn_alloc_unbound_port(d, 0);
        long console_port = evtchn_alloc_unbound_port(d, 0);
        if (store_port < 0 || console_port < 0)
            return -ENOSPC;
        si->store_mfn = (uint32_t)c.p2m[(c.l.xenstore - c.l.virt_base) >> PAGE_SHIFT];
        si->store_evtchn = (uint32_t)store_port;
        si->console.domU.mfn = (uint32_t)c.p2m[(c.l.console - c.l.virt_base) >> PAGE_SHIFT];
        si->console.domU.evtchn = (uint32_t)console_port;
    }

    /* vCPU 0. */
    struct vcpu *v = d->vcpu[0];
    if (vcpu_pagetable_init(v))
        return -ENOMEM;
    vcpu_set_guest_l3(v, l3_mfn);
    v->ds = v->es = v->fs = v->gs = FLAT_RING1_DS;
    v->fpu_ts = true;                                /* CR0.TS set, as Xen does */
    struct cpu_regs *f = &v->user_regs;
    memset(f, 0, sizeof(*f));
    f->rip = parms.virt_entry;
    f->cs = FLAT_RING1_CS;
    f->rflags = 0x202;                               /* IF, reserved bit 1 */
    f->rsp = c.l.stack_end;
    f->ss = FLAT_RING1_SS;
    f->rsi = c.l.start_info;

    pr_info("d%u: %lu pages; region %#llx-%#llx: kernel %#llx-%#llx, initrd %#llx+%#llx, "
            "P2M %#llx, start_info %#llx, %u page tables at %#llx, stack %#llx\n",
            d->domain_id, nr_pages, (unsigned long long)c.l.virt_base,
            (unsigned long long)c.l.v_end, (unsigned long long)c.l.kern_start,
            (unsigned long long)c.l.kern_end, (unsigned long long)c.l.initrd_start,
            (unsigned long long)c.l.initrd_len, (unsigned long long)c.l.p2m_start,
            (unsigned long long)c.l.start_info, c.l.nr_pt_frames,
            (unsigned long long)c.l.pt_start, (unsigned long long)c.l.stack_start);

    xfree_bytes(c.p2m, nr_pages * sizeof(unsigned long));
    d->state = DOMSTATE_RUNNING;
    return 0;
}
