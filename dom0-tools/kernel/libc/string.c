/*
 * The parts of <string.h> the hypervisor's string.c does not have (that
 * file provides mem*, strlen, strcmp, strchr, strstr and their kin and is
 * linked into Dom0 as it is).  Plain, obviously correct loops: nothing
 * here is on a hot path.
 */
#include <string.h>
#include <stdlib.h>
#include <ctype.h>

void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;

    for (size_t i = 0; i < n; i++)
        if (p[i] == (unsigned char)c)
            return (void *)(p + i);
    return NULL;
}

int strcasecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = tolower((unsigned char)*a), cb = tolower((unsigned char)*b);
        if (ca != cb || !ca)
            return ca - cb;
    }
}

size_t strspn(const char *s, const char *accept)
{
    size_t n = 0;

    while (s[n] && strchr(accept, s[n]))
        n++;
    return n;
}

size_t strcspn(const char *s, const char *reject)
{
    size_t n = 0;

    while (s[n] && !strchr(reject, s[n]))
        n++;
    return n;
}

char *strcpy(char *dst, const char *src)
{
    memcpy(dst, src, strlen(src) + 1);
    return dst;
}

char *strcat(char *dst, const char *src)
{
    strcpy(dst + strlen(dst), src);
    return dst;
}

char *strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = malloc(len + 1);

    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

char *strdup(const char *s)
{
    return strndup(s, strlen(s));
}

const char *strerror(int err)
{
    switch (err) {
    case 0:  return "Success";
    case 1:  return "Operation not permitted";
    case 2:  return "No such file or directory";
    case 3:  return "No such process";
    case 5:  return "Input/output error";
    case 6:  return "No such device or address";
    case 7:  return "Argument list too long";
    case 8:  return "Exec format error";
    case 11: return "Resource temporarily unavailable";
    case 12: return "Cannot allocate memory";
    case 13: return "Permission denied";
    case 14: return "Bad address";
    case 16: return "Device or resource busy";
    case 17: return "File exists";
    case 19: return "No such device";
    case 20: return "Not a directory";
    case 21: return "Is a directory";
    case 22: return "Invalid argument";
    case 27: return "File too large";
    case 28: return "No space left on device";
    case 30: return "Read-only file system";
    case 34: return "Numerical result out of range";
    case 36: return "File name too long";
    case 38: return "Function not implemented";
    case 39: return "Directory not empty";
    case 61: return "No data available";
    case 62: return "Timer expired";
    case 75: return "Value too large for defined data type";
    case 90: return "Message too long";
    case 95: return "Operation not supported";
    case 100: return "Network is down";
    case 110: return "Connection timed out";
    case 113: return "No route to host";
    default: return "Unknown error";
    }
}
