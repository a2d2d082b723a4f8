/*
 * The backend framework (see xenbus_be.h): devices found in xenstore, the
 * xenbus state machine, teardown with the domain.
 *
 * Where the facts live: xl writes each device's two directories (backend
 * n0 rD: only Dom0 writes it, the guest reads it; frontend nD r0: the
 * guest writes it) and the backend's `online` node; the frontend's
 * `state` is the guest's word, trusted for nothing but choosing what to
 * do next.  A device exists here exactly while its backend directory does
 * (and its domain has not been destroyed).
 *
 * Events: one watch per registered type on its backend directory (any
 * write under it fires: a new device, xl's online = 0, a directory
 * removed) and one per device on the frontend's `state`.  Both carry a
 * token naming what to look at again, and every look re-reads the nodes
 * it needs rather than trusting the event, so a missed, spurious or
 * repeated event changes nothing (xenstore's rule).  Events queue in the
 * client (bounded: if some were lost, every device is looked at again)
 * and are taken by one work item, XB_EVENTS_PER_TURN per turn of Dom0's
 * loop: a guest that writes its state in a loop gets one share of the
 * loop like any other source.
 *
 * Destruction: the toolstack's observer call `destroying` comes before
 * the domain's memory goes; every device of the domain is disconnected
 * and removed there and then (a driver with I/O in flight keeps its
 * grant mappings until the device completes it: the hypervisor keeps a
 * dead granter's mapped frames alive until the last unmap).
 */
#include "xenbus_be.h"
#include "../xl/toolstack.h"
#include "../xsdaemon/xsdaemon.h"
#include "xs_client.h"
#include "os_loop.h"
#include <public/errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

#define XB_EVENTS_PER_TURN  32
#define XB_MAX_DRIVERS      4
#define XB_MAX_DEVICES      1024
#define BE_ROOT             "/local/domain/0/backend"

static struct {
    bool ready;
    struct xsc c;
    struct os_work *work;
    const struct xb_driver *drv[XB_MAX_DRIVERS];
    unsigned int ndrv;
    struct xb_dev *devs;
    unsigned int ndevs;
    uint32_t lost_seen;
} xb;

static char listing[XENSTORE_PAYLOAD_MAX];      /* directory listings */

const char *xb_state_name(enum xenbus_state s)
{
    static const char *const names[] = {
        "Unknown", "Initialising", "InitWait", "Initialised", "Connected",
        "Closing", "Closed", "Reconfiguring", "Reconfigured",
    };
    return (unsigned int)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

/* A strict decimal: digits only, no sign, at most max. */
static int parse_uint(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;

    if (!*s || (s[0] == '0' && s[1]))
        return -EINVAL;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (max - (uint64_t)(*s - '0')) / 10)
            return -EINVAL;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = v;
    return 0;
}

/* ---- store access ------------------------------------------------------------ */

static int read_node(const char *path, char *buf, size_t size)
{
    uint32_t len;
    int rc = xsc_read(&xb.c, 0, path, buf, (uint32_t)size, &len);

    if (rc)
        return rc == -XEN_ENOENT ? -ENOENT : rc;
    if (len >= size)
        return -E2BIG;
    return 0;
}

int xb_be_read(struct xb_dev *dev, const char *node, char *buf, size_t size)
{
    char p[160];

    snprintf(p, sizeof(p), "%s/%s", dev->be_path, node);
    return read_node(p, buf, size);
}

int xb_fe_read(struct xb_dev *dev, const char *node, char *buf, size_t size)
{
    char p[192];

    snprintf(p, sizeof(p), "%s/%s", dev->fe_path, node);
    return read_node(p, buf, size);
}

int xb_fe_read_uint(struct xb_dev *dev, const char *node, uint64_t max, uint64_t *val)
{
    char v[24];
    int rc = xb_fe_read(dev, node, v, sizeof(v));

    if (rc)
        return rc == -ENOENT ? -ENOENT : -EINVAL;
    return parse_uint(v, max, val);
}

