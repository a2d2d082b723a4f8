/*
 * test-xs-watch: the watch firing rules.
 *
 * A new watch fires once at once with its own path; a change fires every
 * watch on the changed path or above it, with the changed path; removing a
 * subtree also fires watches inside it, with their own paths; values,
 * creation, removal and permissions count; siblings sharing a prefix do
 * not; relative watches report relative paths; a watcher only hears of
 * nodes it may read; duplicates are EEXIST, unknown unwatches ENOENT;
 * tokens come back byte for byte; an event identical to one still queued
 * for the same connection is not queued twice.
 */
#include "htest.h"
#include "harness.h"

static struct xt *x;
static struct xt_conn *d0, *w;

static void setup(void)
{
    x = xt_new(NULL);
    d0 = xt_pipe(x, 0, true);
    w = xt_pipe(x, 0, true);
    xt_write(d0, 0, "/a/b/c", "1");
    xt_write(d0, 0, "/ab", "sibling");
}

static void teardown(void)
{
    CHECK(xt_check_report(x) == NULL);
    xt_close(d0);
    xt_close(w);
    CHECK_EQ(xt_free(x), 0);
}

HTEST(fires_once_at_registration)
{
    setup();
    CHECK_STREQ(xt_op(w, XS_WATCH, 0, "/a/b", "t1", NULL), "OK|");
    CHECK_STREQ(xt_event(w), "/a/b|t1|");
    CHECK(xt_event(w) == NULL);
    /* Even for a path that does not exist. */
    CHECK_STREQ(xt_op(w, XS_WATCH, 0, "/nowhere/x", "t2", NULL), "OK|");
    CHECK_STREQ(xt_event(w), "/nowhere/x|t2|");
    teardown();
}

HTEST(node_and_subtree_not_siblings)
{
    setup();
    xt_op(w, XS_WATCH, 0, "/a", "T", NULL);
    xt_event(w);
    xt_write(d0, 0, "/a", "v");
    CHECK_STREQ(xt_event(w), "/a|T|");
    xt_write(d0, 0, "/a/b/c", "2");
    CHECK_STREQ(xt_event(w), "/a/b/c|T|");
    xt_write(d0, 0, "/a/b/new/deep", "");
    CHECK_STREQ(xt_event(w), "/a/b/new/deep|T|");
    xt_write(d0, 0, "/ab", "no");
    xt_write(d0, 0, "/", "root value");
    CHECK(xt_event(w) == NULL);
    /* Unchanged MKDIR of an existing node is no change. */
    xt_op(d0, XS_MKDIR, 0, "/a/b", NULL);
    CHECK(xt_event(w) == NULL);
    xt_op(d0, XS_SET_PERMS, 0, "/a/b", "r0", NULL);
    CHECK_STREQ(xt_event(w), "/a/b|T|");
    teardown();
}

HTEST(removal_of_a_parent_fires_watches_below)
{
    setup();
    xt_op(w, XS_WATCH, 0, "/a/b/c", "deep", NULL);
    xt_op(w, XS_WATCH, 0, "/a/b/never/made", "gone", NULL);
    xt_op(w, XS_WATCH, 0, "/a", "top", NULL);
    while (xt_event(w))
        ;
    CHECK_STREQ(xt_op(d0, XS_RM, 0, "/a/b", NULL), "OK|");
    const char *got[3];
    char buf[3][256];
    for (int i = 0; i < 3; i++) {
        const char *e = xt_event(w);
        snprintf(buf[i], 256, "%s", e ? e : "(none)");
        got[i] = buf[i];
    }
    CHECK(xt_event(w) == NULL);
    /* One event per watch; order follows registration. */
    CHECK_STREQ(got[0], "/a/b/c|deep|");
    CHECK_STREQ(got[1], "/a/b/never/made|gone|");
    CHECK_STREQ(got[2], "/a/b|top|");
    teardown();
}

