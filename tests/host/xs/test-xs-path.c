/*
 * test-xs-path: xenstored's path rules (dom0-tools/tools/xenstored/path.c)
 * and the number parsers of its messages.
 *
 * Xen's syntax: '/'-separated [A-Za-z0-9-_@], no empty component, no
 * trailing '/' but the root, at most 3072 bytes; relative paths resolve
 * under /local/domain/<domid>; "@name" is special only where allowed; an
 * unprivileged domain's path_length quota counts from its home.
 */
#include "htest.h"
#include "xs_core.h"
#include "harness.h"

static char out[XS_PATH_MAX + 1];
static uint32_t olen;

static int canon(struct xt *x, uint16_t domid, bool priv, const char *in, unsigned int flags)
{
    struct xs_conn c = { .s = x->s, .domid = domid, .priv = priv };
    return path_canon(&c, in, out, &olen, flags);
}

HTEST(absolute_paths_pass_unchanged)
{
    struct xt *x = xt_new(NULL);
    const char *ok[] = { "/", "/a", "/local/domain/7/device/vbd/51712/state", "/a-b_c@d/E9" };

    for (unsigned int i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        CHECK_EQ(canon(x, 5, false, ok[i], 0), 0);
        CHECK_STREQ(out, ok[i]);
        CHECK_EQ(olen, strlen(ok[i]));
    }
    xt_free(x);
}

HTEST(bad_syntax_is_einval)
{
    struct xt *x = xt_new(NULL);
    const char *bad[] = { "", "//", "/a//b", "/a/", "/a b", "/a\tb", "/a.b", "/a\\b",
                          "/\xff", "/a:b", "/a/./b", "a//b", "a/" };

    for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (!CHECK_EQ(canon(x, 0, true, bad[i], 0), -XEN_EINVAL))
            fprintf(stderr, "accepted \"%s\"\n", bad[i]);
    xt_free(x);
}

HTEST(relative_paths_resolve_under_the_home)
{
    struct xt *x = xt_new(NULL);

    CHECK_EQ(canon(x, 12, false, "device/vif/0", 0), 0);
    CHECK_STREQ(out, "/local/domain/12/device/vif/0");
    CHECK_EQ(canon(x, 0, true, "x", 0), 0);
    CHECK_STREQ(out, "/local/domain/0/x");
    /* "@x" is a relative name unless the message allows specials. */
    CHECK_EQ(canon(x, 3, false, "@x", 0), 0);
    CHECK_STREQ(out, "/local/domain/3/@x");
    CHECK_EQ(canon(x, 3, false, "@releaseDomain", XS_PATH_SPECIAL), 0);
    CHECK_STREQ(out, "@releaseDomain");
    CHECK_EQ(canon(x, 3, false, "@", XS_PATH_SPECIAL), -XEN_EINVAL);
    CHECK_EQ(canon(x, 3, false, "@a/b", XS_PATH_SPECIAL), -XEN_EINVAL);
    CHECK_EQ(canon(x, 3, false, "@a b", XS_PATH_SPECIAL), -XEN_EINVAL);
    xt_free(x);
}

HTEST(length_limits)
{
    struct xt *x = xt_new(NULL);
    static char p[5000];

    /* 3072 bytes absolute is the protocol limit, for everyone. */
    memset(p, 'a', sizeof(p));
    p[0] = '/';
    p[3072] = '\0';
    CHECK_EQ(canon(x, 0, true, p, 0), 0);
    p[3072] = 'a';
    p[3073] = '\0';
    CHECK_EQ(canon(x, 0, true, p, 0), -XEN_EINVAL);
    /* An unprivileged domain: 2048 below its home (path_length). */
    memset(p, 'b', sizeof(p));
    p[2048] = '\0';
    CHECK_EQ(canon(x, 4, false, p, 0), 0);
    p[2048] = 'b';
    p[2049] = '\0';
    CHECK_EQ(canon(x, 4, false, p, 0), -XEN_EINVAL);
    CHECK_EQ(canon(x, 4, true, p, 0), 0);       /* not for the privileged */
    /* ... and 2048 for a path elsewhere. */
    memset(p, 'c', sizeof(p));
    p[0] = '/';
    p[2049] = '\0';
    CHECK_EQ(canon(x, 4, false, p, 0), -XEN_EINVAL);
    p[2048] = '\0';
    CHECK_EQ(canon(x, 4, false, p, 0), 0);
    xt_free(x);
}

