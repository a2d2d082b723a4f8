/*
 * console_io (hypercall 18): the hypervisor console as seen by guests.
 *
 * CONSOLEIO_write is allowed for every domain (Mini-OS and XTF write to it
 * unconditionally).  The initial domain's output goes to the console as
 * written; other domains' output is prefixed with their id (and, once there
 * are several domains, rate-limited: see the scheduling issue).
 * CONSOLEIO_read is for the initial domain only and never blocks.
 *
 * The buffer is checked as a whole against the guest hole before anything
 * is printed, then copied in small chunks through the guest's page tables;
 * a chunk that faults ends the call with -EFAULT.
 */
#include <mica/hypercall.h>
#include <mica/errno.h>
#include <mica/domain.h>
#include <mica/guest_access.h>
#include <mica/printk.h>
#include <mica/lib.h>
#include <public/xen.h>

static long console_write_guest(struct domain *d, guest_va_t buf, uint32_t count)
{
    char chunk[128];

    if (!guest_range_ok(buf, count))
        return -EFAULT;
    while (count) {
        uint32_t n = count < sizeof(chunk) ? count : sizeof(chunk);
        if (copy_from_guest(chunk, buf, n))
            return -EFAULT;
        if (d->is_privileged) {
            console_write(chunk, n);
        } else {
            /* Until dom0 serves a console: prefix each line with the id. */
            static bool line_start = true;
            for (uint32_t i = 0; i < n; i++) {
                if (line_start) {
                    char pfx[16];
                    int len = snprintf(pfx, sizeof(pfx), "(d%u) ", d->domain_id);
                    console_write(pfx, (size_t)len);
                }
                char c = chunk[i];
                if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
                    c = '?';             /* no escape sequences from domUs */
                console_write(&c, 1);
                line_start = (c == '\n');
            }
        }
        buf += n;
        count -= n;
    }
    return 0;
}

static long console_read_guest(struct domain *d, guest_va_t buf, uint32_t count)
{
    char chunk[64];
    uint32_t done = 0;

    if (!d->is_privileged)
        return -EPERM;
    /* Check the whole buffer first, so no input is consumed and then lost. */
    if (guest_probe_writable(buf, count))
        return -EFAULT;
    while (done < count) {
        uint32_t n = 0;
        int c;
        while (n < sizeof(chunk) && done + n < count && (c = arch_console_getc()) >= 0)
            chunk[n++] = (char)c;
        if (n == 0)
            break;
        if (copy_to_guest(buf + done, chunk, n))
            return -EFAULT;
        done += n;
    }
    return done;
}

HYPERCALL_PROTO(console_io)
{
    switch (a1) {
    case CONSOLEIO_write:
        return console_write_guest(current_domain(), (guest_va_t)a3, (uint32_t)a2);
    case CONSOLEIO_read:
        return console_read_guest(current_domain(), (guest_va_t)a3, (uint32_t)a2);
    default:
        return -ENOSYS;
    }
}
