/*
 * xenbus_be.h - the generic half of every split-driver backend in Dom0
 * (blkback, netback): finding devices in xenstore, the xenbus state
 * machine with the frontend, and tearing devices down with their domain.
 * docs/split-drivers.md, "The backend framework", tells the whole story.
 *
 * A backend driver registers a `struct xb_driver` for its xenstore type
 * ("vbd", "vif").  The framework then watches
 *
 *     /local/domain/0/backend/<type>/<domid>/<devid>/...   (written by xl)
 *     <frontend path>/state                                 (the guest's)
 *
 * and calls the driver at the transitions that need it:
 *
 *   toolstack writes backend dir (state 1)  -> probe()      -> InitWait (2)
 *   frontend Initialised (3) / Connected (4)-> connect()    -> Connected (4)
 *   frontend Closing (5)                    -> disconnect() -> Closing (5)
 *   frontend Closed (6) / its dir gone      -> disconnect() -> Closed (6)
 *   frontend Initialising (1) while Closed  ->                 InitWait (2)
 *                                              (reconnection: a new driver
 *                                              in the guest, PV GRUB handing
 *                                              over to the kernel)
 *   xl detaches (online = 0)                -> disconnect() once the
 *                                              frontend closed (or at once
 *                                              if it never connected) ->
 *                                              Closed (6), then remove()
 *                                              when xl removes the dirs
 *   the domain is destroyed (toolstack)     -> disconnect(), remove(),
 *                                              synchronously, before its
 *                                              memory goes
 *
 * Driver contract:
 *   - probe(dev): set up what needs no frontend (open the disk), write the
 *     backend's feature nodes with xb_be_printf(); 0, or -errno (the
 *     framework writes `error` and goes Closed).  May set dev->priv.
 *   - connect(dev): read the frontend's nodes (xb_fe_read*, never trusted:
 *     the guest wrote them), map its ring, bind its port, write the
 *     connect-time nodes (sectors, ...); 0 -> Connected, or -errno after
 *     undoing everything (the framework writes `error` and goes Closing).
 *   - disconnect(dev): stop taking requests, close the port, and unmap the
 *     ring and every granted page -- at once if nothing is in flight,
 *     otherwise as soon as the outstanding work completes (a page under
 *     DMA cannot be unmapped).  Called only after a successful connect,
 *     once per connect.  Must not fail.
 *   - remove(dev): the device is going for good (after disconnect if it
 *     was connected): free everything; dev is freed on return, so work
 *     still in flight must hold its own state (the driver's, not dev's).
 *   - describe(dev, buf, size) (optional): one line for `xenbus-backends`.
 *
 * Everything runs in Dom0's main loop: handlers are never concurrent.
 * The framework talks to xenstored over its own non-blocking client; its
 * watch events are taken by a work item, a bounded number per turn.
 */
#ifndef XENBUS_BE_H
#define XENBUS_BE_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <public/io/xenbus.h>

struct xb_dev;

struct xb_driver {
    const char *type;                   /* backend type: "vbd", "vif" */
    int (*probe)(struct xb_dev *dev);
    int (*connect)(struct xb_dev *dev);
    void (*disconnect)(struct xb_dev *dev);
    void (*remove)(struct xb_dev *dev);
    void (*describe)(struct xb_dev *dev, char *buf, size_t size);
};

struct xb_dev {
    const struct xb_driver *drv;
    uint16_t domid;                     /* the frontend's domain */
    uint32_t devid;                     /* the device number (vbd: the vdev) */
    char be_path[64];                   /* /local/domain/0/backend/<type>/<domid>/<devid> */
    char fe_path[96];                   /* from the backend's `frontend` node */
    enum xenbus_state state;            /* ours, as last written */
    enum xenbus_state fe_state;         /* the frontend's, as last read */
    bool online;                        /* xl's `online` node */
    bool connected;                     /* connect() succeeded, no disconnect() yet */
    bool probed;
    bool failed;                        /* probe() failed: Closed for good */
    unsigned int connects;              /* times connected (reconnections) */
    void *priv;                         /* the driver's */
    struct xb_dev *next;
};

/*
 * Start the framework: a store client, the domain observer.  Dom0 calls it
 * once after xenstored started; drivers register after it.  0 or -errno.
 */
int xb_init(void);
/* Serve a device type: watch its backend directory.  0 or -errno. */
int xb_register(const struct xb_driver *drv);
/* Is there a backend for this type (xl writes devices only if so)? */
bool xb_serves(const char *type);

/* Nodes of the backend's own directory: write one (printf-style). */
int xb_be_printf(struct xb_dev *dev, const char *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Read a backend node (written by xl, trusted): 0 or -errno. */
int xb_be_read(struct xb_dev *dev, const char *node, char *buf, size_t size);
/*
 * Nodes of the frontend's directory (written by the guest: untrusted).
 * xb_fe_read: the value NUL-terminated; -E2BIG if it does not fit.
 * xb_fe_read_uint: a decimal number without sign, spaces or excess
 * digits, at most `max`: 0, -ENOENT (absent), -EINVAL (anything else).
 */
int xb_fe_read(struct xb_dev *dev, const char *node, char *buf, size_t size);
int xb_fe_read_uint(struct xb_dev *dev, const char *node, uint64_t max, uint64_t *val);
/* Say what went wrong in the backend's `error` node (xenbus_dev_error). */
void xb_dev_error(struct xb_dev *dev, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * The driver found the frontend broken beyond an error response (a ring
 * index far beyond the ring, a protocol it cannot follow): `error`
 * written, the device disconnected (the driver's disconnect() is called
 * from here) and the backend Closing; the frontend must reconnect.  Call
 * from the driver's own handlers, not from inside its callbacks.
 */
void xb_dev_fatal(struct xb_dev *dev, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * The devices, for listing: fn for each device of `type` (NULL: all).
 */
void xb_for_each(const char *type, void (*fn)(struct xb_dev *dev, void *arg), void *arg);
const char *xb_state_name(enum xenbus_state s);

/* The shell's `xenbus-backends`: every device, its states, its driver's line. */
int xb_shell_cmd(int argc, char **argv);

#endif
