/*
 * public/io/ring.h - the shared request/response ring of split drivers.
 *
 * A frontend and a backend in two domains share one page (or a power of
 * two of pages) laid out as:
 *
 *      0  req_prod   front's producer index for requests
 *      4  req_event  back: "notify me when req_prod passes this"
 *      8  rsp_prod   back's producer index for responses
 *     12  rsp_event  front: "notify me when rsp_prod passes this"
 *     16  pvt        4 bytes owned by the protocol (netif: smartpoll)
 *     20  __pad      44 zero bytes
 *     64  ring[]     a power-of-two array of union { request, response }
 *
 * Requests and responses share the slots: the frontend writes requests
 * at req_prod, the backend consumes them and writes each response into
 * a slot it has already consumed.  Indexes are free-running 32-bit
 * counters (they wrap); slot = index & (size - 1).  The frontend never
 * has more than RING_SIZE requests outstanding.
 *
 * Each side keeps private state (struct *_front_ring / *_back_ring):
 * the index it will produce next, which it publishes in batches, and the
 * index it will consume next.  Publishing is "write the entries, write
 * barrier, store the producer index".  Notification is suppressed unless
 * the peer asked for it: after publishing new_prod (full barrier), notify
 * iff the peer's event index lies in (old_prod, new_prod], computed as
 * (new - event) < (new - old) in unsigned 32-bit arithmetic.  Before
 * sleeping, a consumer sets its event index to cons + 1, issues a full
 * barrier and looks once more (RING_FINAL_CHECK_FOR_*), which closes the
 * race with a producer that published just before.
 *
 * The peer may rewrite shared entries at any time: copy a request out
 * (RING_COPY_REQUEST) before validating it.
 *
 * DEFINE_RING_TYPES(name, req_t, rsp_t) declares union name_sring_entry,
 * struct name_sring and the private structs name_front_ring and
 * name_back_ring.  The private structs hold a native pointer and are not
 * part of the ABI.  Barriers: define xen_mb/xen_rmb/xen_wmb before
 * including this file to override the x86 defaults below.
 */
#ifndef MICA_PUBLIC_IO_RING_H
#define MICA_PUBLIC_IO_RING_H

#ifndef __ASSEMBLY__

#include <stddef.h>
#include <stdint.h>

typedef uint32_t RING_IDX;

/*
 * x86 keeps stores ordered with stores and loads with loads, so the read
 * and write barriers only have to stop the compiler; the full barrier
 * must also order a store before a later load.  A locked add of zero to
 * the stack does that on every x86, with or without SSE2.
 */
#ifndef xen_mb
# if defined(__x86_64__)
#  define xen_mb()  __asm__ __volatile__("lock; addl $0,0(%%rsp)" ::: "memory", "cc")
# elif defined(__i386__)
#  define xen_mb()  __asm__ __volatile__("lock; addl $0,0(%%esp)" ::: "memory", "cc")
# else
#  define xen_mb()  __sync_synchronize()
# endif
#endif
#ifndef xen_rmb
# if defined(__x86_64__) || defined(__i386__)
#  define xen_rmb() __asm__ __volatile__("" ::: "memory")
# else
#  define xen_rmb() __sync_synchronize()
# endif
#endif
#ifndef xen_wmb
# if defined(__x86_64__) || defined(__i386__)
#  define xen_wmb() __asm__ __volatile__("" ::: "memory")
# else
#  define xen_wmb() __sync_synchronize()
# endif
#endif

/*
 * Largest power of two <= x, for 0 <= x < 2^32, as a constant expression.
 * Each step halves the width: if the upper half is non-zero the answer is
 * in it, else it is in the lower half.
 */
#define __RING_FLOOR2(x)    (((x) >> 1) ? 0x2 : ((x) & 0x1))
#define __RING_FLOOR4(x)    (((x) >> 2) ? (__RING_FLOOR2((x) >> 2) << 2) : __RING_FLOOR2(x))
#define __RING_FLOOR8(x)    (((x) >> 4) ? (__RING_FLOOR4((x) >> 4) << 4) : __RING_FLOOR4(x))
#define __RING_FLOOR16(x)   (((x) >> 8) ? (__RING_FLOOR8((x) >> 8) << 8) : __RING_FLOOR8(x))
#define __RING_FLOOR32(x)   (((x) >> 16) ? (__RING_FLOOR16((x) >> 16) << 16) : __RING_FLOOR16(x))

/* Entries in a ring of `_sz` bytes whose shared part is *(_s). */
#define __RING_SIZE(_s, _sz) \
    ((unsigned int)__RING_FLOOR32(((size_t)(_sz) - \
        (size_t)((char *)&(_s)->ring[0] - (char *)(_s))) / sizeof((_s)->ring[0])))

