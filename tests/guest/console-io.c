/*
 * console-io: CONSOLEIO_write / CONSOLEIO_read argument checking.
 *
 * console_io is the first hypercall every guest makes, and its (count,
 * buffer) pair is the simplest case of the rule that the whole range
 * [buffer, buffer + count) must be guest memory below the hole.  The range
 * check must not overflow: count 0xFFFFFFFF or 0x80000000 with a valid
 * buffer must give -XEN_EFAULT, not wrap around to a short "valid" range.
 * A count of 0 is a successful no-op whatever the buffer.  A large valid
 * write (16 KiB, several pages) must succeed, and unknown commands fail
 * with -XEN_ENOSYS.
 *
 * CONSOLEIO_read must never block (no input arrives during the test): it
 * returns the number of bytes read (>= 0).  Mica validates the buffer up
 * front, so a bad buffer with count > 0 is -XEN_EFAULT even when there is
 * nothing to read (stricter than Xen, which only fails once it copies).
 */
#include <test.h>

#define BIG (16 * 1024)
static char big[BIG];

static void bad_writes(int cmd, const char *name)
{
    static const struct { uint32_t va, count; const char *what; } extra[] = {
        { 0xfffffff0u, 16, "0xFFFFFFF0" },
        { HYPERVISOR_VIRT_START - 16, 32, "straddling the hole" },
    };
    struct bad_buf bad[BAD_BUF_MAX];
    unsigned int i, n = bad_buffers(32, bad);
    long rc;

    for (i = 0; i < n; i++)
        if ((rc = HYPERVISOR_console_io(cmd, 32, (void *)bad[i].va)) != -XEN_EFAULT)
            test_fail("%s of 32 bytes at %s (0x%08x) returned %ld",
                  name, bad[i].what, bad[i].va, rc);
    for (i = 0; i < ARRAY_SIZE(extra); i++)
        if ((rc = HYPERVISOR_console_io(cmd, extra[i].count,
                        (void *)extra[i].va)) != -XEN_EFAULT)
            test_fail("%s at %s (0x%08x) returned %ld", name,
                  extra[i].what, extra[i].va, rc);
    /* A valid buffer with a count that would overflow a naive end check. */
    CHECK_RC(HYPERVISOR_console_io(cmd, 0xffffffffu, big), -XEN_EFAULT,
         "count 0xFFFFFFFF");
    CHECK_RC(HYPERVISOR_console_io(cmd, 0x80000000u, big), -XEN_EFAULT,
         "count 0x80000000");
}

void test_main(void)
{
    static const char msg[] = "console-io: a normal write\n";
    char in[64];
    unsigned int i;
    long rc;

    CHECK_RC(HYPERVISOR_console_io(CONSOLEIO_write, 0, msg), 0, "write of 0 bytes");
    CHECK_RC(HYPERVISOR_console_io(CONSOLEIO_write, 0, NULL), 0, "write of 0 bytes at NULL");
    CHECK_RC(HYPERVISOR_console_io(CONSOLEIO_write, sizeof(msg) - 1, msg), 0, "write");

    for (i = 0; i < BIG; i++)   /* 256 printable lines of 64 bytes */
        big[i] = (i % 64 == 63) ? '\n' : (char)('A' + (i / 64) % 26);
    CHECK_RC(HYPERVISOR_console_io(CONSOLEIO_write, BIG, big), 0, "16 KiB write");

    bad_writes(CONSOLEIO_write, "write");

    CHECK_RC(HYPERVISOR_console_io(2, sizeof(msg) - 1, msg), -XEN_ENOSYS, "cmd 2");
    CHECK_RC(HYPERVISOR_console_io(0xffff, sizeof(msg) - 1, msg), -XEN_ENOSYS, "cmd 0xffff");

    CHECK_RC(HYPERVISOR_console_io(CONSOLEIO_read, 0, in), 0, "read of 0 bytes");
    rc = HYPERVISOR_console_io(CONSOLEIO_read, sizeof(in), in);
    CHECK(rc >= 0 && rc <= (long)sizeof(in), "read returned %ld", rc);
    bad_writes(CONSOLEIO_read, "read");
    test_success();
}
