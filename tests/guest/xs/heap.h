/* tests/guest/xs/heap.c: a heap for test guests (malloc & co). */
#ifndef XS_GUEST_HEAP_H
#define XS_GUEST_HEAP_H
#include <stddef.h>
#include <stdint.h>

struct heap_stats {
    size_t used, free;                  /* bytes in blocks, headers included */
    uint32_t allocs, frees, failures;
};

void heap_init(void *base, size_t size);
void heap_get_stats(struct heap_stats *s);
/* Walk every block: 0, or < 0 if a tag or the totals are wrong. */
int heap_check(void);
#endif
