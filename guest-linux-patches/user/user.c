/*
 * The freestanding runtime of the guest's static test programs (user.h):
 * the C side of process start (argv, environment, auxiliary vector),
 * string helpers, 64-bit division without libgcc, line-buffered output.
 */
#include "user.h"

char **environ;
unsigned long vdso_sysinfo;

void __attribute__((noreturn, used)) start_c(long *sp);

void start_c(long *sp)
{
    int argc = (int)sp[0];
    char **argv = (char **)(sp + 1);
    char **envp = argv + argc + 1;
    char **p = envp;

    while (*p)
        p++;
    for (unsigned long *aux = (unsigned long *)(p + 1); aux[0] != AT_NULL; aux += 2)
        if (aux[0] == AT_SYSINFO)
            vdso_sysinfo = aux[1];
    environ = envp;
    int rc = main(argc, argv);
    out_flush();
    sys_exit(rc);
}

size_t str_len(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

int str_eq(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

unsigned long parse_ulong(const char *s)
{
    unsigned long v = 0;
    while (*s >= '0' && *s <= '9')
        v = v * 10 + (unsigned long)(*s++ - '0');
    return v;
}

/* 64/32-bit division in two 32-bit divl steps (no libgcc). */
u64 div_u64(u64 a, u32 b)
{
    u32 hi = (u32)(a >> 32), lo = (u32)a;
    u32 qhi = hi / b, r = hi % b, qlo;
    __asm__("divl %3" : "=a"(qlo), "=d"(r) : "a"(lo), "rm"(b), "d"(r));
    return ((u64)qhi << 32) | qlo;
}

static char obuf[512];
static size_t olen;

void out_flush(void)
{
    size_t off = 0;
    while (off < olen) {
        long n = sys_write(1, obuf + off, olen - off);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    olen = 0;
}

void out_str(const char *s)
{
    for (; *s; s++) {
        if (olen == sizeof(obuf))
            out_flush();
        obuf[olen++] = *s;
        if (*s == '\n')
            out_flush();
    }
}

void out_u64(u64 v)
{
    char d[24];
    int i = sizeof(d) - 1;
    d[i] = 0;
    do {
        u64 q = div_u64(v, 10);
        d[--i] = (char)('0' + (v - q * 10));
        v = q;
    } while (v);
    out_str(d + i);
}

void out_ulong(unsigned long v)
{
    out_u64(v);
}
