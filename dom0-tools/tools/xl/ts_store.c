/*
 * The toolstack's part of xenstore (see ts_store.h): the standard layout
 * libxl writes for a PV domain (fact sheet §3.6 and §6.7), its removal,
 * and the control/shutdown protocol with its forced fallback.
 *
 * The layout of domain D with UUID U, written in one transaction (retried
 * on EAGAIN) before the domain first runs, then XS_INTRODUCE:
 *
 *   /local/domain/D                       n0 rD   (everything below inherits
 *     name, domid, vm = /vm/U                      "read-only for D" unless
 *     memory/static-max, memory/target (KiB)       said otherwise)
 *     cpu/<n>/availability = online (n < vcpus) or offline (up to maxvcpus)
 *     store/port, store/ring-ref (the MFN)
 *     control/shutdown = ""                 nD
 *     control/feature-{poweroff,reboot,suspend}, control/sysrq = ""  nD
 *     control/platform-feature-multiprocessor-suspend = 1
 *     control/platform-feature-xs_reset_watches = 1
 *     device/suspend/event-channel = ""     nD
 *     data                                  nD
 *     device                                (frontends: device/<type>/<n>, nD rB)
 *     console/{backend, backend-id = 0, limit, type = xenconsoled,
 *              output = pty}                nD r0 (the frontend)
 *     console/ring-ref, console/port        n0 rD (Dom0's, read-only to D)
 *   /local/domain/0/backend/console/D/0   n0 rD
 *     frontend, frontend-id, online = 1, state = 1, domain, protocol = vt100
 *   /vm/U                                 n0 rD
 *     uuid, name, start_time, image/{ostype, kernel, ramdisk, cmdline}
 *
 * The primary console is served by Dom0's console backend from the
 * builder's grant and port; its directories are what libxl writes for a
 * console 0 (backend state 1, which the primary console's backend never
 * changes).  Disks and network interfaces get their frontend and backend
 * directories from the backends that serve them, once Dom0 has them: a
 * frontend directory without a backend would make a Linux guest wait for
 * it at boot.
 *
 * Removal (xl destroy, or a domain found gone): /vm/U (found through
 * ~/vm), /local/domain/D, and D's directory under every backend type of
 * /local/domain/0/backend (a type left empty goes too), so a create and
 * destroy leave the store's node count exactly as it was.
 */
#include "ts_store.h"
#include "toolstack.h"
#include "hv.h"
#include "os_loop.h"
#include "os_time.h"
#include <public/errno.h>
#include <public/sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAYOUT_TRIES 16

uint64_t ts_shutdown_timeout_ns = TS_SHUTDOWN_TIMEOUT_DEFAULT_NS;

static struct xsc *xs;

/* A shutdown request waiting for the guest, with its forced fallback. */
struct request {
    uint16_t domid;
    unsigned int reason;
    struct os_timer *timer;
    struct request *next;
};
static struct request *requests;

/* ---- writing: errors are sticky, so a sequence checks once ------------------ */

struct batch {
    uint32_t tx;
    int rc;
};

static void put(struct batch *b, const char *path, const char *value)
{
    if (!b->rc)
        b->rc = xsc_write_str(xs, b->tx, path, value);
}

