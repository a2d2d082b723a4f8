/*
 * test-xsdaemon: xenstored as Dom0 runs it (dom0-tools/tools/xsdaemon) --
 * the store library on the fake OS interface, guests played by the test
 * speaking the wire protocol over ring pages they "grant" Dom0, and Dom0's
 * own tools over local connections.
 *
 * What Dom0 adds to the library is checked here: options, the grant map
 * of GNTTAB_RESERVED_XENSTORE and the port binding on INTRODUCE, requests
 * answered from the main loop after an event, a non-blocking client that
 * never runs the loop and a blocking one that ends on ^C, a flooding
 * guest served in bounded shares per turn while another guest still gets
 * answers, @releaseDomain on shutdown (through the state function) and
 * on destruction (ring unmapped, port closed, rights revoked), and that
 * nothing is left after stopping (ASan's leak check).
 */
#include "htest.h"
#include <errno.h>
#include <stdint.h>
#include <public/errno.h>
#include <public/grant_table.h>
#include <public/io/xs_wire.h>
#include "../../dom0-tools/os/fake/fake_os.h"
#include "../../dom0-tools/tools/xsdaemon/xsdaemon.h"
#include "os_loop.h"

#define RING XENSTORE_RING_SIZE

static _Alignas(4096) struct xenstore_domain_interface pages[4];
static enum xs_domstate states[4];

static enum xs_domstate state_of(uint16_t domid)
{
    return domid < 4 ? states[domid] : XS_DOM_GONE;
}

/* ---- a guest's side of its ring, for the client library ---- */

struct guest {
    uint16_t domid;
    uint32_t port;                  /* the port it offers Dom0 */
    uint32_t req_prod, rsp_cons;
    struct xsc c;
};

static struct guest guests[4];

static int g_send(void *ctx, const void *buf, uint32_t len)
{
    struct guest *g = ctx;
    struct xenstore_domain_interface *p = &pages[g->domid];
    uint32_t room = RING - (g->req_prod - p->req_cons), n = len < room ? len : room;

    for (uint32_t i = 0; i < n; i++)
        p->req[MASK_XENSTORE_IDX(g->req_prod + i)] = ((const char *)buf)[i];
    g->req_prod += n;
    p->req_prod = g->req_prod;
    if (n)
        fake_raise(fake_port_of_remote(g->domid, g->port));
    return (int)n;
}

static int g_recv(void *ctx, void *buf, uint32_t len)
{
    struct guest *g = ctx;
    struct xenstore_domain_interface *p = &pages[g->domid];
    uint32_t avail = p->rsp_prod - g->rsp_cons, n = len < avail ? len : avail;

    for (uint32_t i = 0; i < n; i++)
        ((char *)buf)[i] = p->rsp[MASK_XENSTORE_IDX(g->rsp_cons + i)];
    g->rsp_cons += n;
    p->rsp_cons = g->rsp_cons;
    if (n)
        fake_raise(fake_port_of_remote(g->domid, g->port));
    return (int)n;
}

/* The guest waits: Dom0's loop runs until nothing is left to do. */
static int g_wait(void *ctx)
{
    struct guest *g = ctx;
    struct xenstore_domain_interface *p = &pages[g->domid];
    uint32_t before = p->rsp_prod;

    fake_run_pending();
    return p->rsp_prod != before ? 0 : -XEN_ETIME;
}

static void guest_init(uint16_t domid, uint32_t port)
{
    struct guest *g = &guests[domid];
    struct xsc_io io = { .ctx = g, .send = g_send, .recv = g_recv, .wait = g_wait };

    memset(&pages[domid], 0, sizeof(pages[domid]));
    g->domid = domid;
    g->port = port;
    g->req_prod = g->rsp_cons = 0;
    states[domid] = XS_DOM_RUNNING;
    fake_grant(domid, GNTTAB_RESERVED_XENSTORE, &pages[domid]);
    xsc_init(&g->c, &io);
}

/* ---- setup ---- */

static struct xsc tool;             /* the toolstack's non-blocking client */

