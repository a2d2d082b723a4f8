/*
 * test-xs-txn: transactions.
 *
 * A transaction sees its own changes and nobody else does until it
 * commits; a commit is refused with EAGAIN, changing nothing, when a node
 * it read or wrote changed meanwhile (changed, created, removed, its
 * permissions changed); transactions over disjoint nodes both commit; a
 * failed request inside a transaction leaves no trace in it; watches fire
 * at commit only; ids are per connection; a transaction that outlives
 * tx_timeout_ms can only fail.
 */
#include "htest.h"
#include "harness.h"

static struct xt *x;
static struct xt_conn *a, *b;

static void setup(const char *cfg)
{
    x = xt_new(cfg);
    a = xt_pipe(x, 0, true);
    b = xt_pipe(x, 0, true);
    xt_write(a, 0, "/p/x", "x0");
    xt_write(a, 0, "/p/y", "y0");
}

static void teardown(void)
{
    CHECK(xt_check_report(x) == NULL);
    xt_close(a);
    xt_close(b);
    CHECK_EQ(xt_free(x), 0);
}

HTEST(isolation_and_commit)
{
    setup(NULL);
    uint32_t t = xt_txstart(a);
    CHECK(t != 0);
    CHECK_STREQ(xt_write(a, t, "/p/x", "x1"), "OK|");
    CHECK_STREQ(xt_write(a, t, "/p/new/deep", "n"), "OK|");
    CHECK_STREQ(xt_op(a, XS_RM, t, "/p/y", NULL), "OK|");
    CHECK_STREQ(xt_read(a, t, "/p/x"), "x1");
    CHECK_STREQ(xt_read(a, t, "/p/y"), "!ENOENT");
    CHECK_STREQ(xt_op(a, XS_DIRECTORY, t, "/p", NULL), "x|new|");
    /* Outside: unchanged, for the same connection and for others. */
    CHECK_STREQ(xt_read(a, 0, "/p/x"), "x0");
    CHECK_STREQ(xt_read(b, 0, "/p/y"), "y0");
    CHECK_STREQ(xt_read(b, 0, "/p/new"), "!ENOENT");
    CHECK_STREQ(xt_txend(a, t, true), "OK|");
    CHECK_STREQ(xt_read(b, 0, "/p/x"), "x1");
    CHECK_STREQ(xt_read(b, 0, "/p/new/deep"), "n");
    CHECK_STREQ(xt_read(b, 0, "/p/y"), "!ENOENT");
    CHECK_STREQ(xt_op(b, XS_DIRECTORY, 0, "/p", NULL), "x|new|");
    /* The id is gone. */
    CHECK_STREQ(xt_read(a, t, "/p/x"), "!ENOENT");
    CHECK_STREQ(xt_txend(a, t, true), "!ENOENT");
    teardown();
}

HTEST(abort_changes_nothing)
{
    setup(NULL);
    uint32_t t = xt_txstart(a);
    CHECK_STREQ(xt_write(a, t, "/p/x", "x1"), "OK|");
    CHECK_STREQ(xt_write(a, t, "/q", "q"), "OK|");
    CHECK_STREQ(xt_txend(a, t, false), "OK|");
    CHECK_STREQ(xt_read(a, 0, "/p/x"), "x0");
    CHECK_STREQ(xt_read(a, 0, "/q"), "!ENOENT");
    teardown();
}

