/*
 * malloc() for Dom0: slabs for small objects, page runs for large ones.
 *
 * Every heap page (or run of pages) starts with a 32-byte header, so
 * free() finds the header from the pointer alone (round down to the page;
 * a large block's pointer is always in its first page):
 *
 *   slab page:  [hdr: magic, class, inuse, free list, partial links][obj][obj]...
 *   large run:  [hdr: magic, npages][payload .................................]
 *
 * Classes are 16 ... 1024 bytes (powers of two); a page of class c holds
 * (4096 - 32) / c objects.  Pages with a free object sit on their class's
 * partial list; a page whose last object is freed goes back to the frame
 * allocator unless it is the only partial page of its class (so an
 * alloc/free pair at the boundary does not cost two frame operations).
 * Requests above 1024 bytes take whole frames.  Freeing everything returns
 * the heap to where it was, which the 100-cycle create/destroy test checks
 * through heap_stats().
 *
 * A pointer that is not the heap's, or a double free of a large block,
 * is a kernel bug: panic with the address rather than corrupt memory.
 */
#include "mm.h"
#include "heap.h"
#include <stdlib.h>

#define HDR_SIZE        32u
#define MAGIC_SLAB      0x51ab51abu
#define MAGIC_LARGE     0x1a46e000u
#define MIN_SHIFT       4
#define NR_CLASSES      7                       /* 16 .. 1024 */
#define MAX_SMALL       (1u << (MIN_SHIFT + NR_CLASSES - 1))

struct page_hdr {
    uint32_t magic;
    uint16_t cls;
    uint16_t inuse;
    uint32_t npages;
    void *free;
    struct page_hdr *next, *prev;
    uint32_t pad[2];
};
_Static_assert(sizeof(struct page_hdr) == HDR_SIZE, "heap header size");

static struct page_hdr *partial[NR_CLASSES];
static struct heap_stats stats;

static uint32_t class_size(unsigned int c) { return 1u << (MIN_SHIFT + c); }

static unsigned int class_of(size_t size)
{
    unsigned int c = 0;

    while (class_size(c) < size)
        c++;
    return c;
}

static void list_add(struct page_hdr *p)
{
    p->prev = NULL;
    p->next = partial[p->cls];
    if (p->next)
        p->next->prev = p;
    partial[p->cls] = p;
}

static void list_del(struct page_hdr *p)
{
    if (p->prev)
        p->prev->next = p->next;
    else
        partial[p->cls] = p->next;
    if (p->next)
        p->next->prev = p->prev;
    p->next = p->prev = NULL;
}

static struct page_hdr *new_slab(unsigned int c)
{
    long pfn = frame_alloc(1);
    struct page_hdr *p;
    uint32_t size = class_size(c);

    if (pfn < 0)
        return NULL;
    p = pfn_to_virt((uint32_t)pfn);
    p->magic = MAGIC_SLAB;
    p->cls = (uint16_t)c;
    p->npages = 1;
    /* Thread the free list through the objects, lowest address first. */
    char *obj = (char *)p + HDR_SIZE;
    char *end = (char *)p + PAGE_SIZE;
    void **link = &p->free;
    for (; obj + size <= end; obj += size) {
        *link = obj;
        link = (void **)obj;
    }
    *link = NULL;
    stats.pages++;
    list_add(p);
    return p;
}

static void *alloc_small(size_t size)
{
    unsigned int c = class_of(size);
    struct page_hdr *p = partial[c];
    void *obj;

    if (!p && !(p = new_slab(c)))
        return NULL;
    obj = p->free;
    p->free = *(void **)obj;
    p->inuse++;
    if (!p->free)
        list_del(p);
    stats.bytes += class_size(c);
    stats.objects++;
    return obj;
}

static void *alloc_large(size_t size)
{
    uint32_t n = (uint32_t)((size + HDR_SIZE + PAGE_SIZE - 1) / PAGE_SIZE);
    long pfn = frame_alloc(n);
    struct page_hdr *p;

    if (pfn < 0)
        return NULL;
    p = pfn_to_virt((uint32_t)pfn);
    p->magic = MAGIC_LARGE;
    p->npages = n;
    stats.pages += n;
    stats.bytes += (size_t)n * PAGE_SIZE;
    stats.objects++;
    return (char *)p + HDR_SIZE;
}

static struct page_hdr *header_of(void *ptr)
{
    uint32_t v = (uint32_t)(uintptr_t)ptr;
    struct page_hdr *p = (struct page_hdr *)(uintptr_t)(v & PAGE_MASK);

    if (v < VIRT_BASE || virt_to_pfn(ptr) >= mm_nr_direct ||
        (p->magic != MAGIC_SLAB && p->magic != MAGIC_LARGE) ||
        (v & PAGE_MASK) + HDR_SIZE > v)
        panic("free/realloc of a pointer the heap never returned: %p", ptr);
    return p;
}

void *malloc(size_t size)
{
    if (size == 0)
        size = 1;
    if (size > 256u << 20)
        return NULL;
    return size <= MAX_SMALL ? alloc_small(size) : alloc_large(size);
}

void free(void *ptr)
{
    struct page_hdr *p;

    if (!ptr)
        return;
    p = header_of(ptr);
    stats.objects--;
    if (p->magic == MAGIC_LARGE) {
        if ((char *)ptr != (char *)p + HDR_SIZE)
            panic("free of %p inside a large block", ptr);
        p->magic = 0;
        stats.pages -= p->npages;
        stats.bytes -= (size_t)p->npages * PAGE_SIZE;
        frame_free(virt_to_pfn(p), p->npages);
        return;
    }
    uint32_t size = class_size(p->cls);
    if (((uint32_t)(uintptr_t)ptr - (uint32_t)(uintptr_t)p - HDR_SIZE) % size)
        panic("free of %p: not an object boundary", ptr);
    *(void **)ptr = p->free;
    if (!p->free)
        list_add(p);
    p->free = ptr;
    p->inuse--;
    stats.bytes -= size;
    if (p->inuse == 0 && (p->next || p->prev)) {
        list_del(p);
        p->magic = 0;
        stats.pages--;
        frame_free(virt_to_pfn(p), 1);
    }
}

static size_t capacity(void *ptr)
{
    struct page_hdr *p = header_of(ptr);

    return p->magic == MAGIC_LARGE ? (size_t)p->npages * PAGE_SIZE - HDR_SIZE
                                   : class_size(p->cls);
}

void *realloc(void *ptr, size_t size)
{
    void *n;

    if (!ptr)
        return malloc(size);
    if (size == 0) {
        free(ptr);
        return NULL;
    }
    if (size <= capacity(ptr))
        return ptr;
    n = malloc(size);
    if (n) {
        memcpy(n, ptr, capacity(ptr));
        free(ptr);
    }
    return n;
}

void *calloc(size_t n, size_t size)
{
    void *p;

    if (size && n > (size_t)-1 / size)
        return NULL;
    p = malloc(n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

void heap_stats(struct heap_stats *st)
{
    *st = stats;
}
