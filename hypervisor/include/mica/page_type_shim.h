/*
 * Page references and page types -- TEMPORARY declarations for the trap
 * branch, REPLACED AT MERGE by the memory issue's implementation (its
 * declarations live in mica/mm.h; delete this header and
 * common/page_type_shim.c then).
 *
 * The contract the trap code relies on (Xen's names and meaning):
 *   get_page(pg, d)        +1 general reference if pg is an allocated
 *                          frame owned by d; false otherwise.
 *   get_page_type(pg, t)   +1 type reference: the frame is (or becomes,
 *                          when its type count is 0) of type t; false if it
 *                          currently has another type with references --
 *                          in particular PGT_seg_desc_page fails while the
 *                          frame is mapped writable anywhere.
 *   put_page_type / put_page drop what the gets took; the _and_type
 *   variants do both.
 * Descriptor validation of PGT_seg_desc_page frames is done by the trap
 * code itself (arch/x86/gdt_ldt.c) each time it maps one.
 */
#ifndef MICA_PAGE_TYPE_SHIM_H
#define MICA_PAGE_TYPE_SHIM_H

#include <mica/types.h>
#include <mica/mm.h>

struct domain;

bool get_page(struct page_info *pg, struct domain *d);
void put_page(struct page_info *pg);
bool get_page_type(struct page_info *pg, uint32_t type);
void put_page_type(struct page_info *pg);
bool get_page_and_type(struct page_info *pg, struct domain *d, uint32_t type);
void put_page_and_type(struct page_info *pg);

#endif
