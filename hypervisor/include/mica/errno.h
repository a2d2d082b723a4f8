/*
 * Internal errno names.  Hypercalls return -errno with Xen's (= Linux's)
 * values, which live in the public ABI; this header only gives them their
 * conventional short names for use inside the hypervisor.
 */
#ifndef MICA_ERRNO_H
#define MICA_ERRNO_H

#include <public/errno.h>

#define EPERM      XEN_EPERM
#define ENOENT     XEN_ENOENT
#define ESRCH      XEN_ESRCH
#define EINTR      XEN_EINTR
#define EIO        XEN_EIO
#define ENXIO      XEN_ENXIO
#define E2BIG      XEN_E2BIG
#define ENOEXEC    XEN_ENOEXEC
#define EBADF      XEN_EBADF
#define EAGAIN     XEN_EAGAIN
#define ENOMEM     XEN_ENOMEM
#define EACCES     XEN_EACCES
#define EFAULT     XEN_EFAULT
#define EBUSY      XEN_EBUSY
#define EEXIST     XEN_EEXIST
#define EXDEV      XEN_EXDEV
#define ENODEV     XEN_ENODEV
#define EINVAL     XEN_EINVAL
#define ENFILE     XEN_ENFILE
#define ENOSPC     XEN_ENOSPC
#define EDOM       XEN_EDOM
#define ERANGE     XEN_ERANGE
#define ENOSYS     XEN_ENOSYS
#define ENODATA    XEN_ENODATA
#define ETIME      XEN_ETIME
#define EOVERFLOW  XEN_EOVERFLOW
#define EILSEQ     XEN_EILSEQ
#define EOPNOTSUPP XEN_EOPNOTSUPP
#define ENOBUFS    XEN_ENOBUFS
#define ERESTART   XEN_ERESTART   /* internal: make a continuation */

#endif
