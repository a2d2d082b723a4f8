/*
 * The console backend (consoled.c): serves the console ring of every
 * domain the toolstack builds, keeps its output while nobody watches, and
 * connects it to the terminal for `xl console`.
 */
#ifndef CONSOLED_H
#define CONSOLED_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

/* Output kept per domain while nobody is attached (the newest bytes). */
#define CONSOLED_BUFFER     16384
/* Bytes taken from one ring per turn of the main loop (fairness). */
#define CONSOLED_BUDGET     2048

/* What the backend does per domain, for tests and `xl info`-like output. */
struct consoled_stats {
    uint64_t out_bytes;         /* received from the guest */
    uint64_t dropped;           /* pushed out of the buffer before anyone saw them */
    uint64_t in_bytes;          /* typed and given to the guest */
    uint64_t in_dropped;        /* typed while the guest's input ring was full */
    uint64_t bad_indexes;       /* times the guest's ring indexes made no sense */
    size_t buffered;            /* bytes waiting for a session */
};

/*
 * Serve domain `domid`'s console: map its ring (grant ref 0, which the
 * builder grants to Dom0) and bind to `port`, the port it offered Dom0.
 * 0 or -errno.
 */
int consoled_add(uint16_t domid, uint32_t port);
/* The domain is gone (destroyed): unmap, close, free.  Safe if unknown. */
void consoled_remove(uint16_t domid);
bool consoled_serves(uint16_t domid);

/*
 * Attach a session: first everything buffered is passed to out, then new
 * output as it comes.  -EBUSY if a session is attached already, -ENOENT
 * if the domain is not served.
 */
typedef void consoled_out_fn(void *arg, const char *buf, size_t n);
int consoled_attach(uint16_t domid, consoled_out_fn *out, void *arg);
void consoled_detach(uint16_t domid);
/* Typed input for the guest: bytes accepted (the rest is dropped and
 * counted when its input ring is full), or -ENOENT. */
int consoled_input(uint16_t domid, const char *buf, size_t n);
int consoled_stats(uint16_t domid, struct consoled_stats *st);

#endif