HTEST(parent_and_child)
{
    CHECK_EQ(path_parent_len("/", 1), 0);
    CHECK_EQ(path_parent_len("/a", 2), 1);
    CHECK_EQ(path_parent_len("/a/bc", 5), 2);
    CHECK_EQ(path_parent_len("/a/bc/d", 7), 5);
    CHECK(path_is_child("/a/b", 4, "/a", 2));
    CHECK(path_is_child("/a", 2, "/a", 2));
    CHECK(path_is_child("/a", 2, "/", 1));
    CHECK(!path_is_child("/ab", 3, "/a", 2));
    CHECK(!path_is_child("/a", 2, "/a/b", 4));
    CHECK(!path_is_child("@releaseDomain", 14, "/", 1));
}

HTEST(numbers)
{
    uint16_t d;
    uint32_t v;

    CHECK_EQ(parse_domid("0", &d), 0);
    CHECK_EQ(d, 0);
    CHECK_EQ(parse_domid("65535", &d), 0);
    CHECK_EQ(d, 65535);
    CHECK_EQ(parse_domid("65536", &d), -XEN_EINVAL);
    CHECK_EQ(parse_domid("", &d), -XEN_EINVAL);
    CHECK_EQ(parse_domid("-1", &d), -XEN_EINVAL);
    CHECK_EQ(parse_domid("1x", &d), -XEN_EINVAL);
    CHECK_EQ(parse_domid(" 1", &d), -XEN_EINVAL);
    CHECK_EQ(parse_u32("4294967295", &v), 0);
    CHECK_EQ(v, 4294967295u);
    CHECK_EQ(parse_u32("4294967296", &v), -XEN_EINVAL);
    CHECK_EQ(parse_u32("99999999999999999999999", &v), -XEN_EINVAL);
}

HTEST(permission_strings)
{
    struct xs_perm p[8];
    uint32_t n;
    char buf[64];

    CHECK_EQ(perms_parse("n0\0r5\0b7\0w65535", 16, p, 8, &n), 0);
    CHECK_EQ(n, 4);
    CHECK(p[0].id == 0 && p[0].perm == XS_PERM_NONE);
    CHECK(p[1].id == 5 && p[1].perm == XS_PERM_READ);
    CHECK(p[2].id == 7 && p[2].perm == XS_PERM_BOTH);
    CHECK(p[3].id == 65535 && p[3].perm == XS_PERM_WRITE);
    CHECK_EQ(perms_format(p, n, buf, sizeof(buf)), 16);
    CHECK(!memcmp(buf, "n0\0r5\0b7\0w65535", 16));
    CHECK_EQ(perms_format(p, n, buf, 10), 0);           /* does not fit */
    CHECK_EQ(perms_parse("x1", 3, p, 8, &n), -XEN_EINVAL);
    CHECK_EQ(perms_parse("r", 2, p, 8, &n), -XEN_EINVAL);
    CHECK_EQ(perms_parse("r1\0\0", 4, p, 8, &n), -XEN_EINVAL);
    CHECK_EQ(perms_parse("r1", 2, p, 8, &n), -XEN_EINVAL); /* no NUL */
    CHECK_EQ(perms_parse("r70000", 7, p, 8, &n), -XEN_EINVAL);
    CHECK_EQ(perms_parse("", 0, p, 8, &n), -XEN_EINVAL);
    CHECK_EQ(perms_parse("r1\0r2\0r3", 9, p, 2, &n), -XEN_EINVAL);
}

HTEST(config_words)
{
    struct xs_config cfg;
    char err[256];

    xs_config_defaults(&cfg);
    CHECK_EQ(cfg.quota.nodes, 1000);
    CHECK_EQ(cfg.quota.watches, 128);
    CHECK_EQ(cfg.quota.transactions, 10);
    CHECK_EQ(xs_config_parse(&cfg, " nodes=5  watches=0 tx_timeout_ms=100 ", err, sizeof(err)), 0);
    CHECK_EQ(cfg.quota.nodes, 5);
    CHECK_EQ(cfg.quota.watches, 0);
    CHECK_EQ(cfg.tx_timeout_ms, 100);
    /* A bad word changes nothing and is named. */
    CHECK_EQ(xs_config_parse(&cfg, "nodes=7 bogus=1", err, sizeof(err)), -XEN_EINVAL);
    CHECK(strstr(err, "bogus=1") != NULL);
    CHECK_EQ(cfg.quota.nodes, 5);
    CHECK_EQ(xs_config_parse(&cfg, "nodes=", err, sizeof(err)), -XEN_EINVAL);
    CHECK_EQ(xs_config_parse(&cfg, "nodes=-1", err, sizeof(err)), -XEN_EINVAL);
    CHECK_EQ(xs_config_parse(&cfg, "=1", err, sizeof(err)), -XEN_EINVAL);
    CHECK_EQ(xs_config_parse(&cfg, "priv_domid=70000", err, sizeof(err)), -XEN_EINVAL);
}
