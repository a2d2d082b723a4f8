/*
 * Page-table walking over the bootstrap mapping (see mm.h).
 *
 * Every table is read through VA = VIRT_BASE + (M2P[mfn] << 12), which is
 * only valid for frames of the bootstrap region; a frame whose PFN is not
 * below nr_pages is reported (-1) rather than touched, so a broken table
 * makes the walk fail instead of faulting the test.
 */
#include <test.h>

static bool finding_end;    /* mapped_end() is walking the bootstrap tables */

void *mfn_to_virt(uint32_t mfn)
{
    uint32_t pfn;

    if (mfn >= M2P_ENTRIES)
        return NULL;
    pfn = m2p(mfn);
    if (pfn >= start_info->nr_pages)
        return NULL;
    /* Frames past the bootstrap region are not mapped there.  (While the
     * end is being found, only bootstrap tables, all inside, are read.) */
    if (!finding_end && VIRT_BASE + (pfn << 12) >= mapped_end())
        return NULL;
    return pfn_to_virt(pfn);
}

static const volatile uint64_t *table_va(uint64_t entry)
{
    return mfn_to_virt(PTE_MFN(entry));
}

int pt_walk(uint32_t va, uint64_t e[3])
{
    const volatile uint64_t *l3 = (const volatile uint64_t *)start_info->pt_base;
    const volatile uint64_t *l2, *l1;

    e[0] = e[1] = e[2] = 0;
    e[0] = l3[va >> 30];
    if (!(e[0] & _PAGE_PRESENT))
        return 3;
    if (!(l2 = table_va(e[0])))
        return -1;
    e[1] = l2[(va >> 21) & 511];
    if (!(e[1] & _PAGE_PRESENT))
        return 2;
    if (e[1] & _PAGE_PSE)
        return 4;
    if (!(l1 = table_va(e[1])))
        return -1;
    e[2] = l1[(va >> 12) & 511];
    return (e[2] & _PAGE_PRESENT) ? 0 : 1;
}

uint32_t mapped_end(void)
{
    static uint32_t end;

    if (!end) {
        uint32_t e = VIRT_BASE;
        finding_end = true;
        while (e < HYPERVISOR_VIRT_START && va_mapped(e))
            e += PAGE_SIZE;
        finding_end = false;
        end = e;
    }
    return end;
}

unsigned int bad_buffers(uint32_t size, struct bad_buf out[BAD_BUF_MAX])
{
    uint32_t end = mapped_end();
    unsigned int i, n = 0;

    out[n++] = (struct bad_buf){ 0, "NULL" };
    out[n++] = (struct bad_buf){ HYPERVISOR_VIRT_START, "the hole start" };
    out[n++] = (struct bad_buf){ 0xfffff000u, "the top page" };
    out[n++] = (struct bad_buf){ 0x10000000u, "unmapped 0x10000000" };
    out[n++] = (struct bad_buf){ end - size / 2, "straddling the mapping end" };

    for (i = 0; i < n - 1; i++) /* all but the straddling one */
        if (out[i].va < HYPERVISOR_VIRT_START && va_mapped(out[i].va))
            test_error("bad buffer 0x%x (%s) is mapped", out[i].va,
                   out[i].what);
    if (out[3].va >= VIRT_BASE)
        test_error("0x%x is inside the bootstrap region", out[3].va);
    if (!va_mapped(end - PAGE_SIZE) || va_mapped(end))
        test_error("cannot find the end of the bootstrap mapping");
    return n;
}
