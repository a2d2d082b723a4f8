/*
 * xs-conform: an unprivileged domain speaking the xenstore wire protocol
 * over its ring (the portable client of dom0-tools/tools/xenstore), run
 * by xs-server as domain 0, or created by xl in Mica's Dom0.  What a
 * guest written for Xen relies on:
 *
 *   - the toolstack's layout in its home, readable (~/name the same as
 *     /vm/<uuid>/name), the home itself not writable, data/ and
 *     control/shutdown its own;
 *   - relative paths, GET_DOMAIN_PATH, IS_DOMAIN_INTRODUCED;
 *   - permissions: other domains' nodes EACCES, absence ENOENT only where
 *     it may read, no giving nodes away (EPERM), privileged messages
 *     EACCES, unknown types ENOSYS;
 *   - transactions: isolation, commit, conflict EAGAIN with nothing
 *     applied;
 *   - watches: the first firing, node and subtree events with relative
 *     paths, removal, EEXIST/ENOENT, RESET_WATCHES;
 *   - long directories (DIRECTORY_PART), and the quotas xs-server set
 *     (watches=8 transactions=3 value_size=512 nodes=120).
 */
#include <test.h>
#include <events.h>
#include <string.h>
#include "ring_client.h"

static struct xsc c;
static char buf[8192];
static uint32_t len;
static unsigned int me;

#define EXPECT(call, want) CHECK_RC((call), (want), #call)

static unsigned long strtoul_(const char *s)
{
    return parse_ulong(&s);
}

static const char *rd(const char *path)
{
    int rc = xsc_read(&c, 0, path, buf, sizeof(buf), &len);
    if (rc)
        snprintf(buf, sizeof(buf), "!%d", rc);
    return buf;
}

static bool event(const char *want_path, const char *want_tok)
{
    char p[128], t[32];
    int rc = xsc_event(&c, true, p, sizeof(p), t, sizeof(t));

    if (rc != 1) {
        test_fail("no event for %s (%d)", want_path, rc);
        return false;
    }
    CHECK(!strcmp(p, want_path) && !strcmp(t, want_tok), "event %s/%s, want %s/%s", p, t,
          want_path, want_tok);
    return true;
}

static void layout_and_paths(void)
{
    char home[32], path[96], name[64];
    bool yes;

    snprintf(home, sizeof(home), "/local/domain/%u", me);
    snprintf(name, sizeof(name), "%s", rd("name"));
    CHECK(name[0] && name[0] != '!', "name: %s", name);
    EXPECT(xsc_get_domain_path(&c, (uint16_t)me, path, sizeof(path)), 0);
    CHECK(!strcmp(path, home), "domain path %s", path);
    EXPECT(xsc_is_introduced(&c, (uint16_t)me, &yes), 0);
    CHECK(yes, "not introduced?");
    snprintf(path, sizeof(path), "%s/domid", home);
    CHECK(strtoul_(rd(path)) == me, "domid node %s", buf);
    rd("vm");
    snprintf(path, sizeof(path), "%s/name", buf);
    CHECK(!strcmp(rd(path), name), "vm name %s, name %s", buf, name);
    CHECK(!strcmp(rd("control/platform-feature-xs_reset_watches"), "1"), "reset feature");
    EXPECT(xsc_write_str(&c, 0, "name", "renamed"), -XEN_EACCES);
    EXPECT(xsc_write_str(&c, 0, "newnode", "x"), -XEN_EACCES);
    EXPECT(xsc_write_str(&c, 0, "control/shutdown", ""), 0);
    EXPECT(xsc_write_str(&c, 0, "data/a/b", "1"), 0);
    CHECK(!strcmp(rd("data/a/b"), "1"), "data/a/b: %s", buf);
    snprintf(path, sizeof(path), "%s/data/a/b", home);
    CHECK(!strcmp(rd(path), "1"), "absolute: %s", buf);
    EXPECT(xsc_get_perms(&c, 0, "data/a", buf, sizeof(buf), &len), 0);
    snprintf(path, sizeof(path), "n%u", me);
    CHECK(!strcmp(buf, path), "perms of data/a: %s", buf);
    EXPECT(xsc_set_perms(&c, 0, "data/a", "n0", 3), -XEN_EPERM);
    snprintf(path, sizeof(path), "n%u", me);
    memcpy(path + strlen(path) + 1, "r0", 3);
    EXPECT(xsc_set_perms(&c, 0, "data/a", path, (uint32_t)strlen(path) + 4), 0);
    EXPECT(xsc_read(&c, 0, "/local/domain/0", buf, sizeof(buf), &len), -XEN_EACCES);
    EXPECT(xsc_read(&c, 0, "/", buf, sizeof(buf), &len), -XEN_EACCES);
    EXPECT(xsc_read(&c, 0, "missing", buf, sizeof(buf), &len), -XEN_ENOENT);
    EXPECT(xsc_read(&c, 0, "/local/domain/999/x", buf, sizeof(buf), &len), -XEN_EACCES);
    EXPECT(xsc_read(&c, 0, "bad path!", buf, sizeof(buf), &len), -XEN_EINVAL);
    EXPECT(xsc_rm(&c, 0, "data/a"), 0);
    EXPECT(xsc_read(&c, 0, "data/a/b", buf, sizeof(buf), &len), -XEN_ENOENT);
}

