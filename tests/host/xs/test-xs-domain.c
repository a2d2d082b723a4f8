/*
 * test-xs-domain: the domain life cycle as the store sees it.
 *
 * INTRODUCE (argument checks, mapping and binding through the OS, failure
 * paths that leave nothing mapped or bound, the same page again, another
 * page), serving the ring afterwards, IS_DOMAIN_INTRODUCED, RELEASE,
 * shutdown (one @releaseDomain until RESUME), death (connection, ring,
 * port, watches and transactions gone; the dead domain's nodes pass to
 * the privileged domain and permissions naming it vanish, so a new domain
 * with the same id inherits nothing), SET_TARGET.
 */
#include "htest.h"
#include "harness.h"

static struct xt *x;
static struct xt_conn *d0;

static void setup(void)
{
    x = xt_new(NULL);
    d0 = xt_pipe(x, 0, true);
}

static void teardown(void)
{
    CHECK(xt_check_report(x) == NULL);
    xt_close(d0);
    CHECK_EQ(xt_free(x), 0);
}

/* What the toolstack does for a new domain: home, then INTRODUCE. */
static void create_domain(uint16_t domid)
{
    char home[32], id[8], mfn[16];
    snprintf(home, sizeof(home), "/local/domain/%u", domid);
    snprintf(id, sizeof(id), "%u", domid);
    snprintf(mfn, sizeof(mfn), "%u", 0x1000u + domid);
    xt_dom(x, domid);
    xt_op(d0, XS_MKDIR, 0, home, NULL);
    char perm[8];
    snprintf(perm, sizeof(perm), "r%u", domid);
    xt_op(d0, XS_SET_PERMS, 0, home, "n0", perm, NULL);
    CHECK_STREQ(xt_op(d0, XS_INTRODUCE, 0, id, mfn, "1", NULL), "OK|");
}

HTEST(introduce_checks_its_arguments)
{
    setup();
    struct xt_dom *d = xt_dom(x, 3);
    CHECK_STREQ(xt_op(d0, XS_INTRODUCE, 0, "3", "4099", NULL), "!EINVAL");
    CHECK_STREQ(xt_op(d0, XS_INTRODUCE, 0, "3", "x", "1", NULL), "!EINVAL");
    CHECK_STREQ(xt_op(d0, XS_INTRODUCE, 0, "0", "4096", "1", NULL), "!EINVAL");
    CHECK_STREQ(xt_op(d0, XS_INTRODUCE, 0, "32752", "4096", "1", NULL), "!EINVAL");
    CHECK_STREQ(xt_op(d0, XS_INTRODUCE, 0, "3", "4099", "0", NULL), "!EINVAL");
    /* The OS refuses: wrong frame, wrong port, no such domain. */
    CHECK_STREQ(xt_op(d0, XS_INTRODUCE, 0, "3", "4100", "1", NULL), "!EINVAL");
    CHECK_STREQ(xt_op(d0, XS_INTRODUCE, 0, "3", "4099", "2", NULL), "!EINVAL");
    CHECK_STREQ(xt_op(d0, XS_INTRODUCE, 0, "44", "4140", "1", NULL), "!EINVAL");
    CHECK_EQ(d->mapped, 0);
    CHECK_EQ(d->bound, 0);
    CHECK_STREQ(xt_op(d0, XS_IS_DOMAIN_INTRODUCED, 0, "3", NULL), "F|");
    CHECK_STREQ(xt_op(d0, XS_INTRODUCE, 0, "3", "4099", "1", "reserved", NULL), "OK|");
    CHECK_EQ(d->mapped, 1);
    CHECK_EQ(d->bound, 1);
    CHECK_EQ(d->page->server_features,
             XENSTORE_SERVER_FEATURE_RECONNECTION | XENSTORE_SERVER_FEATURE_ERROR);
    CHECK_STREQ(xt_op(d0, XS_IS_DOMAIN_INTRODUCED, 0, "3", NULL), "T|");
    /* The same page again: fine, nothing new.  Another: EINVAL. */
    CHECK_STREQ(xt_op(d0, XS_INTRODUCE, 0, "3", "4099", "1", NULL), "OK|");
    CHECK_EQ(d->mapped, 1);
    CHECK_STREQ(xt_op(d0, XS_INTRODUCE, 0, "3", "4098", "1", NULL), "!EINVAL");
    teardown();
}

