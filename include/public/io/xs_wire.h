/*
 * public/io/xs_wire.h - the xenstore protocol: message header, message
 * types, error names, and the ring page a guest talks through.
 *
 * Every message is a 16-byte xsd_sockmsg header followed by `len` bytes
 * of payload, usually NUL-terminated strings (a WRITE's value is not
 * terminated, a READ reply's neither).  A reply echoes req_id and has the
 * request's type, or XS_ERROR with an errno *name* such as "ENOENT" as
 * payload; success without data is "OK".  Watch events (XS_WATCH_EVENT)
 * arrive unsolicited with req_id = tx_id = 0.  Paths without a leading
 * '/' are relative to /local/domain/<domid>.
 *
 * A guest's connection is the page start_info.store_mfn with port
 * start_info.store_evtchn: two 1 KiB byte streams with free-running
 * indexes; messages larger than the free space go in pieces.  Signal the
 * port after every index update, and never assume the indexes start at 0.
 */
#ifndef MICA_PUBLIC_IO_XS_WIRE_H
#define MICA_PUBLIC_IO_XS_WIRE_H

#include "../errno.h"

#define XENSTORE_RING_SIZE          1024

/* Violating this is fatal to the connection. */
#define XENSTORE_PAYLOAD_MAX        4096

/* Violating these just gets an error back. */
#define XENSTORE_ABS_PATH_MAX       3072
#define XENSTORE_REL_PATH_MAX       2048

/* xenstore_domain_interface.server_features. */
#define XENSTORE_SERVER_FEATURE_RECONNECTION    1   /* connection field */
#define XENSTORE_SERVER_FEATURE_ERROR           2   /* error field */
#define XENSTORE_SERVER_FEATURE_WATCHDEPTH      4   /* XS_WATCH depth */
#define XENSTORE_SERVER_FEATURE_DOMID_ANY       8   /* DOMID_ANY in perms */

/* xenstore_domain_interface.connection. */
#define XENSTORE_CONNECTED          0   /* steady state */
#define XENSTORE_RECONNECT          1   /* guest asked for a reconnect */

/* xenstore_domain_interface.error. */
#define XENSTORE_ERROR_NONE         0
#define XENSTORE_ERROR_COMM         1   /* communication problem */
#define XENSTORE_ERROR_RINGIDX      2   /* invalid ring index */
#define XENSTORE_ERROR_PROTO        3   /* protocol violation */

/* Flags of the XS_WRITE variants some daemons accept. */
#define XS_WRITE_NONE               "NONE"
#define XS_WRITE_CREATE             "CREATE"
#define XS_WRITE_CREATE_EXCL        "CREATE|EXCL"

#ifndef __ASSEMBLY__

#include <stdint.h>

/* Request payload -> reply payload ("\0" = NUL). */
enum xsd_sockmsg_type {
    XS_CONTROL,                 /* 0: daemon-specific control */
#define XS_DEBUG XS_CONTROL
    XS_DIRECTORY,               /* 1: path\0 -> names, each \0-ended */
    XS_READ,                    /* 2: path\0 -> value */
    XS_GET_PERMS,               /* 3: path\0 -> perm\0 ... */
    XS_WATCH,                   /* 4: path\0token\0 -> OK; fires at once */
    XS_UNWATCH,                 /* 5: path\0token\0 */
    XS_TRANSACTION_START,       /* 6: \0 -> id\0 (decimal) */
    XS_TRANSACTION_END,         /* 7: T\0 commit / F\0 abort; EAGAIN */
    XS_INTRODUCE,               /* 8: domid\0gfn\0evtchn\0 (tools) */
    XS_RELEASE,                 /* 9: domid\0 */
    XS_GET_DOMAIN_PATH,         /* 10: domid\0 -> /local/domain/<id>\0 */
    XS_WRITE,                   /* 11: path\0value */
    XS_MKDIR,                   /* 12: path\0 */
    XS_RM,                      /* 13: path\0 */
    XS_SET_PERMS,               /* 14: path\0perm\0perm\0... */
    XS_WATCH_EVENT,             /* 15: daemon -> client: path\0token\0 */
    XS_ERROR,                   /* 16: reply only: errno name\0 */
    XS_IS_DOMAIN_INTRODUCED,    /* 17: domid\0 -> T\0 / F\0 */
    XS_RESUME,                  /* 18: domid\0 */
    XS_SET_TARGET,              /* 19: domid\0target\0 */
    XS_RESTRICT,                /* 20: removed; invalid */
    XS_RESET_WATCHES,           /* 21 */
    XS_DIRECTORY_PART,          /* 22: optional */
    XS_GET_FEATURE,             /* 23: optional */
    XS_SET_FEATURE,             /* 24: optional */
    XS_GET_QUOTA,               /* 25: optional */
    XS_SET_QUOTA,               /* 26: optional */
    XS_TYPE_COUNT,              /* number of types defined */
    XS_INVALID = 0xffff         /* never a valid type */
};

