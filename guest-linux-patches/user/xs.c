/*
 * xs: read and write xenstore nodes from the guest's user space, through
 * the kernel's xenbus device (/dev/xen/xenbus), so that a test can show
 * the PV kernel's xenbus connected to the store of the domain serving it.
 *
 *   xs read PATH           print the node's value
 *   xs write PATH VALUE    write it
 *
 * A relative PATH is relative to the domain's home, /local/domain/<id>,
 * as the store resolves it for each connection.  The device passes the
 * store's wire protocol through unchanged: a header {type, req_id, tx_id,
 * len} and the payload; the answer has the request's type, or XS_ERROR
 * with an errno name ("EACCES"), which is printed and makes the exit
 * status 1.  Wire format: include/public/io/xs_wire.h.
 */
#include "user.h"
#include <public/io/xs_wire.h>

#define O_RDWR 2
#define XENBUS_DEV "/dev/xen/xenbus"

static char msg[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX + 1];

static int transact(int fd, uint32_t type, const char *a, const char *b)
{
    struct xsd_sockmsg *h = (struct xsd_sockmsg *)msg;
    char *p = msg + sizeof(*h);
    size_t la = str_len(a) + 1, lb = b ? str_len(b) : 0;

    if (la + lb > XENSTORE_PAYLOAD_MAX)
        return -1;
    h->type = type;
    h->req_id = 1;
    h->tx_id = 0;
    h->len = (uint32_t)(la + lb);
    for (size_t i = 0; i < la; i++)
        p[i] = a[i];
    for (size_t i = 0; i < lb; i++)
        p[la + i] = b[i];
    if (sys_write(fd, msg, sizeof(*h) + h->len) != (long)(sizeof(*h) + h->len))
        return -1;
    /* the device gives whole messages: the header, then the payload */
    size_t got = 0, want = sizeof(*h);
    while (got < want) {
        long n = sys_read(fd, msg + got, sizeof(msg) - 1 - got);
        if (n <= 0)
            return -1;
        got += (size_t)n;
        if (got >= sizeof(*h))
            want = sizeof(*h) + (h->len < XENSTORE_PAYLOAD_MAX ? h->len : XENSTORE_PAYLOAD_MAX);
    }
    msg[want] = 0;
    return (int)h->type;
}

int main(int argc, char **argv)
{
    int write = argc == 4 && str_eq(argv[1], "write");

    if (!write && !(argc == 3 && str_eq(argv[1], "read"))) {
        out_str("usage: xs read PATH | xs write PATH VALUE\n");
        return 2;
    }
    long fd = sys3(NR_open, XENBUS_DEV, O_RDWR, 0);
    if (fd < 0) {
        out_str("xs: cannot open " XENBUS_DEV "\n");
        return 1;
    }
    int t = transact((int)fd, write ? XS_WRITE : XS_READ, argv[2], write ? argv[3] : 0);
    sys_close((int)fd);
    if (t < 0) {
        out_str("xs: no answer from " XENBUS_DEV "\n");
        return 1;
    }
    if (t == XS_ERROR) {
        out_str("xs: ");
        out_str(argv[2]);
        out_str(": ");
        out_str(msg + sizeof(struct xsd_sockmsg));
        out_str("\n");
        return 1;
    }
    if (!write) {
        out_str(msg + sizeof(struct xsd_sockmsg));
        out_str("\n");
    }
    return 0;
}