static void putf(struct batch *b, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void putf(struct batch *b, const char *path, const char *fmt, ...)
{
    char v[64];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(v, sizeof(v), fmt, ap);
    va_end(ap);
    put(b, path, v);
}

/* Permissions "p1" [ "p2" ] on path. */
static void perms(struct batch *b, const char *path, const char *p1, const char *p2)
{
    char list[32];
    size_t l1 = strlen(p1) + 1, l2 = p2 ? strlen(p2) + 1 : 0;

    memcpy(list, p1, l1);
    if (p2)
        memcpy(list + l1, p2, l2);
    if (!b->rc)
        b->rc = xsc_set_perms(xs, b->tx, path, list, (uint32_t)(l1 + l2));
}

static void mkdir_perms(struct batch *b, const char *path, const char *p1, const char *p2)
{
    if (!b->rc)
        b->rc = xsc_mkdir(xs, b->tx, path);
    perms(b, path, p1, p2);
}

/* Remove path; a missing node is not an error. */
static void rm(struct batch *b, const char *path)
{
    int rc;

    if (!b->rc && (rc = xsc_rm(xs, b->tx, path)) && rc != -XEN_ENOENT)
        b->rc = rc;
}

/* ---- attach ---------------------------------------------------------------- */

void ts_store_attach(struct xsc *c)
{
    struct batch b = { 0 };

    xs = c;
    if (!xs)
        return;
    put(&b, "/local/domain/0/name", "Domain-0");
    put(&b, "/local/domain/0/domid", "0");
    if (!b.rc)
        b.rc = xsc_mkdir(xs, 0, "/vm");
    if (b.rc)
        printf("xl: cannot write Dom0's home in xenstore (%d)\n", b.rc);
}

bool ts_store_present(void)
{
    return xs != NULL;
}

struct xsc *ts_store_client(void)
{
    return xs;
}

/* ---- the layout --------------------------------------------------------------- */

static void uuid_string(const uint8_t u[16], char out[37])
{
    snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
             u[12], u[13], u[14], u[15]);
}

/* Everything of the layout, inside transaction b->tx. */
static void write_layout(struct batch *b, const struct ts_domain *t, const struct hv_build *hb,
                         const char *vm)
{
    const struct domain_config *cfg = &t->cfg;
    uint16_t d = t->domid;
    char home[32], p[160], rd[8], nd[8], be[64], fe[48];

#define AT(...) (snprintf(p, sizeof(p), __VA_ARGS__), p)
    snprintf(home, sizeof(home), "/local/domain/%u", d);
    snprintf(rd, sizeof(rd), "r%u", d);
    snprintf(nd, sizeof(nd), "n%u", d);
    snprintf(be, sizeof(be), "/local/domain/0/backend/console/%u/0", d);
    snprintf(fe, sizeof(fe), "%s/console", home);

    rm(b, home);                            /* a stale one of an earlier domain D */
    rm(b, vm);
    rm(b, AT("/local/domain/0/backend/console/%u", d));
    mkdir_perms(b, home, "n0", rd);
    mkdir_perms(b, vm, "n0", rd);

    put(b, AT("%s/uuid", vm), vm + 4);
    put(b, AT("%s/name", vm), t->name);
    putf(b, AT("%s/start_time", vm), "%llu.00", (unsigned long long)t->start_wall);
    put(b, AT("%s/image/ostype", vm), "linux");
    put(b, AT("%s/image/kernel", vm), cfg->kernel ? cfg->kernel : "");
    put(b, AT("%s/image/ramdisk", vm), cfg->ramdisk ? cfg->ramdisk : "");
    put(b, AT("%s/image/cmdline", vm), cfg->cmdline ? cfg->cmdline : "");

    put(b, AT("%s/name", home), t->name);
    putf(b, AT("%s/domid", home), "%u", d);
    put(b, AT("%s/vm", home), vm);
    putf(b, AT("%s/memory/static-max", home), "%u", cfg->maxmem_mib * 1024);
    putf(b, AT("%s/memory/target", home), "%u", cfg->memory_mib * 1024);
    for (unsigned int n = 0; n < cfg->max_vcpus; n++)
        put(b, AT("%s/cpu/%u/availability", home, n), n < cfg->vcpus ? "online" : "offline");
    putf(b, AT("%s/store/port", home), "%u", hb->store_port);
    putf(b, AT("%s/store/ring-ref", home), "%u", hb->store_mfn);

    /* What the guest writes: its answer to shutdown requests, the
     * requests it understands (Linux writes feature-poweroff and friends
     * when its watch is set up), sysrq. */
    put(b, AT("%s/control/shutdown", home), "");
    perms(b, p, nd, NULL);
    put(b, AT("%s/control/feature-poweroff", home), "");
    perms(b, p, nd, NULL);
    put(b, AT("%s/control/feature-reboot", home), "");
    perms(b, p, nd, NULL);
    put(b, AT("%s/control/feature-suspend", home), "");
    perms(b, p, nd, NULL);
    put(b, AT("%s/control/sysrq", home), "");
    perms(b, p, nd, NULL);
    put(b, AT("%s/control/platform-feature-multiprocessor-suspend", home), "1");
    put(b, AT("%s/control/platform-feature-xs_reset_watches", home), "1");
    put(b, AT("%s/device/suspend/event-channel", home), "");
    perms(b, p, nd, NULL);
    mkdir_perms(b, AT("%s/data", home), nd, NULL);

    /* The primary console: frontend ~/console, backend in Dom0's home. */
    mkdir_perms(b, AT("%s/console", home), nd, "r0");
    put(b, AT("%s/console/backend", home), be);
    put(b, AT("%s/console/backend-id", home), "0");
    put(b, AT("%s/console/limit", home), "1048576");
    put(b, AT("%s/console/type", home), "xenconsoled");
    put(b, AT("%s/console/output", home), "pty");
    putf(b, AT("%s/console/ring-ref", home), "%u", hb->console_mfn);
    perms(b, p, "n0", rd);
    putf(b, AT("%s/console/port", home), "%u", hb->console_port);
    perms(b, p, "n0", rd);
    mkdir_perms(b, be, "n0", rd);
    put(b, AT("%s/frontend", be), fe);
    putf(b, AT("%s/frontend-id", be), "%u", d);
    put(b, AT("%s/online", be), "1");
    put(b, AT("%s/state", be), "1");
    put(b, AT("%s/domain", be), t->name);
    put(b, AT("%s/protocol", be), "vt100");
#undef AT
}

