/*
 * The freestanding runtime of the guest's static test programs
 * (forkexec.c, lxbench.c): system calls, a few string helpers and decimal
 * output, for i386 Linux, with no C library.
 *
 * Why not the C library: a benchmark must run the operation it names and
 * nothing else (glibc's fork() runs atfork handlers, its startup sets up
 * TLS and locale), and the programs must build on any Debian machine with
 * gcc-multilib alone.  The system-call numbers are i386 Linux's
 * (arch/x86/entry/syscalls/syscall_32.tbl), an ABI that never changes.
 */
#ifndef LX_USER_H
#define LX_USER_H

typedef unsigned int size_t;
typedef unsigned long long u64;
typedef unsigned int u32;

#define NR_exit            1
#define NR_fork            2
#define NR_read            3
#define NR_write           4
#define NR_open            5
#define NR_close           6
#define NR_execve         11
#define NR_getpid         20
#define NR_kill           37
#define NR_pipe           42
#define NR_getppid        64
#define NR_munmap         91
#define NR_wait4         114
#define NR_mmap2         192
#define NR_exit_group    252

#define PROT_READ        0x1
#define PROT_WRITE       0x2
#define MAP_PRIVATE     0x02
#define MAP_ANONYMOUS   0x20
#define PAGE_SIZE       4096

#define AT_NULL            0
#define AT_SYSINFO        32

long sys6(long nr, long a1, long a2, long a3, long a4, long a5, long a6);

#define sys0(n)             sys6(n, 0, 0, 0, 0, 0, 0)
#define sys1(n, a)          sys6(n, (long)(a), 0, 0, 0, 0, 0)
#define sys2(n, a, b)       sys6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(n, a, b, c)    sys6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(n, a, b, c, d) sys6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

extern char **environ;
extern unsigned long vdso_sysinfo;      /* __kernel_vsyscall, 0 if none */

static inline void __attribute__((noreturn)) sys_exit(int code)
{
    for (;;)
        sys1(NR_exit_group, code);
}

static inline long sys_fork(void) { return sys0(NR_fork); }
static inline long sys_write(int fd, const void *b, size_t n) { return sys3(NR_write, fd, b, n); }
static inline long sys_read(int fd, void *b, size_t n) { return sys3(NR_read, fd, b, n); }
static inline long sys_close(int fd) { return sys1(NR_close, fd); }
static inline long sys_pipe(int fds[2]) { return sys1(NR_pipe, fds); }
static inline long sys_munmap(void *p, size_t n) { return sys2(NR_munmap, p, n); }
static inline long sys_execve(const char *path, char *const argv[], char *const envp[])
{
    return sys3(NR_execve, path, argv, envp);
}
static inline long sys_wait4(long pid, int *status, int options)
{
    return sys4(NR_wait4, pid, status, options, 0);
}
static inline void *sys_mmap_anon(size_t len)
{
    long r = sys6(NR_mmap2, 0, (long)len, PROT_READ | PROT_WRITE,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return (unsigned long)r >= -4095ul ? (void *)0 : (void *)r;
}

/* wait status decoding, as <sys/wait.h> defines it for Linux */
#define WIFEXITED(s)   (((s) & 0x7f) == 0)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)

static inline u64 rdtsc(void)
{
    u32 lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((u64)hi << 32) | lo;
}

size_t str_len(const char *s);
int str_eq(const char *a, const char *b);
unsigned long parse_ulong(const char *s);
u64 div_u64(u64 a, u32 b);

/* Output to fd 1, buffered per line. */
void out_str(const char *s);
void out_ulong(unsigned long v);
void out_u64(u64 v);
void out_flush(void);

int main(int argc, char **argv);

#endif
