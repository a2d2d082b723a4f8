/*
 * test-xs-client: the client library (dom0-tools/tools/xenstore) and the
 * xenstore-* commands, against a real store through a local pipe.
 *
 * Every wrapper against the store; ERROR replies back to numbers; long
 * directories through DIRECTORY_PART; events arriving during requests
 * kept for later, the oldest dropped (and counted) when too many wait;
 * replies nobody waits for skipped.  The commands: their output formats,
 * escaping of hostile values, -p / -t / -r / -n, usage errors and exit
 * statuses.
 */
#include "htest.h"
#include "harness.h"
#include "xs_client.h"
#include "xenstore_cmds.h"

static struct xt *x;
static struct xs_pipe *pipe_;
static struct xsc c;
static char out[65536];

static int p_send(void *ctx, const void *buf, uint32_t len) { return xs_pipe_write(ctx, buf, len); }
static int p_recv(void *ctx, void *buf, uint32_t len) { return xs_pipe_read(ctx, buf, len); }
static int p_wait(void *ctx)
{
    static int idle;
    if (xs_run(x->s, 64) == 0 && ++idle > 100000)
        return -XEN_ETIME;                  /* nothing will ever come */
    return 0;
}

static void collect(void *ctx, const char *line)
{
    strncat(out, line, sizeof(out) - strlen(out) - 1);
}

static void setup(uint16_t domid, bool priv)
{
    struct xsc_io io = { .send = p_send, .recv = p_recv, .wait = p_wait };

    x = xt_new(NULL);
    pipe_ = xs_pipe_open(x->s, domid, priv);
    io.ctx = pipe_;
    xsc_init(&c, &io);
    out[0] = '\0';
}

static void teardown(void)
{
    CHECK(xt_check(x) == NULL);
    xs_pipe_close(pipe_);
    CHECK_EQ(xt_free(x), 0);
}

static int run(const char *line)
{
    char buf[1024], *argv[32];
    int argc = 0;

    snprintf(buf, sizeof(buf), "%s", line);
    for (char *t = strtok(buf, " "); t && argc < 32; t = strtok(NULL, " "))
        argv[argc++] = t;
    out[0] = '\0';
    return xenstore_cmd(&c, argc, argv, collect, NULL);
}

HTEST(wrappers)
{
    char buf[256];
    uint32_t len, tx;
    bool yes;

    setup(0, true);
    CHECK_EQ(xsc_write_str(&c, 0, "/a/b", "v"), 0);
    CHECK_EQ(xsc_read(&c, 0, "/a/b", buf, sizeof(buf), &len), 0);
    CHECK_STREQ(buf, "v");
    CHECK_EQ(len, 1);
    CHECK_EQ(xsc_read(&c, 0, "/a/nope", buf, sizeof(buf), &len), -XEN_ENOENT);
    CHECK_EQ(xsc_read(&c, 0, "bad path", buf, sizeof(buf), &len), -XEN_EINVAL);
    CHECK_EQ(xsc_mkdir(&c, 0, "/a/c"), 0);
    CHECK_EQ(xsc_directory(&c, 0, "/a", buf, sizeof(buf), &len), 0);
    CHECK(len == 4 && !memcmp(buf, "b\0c\0", 4));
    CHECK_EQ(xsc_set_perms(&c, 0, "/a/b", "n0\0r3", 6), 0);
    CHECK_EQ(xsc_get_perms(&c, 0, "/a/b", buf, sizeof(buf), &len), 0);
    CHECK(len == 6 && !memcmp(buf, "n0\0r3\0", 6));
    CHECK_EQ(xsc_tx_start(&c, &tx), 0);
    CHECK_EQ(xsc_write_str(&c, tx, "/a/b", "in tx"), 0);
    CHECK_EQ(xsc_tx_end(&c, tx, true), 0);
    CHECK_EQ(xsc_read(&c, 0, "/a/b", buf, 3, &len), 0);
    CHECK_STREQ(buf, "in");                 /* truncated to the buffer */
    CHECK_EQ(xsc_tx_end(&c, tx, true), -XEN_ENOENT);
    CHECK_EQ(xsc_rm(&c, 0, "/a"), 0);
    CHECK_EQ(xsc_get_domain_path(&c, 4, buf, sizeof(buf)), 0);
    CHECK_STREQ(buf, "/local/domain/4");
    CHECK_EQ(xsc_is_introduced(&c, 4, &yes), 0);
    CHECK(!yes);
    CHECK_EQ(xsc_release(&c, 4), -XEN_ENOENT);
    xt_dom(x, 4);
    CHECK_EQ(xsc_introduce(&c, 4, 0x1004, 1), 0);
    CHECK_EQ(xsc_is_introduced(&c, 4, &yes), 0);
    CHECK(yes);
    CHECK_EQ(xsc_errnum("EAGAIN"), -XEN_EAGAIN);
    CHECK_EQ(xsc_errnum("ENOTANERROR"), -XEN_EINVAL);
    teardown();
}

