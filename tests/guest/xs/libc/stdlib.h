/* malloc and friends for test guests: tests/guest/xs/heap.c. */
#ifndef XS_GUEST_STDLIB_H
#define XS_GUEST_STDLIB_H
#include <stddef.h>
void *malloc(size_t n);
void *calloc(size_t nmemb, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
#endif