static void privileged_and_unknown(void)
{
    EXPECT(xsc_introduce(&c, 9, 1234, 1), -XEN_EACCES);
    EXPECT(xsc_release(&c, 0), -XEN_EACCES);
    EXPECT(xsc_requestv(&c, XS_SET_TARGET, 0, "1", "2", NULL), -XEN_EACCES);
    EXPECT(xsc_requestv(&c, XS_RESUME, 0, "1", NULL), -XEN_EACCES);
    EXPECT(xsc_requestv(&c, XS_CONTROL, 0, "check", NULL), -XEN_EACCES);
    EXPECT(xsc_request(&c, 99, 0, "", 0), -XEN_ENOSYS);
    EXPECT(xsc_request(&c, XS_WATCH_EVENT, 0, "x", 2), -XEN_ENOSYS);
    EXPECT(xsc_request(&c, XS_RESTRICT, 0, "1", 2), -XEN_ENOSYS);
}

static void transactions(void)
{
    uint32_t t1, t2, t3;

    EXPECT(xsc_write_str(&c, 0, "data/t", "0"), 0);
    EXPECT(xsc_tx_start(&c, &t1), 0);
    EXPECT(xsc_read(&c, t1, "data/t", buf, sizeof(buf), &len), 0);
    EXPECT(xsc_tx_start(&c, &t2), 0);
    EXPECT(xsc_write_str(&c, t2, "data/t", "t2"), 0);
    EXPECT(xsc_tx_end(&c, t2, true), 0);
    EXPECT(xsc_write_str(&c, t1, "data/t", "t1"), 0);
    EXPECT(xsc_write_str(&c, t1, "data/t1-only", "x"), 0);
    EXPECT(xsc_tx_end(&c, t1, true), -XEN_EAGAIN);
    CHECK(!strcmp(rd("data/t"), "t2"), "after the conflict: %s", buf);
    EXPECT(xsc_read(&c, 0, "data/t1-only", buf, sizeof(buf), &len), -XEN_ENOENT);
    EXPECT(xsc_tx_start(&c, &t3), 0);
    EXPECT(xsc_write_str(&c, t3, "data/u", "u"), 0);
    EXPECT(xsc_read(&c, 0, "data/u", buf, sizeof(buf), &len), -XEN_ENOENT);
    EXPECT(xsc_tx_end(&c, t3, true), 0);
    CHECK(!strcmp(rd("data/u"), "u"), "committed: %s", buf);
    EXPECT(xsc_tx_end(&c, t3, true), -XEN_ENOENT);
    EXPECT(xsc_requestv(&c, XS_TRANSACTION_END, t3, "X", NULL), -XEN_ENOENT);
}