HTEST(several_watches_and_tokens)
{
    setup();
    CHECK_STREQ(xt_op(w, XS_WATCH, 0, "/a", "one", NULL), "OK|");
    CHECK_STREQ(xt_op(w, XS_WATCH, 0, "/a", "one", NULL), "!EEXIST");
    CHECK_STREQ(xt_op(w, XS_WATCH, 0, "/a", "two words & symbols!", NULL), "OK|");
    CHECK_STREQ(xt_op(w, XS_WATCH, 0, "/a/b", "one", NULL), "OK|");
    while (xt_event(w))
        ;
    xt_write(d0, 0, "/a/b/c", "x");
    /* Two watches with the same token give the same message: the
     * client cannot tell them apart, and it is sent once. */
    CHECK_EQ(xt_nevents(w), 2);
    CHECK_STREQ(xt_event(w), "/a/b/c|one|");
    CHECK_STREQ(xt_event(w), "/a/b/c|two words & symbols!|");
    CHECK_STREQ(xt_op(w, XS_UNWATCH, 0, "/a", "one", NULL), "OK|");
    CHECK_STREQ(xt_op(w, XS_UNWATCH, 0, "/a", "one", NULL), "!ENOENT");
    CHECK_STREQ(xt_op(w, XS_UNWATCH, 0, "/a", "zzz", NULL), "!ENOENT");
    xt_write(d0, 0, "/a/b/c", "y");
    CHECK_EQ(xt_nevents(w), 2);
    CHECK_STREQ(xt_op(w, XS_RESET_WATCHES, 0, "", NULL), "OK|");
    while (xt_event(w))
        ;
    xt_write(d0, 0, "/a/b/c", "z");
    CHECK_EQ(xt_nevents(w), 0);
    /* Malformed. */
    CHECK_STREQ(xt_op(w, XS_WATCH, 0, "/a", NULL), "!EINVAL");
    CHECK_STREQ(xt_op(w, XS_WATCH, 0, "/a b", "t", NULL), "!EINVAL");
    CHECK_STREQ(xt_req(w, XS_WATCH, 0, "/a\0tok", 6), "!EINVAL");
    /* A reserved third string is tolerated. */
    CHECK_STREQ(xt_op(w, XS_WATCH, 0, "/a", "t3", "", NULL), "OK|");
    teardown();
}

HTEST(relative_watches_report_relative_paths)
{
    setup();
    struct xt_conn *d5 = xt_pipe(x, 5, false);
    xt_op(d0, XS_MKDIR, 0, "/local/domain/5/data", NULL);
    xt_op(d0, XS_SET_PERMS, 0, "/local/domain/5", "n0", "r5", NULL);
    xt_op(d0, XS_SET_PERMS, 0, "/local/domain/5/data", "n5", NULL);
    CHECK_STREQ(xt_op(d5, XS_WATCH, 0, "data", "rel", NULL), "OK|");
    CHECK_STREQ(xt_op(d5, XS_WATCH, 0, "/local/domain/5/data", "abs", NULL), "OK|");
    CHECK_STREQ(xt_event(d5), "data|rel|");
    CHECK_STREQ(xt_event(d5), "/local/domain/5/data|abs|");
    xt_write(d5, 0, "data/k", "v");
    CHECK_STREQ(xt_event(d5), "data/k|rel|");
    CHECK_STREQ(xt_event(d5), "/local/domain/5/data/k|abs|");
    /* Relative and absolute forms are the same watch for UNWATCH. */
    CHECK_STREQ(xt_op(d5, XS_UNWATCH, 0, "/local/domain/5/data", "rel", NULL), "OK|");
    xt_close(d5);
    teardown();
}