/* The same, from the type name alone (a compile-time constant). */
#define __CONST_RING_SIZE(_name, _sz) \
    ((unsigned int)__RING_FLOOR32(((size_t)(_sz) - \
        offsetof(struct _name##_sring, ring)) / sizeof(union _name##_sring_entry)))

#define DEFINE_RING_TYPES(__name, __req_t, __rsp_t)                         \
                                                                            \
union __name##_sring_entry {                                                \
    __req_t req;                                                            \
    __rsp_t rsp;                                                            \
};                                                                          \
                                                                            \
struct __name##_sring {                                                     \
    RING_IDX req_prod, req_event;                                           \
    RING_IDX rsp_prod, rsp_event;                                           \
    union {                                                                 \
        struct { uint8_t smartpoll_active; } netif;                         \
        struct { uint8_t msg; } tapif_user;                                 \
        uint8_t pvt_pad[4];                                                 \
    } pvt;                                                                  \
    uint8_t __pad[44];                                                      \
    union __name##_sring_entry ring[];                                      \
};                                                                          \
                                                                            \
struct __name##_front_ring {                                                \
    RING_IDX req_prod_pvt;      /* next request slot to fill */             \
    RING_IDX rsp_cons;          /* next response to consume */              \
    unsigned int nr_ents;                                                   \
    struct __name##_sring *sring;                                           \
};                                                                          \
                                                                            \
struct __name##_back_ring {                                                 \
    RING_IDX rsp_prod_pvt;      /* next response slot to fill */            \
    RING_IDX req_cons;          /* next request to consume */               \
    unsigned int nr_ents;                                                   \
    struct __name##_sring *sring;                                           \
};                                                                          \
                                                                            \
typedef struct __name##_sring __name##_sring_t;                             \
typedef struct __name##_front_ring __name##_front_ring_t;                   \
typedef struct __name##_back_ring __name##_back_ring_t

/* Initialise the shared page (the frontend does this, once). */
#define SHARED_RING_INIT(_s) do {                                           \
    unsigned int __sri_i;                                                   \
    (_s)->req_prod  = (_s)->rsp_prod  = 0;                                  \
    (_s)->req_event = (_s)->rsp_event = 1;                                  \
    for (__sri_i = 0; __sri_i < sizeof((_s)->pvt.pvt_pad); __sri_i++)       \
        (_s)->pvt.pvt_pad[__sri_i] = 0;                                     \
    for (__sri_i = 0; __sri_i < sizeof((_s)->__pad); __sri_i++)             \
        (_s)->__pad[__sri_i] = 0;                                           \
} while (0)

/* Attach private state to a ring whose indexes currently stand at _i. */
#define FRONT_RING_ATTACH(_r, _s, _i, __size) do {                          \
    (_r)->req_prod_pvt = (_i);                                              \
    (_r)->rsp_cons = (_i);                                                  \
    (_r)->nr_ents = __RING_SIZE(_s, __size);                                \
    (_r)->sring = (_s);                                                     \
} while (0)

#define BACK_RING_ATTACH(_r, _s, _i, __size) do {                           \
    (_r)->rsp_prod_pvt = (_i);                                              \
    (_r)->req_cons = (_i);                                                  \
    (_r)->nr_ents = __RING_SIZE(_s, __size);                                \
    (_r)->sring = (_s);                                                     \
} while (0)

#define FRONT_RING_INIT(_r, _s, __size) FRONT_RING_ATTACH(_r, _s, 0, __size)
#define BACK_RING_INIT(_r, _s, __size)  BACK_RING_ATTACH(_r, _s, 0, __size)

#define RING_SIZE(_r)               ((_r)->nr_ents)

/* Request slots the frontend may still fill. */
#define RING_FREE_REQUESTS(_r) \
    (RING_SIZE(_r) - ((_r)->req_prod_pvt - (_r)->rsp_cons))

#define RING_FULL(_r)               (RING_FREE_REQUESTS(_r) == 0)

/* Responses published but not yet consumed by the frontend. */
#define RING_HAS_UNCONSUMED_RESPONSES(_r) \
    ((_r)->sring->rsp_prod - (_r)->rsp_cons)

/*
 * Requests published but not yet consumed by the backend, never more than
 * the slots the backend has answered (a frontend cannot make it believe
 * there are more requests than the ring holds).
 */
