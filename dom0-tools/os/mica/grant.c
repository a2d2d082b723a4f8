/*
 * The OS interface on Mica's Dom0 kernel: grants and whole pages
 * (os_grant.h) over kernel/gnttab.c and the frame allocator.
 */
#include "os_grant.h"
#include "../../kernel/gnttab.h"
#include "../../kernel/mm.h"

int os_gnt_map(uint16_t dom, uint32_t ref, bool writable, void **addr)
{
    return gnttab_map(dom, ref, writable, addr);
}

int os_gnt_unmap(void *addr)
{
    return gnttab_unmap(addr);
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
