/*
 * test-xs-fuzz: random traffic against the store, checked two ways.
 *
 *   model      a privileged client does random WRITE/MKDIR/RM/READ/
 *              DIRECTORY/GET_PERMS on a small universe of paths, and every
 *              answer is compared with a plain reference model of Xen's
 *              semantics (values, implicit parents, subtree removal,
 *              children in creation order);
 *   chaos      several clients -- the privileged domain, unprivileged
 *              pipes, and ring domains that lie about their indexes,
 *              reset their rings, die and come back -- send well-formed
 *              and malformed messages of every type (random lengths, some
 *              over 4096, random strings, random transaction ids) under
 *              small quotas; after every step every invariant of the store
 *              must hold (xs_check), and at the end everything is freed
 *              with nothing mapped or bound.
 *
 * Deterministic: fixed seeds, a xorshift generator.
 */
#include "htest.h"
#include "harness.h"

static uint64_t rng;
static uint32_t rnd(uint32_t n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return n ? (uint32_t)(rng % n) : 0;
}

/* ---- the reference model ------------------------------------------------ */

#define MP 400
struct mnode {
    char path[64];
    char value[16];
    bool exists;
    uint64_t born;          /* creation order, for children order */
};
static struct mnode m[MP];
static int mn;
static uint64_t clock_;

static struct mnode *mfind(const char *p)
{
    for (int i = 0; i < mn; i++)
        if (m[i].exists && !strcmp(m[i].path, p))
            return &m[i];
    return NULL;
}

static void mcreate(const char *p, const char *v)
{
    char parent[64];
    const char *slash = strrchr(p, '/');
    size_t pl = (size_t)(slash - p);

    if (pl) {
        memcpy(parent, p, pl);
        parent[pl] = '\0';
        if (!mfind(parent))
            mcreate(parent, "");
    }
    struct mnode *n = mfind(p);
    if (!n) {
        for (int i = 0; i < mn; i++)
            if (!m[i].exists) {
                n = &m[i];
                break;
            }
        if (!n)
            n = &m[mn++];
        snprintf(n->path, sizeof(n->path), "%s", p);
        n->exists = true;
        n->born = ++clock_;
        n->value[0] = '\0';
    }
    snprintf(n->value, sizeof(n->value), "%s", v);
}

static bool under(const char *p, const char *top)
{
    size_t l = strlen(top);
    return !strncmp(p, top, l) && (p[l] == '\0' || p[l] == '/');
}

static void mremove(const char *p)
{
    for (int i = 0; i < mn; i++)
        if (m[i].exists && under(m[i].path, p))
            m[i].exists = false;
}

/* "a|b|" in creation order. */
static void mchildren(const char *p, char *out, size_t size)
{
    struct mnode *kids[MP];
    int k = 0;
    size_t pl = strlen(p);

    for (int i = 0; i < mn; i++) {
        const char *c = m[i].path;
        if (m[i].exists && !strncmp(c, p, pl) && c[pl] == '/' && !strchr(c + pl + 1, '/'))
            kids[k++] = &m[i];
    }
    for (int i = 1; i < k; i++)
        for (int j = i; j > 0 && kids[j - 1]->born > kids[j]->born; j--) {
            struct mnode *t = kids[j];
            kids[j] = kids[j - 1];
            kids[j - 1] = t;
        }
    out[0] = '\0';
    for (int i = 0; i < k; i++) {
        strncat(out, kids[i]->path + pl + 1, size - strlen(out) - 1);
        strncat(out, "|", size - strlen(out) - 1);
    }
}

static void random_path(char *p, size_t size)
{
    static const char *names[] = { "a", "b", "c", "dd" };
    int depth = 1 + (int)rnd(4);
    size_t o = 0;

    o += (size_t)snprintf(p + o, size - o, "/m");
    for (int i = 0; i < depth; i++)
        o += (size_t)snprintf(p + o, size - o, "/%s", names[rnd(4)]);
}