static void watches(void)
{
    EXPECT(xsc_watch(&c, "data/w", "tok"), 0);
    event("data/w", "tok");
    EXPECT(xsc_watch(&c, "data/w", "tok"), -XEN_EEXIST);
    EXPECT(xsc_write_str(&c, 0, "data/w/x", "1"), 0);
    event("data/w/x", "tok");
    EXPECT(xsc_write_str(&c, 0, "data/wx", "sibling"), 0);
    EXPECT(xsc_rm(&c, 0, "data/w"), 0);
    event("data/w", "tok");
    EXPECT(xsc_unwatch(&c, "data/w", "tok"), 0);
    EXPECT(xsc_unwatch(&c, "data/w", "tok"), -XEN_ENOENT);
    EXPECT(xsc_watch(&c, "data", "all"), 0);
    event("data", "all");
    EXPECT(xsc_requestv(&c, XS_RESET_WATCHES, 0, "", NULL), 0);
    EXPECT(xsc_write_str(&c, 0, "data/after-reset", "1"), 0);
    CHECK(xsc_event(&c, false, NULL, 0, NULL, 0) == 0, "event after RESET_WATCHES");
}

static void long_directory(void)
{
    static char names[8192];
    char p[160];
    uint32_t n = 0;

    /* 80 names of 55 bytes: more than one message (and within a
     * path_length quota of 64). */
    for (int i = 0; i < 80; i++) {
        snprintf(p, sizeof(p), "data/dir/%055d", i);
        EXPECT(xsc_write_str(&c, 0, p, ""), 0);
    }
    EXPECT(xsc_requestv(&c, XS_DIRECTORY, 0, "data/dir", NULL), -XEN_E2BIG);
    EXPECT(xsc_directory(&c, 0, "data/dir", names, sizeof(names), &len), 0);
    for (uint32_t off = 0; off < len; off += (uint32_t)strlen(names + off) + 1)
        n++;
    CHECK(n == 80, "%u children through DIRECTORY_PART", n);
    EXPECT(xsc_rm(&c, 0, "data/dir"), 0);
}

static void quotas(void)
{
    static char big[600];
    char t[16];
    uint32_t tx[4];
    int i, rc = 0;

    for (i = 0; i < 9 && !rc; i++) {
        snprintf(t, sizeof(t), "q%d", i);
        rc = xsc_watch(&c, "data", t);
        if (!rc)
            event("data", t);
    }
    CHECK(i == 9 && rc == -XEN_ENOSPC, "watch %d: %d (quota 8)", i, rc);
    EXPECT(xsc_requestv(&c, XS_RESET_WATCHES, 0, "", NULL), 0);
    for (i = 0; i < 3; i++)
        EXPECT(xsc_tx_start(&c, &tx[i]), 0);
    EXPECT(xsc_tx_start(&c, &tx[3]), -XEN_ENOSPC);
    for (i = 0; i < 3; i++)
        EXPECT(xsc_tx_end(&c, tx[i], false), 0);
    memset(big, 'v', 512);
    EXPECT(xsc_write(&c, 0, "data/big", big, 512), 0);
    EXPECT(xsc_write(&c, 0, "data/big", big, 513), -XEN_ENOSPC);
    for (i = 0, rc = 0; i < 200 && !rc; i++) {
        snprintf(t, sizeof(t), "data/n%d", i);
        rc = xsc_write_str(&c, 0, t, "");
    }
    CHECK(rc == -XEN_ENOSPC && i > 100 && i < 120, "node %d: %d (quota 120)", i, rc);
    for (i = 0; i < 120; i++) {
        snprintf(t, sizeof(t), "data/n%d", i);
        xsc_rm(&c, 0, t);
    }
    EXPECT(xsc_write_str(&c, 0, "data/n0", ""), 0);
    /* ~/data is mine to remove; ~ is not mine to write in. */
    EXPECT(xsc_rm(&c, 0, "data"), 0);
    EXPECT(xsc_write_str(&c, 0, "data/n0", ""), -XEN_EACCES);
}

void test_main(void)
{

    if (!xs_ring_start(&c, buf, sizeof(buf)))
        return;
    me = (unsigned int)strtoul_(buf);
    printf("xs-conform: I am d%u\n", me);
    layout_and_paths();
    privileged_and_unknown();
    transactions();
    watches();
    long_directory();
    quotas();
    test_success();
}
