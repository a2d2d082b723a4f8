/*
 * test-xs-perms: node permissions as Xen defines them.
 *
 * Owner (entry 0) may do everything and its letter is the default; named
 * entries grant n/r/w/b; the privileged domain passes every check; a
 * missing node answers ENOENT only to whoever may read (write) its nearest
 * ancestor, EACCES to the rest; a node an unprivileged domain creates is
 * its own; only the owner changes permissions and may not give a node
 * away; the toolstack's layout (home n0 r<D>, data n<D>) works as a
 * guest expects.
 */
#include "htest.h"
#include "harness.h"

static struct xt *x;
static struct xt_conn *d0, *d5, *d6, *d7, *d8;

static void setup(void)
{
    x = xt_new(NULL);
    d0 = xt_pipe(x, 0, true);
    d5 = xt_pipe(x, 5, false);
    d6 = xt_pipe(x, 6, false);
    d7 = xt_pipe(x, 7, false);
    d8 = xt_pipe(x, 8, false);
    /* What a toolstack writes for domain 5 (fact sheet: libxl layout). */
    xt_op(d0, XS_MKDIR, 0, "/local/domain/5", NULL);
    xt_op(d0, XS_SET_PERMS, 0, "/local/domain/5", "n0", "r5", NULL);
    xt_write(d0, 0, "/local/domain/5/name", "guest5");
    xt_op(d0, XS_MKDIR, 0, "/local/domain/5/data", NULL);
    xt_op(d0, XS_SET_PERMS, 0, "/local/domain/5/data", "n5", NULL);
}

static void teardown(void)
{
    CHECK(xt_check_report(x) == NULL);
    xt_close(d0);
    xt_close(d5);
    xt_close(d6);
    xt_close(d7);
    xt_close(d8);
    CHECK_EQ(xt_free(x), 0);
}

HTEST(toolstack_layout_from_the_guest_side)
{
    setup();
    CHECK_STREQ(xt_read(d5, 0, "name"), "guest5");          /* inherited n0 r5 */
    CHECK_STREQ(xt_read(d5, 0, "/local/domain/5/name"), "guest5");
    CHECK_STREQ(xt_write(d5, 0, "name", "evil"), "!EACCES");
    CHECK_STREQ(xt_write(d5, 0, "newnode", "x"), "!EACCES"); /* home is read-only */
    CHECK_STREQ(xt_write(d5, 0, "data/x/y", "1"), "OK|");
    CHECK_STREQ(xt_op(d5, XS_GET_PERMS, 0, "data/x/y", NULL), "n5|");
    CHECK_STREQ(xt_op(d5, XS_RM, 0, "data/x", NULL), "OK|");
    CHECK_STREQ(xt_read(d6, 0, "/local/domain/5/name"), "!EACCES");
    CHECK_STREQ(xt_op(d6, XS_DIRECTORY, 0, "/local/domain/5", NULL), "!EACCES");
    teardown();
}

HTEST(absence_does_not_leak)
{
    setup();
    /* d5 may read its home: ENOENT.  d6 may not: EACCES for both. */
    CHECK_STREQ(xt_read(d5, 0, "missing"), "!ENOENT");
    CHECK_STREQ(xt_read(d5, 0, "missing/deeper/still"), "!ENOENT");
    CHECK_STREQ(xt_read(d6, 0, "/local/domain/5/missing"), "!EACCES");
    CHECK_STREQ(xt_read(d6, 0, "/local/domain/5/name"), "!EACCES");
    /* The root is n0: nobody unprivileged learns what is absent there. */
    CHECK_STREQ(xt_read(d6, 0, "/nothing"), "!EACCES");
    CHECK_STREQ(xt_op(d6, XS_RM, 0, "/local/domain/5/missing", NULL), "!EACCES");
    CHECK_STREQ(xt_op(d5, XS_RM, 0, "data/missing", NULL), "OK|");
    teardown();
}

HTEST(named_entries_and_the_default)
{
    setup();
    CHECK_STREQ(xt_write(d0, 0, "/p", "v"), "OK|");
    CHECK_STREQ(xt_op(d0, XS_SET_PERMS, 0, "/p", "n0", "r5", "w6", "b7", NULL), "OK|");
    CHECK_STREQ(xt_op(d0, XS_GET_PERMS, 0, "/p", NULL), "n0|r5|w6|b7|");
    CHECK_STREQ(xt_read(d5, 0, "/p"), "v");
    CHECK_STREQ(xt_write(d5, 0, "/p", "5"), "!EACCES");
    CHECK_STREQ(xt_read(d6, 0, "/p"), "!EACCES");
    CHECK_STREQ(xt_write(d6, 0, "/p", "6"), "OK|");
    CHECK_STREQ(xt_read(d7, 0, "/p"), "6");
    CHECK_STREQ(xt_write(d7, 0, "/p", "7"), "OK|");
    CHECK_STREQ(xt_read(d8, 0, "/p"), "!EACCES");
    CHECK_STREQ(xt_write(d8, 0, "/p", "8"), "!EACCES");
    CHECK_STREQ(xt_op(d5, XS_GET_PERMS, 0, "/p", NULL), "n0|r5|w6|b7|");
    CHECK_STREQ(xt_op(d6, XS_GET_PERMS, 0, "/p", NULL), "!EACCES");
    /* Entry 0's letter is everyone else's: r0 lets d8 read. */
    CHECK_STREQ(xt_op(d0, XS_SET_PERMS, 0, "/p", "r0", "n5", NULL), "OK|");
    CHECK_STREQ(xt_read(d8, 0, "/p"), "7");
    CHECK_STREQ(xt_read(d5, 0, "/p"), "!EACCES");    /* named entry wins */
    teardown();
}

