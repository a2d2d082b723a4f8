/*
 * <string.h> of the Dom0 kernel's small C library.
 *
 * The tools are portable C: on the host they get glibc, in Mica's Dom0 they
 * get this subset, with the C library's semantics throughout.  The basic
 * functions are the hypervisor's own, host-tested implementations
 * (hypervisor/common/string.c, linked into Dom0 too); the rest are in
 * libc/string.c.
 */
#ifndef DOM0_LIBC_STRING_H
#define DOM0_LIBC_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
int strcasecmp(const char *a, const char *b);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
char *strstr(const char *haystack, const char *needle);
size_t strspn(const char *s, const char *accept);
size_t strcspn(const char *s, const char *reject);
char *strcpy(char *dst, const char *src);
char *strcat(char *dst, const char *src);
char *strdup(const char *s);
char *strndup(const char *s, size_t n);
const char *strerror(int err);

#endif