static void start(const char *opts)
{
    char err[200];

    fake_os_reset();
    memset(states, 0, sizeof(states));
    CHECK_EQ(xsd_start(opts, state_of, err, sizeof(err)), 0);
    CHECK_EQ(xsd_connect(&tool, false), 0);
}

static void stop(void)
{
    xsd_disconnect(&tool);
    xsd_stop();
    CHECK_EQ(fake_maps_open(), 0);
    CHECK_EQ(fake_ports_bound(), 0);
}

static void introduce(uint16_t domid, uint32_t port)
{
    guest_init(domid, port);
    CHECK_EQ(xsc_introduce(&tool, domid, 0x1000 + domid, port), 0);
    CHECK_EQ(xsc_mkdir(&tool, 0, domid == 1 ? "/local/domain/1" : "/local/domain/2"), 0);
    CHECK_EQ(xsc_set_perms(&tool, 0, domid == 1 ? "/local/domain/1" : "/local/domain/2",
                           domid == 1 ? "n1" : "n2", 3), 0);
}

HTEST(options)
{
    char err[200];

    fake_os_reset();
    CHECK_EQ(xsd_start("nodes=5 log=info", state_of, err, sizeof(err)), 0);
    CHECK(xsd_running());
    CHECK_EQ(xsd_start("", state_of, err, sizeof(err)), -XEN_EEXIST);
    xsd_stop();
    CHECK(!xsd_running());
    CHECK_EQ(xsd_start("log=loud", state_of, err, sizeof(err)), -XEN_EINVAL);
    CHECK(strstr(err, "log=err|warn|info|debug") != NULL);
    CHECK_EQ(xsd_start("bogus=1", state_of, err, sizeof(err)), -XEN_EINVAL);
    CHECK(strstr(err, "bogus=1") != NULL);
    CHECK(!xsd_running());
    CHECK_EQ(xsd_connect(&tool, false), -XEN_ENOENT);
}

HTEST(introduce_maps_the_grant_and_serves_the_ring)
{
    char v[64];
    uint32_t len;
    bool yes;

    start(NULL);
    /* Not granted: INTRODUCE fails, nothing stays mapped or bound. */
    CHECK_EQ(xsc_introduce(&tool, 3, 0x1003, 7), -XEN_EINVAL);
    CHECK_EQ(fake_maps_open(), 0);
    introduce(1, 7);
    CHECK_EQ(fake_maps_open(), 1);
    CHECK(fake_port_of_remote(1, 7) > 0);
    CHECK_EQ(xsc_is_introduced(&tool, 1, &yes), 0);
    CHECK(yes);
    /* The guest's requests are answered from the main loop. */
    CHECK_EQ(xsc_write_str(&guests[1].c, 0, "data", "hello"), 0);
    CHECK_EQ(xsc_read(&tool, 0, "/local/domain/1/data", v, sizeof(v), &len), 0);
    CHECK_STREQ(v, "hello");
    CHECK_EQ(xsc_read(&guests[1].c, 0, "/local/domain/1/data", v, sizeof(v), &len), 0);
    CHECK_STREQ(v, "hello");
    CHECK(fake_notifications(fake_port_of_remote(1, 7)) > 0);
    stop();
}

HTEST(nonblocking_client_never_runs_the_loop)
{
    char path[64];
    unsigned int turns;

    start(NULL);
    turns = fake_os.loop_turns;
    CHECK_EQ(xsc_write_str(&tool, 0, "/tool/x", "1"), 0);
    CHECK_EQ(xsc_watch(&tool, "/tool/x", "t"), 0);
    CHECK_EQ(xsc_event(&tool, true, path, sizeof(path), NULL, 0), 1);  /* its first firing */
    CHECK_STREQ(path, "/tool/x");
    CHECK_EQ(xsc_event(&tool, true, path, sizeof(path), NULL, 0), -XEN_EAGAIN);
    CHECK_EQ(fake_os.loop_turns, turns);
    CHECK(!fake_os.deadlocked);
    stop();
}