/* Run fn in a transaction until it commits or fails for another reason
 * than a conflict. */
static int transaction(void (*fn)(struct batch *b, const void *arg), const void *arg)
{
    int rc = -XEN_EAGAIN;

    for (int i = 0; i < LAYOUT_TRIES && rc == -XEN_EAGAIN; i++) {
        struct batch b = { 0 };
        if ((rc = xsc_tx_start(xs, &b.tx)))
            return rc;
        fn(&b, arg);
        if (b.rc) {
            xsc_tx_end(xs, b.tx, false);
            rc = b.rc;
        } else {
            rc = xsc_tx_end(xs, b.tx, true);
        }
    }
    return rc;
}

struct add_args {
    const struct ts_domain *t;
    const struct hv_build *hb;
    const char *vm;
};

static void add_fn(struct batch *b, const void *arg)
{
    const struct add_args *a = arg;
    write_layout(b, a->t, a->hb, a->vm);
}

int ts_store_domain_add(const struct ts_domain *t, const struct hv_build *hb)
{
    char uuid[37], vm[48];
    struct add_args a = { t, hb, vm };
    int rc;

    if (!xs)
        return 0;
    uuid_string(hb->uuid, uuid);
    snprintf(vm, sizeof(vm), "/vm/%s", uuid);
    if ((rc = transaction(add_fn, &a)))
        return rc;
    if ((rc = xsc_introduce(xs, t->domid, hb->store_mfn, hb->store_port)))
        ts_store_domain_remove(t->domid);
    return rc;
}

/* ---- removal ------------------------------------------------------------------ */

static void forget_request(uint16_t domid);

static void remove_fn(struct batch *b, const void *arg)
{
    static char types[XENSTORE_PAYLOAD_MAX];
    uint16_t d = *(const uint16_t *)arg;
    char p[96], vm[96];
    uint32_t len;

    snprintf(p, sizeof(p), "/local/domain/%u/vm", d);
    if (!xsc_read(xs, b->tx, p, vm, sizeof(vm), &len) && len > 4 && !memcmp(vm, "/vm/", 4) &&
        !strchr(vm + 4, '/'))
        rm(b, vm);
    snprintf(p, sizeof(p), "/local/domain/%u", d);
    rm(b, p);
    if (xsc_directory(xs, b->tx, "/local/domain/0/backend", types, sizeof(types), &len))
        return;
    for (uint32_t off = 0; off < len && !b->rc; off += (uint32_t)strlen(types + off) + 1) {
        char left[8];
        uint32_t n;
        snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%u", types + off, d);
        rm(b, p);
        snprintf(p, sizeof(p), "/local/domain/0/backend/%s", types + off);
        if (!b->rc && !xsc_directory(xs, b->tx, p, left, sizeof(left), &n) && !n)
            rm(b, p);
    }
    if (!b->rc && !xsc_directory(xs, b->tx, "/local/domain/0/backend", types, sizeof(types),
                                 &len) && !len)
        rm(b, "/local/domain/0/backend");
}

