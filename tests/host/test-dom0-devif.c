/*
 * test-dom0-devif: the driver interfaces of Dom0 (os_blk.h, os_net.h) as
 * the registries implement them (dom0-tools/drivers/blkdev.c, netport.c),
 * with a recording fake driver under each.
 *
 * What a backend may hand os_blk_submit() is checked before any driver
 * sees it: every malformed request -- bad op, no segments, too many, a
 * NULL or empty segment, a length that is not whole sectors, a flush with
 * data, no completion callback, a segment with a machine address that
 * crosses its page -- is refused with -EINVAL; ranges are
 * checked without overflow (a sector near 2^64); writes past the end get
 * -ENOSPC, reads -EINVAL, writes to a read-only disk -EROFS; the driver's
 * own refusals pass through; statistics count completions, errors and
 * refusals; the unchecked entry skips only range and read-only.  For
 * network ports: frame lengths, the link, one receiver, drops while nobody
 * listens, link-change callbacks.
 */
#include "htest.h"
#include <stdint.h>
#include <errno.h>
#include "../../dom0-tools/drivers/devices.h"

/* ---- a fake block driver ---- */

static struct os_blk_req *seen[64];
static unsigned int nseen;
static int next_rc;

static int fake_submit(void *priv, struct os_blk_req *req)
{
    (void)priv;
    if (next_rc)
        return next_rc;
    seen[nseen++] = req;
    return 0;
}

static void fake_bstats(void *priv, struct os_blk_stats *st)
{
    (void)priv;
    st->interrupts = 7;
}

static const struct blkdev_ops fake_bops = { fake_submit, fake_bstats };

static int last_status = 12345;
static void done(struct os_blk_req *req, int status)
{
    (void)req;
    last_status = status;
}

static char buf[8192];

static struct os_blk_req req(enum os_blk_op op, uint64_t sector, uint32_t len)
{
    struct os_blk_req r = { .op = op, .sector = sector, .nr_segs = len ? 1 : 0, .done = done };

    r.seg[0].buf = buf;
    r.seg[0].len = len;
    return r;
}

static struct os_blk *disk(bool ro, uint64_t sectors)
{
    struct os_blk_info in = { .driver = "fake", .sectors = sectors, .read_only = ro };

    return blkdev_register(&fake_bops, NULL, &in);
}

HTEST(disks_are_named_and_found)
{
    struct os_blk *a = disk(false, 100), *b = disk(true, 8);
    struct os_blk_info in;

    CHECK_EQ(os_blk_count(), 2);
    CHECK(os_blk_get(0) == a && os_blk_get(1) == b && os_blk_get(2) == NULL);
    CHECK(os_blk_find("vdb") == b);
    CHECK(os_blk_find("vdc") == NULL);
    os_blk_info(a, &in);
    CHECK_STREQ(in.name, "vda");
    CHECK_EQ(in.sectors, 100);
    for (int i = 0; i < 6; i++)
        CHECK(disk(false, 1) != NULL);
    CHECK(disk(false, 1) == NULL);          /* the table holds 8 */
}

HTEST(malformed_requests_never_reach_the_driver)
{
    struct os_blk *d = disk(false, 1000);
    struct os_blk_req r;

    r = req(7, 0, 512);
    CHECK_EQ(os_blk_submit(d, &r), -EINVAL);
    r = req(OS_BLK_READ, 0, 0);
    CHECK_EQ(os_blk_submit(d, &r), -EINVAL);            /* no segments */
    r = req(OS_BLK_READ, 0, 512);
    r.nr_segs = OS_BLK_MAX_SEGS + 1;
    CHECK_EQ(os_blk_submit(d, &r), -EINVAL);
    r = req(OS_BLK_WRITE, 0, 511);
    CHECK_EQ(os_blk_submit(d, &r), -EINVAL);            /* not whole sectors */
    r = req(OS_BLK_WRITE, 0, 512);
    r.seg[0].buf = NULL;
    CHECK_EQ(os_blk_submit(d, &r), -EINVAL);
    r = req(OS_BLK_WRITE, 0, 512);
    r.nr_segs = 2;
    r.seg[1].buf = buf;
    r.seg[1].len = 0;
    CHECK_EQ(os_blk_submit(d, &r), -EINVAL);            /* an empty segment */
    r.seg[1].len = 100;
    CHECK_EQ(os_blk_submit(d, &r), -EINVAL);            /* 612 bytes */
    r.seg[1].len = 512 - 100;
    r.seg[0].len = 100 + 512;
    CHECK_EQ(os_blk_submit(d, &r), 0);                  /* 1024 in odd pieces: fine */
    r = req(OS_BLK_FLUSH, 0, 512);
    CHECK_EQ(os_blk_submit(d, &r), -EINVAL);            /* a flush with data */
    r = req(OS_BLK_READ, 0, 512);
    r.done = NULL;
    CHECK_EQ(os_blk_submit(d, &r), -EINVAL);
    /* A segment with its machine address given must lie in one page. */
    r = req(OS_BLK_READ, 0, 1024);
    r.seg[0].maddr = 0x12345000 + 3584;
    CHECK_EQ(os_blk_submit(d, &r), -EINVAL);            /* 512 bytes past the page */
    r.seg[0].maddr = 0x12345000 + 3072;
    CHECK_EQ(os_blk_submit(d, &r), 0);                  /* ends at the page's end */
    CHECK_EQ(nseen, 2);
    struct os_blk_stats st;
    os_blk_stats(d, &st);
    CHECK_EQ(st.refused, 10);
    CHECK_EQ(st.inflight, 2);
    CHECK_EQ(st.interrupts, 7);                         /* the driver's part */
}