HTEST(conflicts_are_eagain_and_change_nothing)
{
    setup(NULL);
    /* Read, then someone else writes it. */
    uint32_t t = xt_txstart(a);
    CHECK_STREQ(xt_read(a, t, "/p/x"), "x0");
    CHECK_STREQ(xt_write(a, t, "/p/y", "from-t"), "OK|");
    CHECK_STREQ(xt_write(a, t, "/fresh", "f"), "OK|");
    CHECK_STREQ(xt_write(b, 0, "/p/x", "b-wins"), "OK|");
    CHECK_STREQ(xt_read(a, t, "/p/x"), "x0");       /* what it saw */
    CHECK_STREQ(xt_txend(a, t, true), "!EAGAIN");
    CHECK_STREQ(xt_read(b, 0, "/p/y"), "y0");
    CHECK_STREQ(xt_read(b, 0, "/fresh"), "!ENOENT");
    CHECK_STREQ(xt_read(b, 0, "/p/x"), "b-wins");
    /* Found absent, then created by someone else. */
    t = xt_txstart(a);
    CHECK_STREQ(xt_read(a, t, "/p/z"), "!ENOENT");
    CHECK_STREQ(xt_write(b, 0, "/p/z", "b"), "OK|");
    CHECK_STREQ(xt_txend(a, t, true), "!EAGAIN");
    /* Read, then removed. */
    t = xt_txstart(a);
    CHECK_STREQ(xt_read(a, t, "/p/z"), "b");
    CHECK_STREQ(xt_op(b, XS_RM, 0, "/p/z", NULL), "OK|");
    CHECK_STREQ(xt_txend(a, t, true), "!EAGAIN");
    /* Read, then its permissions changed. */
    t = xt_txstart(a);
    CHECK_STREQ(xt_read(a, t, "/p/y"), "y0");
    CHECK_STREQ(xt_op(b, XS_SET_PERMS, 0, "/p/y", "r0", NULL), "OK|");
    CHECK_STREQ(xt_txend(a, t, true), "!EAGAIN");
    /* Both write the same node: the later commit loses. */
    uint32_t t1 = xt_txstart(a), t2 = xt_txstart(b);
    CHECK_STREQ(xt_write(a, t1, "/p/x", "t1"), "OK|");
    CHECK_STREQ(xt_write(b, t2, "/p/x", "t2"), "OK|");
    CHECK_STREQ(xt_txend(b, t2, true), "OK|");
    CHECK_STREQ(xt_txend(a, t1, true), "!EAGAIN");
    CHECK_STREQ(xt_read(a, 0, "/p/x"), "t2");
    struct xs_stats st;
    xs_get_stats(x->s, &st);
    CHECK_EQ(st.conflicts, 5);
    teardown();
}

HTEST(disjoint_transactions_both_commit)
{
    setup(NULL);
    uint32_t t1 = xt_txstart(a), t2 = xt_txstart(b);
    CHECK_STREQ(xt_write(a, t1, "/p/x", "a"), "OK|");
    CHECK_STREQ(xt_write(b, t2, "/p/y", "b"), "OK|");
    CHECK_STREQ(xt_read(b, t2, "/p/y"), "b");
    CHECK_STREQ(xt_txend(a, t1, true), "OK|");
    CHECK_STREQ(xt_txend(b, t2, true), "OK|");
    CHECK_STREQ(xt_read(a, 0, "/p/x"), "a");
    CHECK_STREQ(xt_read(a, 0, "/p/y"), "b");
    teardown();
}

HTEST(retry_loop_converges)
{
    setup(NULL);
    /* Two clients incrementing a counter in transactions, interleaved. */
    xt_write(a, 0, "/ctr", "0");
    int commits = 0, retries = 0;
    for (int i = 0; i < 20; i++) {
        for (;;) {
            uint32_t ta = xt_txstart(a), tb = xt_txstart(b);
            int va = atoi(xt_read(a, ta, "/ctr")), vb = atoi(xt_read(b, tb, "/ctr"));
            char s[16];
            snprintf(s, sizeof(s), "%d", va + 1);
            xt_write(a, ta, "/ctr", s);
            snprintf(s, sizeof(s), "%d", vb + 1);
            xt_write(b, tb, "/ctr", s);
            bool oka = !strcmp(xt_txend(a, ta, true), "OK|");
            bool okb = !strcmp(xt_txend(b, tb, true), "OK|");
            CHECK(oka != okb);              /* exactly one wins each round */
            commits += oka + okb;
            retries += !oka + !okb;
            break;
        }
    }
    CHECK_EQ(atoi(xt_read(a, 0, "/ctr")), commits);
    CHECK_EQ(commits, 20);
    CHECK_EQ(retries, 20);
    teardown();
}

HTEST(failed_request_leaves_no_trace_in_the_transaction)
{
    setup("nodes=8");
    struct xt_conn *d = xt_pipe(x, 4, false);
    xt_op(a, XS_MKDIR, 0, "/local/domain/4", NULL);
    xt_op(a, XS_SET_PERMS, 0, "/local/domain/4", "n4", NULL);  /* owns 1 */
    uint32_t t = xt_txstart(d);
    CHECK(t != 0);
    CHECK_STREQ(xt_write(d, t, "a/b/c", "1"), "OK|");            /* 4 */
    /* Seven nodes deep: quota (8) runs out half-way. */
    CHECK_STREQ(xt_write(d, t, "x/1/2/3/4/5/6", "1"), "!ENOSPC");
    CHECK_STREQ(xt_read(d, t, "x"), "!ENOENT");
    CHECK_STREQ(xt_write(d, t, "y/1/2/3", "1"), "OK|");           /* 8 */
    CHECK_STREQ(xt_txend(d, t, true), "OK|");
    CHECK_STREQ(xt_read(d, 0, "x"), "!ENOENT");
    CHECK_STREQ(xt_read(d, 0, "y/1/2/3"), "1");
    CHECK_EQ(xs_domain_nodes(x->s, 4), 8);
    xt_close(d);
    teardown();
}