HTEST(blocking_client_waits_in_the_loop_and_ends_on_interrupt)
{
    static struct xsc w;
    char path[64];

    start(NULL);
    introduce(1, 7);
    CHECK_EQ(xsd_connect(&w, true), 0);
    CHECK_EQ(xsc_watch(&w, "/local/domain/1/data", "t"), 0);
    CHECK_EQ(xsc_event(&w, true, path, sizeof(path), NULL, 0), 1);
    /* A guest's write arrives while the loop runs for the waiting tool. */
    CHECK_EQ(xsc_write_str(&guests[1].c, 0, "data/x", "1"), 0);
    CHECK_EQ(xsc_event(&w, true, path, sizeof(path), NULL, 0), 1);
    CHECK_STREQ(path, "/local/domain/1/data/x");
    /* Nothing more will come: ^C ends the wait. */
    fake_os.interrupted = true;
    CHECK_EQ(xsc_event(&w, true, path, sizeof(path), NULL, 0), -XEN_EINTR);
    CHECK_EQ(xsc_unwatch(&w, "/local/domain/1/data", "t"), 0);
    xsd_disconnect(&w);
    stop();
}

/* Fill domain d's request ring with small WRITEs; returns how many. */
static unsigned int flood_fill(uint16_t d)
{
    struct xenstore_domain_interface *p = &pages[d];
    unsigned int n = 0;

    while (RING - (p->req_prod - p->req_cons) >= 16 + 8) {
        struct xsd_sockmsg h = { .type = XS_WRITE, .req_id = ++n, .len = 8 };
        for (uint32_t i = 0; i < 16; i++)
            p->req[MASK_XENSTORE_IDX(p->req_prod + i)] = ((char *)&h)[i];
        for (uint32_t i = 0; i < 8; i++)
            p->req[MASK_XENSTORE_IDX(p->req_prod + 16 + i)] = "data/f\0v"[i];
        p->req_prod += 16 + 8;
    }
    p->rsp_cons = p->rsp_prod;          /* and throws the replies away */
    guests[d].req_prod = p->req_prod;
    fake_raise(fake_port_of_remote(d, guests[d].port));
    return n;
}

static unsigned int turns_left;
static bool one_turn(void *arg)
{
    (void)arg;
    return turns_left-- == 0;
}

HTEST(flooding_guest_gets_a_share_and_the_other_is_answered)
{
    struct xenstore_domain_interface *p2 = &pages[2];
    struct xs_stats st;
    uint64_t before;
    uint32_t rsp;
    unsigned int turns = 0;

    start("outstanding=0");
    introduce(1, 7);
    introduce(2, 9);
    /* Domain 1 keeps its ring full; domain 2 sends one request. */
    flood_fill(1);
    CHECK_EQ(g_send(&guests[2], "\13\0\0\0\1\0\0\0\0\0\0\0\6\0\0\0data\0v", 22), 22);
    rsp = p2->rsp_prod;
    xs_get_stats(xsd_store(), &st);
    before = st.requests;
    while (p2->rsp_prod == rsp && turns < 10) {
        turns_left = 1;
        os_loop_run_until(one_turn, NULL, 0);   /* exactly one turn of Dom0's loop */
        turns++;
        flood_fill(1);
    }
    CHECK(p2->rsp_prod != rsp);
    CHECK(turns <= 2);
    xs_get_stats(xsd_store(), &st);
    CHECK(st.requests - before <= 64 * (uint64_t)turns);   /* a bounded share per turn */
    CHECK(st.requests - before >= 2);
    /* The flood goes on being served, turn after turn, and the loop returns. */
    for (int i = 0; i < 5; i++) {
        turns_left = 1;
        os_loop_run_until(one_turn, NULL, 0);
        flood_fill(1);
    }
    xs_get_stats(xsd_store(), &st);
    CHECK(st.requests - before > 64);
    CHECK_EQ(st.errors, 0);
    stop();
}

