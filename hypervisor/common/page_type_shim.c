/*
 * TEMPORARY page reference and page-type functions for the trap branch.
 * REPLACED AT MERGE by the memory issue's implementation (its page-type
 * core): delete this file and mica/page_type_shim.h then.
 *
 * It does the minimum the trap code's tests need, correctly: ownership
 * checks, general and type counts, and type changes only at a type count
 * of zero -- so a frame the domain builder mapped writable (every
 * bootstrap page holds a PGT_writable_page reference) cannot become a
 * descriptor page until the guest drops its writable mappings.  It does
 * not validate page tables (nothing in this branch asks it to) and never
 * frees a frame whose last reference goes (no such path exists here).
 */
#include <mica/types.h>
#include <mica/mm.h>
#include <mica/domain.h>
#include <mica/page_type_shim.h>

bool get_page(struct page_info *pg, struct domain *d)
{
    if (!pg || pg->owner != d || !(pg->count_info & PGC_allocated) ||
        (pg->count_info & PGC_free) ||
        (pg->count_info & PGC_count_mask) >= PGC_count_mask - 1)
        return false;
    pg->count_info++;
    return true;
}

void put_page(struct page_info *pg)
{
    if ((pg->count_info & PGC_count_mask) > 1)
        pg->count_info--;
}

bool get_page_type(struct page_info *pg, uint32_t type)
{
    uint32_t t = pg->type_info;

    if ((t & PGT_count_mask) == 0) {
        if ((t & PGT_type_mask) != type)
            t = type;                       /* a new type, flags cleared */
    } else if ((t & PGT_type_mask) != type) {
        return false;
    }
    if ((t & PGT_count_mask) == PGT_count_mask)
        return false;
    pg->type_info = t + 1;
    return true;
}

void put_page_type(struct page_info *pg)
{
    if (pg->type_info & PGT_count_mask)
        pg->type_info--;
}

bool get_page_and_type(struct page_info *pg, struct domain *d, uint32_t type)
{
    if (!get_page(pg, d))
        return false;
    if (!get_page_type(pg, type)) {
        put_page(pg);
        return false;
    }
    return true;
}

void put_page_and_type(struct page_info *pg)
{
    put_page_type(pg);
    put_page(pg);
}