int xb_be_printf(struct xb_dev *dev, const char *node, const char *fmt, ...)
{
    char p[160], v[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(v, sizeof(v), fmt, ap);
    va_end(ap);
    snprintf(p, sizeof(p), "%s/%s", dev->be_path, node);
    return xsc_write_str(&xb.c, 0, p, v);
}

void xb_dev_error(struct xb_dev *dev, int err, const char *fmt, ...)
{
    char msg[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    printf("%s: %u/%u: %s (%d)\n", dev->drv->type, dev->domid, dev->devid, msg, err);
    xb_be_printf(dev, "error", "%d %s", err < 0 ? -err : err, msg);
}

static void set_state(struct xb_dev *dev, enum xenbus_state s)
{
    if (dev->state == s)
        return;
    dev->state = s;
    xb_be_printf(dev, "state", "%d", (int)s);
}

static void disconnect(struct xb_dev *dev);

void xb_dev_fatal(struct xb_dev *dev, int err, const char *fmt, ...)
{
    char msg[200];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    xb_dev_error(dev, err, "%s", msg);
    disconnect(dev);
    set_state(dev, XenbusStateClosing);
}

/* ---- devices ------------------------------------------------------------------ */

static struct xb_dev *find(const struct xb_driver *drv, uint16_t domid, uint32_t devid)
{
    for (struct xb_dev *d = xb.devs; d; d = d->next)
        if (d->drv == drv && d->domid == domid && d->devid == devid)
            return d;
    return NULL;
}

static void fe_token(const struct xb_dev *dev, char *tok, size_t size)
{
    snprintf(tok, size, "f:%s/%u/%u", dev->drv->type, dev->domid, dev->devid);
}

static void disconnect(struct xb_dev *dev)
{
    if (!dev->connected)
        return;
    dev->connected = false;
    dev->drv->disconnect(dev);
}

/* The device goes: disconnected, removed, forgotten.  No store writes:
 * its directories are gone or going. */
static void teardown(struct xb_dev *dev)
{
    char p[128], tok[48];

    disconnect(dev);
    if (dev->drv->remove)
        dev->drv->remove(dev);
    snprintf(p, sizeof(p), "%s/state", dev->fe_path);
    fe_token(dev, tok, sizeof(tok));
    xsc_unwatch(&xb.c, p, tok);
    for (struct xb_dev **pp = &xb.devs; *pp; pp = &(*pp)->next) {
        if (*pp == dev) {
            *pp = dev->next;
            break;
        }
    }
    xb.ndevs--;
    free(dev);
}

/* A device directory xl wrote: check what it says, start watching. */
static struct xb_dev *create(const struct xb_driver *drv, uint16_t domid, uint32_t devid)
{
    struct xb_dev *dev;
    char v[96], home[40], p[128], tok[48];
    uint64_t fid;

    if (xb.ndevs >= XB_MAX_DEVICES || !(dev = calloc(1, sizeof(*dev))))
        return NULL;
    dev->drv = drv;
    dev->domid = domid;
    dev->devid = devid;
    snprintf(dev->be_path, sizeof(dev->be_path), BE_ROOT "/%s/%u/%u", drv->type, domid, devid);
    /* The frontend must be in the domain's own home: a backend directory
     * naming another domain's device would hand one guest another's disk. */
    snprintf(home, sizeof(home), "/local/domain/%u/", domid);
    if (xb_be_read(dev, "frontend", v, sizeof(v)) || strncmp(v, home, strlen(home)) ||
        strstr(v, "/..") || xb_be_read(dev, "frontend-id", p, sizeof(p)) ||
        parse_uint(p, 0xffff, &fid) || fid != domid) {
        printf("%s: %s names no frontend of domain %u: ignored\n", drv->type, dev->be_path,
               domid);
        free(dev);
        return NULL;
    }
    strcpy(dev->fe_path, v);
    dev->state = XenbusStateInitialising;       /* what xl wrote */
    dev->fe_state = XenbusStateUnknown;
    dev->next = xb.devs;
    xb.devs = dev;
    xb.ndevs++;
    snprintf(p, sizeof(p), "%s/state", dev->fe_path);
    fe_token(dev, tok, sizeof(tok));
    xsc_watch(&xb.c, p, tok);
    return dev;
}

static void do_connect(struct xb_dev *dev)
{
    int rc = dev->drv->connect(dev);

    if (rc) {
        xb_dev_error(dev, rc, "cannot connect to the frontend");
        set_state(dev, XenbusStateClosing);
        return;
    }
    dev->connected = true;
    dev->connects++;
    set_state(dev, XenbusStateConnected);
}

/* The state machine: what the frontend's state and xl's `online` ask for,
 * given ours. */
static void step(struct xb_dev *dev)
{
    enum xenbus_state fe = dev->fe_state;

    if (!dev->online) {                         /* xl detaches the device */
        if (fe == XenbusStateInitialised || fe == XenbusStateConnected) {
            set_state(dev, XenbusStateClosing); /* ask the frontend to close */
            return;
        }
        /* The frontend closes, closed, or never connected: done. */
        disconnect(dev);
        set_state(dev, fe == XenbusStateClosing ? XenbusStateClosing : XenbusStateClosed);
        return;
    }
    switch (fe) {
    case XenbusStateInitialising:
        /* A new frontend: after a close (Xen's reconnection), or one that
         * started over without closing (a boot loader handing the disk to
         * the kernel it loaded, a kexec): the old connection goes. */
        if (dev->state == XenbusStateClosed || dev->state == XenbusStateClosing ||
            dev->state == XenbusStateConnected) {
            disconnect(dev);
            set_state(dev, XenbusStateInitWait);
        }
        break;
    case XenbusStateInitialised:
    case XenbusStateConnected:
        if (dev->state == XenbusStateInitWait)
            do_connect(dev);
        break;
    case XenbusStateClosing:
        disconnect(dev);
        if (dev->state != XenbusStateClosed)
            set_state(dev, XenbusStateClosing);
        break;
    case XenbusStateClosed:
    case XenbusStateUnknown:                    /* its directory is gone */
        disconnect(dev);
        if (dev->state != XenbusStateInitialising && dev->state != XenbusStateInitWait)
            set_state(dev, XenbusStateClosed);
        break;
    default:                                    /* InitWait, Reconfiguring: not ours */
        break;
    }
}

/* Look at device (type, domid, devid) again; mark it seen. */
static struct xb_dev *update(const struct xb_driver *drv, uint16_t domid, uint32_t devid)
{
    struct xb_dev *dev = find(drv, domid, devid);
    char v[24], p[96];
    uint64_t n;
    int rc;

    snprintf(p, sizeof(p), BE_ROOT "/%s/%u/%u/frontend", drv->type, domid, devid);
    if (read_node(p, v, 1) == -ENOENT) {        /* xl removed it */
        if (dev)
            teardown(dev);
        return NULL;
    }
    if (!dev && !(dev = create(drv, domid, devid)))
        return NULL;
    dev->online = !xb_be_read(dev, "online", v, sizeof(v)) && !strcmp(v, "1");
    if (!dev->probed) {
        dev->probed = true;
        if ((rc = drv->probe(dev))) {
            /* The driver's own `error` (more precise) is kept. */
            printf("%s: %u/%u: cannot set the device up (%d)\n", drv->type, domid, devid, rc);
            if (xb_be_read(dev, "error", v, sizeof(v)) == -ENOENT)
                xb_dev_error(dev, rc, "cannot set the device up");
            set_state(dev, XenbusStateClosed);
            dev->online = false;
            dev->failed = true;
            return dev;
        }
        set_state(dev, XenbusStateInitWait);
    }
    /* A device whose probe failed stays Closed whatever the frontend does
     * (its driver has nothing set up to connect) until xl removes it. */
    if (dev->failed)
        return dev;
    rc = xb_fe_read_uint(dev, "state", XenbusStateReconfigured, &n);
    if (rc == -ENOENT)
        dev->fe_state = XenbusStateUnknown;
    else if (!rc)
        dev->fe_state = (enum xenbus_state)n;
    /* else: a value that is no state -- nothing changes */
    step(dev);
    return dev;
}

/* ---- events -------------------------------------------------------------------- */

static const struct xb_driver *driver(const char *type, size_t len)
{
    for (unsigned int i = 0; i < xb.ndrv; i++)
        if (strlen(xb.drv[i]->type) == len && !strncmp(xb.drv[i]->type, type, len))
            return xb.drv[i];
    return NULL;
}

/* A number of at most max from s up to the next '/' or the end. */
static const char *take_num(const char *s, uint64_t max, uint64_t *out)
{
    char buf[16];
    size_t n = strcspn(s, "/");

    if (n == 0 || n >= sizeof(buf))
        return NULL;
    memcpy(buf, s, n);
    buf[n] = '\0';
    return parse_uint(buf, max, out) ? NULL : s + n;
}

/* Every device of a type (domid < 0: of every domain) looked at again;
 * the ones whose directories are gone are torn down. */
static void rescan(const struct xb_driver *drv, long domid)
{
    char p[96], *names;
    uint32_t len;
    uint64_t d, n;
    struct xb_dev *dev, *next;

    if (domid < 0)
        snprintf(p, sizeof(p), BE_ROOT "/%s", drv->type);
    else
        snprintf(p, sizeof(p), BE_ROOT "/%s/%ld", drv->type, domid);
    if (xsc_directory(&xb.c, 0, p, listing, sizeof(listing), &len))
        len = 0;
    if (!(names = malloc(len + 1)))
        return;
    memcpy(names, listing, len);
    for (uint32_t off = 0; off < len; off += (uint32_t)strlen(names + off) + 1) {
        if (domid < 0) {
            if (parse_uint(names + off, 0xfffe, &d))
                continue;
            rescan(drv, (long)d);
            continue;
        }
        if (parse_uint(names + off, 0xffffffffu, &n))
            continue;
        update(drv, (uint16_t)domid, (uint32_t)n);
    }
    free(names);
    /* Devices whose directories are gone. */
    for (dev = xb.devs; dev; dev = next) {
        next = dev->next;
        if (dev->drv != drv || (domid >= 0 && dev->domid != domid))
            continue;
        snprintf(p, sizeof(p), "%s/frontend", dev->be_path);
        if (read_node(p, listing, 1) == -ENOENT)
            teardown(dev);
    }
}

static void handle_event(const char *path, const char *token)
{
    const struct xb_driver *drv;
    const char *s;
    uint64_t d, n;

    if (!strncmp(token, "t:", 2)) {
        if (!(drv = driver(token + 2, strlen(token + 2))))
            return;
        size_t l = strlen(BE_ROOT "/") + strlen(drv->type);
        if (strncmp(path, BE_ROOT "/", strlen(BE_ROOT "/")) ||
            strncmp(path + strlen(BE_ROOT "/"), drv->type, strlen(drv->type)))
            return;
        s = path + l;
        if (!*s) {
            rescan(drv, -1);
            return;
        }
        if (*s != '/' || !(s = take_num(s + 1, 0xfffe, &d)))
            return;
        if (!*s) {
            rescan(drv, (long)d);
            return;
        }
        if (*s != '/' || !(s = take_num(s + 1, 0xffffffffu, &n)))
            return;
        update(drv, (uint16_t)d, (uint32_t)n);
        return;
    }
    if (!strncmp(token, "f:", 2)) {             /* f:<type>/<domid>/<devid> */
        s = token + 2;
        size_t tl = strcspn(s, "/");
        if (!(drv = driver(s, tl)) || !(s = take_num(s + tl + 1, 0xfffe, &d)) || *s != '/' ||
            !(s = take_num(s + 1, 0xffffffffu, &n)) || *s)
            return;
        if (find(drv, (uint16_t)d, (uint32_t)n))
            update(drv, (uint16_t)d, (uint32_t)n);
    }
}

static void run(void *arg)
{
    static char path[XENSTORE_PAYLOAD_MAX], token[64];
    unsigned int i;

    (void)arg;
    for (i = 0; i < XB_EVENTS_PER_TURN; i++)
        if (xsc_event(&xb.c, false, path, sizeof(path), token, sizeof(token)) <= 0)
            break;
        else
            handle_event(path, token);
    if (xb.c.lost != xb.lost_seen) {            /* events were dropped: look at all */
        xb.lost_seen = xb.c.lost;
        for (unsigned int k = 0; k < xb.ndrv; k++)
            rescan(xb.drv[k], -1);
    }
    if (i == XB_EVENTS_PER_TURN)
        os_work_queue(xb.work);                 /* more may wait: next turn */
}

static void notify(void *arg)
{
    (void)arg;
    os_work_queue(xb.work);
}

/* ---- the domain's end ------------------------------------------------------------- */

static void destroying(void *arg, uint16_t domid)
{
    struct xb_dev *dev, *next;

    (void)arg;
    for (dev = xb.devs; dev; dev = next) {
        next = dev->next;
        if (dev->domid == domid)
            teardown(dev);
    }
}

static struct ts_observer observer = { .destroying = destroying };

/* ---- setup ------------------------------------------------------------------------- */

int xb_init(void)
{
    int rc;

    if (xb.ready)
        return 0;
    if (!(xb.work = os_work_new(run, NULL)))
        return -ENOMEM;
    if ((rc = xsd_connect_notify(&xb.c, notify, NULL))) {
        os_work_free(xb.work);
        xb.work = NULL;
        return rc;
    }
    ts_observe(&observer);
    xb.ready = true;
    return 0;
}

int xb_register(const struct xb_driver *drv)
{
    char p[64], tok[32];
    int rc;

    if (!xb.ready)
        return -ENOENT;
    if (xb.ndrv >= XB_MAX_DRIVERS || driver(drv->type, strlen(drv->type)))
        return -EEXIST;
    snprintf(p, sizeof(p), BE_ROOT "/%s", drv->type);
    snprintf(tok, sizeof(tok), "t:%s", drv->type);
    if ((rc = xsc_watch(&xb.c, p, tok)))
        return rc;
    xb.drv[xb.ndrv++] = drv;
    return 0;
}

bool xb_serves(const char *type)
{
    return xb.ready && driver(type, strlen(type)) != NULL;
}

void xb_for_each(const char *type, void (*fn)(struct xb_dev *dev, void *arg), void *arg)
{
    for (struct xb_dev *d = xb.devs; d; d = d->next)
        if (!type || !strcmp(d->drv->type, type))
            fn(d, arg);
}

static void show(struct xb_dev *dev, void *arg)
{
    char line[200] = "";

    (void)arg;
    if (dev->drv->describe)
        dev->drv->describe(dev, line, sizeof(line));
    printf("%-4s %5u %8u %-12s %-12s %3u  %s\n", dev->drv->type, dev->domid, dev->devid,
           xb_state_name(dev->state), xb_state_name(dev->fe_state), dev->connects, line);
}

int xb_shell_cmd(int argc, char **argv)
{
    (void)argv;
    if (argc > 2) {
        fprintf(stderr, "usage: xenbus-backends [TYPE]\n");
        return 2;
    }
    if (!xb.ready) {
        fprintf(stderr, "xenbus-backends: no backends are running\n");
        return 1;
    }
    printf("type domid    devid state        frontend     con  driver\n");
    xb_for_each(argc == 2 ? argv[1] : NULL, show, NULL);
    return 0;
}
