#ifndef ASM_PAGING_H
#define ASM_PAGING_H

#include <mica/types.h>

struct vcpu;

extern uint64_t *idle_pg_table;

void paging_init(uint64_t direct_map_bytes);
void map_pages(uint64_t *pml4, uint64_t va, paddr_t pa, uint64_t size,
               uint64_t flags, bool large);
/* Pages 0-15 of the GDT area are the GDT, 16-31 the lazily mapped LDT. */
void gdt_area_map(unsigned int page, unsigned long mfn, bool writable);
void gdt_area_unmap(unsigned int page);
void vcpu_set_guest_l3(struct vcpu *v, unsigned long l3_mfn);
void vcpu_load_pagetable(struct vcpu *v);
/* Uncached mapping of one device page in fixmap slot idx (FIXMAP_*). */
void *fixmap_map(unsigned int idx, paddr_t pa);

#endif
