/*
 * <stdlib.h> of the Dom0 C library: the heap (kernel/heap.c), number
 * parsing and sorting (libc/stdlib.c).  There is no exit(): a tool's
 * entry point returns its status to the shell that called it.
 */
#ifndef DOM0_LIBC_STDLIB_H
#define DOM0_LIBC_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);

long strtol(const char *s, char **end, int base);
unsigned long strtoul(const char *s, char **end, int base);
long long strtoll(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);
int atoi(const char *s);
static inline int abs(int x) { return x < 0 ? -x : x; }

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void abort(void) __attribute__((noreturn));

#endif