HTEST(watchers_only_hear_of_what_they_may_read)
{
    setup();
    struct xt_conn *d5 = xt_pipe(x, 5, false), *d6 = xt_pipe(x, 6, false);
    xt_write(d0, 0, "/sec/open", "");
    xt_write(d0, 0, "/sec/closed", "");
    xt_op(d0, XS_SET_PERMS, 0, "/sec/open", "n0", "r5", NULL);
    CHECK_STREQ(xt_op(d5, XS_WATCH, 0, "/sec", "s", NULL), "OK|");
    CHECK_STREQ(xt_op(d6, XS_WATCH, 0, "/sec", "s", NULL), "OK|");
    CHECK_STREQ(xt_event(d5), "/sec|s|");            /* registration: always */
    CHECK_STREQ(xt_event(d6), "/sec|s|");
    xt_write(d0, 0, "/sec/open", "1");
    xt_write(d0, 0, "/sec/closed", "1");
    CHECK_STREQ(xt_event(d5), "/sec/open|s|");
    CHECK(xt_event(d5) == NULL);
    CHECK(xt_event(d6) == NULL);
    /* Removal: judged by the permissions the node had. */
    xt_op(d0, XS_RM, 0, "/sec/open", NULL);
    CHECK_STREQ(xt_event(d5), "/sec/open|s|");
    CHECK(xt_event(d6) == NULL);
    xt_close(d5);
    xt_close(d6);
    teardown();
}

HTEST(special_watches)
{
    setup();
    struct xt_conn *d5 = xt_pipe(x, 5, false);
    CHECK_STREQ(xt_op(w, XS_WATCH, 0, "@introduceDomain", "i", NULL), "OK|");
    CHECK_STREQ(xt_op(w, XS_WATCH, 0, "@releaseDomain", "r", NULL), "OK|");
    CHECK_STREQ(xt_op(d5, XS_WATCH, 0, "@releaseDomain", "r5", NULL), "OK|");
    CHECK_STREQ(xt_op(w, XS_WATCH, 0, "@whatever", "x", NULL), "OK|");
    CHECK_STREQ(xt_event(w), "@introduceDomain|i|");
    CHECK_STREQ(xt_event(w), "@releaseDomain|r|");
    CHECK_STREQ(xt_event(w), "@whatever|x|");
    CHECK_STREQ(xt_event(d5), "@releaseDomain|r5|");
    /* Writes to paths never match special watches. */
    xt_write(d0, 0, "/local/domain/5/x", "");
    CHECK(xt_event(w) == NULL);
    /* Domains come and go (test-xs-domain covers the details). */
    xt_dom(x, 9);
    CHECK_STREQ(xt_op(d0, XS_INTRODUCE, 0, "9", "4105", "1", NULL), "OK|");
    CHECK_STREQ(xt_event(w), "@introduceDomain|i|");
    CHECK_STREQ(xt_op(d0, XS_RELEASE, 0, "9", NULL), "OK|");
    CHECK_STREQ(xt_event(w), "@releaseDomain|r|");
    CHECK(xt_event(d5) == NULL);                    /* not for d5: n0 */
    xt_op(d0, XS_SET_PERMS, 0, "@releaseDomain", "n0", "r5", NULL);
    CHECK_STREQ(xt_op(d0, XS_INTRODUCE, 0, "9", "4105", "1", NULL), "OK|");
    CHECK_STREQ(xt_op(d0, XS_RELEASE, 0, "9", NULL), "OK|");
    CHECK_STREQ(xt_event(d5), "@releaseDomain|r5|");
    xt_close(d5);
    teardown();
}

HTEST(event_of_an_overlong_token_is_not_sent)
{
    static char tok[4000];
    setup();
    memset(tok, 't', sizeof(tok) - 1);
    CHECK_STREQ(xt_op(w, XS_WATCH, 0, "/", tok, NULL), "OK|");
    CHECK(xt_event(w) != NULL);
    static char deep[200];
    memset(deep, 'd', sizeof(deep) - 1);
    deep[0] = '/';
    /* path + token > 4096: cannot be a message; the store goes on. */
    xt_write(d0, 0, deep, "");
    CHECK(xt_event(w) == NULL);
    CHECK_STREQ(xt_read(w, 0, deep), "");
    teardown();
}