HTEST(ranges_and_read_only)
{
    struct os_blk *d = disk(false, 1000), *ro = disk(true, 1000);
    struct os_blk_req r;

    r = req(OS_BLK_WRITE, 999, 512);
    CHECK_EQ(os_blk_submit(d, &r), 0);                  /* the last sector */
    r = req(OS_BLK_WRITE, 999, 1024);
    CHECK_EQ(os_blk_submit(d, &r), -ENOSPC);            /* crosses the end */
    r = req(OS_BLK_WRITE, 1000, 512);
    CHECK_EQ(os_blk_submit(d, &r), -ENOSPC);
    r = req(OS_BLK_READ, 1000, 512);
    CHECK_EQ(os_blk_submit(d, &r), -EINVAL);
    r = req(OS_BLK_READ, UINT64_MAX, 512);
    CHECK_EQ(os_blk_submit(d, &r), -EINVAL);            /* no wrap-around */
    r = req(OS_BLK_READ, UINT64_MAX - 3, 8192);
    CHECK_EQ(os_blk_submit(d, &r), -EINVAL);
    r = req(OS_BLK_FLUSH, UINT64_MAX, 0);
    CHECK_EQ(os_blk_submit(d, &r), 0);                  /* flushes have no range */
    r = req(OS_BLK_WRITE, 0, 512);
    CHECK_EQ(os_blk_submit(ro, &r), -EROFS);
    r = req(OS_BLK_READ, 0, 512);
    CHECK_EQ(os_blk_submit(ro, &r), 0);
    r = req(OS_BLK_FLUSH, 0, 0);
    CHECK_EQ(os_blk_submit(ro, &r), 0);
    /* The unchecked entry skips range and read-only, not the shape. */
    r = req(OS_BLK_WRITE, 5000, 512);
    CHECK_EQ(os_blk_submit_unchecked(ro, &r), 0);
    r = req(OS_BLK_WRITE, 5000, 100);
    CHECK_EQ(os_blk_submit_unchecked(ro, &r), -EINVAL);
    /* The driver's own refusals pass through and are counted. */
    next_rc = -EAGAIN;
    r = req(OS_BLK_READ, 0, 512);
    CHECK_EQ(os_blk_submit(d, &r), -EAGAIN);
    next_rc = 0;
}

HTEST(completions_are_counted_and_delivered)
{
    struct os_blk *d = disk(false, 1000);
    struct os_blk_req r1 = req(OS_BLK_READ, 0, 4096), r2 = req(OS_BLK_WRITE, 8, 1024),
                      r3 = req(OS_BLK_FLUSH, 0, 0), r4 = req(OS_BLK_READ, 0, 512);
    struct os_blk_stats st;

    CHECK_EQ(os_blk_submit(d, &r1), 0);
    CHECK_EQ(os_blk_submit(d, &r2), 0);
    CHECK_EQ(os_blk_submit(d, &r3), 0);
    CHECK_EQ(os_blk_submit(d, &r4), 0);
    blkdev_complete(d, &r2, 0);
    CHECK_EQ(last_status, 0);
    blkdev_complete(d, &r4, -EIO);
    CHECK_EQ(last_status, -EIO);
    blkdev_complete(d, &r1, 0);
    blkdev_complete(d, &r3, 0);
    os_blk_stats(d, &st);
    CHECK_EQ(st.reads, 1);
    CHECK_EQ(st.sectors_read, 8);
    CHECK_EQ(st.writes, 1);
    CHECK_EQ(st.sectors_written, 2);
    CHECK_EQ(st.flushes, 1);
    CHECK_EQ(st.errors, 1);
    CHECK_EQ(st.inflight, 0);
    blkdev_resize(d, 10);
    struct os_blk_req r5 = req(OS_BLK_READ, 10, 512);
    CHECK_EQ(os_blk_submit(d, &r5), -EINVAL);           /* the new size counts */
}

