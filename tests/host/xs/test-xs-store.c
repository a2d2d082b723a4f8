/*
 * test-xs-store: the tree operations as Xen defines them, seen through a
 * local connection of the privileged domain (no permission or quota
 * stands in the way here; test-xs-perms and test-xs-quota do that).
 *
 * READ/WRITE/MKDIR/RM/DIRECTORY/DIRECTORY_PART/GET_PERMS, the skeleton a
 * new store holds, implicit parents, RM of subtrees and of missing nodes,
 * binary values, the message framing rules (strings, NULs, unknown types)
 * and that replies echo req_id and tx_id.
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

HTEST(the_skeleton)
{
    setup();
    CHECK_STREQ(xt_op(d0, XS_DIRECTORY, 0, "/", NULL), "local|tool|");
    CHECK_STREQ(xt_op(d0, XS_DIRECTORY, 0, "/local", NULL), "domain|");
    CHECK_STREQ(xt_op(d0, XS_DIRECTORY, 0, "/local/domain", NULL), "");
    CHECK_STREQ(xt_op(d0, XS_DIRECTORY, 0, "/tool", NULL), "xenstored|");
    CHECK_STREQ(xt_op(d0, XS_GET_PERMS, 0, "/", NULL), "n0|");
    CHECK_STREQ(xt_read(d0, 0, "/"), "");
    teardown();
}

HTEST(write_read_and_implicit_parents)
{
    setup();
    CHECK_STREQ(xt_write(d0, 0, "/a/b/c", "hello"), "OK|");
    CHECK_STREQ(xt_read(d0, 0, "/a/b/c"), "hello");
    CHECK_STREQ(xt_read(d0, 0, "/a/b"), "");
    CHECK_STREQ(xt_read(d0, 0, "/a"), "");
    CHECK_STREQ(xt_op(d0, XS_DIRECTORY, 0, "/", NULL), "local|tool|a|");
    CHECK_STREQ(xt_write(d0, 0, "/a/b/c", "again"), "OK|");
    CHECK_STREQ(xt_read(d0, 0, "/a/b/c"), "again");
    CHECK_STREQ(xt_write(d0, 0, "/a/b/c", ""), "OK|");
    CHECK_STREQ(xt_read(d0, 0, "/a/b/c"), "");
    CHECK_STREQ(xt_read(d0, 0, "/a/nope"), "!ENOENT");
    CHECK_STREQ(xt_op(d0, XS_DIRECTORY, 0, "/nope", NULL), "!ENOENT");
    /* Relative paths of a local tool resolve under /local/domain/0. */
    CHECK_STREQ(xt_write(d0, 0, "rel/x", "1"), "OK|");
    CHECK_STREQ(xt_read(d0, 0, "/local/domain/0/rel/x"), "1");
    teardown();
}

HTEST(values_are_bytes)
{
    static const uint8_t v[] = { 'a', 0, 'b', 0xff, 0 };
    uint8_t buf[32];

    setup();
    memcpy(buf, "/bin", 5);
    memcpy(buf + 5, v, sizeof(v));
    CHECK_STREQ(xt_req(d0, XS_WRITE, 0, buf, 5 + sizeof(v)), "OK|");
    CHECK_STREQ(xt_read(d0, 0, "/bin"), "a|b\xff|");
    teardown();
}

HTEST(mkdir)
{
    setup();
    CHECK_STREQ(xt_op(d0, XS_MKDIR, 0, "/m/n", NULL), "OK|");
    CHECK_STREQ(xt_op(d0, XS_DIRECTORY, 0, "/m", NULL), "n|");
    CHECK_STREQ(xt_write(d0, 0, "/m/n", "v"), "OK|");
    /* An existing node keeps its value. */
    CHECK_STREQ(xt_op(d0, XS_MKDIR, 0, "/m/n", NULL), "OK|");
    CHECK_STREQ(xt_read(d0, 0, "/m/n"), "v");
    teardown();
}

