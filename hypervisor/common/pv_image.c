/*
 * Writing a new PV domain's bootstrap region: P2M list, page tables,
 * start_info, the hypercall page, vCPU 0's first context.
 *
 * Shared, as source, by the hypervisor's boot-time builder and the
 * toolstack's builder library in the privileged domain (mica/pv_image.h
 * says why).  Each page is reached through img->map(pfn): the direct map
 * in the hypervisor, a foreign mapping in the toolstack.  Nothing here
 * trusts that the region is consistent beyond the layout it was given:
 * every VA is checked against [virt_base, v_end), every PFN against
 * nr_pages, and a page that cannot be mapped fails the write.
 *
 * The page tables are the ABI's (fact sheet 4.2): one L3, an L2 for every
 * GiB slot the region touches plus slot 3 (the hypervisor's M2P lives
 * there), an L1 per 2 MiB, mapping PFN n at virt_base + n*4096.  Every
 * entry is present, accessed and -- except the page-table pages
 * themselves, which must be read-only to be pinned -- writable.  L3
 * entries carry RW|USER|A|D, which long mode requires of them.
 */
#include <mica/pv_image.h>
#include <mica/lib.h>
#include <mica/errno.h>
#include <public/mica.h>

#define PTE_P   0x001ULL
#define PTE_RW  0x002ULL
#define PTE_US  0x004ULL
#define PTE_A   0x020ULL
#define PTE_D   0x040ULL
#define CR0_TS  0x008u                  /* X86_CR0_TS */
#define EFLAGS_IF 0x200u
#define EFLAGS_RSVD 0x002u
#define GIB     (1ULL << 30)
#define L1_SPAN (2ULL << 20)            /* what one L1 maps */

static uint64_t mk_pte(xen_pfn_t mfn, uint64_t flags)
{
    return ((uint64_t)mfn << PAGE_SHIFT) | flags;
}

static void *map_pfn(const struct pv_image *img, unsigned long pfn)
{
    if (pfn >= img->l->nr_pages)
        return NULL;
    return img->map(img->ctx, pfn);
}

int pv_image_write(void *arg, uint64_t va, const void *src, size_t len)
{
    const struct pv_image *img = arg;
    const struct dom_layout *l = img->l;

    if (va < l->virt_base || va + len > l->v_end || va + len < va)
        return -EINVAL;
    while (len) {
        size_t off = (size_t)(va & (PAGE_SIZE - 1)), n = PAGE_SIZE - off;
        uint8_t *page = map_pfn(img, pv_image_pfn(l, va));

        if (!page)
            return -EFAULT;
        if (n > len)
            n = len;
        if (src) {
            memcpy(page + off, src, n);
            src = (const uint8_t *)src + n;
        } else {
            memset(page + off, 0, n);
        }
        va += n;
        len -= n;
    }
    return 0;
}

int pv_image_write_p2m(const struct pv_image *img)
{
    const struct dom_layout *l = img->l;
    /* Whole pages at a time: the list is nr_pages 4-byte entries. */
    for (unsigned long pfn = 0; pfn < l->nr_pages; pfn += PAGE_SIZE / 4) {
        unsigned long n = MIN(l->nr_pages - pfn, PAGE_SIZE / 4);
        int rc = pv_image_write((void *)img, l->p2m_start + pfn * 4, &img->p2m[pfn], n * 4);
        if (rc)
            return rc;
    }
    return 0;
}