HTEST(long_directories_in_parts)
{
    static char buf[65536];
    char p[300];
    uint32_t len, n = 0;

    setup(0, true);
    for (int i = 0; i < 100; i++) {
        snprintf(p, sizeof(p), "/long/%0200d", i);
        CHECK_EQ(xsc_write_str(&c, 0, p, ""), 0);
    }
    CHECK_EQ(xsc_directory(&c, 0, "/long", buf, sizeof(buf), &len), 0);
    for (uint32_t off = 0; off < len; off += (uint32_t)strlen(buf + off) + 1)
        n++;
    CHECK_EQ(n, 100);
    CHECK_EQ(len, 100 * 201);
    CHECK_EQ(xsc_directory(&c, 0, "/long", buf, 1000, &len), -XEN_E2BIG);
    teardown();
}

HTEST(events_wait_for_their_reader)
{
    char path[64], tok[64];

    setup(0, true);
    CHECK_EQ(xsc_watch(&c, "/w", "tok"), 0);
    CHECK_EQ(xsc_write_str(&c, 0, "/w/1", "a"), 0);
    CHECK_EQ(xsc_write_str(&c, 0, "/w/2", "b"), 0);
    CHECK_EQ(xsc_event(&c, false, path, sizeof(path), tok, sizeof(tok)), 1);
    CHECK_STREQ(path, "/w");
    CHECK_STREQ(tok, "tok");
    CHECK_EQ(xsc_event(&c, false, path, sizeof(path), tok, sizeof(tok)), 1);
    CHECK_STREQ(path, "/w/1");
    CHECK_EQ(xsc_event(&c, true, path, sizeof(path), NULL, 0), 1);
    CHECK_STREQ(path, "/w/2");
    CHECK_EQ(xsc_event(&c, false, path, sizeof(path), NULL, 0), 0);
    /* Too many waiting: the oldest go, and are counted. */
    for (int i = 0; i < 1000; i++) {
        char p[32];
        snprintf(p, sizeof(p), "/w/n%d", i);
        xsc_write_str(&c, 0, p, "");
    }
    CHECK(c.lost > 0);
    int got = 0;
    while (xsc_event(&c, false, path, sizeof(path), NULL, 0) == 1)
        got++;
    CHECK_EQ(got + (int)c.lost, 1000);
    CHECK_STREQ(path, "/w/n999");
    teardown();
}

HTEST(stray_replies_are_skipped)
{
    char buf[64];
    uint32_t len;

    setup(0, true);
    /* A reply to a request this client never waited for. */
    struct xsd_sockmsg h = { .type = XS_READ, .req_id = 999, .len = 2 };
    xs_pipe_write(pipe_, &h, sizeof(h));
    xs_pipe_write(pipe_, "/", 2);
    xs_run(x->s, 64);
    CHECK_EQ(xsc_write_str(&c, 0, "/s", "x"), 0);
    CHECK_EQ(xsc_read(&c, 0, "/s", buf, sizeof(buf), &len), 0);
    CHECK_STREQ(buf, "x");
    teardown();
}