HTEST(model)
{
    for (uint64_t seed = 1; seed <= 4; seed++) {
        struct xt *x = xt_new(NULL);
        struct xt_conn *c = xt_pipe(x, 0, true);
        char p[64], v[16], want[4096];

        rng = seed * 0x9e3779b97f4a7c15ull;
        mn = 0;
        clock_ = 0;
        memset(m, 0, sizeof(m));
        xt_op(c, XS_MKDIR, 0, "/m", NULL);
        mcreate("/m", "");
        for (int step = 0; step < 4000; step++) {
            struct mnode *n;
            random_path(p, sizeof(p));
            switch (rnd(6)) {
            case 0:
            case 1:
                snprintf(v, sizeof(v), "v%u", rnd(1000));
                CHECK_STREQ(xt_write(c, 0, p, v), "OK|");
                mcreate(p, v);
                break;
            case 2:
                CHECK_STREQ(xt_op(c, XS_MKDIR, 0, p, NULL), "OK|");
                if (!mfind(p))
                    mcreate(p, "");
                break;
            case 3: {
                char parent[64];
                snprintf(parent, sizeof(parent), "%s", p);
                *strrchr(parent, '/') = '\0';
                const char *r = xt_op(c, XS_RM, 0, p, NULL);
                if (mfind(p) || mfind(parent)) {
                    CHECK_STREQ(r, "OK|");
                    mremove(p);
                } else {
                    CHECK_STREQ(r, "!ENOENT");
                }
                break;
            }
            case 4:
                n = mfind(p);
                CHECK_STREQ(xt_read(c, 0, p), n ? n->value : "!ENOENT");
                break;
            case 5:
                n = mfind(p);
                if (n)
                    mchildren(p, want, sizeof(want));
                else
                    strcpy(want, "!ENOENT");
                CHECK_STREQ(xt_op(c, XS_DIRECTORY, 0, p, NULL), want);
                break;
            }
            if (htest_failed_checks) {
                fprintf(stderr, "seed %llu step %d path %s\n", (unsigned long long)seed, step, p);
                break;
            }
        }
        CHECK(xt_check(x) == NULL);
        xt_close(c);
        CHECK_EQ(xt_free(x), 0);
    }
}

/* ---- chaos ------------------------------------------------------------------ */

static const char *const fragments[] = {
    "/", "/local", "/local/domain", "/local/domain/1", "/local/domain/2/data",
    "data", "data/x", "x", "@releaseDomain", "@introduceDomain", "@x", "/a/b/c",
    "//", "/a/", "", "bad path", "n0", "r1", "b2", "w3", "T", "F", "1", "2", "0",
    "4097", "65535", "check", "quota", "nodes", "/tool/xenstored", "../etc",
};

static uint32_t random_payload(uint8_t *buf, uint32_t max)
{
    uint32_t len = 0, parts = rnd(5);

    if (rnd(10) == 0) {                     /* pure noise */
        len = rnd(max < 200 ? max : 200);
        for (uint32_t i = 0; i < len; i++)
            buf[i] = (uint8_t)rnd(256);
        return len;
    }
    for (uint32_t i = 0; i < parts; i++) {
        const char *f = fragments[rnd(sizeof(fragments) / sizeof(fragments[0]))];
        size_t l = strlen(f);
        if (rnd(4) == 0 && l < 40) {        /* a deeper path from it */
            char tmp[128];
            int n = snprintf(tmp, sizeof(tmp), "%s/%c%u", f[0] ? f : "/z", 'a' + rnd(3), rnd(5));
            if (len + (uint32_t)n + 1 > max)
                break;
            memcpy(buf + len, tmp, (size_t)n + 1);
            len += (uint32_t)n + 1;
            continue;
        }
        if (len + l + 1 > max)
            break;
        memcpy(buf + len, f, l + 1);
        len += (uint32_t)l + 1;
    }
    if (len && rnd(6) == 0)
        len--;                              /* drop the final NUL */
    return len;
}

/* A random path, mostly in places the clients can use. */
static int rpath(char *out, size_t size)
{
    static const char *const bases[] = { "/local/domain/1", "/local/domain/2", "/local/domain/3",
                                         "data", "x", "/shared", "/local/domain/7", "/" };
    const char *b = bases[rnd(8)];
    int n = snprintf(out, size, "%s", b);

    for (uint32_t d = rnd(4); d; d--)
        n += snprintf(out + n, size - (size_t)n, "%s%c%u", (n == 1 && out[0] == '/') ? "" : "/",
                      'a' + rnd(3), rnd(3));
    return n;
}

