/*
 * lxbench: the Linux guest's micro-benchmarks for "make bench", the
 * analogue of Table 3 of the Xen paper (Barham et al., SOSP 2003): the
 * same static program runs on the PV kernel under Mica and on the same
 * kernel source built without paravirtualization, booted natively in the
 * same QEMU, and scripts/bench.py reports the two and their ratio.
 *
 * How it measures: QEMU runs with "-icount shift=0,sleep=off", which makes
 * the guest-visible TSC advance by exactly one per executed instruction,
 * so an RDTSC delta around a loop is the number of instructions the whole
 * machine executed for it: user space, the guest kernel, and (under Mica)
 * the hypervisor, including any timer interrupt that fell into the loop.
 * Each case runs REPS times after a warm-up round; the figure is the
 * median, per operation, with two decimals.  Without -icount the same
 * program measures host-clock ticks, which are noisy (not used).
 *
 * Output: one "BENCH linux.<case> <instructions per op>" line per case.
 *
 *   lxbench          run every case
 *   lxbench NAME     run the cases whose name contains NAME
 *   lxbench nop      exit at once (the program fork_exec executes)
 */
#include "user.h"

#define REPS 5

static const char *self;                /* our own path, for fork_exec */

static inline void null_int80(void)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "0"(NR_getppid) : "memory");
}

static inline void null_vdso(void)
{
    long r;
    __asm__ volatile("call *%1" : "=a"(r) : "m"(vdso_sysinfo), "0"(NR_getppid) : "memory");
}

static void fail(const char *what)
{
    out_str("lxbench: ");
    out_str(what);
    out_str(" failed\n");
    sys_exit(1);
}

/* Each case: run n operations, return the TSC delta (setup excluded). */

static u64 case_null_syscall(unsigned n)
{
    u64 t0 = rdtsc();
    for (unsigned i = 0; i < n; i++)
        null_vdso();
    u64 t = rdtsc() - t0;
    /* the same loop without the call, so only the system call counts */
    t0 = rdtsc();
    for (unsigned i = 0; i < n; i++)
        __asm__ volatile("" ::: "memory");
    u64 e = rdtsc() - t0;
    return t > e ? t - e : 0;
}

static u64 case_null_syscall_int80(unsigned n)
{
    u64 t0 = rdtsc();
    for (unsigned i = 0; i < n; i++)
        null_int80();
    u64 t = rdtsc() - t0;
    t0 = rdtsc();
    for (unsigned i = 0; i < n; i++)
        __asm__ volatile("" ::: "memory");
    u64 e = rdtsc() - t0;
    return t > e ? t - e : 0;
}