HTEST(cmd_read_write_rm)
{
    setup(0, true);
    CHECK_EQ(run("xenstore-write /t/a 1 /t/b two"), 0);
    CHECK_EQ(run("xenstore-read /t/a /t/b"), 0);
    CHECK_STREQ(out, "1\ntwo\n");
    CHECK_EQ(run("xenstore-read -p /t/a"), 0);
    CHECK_STREQ(out, "/t/a: 1\n");
    CHECK_EQ(run("xenstore-read /t/a /t/missing"), 1);
    CHECK_STREQ(out, "1\nxenstore-read: couldn't read /t/missing: ENOENT\n");
    CHECK_EQ(run("xenstore-write /t/a"), 2);
    CHECK(strstr(out, "usage: xenstore-write") != NULL);
    CHECK_EQ(run("xenstore-exists /t/b"), 0);
    CHECK_EQ(run("xenstore-exists /t/c"), 1);
    CHECK_EQ(run("xenstore-write /deep/er/est x"), 0);
    CHECK_EQ(run("xenstore-rm -t /deep/er/est"), 0);
    CHECK_EQ(run("xenstore-exists /deep"), 1);
    CHECK_EQ(run("xenstore-rm /t/a /nope/nope"), 1);
    CHECK_EQ(run("xenstore-list /t"), 0);
    CHECK_STREQ(out, "b\n");
    CHECK_EQ(run("xenstore-bogus"), 2);
    CHECK(xenstore_cmd_known("xenstore-ls"));
    CHECK(!xenstore_cmd_known("xl"));
    teardown();
}

HTEST(cmd_ls_tree_and_escaping)
{
    setup(0, true);
    CHECK_EQ(run("xenstore-write /vm/u/name guest /vm/u/image/kernel /k /vm/u/bad x"), 0);
    CHECK_EQ(xsc_write(&c, 0, "/vm/u/bad", "q\"\\\x01\xff", 5), 0);
    CHECK_EQ(run("xenstore-ls /vm"), 0);
    CHECK_STREQ(out,
                "u = \"\"\n"
                " name = \"guest\"\n"
                " image = \"\"\n"
                "  kernel = \"/k\"\n"
                " bad = \"q\\\"\\\\\\x01\\xff\"\n");
    CHECK_EQ(run("xenstore-chmod -r /vm n0 r7"), 0);
    CHECK_EQ(run("xenstore-ls -p /vm/u/image"), 0);
    CHECK_STREQ(out, "kernel = \"/k\"  (n0,r7)\n");
    CHECK_EQ(run("xenstore-ls"), 0);
    CHECK(strstr(out, "local = \"\"\n domain = \"\"\n") != NULL);
    CHECK(strstr(out, "vm = \"\"\n u = \"\"\n") != NULL);
    CHECK_EQ(run("xenstore-chmod /vm x9"), 1);
    CHECK(strstr(out, "EINVAL") != NULL);
    CHECK_EQ(run("xenstore-chmod /vm"), 2);
    teardown();
}

HTEST(cmd_watch_counts_events)
{
    setup(0, true);
    /* The first firing counts: -n 1 returns at once. */
    CHECK_EQ(run("xenstore-watch -n 1 /wt"), 0);
    CHECK_STREQ(out, "/wt\n");
    CHECK_EQ(run("xenstore-watch -n 0 /wt"), 2);
    CHECK_EQ(run("xenstore-watch"), 2);
    struct xs_stats st;
    xs_get_stats(x->s, &st);
    CHECK_EQ(st.watches, 0);                /* unwatched on the way out */
    teardown();
}

HTEST(cmd_control_stats_and_check)
{
    setup(0, true);
    CHECK_EQ(run("xenstore-write /c/a 1"), 0);
    CHECK_EQ(run("xenstore-control stats"), 0);
    const char *head = "nodes 7\nconnections 1\ndomains 0\nwatches 0\ntransactions 0\n";
    CHECK(strncmp(out, head, strlen(head)) == 0);
    CHECK_EQ(run("xenstore-control check"), 0);
    CHECK_STREQ(out, "OK\n");
    CHECK_EQ(run("xenstore-control help"), 0);
    CHECK(strstr(out, "stats\n") != NULL);
    CHECK_EQ(run("xenstore-control frob"), 1);
    CHECK_STREQ(out, "xenstore-control: couldn't run frob: EINVAL\n");
    CHECK_EQ(run("xenstore-control"), 2);
    teardown();
}

HTEST(commands_as_an_unprivileged_domain)
{
    setup(5, false);
    CHECK_EQ(run("xenstore-control stats"), 1);
    CHECK_EQ(run("xenstore-write /x 1"), 1);
    CHECK_STREQ(out, "xenstore-write: couldn't write /x: EACCES\n");
    CHECK_EQ(run("xenstore-ls /"), 1);
    teardown();
}
