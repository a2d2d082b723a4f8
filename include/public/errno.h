/*
 * public/errno.h - error numbers of the guest ABI.
 *
 * Hypercalls return 0 (or a count) on success and -XEN_Exxx on failure.
 * The values are those of x86 Linux, so a Linux guest can pass them on
 * unchanged; the XEN_ prefix keeps them apart from any host or guest
 * <errno.h>.  Plain #defines so assembly can use them too.
 *
 * XEN_EINTR and XEN_ERESTART are for use inside the hypervisor (preempted
 * operations are continued, never failed with these) and are not returned
 * to guests.
 */
#ifndef MICA_PUBLIC_ERRNO_H
#define MICA_PUBLIC_ERRNO_H

#define XEN_EPERM            1  /* operation not permitted */
#define XEN_ENOENT           2  /* no such entry */
#define XEN_ESRCH            3  /* no such process / domain */
#define XEN_EINTR            4  /* interrupted (hypervisor internal) */
#define XEN_EIO              5  /* I/O error */
#define XEN_ENXIO            6  /* no such device or address */
#define XEN_E2BIG            7  /* argument list too long */
#define XEN_ENOEXEC          8  /* exec format error */
#define XEN_EBADF            9  /* bad file number */
#define XEN_ECHILD          10  /* no child processes */
#define XEN_EAGAIN          11  /* try again */
#define XEN_EWOULDBLOCK     XEN_EAGAIN
#define XEN_ENOMEM          12  /* out of memory */
#define XEN_EACCES          13  /* permission denied */
#define XEN_EFAULT          14  /* bad address */
#define XEN_EBUSY           16  /* resource busy */
#define XEN_EEXIST          17  /* already exists */
#define XEN_EXDEV           18  /* cross-device link */
#define XEN_ENODEV          19  /* no such device */
#define XEN_ENOTDIR         20  /* not a directory */
#define XEN_EISDIR          21  /* is a directory */
#define XEN_EINVAL          22  /* invalid argument */
#define XEN_ENFILE          23  /* file table overflow */
#define XEN_EMFILE          24  /* too many open files */
#define XEN_ENOSPC          28  /* no space left */
#define XEN_EROFS           30  /* read-only */
#define XEN_EMLINK          31  /* too many links */
#define XEN_EDOM            33  /* argument out of domain */
#define XEN_ERANGE          34  /* result out of range */
#define XEN_EDEADLK         35  /* deadlock would occur */
#define XEN_EDEADLOCK       XEN_EDEADLK
#define XEN_ENAMETOOLONG    36  /* name too long */
#define XEN_ENOLCK          37  /* no locks available */
#define XEN_ENOSYS          38  /* function not implemented */
#define XEN_ENOTEMPTY       39  /* directory not empty */
#define XEN_EBADRQC         56  /* invalid request code */
#define XEN_EBADSLT         57  /* invalid slot */
#define XEN_ENODATA         61  /* no data available */
#define XEN_ETIME           62  /* timer expired / deadline passed */
#define XEN_EBADMSG         74  /* not a data message */
#define XEN_EOVERFLOW       75  /* value too large */
#define XEN_EILSEQ          84  /* illegal byte sequence */
#define XEN_ERESTART        85  /* restart the call (hypervisor internal) */
#define XEN_EUSERS          87  /* too many users */
#define XEN_ENOTSOCK        88  /* not a socket */
#define XEN_EMSGSIZE        90  /* message too large */
#define XEN_EOPNOTSUPP      95  /* operation not supported */
#define XEN_EADDRINUSE      98  /* address in use */
#define XEN_EADDRNOTAVAIL   99  /* address not available */
#define XEN_ENOBUFS        105  /* no buffer space */
#define XEN_EISCONN        106  /* already connected */
#define XEN_ENOTCONN       107  /* not connected */
#define XEN_ESHUTDOWN      108  /* endpoint shut down */
#define XEN_ETOOMANYREFS   109  /* too many references */
#define XEN_ETIMEDOUT      110  /* timed out */
#define XEN_ECONNREFUSED   111  /* connection refused */

#endif /* MICA_PUBLIC_ERRNO_H */
