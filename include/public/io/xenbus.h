/*
 * public/io/xenbus.h - the state machine of a split device.
 *
 * Frontend and backend each publish their state as a decimal number in
 * their `state` node in xenstore and watch the other's.  The usual path
 * is Initialising -> (backend InitWait) -> frontend Initialised or
 * Connected once its ring and port are published -> both Connected ->
 * Closing -> Closed.
 */
#ifndef MICA_PUBLIC_IO_XENBUS_H
#define MICA_PUBLIC_IO_XENBUS_H

#ifndef __ASSEMBLY__

enum xenbus_state {
    XenbusStateUnknown       = 0,
    XenbusStateInitialising  = 1,
    XenbusStateInitWait      = 2,   /* backend: waiting for frontend info */
    XenbusStateInitialised   = 3,   /* frontend: ring and port published */
    XenbusStateConnected     = 4,
    XenbusStateClosing       = 5,   /* orderly shutdown requested */
    XenbusStateClosed        = 6,
    XenbusStateReconfiguring = 7,
    XenbusStateReconfigured  = 8
};
typedef enum xenbus_state XenbusState;

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_IO_XENBUS_H */