/* A payload that makes sense for `type` (most of the time). */
static uint32_t shaped_payload(uint32_t type, uint8_t *buf)
{
    char p[256], q[64];
    int n = rpath(p, sizeof(p));
    uint32_t len = 0;

#define ADD(s, l) do { memcpy(buf + len, (s), (l)); len += (uint32_t)(l); } while (0)
    switch (type) {
    case XS_WRITE:
        ADD(p, (size_t)n + 1);
        for (uint32_t i = rnd(400); i; i--)
            buf[len++] = (uint8_t)('a' + rnd(26));
        break;
    case XS_WATCH:
    case XS_UNWATCH:
        if (rnd(5) == 0)
            n = snprintf(p, sizeof(p), "%s", rnd(2) ? "@releaseDomain" : "@introduceDomain");
        ADD(p, (size_t)n + 1);
        n = snprintf(q, sizeof(q), "tok%u", rnd(10));
        ADD(q, (size_t)n + 1);
        break;
    case XS_TRANSACTION_START:
        ADD("", 1);
        break;
    case XS_TRANSACTION_END:
        ADD(rnd(2) ? "T" : "F", 2);
        break;
    case XS_SET_PERMS:
        ADD(p, (size_t)n + 1);
        for (uint32_t i = 1 + rnd(3); i; i--) {
            n = snprintf(q, sizeof(q), "%c%u", "nrwb"[rnd(4)], rnd(10));
            ADD(q, (size_t)n + 1);
        }
        break;
    case XS_DIRECTORY_PART:
        ADD(p, (size_t)n + 1);
        n = snprintf(q, sizeof(q), "%u", rnd(40));
        ADD(q, (size_t)n + 1);
        break;
    case XS_INTRODUCE:
    case XS_RELEASE:
    case XS_RESUME:
    case XS_IS_DOMAIN_INTRODUCED:
    case XS_GET_DOMAIN_PATH:
    case XS_SET_TARGET:
        n = snprintf(q, sizeof(q), "%u", rnd(6));
        ADD(q, (size_t)n + 1);
        if (type == XS_SET_TARGET || type == XS_INTRODUCE) {
            n = snprintf(q, sizeof(q), "%u", rnd(6));
            ADD(q, (size_t)n + 1);
        }
        if (type == XS_INTRODUCE)
            ADD("1", 2);
        break;
    case XS_CONTROL:
        if (rnd(2))
            ADD("check", 6);
        else
            ADD("help", 5);
        break;
    default:
        ADD(p, (size_t)n + 1);
        break;
    }
#undef ADD
    return len;
}

static void chaos_step(struct xt *x, struct xt_conn **cs, int nc, uint32_t *txids)
{
    static uint8_t buf[5000];
    int ci = (int)rnd((uint32_t)nc);
    struct xt_conn *c = cs[ci];
    struct xsd_sockmsg h;

    if (c->d && (c->d->state == XS_DOM_GONE))
        return;
    if (c->p && !xt_alive(c)) {             /* a dropped local client reconnects */
        uint16_t domid = ci == 0 ? 0 : (uint16_t)(6 + ci);
        xs_pipe_close(c->p);
        c->p = xs_pipe_open(x->s, domid, ci == 0);
        c->in_len = 0;
    }
    for (int k = 0; k < 3; k++) {
        static const uint32_t common[] = {
            XS_READ, XS_WRITE, XS_WRITE, XS_WRITE, XS_MKDIR, XS_RM, XS_DIRECTORY,
            XS_DIRECTORY_PART, XS_GET_PERMS, XS_SET_PERMS, XS_WATCH, XS_UNWATCH,
            XS_TRANSACTION_START, XS_TRANSACTION_END, XS_TRANSACTION_END,
        };
        uint32_t r = rnd(100);
        h.type = r < 75 ? common[rnd(sizeof(common) / sizeof(common[0]))] :
                 r < 97 ? rnd(XS_TYPE_COUNT + 2) : rnd(0xffffffffu);
        h.req_id = rnd(100);
        h.tx_id = rnd(3) ? 0 : rnd(4) ? txids[ci] : rnd(10);
        h.len = rnd(5) ? shaped_payload(h.type, buf) : random_payload(buf, 4096);
        if (rnd(1500) == 0)
            h.len = 4097 + rnd(100000);    /* fatal for that connection */
        xt_send_raw(c, &h, sizeof(h));
        if (h.len <= 4096)
            xt_send_raw(c, buf, h.len);
    }
    if (c->d && rnd(1000) == 0)              /* lie about an index */
        c->d->page->req_prod += 2000;
    if (c->d && rnd(300) == 0) {             /* reset the ring */
        c->d->page->connection = XENSTORE_RECONNECT;
        c->req_prod = c->d->page->req_prod;
        xs_port_event(x->s, c->d->local);
    }
    xt_run(x);
    if (c->d && c->d->page->connection == XENSTORE_CONNECTED &&
        c->req_prod != c->d->page->req_prod) {
        c->req_prod = c->d->page->req_prod;
        c->rsp_cons = c->d->page->rsp_cons;
        c->in_len = 0;
    }
    /* Usually the client reads what came back (remembering a new
     * transaction id); sometimes it lets replies pile up. */
    if (rnd(8)) {
        for (int guard = 0; guard < 64; guard++) {
            const char *e = xt_event(c);
            if (!e)
                break;
        }
        if (c->last_type == XS_TRANSACTION_START)
            txids[ci] = (uint32_t)strtoul(c->last, NULL, 10);
    }
}