HTEST(rm_removes_subtrees)
{
    setup();
    CHECK_STREQ(xt_write(d0, 0, "/r/a/1", "x"), "OK|");
    CHECK_STREQ(xt_write(d0, 0, "/r/a/2/deep/er", "y"), "OK|");
    CHECK_STREQ(xt_write(d0, 0, "/r/b", "z"), "OK|");
    CHECK_STREQ(xt_op(d0, XS_RM, 0, "/r/a", NULL), "OK|");
    CHECK_STREQ(xt_read(d0, 0, "/r/a/2/deep/er"), "!ENOENT");
    CHECK_STREQ(xt_read(d0, 0, "/r/a"), "!ENOENT");
    CHECK_STREQ(xt_op(d0, XS_DIRECTORY, 0, "/r", NULL), "b|");
    /* Missing node, existing parent: fine.  Missing parent: ENOENT. */
    CHECK_STREQ(xt_op(d0, XS_RM, 0, "/r/a", NULL), "OK|");
    CHECK_STREQ(xt_op(d0, XS_RM, 0, "/r/a/b", NULL), "!ENOENT");
    CHECK_STREQ(xt_op(d0, XS_RM, 0, "/", NULL), "!EINVAL");
    CHECK_STREQ(xt_op(d0, XS_RM, 0, "/r", NULL), "OK|");
    CHECK_STREQ(xt_op(d0, XS_DIRECTORY, 0, "/", NULL), "local|tool|");
    teardown();
}

HTEST(children_keep_creation_order)
{
    setup();
    CHECK_STREQ(xt_write(d0, 0, "/o/zeta", ""), "OK|");
    CHECK_STREQ(xt_write(d0, 0, "/o/alpha", ""), "OK|");
    CHECK_STREQ(xt_write(d0, 0, "/o/mid", ""), "OK|");
    CHECK_STREQ(xt_op(d0, XS_RM, 0, "/o/alpha", NULL), "OK|");
    CHECK_STREQ(xt_write(d0, 0, "/o/alpha", ""), "OK|");
    CHECK_STREQ(xt_op(d0, XS_DIRECTORY, 0, "/o", NULL), "zeta|mid|alpha|");
    teardown();
}

HTEST(directory_part_pages_through_long_lists)
{
    char path[64], name[200];
    unsigned int got = 0, off = 0;
    const char *r;

    setup();
    /* 40 children of ~150 bytes: 6 KB of names, more than one reply. */
    for (int i = 0; i < 40; i++) {
        memset(name, 'n', 150);
        snprintf(name + 150, 50, "%02d", i);
        snprintf(path, sizeof(path), "/big/");
        char full[256];
        snprintf(full, sizeof(full), "/big/%s", name);
        CHECK_STREQ(xt_write(d0, 0, full, ""), "OK|");
    }
    CHECK_STREQ(xt_op(d0, XS_DIRECTORY, 0, "/big", NULL), "!E2BIG");
    char gen0[32] = "";
    for (int round = 0; round < 10; round++) {
        char offs[16];
        snprintf(offs, sizeof(offs), "%u", off);
        r = xt_op(d0, XS_DIRECTORY_PART, 0, "/big", offs, NULL);
        CHECK(r[0] != '!');
        /* gen|name|name|...|[|] */
        const char *bar = strchr(r, '|');
        if (!bar)
            break;
        if (!gen0[0])
            snprintf(gen0, sizeof(gen0), "%.*s", (int)(bar - r), r);
        CHECK(!strncmp(r, gen0, strlen(gen0)));
        const char *p = bar + 1;
        bool end = false;
        while (*p) {
            const char *e = strchr(p, '|');
            if (e == p) {
                end = true;
                break;
            }
            got++;
            off += (unsigned int)(e - p) + 1;
            p = e + 1;
        }
        if (end)
            break;
    }
    CHECK_EQ(got, 40);
    /* Past the end: just the generation and the end mark. */
    r = xt_op(d0, XS_DIRECTORY_PART, 0, "/big", "999999", NULL);
    CHECK(strlen(r) >= 2 && !strcmp(r + strlen(r) - 2, "||"));
    CHECK_STREQ(xt_op(d0, XS_DIRECTORY_PART, 0, "/big", "x", NULL), "!EINVAL");
    CHECK_STREQ(xt_op(d0, XS_DIRECTORY_PART, 0, "/big", NULL), "!EINVAL");
    /* A change shows in the generation. */
    CHECK_STREQ(xt_write(d0, 0, "/big/more", ""), "OK|");
    r = xt_op(d0, XS_DIRECTORY_PART, 0, "/big", "0", NULL);
    CHECK(strncmp(r, gen0, strlen(gen0)) || r[strlen(gen0)] != '|');
    teardown();
}

