/*
 * forkexec: the process-lifecycle check of the shell milestone.
 *
 *   forkexec N PATH [STATUS]
 *
 * N times: fork() (the real system call: a copy of the address space, not
 * the shell's vfork), execve(PATH) in the child, wait4() in the parent, and
 * check that the child exited normally with STATUS (default 0).  It prints
 *
 *   forkexec: N x fork+exec+wait of PATH: OK exited S, F failed
 *
 * and exits 0 only if every child did.  What it exercises in a PV kernel:
 * copy-on-write page tables built and pinned for every child, the parent's
 * entries write-protected through the hypervisor, a new address space
 * loaded and torn down (unpinned, freed) per child, and the SYSENTER or
 * int $0x80 entries of many short-lived processes.
 */
#include "user.h"

int main(int argc, char **argv)
{
    if (argc < 3) {
        out_str("usage: forkexec N PATH [STATUS]\n");
        return 2;
    }
    unsigned long n = parse_ulong(argv[1]), ok = 0, failed = 0;
    int want = argc > 3 ? (int)parse_ulong(argv[3]) : 0;
    char *cargv[] = { argv[2], 0 };

    for (unsigned long i = 0; i < n; i++) {
        long pid = sys_fork();
        if (pid == 0) {
            sys_execve(argv[2], cargv, environ);
            sys_exit(127);
        }
        int status = 0;
        if (pid < 0 || sys_wait4(pid, &status, 0) != pid ||
            !WIFEXITED(status) || WEXITSTATUS(status) != want) {
            if (failed++ < 5) {
                out_str("forkexec: child ");
                out_ulong(i);
                out_str(pid < 0 ? ": fork failed\n" : ": wrong exit status\n");
            }
            continue;
        }
        ok++;
    }
    out_str("forkexec: ");
    out_ulong(n);
    out_str(" x fork+exec+wait of ");
    out_str(argv[2]);
    out_str(": ");
    out_ulong(ok);
    out_str(" exited ");
    out_ulong((unsigned long)want);
    out_str(", ");
    out_ulong(failed);
    out_str(" failed\n");
    return failed ? 1 : 0;
}