unsigned long pv_image_write_page_tables(const struct pv_image *img)
{
    const struct dom_layout *l = img->l;
    const uint64_t l2e = PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D, l3e = l2e;
    unsigned long next = pv_image_pfn(l, l->pt_start), l3_pfn = next++;
    unsigned long l2_pfn[4] = { 0 };
    uint64_t *l3 = map_pfn(img, l3_pfn);

    if (!l3)
        return 0;
    memset(l3, 0, PAGE_SIZE);
    for (unsigned int s = 0; s < 4; s++) {
        uint64_t *l2;
        if (!dom_layout_l3_slot_used(l, s))
            continue;
        l2_pfn[s] = next++;
        if (!(l2 = map_pfn(img, l2_pfn[s])))
            return 0;
        memset(l2, 0, PAGE_SIZE);
        l3[s] = mk_pte(img->p2m[l2_pfn[s]], l3e);
    }
    for (uint64_t va = ROUNDDOWN(l->virt_base, L1_SPAN); va < l->v_end; va += L1_SPAN) {
        unsigned long pfn = next++;
        unsigned int s = (unsigned int)(va / GIB);
        uint64_t *l1 = map_pfn(img, pfn), *l2 = map_pfn(img, l2_pfn[s]);

        if (!l1 || !l2 || !l2_pfn[s])
            return 0;
        memset(l1, 0, PAGE_SIZE);
        l2[(va >> 21) & 511] = mk_pte(img->p2m[pfn], l2e);
        for (unsigned int i = 0; i < 512; i++) {
            uint64_t pva = va + ((uint64_t)i << PAGE_SHIFT);
            bool is_pt = pva >= l->pt_start && pva < l->pt_end;
            if (pva < l->virt_base || pva >= l->v_end)
                continue;
            l1[i] = mk_pte(img->p2m[pv_image_pfn(l, pva)],
                           PTE_P | PTE_A | (is_pt ? 0 : PTE_RW));
        }
    }
    /* domain_layout.c counted the same tables; anything else is a bug. */
    if (next - pv_image_pfn(l, l->pt_start) != l->nr_pt_frames)
        return 0;
    return img->p2m[l3_pfn];
}

int pv_image_write_start_info(const struct pv_image *img, const struct pv_start *s)
{
    const struct dom_layout *l = img->l;
    start_info_t *si = map_pfn(img, pv_image_pfn(l, l->start_info));

    if (!si)
        return -EFAULT;
    memset(si, 0, PAGE_SIZE);
    strlcpy(si->magic, MICA_GUEST_ABI, sizeof(si->magic));
    si->nr_pages = s->nr_pages;
    si->shared_info = s->shared_info_mfn << PAGE_SHIFT;
    si->flags = s->flags;
    si->pt_base = (uint32_t)l->pt_start;
    si->nr_pt_frames = l->nr_pt_frames;
    si->mfn_list = (uint32_t)l->p2m_start;
    si->mod_start = l->initrd_len ? (uint32_t)l->initrd_start : 0;
    si->mod_len = (uint32_t)l->initrd_len;
    si->store_mfn = s->store_mfn;
    si->store_evtchn = s->store_evtchn;
    si->console.domU.mfn = s->console_mfn;
    si->console.domU.evtchn = s->console_evtchn;
    strlcpy((char *)si->cmd_line, s->cmdline ? s->cmdline : "", MAX_GUEST_CMDLINE);
    return 0;
}

void pv_hypercall_page(uint8_t page[PAGE_SIZE])
{
    memset(page, 0xcc, PAGE_SIZE);                  /* int3 between the stubs */
    for (unsigned int i = 0; i < MICA_HYPERCALL_SLOTS; i++) {
        uint8_t *s = page + i * MICA_HYPERCALL_SLOT_SIZE;
        unsigned int k = 0;
        if (i == __HYPERVISOR_iret)
            s[k++] = 0x50;                          /* push %eax */
        s[k++] = 0xb8;                              /* mov $i, %eax */
        s[k++] = (uint8_t)i;
        s[k++] = 0;
        s[k++] = 0;
        s[k++] = 0;
        s[k++] = 0xcd;                              /* int $0x82 */
        s[k++] = MICA_HYPERCALL_VECTOR;
        if (i != __HYPERVISOR_iret)
            s[k++] = 0xc3;                          /* ret (iret: jumped to) */
    }
}

void pv_initial_context(vcpu_guest_context_t *c, const struct dom_layout *l,
                        uint64_t entry, unsigned long l3_mfn, unsigned long vm_assist)
{
    memset(c, 0, sizeof(*c));
    c->flags = VGCF_in_kernel | VGCF_online;
    c->user_regs.cs = FLAT_KERNEL_CS;
    c->user_regs.ss = FLAT_KERNEL_SS;
    c->user_regs.ds = c->user_regs.es = FLAT_KERNEL_DS;
    c->user_regs.fs = c->user_regs.gs = FLAT_KERNEL_DS;
    c->user_regs.eip = (uint32_t)entry;
    c->user_regs.esp = (uint32_t)l->stack_end;
    c->user_regs.esi = (uint32_t)l->start_info;
    c->user_regs.eflags = EFLAGS_IF | EFLAGS_RSVD;
    c->kernel_ss = FLAT_KERNEL_SS;
    c->kernel_sp = (uint32_t)l->stack_end;
    c->ctrlreg[0] = CR0_TS;
    c->ctrlreg[3] = xen_pfn_to_cr3(l3_mfn);
    c->vm_assist = (xen_ulong_t)vm_assist;
}