HTEST(framing_rules)
{
    setup();
    /* One string exactly: missing NUL, extra strings, empty payload. */
    CHECK_STREQ(xt_req(d0, XS_READ, 0, "/local", 6), "!EINVAL");
    CHECK_STREQ(xt_req(d0, XS_READ, 0, "/local\0/tool", 12), "!EINVAL");
    CHECK_STREQ(xt_req(d0, XS_READ, 0, "/local\0/tool\0", 13), "!EINVAL");
    CHECK_STREQ(xt_req(d0, XS_READ, 0, "", 0), "!EINVAL");
    CHECK_STREQ(xt_req(d0, XS_WRITE, 0, "/nonul", 6), "!EINVAL");
    CHECK_STREQ(xt_op(d0, XS_READ, 0, "/bad path", NULL), "!EINVAL");
    CHECK_STREQ(xt_op(d0, XS_READ, 0, "/a//b", NULL), "!EINVAL");
    /* Types nobody may send, and unknown ones: ENOSYS; the link lives. */
    for (uint32_t t = XS_WATCH_EVENT; t <= XS_ERROR; t++)
        CHECK_STREQ(xt_req(d0, t, 0, "x", 2), "!ENOSYS");
    CHECK_STREQ(xt_req(d0, XS_RESTRICT, 0, "1", 2), "!ENOSYS");
    CHECK_STREQ(xt_req(d0, XS_TYPE_COUNT, 0, "", 0), "!ENOSYS");
    CHECK_STREQ(xt_req(d0, 0xffff, 0, "", 0), "!ENOSYS");
    CHECK_STREQ(xt_req(d0, 0xffffffffu, 0, "", 0), "!ENOSYS");
    CHECK_STREQ(xt_read(d0, 0, "/"), "");
    CHECK(xt_alive(d0));
    teardown();
}

HTEST(replies_echo_ids)
{
    setup();
    xt_read(d0, 0, "/");
    CHECK_EQ(d0->last_type, XS_READ);
    CHECK_EQ(d0->last_tx, 0);
    xt_read(d0, 0, "/missing");
    CHECK_EQ(d0->last_type, XS_ERROR);
    /* An unknown transaction: ENOENT, with its id echoed. */
    CHECK_STREQ(xt_read(d0, 77, "/"), "!ENOENT");
    CHECK_EQ(d0->last_tx, 77);
    teardown();
}

HTEST(domain_messages_basic)
{
    setup();
    CHECK_STREQ(xt_op(d0, XS_GET_DOMAIN_PATH, 0, "7", NULL), "/local/domain/7|");
    CHECK_STREQ(xt_op(d0, XS_GET_DOMAIN_PATH, 0, "x", NULL), "!EINVAL");
    CHECK_STREQ(xt_op(d0, XS_IS_DOMAIN_INTRODUCED, 0, "7", NULL), "F|");
    CHECK_STREQ(xt_op(d0, XS_RELEASE, 0, "7", NULL), "!ENOENT");
    CHECK_STREQ(xt_op(d0, XS_RESUME, 0, "7", NULL), "!ENOENT");
    CHECK_STREQ(xt_op(d0, XS_CONTROL, 0, "check", NULL), "OK|");
    CHECK_STREQ(xt_op(d0, XS_CONTROL, 0, "nonsense", NULL), "!EINVAL");
    CHECK(strstr(xt_op(d0, XS_CONTROL, 0, "help", NULL), "check") != NULL);
    CHECK(strstr(xt_op(d0, XS_CONTROL, 0, "quota", NULL), "nodes 1000") != NULL);
    teardown();
}

HTEST(pipelined_requests_all_answered_in_order)
{
    uint8_t buf[64 * 32];
    uint32_t len = 0;

    setup();
    for (uint32_t i = 0; i < 64; i++) {
        struct xsd_sockmsg h = { .type = XS_READ, .req_id = 1000 + i, .len = 2 };
        memcpy(buf + len, &h, sizeof(h));
        memcpy(buf + len + sizeof(h), "/", 2);
        len += sizeof(h) + 2;
    }
    CHECK_EQ(xt_send_raw(d0, buf, len), 0);
    xt_run(x);
    uint8_t in[64 * 32];
    int n = 0, r;
    for (int i = 0; i < 100 && (r = xs_pipe_read(d0->p, in + n, sizeof(in) - n)) > 0; i++)
        n += r;
    CHECK_EQ(n, 64 * (16 + 0));
    for (uint32_t i = 0; i < 64; i++) {
        struct xsd_sockmsg h;
        memcpy(&h, in + 16 * i, 16);
        CHECK_EQ(h.req_id, 1000 + i);
        CHECK_EQ(h.type, XS_READ);
    }
    teardown();
}