HTEST(the_ring_is_served)
{
    setup();
    create_domain(4);
    struct xt_conn *g = xt_ring(x, 4);
    CHECK_STREQ(xt_read(g, 0, "/local/domain/4"), "");
    CHECK_STREQ(xt_op(g, XS_DIRECTORY, 0, "/local/domain", NULL), "!EACCES");
    CHECK_STREQ(xt_op(g, XS_GET_DOMAIN_PATH, 0, "4", NULL), "/local/domain/4|");
    CHECK_STREQ(xt_write(g, 0, "x", "1"), "!EACCES");
    CHECK(x->doms[0].notifies > 0);
    xt_close(g);
    teardown();
}

HTEST(release)
{
    setup();
    create_domain(4);
    struct xt_dom *d = xt_dom(x, 4);
    xt_op(d0, XS_WATCH, 0, "@releaseDomain", "r", NULL);
    xt_event(d0);
    CHECK_STREQ(xt_op(d0, XS_RELEASE, 0, "4", NULL), "OK|");
    CHECK_EQ(d->mapped, 0);
    CHECK_EQ(d->bound, 0);
    CHECK_STREQ(xt_event(d0), "@releaseDomain|r|");
    CHECK_STREQ(xt_op(d0, XS_IS_DOMAIN_INTRODUCED, 0, "4", NULL), "F|");
    CHECK_STREQ(xt_op(d0, XS_RELEASE, 0, "4", NULL), "!ENOENT");
    /* Its home stays: the toolstack removes it. */
    CHECK_STREQ(xt_read(d0, 0, "/local/domain/4"), "");
    teardown();
}

HTEST(shutdown_fires_once_until_resume)
{
    setup();
    create_domain(4);
    struct xt_dom *d = xt_dom(x, 4);
    xt_op(d0, XS_WATCH, 0, "@releaseDomain", "r", NULL);
    xt_event(d0);
    xs_domains_changed(x->s);
    CHECK(xt_event(d0) == NULL);
    d->state = XS_DOM_SHUTDOWN;
    xs_domains_changed(x->s);
    CHECK_STREQ(xt_event(d0), "@releaseDomain|r|");
    xs_domains_changed(x->s);
    CHECK(xt_event(d0) == NULL);
    CHECK_STREQ(xt_op(d0, XS_IS_DOMAIN_INTRODUCED, 0, "4", NULL), "T|");
    CHECK_STREQ(xt_op(d0, XS_RESUME, 0, "4", NULL), "OK|");
    d->state = XS_DOM_RUNNING;
    xs_domains_changed(x->s);
    CHECK(xt_event(d0) == NULL);
    d->state = XS_DOM_SHUTDOWN;
    xs_domains_changed(x->s);
    CHECK_STREQ(xt_event(d0), "@releaseDomain|r|");
    teardown();
}

HTEST(death_cleans_up_and_revokes)
{
    setup();
    create_domain(4);
    struct xt_dom *d = xt_dom(x, 4);
    struct xt_conn *g = xt_ring(x, 4);
    xt_op(d0, XS_MKDIR, 0, "/local/domain/4/data", NULL);
    xt_op(d0, XS_SET_PERMS, 0, "/local/domain/4/data", "n4", NULL);
    xt_write(d0, 0, "/shared", "s");
    xt_op(d0, XS_SET_PERMS, 0, "/shared", "n0", "b4", "r7", NULL);
    CHECK_STREQ(xt_write(g, 0, "data/mine", "m"), "OK|");
    CHECK_STREQ(xt_op(g, XS_WATCH, 0, "data", "w", NULL), "OK|");
    uint32_t t = xt_txstart(g);
    CHECK(t != 0);
    CHECK_STREQ(xt_write(g, t, "data/pending", "p"), "OK|");
    CHECK_EQ(xs_domain_nodes(x->s, 4), 2);
    struct xs_stats st;
    xs_get_stats(x->s, &st);
    CHECK_EQ(st.watches, 1);
    CHECK_EQ(st.transactions, 1);

    xt_op(d0, XS_WATCH, 0, "@releaseDomain", "r", NULL);
    xt_event(d0);
    d->state = XS_DOM_GONE;
    xs_domains_changed(x->s);
    CHECK_STREQ(xt_event(d0), "@releaseDomain|r|");
    CHECK_EQ(d->mapped, 0);
    CHECK_EQ(d->bound, 0);
    xs_get_stats(x->s, &st);
    CHECK_EQ(st.watches, 1);                /* d0's own */
    CHECK_EQ(st.transactions, 0);
    CHECK_EQ(st.domains, 0);
    CHECK_STREQ(xt_op(d0, XS_IS_DOMAIN_INTRODUCED, 0, "4", NULL), "F|");
    CHECK_EQ(xs_domain_nodes(x->s, 4), 0);
    CHECK_EQ(xs_domain_memory(x->s, 4), 0);
    CHECK_STREQ(xt_op(d0, XS_GET_PERMS, 0, "/local/domain/4/data/mine", NULL), "n0|");
    CHECK_STREQ(xt_op(d0, XS_GET_PERMS, 0, "/shared", NULL), "n0|r7|");
    CHECK_STREQ(xt_op(d0, XS_GET_PERMS, 0, "/local/domain/4", NULL), "n0|");
    CHECK_STREQ(xt_read(d0, 0, "/local/domain/4/data/pending"), "!ENOENT");
    /* The toolstack removes the home; a new domain 4 starts clean. */
    CHECK_STREQ(xt_op(d0, XS_RM, 0, "/local/domain/4", NULL), "OK|");
    xt_close(g);
    d->state = XS_DOM_RUNNING;
    create_domain(4);
    g = xt_ring(x, 4);
    CHECK_STREQ(xt_read(g, 0, "/shared"), "!EACCES");
    CHECK_STREQ(xt_read(g, 0, ""), "!EINVAL");
    xt_close(g);
    teardown();
}