/* ---- a fake network driver ---- */

static unsigned int sent, sent_len;
static int send_rc;

static int fake_send(void *priv, const void *frame, size_t len)
{
    (void)priv;
    (void)frame;
    if (send_rc)
        return send_rc;
    sent++;
    sent_len = (unsigned int)len;
    return 0;
}

static unsigned int fake_tx_free(void *priv)
{
    (void)priv;
    return 3;
}

static void fake_nstats(void *priv, struct os_net_stats *st)
{
    (void)priv;
    st->interrupts = 9;
}

static const struct netport_ops fake_nops = { fake_send, fake_tx_free, fake_nstats };

static unsigned int got, got_len, links;
static bool link_state;
static void rx(void *arg, const void *frame, size_t len)
{
    CHECK(arg == &got);
    (void)frame;
    got++;
    got_len = (unsigned int)len;
}
static void on_link(void *arg, bool up)
{
    (void)arg;
    links++;
    link_state = up;
}

HTEST(ports_send_receive_and_link)
{
    struct os_net_info in = { .driver = "fake", .mac = { 2, 0, 0, 0, 0, 1 }, .link_up = true,
                              .mtu = 1500 };
    struct os_net *p = netport_register(&fake_nops, NULL, &in);
    static uint8_t frame[2000];
    struct os_net_stats st;

    CHECK(p != NULL);
    CHECK(os_net_find("eth0") == p);
    CHECK_EQ(os_net_send(p, frame, 13), -EMSGSIZE);
    CHECK_EQ(os_net_send(p, frame, 1515), -EMSGSIZE);
    CHECK_EQ(os_net_send(p, frame, 60), 0);
    CHECK_EQ(os_net_send(p, frame, 1514), 0);
    CHECK_EQ(sent_len, 1514);
    send_rc = -EAGAIN;
    CHECK_EQ(os_net_send(p, frame, 60), -EAGAIN);
    send_rc = 0;
    CHECK_EQ(os_net_tx_free(p), 3);
    /* Nobody listens: dropped. */
    netport_receive(p, frame, 60);
    CHECK_EQ(os_net_attach(p, rx, on_link, &got), 0);
    CHECK_EQ(os_net_attach(p, rx, on_link, &got), -EBUSY);
    netport_receive(p, frame, 60);
    netport_receive(p, frame, 13);                      /* too short */
    netport_receive(p, frame, 1515);                    /* too long */
    CHECK_EQ(got, 1);
    CHECK_EQ(got_len, 60);
    netport_link(p, false);
    netport_link(p, false);                             /* no change: no call */
    CHECK_EQ(links, 1);
    CHECK(!link_state);
    CHECK_EQ(os_net_send(p, frame, 60), -ENETDOWN);
    netport_link(p, true);
    CHECK_EQ(links, 2);
    os_net_detach(p);
    netport_receive(p, frame, 60);
    CHECK_EQ(got, 1);
    os_net_stats(p, &st);
    CHECK_EQ(st.tx_packets, 2);
    CHECK_EQ(st.tx_bytes, 60 + 1514);
    CHECK_EQ(st.tx_busy, 1);
    CHECK_EQ(st.rx_packets, 1);
    CHECK_EQ(st.rx_dropped, 2);
    CHECK_EQ(st.rx_errors, 2);
    CHECK_EQ(st.link_changes, 2);
    CHECK_EQ(st.interrupts, 9);
}

/* Software ports (os_net_soft_add: netback's Dom0 interface on a bridge):
 * named by their owner, sends go to its function, os_net_soft_receive
 * reaches the receiver; cards keep their eth numbering around them. */
