/*
 * Split virtqueues in the legacy (virtio 0.9.5) layout (virtq.c).  Pure
 * ring logic: no port I/O, no memory allocation of its own beyond two
 * small shadow arrays, so the host tests run it against a simulated
 * device.
 *
 *   ring memory (one machine-contiguous block, its first byte page-aligned)
 *   +---------------------------+  0
 *   | desc[size]  16 B each      |  addr, len, flags (NEXT, WRITE), next
 *   +---------------------------+  16 * size
 *   | avail: flags idx ring[size] used_event |   driver -> device
 *   +--- padding to 4096 --------+
 *   | used:  flags idx ring[size]{id,len} avail_event | device -> driver
 *   +---------------------------+  virtq_legacy_bytes(size)
 *
 * The driver owns the descriptor table and the available ring, the device
 * the used ring.  A buffer is a chain of descriptors; its head's index is
 * what travels through the rings, and the driver keeps, per head, the
 * caller's cookie and the chain's length in shadow arrays in its own
 * memory, so freeing a chain never reads anything the device may have
 * written.  What the device writes (the used ring) is checked: an id that
 * is not an outstanding head, or a used index more than `size` ahead, is
 * counted as a device error and ignored -- a broken device cannot make the
 * driver free a descriptor twice or complete a request that is not in
 * flight.
 *
 * Barriers: x86 keeps stores in order and loads in order, so only the
 * compiler must be stopped from reordering, except before reading the
 * device's "no notify" flag after publishing (a store then a load: a full
 * fence).
 */
#ifndef DOM0_DRIVERS_VIRTQ_H
#define DOM0_DRIVERS_VIRTQ_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define VRING_DESC_F_NEXT       1
#define VRING_DESC_F_WRITE      2
#define VRING_USED_F_NO_NOTIFY  1
#define VIRTQ_LEGACY_ALIGN      4096u

struct vring_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct vring_used_elem {
    uint32_t id;
    uint32_t len;
};

/* One piece of a buffer: machine address, length, who writes it. */
struct virtq_buf {
    uint64_t maddr;
    uint32_t len;
    bool device_writes;
};

struct virtq {
    uint16_t size;                  /* a power of two */
    volatile struct vring_desc *desc;
    volatile uint16_t *avail;       /* [0] flags, [1] idx, [2..] ring */
    volatile uint16_t *used_hdr;    /* [0] flags, [1] idx */
    volatile struct vring_used_elem *used_ring;
    uint16_t free_head, nr_free;
    uint16_t avail_idx, last_used;
    void **cookie;                  /* per head: the caller's, NULL if free */
    uint16_t *chain;                /* per head: descriptors in its chain */
    uint16_t *next;                 /* the free list, in our memory */
    uint64_t device_errors;         /* bad used entries ignored */
};

/* Bytes of ring memory a queue of `size` entries needs (legacy layout). */
size_t virtq_legacy_bytes(uint16_t size);
/* Lay out a queue in zeroed ring memory: 0, -EINVAL (size not a power of
 * two or 0), -ENOMEM (the shadow arrays). */
int virtq_init(struct virtq *q, uint16_t size, void *ring);
void virtq_destroy(struct virtq *q);

/* Add a buffer of n pieces (device-readable ones first) and make it
 * available: 0, -ENOSPC (not enough free descriptors), -EINVAL (n == 0). */
int virtq_add(struct virtq *q, const struct virtq_buf *bufs, unsigned int n, void *cookie);
/* After adding: does the device want to be notified? */
bool virtq_should_notify(struct virtq *q);
/* The next used buffer's cookie and the length the device wrote, or NULL
 * when there is none; the chain's descriptors are free again. */
void *virtq_get(struct virtq *q, uint32_t *len);
/* Forget every outstanding buffer (after a device reset): each cookie is
 * passed to fn; the rings are cleared. */
void virtq_reset(struct virtq *q, void (*fn)(void *cookie, void *arg), void *arg);

static inline unsigned int virtq_free(const struct virtq *q) { return q->nr_free; }

#endif
