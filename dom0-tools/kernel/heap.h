/*
 * Heap statistics (heap.c); malloc() and friends are declared in <stdlib.h>.
 */
#ifndef DOM0_HEAP_H
#define DOM0_HEAP_H

#include <stddef.h>
#include <stdint.h>

struct heap_stats {
    size_t bytes;       /* allocated, rounded up to class or page size */
    uint32_t objects;   /* live allocations */
    uint32_t pages;     /* frames the heap holds */
};
void heap_stats(struct heap_stats *st);

#endif
