/*
 * The C library names portable Dom0 code uses that the test-guest runtime
 * does not already provide (see libc/string.h).
 */
#include <string.h>

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for (size_t i = 0; i < n; i++)
        if (p[i] == (unsigned char)c)
            return (void *)(p + i);
    return NULL;
}
