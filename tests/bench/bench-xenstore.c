/*
 * Benchmark: xenstored.  Domain 0 runs xenstored (tests/guest/xs/server.c)
 * serving d1, tests/guest/xs-bench.c, which measures over its ring:
 *
 *  xs.read_rtt       XS_READ of a small node: request into the ring, event,
 *                    domain switch, xenstored parses and answers, event,
 *                    switch back, the reply taken off the ring
 *  xs.write_rtt      XS_WRITE of a small value: the same plus a commit
 *  xs.watch_event    XS_WRITE of a node the domain watches, until its
 *                    WATCH_EVENT has arrived (reply and event)
 *
 * bench.py boots d1 as a second module for this guest.
 */
#include "bench.h"
#include <events.h>
#include "server.h"

void test_main(void)
{
    struct xs_server_opts o = { .ndoms = 1, .timeout_ns = 100000 * NS_PER_MS, .config = "" };

    if (xs_server_run(&o))
        test_success();
}