#define RING_HAS_UNCONSUMED_REQUESTS(_r) ({                                 \
    unsigned int __rhur_req = (_r)->sring->req_prod - (_r)->req_cons;       \
    unsigned int __rhur_rsp = RING_SIZE(_r) -                               \
                              ((_r)->req_cons - (_r)->rsp_prod_pvt);        \
    __rhur_req < __rhur_rsp ? __rhur_req : __rhur_rsp;                      \
})

#define RING_GET_REQUEST(_r, _idx) \
    (&((_r)->sring->ring[(_idx) & (RING_SIZE(_r) - 1)].req))

#define RING_GET_RESPONSE(_r, _idx) \
    (&((_r)->sring->ring[(_idx) & (RING_SIZE(_r) - 1)].rsp))

/* Copy an entry out of shared memory exactly once (volatile read). */
#define RING_COPY_REQUEST(_r, _idx, _req) do {                              \
    *(_req) = *(volatile __typeof__(*(_req)) *)RING_GET_REQUEST(_r, _idx);  \
} while (0)

#define RING_COPY_RESPONSE(_r, _idx, _rsp) do {                             \
    *(_rsp) = *(volatile __typeof__(*(_rsp)) *)RING_GET_RESPONSE(_r, _idx); \
} while (0)

/* Would consuming request _cons overrun the responses not yet produced? */
#define RING_REQUEST_CONS_OVERFLOW(_r, _cons) \
    (((_cons) - (_r)->rsp_prod_pvt) >= RING_SIZE(_r))

/* Is a request producer index _prod more than a ring ahead? */
#define RING_REQUEST_PROD_OVERFLOW(_r, _prod) \
    (((_prod) - (_r)->rsp_prod_pvt) > RING_SIZE(_r))

/* Is a response producer index _prod more than a ring ahead? */
#define RING_RESPONSE_PROD_OVERFLOW(_r, _prod) \
    (((_prod) - (_r)->rsp_cons) > RING_SIZE(_r))

/* Publish everything produced so far (no notification decision). */
#define RING_PUSH_REQUESTS(_r) do {                                         \
    xen_wmb();                                                              \
    (_r)->sring->req_prod = (_r)->req_prod_pvt;                             \
} while (0)

#define RING_PUSH_RESPONSES(_r) do {                                        \
    xen_wmb();                                                              \
    (_r)->sring->rsp_prod = (_r)->rsp_prod_pvt;                             \
} while (0)

/* Publish, then set _notify iff the peer's event index was crossed. */
#define RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(_r, _notify) do {               \
    RING_IDX __rp_old = (_r)->sring->req_prod;                              \
    RING_IDX __rp_new = (_r)->req_prod_pvt;                                 \
    xen_wmb();                                                              \
    (_r)->sring->req_prod = __rp_new;                                       \
    xen_mb();                                                               \
    (_notify) = ((RING_IDX)(__rp_new - (_r)->sring->req_event) <            \
                 (RING_IDX)(__rp_new - __rp_old));                          \
} while (0)

#define RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(_r, _notify) do {              \
    RING_IDX __rp_old = (_r)->sring->rsp_prod;                              \
    RING_IDX __rp_new = (_r)->rsp_prod_pvt;                                 \
    xen_wmb();                                                              \
    (_r)->sring->rsp_prod = __rp_new;                                       \
    xen_mb();                                                               \
    (_notify) = ((RING_IDX)(__rp_new - (_r)->sring->rsp_event) <            \
                 (RING_IDX)(__rp_new - __rp_old));                          \
} while (0)

/*
 * Set _work_to_do if requests (responses) are waiting; if none are, ask
 * to be notified of the next one and look again, so that one published
 * meanwhile is not missed.
 */
#define RING_FINAL_CHECK_FOR_REQUESTS(_r, _work_to_do) do {                 \
    (_work_to_do) = RING_HAS_UNCONSUMED_REQUESTS(_r);                       \
    if (_work_to_do)                                                        \
        break;                                                              \
    (_r)->sring->req_event = (_r)->req_cons + 1;                            \
    xen_mb();                                                               \
    (_work_to_do) = RING_HAS_UNCONSUMED_REQUESTS(_r);                       \
} while (0)

#define RING_FINAL_CHECK_FOR_RESPONSES(_r, _work_to_do) do {                \
    (_work_to_do) = RING_HAS_UNCONSUMED_RESPONSES(_r);                      \
    if (_work_to_do)                                                        \
        break;                                                              \
    (_r)->sring->rsp_event = (_r)->rsp_cons + 1;                            \
    xen_mb();                                                               \
    (_work_to_do) = RING_HAS_UNCONSUMED_RESPONSES(_r);                      \
} while (0)

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_IO_RING_H */