void ts_store_domain_remove(uint16_t domid)
{
    int rc;

    forget_request(domid);
    if (!xs)
        return;
    if ((rc = transaction(remove_fn, &domid)))
        printf("xl: cannot remove domain %u's nodes from xenstore (%d)\n", domid, rc);
}

void ts_store_domain_rename(uint16_t domid, const char *name)
{
    char p[96], vm[96];
    uint32_t len;
    int rc;

    if (!xs)
        return;
    snprintf(p, sizeof(p), "/local/domain/%u/name", domid);
    rc = xsc_write_str(xs, 0, p, name);
    snprintf(p, sizeof(p), "/local/domain/%u/vm", domid);
    if (!rc && !xsc_read(xs, 0, p, vm, sizeof(vm) - 6, &len) && !memcmp(vm, "/vm/", 4)) {
        strcat(vm, "/name");
        rc = xsc_write_str(xs, 0, vm, name);
    }
    if (rc)
        printf("xl: cannot write domain %u's new name in xenstore (%d)\n", domid, rc);
}

/* ---- shutdown requests ------------------------------------------------------------ */

static void forget_request(uint16_t domid)
{
    for (struct request **pp = &requests; *pp; pp = &(*pp)->next) {
        struct request *r = *pp;
        if (r->domid == domid) {
            *pp = r->next;
            os_timer_free(r->timer);
            free(r);
            return;
        }
    }
}

/* The timeout: force the domain down if it has not gone by itself. */
static void fallback(void *arg)
{
    struct request *r = arg;
    uint16_t domid = r->domid;
    unsigned int reason = r->reason;
    struct hv_dominfo info;
    int rc;

    forget_request(domid);                  /* frees r */
    if (hv_domain_info(domid, &info) || info.shutdown || info.dying)
        return;
    printf("xl: domain %u did not act on control/shutdown within %llu s: forcing %s\n",
           domid, (unsigned long long)(ts_shutdown_timeout_ns / OS_NS_PER_S),
           reason == SHUTDOWN_reboot ? "a reboot" : "a shutdown");
    if ((rc = hv_domain_shutdown(domid, reason)))
        printf("xl: forced shutdown of domain %u failed (%d)\n", domid, rc);
}

int ts_request_shutdown(uint16_t domid, unsigned int reason)
{
    const char *what = reason == SHUTDOWN_poweroff ? "poweroff" :
                       reason == SHUTDOWN_reboot ? "reboot" : NULL;
    struct request *r;
    char p[64], v[16];
    uint32_t len;

    snprintf(p, sizeof(p), "/local/domain/%u/control/shutdown", domid);
    /* No PV control (no store, not built by xl, another reason): force. */
    if (!xs || !what || xsc_read(xs, 0, p, v, sizeof(v), &len))
        return hv_domain_shutdown(domid, reason);
    forget_request(domid);                  /* a new request restarts the clock */
    if (!(r = calloc(1, sizeof(*r))) || !(r->timer = os_timer_new(fallback, r))) {
        free(r);
        return -XEN_ENOMEM;
    }
    r->domid = domid;
    r->reason = reason;
    if (xsc_write_str(xs, 0, p, what)) {
        os_timer_free(r->timer);
        free(r);
        return hv_domain_shutdown(domid, reason);
    }
    r->next = requests;
    requests = r;
    os_timer_set(r->timer, os_now_ns() + ts_shutdown_timeout_ns);
    return 0;
}
