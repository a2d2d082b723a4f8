/*
 * test-xs-quota: per-domain quotas, and that the privileged domain has
 * none.
 *
 * nodes (ENOSPC, charged to the owner), watches (ENOSPC), transactions
 * (ENOSPC at START), value size (ENOSPC), path length (EINVAL), memory
 * (ENOMEM), each freed again by removing what used it; per-domain limits
 * set with CONTROL "quota name value domid"; the counters the store keeps
 * always equal what it holds (xs_check after every step).
 */
#include "htest.h"
#include "harness.h"

static struct xt *x;
static struct xt_conn *d0, *d5;

static void setup(const char *cfg)
{
    x = xt_new(cfg);
    d0 = xt_pipe(x, 0, true);
    d5 = xt_pipe(x, 5, false);
    xt_op(d0, XS_MKDIR, 0, "/local/domain/5", NULL);
    xt_op(d0, XS_SET_PERMS, 0, "/local/domain/5", "n5", NULL);    /* owns 1 */
}

static void teardown(void)
{
    CHECK(xt_check_report(x) == NULL);
    xt_close(d0);
    xt_close(d5);
    CHECK_EQ(xt_free(x), 0);
}

HTEST(nodes)
{
    char p[32];

    setup("nodes=10");
    for (int i = 1; i < 10; i++) {
        snprintf(p, sizeof(p), "n%d", i);
        CHECK_STREQ(xt_write(d5, 0, p, "x"), "OK|");
    }
    CHECK_EQ(xs_domain_nodes(x->s, 5), 10);
    CHECK_STREQ(xt_write(d5, 0, "one-more", "x"), "!ENOSPC");
    CHECK_STREQ(xt_op(d5, XS_MKDIR, 0, "one-more", NULL), "!ENOSPC");
    CHECK_STREQ(xt_write(d5, 0, "n1", "rewriting is fine"), "OK|");
    CHECK(xt_check(x) == NULL);
    /* The privileged domain may still create nodes d5 owns. */
    CHECK_STREQ(xt_write(d0, 0, "/local/domain/5/by-d0", "x"), "OK|");
    CHECK_EQ(xs_domain_nodes(x->s, 5), 11);
    CHECK_STREQ(xt_op(d5, XS_RM, 0, "n1", NULL), "OK|");
    CHECK_STREQ(xt_op(d5, XS_RM, 0, "n2", NULL), "OK|");
    CHECK_STREQ(xt_write(d5, 0, "again", "x"), "OK|");
    CHECK_EQ(xs_domain_nodes(x->s, 5), 10);
    teardown();
}

HTEST(watches)
{
    char t[16];

    setup("watches=3");
    for (int i = 0; i < 3; i++) {
        snprintf(t, sizeof(t), "t%d", i);
        CHECK_STREQ(xt_op(d5, XS_WATCH, 0, "/local/domain/5", t, NULL), "OK|");
    }
    CHECK_STREQ(xt_op(d5, XS_WATCH, 0, "/local/domain/5", "t9", NULL), "!ENOSPC");
    CHECK_STREQ(xt_op(d5, XS_UNWATCH, 0, "/local/domain/5", "t1", NULL), "OK|");
    CHECK_STREQ(xt_op(d5, XS_WATCH, 0, "/local/domain/5", "t9", NULL), "OK|");
    /* The quota is the domain's, across its connections. */
    struct xt_conn *other = xt_pipe(x, 5, false);
    CHECK_STREQ(xt_op(other, XS_WATCH, 0, "/local/domain/5", "o", NULL), "!ENOSPC");
    xt_close(other);
    for (int i = 0; i < 10; i++) {
        snprintf(t, sizeof(t), "p%d", i);
        CHECK_STREQ(xt_op(d0, XS_WATCH, 0, "/", t, NULL), "OK|");
    }
    teardown();
}

HTEST(transactions)
{
    setup("transactions=2");
    uint32_t a = xt_txstart(d5), b = xt_txstart(d5);
    CHECK(a && b);
    CHECK_EQ(xt_txstart(d5), 0);
    CHECK_STREQ(d5->last, "!ENOSPC");
    CHECK_STREQ(xt_txend(d5, a, false), "OK|");
    CHECK(xt_txstart(d5) != 0);
    for (int i = 0; i < 20; i++)
        CHECK(xt_txstart(d0) != 0);
    teardown();
}