HTEST(set_target)
{
    setup();
    create_domain(4);
    create_domain(9);
    struct xt_conn *dm = xt_ring(x, 9);
    xt_op(d0, XS_MKDIR, 0, "/local/domain/4/data", NULL);
    xt_op(d0, XS_SET_PERMS, 0, "/local/domain/4/data", "n4", NULL);
    xt_write(d0, 0, "/granted", "g");
    xt_op(d0, XS_SET_PERMS, 0, "/granted", "n0", "r4", NULL);
    CHECK_STREQ(xt_write(dm, 0, "/local/domain/4/data/x", "1"), "!EACCES");
    CHECK_STREQ(xt_op(d0, XS_SET_TARGET, 0, "9", "44", NULL), "!ENOENT");
    CHECK_STREQ(xt_op(d0, XS_SET_TARGET, 0, "19", "4", NULL), "!ENOENT");
    CHECK_STREQ(xt_op(d0, XS_SET_TARGET, 0, "9", NULL), "!EINVAL");
    CHECK_STREQ(xt_op(d0, XS_SET_TARGET, 0, "9", "4", NULL), "OK|");
    /* The owner's rights on 4's nodes, and 4's grants elsewhere. */
    CHECK_STREQ(xt_write(dm, 0, "/local/domain/4/data/x", "1"), "OK|");
    /* It created x, so x is its own (as in Xen); it cannot give it away. */
    CHECK_STREQ(xt_op(dm, XS_GET_PERMS, 0, "/local/domain/4/data/x", NULL), "n9|");
    CHECK_STREQ(xt_op(dm, XS_SET_PERMS, 0, "/local/domain/4/data/x", "n4", NULL), "!EPERM");
    CHECK_STREQ(xt_write(d0, 0, "/local/domain/4/data/y", "by d0"), "OK|");
    CHECK_STREQ(xt_op(dm, XS_SET_PERMS, 0, "/local/domain/4/data/y", "n4", "r9", NULL), "OK|");
    CHECK_STREQ(xt_op(dm, XS_RM, 0, "/local/domain/4/data/y", NULL), "OK|");
    CHECK_STREQ(xt_read(dm, 0, "/granted"), "g");
    CHECK_STREQ(xt_write(dm, 0, "/granted", "no"), "!EACCES");
    xt_close(dm);
    teardown();
}

HTEST(many_domains_come_and_go)
{
    setup();
    for (int round = 0; round < 5; round++) {
        for (uint16_t id = 1; id <= 40; id++)
            create_domain(id);
        for (uint16_t id = 1; id <= 40; id++) {
            struct xt_conn *g = xt_ring(x, id);
            char v[16];
            snprintf(v, sizeof(v), "%u", id);
            CHECK_STREQ(xt_read(g, 0, "/local/domain/1"), id == 1 ? "" : "!EACCES");
            xt_close(g);
        }
        for (uint16_t id = 1; id <= 40; id++)
            xt_dom(x, id)->state = XS_DOM_GONE;
        xs_domains_changed(x->s);
        for (uint16_t id = 1; id <= 40; id++) {
            char home[32];
            snprintf(home, sizeof(home), "/local/domain/%u", id);
            xt_op(d0, XS_RM, 0, home, NULL);
            xt_dom(x, id)->state = XS_DOM_RUNNING;
        }
        CHECK(xt_check(x) == NULL);
    }
    struct xs_stats st;
    xs_get_stats(x->s, &st);
    CHECK_EQ(st.nodes, 5);                  /* the skeleton again */
    CHECK_EQ(st.domains, 0);
    CHECK_EQ(st.connections, 1);
    teardown();
}
