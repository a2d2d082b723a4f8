/*
 * The small C library of the test-guest runtime: formatted output to the
 * hypervisor console, string helpers, CPUID.
 *
 * printf() formats into a bounded buffer and writes it with
 * console_io(CONSOLEIO_write); vsnprintf() understands %d %i %u %x %X %s %c
 * %p %%, the length modifiers l and ll, a field width, the '0' (zero pad)
 * and '-' (left-justify) flags, and a precision for %s (%.32s).  That is
 * all the tests need; anything else is printed literally so a typo shows
 * up in the log instead of being skipped.
 */
#ifndef GUEST_LIB_H
#define GUEST_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PAGE_SIZE     4096u
#define PAGE_MASK     (~(PAGE_SIZE - 1))
#define __noreturn    __attribute__((noreturn))
#define __printf(a, b) __attribute__((format(printf, a, b)))

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);
int printf(const char *fmt, ...) __printf(1, 2);
int vprintf(const char *fmt, va_list ap);
void console_write(const char *s, size_t len);  /* raw console_io write */

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *hay, const char *needle);
/* Parse an unsigned number (0x prefix = hex) at *s; advances *s. */
unsigned long parse_ulong(const char **s);
/* Find "key=" at a word start in a command line; returns the value or NULL. */
const char *cmdline_value(const char *cmdline, const char *key);
/* key=N as a number (parse_ulong), or dflt when key is absent. */
unsigned long cmdline_ulong(const char *cmdline, const char *key, unsigned long dflt);
/* Is key's value the word `word` (up to a space or the end)?  When key is
 * absent: is `word` the default `dflt`? */
bool cmdline_is(const char *cmdline, const char *key, const char *word, const char *dflt);

/* CPUID executed natively (ring 1, not intercepted without CPUID faulting). */
static inline void cpuid_native(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    asm volatile ("cpuid"
              : "=a" (r[0]), "=b" (r[1]), "=c" (r[2]), "=d" (r[3])
              : "0" (leaf), "2" (subleaf));
}

/*
 * CPUID through the PV forced-emulation prefix `ud2; .ascii "xen"; cpuid`
 * (0F 0B 78 65 6E 0F A2): the hypervisor emulates it and applies its CPUID
 * policy for PV guests (fact sheet §7.7).
 */
static inline void cpuid_pv(uint32_t leaf, uint32_t subleaf, uint32_t r[4])
{
    asm volatile ("ud2; .ascii \"xen\"; cpuid"
              : "=a" (r[0]), "=b" (r[1]), "=c" (r[2]), "=d" (r[3])
              : "0" (leaf), "2" (subleaf));
}

/* The CPU vendor as the PV CPUID view reports it. */
static inline bool cpu_vendor_is(const char *name12)
{
    uint32_t r[4];
    char v[13];
    cpuid_pv(0, 0, r);
    __builtin_memcpy(v, &r[1], 4);
    __builtin_memcpy(v + 4, &r[3], 4);
    __builtin_memcpy(v + 8, &r[2], 4);
    v[12] = 0;
    return __builtin_memcmp(v, name12, 12) == 0;
}

#endif /* GUEST_LIB_H */