HTEST(watches_fire_at_commit_only)
{
    setup(NULL);
    CHECK_STREQ(xt_op(b, XS_WATCH, 0, "/p", "tok", NULL), "OK|");
    CHECK_STREQ(xt_event(b), "/p|tok|");
    CHECK(xt_event(b) == NULL);
    uint32_t t = xt_txstart(a);
    xt_write(a, t, "/p/x", "1");
    xt_write(a, t, "/p/x", "2");
    xt_write(a, t, "/p/n", "3");
    xt_op(a, XS_RM, t, "/p/y", NULL);
    CHECK(xt_event(b) == NULL);
    CHECK_STREQ(xt_txend(a, t, true), "OK|");
    CHECK_STREQ(xt_event(b), "/p/x|tok|");
    CHECK_STREQ(xt_event(b), "/p/n|tok|");
    CHECK_STREQ(xt_event(b), "/p/y|tok|");
    CHECK(xt_event(b) == NULL);
    /* Aborted: nothing. */
    t = xt_txstart(a);
    xt_write(a, t, "/p/x", "9");
    xt_txend(a, t, false);
    CHECK(xt_event(b) == NULL);
    teardown();
}

HTEST(ids_and_their_errors)
{
    setup(NULL);
    uint32_t t = xt_txstart(a);
    /* Another connection cannot use it. */
    CHECK_STREQ(xt_read(b, t, "/p/x"), "!ENOENT");
    CHECK_STREQ(xt_txend(b, t, true), "!ENOENT");
    /* START inside a transaction. */
    CHECK_STREQ(xt_op(a, XS_TRANSACTION_START, t, "", NULL), "!EBUSY");
    CHECK_STREQ(xt_op(a, XS_TRANSACTION_START, t + 1000, "", NULL), "!ENOENT");
    CHECK_STREQ(xt_txend(a, 0, true), "!ENOENT");
    CHECK_STREQ(xt_op(a, XS_TRANSACTION_END, t, "X", NULL), "!EINVAL");
    CHECK_STREQ(xt_op(a, XS_TRANSACTION_END, t, "TT", NULL), "!EINVAL");
    CHECK_STREQ(xt_req(a, XS_TRANSACTION_END, t, "T", 1), "!EINVAL");
    /* Still open after those. */
    CHECK_STREQ(xt_read(a, t, "/p/x"), "x0");
    uint32_t t2 = xt_txstart(a);
    CHECK(t2 != 0 && t2 != t);
    CHECK_STREQ(xt_txend(a, t2, false), "OK|");
    CHECK_STREQ(xt_txend(a, t, false), "OK|");
    /* Messages that do not take part ignore tx_id. */
    CHECK_STREQ(xt_op(a, XS_GET_DOMAIN_PATH, 12345, "3", NULL), "/local/domain/3|");
    teardown();
}

HTEST(reset_watches_drops_transactions)
{
    setup(NULL);
    uint32_t t = xt_txstart(a);
    xt_write(a, t, "/p/x", "never");
    CHECK_STREQ(xt_op(a, XS_RESET_WATCHES, 0, "", NULL), "OK|");
    CHECK_STREQ(xt_txend(a, t, true), "!ENOENT");
    CHECK_STREQ(xt_read(a, 0, "/p/x"), "x0");
    teardown();
}

HTEST(old_transactions_are_doomed)
{
    setup("tx_timeout_ms=1000");
    uint32_t t = xt_txstart(a), t2;
    CHECK_STREQ(xt_write(a, t, "/p/x", "late"), "OK|");
    x->now += 999;
    CHECK_STREQ(xt_read(a, t, "/p/x"), "late");
    x->now += 2;
    CHECK_STREQ(xt_read(a, t, "/p/x"), "!EAGAIN");
    CHECK_STREQ(xt_txend(a, t, true), "!EAGAIN");
    CHECK_STREQ(xt_read(a, 0, "/p/x"), "x0");
    t2 = xt_txstart(a);
    x->now += 5000;
    CHECK_STREQ(xt_txend(a, t2, false), "OK|");    /* abort still fine */
    teardown();
}

HTEST(many_ids_never_zero_never_reused_while_open)
{
    setup(NULL);
    uint32_t keep = xt_txstart(a);
    for (int i = 0; i < 200; i++) {
        uint32_t t = xt_txstart(a);
        CHECK(t != 0 && t != keep);
        xt_txend(a, t, false);
    }
    CHECK_STREQ(xt_txend(a, keep, false), "OK|");
    teardown();
}