HTEST(chaos)
{
    for (uint64_t seed = 1; seed <= 3; seed++) {
        struct xt *x = xt_new("nodes=50 watches=8 transactions=3 outstanding=4 "
                              "value_size=300 path_length=100 memory=60000 events=8");
        struct xt_conn *cs[8];
        uint32_t txids[8] = { 0 };
        int nc = 0;
        char id[8], mfn[16], home[32], perm[8];

        rng = seed * 0x2545f4914f6cdd1dull;
        cs[nc++] = xt_pipe(x, 0, true);
        cs[nc++] = xt_pipe(x, 7, false);
        cs[nc++] = xt_pipe(x, 8, false);
        for (uint16_t d = 7; d <= 8; d++) {
            snprintf(home, sizeof(home), "/local/domain/%u", d);
            snprintf(perm, sizeof(perm), "b%u", d);
            xt_op(cs[0], XS_MKDIR, 0, home, NULL);
            xt_op(cs[0], XS_SET_PERMS, 0, home, "n0", perm, NULL);
        }
        xt_op(cs[0], XS_MKDIR, 0, "/shared", NULL);
        xt_op(cs[0], XS_SET_PERMS, 0, "/shared", "r0", "b1", "b7", "w2", NULL);
        for (uint16_t d = 1; d <= 3; d++) {
            xt_dom(x, d);
            snprintf(id, sizeof(id), "%u", d);
            snprintf(mfn, sizeof(mfn), "%u", 0x1000u + d);
            snprintf(home, sizeof(home), "/local/domain/%u", d);
            snprintf(perm, sizeof(perm), "b%u", d);
            xt_op(cs[0], XS_MKDIR, 0, home, NULL);
            xt_op(cs[0], XS_SET_PERMS, 0, home, "n0", perm, NULL);
            CHECK_STREQ(xt_op(cs[0], XS_INTRODUCE, 0, id, mfn, "1", NULL), "OK|");
            cs[nc++] = xt_ring(x, d);
        }
        for (int step = 0; step < 6000; step++) {
            chaos_step(x, cs, nc, txids);
            if (rnd(400) == 0) {            /* a domain dies, or comes back */
                uint16_t d = (uint16_t)(1 + rnd(3));
                struct xt_dom *dd = xt_dom(x, d);
                if (dd->state == XS_DOM_GONE) {
                    dd->state = XS_DOM_RUNNING;
                    memset(dd->page, 0, 4096);
                    snprintf(id, sizeof(id), "%u", d);
                    snprintf(mfn, sizeof(mfn), "%u", 0x1000u + d);
                    xt_op(cs[0], XS_INTRODUCE, 0, id, mfn, "1", NULL);
                    cs[2 + d]->req_prod = cs[2 + d]->rsp_cons = 0;
                    cs[2 + d]->in_len = 0;
                } else {
                    dd->state = rnd(2) ? XS_DOM_GONE : XS_DOM_SHUTDOWN;
                }
                xs_domains_changed(x->s);
            }
            const char *why = xt_check(x);
            if (why) {
                CHECK(why == NULL);
                fprintf(stderr, "seed %llu step %d: %s\n", (unsigned long long)seed, step, why);
                break;
            }
        }
        struct xs_stats st;
        xs_get_stats(x->s, &st);
        if (getenv("XT_VERBOSE"))
            fprintf(stderr, "seed %llu: %llu requests, %llu errors, %llu dropped connections, "
                    "%llu events (%llu dropped), %llu conflicts\n", (unsigned long long)seed,
                    (unsigned long long)st.requests, (unsigned long long)st.errors,
                    (unsigned long long)st.dropped_conns, (unsigned long long)st.events,
                    (unsigned long long)st.events_dropped, (unsigned long long)st.conflicts);
        CHECK(st.requests > 10000);
        CHECK(st.errors > 1000);
        /* The privileged client still works after all that. */
        CHECK_STREQ(xt_op(cs[0], XS_GET_DOMAIN_PATH, 0, "1", NULL), "/local/domain/1|");
        for (int i = 0; i < nc; i++)
            xt_close(cs[i]);
        CHECK_EQ(xt_free(x), 0);
    }
}