static void reap(long pid)
{
    int status;
    if (pid < 0 || sys_wait4(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0)
        fail("fork/wait");
}

static u64 case_fork_exit(unsigned n)
{
    u64 t0 = rdtsc();
    for (unsigned i = 0; i < n; i++) {
        long pid = sys_fork();
        if (pid == 0)
            sys_exit(0);
        reap(pid);
    }
    return rdtsc() - t0;
}

static u64 case_fork_exec(unsigned n)
{
    char *argv[] = { (char *)self, "nop", 0 };
    u64 t0 = rdtsc();
    for (unsigned i = 0; i < n; i++) {
        long pid = sys_fork();
        if (pid == 0) {
            sys_execve(self, argv, environ);
            sys_exit(127);
        }
        reap(pid);
    }
    return rdtsc() - t0;
}

/* A demand-zero write fault on anonymous memory, per page. */
static u64 case_page_fault(unsigned n)
{
    volatile char *p = sys_mmap_anon(n * PAGE_SIZE);
    if (!p)
        fail("mmap");
    u64 t0 = rdtsc();
    for (unsigned i = 0; i < n; i++)
        p[i * PAGE_SIZE] = 1;
    u64 t = rdtsc() - t0;
    /* the same stores again, now without faults */
    t0 = rdtsc();
    for (unsigned i = 0; i < n; i++)
        p[i * PAGE_SIZE] = 2;
    u64 e = rdtsc() - t0;
    sys_munmap((void *)p, n * PAGE_SIZE);
    return t > e ? t - e : 0;
}

/* One hop of a byte between two processes over pipes: a write, a context
 * switch, a read (half of a round trip). */
static u64 case_pipe_switch(unsigned n)
{
    int a[2], b[2];
    char c = 'x';
    if (sys_pipe(a) || sys_pipe(b))
        fail("pipe");
    long pid = sys_fork();
    if (pid == 0) {
        sys_close(a[1]);
        sys_close(b[0]);
        while (sys_read(a[0], &c, 1) == 1)
            if (sys_write(b[1], &c, 1) != 1)
                break;
        sys_exit(0);
    }
    if (pid < 0)
        fail("fork");
    sys_close(a[0]);
    sys_close(b[1]);
    for (unsigned i = 0; i < 16; i++)               /* both sides running */
        if (sys_write(a[1], &c, 1) != 1 || sys_read(b[0], &c, 1) != 1)
            fail("pipe round trip");
    u64 t0 = rdtsc();
    for (unsigned i = 0; i < n; i++)
        if (sys_write(a[1], &c, 1) != 1 || sys_read(b[0], &c, 1) != 1)
            fail("pipe round trip");
    u64 t = rdtsc() - t0;
    sys_close(a[1]);
    sys_close(b[0]);
    reap(pid);
    return t / 2;
}

/* mmap of 64 KiB of anonymous memory, one store into it (a page table
 * and a page allocated), munmap (the mapping torn down, the TLB flushed). */
static u64 case_mmap_munmap(unsigned n)
{
    u64 t0 = rdtsc();
    for (unsigned i = 0; i < n; i++) {
        volatile char *p = sys_mmap_anon(16 * PAGE_SIZE);
        if (!p)
            fail("mmap");
        p[0] = 1;
        sys_munmap((void *)p, 16 * PAGE_SIZE);
    }
    return rdtsc() - t0;
}

static const struct bench {
    const char *name;
    u64 (*run)(unsigned n);
    unsigned n;
} cases[] = {
    { "null_syscall",       case_null_syscall,       10000 },
    { "null_syscall_int80", case_null_syscall_int80, 10000 },
    { "fork_exit",          case_fork_exit,            100 },
    { "fork_exec",          case_fork_exec,            100 },
    { "page_fault",         case_page_fault,          1000 },
    { "pipe_switch",        case_pipe_switch,         1000 },
    { "mmap_munmap",        case_mmap_munmap,          500 },
};

static int contains(const char *s, const char *part)
{
    size_t n = str_len(part);
    for (; *s; s++) {
        size_t i = 0;
        while (i < n && s[i] == part[i])
            i++;
        if (i == n)
            return 1;
    }
    return n == 0;
}

static void run_case(const struct bench *b)
{
    u64 v[REPS];

    b->run(b->n / 10 + 1);                          /* warm up */
    for (unsigned r = 0; r < REPS; r++) {
        v[r] = div_u64(b->run(b->n) * 100, b->n);
        for (unsigned j = r; j > 0 && v[j - 1] > v[j]; j--) {
            u64 t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    }
    u64 med = v[REPS / 2], whole = div_u64(med, 100);
    u32 frac = (u32)(med - whole * 100);
    out_str("BENCH linux.");
    out_str(b->name);
    out_str(" ");
    out_u64(whole);
    out_str(frac < 10 ? ".0" : ".");
    out_ulong(frac);
    out_str("\n");
}

int main(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : "";

    if (str_eq(only, "nop"))
        return 0;
    self = "/bin/lxbench";                          /* when run from $PATH */
    for (const char *c = argv[0]; *c; c++)
        if (*c == '/')
            self = argv[0];
    if (!vdso_sysinfo)
        out_str("lxbench: no vDSO entry (AT_SYSINFO): null_syscall skipped\n");
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (!contains(cases[i].name, only))
            continue;
        if (cases[i].run == case_null_syscall && !vdso_sysinfo)
            continue;
        run_case(&cases[i]);
    }
    out_str("lxbench: done\n");
    return 0;
}
