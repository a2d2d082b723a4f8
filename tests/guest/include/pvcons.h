/*
 * The PV console ring, guest side (runtime/pvcons.c): what a guest that a
 * Dom0 console backend serves writes to, instead of the hypervisor's
 * console_io.  The ring page and port come from start_info.console.domU
 * (include/public/io/console.h for the layout).
 */
#ifndef GUEST_PVCONS_H
#define GUEST_PVCONS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Find the ring (needs map_shared_info() first): 0, or -1 without one. */
int pvcons_init(void);
/* Write all of s, waiting for the backend to make room: 0, or -1 if it
 * made none for `timeout_ms` (nobody serving the ring). */
int pvcons_write(const char *s, size_t n, unsigned int timeout_ms);
int pvcons_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Typed input: up to n bytes now (0 if none). */
size_t pvcons_read(char *buf, size_t n);
/* Sleep until the backend sends an event (input or room), or the deadline
 * (system time, 0 = none). */
void pvcons_wait(uint64_t deadline);

#endif