HTEST(created_nodes_belong_to_their_creator)
{
    setup();
    CHECK_STREQ(xt_op(d0, XS_MKDIR, 0, "/shared", NULL), "OK|");
    CHECK_STREQ(xt_op(d0, XS_SET_PERMS, 0, "/shared", "n0", "w5", "r6", NULL), "OK|");
    CHECK_STREQ(xt_write(d5, 0, "/shared/mine/leaf", "x"), "OK|");
    CHECK_STREQ(xt_op(d0, XS_GET_PERMS, 0, "/shared/mine", NULL), "n5|w5|r6|");
    CHECK_STREQ(xt_op(d0, XS_GET_PERMS, 0, "/shared/mine/leaf", NULL), "n5|w5|r6|");
    /* Created by the privileged domain: inherited unchanged. */
    CHECK_STREQ(xt_write(d0, 0, "/shared/theirs", "x"), "OK|");
    CHECK_STREQ(xt_op(d0, XS_GET_PERMS, 0, "/shared/theirs", NULL), "n0|w5|r6|");
    CHECK_EQ(xs_domain_nodes(x->s, 5), 3);   /* and ~/data */
    teardown();
}

HTEST(only_the_owner_changes_permissions)
{
    setup();
    CHECK_STREQ(xt_write(d5, 0, "data/own", "x"), "OK|");
    CHECK_STREQ(xt_op(d5, XS_SET_PERMS, 0, "data/own", "n5", "r6", NULL), "OK|");
    CHECK_STREQ(xt_read(d6, 0, "/local/domain/5/data/own"), "x");
    /* Giving it away: EPERM; someone else's node: EACCES. */
    CHECK_STREQ(xt_op(d5, XS_SET_PERMS, 0, "data/own", "n6", NULL), "!EPERM");
    CHECK_STREQ(xt_op(d5, XS_SET_PERMS, 0, "name", "n5", NULL), "!EACCES");
    CHECK_STREQ(xt_op(d6, XS_SET_PERMS, 0, "/local/domain/5/data/own", "n6", NULL), "!EACCES");
    /* Write access is not ownership. */
    CHECK_STREQ(xt_op(d5, XS_SET_PERMS, 0, "data/own", "n5", "w6", NULL), "OK|");
    CHECK_STREQ(xt_op(d6, XS_SET_PERMS, 0, "/local/domain/5/data/own", "n6", NULL), "!EACCES");
    /* Malformed lists. */
    CHECK_STREQ(xt_op(d5, XS_SET_PERMS, 0, "data/own", NULL), "!EINVAL");
    CHECK_STREQ(xt_op(d5, XS_SET_PERMS, 0, "data/own", "q5", NULL), "!EINVAL");
    CHECK_STREQ(xt_op(d5, XS_SET_PERMS, 0, "data/own", "n", NULL), "!EINVAL");
    CHECK_STREQ(xt_req(d5, XS_SET_PERMS, 0, "data/own\0n5", 11), "!EINVAL");
    /* The privileged domain may give it to anyone. */
    CHECK_STREQ(xt_op(d0, XS_SET_PERMS, 0, "/local/domain/5/data/own", "b6", NULL), "OK|");
    CHECK_STREQ(xt_write(d6, 0, "/local/domain/5/data/own", "6's"), "OK|");
    CHECK_EQ(xs_domain_nodes(x->s, 6), 1);
    teardown();
}

HTEST(specials_have_permissions_too)
{
    setup();
    CHECK_STREQ(xt_op(d0, XS_GET_PERMS, 0, "@releaseDomain", NULL), "n0|");
    CHECK_STREQ(xt_op(d5, XS_GET_PERMS, 0, "@releaseDomain", NULL), "!EACCES");
    CHECK_STREQ(xt_op(d0, XS_SET_PERMS, 0, "@releaseDomain", "n0", "r5", NULL), "OK|");
    CHECK_STREQ(xt_op(d5, XS_GET_PERMS, 0, "@releaseDomain", NULL), "n0|r5|");
    CHECK_STREQ(xt_op(d5, XS_SET_PERMS, 0, "@releaseDomain", "n5", NULL), "!EACCES");
    CHECK_STREQ(xt_op(d0, XS_GET_PERMS, 0, "@other", NULL), "!ENOENT");
    /* Elsewhere "@x" is a plain relative name. */
    CHECK_STREQ(xt_write(d5, 0, "data/@x", "1"), "OK|");
    CHECK_STREQ(xt_read(d5, 0, "data/@x"), "1");
    teardown();
}

HTEST(privileged_messages_need_privilege)
{
    setup();
    CHECK_STREQ(xt_op(d5, XS_INTRODUCE, 0, "9", "4096", "1", NULL), "!EACCES");
    CHECK_STREQ(xt_op(d5, XS_RELEASE, 0, "9", NULL), "!EACCES");
    CHECK_STREQ(xt_op(d5, XS_RESUME, 0, "9", NULL), "!EACCES");
    CHECK_STREQ(xt_op(d5, XS_SET_TARGET, 0, "9", "5", NULL), "!EACCES");
    CHECK_STREQ(xt_op(d5, XS_CONTROL, 0, "check", NULL), "!EACCES");
    CHECK_STREQ(xt_op(d5, XS_CONTROL, 0, "quota", "nodes", "99999", NULL), "!EACCES");
    /* Anyone may ask these. */
    CHECK_STREQ(xt_op(d5, XS_GET_DOMAIN_PATH, 0, "5", NULL), "/local/domain/5|");
    CHECK_STREQ(xt_op(d5, XS_IS_DOMAIN_INTRODUCED, 0, "9", NULL), "F|");
    teardown();
}
