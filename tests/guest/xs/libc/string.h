/*
 * The C library names the portable Dom0 code (xenstored, its client)
 * expects, for test guests: the runtime (include/lib.h, runtime/string.c)
 * and tests/guest/xs/libc.c provide them.
 */
#ifndef XS_GUEST_STRING_H
#define XS_GUEST_STRING_H
#include <stddef.h>
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *s, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *hay, const char *needle);
#endif