HTEST(value_size_and_path_length)
{
    static char v[4000], p[3000];

    setup("value_size=100 path_length=50");
    memset(v, 'v', 100);
    CHECK_STREQ(xt_write(d5, 0, "k", v), "OK|");
    v[100] = 'v';
    CHECK_STREQ(xt_write(d5, 0, "k", v), "!ENOSPC");
    CHECK_STREQ(xt_write(d0, 0, "/local/domain/5/k", v), "OK|");
    memset(p, 'p', 50);
    CHECK_STREQ(xt_write(d5, 0, p, ""), "OK|");
    p[50] = 'p';
    CHECK_STREQ(xt_write(d5, 0, p, ""), "!EINVAL");
    CHECK_STREQ(xt_read(d5, 0, p), "!EINVAL");
    teardown();
}

HTEST(memory)
{
    char p[32];
    static char v[1024];
    int ok = 0;

    setup("memory=20000 nodes=0 transactions=0");
    memset(v, 'm', sizeof(v) - 1);
    for (int i = 0; i < 100; i++) {
        snprintf(p, sizeof(p), "m%d", i);
        const char *r = xt_write(d5, 0, p, v);
        if (strcmp(r, "OK|")) {
            CHECK_STREQ(r, "!ENOMEM");
            break;
        }
        ok++;
        CHECK(xt_check(x) == NULL);
    }
    CHECK(ok > 5 && ok < 20);
    CHECK(xs_domain_memory(x->s, 5) <= 20000);
    /* Transactions count too: start them until memory runs out. */
    uint32_t ids[1000];
    int n = 0;
    while (n < 1000 && (ids[n] = xt_txstart(d5)) != 0)
        n++;
    CHECK(n < 1000);
    CHECK_STREQ(d5->last, "!ENOMEM");
    CHECK(xs_domain_memory(x->s, 5) <= 20000);
    while (n--)
        CHECK_STREQ(xt_txend(d5, ids[n], false), "OK|");
    CHECK_STREQ(xt_op(d5, XS_RM, 0, "m0", NULL), "OK|");
    CHECK_STREQ(xt_op(d5, XS_RM, 0, "m1", NULL), "OK|");
    uint32_t t = xt_txstart(d5);
    CHECK(t != 0);
    CHECK_STREQ(xt_write(d5, t, "m0", v), "OK|");
    CHECK_STREQ(xt_write(d5, t, "m1", v), "!ENOMEM");
    CHECK_STREQ(xt_txend(d5, t, true), "OK|");
    CHECK_STREQ(xt_read(d5, 0, "m0"), v);
    teardown();
}

HTEST(per_domain_limits_through_control)
{
    setup(NULL);
    struct xt_conn *d6 = xt_pipe(x, 6, false);
    xt_op(d0, XS_MKDIR, 0, "/local/domain/6", NULL);
    xt_op(d0, XS_SET_PERMS, 0, "/local/domain/6", "n6", NULL);
    CHECK_STREQ(xt_op(d0, XS_CONTROL, 0, "quota", "nodes", "2", "5", NULL), "OK|");
    CHECK_STREQ(xt_write(d5, 0, "a", ""), "OK|");
    CHECK_STREQ(xt_write(d5, 0, "b", ""), "!ENOSPC");
    CHECK_STREQ(xt_write(d6, 0, "a", ""), "OK|");
    CHECK_STREQ(xt_write(d6, 0, "b", ""), "OK|");
    CHECK_STREQ(xt_op(d0, XS_CONTROL, 0, "quota", "nodes", "1", NULL), "OK|");
    CHECK_STREQ(xt_write(d6, 0, "c", ""), "!ENOSPC");
    CHECK_STREQ(xt_op(d0, XS_CONTROL, 0, "quota", "bogus", "1", NULL), "!EINVAL");
    CHECK_STREQ(xt_op(d0, XS_CONTROL, 0, "quota", "nodes", "x", NULL), "!EINVAL");
    CHECK_STREQ(xt_op(d0, XS_CONTROL, 0, "quota", "nodes", NULL), "!EINVAL");
    xt_close(d6);
    teardown();
}
