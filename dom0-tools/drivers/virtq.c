/*
 * Split virtqueues, legacy layout (virtq.h has the picture and the rules).
 */
#include "virtq.h"
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#define barrier()   __asm__ volatile ("" ::: "memory")
#define mb()        __atomic_thread_fence(__ATOMIC_SEQ_CST)

static size_t avail_bytes(uint16_t size)
{
    return 2 * (3 + (size_t)size);     /* flags, idx, ring, used_event */
}

size_t virtq_legacy_bytes(uint16_t size)
{
    size_t first = 16 * (size_t)size + avail_bytes(size);

    first = (first + VIRTQ_LEGACY_ALIGN - 1) & ~(size_t)(VIRTQ_LEGACY_ALIGN - 1);
    return first + 2 * 3 + 8 * (size_t)size;
}

static void free_list_init(struct virtq *q)
{
    for (uint16_t i = 0; i < q->size; i++)
        q->next[i] = (uint16_t)(i + 1);
    q->free_head = 0;
    q->nr_free = q->size;
}

int virtq_init(struct virtq *q, uint16_t size, void *ring)
{
    uint8_t *m = ring;

    memset(q, 0, sizeof(*q));
    if (size == 0 || (size & (size - 1)))
        return -EINVAL;
    q->cookie = calloc(size, sizeof(*q->cookie));
    q->chain = calloc(size, sizeof(*q->chain));
    q->next = calloc(size, sizeof(*q->next));
    if (!q->cookie || !q->chain || !q->next) {
        virtq_destroy(q);
        return -ENOMEM;
    }
    q->size = size;
    q->desc = (volatile struct vring_desc *)m;
    q->avail = (volatile uint16_t *)(m + 16 * (size_t)size);
    size_t used_off = virtq_legacy_bytes(size) - (2 * 3 + 8 * (size_t)size);
    q->used_hdr = (volatile uint16_t *)(m + used_off);
    q->used_ring = (volatile struct vring_used_elem *)(m + used_off + 4);
    free_list_init(q);
    return 0;
}

void virtq_destroy(struct virtq *q)
{
    free(q->cookie);
    free(q->chain);
    free(q->next);
    q->cookie = NULL;
    q->chain = q->next = NULL;
    q->size = 0;
}

int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned int n, void *cookie)
{
    uint16_t head = q->free_head, d = head;

    if (n == 0 || !cookie)
        return -EINVAL;
    if (n > q->nr_free)
        return -ENOSPC;
    for (unsigned int i = 0; i < n; i++) {
        q->desc[d].addr = bufs[i].maddr;
        q->desc[d].len = bufs[i].len;
        q->desc[d].flags = (uint16_t)((bufs[i].device_writes ? VRING_DESC_F_WRITE : 0) |
                                      (i + 1 < n ? VRING_DESC_F_NEXT : 0));
        q->desc[d].next = i + 1 < n ? q->next[d] : 0;
        d = q->next[d];
    }
    q->free_head = d;
    q->nr_free = (uint16_t)(q->nr_free - n);
    q->cookie[head] = cookie;
    q->chain[head] = (uint16_t)n;
    q->avail[2 + (q->avail_idx & (q->size - 1))] = head;
    barrier();                  /* the entry before the index that shows it */
    q->avail_idx++;
    q->avail[1] = q->avail_idx;
    return 0;
}

bool virtq_should_notify(struct virtq *q)
{
    mb();                       /* our index store before the device's flag */
    return !(q->used_hdr[0] & VRING_USED_F_NO_NOTIFY);
}

/* Put head's chain back on the free list (walking our shadow, not the
 * descriptors the device could have changed). */
static void free_chain(struct virtq *q, uint16_t head)
{
    uint16_t d = head, n = q->chain[head];

    for (uint16_t i = 1; i < n; i++)
        d = q->next[d];
    q->next[d] = q->free_head;
    q->free_head = head;
    q->nr_free = (uint16_t)(q->nr_free + n);
    q->cookie[head] = NULL;
    q->chain[head] = 0;
}

void *virtq_get(struct virtq *q, uint32_t *len)
{
    for (;;) {
        uint16_t used_idx = q->used_hdr[1];
        if (used_idx == q->last_used)
            return NULL;
        if ((uint16_t)(used_idx - q->last_used) > q->size) {
            /* The device claims more than it could hold: ignore the
             * index until it makes sense again. */
            q->device_errors++;
            return NULL;
        }
        barrier();              /* the index before the entry it covers */
        struct vring_used_elem e = q->used_ring[q->last_used & (q->size - 1)];
        q->last_used++;
        if (e.id >= q->size || !q->cookie[e.id]) {
            q->device_errors++;
            continue;
        }
        void *c = q->cookie[e.id];
        free_chain(q, (uint16_t)e.id);
        if (len)
            *len = e.len;
        return c;
    }
}

void virtq_reset(struct virtq *q, void (*fn)(void *cookie, void *arg), void *arg)
{
    for (uint16_t i = 0; i < q->size; i++) {
        void *c = q->cookie[i];
        q->cookie[i] = NULL;
        q->chain[i] = 0;
        if (c && fn)
            fn(c, arg);
    }
    free_list_init(q);
    q->avail_idx = q->last_used = 0;
    q->avail[0] = q->avail[1] = 0;
    q->used_hdr[0] = q->used_hdr[1] = 0;
}
