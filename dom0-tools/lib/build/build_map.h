/*
 * The builder's view of the new domain's memory: a small cache of foreign
 * mappings (build_map.c).
 *
 * The shared image writer (common/pv_image.c) asks for one page at a time
 * by PFN; mapping each page on its own would cost a hypercall per page,
 * mapping the whole domain would exhaust the privileged domain's address
 * space for a big one.  So the cache maps aligned chunks of
 * BUILD_MAP_CHUNK pages, keeps BUILD_MAP_SLOTS of them and evicts the
 * least recently used: the writer's accesses are sequential (kernel,
 * initrd, P2M) or confined to a few pages (start_info, page tables).  The
 * cost of a mapping is per page (a PTE written and checked, then cleared),
 * so chunks are small enough that little is mapped without being written:
 * a small kernel's whole region is one or two chunks.
 *
 * Every mapping is writable; build_map_flush() must remove them all before
 * the new domain's page tables are pinned (a frame mapped writable cannot
 * become a page table) and before the builder returns.
 */
#ifndef DOM0_LIB_BUILD_MAP_H
#define DOM0_LIB_BUILD_MAP_H

#include <stdint.h>
#include <public/xen.h>

#define BUILD_MAP_CHUNK 32u             /* pages per mapping: 128 KiB */
#define BUILD_MAP_SLOTS 8u

struct build_map {
    uint16_t domid;
    const xen_pfn_t *p2m;
    unsigned long nr_pages;
    struct {
        uint8_t *va;                    /* NULL: slot unused */
        unsigned long first;            /* first PFN */
        unsigned int n;
        unsigned long used;             /* LRU clock */
    } slot[BUILD_MAP_SLOTS];
    unsigned long clock;
    int error;                          /* the first mapping failure (-errno) */
    unsigned int maps;                  /* foreign mappings made (statistics) */
};

void build_map_init(struct build_map *m, uint16_t domid, const xen_pfn_t *p2m,
                    unsigned long nr_pages);
/* The page of pfn, writable; NULL (and m->error set) if it cannot be
 * mapped.  The pv_image `map` callback. */
void *build_map_pfn(void *m, unsigned long pfn);
/* Remove every mapping. */
void build_map_flush(struct build_map *m);

#endif
