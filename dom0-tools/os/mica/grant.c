/*
 * The OS interface on Mica's Dom0 kernel: grants and whole pages
 * (os_grant.h) over kernel/gnttab.c and the frame allocator.
 */
#include "os_grant.h"
#include "../../kernel/gnttab.h"
#include "../../kernel/mm.h"
#include <errno.h>

int os_gnt_map(uint16_t dom, uint32_t ref, bool writable, void **addr)
{
    return gnttab_map(dom, ref, writable, addr);
}

int os_gnt_unmap(void *addr)
{
    return gnttab_unmap(addr);
}

/*
 * Grant copies go to the hypervisor in batches of COPY_BATCH entries.  A
 * Dom0 buffer that crosses a page boundary becomes one entry per piece
 * (Dom0's pages are not machine-contiguous): the granted side moves on by
 * the same amount, so an operation is never more than two entries.
 */
#define COPY_BATCH 32

static int flush_copies(gnttab_copy_t *batch, struct os_gnt_copy **owner, unsigned int k)
{
    long rc = gnttab_copy(batch, k);
    int failed = 0;

    for (unsigned int i = 0; i < k; i++) {
        int st = rc ? (int)rc : gnttab_errno(batch[i].status);
        if (st && !owner[i]->status) {
            owner[i]->status = st;
            failed++;
        }
    }
    return failed;
}

int os_gnt_copy(struct os_gnt_copy *ops, unsigned int n)
{
    gnttab_copy_t batch[COPY_BATCH];
    struct os_gnt_copy *owner[COPY_BATCH];
    unsigned int k = 0;
    int failed = 0;

    for (unsigned int i = 0; i < n; i++) {
        struct os_gnt_copy *o = &ops[i];
        uint32_t va = (uint32_t)(uintptr_t)o->buf, done = 0;

        o->status = 0;
        if (!o->len)
            continue;
        if ((uint32_t)o->offset + o->len > PAGE_SIZE) {
            o->status = -EINVAL;
            failed++;
            continue;
        }
        if (va < VIRT_BASE || ((va + o->len - 1 - VIRT_BASE) >> PAGE_SHIFT) >= mm_nr_direct ||
            va + o->len < va) {
            o->status = -EFAULT;
            failed++;
            continue;
        }
        while (done < o->len) {
            uint32_t here = va + done, piece = PAGE_SIZE - (here & ~PAGE_MASK);
            struct gnttab_copy_ptr local = { .u.gmfn = virt_to_mfn((void *)(uintptr_t)here),
                                             .domid = DOMID_SELF,
                                             .offset = (uint16_t)(here & ~PAGE_MASK) };
            struct gnttab_copy_ptr remote = { .u.ref = o->ref, .domid = o->dom,
                                              .offset = (uint16_t)(o->offset + done) };

            if (piece > o->len - done)
                piece = o->len - done;
            if (k == COPY_BATCH) {
                failed += flush_copies(batch, owner, k);
                k = 0;
            }
            batch[k] = (gnttab_copy_t){
                .source = o->to_grant ? local : remote,
                .dest = o->to_grant ? remote : local,
                .len = (uint16_t)piece,
                .flags = o->to_grant ? GNTCOPY_dest_gref : GNTCOPY_source_gref,
            };
            owner[k++] = o;
            done += piece;
        }
    }
    return failed + flush_copies(batch, owner, k);
}

int os_gnt_grant(uint16_t to, void *page, bool readonly)
{
    return gnttab_grant(to, page, readonly);
}

int os_gnt_revoke(uint32_t ref)
{
    return gnttab_revoke(ref);
}

void *os_page_alloc(void)
{
    long pfn = frame_alloc(1);

    return pfn < 0 ? NULL : pfn_to_virt((uint32_t)pfn);
}

void os_page_free(void *page)
{
    if (page)
        frame_free(virt_to_pfn(page), 1);
}
