/*
 * xs-death: a domain that dies in the middle of things.  It registers
 * watches, leaves transactions open with writes in them, creates nodes of
 * its own, queues requests whose replies it never reads, and then
 * crashes.  xs-server must notice (VIRQ_DOM_EXC), close its connection,
 * unmap its ring and unbind its port, drop its watches and transactions,
 * give its nodes to domain 0 and remove its home; its final checks find
 * nothing of it left.  A second domain (xs-conform) goes on meanwhile.
 */
#include <test.h>
#include <events.h>
#include <string.h>
#include "ring_client.h"

static struct xsc c;
static char buf[256];

void test_main(void)
{
    uint32_t tx;
    char p[32];

    if (!xs_ring_start(&c, buf, sizeof(buf)))
        return;
    CHECK_RC(xsc_watch(&c, "data", "w1"), 0, "watch");
    CHECK_RC(xsc_watch(&c, "@releaseDomain", "w2"), 0, "watch @releaseDomain");
    for (int i = 0; i < 10; i++) {
        snprintf(p, sizeof(p), "data/n%d", i);
        CHECK_RC(xsc_write_str(&c, 0, p, "mine"), 0, "write");
    }
    for (int i = 0; i < 3; i++) {
        CHECK_RC(xsc_tx_start(&c, &tx), 0, "tx start");
        snprintf(p, sizeof(p), "data/tx%d", i);
        CHECK_RC(xsc_write_str(&c, tx, p, "pending"), 0, "write in tx");
    }
    /* Requests nobody will read the answers to. */
    for (int i = 0; i < 20; i++) {
        struct xsd_sockmsg h = { .type = XS_READ, .req_id = 900 + (uint32_t)i, .len = 6 };
        c.io.send(c.io.ctx, &h, sizeof(h));
        c.io.send(c.io.ctx, "domid", 6);
    }
    printf("xs-death: dying with watches, transactions and requests outstanding\n");
    test_expect_crash("a domain dies with its xenstore connection busy");
    asm volatile ("ud2");
}