static unsigned int soft_sent, soft_len;
static int soft_send(void *priv, const void *frame, size_t len)
{
    CHECK(priv == &soft_sent);
    (void)frame;
    soft_sent++;
    soft_len = (unsigned int)len;
    return 0;
}

HTEST(soft_ports_send_and_receive)
{
    static const uint8_t mac[6] = { 2, 0x16, 0x3e, 0, 0, 0 };
    struct os_net_info in = { .driver = "fake", .link_up = true, .mtu = 1500 };
    struct os_net *s = os_net_soft_add("xenbr0", mac, soft_send, &soft_sent), *card;
    static uint8_t frame[1514];
    struct os_net_info si;
    struct os_net_stats st;

    CHECK(s != NULL);
    CHECK(os_net_soft_add("xenbr0", mac, soft_send, &soft_sent) == NULL);   /* taken */
    CHECK(os_net_soft_add("", mac, soft_send, &soft_sent) == NULL);
    CHECK(os_net_soft_add("a-name-too-long-for-a-port", mac, soft_send, &soft_sent) == NULL);
    CHECK(os_net_find("xenbr0") == s);
    card = netport_register(&fake_nops, NULL, &in);
    CHECK(card != NULL && os_net_find("eth0") == card);        /* still eth0 */
    os_net_info(s, &si);
    CHECK(!strcmp(si.name, "xenbr0") && !strcmp(si.driver, "bridge") && si.link_up);
    CHECK(!memcmp(si.mac, mac, 6));
    CHECK_EQ(os_net_send(s, frame, 100), 0);
    CHECK_EQ(os_net_send(s, frame, 10), -EMSGSIZE);
    CHECK_EQ(soft_sent, 1);
    CHECK_EQ(soft_len, 100);
    os_net_soft_receive(s, frame, 60);                  /* nobody listens */
    CHECK_EQ(os_net_attach(s, rx, on_link, &got), 0);
    got = 0;
    os_net_soft_receive(s, frame, 70);
    os_net_soft_receive(s, frame, 5);
    CHECK_EQ(got, 1);
    CHECK_EQ(got_len, 70);
    os_net_stats(s, &st);
    CHECK_EQ(st.tx_packets, 1);
    CHECK_EQ(st.rx_packets, 1);
    CHECK_EQ(st.rx_dropped, 1);
    CHECK_EQ(st.rx_errors, 1);
}

/* Listeners (os_net_listen: Dom0's DHCP server on xenbr0): every frame
 * reaches them and the receiver alike; a frame anyone took is not
 * dropped; the slots are counted; unlisten forgets exactly its own. */
static unsigned int heard[3];
static void listener(void *arg, const void *frame, size_t len)
{
    (void)frame;
    (void)len;
    heard[(unsigned int *)arg - heard]++;
}

HTEST(listeners_hear_every_frame)
{
    static const uint8_t mac[6] = { 2, 0x16, 0x3e, 0, 0, 9 };
    struct os_net *s = os_net_soft_add("xenbr9", mac, soft_send, &soft_sent);
    static uint8_t frame[1514];
    struct os_net_stats st;

    CHECK(s != NULL);
    CHECK_EQ(os_net_listen(s, listener, &heard[0]), 0);
    os_net_soft_receive(s, frame, 60);                  /* only a listener: taken */
    CHECK_EQ(heard[0], 1);
    CHECK_EQ(os_net_attach(s, rx, on_link, &got), 0);   /* a receiver too */
    got = 0;
    CHECK_EQ(os_net_listen(s, listener, &heard[1]), 0);
    CHECK_EQ(os_net_listen(s, listener, &heard[2]), -ENOSPC);
    os_net_soft_receive(s, frame, 60);
    os_net_soft_receive(s, frame, 5);                   /* too short: nobody */
    CHECK_EQ(heard[0], 2);
    CHECK_EQ(heard[1], 1);
    CHECK_EQ(got, 1);
    os_net_unlisten(s, listener, &heard[0]);
    os_net_detach(s);
    os_net_soft_receive(s, frame, 60);
    CHECK_EQ(heard[0], 2);
    CHECK_EQ(heard[1], 2);
    os_net_unlisten(s, listener, &heard[1]);
    os_net_soft_receive(s, frame, 60);                  /* nobody: dropped */
    CHECK_EQ(heard[1], 2);
    os_net_stats(s, &st);
    CHECK_EQ(st.rx_packets, 3);
    CHECK_EQ(st.rx_dropped, 1);
    CHECK_EQ(st.rx_errors, 1);
}