HTEST(shutdown_and_destruction_fire_release_and_clean_up)
{
    char path[64], perms[32];
    uint32_t len;
    struct xs_stats st;

    start(NULL);
    introduce(1, 7);
    introduce(2, 9);
    CHECK_EQ(xsc_watch(&tool, "@releaseDomain", "r"), 0);
    CHECK_EQ(xsc_event(&tool, true, path, sizeof(path), NULL, 0), 1);
    /* Domain 1 owns a node outside its home, and is named on another. */
    CHECK_EQ(xsc_write_str(&tool, 0, "/tool/shared", ""), 0);
    CHECK_EQ(xsc_set_perms(&tool, 0, "/tool/shared", "n1\0r2", 6), 0);
    CHECK_EQ(xsc_write_str(&guests[1].c, 0, "data", "x"), 0);
    CHECK_EQ(xsc_watch(&guests[1].c, "data", "w"), 0);

    states[1] = XS_DOM_SHUTDOWN;
    xsd_domains_changed();
    CHECK_EQ(xsc_event(&tool, true, path, sizeof(path), NULL, 0), 1);
    CHECK_STREQ(path, "@releaseDomain");
    CHECK_EQ(fake_maps_open(), 2);              /* still served until destroyed */

    xsd_domain_destroying(1);
    CHECK_EQ(xsc_event(&tool, true, path, sizeof(path), NULL, 0), 1);
    CHECK_EQ(fake_maps_open(), 1);
    CHECK(fake_port_of_remote(1, 7) < 0);
    CHECK_EQ(xsc_get_perms(&tool, 0, "/tool/shared", perms, sizeof(perms), &len), 0);
    CHECK_EQ(memcmp(perms, "n0\0r2", 6), 0);    /* its rights are gone */
    xs_get_stats(xsd_store(), &st);
    CHECK_EQ(st.domains, 1);
    CHECK_EQ(st.watches, 1);                    /* the toolstack's */
    CHECK_EQ(xs_domain_nodes(xsd_store(), 1), 0);

    /* Domain 2 vanishes without the toolstack: VIRQ_DOM_EXC finds it. */
    states[2] = XS_DOM_GONE;
    xsd_domains_changed();
    CHECK_EQ(xsc_event(&tool, true, path, sizeof(path), NULL, 0), 1);
    CHECK_EQ(fake_maps_open(), 0);
    xs_get_stats(xsd_store(), &st);
    CHECK_EQ(st.domains, 0);
    stop();
}

/* Run a shell command with its stdout and stderr captured in out. */
static int shell(char *out, size_t size, int argc, char **argv)
{
    FILE *tmp = tmpfile();
    int saved_out = dup(1), saved_err = dup(2), rc;
    size_t n;

    fflush(stdout);
    fflush(stderr);
    dup2(fileno(tmp), 1);
    dup2(fileno(tmp), 2);
    rc = xsd_shell_cmd(argc, argv);
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out, 1);
    dup2(saved_err, 2);
    close(saved_out);
    close(saved_err);
    rewind(tmp);
    n = fread(out, 1, size - 1, tmp);
    out[n] = '\0';
    fclose(tmp);
    return rc;
}

HTEST(shell_commands_reach_the_store)
{
    char *ls[] = { "xenstore-ls", "/tool", NULL };
    char *rd[] = { "xenstore-read", "/tool/none", NULL };
    char *wr[] = { "xenstore-write", "/tool/a", "b", NULL };
    char *ex[] = { "xenstore-exists", "/tool/a", NULL };
    char v[8], out[512];
    uint32_t len;

    start(NULL);
    CHECK_EQ(shell(out, sizeof(out), 3, wr), 0);
    CHECK_EQ(xsc_read(&tool, 0, "/tool/a", v, sizeof(v), &len), 0);
    CHECK_STREQ(v, "b");
    CHECK_EQ(shell(out, sizeof(out), 2, ex), 0);
    CHECK_EQ(shell(out, sizeof(out), 2, ls), 0);
    CHECK_STREQ(out, "xenstored = \"\"\na = \"b\"\n");
    CHECK_EQ(shell(out, sizeof(out), 2, rd), 1);
    CHECK_STREQ(out, "xenstore-read: couldn't read /tool/none: ENOENT\n");
    stop();
    CHECK_EQ(shell(out, sizeof(out), 2, ls), 1);          /* not running */
    CHECK_STREQ(out, "xenstore-ls: xenstored is not running\n");
}
