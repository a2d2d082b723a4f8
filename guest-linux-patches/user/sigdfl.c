/*
 * sigdfl: run a program with every signal's disposition back to the
 * default and none blocked.
 *
 *   sigdfl PROGRAM [ARG...]      (PROGRAM with a '/', or found in /bin)
 *
 * Why: /init is a shell script without job control, and such a shell
 * starts a background command with SIGINT and SIGQUIT ignored (POSIX), an
 * ignoring that every process after it inherits and that no shell may undo
 * ("signals ignored on entry cannot be trapped or reset").  /init runs the
 * interactive shell in the background (so that its own traps for the
 * toolstack's poweroff and reboot requests still run), which would leave
 * Ctrl-C without effect on every command typed.  sigdfl, between the two,
 * gives the shell the dispositions a login shell expects.
 */
#include "user.h"

#define NR_rt_sigaction   174
#define NR_rt_sigprocmask 175
#define SIG_SETMASK       2
#define NSIG              64

struct k_sigaction {                    /* the kernel's struct, i386 */
    unsigned long handler;              /* SIG_DFL = 0 */
    unsigned long flags;
    unsigned long restorer;
    u32 mask[2];
};

int main(int argc, char **argv)
{
    struct k_sigaction dfl = { 0, 0, 0, { 0, 0 } };
    u32 none[2] = { 0, 0 };
    static char path[256];

    if (argc < 2) {
        out_str("usage: sigdfl PROGRAM [ARG...]\n");
        return 2;
    }
    for (int sig = 1; sig <= NSIG; sig++)
        sys4(NR_rt_sigaction, sig, &dfl, 0, 8);     /* SIGKILL, SIGSTOP: EINVAL */
    sys4(NR_rt_sigprocmask, SIG_SETMASK, none, 0, 8);

    const char *prog = argv[1];
    int slash = 0;
    for (const char *s = prog; *s; s++)
        slash |= *s == '/';
    if (!slash) {
        size_t n = str_len(prog);
        if (n + 6 > sizeof(path)) {
            out_str("sigdfl: name too long\n");
            return 127;
        }
        for (size_t i = 0; i < 5; i++)
            path[i] = "/bin/"[i];
        for (size_t i = 0; i <= n; i++)
            path[5 + i] = prog[i];
        prog = path;
    }
    long rc = sys_execve(prog, argv + 1, environ);
    out_str("sigdfl: cannot execute ");
    out_str(prog);
    out_str(": error ");
    out_ulong((unsigned long)-rc);
    out_str("\n");
    return 127;
}