/* 16 bytes. */
struct xsd_sockmsg {
    uint32_t type;              /* enum xsd_sockmsg_type */
    uint32_t req_id;            /* echoed in the reply */
    uint32_t tx_id;             /* transaction, 0 = none */
    uint32_t len;               /* payload bytes that follow */
};

/* Order of the strings in an XS_WATCH_EVENT payload. */
enum xs_watch_type {
    XS_WATCH_PATH = 0,
    XS_WATCH_TOKEN
};

/*
 * Errors travel as names; this table maps them to numbers (XEN_E*, the
 * Linux values).  A reply name not listed here should be treated as EINVAL.
 */
struct xsd_errors {
    int         errnum;
    const char *errstring;
};
#define XSD_ERROR(x) { XEN_##x, #x }
static const struct xsd_errors xsd_errors[] __attribute__((unused)) = {
    XSD_ERROR(EINVAL),
    XSD_ERROR(EACCES),
    XSD_ERROR(EEXIST),
    XSD_ERROR(EISDIR),
    XSD_ERROR(ENOENT),
    XSD_ERROR(ENOMEM),
    XSD_ERROR(ENOSPC),
    XSD_ERROR(EIO),
    XSD_ERROR(ENOTEMPTY),
    XSD_ERROR(ENOSYS),
    XSD_ERROR(EROFS),
    XSD_ERROR(EBUSY),
    XSD_ERROR(EAGAIN),
    XSD_ERROR(EISCONN),
    XSD_ERROR(E2BIG),
    XSD_ERROR(EPERM),
};

typedef uint32_t XENSTORE_RING_IDX;
#define MASK_XENSTORE_IDX(idx)  ((idx) & (XENSTORE_RING_SIZE - 1))

/*
 * The ring page.  req_prod and rsp_cons are written by the guest,
 * req_cons and rsp_prod by the daemon; the fields after rsp_prod exist
 * when the daemon advertises them (server_features), and are 0 otherwise.
 * 2080 bytes.
 */
struct xenstore_domain_interface {
    char req[XENSTORE_RING_SIZE];       /* guest -> daemon */
    char rsp[XENSTORE_RING_SIZE];       /* daemon -> guest: replies, events */
    XENSTORE_RING_IDX req_cons, req_prod;
    XENSTORE_RING_IDX rsp_cons, rsp_prod;
    uint32_t server_features;           /* XENSTORE_SERVER_FEATURE_* */
    uint32_t connection;                /* XENSTORE_CONNECTED / _RECONNECT */
    uint32_t error;                     /* XENSTORE_ERROR_* */
    uint32_t evtchn_port;               /* newest daemons only */
};

#endif /* !__ASSEMBLY__ */

#endif /* MICA_PUBLIC_IO_XS_WIRE_H */
