/*
 * Basic types for hypervisor code.
 *
 * Generic hypervisor code (hypervisor/common) is also compiled on the host for
 * unit tests, so it may only rely on the compiler's freestanding headers
 * (<stdint.h>, <stddef.h>, <stdbool.h>, <stdarg.h>) plus what is declared here.
 * Never include a libc header from hypervisor code.
 */
#ifndef MICA_TYPES_H
#define MICA_TYPES_H

#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdarg.h>

typedef uint64_t paddr_t;          /* machine (physical) address */
typedef unsigned long mfn_t;       /* machine frame number */
typedef uint32_t guest_va_t;       /* a 32-bit guest virtual address */

#define PAGE_SHIFT 12
#define PAGE_SIZE  (1UL << PAGE_SHIFT)
#define PAGE_MASK  (~(PAGE_SIZE - 1))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ROUNDUP(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define ROUNDDOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

#define container_of(ptr, type, member) \
    ((type *)((char *)(ptr) - offsetof(type, member)))

#define __packed  __attribute__((packed))
#define __aligned(n) __attribute__((aligned(n)))
#define __noreturn __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))
#define __unused __attribute__((unused))
#define __section(s) __attribute__((section(s)))

#define BUILD_BUG_ON(c) _Static_assert(!(c), #c)

#endif
