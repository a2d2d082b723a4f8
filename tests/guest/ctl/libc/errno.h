/*
 * <errno.h> for test guests that link the control-plane libraries
 * (tests/guest/ctl.mk): the hypervisor's error numbers (public/errno.h),
 * which are Linux's, under the C names the libraries use.  There is no
 * errno variable: the libraries return -E* values.
 */
#ifndef CTL_GUEST_ERRNO_H
#define CTL_GUEST_ERRNO_H

#include <public/errno.h>

#define EPERM         XEN_EPERM
#define ENOENT        XEN_ENOENT
#define ESRCH         XEN_ESRCH
#define EINTR         XEN_EINTR
#define EIO           XEN_EIO
#define ENXIO         XEN_ENXIO
#define E2BIG         XEN_E2BIG
#define ENOEXEC       XEN_ENOEXEC
#define EBADF         XEN_EBADF
#define EAGAIN        XEN_EAGAIN
#define ENOMEM        XEN_ENOMEM
#define EACCES        XEN_EACCES
#define EFAULT        XEN_EFAULT
#define EBUSY         XEN_EBUSY
#define EEXIST        XEN_EEXIST
#define ENODEV        XEN_ENODEV
#define ENOTDIR       XEN_ENOTDIR
#define EISDIR        XEN_EISDIR
#define EINVAL        XEN_EINVAL
#define ENOSPC        XEN_ENOSPC
#define ERANGE        XEN_ERANGE
#define ENAMETOOLONG  XEN_ENAMETOOLONG
#define ENOSYS        XEN_ENOSYS
#define ENODATA       XEN_ENODATA
#define EOVERFLOW     XEN_EOVERFLOW
#define EOPNOTSUPP    XEN_EOPNOTSUPP
#define ETIMEDOUT     XEN_ETIMEDOUT

#endif
